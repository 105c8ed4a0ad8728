//! Repetitions found while the person moves, judged with the very code and criteria of
//! `ugoki analyze`.
//!
//! A background thread re-runs the whole analysis (kinematics, segmentation, scoring) on the
//! frames seen so far, a few times a second, and announces each repetition, rise, step or
//! turn once the analysis has found it complete and its end has settled. Re-running the
//! offline analysis on the past, rather than keeping a second, simplified detector for live
//! use, is what makes live counts and verdicts the ones `analyze` gives on the same clip; it
//! costs a few milliseconds per run (the pose model costs more per frame).

use super::back::Backs;
use crate::cli::analyze::{analyze_kinematics, AnalysisReport, MovementChoice};
use crate::criteria::scoring::Verdict;
use crate::criteria::CriteriaFile;
use crate::kinematics::spine::BackOutlines;
use crate::kinematics::{compute, Kinematics, KinematicsOptions};
use crate::movement::Movement;
use crate::source::SourceInfo;
use crate::text::Lang;
use crate::track::laterality::make_track_consistent;
use crate::track::{PoseFrame, PoseTrack, TRACK_SCHEMA_VERSION};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Shortest time between two analysis runs.
const RUN_EVERY: Duration = Duration::from_millis(50);
/// A segment is announced once the clip has gone on for this many frame intervals past its
/// end: the segmenter has then seen the movement settle, so the end (and the tempo) no longer
/// moves as frames arrive.
const SETTLED_FRAMES: f64 = 2.0;

/// One criterion's verdict on one repetition, with the short cue for the screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepVerdict {
    pub id: String,
    pub verdict: Verdict,
    pub value: Option<f64>,
    pub unit: String,
    /// A few words to show (in the session's language), for warn and fail.
    pub cue: Option<String>,
}

/// A repetition (rise, step, turn) as announced during the session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Announcement {
    /// `rep`, `rise`, `sit`, `step`, `turn_left`, `turn_right`.
    pub kind: String,
    /// 1-based among the announced segments of its kind.
    pub number: usize,
    pub start_s: f64,
    pub end_s: f64,
    /// Media time at which its verdicts were available.
    pub available_s: f64,
    /// Criteria judged on it (cannot-assess ones left out).
    pub verdicts: Vec<RepVerdict>,
}

/// How the session tells the media time at which a verdict became available.
#[derive(Debug, Clone, Copy)]
pub enum MediaClock {
    /// Frames arrive on the clock (camera, or a file in real time): a frame's timestamp plus
    /// the wall time since it was captured.
    Wall { at: Instant, time_s: f64 },
    /// Every frame is processed, however long it takes: the time of the newest frame analysed.
    Frames,
}

impl MediaClock {
    fn now_s(&self, newest_frame_s: f64) -> f64 {
        match self {
            MediaClock::Wall { at, time_s } => time_s + at.elapsed().as_secs_f64(),
            MediaClock::Frames => newest_frame_s,
        }
    }
}

/// What the analysis needs besides the frames.
#[derive(Clone)]
pub struct RepSettings {
    pub source: SourceInfo,
    pub model: String,
    pub movement: Movement,
    pub criteria: CriteriaFile,
    pub lang: Lang,
}

#[derive(Default)]
struct Frames {
    frames: Vec<PoseFrame>,
    version: u64,
}

/// The background analysis and what it has announced.
pub struct RepWatcher {
    frames: Arc<Mutex<Frames>>,
    announced: Arc<Mutex<Vec<Announcement>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    settings: RepSettings,
    backs: Option<Backs>,
    /// Duration of each analysis run, milliseconds.
    runs: Arc<Mutex<Vec<f64>>>,
}

/// The movement as `analyze` asks for it.
pub fn choice(movement: Movement) -> MovementChoice {
    match movement {
        Movement::Hinge => MovementChoice::Hinge,
        Movement::Sts => MovementChoice::Sts,
        Movement::Gait => MovementChoice::Gait,
        Movement::Rotation => MovementChoice::Rotation,
    }
}

/// The track of the frames seen so far, as `ugoki pose` would hand it to `analyze`.
fn track_of(settings: &RepSettings, frames: Vec<PoseFrame>) -> PoseTrack {
    let mut track = PoseTrack {
        schema_version: TRACK_SCHEMA_VERSION,
        source: settings.source.clone(),
        model: settings.model.clone(),
        frames,
    };
    make_track_consistent(&mut track);
    track
}

/// `analyze`'s analysis of `track`, with the back outlines traced on the session's masks.
/// At the end of the session (`everything`), every kept frame is traced.
fn analyse(
    settings: &RepSettings,
    track: &PoseTrack,
    backs: Option<&Backs>,
    everything: bool,
) -> crate::Result<(Kinematics, AnalysisReport)> {
    let kinematics = compute(track, &KinematicsOptions::default())?;
    let newest_s = track.frames.last().map_or(0.0, |f| f.time_s);
    let traced = backs
        .map(|b| {
            b.lock()
                .unwrap_or_else(|p| p.into_inner())
                .outlines(&kinematics, newest_s, everything)
                .cloned()
        })
        .transpose()?;
    let (report, _) = analyze_kinematics(
        &kinematics,
        track,
        traced.as_ref().map(BackOutlines::Traced),
        Some(1),
        choice(settings.movement),
        Some(&settings.criteria),
    )?;
    Ok((kinematics, report))
}

