//! `ugoki pose VIDEO -o DIR`: per-frame keypoints of the subject as JSON and CSV, and an
//! optional overlay video.

use crate::error::{Error, Result};
use crate::pose::blazepose::BlazePose;
use crate::pose::movenet::MoveNet;
use crate::pose::PoseEstimator;
use crate::report::{keypoints, overlay};
use crate::skeleton::BoxPx;
use crate::track::candidates::{Inference, Sessions};
use crate::track::laterality::make_track_consistent;
use crate::track::refine::refine;
use crate::track::{track_source, SubjectOptions, SubjectPick, SubjectRule, TrackOutcome};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PoseModel {
    /// MoveNet SinglePose Lightning (17 keypoints; fast; default).
    Movenet,
    /// MoveNet to find and follow the subject, then BlazePose lite on the subject (adds heels,
    /// toes and world landmarks in metres).
    Blazepose,
}

impl PoseModel {
    /// The name `--model` takes for it.
    pub fn name(self) -> String {
        use clap::ValueEnum;
        self.to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default()
    }
}

#[derive(Debug, Args)]
pub struct PoseArgs {
    /// Video file, folder of images, or camera (cam:0, /dev/video0).
    pub video: String,
    /// Output folder (created if needed).
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value_t = PoseModel::Movenet)]
    pub model: PoseModel,
    /// ONNX Runtime intra-op threads (default: number of cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub in_flight: FramesInFlight,
    /// How to choose the subject when several people are in view.
    #[arg(long, value_enum, default_value_t = SubjectRule::Auto)]
    pub rule: SubjectRule,
    /// The subject is the person under pixel (X,Y) at time T seconds: T:X,Y.
    #[arg(long)]
    pub subject: Option<SubjectPick>,
    /// Only look for people inside this box: x,y,w,h in pixels.
    #[arg(long, value_parser = parse_roi)]
    pub roi: Option<BoxPx>,
    /// Also write the video with the skeleton drawn on it.
    #[arg(long)]
    pub overlay: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print a JSON summary to stdout.
    #[arg(long)]
    pub json: bool,
}

fn parse_roi(s: &str) -> std::result::Result<BoxPx, String> {
    let v: Vec<f32> = s
        .split(',')
        .map(|p| p.trim().parse::<f32>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| format!("'{s}' is not x,y,w,h in pixels"))?;
    match v[..] {
        [x, y, w, h] if w > 0.0 && h > 0.0 => Ok(BoxPx {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
        }),
        _ => Err(format!("'{s}' is not x,y,w,h in pixels (w and h > 0)")),
    }
}

/// Resolves a model file in the project's `models/` folder.
pub fn model_file(file: &str) -> Result<PathBuf> {
    crate::models::resolve(file)
}

fn load_blazepose(threads: usize) -> Result<BlazePose> {
    BlazePose::load(
        &model_file("blazepose_detector")?,
        &model_file("blazepose_landmark_lite")?,
        threads,
    )
}

/// How many frames are inferred at once, for the commands that track a video.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct FramesInFlight {
    /// Frames inferred at once for a video input: 1 (default) crops each frame around the
    /// person as found in the frame before (MoveNet's own scheme); 2 plans each crop from two
    /// frames before, so that two cores infer two frames at once (1.1-1.2x faster on two cores
    /// in `make bench`; keypoints differ by about a pixel, with the same error against rendered
    /// truth).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub frames_in_flight: u8,
}

impl FramesInFlight {
    pub fn frames(self) -> usize {
        self.frames_in_flight.into()
    }
}

/// MoveNet sessions for `threads` cores and `frames_in_flight` frames inferred at once: each
/// frame's worker gets its share of the cores, as one session with all of them and, when that
/// is more than one, a single-threaded session per core.
pub fn movenet_inference(threads: usize, frames_in_flight: usize) -> Result<Inference> {
    let model = model_file("movenet_lightning")?;
    let load = |t: usize| Ok(Box::new(MoveNet::load(&model, t)?) as Box<dyn PoseEstimator>);
    let workers = Inference::split_threads(threads, frames_in_flight)
        .into_iter()
        .map(|t| {
            let per_core = if t > 1 {
                (0..t).map(|_| load(1)).collect::<Result<Vec<_>>>()?
            } else {
                Vec::new()
            };
            Ok(Sessions {
                whole: load(t)?,
                per_core,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Inference {
        workers,
        frames_in_flight: frames_in_flight.max(1),
    })
}

/// Runs pose tracking over a video with a progress bar unless `quiet`.
pub fn track_video(
    video: &str,
    model: PoseModel,
    threads: Option<usize>,
    frames_in_flight: usize,
    subject: &SubjectOptions,
    quiet: bool,
) -> Result<TrackOutcome> {
    let threads = threads.unwrap_or_else(crate::runtime::default_threads);
    // Load every model before decoding, so a missing one fails fast.
    let mut movenet = movenet_inference(threads, frames_in_flight)?;
    let mut blazepose = match model {
        PoseModel::Movenet => None,
        PoseModel::Blazepose => Some(load_blazepose(threads)?),
    };
    let source = crate::source::open(video)?;
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new(source.info().frame_count.unwrap_or(0) as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix} {bar:30} {pos}/{len} frames {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_prefix("pose");
        bar
    };
    let outcome = track_source(source, &mut movenet, subject, Some(&bar));
    bar.finish_and_clear();
    let mut outcome = outcome?;
    if let Some(blazepose) = blazepose.as_mut() {
        refine(crate::source::open(video)?, &mut outcome.track, blazepose)?;
    }
    make_track_consistent(&mut outcome.track);
    Ok(outcome)
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))
}

pub fn run(args: PoseArgs) -> Result<()> {
    let subject = SubjectOptions {
        rule: args.rule,
        pick: args.subject,
        roi: args.roi,
    };
    let started = std::time::Instant::now();
    let outcome = track_video(
        &args.video,
        args.model,
        args.threads,
        args.in_flight.frames(),
        &subject,
        args.quiet,
    )?;
    let seconds = started.elapsed().as_secs_f64();
    create_dir(&args.output)?;
    let json_path = args.output.join("keypoints.json");
    let csv_path = args.output.join("keypoints.csv");
    keypoints::write_json(&outcome.track, &json_path)?;
    keypoints::write_csv(&outcome.track, &csv_path)?;
    if let Some(out) = &args.overlay {
        overlay::write_overlay(crate::source::open(&args.video)?, &outcome.track, out)?;
    }
    let frames = outcome.track.frames.len();
    let present = outcome
        .track
        .frames
        .iter()
        .filter(|f| f.skeleton.is_some())
        .count();
    let fps = frames as f64 / seconds.max(1e-9);
    if args.json {
        let summary = serde_json::json!({
            "video": args.video,
            "frames": frames,
            "subject_frames": present,
            "people_followed": outcome.candidates,
            "model_runs": outcome.inferences,
            "fps": fps,
            "keypoints_json": json_path,
            "keypoints_csv": csv_path,
            "overlay": args.overlay,
            "ended_early": outcome.ended_early,
        });
        println!("{summary}");
    } else if !args.quiet {
        eprintln!(
            "pose: {frames} frames, subject in {present}, {} people followed, {fps:.1} frames/s; wrote {} and {}",
            outcome.candidates,
            json_path.display(),
            csv_path.display()
        );
    }
    if outcome.ended_early {
        return Err(Error::bad_input(
            &args.video,
            format!("the video ends early (truncated or damaged file); keypoints for the {frames} decoded frames were written"),
        ));
    }
    Ok(())
}
