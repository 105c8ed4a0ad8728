//! Running the videos: `--jobs` at a time on a rayon pool, ONNX Runtime threads split so that
//! jobs × threads ≈ cores, one decode/infer pipeline per video, each video's outputs written
//! atomically into its own folder with `done.json` last, so a finished video is skipped on the
//! next run and an interrupted one is redone whole. A video's outputs are those of
//! `ugoki analyze --report` (and `--overlay`), made by the same functions.

use super::inputs::Input;
use super::{
    ANALYSIS_FILE, DONE_FILE, ENTRY_FILE, ERROR_FILE, KEYPOINTS_CSV_FILE, KEYPOINTS_JSON_FILE,
    OVERLAY_FILE, REPORT_FILE,
};
use crate::cli::analyze::analyze_kinematics;
use crate::cli::pose::movenet_inference;
use crate::cli::report::write_report;
use crate::error::{exit_code, Error, Result};
use crate::interrupt::StopFlag;
use crate::kinematics::spine::BackOutlines;
use crate::kinematics::{compute, export, KinematicsOptions};
use crate::report::{annotated, atomic, keypoints};
use crate::text::Lang;
use crate::track::candidates::Inference;
use crate::track::laterality::make_track_consistent;
use crate::track::{track_source, SubjectOptions};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// How the batch runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Videos at a time.
    pub jobs: usize,
    /// Redo videos that are already finished.
    pub force: bool,
    /// Draw the progress bars (overall and one line per running video).
    pub progress: bool,
    /// Log one line per finished video on stderr.
    pub log: bool,
    /// Language of `report.html`.
    pub lang: Lang,
    /// Also write each video's annotated video (`annotated.mp4`).
    pub overlay: bool,
}

/// What happened to one video in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scored,
    Failed,
    /// Finished by an earlier run (scored or failed for good); nothing was run.
    Skipped,
    /// Not started because the batch was interrupted or stopped on a set-up error.
    NotStarted,
}

/// One video's result in this run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VideoResult {
    pub name: String,
    pub source: String,
    pub status: Status,
    /// Why it could not be scored (also for a skipped video that failed before).
    pub error: Option<String>,
    /// Pose-model runs in this run (0 when skipped).
    pub model_runs: usize,
    /// Frames decoded and tracked in this run.
    pub frames: usize,
    pub seconds: f64,
}

/// `done.json`: the video was scored; written last.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DoneRecord {
    pub frames: usize,
    pub model_runs: usize,
    pub seconds: f64,
}

/// `error.json`: why the video could not be scored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorRecord {
    pub error: String,
    /// The exit code `ugoki analyze` would give this video (README, "Exit codes").
    pub exit_code: i32,
}

impl ErrorRecord {
    /// Unusable input and no person are properties of the file and stay failed on a re-run;
    /// set-up and write errors are retried.
    fn is_final(&self) -> bool {
        matches!(
            self.exit_code,
            exit_code::BAD_INPUT | exit_code::NOTHING_TO_ANALYSE
        )
    }
}

/// The videos of this run, with the batch's wall time.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    pub results: Vec<VideoResult>,
    pub wall_s: f64,
    pub interrupted: bool,
}

/// ONNX Runtime intra-op threads per video so that `jobs` videos together use every core.
pub fn threads_per_job(jobs: usize) -> usize {
    (crate::runtime::default_threads() / jobs.max(1)).max(1)
}

/// Pose estimators loaded once and reused by the videos (at most one per job).
struct EstimatorPool {
    idle: Mutex<Vec<Inference>>,
    threads: usize,
}

impl EstimatorPool {
    fn take(&self) -> Result<Inference> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(movenet) => Ok(movenet),
            None => movenet_inference(self.threads, 1),
        }
    }

    fn give_back(&self, movenet: Inference) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(movenet);
        }
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Internal(format!("cannot encode JSON: {e}")))
}

/// Every file a video's run writes after `entry.json`.
const OUTPUT_FILES: [&str; 11] = [
    KEYPOINTS_CSV_FILE,
    KEYPOINTS_JSON_FILE,
    export::JSON_FILE,
    export::CSV_FILE,
    export::MOT_FILE,
    export::TRC_FILE,
    ANALYSIS_FILE,
    REPORT_FILE,
    OVERLAY_FILE,
    DONE_FILE,
    ERROR_FILE,
];

