//! A video in, the subject's keypoint track out: decoding and motion analysis on one thread,
//! pose inference on another, joined by a bounded channel so both cores do useful work.

use super::candidates::{CandidateTracker, SearchArea, Sessions};
use super::motion::MotionDetector;
use super::selection::{chain_candidates, choose, SubjectPick, SubjectRule};
use super::{PoseFrame, PoseTrack, TRACK_SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::skeleton::BoxPx;
use crate::source::{Frame, FrameSource, SourceInfo};
use std::time::{Duration, Instant};

/// Frames decoded ahead of inference; small, so memory stays flat on long videos.
const DECODE_AHEAD: usize = 4;

/// How to find the subject.
#[derive(Debug, Clone, Copy)]
pub struct SubjectOptions {
    pub rule: SubjectRule,
    pub pick: Option<SubjectPick>,
    pub roi: Option<BoxPx>,
}

impl Default for SubjectOptions {
    fn default() -> Self {
        SubjectOptions {
            rule: SubjectRule::Auto,
            pick: None,
            roi: None,
        }
    }
}

/// The track plus what it took to make it.
pub struct TrackOutcome {
    pub track: PoseTrack,
    /// The video stopped before its container said it would (truncated file, lost camera).
    pub ended_early: bool,
    /// Pose-model runs (several per frame when several people are followed).
    pub inferences: usize,
    /// Time spent decoding and finding motion (decode thread), and in the tracker (inference
    /// thread), each summed over frames.
    pub decode_time: Duration,
    pub inference_time: Duration,
    pub wall_time: Duration,
    /// People followed before one was chosen.
    pub candidates: usize,
}

/// Per-frame progress, for progress bars.
pub trait Progress {
    fn frame_done(&self, index: usize);
}

impl Progress for indicatif::ProgressBar {
    fn frame_done(&self, _index: usize) {
        self.inc(1);
    }
}

struct Decoded {
    frame: Frame,
    motion: Vec<BoxPx>,
}

/// Runs the pose model over a whole source and returns the chosen subject's track.
pub fn track_source(
    mut source: Box<dyn FrameSource>,
    sessions: &mut Sessions,
    subject: &SubjectOptions,
    progress: Option<&dyn Progress>,
) -> Result<TrackOutcome> {
    let started = Instant::now();
    let info: SourceInfo = source.info().clone();
    let (tx, rx) = crossbeam_channel::bounded::<Result<Decoded>>(DECODE_AHEAD);
    let decoder = std::thread::Builder::new()
        .name("decode".into())
        .spawn(move || -> (Duration, bool) {
            let mut motion = MotionDetector::new();
            let mut busy = Duration::ZERO;
            loop {
                let t = Instant::now();
                let item = match source.next_frame() {
                    Ok(Some(frame)) => motion.update(&frame.image).map(|boxes| {
                        Some(Decoded {
                            frame,
                            motion: boxes,
                        })
                    }),
                    Ok(None) => Ok(None),
                    Err(e) => Err(e),
                };
                busy += t.elapsed();
                match item {
                    Ok(Some(d)) => {
                        if tx.send(Ok(d)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
            (busy, source.ended_early())
        })
        .map_err(|e| Error::Internal(format!("cannot start the decode thread: {e}")))?;

    let mut tracker =
        CandidateTracker::new(info.width, info.height, SearchArea { roi: subject.roi });
    let mut times = Vec::new();
    let mut inference_time = Duration::ZERO;
    let mut failure = None;
    for item in rx.iter() {
        let decoded = match item {
            Ok(d) => d,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let t = Instant::now();
        let plan = tracker.plan(decoded.frame.index, &decoded.motion);
        let results = sessions.run(&plan, &decoded.frame.image);
        inference_time += t.elapsed();
        match results {
            Ok(r) => tracker.apply(&plan, r),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
        times.push(decoded.frame.time_s);
        if let Some(p) = progress {
            p.frame_done(decoded.frame.index);
        }
    }
    drop(rx);
    let (decode_time, ended_early) = decoder
        .join()
        .map_err(|_| Error::Internal("the decode thread stopped unexpectedly".into()))?;
    if let Some(e) = failure {
        return Err(e);
    }
    if times.is_empty() {
        return Err(Error::bad_input(
            &info.name,
            "the video holds no decodable frames",
        ));
    }
    let inferences = tracker.inferences;
    let candidates = tracker.into_candidates();
    let candidate_count = candidates.len();
    let chains = chain_candidates(candidates, info.fps);
    let chosen = choose(&chains, subject.rule, subject.pick, &times)?;
    let mut frames: Vec<PoseFrame> = times
        .iter()
        .enumerate()
        .map(|(index, &time_s)| PoseFrame::unseen(index, time_s))
        .collect();
    for (index, skeleton) in &chains[chosen].observations {
        if let Some(f) = frames.get_mut(*index) {
            f.skeleton = Some(skeleton.clone());
        }
    }
    Ok(TrackOutcome {
        track: PoseTrack {
            schema_version: TRACK_SCHEMA_VERSION,
            source: info,
            model: sessions.name().into(),
            frames,
        },
        ended_early,
        inferences,
        decode_time,
        inference_time,
        wall_time: started.elapsed(),
        candidates: candidate_count,
    })
}
