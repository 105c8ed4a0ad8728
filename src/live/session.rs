//! The session folder: the recording, the analysis of the whole recording (what `analyze`
//! writes), the report, snapshots, and `session.json` with counts and latencies.

use super::back::Backs;
use super::capture::CaptureEnd;
use super::reps::Announcement;
use super::setup_check::SetupProblem;
use crate::cli::analyze::{write_analysis, AnalysisReport};
use crate::error::{Error, Result};
use crate::kinematics::Kinematics;
use crate::movement::{segment_label, Movement};
use crate::report::atomic;
use crate::text::{tr, Lang};
use crate::track::PoseTrack;
use opencv::core::{Mat, Vector};
use opencv::imgcodecs;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Version of `session.json`.
pub const SESSION_SCHEMA_VERSION: u32 = 1;
/// The file name of the session record.
pub const SESSION_FILE: &str = "session.json";

/// Median, 95th percentile and maximum of a set of measurements.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
    pub count: usize,
}

impl Spread {
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
        Some(Spread {
            p50: at(0.5),
            p95: at(0.95),
            max: v[v.len() - 1],
            count: v.len(),
        })
    }
}

/// `session.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SessionRecord {
    pub schema_version: u32,
    /// The camera or the file played.
    pub source: String,
    pub movement: Movement,
    pub lang: Lang,
    pub started_utc: String,
    pub duration_s: f64,
    pub frames_captured: usize,
    /// Frames the pose model saw (the others were dropped, or came while paused).
    pub frames_processed: usize,
    /// Frames processed per second of session.
    pub processed_fps: f64,
    /// Frames replaced by a newer one before the session loop was free.
    pub frames_dropped: usize,
    /// Frames whose back outline was not traced because the repetition analysis was behind.
    pub back_outlines_skipped: usize,
    /// Capture to the frame's feedback on screen, milliseconds.
    pub latency_ms: Option<Spread>,
    /// Pose, smoothing, setup check and drawing per frame, milliseconds.
    pub processing_ms: Option<Spread>,
    /// One run of the repetition analysis over the frames so far, milliseconds (in the
    /// background, a few times a second).
    pub analysis_run_ms: Option<Spread>,
    /// From a repetition's end to its verdicts being available, seconds (segments judged
    /// on at least one criterion).
    pub verdict_delay_s: Option<Spread>,
    /// Each repetition as it was announced during the session.
    pub announcements: Vec<Announcement>,
    /// When the setup check was first clean for a second (media time).
    pub ready_at_s: Option<f64>,
    pub setup_problems_seen: Vec<SetupProblem>,
    /// `finished`, `stopped`, or `lost: <reason>`.
    pub end: String,
    pub recording: Option<PathBuf>,
    pub snapshots: Vec<PathBuf>,
    pub analysis: Option<PathBuf>,
    pub report: Option<PathBuf>,
}

/// One line for the terminal about an announced repetition, in `lang`.
pub fn describe(a: &Announcement, lang: Lang) -> String {
    let seconds = tr(lang, "s", "秒");
    let verdicts: Vec<String> = a
        .verdicts
        .iter()
        .map(|v| {
            let label = v.verdict.label(lang);
            match &v.cue {
                Some(cue) => format!("{} {label} ({cue})", v.id),
                None => format!("{} {label}", v.id),
            }
        })
        .collect();
    format!(
        "{}: {:.2}-{:.2} {seconds}, {} {:.2} {seconds}: {}",
        segment_label(&format!("{} {}", a.kind, a.number), lang),
        a.start_s,
        a.end_s,
        tr(lang, "verdicts at", "判定"),
        a.available_s,
        verdicts.join(", ")
    )
}

/// A new session folder under `parent`, named by the UTC start time.
pub fn new_folder(parent: &Path) -> PathBuf {
    let stamp = started_utc().replace([':', '-'], "").replace('T', "-");
    let mut dir = parent.join(format!("live-{}", stamp.trim_end_matches('Z')));
    let mut n = 2;
    while dir.exists() {
        dir = parent.join(format!("live-{}-{n}", stamp.trim_end_matches('Z')));
        n += 1;
    }
    dir
}

/// Now, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn started_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        crate::report::html::today_utc(),
        day / 3600,
        day / 60 % 60,
        day % 60
    )
}

pub fn end_text(end: &CaptureEnd) -> String {
    match end {
        CaptureEnd::Finished => "finished".into(),
        CaptureEnd::Stopped => "stopped".into(),
        CaptureEnd::Lost(reason) => format!("lost: {reason}"),
    }
}

/// Writes the frame on screen as `snapshots/snapshot-N.jpg`.
pub fn snapshot(dir: &Path, image: &Mat, n: usize) -> Result<PathBuf> {
    let folder = dir.join("snapshots");
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
    let path = folder.join(format!("snapshot-{n}.jpg"));
    let mut bytes = Vector::<u8>::new();
    imgcodecs::imencode_def(".jpg", image, &mut bytes)?;
    atomic::write(&path, bytes.as_slice())?;
    Ok(path)
}

/// Writes the analysis of the whole recording (as `analyze` writes it), the report and
/// `session.json`. A session whose camera was lost is saved first and reported as an error
/// after.
pub fn finish(
    mut record: SessionRecord,
    mut track: PoseTrack,
    analysis: Result<(Kinematics, AnalysisReport)>,
    backs: Option<&Backs>,
    dir: &Path,
    end: CaptureEnd,
) -> Result<SessionRecord> {
    track.source.frame_count = Some(record.frames_captured);
    let analysed =
        analysis.and_then(|(kinematics, report)| write_analysis(dir, &track, &kinematics, &report));
    record.back_outlines_skipped =
        backs.map_or(0, |b| b.lock().unwrap_or_else(|p| p.into_inner()).skipped);
    let nobody = match analysed {
        Ok(_) => {
            record.analysis = Some(dir.join("analysis.json"));
            let html = dir.join(crate::cli::report::HTML_FILE);
            crate::cli::report::write_report(dir, &html, record.lang)?;
            record.report = Some(html);
            None
        }
        Err(Error::NoSubject(reason)) => Some(reason),
        Err(e) => return Err(e),
    };
    let json = serde_json::to_string_pretty(&record)
        .map_err(|e| Error::Internal(format!("session.json: {e}")))?;
    atomic::write(&dir.join(SESSION_FILE), json.as_bytes())?;
    let saved = dir.display();
    match (end, nobody) {
        (CaptureEnd::Lost(reason), _) => Err(Error::CaptureLost(format!(
            "{}: {reason}; the session up to then is saved in {saved}",
            record.source
        ))),
        (_, Some(reason)) => Err(Error::NoSubject(format!(
            "{reason}; the recording is saved in {saved}"
        ))),
        _ => Ok(record),
    }
}
