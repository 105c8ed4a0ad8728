//! A video in, the subject's keypoint track out: decoding and motion analysis on one thread,
//! pose inference on others, joined by bounded channels so that every core does useful work.
//!
//! By default each frame's crops come from the keypoints of the frame before it (MoveNet's own
//! scheme), so frames are inferred one after another. With more frames in flight each frame's
//! crops come from the frame that many before it, so that a frame can be inferred while the
//! ones before it still are. The tracker takes the results in frame order and plans each frame
//! at the same point of that order, so the track depends on the frames in flight but not on
//! timing or on the number of cores.

use super::candidates::{
    inference_thread_stopped, CandidateTracker, FramePlan, FrameResults, Inference, SearchArea,
};
use super::motion::MotionDetector;
use super::selection::{chain_candidates, choose, SubjectPick, SubjectRule};
use super::{PoseFrame, PoseTrack, TRACK_SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::skeleton::BoxPx;
use crate::source::{Frame, FrameSource, SourceInfo};
use opencv::core::Mat;
use std::collections::{BTreeMap, VecDeque};
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
    inference: &mut Inference,
    subject: &SubjectOptions,
    progress: Option<&dyn Progress>,
) -> Result<TrackOutcome> {
    let started = Instant::now();
    let info: SourceInfo = source.info().clone();
    let (tx, rx) = crossbeam_channel::bounded::<Result<Decoded>>(DECODE_AHEAD);
    let decoder = std::thread::Builder::new()
        .name("decode".into())
        .spawn(move || -> bool {
            let mut motion = MotionDetector::new();
            loop {
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
            source.ended_early()
        })
        .map_err(|e| Error::Internal(format!("cannot start the decode thread: {e}")))?;

    let mut tracker = CandidateTracker::new(
        info.width,
        info.height,
        SearchArea { roi: subject.roi },
        inference.frames_in_flight,
    );
    let mut times = Vec::new();
    let failure = infer_in_order(inference, &rx, &mut tracker, &mut times, progress).err();
    drop(rx);
    let ended_early = decoder
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
            model: inference.name().into(),
            frames,
        },
        ended_early,
        inferences,
        wall_time: started.elapsed(),
        candidates: candidate_count,
    })
}

type Job = (FramePlan, Mat);
type Done = (usize, Result<FrameResults>);

/// Feeds decoded frames to the workers, `frames_in_flight` at a time, and applies their results
/// to the tracker in frame order. Every frame's plan is made right after the results of the
/// frame `frames_in_flight` before it are applied, whichever worker finishes first. Stops at the
/// first error, from the source or from a model run.
fn infer_in_order(
    inference: &mut Inference,
    decoded: &crossbeam_channel::Receiver<Result<Decoded>>,
    tracker: &mut CandidateTracker,
    times: &mut Vec<f64>,
    progress: Option<&dyn Progress>,
) -> Result<()> {
    let in_flight = inference.frames_in_flight.max(1);
    let (job_tx, job_rx) = crossbeam_channel::bounded::<Job>(in_flight);
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done>();
    std::thread::scope(|scope| {
        let workers: Vec<_> = inference
            .workers
            .iter_mut()
            .map(|sessions| {
                let (jobs, done) = (job_rx.clone(), done_tx.clone());
                scope.spawn(move || {
                    for (plan, image) in jobs.iter() {
                        let results = sessions.run(&plan, &image);
                        if done.send((plan.frame_index, results)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop((job_rx, done_tx));
        let outcome = apply_in_order(
            in_flight, &job_tx, &done_rx, decoded, tracker, times, progress,
        );
        drop(job_tx);
        let mut stopped = false;
        for worker in workers {
            stopped |= worker.join().is_err();
        }
        if stopped {
            return Err(inference_thread_stopped());
        }
        outcome
    })
}

fn apply_in_order(
    frames_in_flight: usize,
    jobs: &crossbeam_channel::Sender<Job>,
    done: &crossbeam_channel::Receiver<Done>,
    decoded: &crossbeam_channel::Receiver<Result<Decoded>>,
    tracker: &mut CandidateTracker,
    times: &mut Vec<f64>,
    progress: Option<&dyn Progress>,
) -> Result<()> {
    let mut in_flight: VecDeque<FramePlan> = VecDeque::new();
    let mut finished: BTreeMap<usize, Result<FrameResults>> = BTreeMap::new();
    let mut decoding = true;
    loop {
        while decoding && in_flight.len() < frames_in_flight {
            match decoded.recv() {
                Ok(Ok(d)) => {
                    let plan = tracker.plan(d.frame.index, &d.motion);
                    times.push(d.frame.time_s);
                    jobs.send((plan.clone(), d.frame.image))
                        .map_err(|_| inference_thread_stopped())?;
                    in_flight.push_back(plan);
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => decoding = false,
            }
        }
        let Some(plan) = in_flight.pop_front() else {
            return Ok(());
        };
        let results = loop {
            if let Some(r) = finished.remove(&plan.frame_index) {
                break r;
            }
            let (index, r) = done.recv().map_err(|_| inference_thread_stopped())?;
            finished.insert(index, r);
        };
        tracker.apply(&plan, results?);
        if let Some(p) = progress {
            p.frame_done(plan.frame_index);
        }
    }
}