/// Removes what an earlier run of this video left: temporary files of a process that was
/// killed (`x.part`, and `x.part.mp4` for videos, whose writer picks its format by extension),
/// and the outputs about to be rewritten, so that no file of the earlier run (an overlay it
/// drew, an export it could write) sits beside the new ones.
fn clear_folder(dir: &Path) -> Result<()> {
    let listing = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?;
    for item in listing.flatten() {
        let name = item.file_name();
        let name = name.to_string_lossy();
        let ours = OUTPUT_FILES.contains(&name.as_ref());
        if ours || name.ends_with(".part") || name.contains(".part.") {
            std::fs::remove_file(item.path())
                .map_err(|e| Error::io(format!("cannot remove {}", item.path().display()), e))?;
        }
    }
    Ok(())
}

struct Scored {
    frames: usize,
    model_runs: usize,
}

/// Tracks and analyses one video and writes its outputs, `done.json` last.
fn score_video(
    input: &Input,
    dir: &Path,
    movenet: &mut Inference,
    bar: &ProgressBar,
    options: &RunOptions,
) -> Result<Scored> {
    let started = Instant::now();
    let source_path = &input.entry.source;
    let video = source_path.to_str().ok_or_else(|| {
        Error::bad_input(source_path, "the path is not valid UTF-8; rename the file")
    })?;
    let source = crate::source::open(video)?;
    bar.set_length(source.info().frame_count.unwrap_or(0) as u64);
    let outcome = track_source(source, movenet, &SubjectOptions::default(), Some(bar))?;
    if outcome.ended_early {
        return Err(Error::bad_input(
            source_path,
            "the video ends early (truncated or damaged file); re-export it from the phone",
        ));
    }
    let mut track = outcome.track;
    make_track_consistent(&mut track);
    keypoints::write_csv(&track, &dir.join(KEYPOINTS_CSV_FILE))?;
    keypoints::write_json(&track, &dir.join(KEYPOINTS_JSON_FILE))?;
    let frames = track.frames.len();
    let kinematics_options = KinematicsOptions {
        subject_height_m: input.entry.height_m,
        ..KinematicsOptions::default()
    };
    let kinematics = compute(&track, &kinematics_options)?;
    // One mask-model thread: jobs already share the cores, and one was the fastest anyway.
    let (report, spine) = analyze_kinematics(
        &kinematics,
        &track,
        Some(BackOutlines::Video(video)),
        Some(1),
        input.entry.movement_choice(),
        None,
    )?;
    // The report reads the kinematics and the track back from the folder, as `ugoki report`
    // does, so the page a batch writes is the page `ugoki analyze --report` writes.
    export::write_all(&kinematics, dir)?;
    atomic::write(&dir.join(ANALYSIS_FILE), &to_json(&report)?)?;
    write_report(dir, &dir.join(REPORT_FILE), options.lang)?;
    if options.overlay {
        let source = crate::source::open(video)?;
        let bend = spine.as_ref().and_then(|s| s.forward_bend().ok());
        annotated::write_annotated(
            source,
            &track,
            &kinematics,
            bend,
            &report,
            options.lang,
            &dir.join(OVERLAY_FILE),
        )?;
    }
    let done = DoneRecord {
        frames,
        model_runs: outcome.inferences,
        seconds: started.elapsed().as_secs_f64(),
    };
    atomic::write(&dir.join(DONE_FILE), &to_json(&done)?)?;
    Ok(Scored {
        frames,
        model_runs: outcome.inferences,
    })
}

/// What an earlier run left in the folder: `Some(error)` for a video finished earlier
/// (`None` inside when it was scored), `None` when it must be run. A scored folder missing a
/// file this run asks for (a report from before reports were written, an overlay not asked
/// for then) is run again, so that every finished folder holds every file.
fn finished_before(dir: &Path, options: &RunOptions) -> Option<Option<String>> {
    if dir.join(DONE_FILE).is_file() {
        let complete = dir.join(REPORT_FILE).is_file()
            && (!options.overlay || dir.join(OVERLAY_FILE).is_file());
        return complete.then_some(None);
    }
    read_json::<ErrorRecord>(&dir.join(ERROR_FILE))
        .filter(ErrorRecord::is_final)
        .map(|record| Some(record.error))
}

struct Shared<'a> {
    out: &'a Path,
    options: &'a RunOptions,
    stop: &'a StopFlag,
    setup_failed: &'a Mutex<Option<Error>>,
    stopping: &'a AtomicBool,
    pool: &'a EstimatorPool,
    bars: &'a MultiProgress,
    overall: &'a ProgressBar,
}

