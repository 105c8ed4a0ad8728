//! `ugoki live`: real-time feedback from a camera, or from a file played as if it were one.

use crate::cli::analyze::Notice;
use crate::criteria::{self};
use crate::error::{Error, Result};
use crate::interrupt::StopFlag;
use crate::live::capture::Pacing;
use crate::live::reps::RepSettings;
use crate::live::session::{new_folder, SessionRecord};
use crate::live::{self, LiveOptions};
use crate::movement::Movement;
use crate::pose::movenet::MoveNet;
use crate::text::Lang;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// `--movement` choices (a live session is always one movement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LiveMovement {
    Hinge,
    Sts,
    Gait,
    Rotation,
}

impl From<LiveMovement> for Movement {
    fn from(m: LiveMovement) -> Movement {
        match m {
            LiveMovement::Hinge => Movement::Hinge,
            LiveMovement::Sts => Movement::Sts,
            LiveMovement::Gait => Movement::Gait,
            LiveMovement::Rotation => Movement::Rotation,
        }
    }
}

/// Arguments of `ugoki live`.
#[derive(Debug, Clone, Args)]
pub struct LiveArgs {
    /// Camera: an index (0), a device (/dev/video0) or a stream URL.
    #[arg(long, default_value = "0", conflicts_with = "source")]
    pub camera: String,
    /// Camera picture size, WxH (e.g. 640x480); default: the camera's own.
    #[arg(long, value_parser = parse_size, conflicts_with = "source")]
    pub size: Option<(u32, u32)>,
    /// Play a video file instead of a camera (tests, demos, replaying a session).
    #[arg(long)]
    pub source: Option<PathBuf>,
    /// With --source: play at the file's own frame rate, dropping frames when processing is
    /// late, as a camera would. Without it every frame is processed.
    #[arg(long, requires = "source")]
    pub realtime: bool,
    #[arg(long, value_enum)]
    pub movement: LiveMovement,
    /// Language of the cues and the report.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// No window (no display needed): verdicts are printed; keys q, space, r, s are read from
    /// standard input, one per line.
    #[arg(long)]
    pub no_window: bool,
    /// Folder under which the session folder (live-YYYYMMDD-HHMMSS) is made.
    #[arg(short, long, default_value = "sessions")]
    pub output: PathBuf,
    /// ONNX Runtime intra-op threads for the pose model (default 1: the other core captures,
    /// records and analyses the repetitions).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// A criteria file replacing the shipped one of the movement (format: docs/criteria.md).
    #[arg(long)]
    pub criteria: Option<PathBuf>,
    /// Print the session summary as JSON (session.json) instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_size(s: &str) -> std::result::Result<(u32, u32), String> {
    let parsed = s
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)));
    match parsed {
        Some((w, h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => Err(format!("'{s}' is not WxH in pixels (e.g. 640x480)")),
    }
}

fn camera_spec(camera: &str) -> String {
    if camera.parse::<i32>().is_ok() {
        format!("cam:{camera}")
    } else {
        camera.to_string()
    }
}

/// Prints the summary; a closed stdout (`| head`) is not an error worth a panic.
fn print_summary(record: &SessionRecord, dir: &std::path::Path) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "session: {:.1} s, {} frames captured, {} processed ({:.1} frames/s), {} dropped",
        record.duration_s,
        record.frames_captured,
        record.frames_processed,
        record.processed_fps,
        record.frames_dropped
    );
    if let (Some(l), Some(p)) = (&record.latency_ms, &record.processing_ms) {
        let _ = writeln!(
        out,
            "latency capture→screen: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; processing p95 {:.1} ms",
            l.p50, l.p95, l.max, p.p95
        );
    }
    if let Some(v) = &record.verdict_delay_s {
        let _ = writeln!(
            out,
            "verdicts after each repetition's end: p50 {:.2} s, max {:.2} s",
            v.p50, v.max
        );
    }
    let _ = writeln!(out, "saved in {}", dir.display());
}

/// Runs `ugoki live`.
pub fn run(args: LiveArgs) -> Result<()> {
    let movement = Movement::from(args.movement);
    let criteria = match &args.criteria {
        Some(path) => {
            let file = criteria::read(path)?;
            if file.movement != movement {
                return Err(Error::Usage(format!(
                    "{} holds {} criteria, not {}",
                    path.display(),
                    file.movement.key(),
                    movement.key()
                )));
            }
            file
        }
        None => criteria::shipped(movement),
    };
    let estimator = Box::new(MoveNet::load(
        &crate::models::resolve("movenet_lightning")?,
        args.threads.max(1),
    )?);
    let (source, pacing) = match &args.source {
        Some(path) => (
            crate::source::open(&path.to_string_lossy())?,
            if args.realtime {
                Pacing::Realtime
            } else {
                Pacing::EveryFrame
            },
        ),
        None => {
            let spec = camera_spec(&args.camera);
            let mut camera = crate::source::open_camera(&spec).ok_or_else(|| {
                Error::Usage(format!(
                    "--camera {}: not a camera (use an index, /dev/videoN or a stream URL)",
                    args.camera
                ))
            })??;
            if let Some((w, h)) = args.size {
                camera.request_size(w, h)?;
            }
            let source: Box<dyn crate::source::FrameSource> = Box::new(camera);
            (source, Pacing::Camera)
        }
    };
    let dir = new_folder(&args.output);
    let stop = StopFlag::on_ctrl_c("ending the session and saving it");
    let settings = RepSettings {
        source: source.info().clone(),
        model: "movenet_lightning".into(),
        movement,
        criteria,
        lang: args.lang,
    };
    if !args.json {
        // Before the first repetition, as the documents ask: red flags come first.
        println!("{}", Notice::default().line(settings.lang));
    }
    let record = live::run(
        source,
        estimator,
        LiveOptions {
            settings,
            pacing,
            window: !args.no_window,
            print: !args.json,
            session_dir: dir.clone(),
        },
        &stop,
    )?;
    if args.json {
        let json = serde_json::to_string_pretty(&record)
            .map_err(|e| Error::Internal(format!("session.json: {e}")))?;
        println!("{json}");
    } else {
        print_summary(&record, &dir);
    }
    Ok(())
}