/// Segments of `report` (the analysis of the frames up to `last_s`) that are complete, ended
/// at least `settle_s` before `last_s`, and not yet in `announced`; available at
/// `available_s`.
fn new_segments(
    settings: &RepSettings,
    report: &AnalysisReport,
    last_s: f64,
    settle_s: f64,
    announced: &[Announcement],
    available_s: f64,
) -> Vec<Announcement> {
    let (Some(analysis), Some(assessment)) = (&report.analysis, &report.assessment) else {
        return Vec::new();
    };
    let mut out: Vec<Announcement> = Vec::new();
    for segment in &analysis.segments {
        let previous_end = announced
            .iter()
            .chain(&out)
            .filter(|a| a.kind == segment.kind)
            .map(|a| a.end_s)
            .fold(f64::NEG_INFINITY, f64::max);
        // A segment starting before the last announced one ended is that one again (its
        // bounds move a little as the analysis sees more of the clip).
        if segment.start_s < previous_end || segment.end_s > last_s - settle_s {
            continue;
        }
        let on = segment.id();
        let verdicts = assessment
            .criteria
            .iter()
            .filter_map(|c| {
                let j = c
                    .judgements
                    .iter()
                    .find(|j| j.on == on && j.verdict != Verdict::CannotAssess)?;
                let cue = settings
                    .criteria
                    .criterion
                    .iter()
                    .find(|k| k.id == c.id)
                    .filter(|_| matches!(j.verdict, Verdict::Warn | Verdict::Fail))
                    .map(|k| k.cue.get(settings.lang).to_string());
                Some(RepVerdict {
                    id: c.id.clone(),
                    verdict: j.verdict,
                    value: j.value,
                    unit: c.unit.clone(),
                    cue,
                })
            })
            .collect();
        let number = announced
            .iter()
            .chain(&out)
            .filter(|a| a.kind == segment.kind)
            .count()
            + 1;
        out.push(Announcement {
            kind: segment.kind.clone(),
            number,
            start_s: segment.start_s,
            end_s: segment.end_s,
            available_s,
            verdicts,
        });
    }
    out
}

impl RepWatcher {
    /// Starts the analysis thread; `backs` holds the person masks when the movement needs them.
    pub fn start(
        settings: RepSettings,
        clock: MediaClock,
        backs: Option<Backs>,
    ) -> crate::Result<RepWatcher> {
        let frames: Arc<Mutex<Frames>> = Arc::default();
        let announced: Arc<Mutex<Vec<Announcement>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let runs: Arc<Mutex<Vec<f64>>> = Arc::default();
        let thread = {
            let (frames, announced, stop, runs) = (
                Arc::clone(&frames),
                Arc::clone(&announced),
                Arc::clone(&stop),
                Arc::clone(&runs),
            );
            let settings = settings.clone();
            let backs = backs.clone();
            std::thread::Builder::new()
                .name("reps".into())
                .spawn(move || {
                    let mut seen_version = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let started = Instant::now();
                        let snapshot = {
                            let f = frames.lock().unwrap_or_else(|p| p.into_inner());
                            (f.version != seen_version).then(|| {
                                seen_version = f.version;
                                f.frames.clone()
                            })
                        };
                        if let Some(snapshot) = snapshot {
                            let newest = snapshot.last().map_or(0.0, |f| f.time_s);
                            let track = track_of(&settings, snapshot);
                            // Nobody measurable yet: nothing to announce.
                            if let Ok((_, report)) =
                                analyse(&settings, &track, backs.as_ref(), false)
                            {
                                let available_s = clock.now_s(newest);
                                let mut done = announced.lock().unwrap_or_else(|p| p.into_inner());
                                let fresh = new_segments(
                                    &settings,
                                    &report,
                                    newest,
                                    SETTLED_FRAMES / settings.source.fps,
                                    &done,
                                    available_s,
                                );
                                done.extend(fresh);
                            }
                            runs.lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(started.elapsed().as_secs_f64() * 1e3);
                        }
                        std::thread::sleep(RUN_EVERY.saturating_sub(started.elapsed()));
                    }
                })
                .map_err(|e| {
                    crate::Error::Internal(format!("cannot start the analysis thread: {e}"))
                })?
        };
        Ok(RepWatcher {
            frames,
            announced,
            stop,
            thread: Some(thread),
            settings,
            backs,
            runs,
        })
    }

    /// Adds the frames processed (or dropped) since the last call.
    pub fn push(&self, new: impl IntoIterator<Item = PoseFrame>) {
        let mut f = self.frames.lock().unwrap_or_else(|p| p.into_inner());
        f.frames.extend(new);
        f.version += 1;
    }

    /// Everything announced so far.
    pub fn announced(&self) -> Vec<Announcement> {
        self.announced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stops the thread and analyses the whole session once: segments its end completed are
    /// announced at `end_s`.
    pub fn finish(mut self, end_s: f64) -> Finished {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let frames =
            std::mem::take(&mut self.frames.lock().unwrap_or_else(|p| p.into_inner()).frames);
        let last_s = frames.last().map_or(0.0, |f| f.time_s);
        let track = track_of(&self.settings, frames);
        let analysis = analyse(&self.settings, &track, self.backs.as_ref(), true);
        let mut announcements = self.announced();
        if let Ok((_, report)) = &analysis {
            let last = new_segments(&self.settings, report, last_s, 0.0, &announcements, end_s);
            announcements.extend(last);
        }
        let analysis_runs_ms =
            std::mem::take(&mut *self.runs.lock().unwrap_or_else(|p| p.into_inner()));
        Finished {
            track,
            analysis,
            announcements,
            analysis_runs_ms,
        }
    }
}

/// A session's end: its whole track and analysis, and what was announced on the way.
pub struct Finished {
    pub track: PoseTrack,
    pub analysis: crate::Result<(Kinematics, AnalysisReport)>,
    pub announcements: Vec<Announcement>,
    pub analysis_runs_ms: Vec<f64>,
}

impl Drop for RepWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