fn run_one(input: &Input, shared: &Shared) -> VideoResult {
    let started = Instant::now();
    let dir = shared.out.join(&input.name);
    let mut result = VideoResult {
        name: input.name.clone(),
        source: input.entry.source.display().to_string(),
        status: Status::NotStarted,
        error: None,
        model_runs: 0,
        frames: 0,
        seconds: 0.0,
    };
    if !shared.options.force {
        if let Some(error) = finished_before(&dir, shared.options) {
            result.status = Status::Skipped;
            result.error = error;
            shared.overall.inc(1);
            return result;
        }
    }
    if shared.stop.is_set() || shared.stopping.load(Ordering::SeqCst) {
        return result;
    }
    let bar = shared.bars.add(ProgressBar::new(0));
    bar.set_style(
        ProgressStyle::with_template("  {prefix:40!} {bar:20} {pos}/{len} frames {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(input.name.clone());
    let outcome = (|| -> Result<Scored> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        clear_folder(&dir)?;
        atomic::write(&dir.join(ENTRY_FILE), &to_json(&input.entry)?)?;
        let mut movenet = shared.pool.take()?;
        let scored = score_video(input, &dir, &mut movenet, &bar, shared.options);
        shared.pool.give_back(movenet);
        scored
    })();
    bar.finish_and_clear();
    shared.bars.remove(&bar);
    result.seconds = started.elapsed().as_secs_f64();
    match outcome {
        Ok(scored) => {
            result.status = Status::Scored;
            result.frames = scored.frames;
            result.model_runs = scored.model_runs;
        }
        Err(error) => {
            let record = ErrorRecord {
                error: error.to_string(),
                exit_code: error.exit_code(),
            };
            result.status = Status::Failed;
            result.error = Some(record.error.clone());
            // Without the runtime or a model no video can be scored: stop starting more.
            if record.exit_code == exit_code::SETUP {
                shared.stopping.store(true, Ordering::SeqCst);
                if let Ok(mut first) = shared.setup_failed.lock() {
                    first.get_or_insert(error);
                }
            }
            if let Err(write_error) =
                to_json(&record).and_then(|j| atomic::write(&dir.join(ERROR_FILE), &j))
            {
                tracing::warn!("{write_error}");
            }
        }
    }
    shared.overall.inc(1);
    if shared.options.log {
        let what = match (&result.status, &result.error) {
            (_, Some(e)) => format!("failed: {e}"),
            _ => format!(
                "scored: {} frames in {:.1} s",
                result.frames, result.seconds
            ),
        };
        shared
            .bars
            .suspend(|| eprintln!("ugoki batch: {} {what}", result.source));
    }
    result
}

/// Runs the inputs into `out` (one folder each). Set-up errors (no ONNX Runtime, no model)
/// stop the batch and are returned; every other failure is the video's own error row.
pub fn run(
    inputs: &[Input],
    out: &Path,
    options: &RunOptions,
    stop: &StopFlag,
) -> Result<BatchOutcome> {
    let started = Instant::now();
    let jobs = options.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("ugoki-batch-{i}"))
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {jobs} worker threads: {e}")))?;
    let bars = MultiProgress::with_draw_target(if options.progress {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let overall = bars.add(ProgressBar::new(inputs.len() as u64));
    overall.set_style(
        ProgressStyle::with_template(
            "batch {bar:30} {pos}/{len} videos, {elapsed} elapsed, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let setup_failed = Mutex::new(None);
    let stopping = AtomicBool::new(false);
    let estimators = EstimatorPool {
        idle: Mutex::new(Vec::new()),
        threads: threads_per_job(jobs),
    };
    let shared = Shared {
        out,
        options,
        stop,
        setup_failed: &setup_failed,
        stopping: &stopping,
        pool: &estimators,
        bars: &bars,
        overall: &overall,
    };
    // One video per task: a free worker steals single videos, so a long video does not hold
    // back the short ones queued behind it on the same worker.
    let results: Vec<VideoResult> = pool.install(|| {
        inputs
            .par_iter()
            .with_max_len(1)
            .map(|input| run_one(input, &shared))
            .collect()
    });
    overall.finish_and_clear();
    if let Some(error) = setup_failed.into_inner().ok().flatten() {
        return Err(error);
    }
    Ok(BatchOutcome {
        interrupted: stop.is_set() && results.iter().any(|r| r.status == Status::NotStarted),
        results,
        wall_s: started.elapsed().as_secs_f64(),
    })
}
