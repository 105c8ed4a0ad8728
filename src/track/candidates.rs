//! Following every person who might be the subject, each with its own pose-model crop.
//!
//! A candidate is started where the whole frame shows a person (MoveNet's first-frame search) or
//! where something moves (motion boxes), then followed frame to frame through the estimator's
//! own next region. A result that jumps away from where the candidate was is refused (the crop
//! slid onto someone else), so a candidate never turns into another person.

use crate::error::{Error, Result};
use crate::pose::{PoseEstimate, PoseEstimator, Region};
use crate::skeleton::{BoxPx, Keypoint, Skeleton};
use opencv::core::Mat;

/// Keypoint confidence used for boxes and consistency checks.
pub const POINT_MIN_SCORE: f32 = 0.3;
/// Mean torso confidence for a result to count as the person.
pub const MIN_PRESENCE: f32 = 0.3;
/// Stricter threshold to start a new candidate (fewer false people).
const START_PRESENCE: f32 = 0.4;
/// Frames a candidate may go unseen before it is closed.
const MAX_MISSES: usize = 12;
/// At most this many people are followed at once.
const MAX_ALIVE: usize = 4;
/// Motion-box seeds tried per frame (each costs one model run).
const SEEDS_PER_FRAME: usize = 1;
/// A failed seed location is not retried for this many frames.
const SEED_COOLDOWN: usize = 10;

/// One person's observations.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: usize,
    /// (frame index, skeleton) for every frame where the person was seen.
    pub observations: Vec<(usize, Skeleton)>,
    next_region: Region,
    /// The estimator's own next regions from the last frames seen (frame index, region), to
    /// predict the regions of the frames to come by.
    seen_regions: Vec<(usize, Region)>,
    last_box: BoxPx,
    /// Relative jump of the last accepted step (see `relative_jump`).
    last_step: f32,
    misses: usize,
    alive: bool,
}

impl Candidate {
    pub fn first_frame(&self) -> usize {
        self.observations.first().map_or(0, |o| o.0)
    }
    pub fn last_frame(&self) -> usize {
        self.observations.last().map_or(0, |o| o.0)
    }
}

/// Limits where people are looked for (`--roi`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchArea {
    pub roi: Option<BoxPx>,
}

impl SearchArea {
    fn admits(&self, b: &BoxPx) -> bool {
        let (cx, cy) = b.center();
        self.roi.is_none_or(|r| r.contains(cx, cy))
    }
}

/// The model runs one frame needs (see `CandidateTracker::plan`).
#[derive(Debug, Clone)]
pub struct FramePlan {
    pub frame_index: usize,
    /// (candidate index, region) for each live candidate.
    follow: Vec<(usize, Region)>,
    /// Regions where somebody new may be; the last `closer_looks` of them are closer looks at
    /// faint sightings.
    seeds: Vec<Region>,
    closer_looks: usize,
}

impl FramePlan {
    fn is_closer_look(&self, seed: usize) -> bool {
        seed >= self.seeds.len() - self.closer_looks
    }
}

/// What the model found for each region of a `FramePlan`, in the same order.
pub struct FrameResults {
    follow: Vec<PoseEstimate>,
    seeds: Vec<PoseEstimate>,
}

/// The pose-model sessions that infer one frame at a time: one using all their cores, for frames
/// with a single region to look at, and one single-threaded session per core, so that several
/// people are followed at once. Every region is inferred exactly as it would be alone, so
/// results do not depend on how the work was shared out.
pub struct Sessions {
    pub whole: Box<dyn PoseEstimator>,
    pub per_core: Vec<Box<dyn PoseEstimator>>,
}

impl Sessions {
    pub fn name(&self) -> &'static str {
        self.whole.name()
    }

    /// Runs a frame's planned model runs.
    pub fn run(&mut self, plan: &FramePlan, image: &Mat) -> Result<FrameResults> {
        let regions: Vec<&Region> = plan
            .follow
            .iter()
            .map(|(_, r)| r)
            .chain(&plan.seeds)
            .collect();
        let mut estimates = if regions.len() < 2 || self.per_core.len() < 2 {
            regions
                .iter()
                .map(|r| self.whole.estimate(image, r))
                .collect::<Result<Vec<_>>>()?
        } else {
            let workers = self.per_core.len();
            std::thread::scope(|scope| {
                let handles: Vec<_> = self
                    .per_core
                    .iter_mut()
                    .enumerate()
                    .map(|(w, session)| {
                        let mine: Vec<(usize, &Region)> = regions
                            .iter()
                            .copied()
                            .enumerate()
                            .skip(w)
                            .step_by(workers)
                            .collect();
                        scope.spawn(move || -> Result<Vec<(usize, PoseEstimate)>> {
                            mine.into_iter()
                                .map(|(i, r)| Ok((i, session.estimate(image, r)?)))
                                .collect()
                        })
                    })
                    .collect();
                let mut all: Vec<(usize, PoseEstimate)> = Vec::with_capacity(regions.len());
                for handle in handles {
                    let part = handle.join().map_err(|_| inference_thread_stopped())??;
                    all.extend(part);
                }
                all.sort_by_key(|(i, _)| *i);
                Ok::<_, Error>(all.into_iter().map(|(_, e)| e).collect::<Vec<_>>())
            })?
        };
        let seeds = estimates.split_off(plan.follow.len());
        Ok(FrameResults {
            follow: estimates,
            seeds,
        })
    }
}

/// The error when a thread running the pose model has died (it panicked).
pub fn inference_thread_stopped() -> Error {
    Error::Internal("a pose inference thread stopped unexpectedly".into())
}

/// How pose inference is laid out: how many frames are inferred at once, and the sessions that
/// infer them.
pub struct Inference {
    /// One set of sessions per frame inferred at the same time (fewer than `frames_in_flight`
    /// when the cores are fewer: the frames then wait their turn, and the track is the same).
    pub workers: Vec<Sessions>,
    /// Frames planned before the results of the frame before them are in. 1 is MoveNet's own
    /// scheme, each crop from the frame before; with 2, each crop comes from the frame two
    /// before, carried on by its change, so that two frames are inferred at once.
    pub frames_in_flight: usize,
}

impl Inference {
    /// Intra-op threads of each worker's sessions when `threads` cores are shared between
    /// `frames_in_flight` frames.
    pub fn split_threads(threads: usize, frames_in_flight: usize) -> Vec<usize> {
        let threads = threads.max(1);
        let workers = threads.min(frames_in_flight.max(1));
        (0..workers)
            .map(|i| threads / workers + usize::from(i < threads % workers))
            .collect()
    }

    pub fn name(&self) -> &'static str {
        self.workers.first().map_or("none", Sessions::name)
    }
}

/// Follows all candidates through a clip.
pub struct CandidateTracker {
    width: u32,
    height: u32,
    area: SearchArea,
    candidates: Vec<Candidate>,
    failed_seeds: Vec<(usize, BoxPx)>,
    /// Crops to look at in the next frame planned, where a seed saw somebody too faintly to start
    /// following them: MoveNet's own scheme looks at the whole frame, then at a crop around
    /// what it found there, where the person is seen at the model's full resolution.
    closer_looks: Vec<Region>,
    /// See `Inference::frames_in_flight`.
    frames_in_flight: usize,
    next_id: usize,
    /// Model runs so far (for the benchmark's work accounting).
    pub inferences: usize,
}

fn body_size(b: &BoxPx) -> f32 {
    b.width().max(b.height()).max(1.0)
}

/// Centre jump from `old` to `new` in units of the old body size.
fn relative_jump(old: &BoxPx, new: &BoxPx) -> f32 {
    let (ox, oy) = old.center();
    let (nx, ny) = new.center();
    (nx - ox).hypot(ny - oy) / body_size(old)
}

/// Joints seen in both of two skeletons needed to compare the person by them alone.
const MIN_SHARED_JOINTS: usize = 8;

/// The boxes of the joints seen in both skeletons, when they are enough to judge by: a joint
/// that comes into view (a seated person's feet in a wider crop) grows the whole-body box by
/// half without the person moving.
fn shared_boxes(old: &Skeleton, new: &Skeleton) -> Option<(BoxPx, BoxPx)> {
    let seen = |k: &Option<Keypoint>| k.is_some_and(|k| k.score >= POINT_MIN_SCORE);
    let (mut old_shared, mut new_shared) = (Skeleton::default(), Skeleton::default());
    let mut shared = 0;
    for (i, (a, b)) in old.points.iter().zip(&new.points).enumerate() {
        if seen(a) && seen(b) {
            old_shared.points[i] = *a;
            new_shared.points[i] = *b;
            shared += 1;
        }
    }
    if shared < MIN_SHARED_JOINTS {
        return None;
    }
    Some((
        old_shared.bbox(POINT_MIN_SCORE)?,
        new_shared.bbox(POINT_MIN_SCORE)?,
    ))
}

/// Whether `new` can be the same person as `old` seen `frames_apart` frames earlier. A walking
/// person's box moves a few percent of its size per frame; a crop that slid onto someone else
/// jumps, or changes size, far more.
fn plausible_continuation(old: &BoxPx, new: &BoxPx, frames_apart: usize) -> bool {
    let ratio = body_size(new) / body_size(old);
    let allowance = (0.2 + 0.05 * frames_apart as f32).min(0.6);
    relative_jump(old, new) <= allowance && (0.67..=1.5).contains(&ratio)
}

impl CandidateTracker {
    pub fn new(width: u32, height: u32, area: SearchArea, frames_in_flight: usize) -> Self {
        CandidateTracker {
            width,
            height,
            area,
            candidates: Vec::new(),
            failed_seeds: Vec::new(),
            closer_looks: Vec::new(),
            frames_in_flight: frames_in_flight.max(1),
            next_id: 0,
            inferences: 0,
        }
    }

    /// A region is used `frames_in_flight` frames after the frame it comes from, that many
    /// frames minus one later than in MoveNet's own scheme, so it is carried on by that many
    /// frames' worth of its change. The change is taken over the same number of frames, between
    /// frames that are planned one from the other: taken between neighbouring frames, which are
    /// planned from different frames, it made the crops swing back and forth (±20 px on the
    /// hips of a real walk).
    fn lead_share(&self) -> f32 {
        (self.frames_in_flight - 1) as f32 / self.frames_in_flight as f32
    }

    fn search_region(&self) -> Region {
        match self.area.roi {
            Some(r) => Region::around(&r, 1.0),
            None => Region::whole_frame(self.width, self.height),
        }
    }

    /// The model runs a frame needs: a region per live candidate, then seed regions where new
    /// people may be.
    pub fn plan(&self, frame_index: usize, motion: &[BoxPx]) -> FramePlan {
        let follow: Vec<(usize, Region)> = self
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.alive)
            .map(|(i, c)| (i, c.next_region))
            .collect();
        let mut seeds: Vec<Region> = Vec::new();
        let mut closer_looks = 0;
        let alive = follow.len();
        if alive < MAX_ALIVE {
            if alive == 0 && frame_index.is_multiple_of(SEED_COOLDOWN) {
                seeds.push(self.search_region());
            }
            let min_height = self.height as f32 * 0.08;
            for b in motion {
                if seeds.len() >= SEEDS_PER_FRAME + usize::from(alive == 0) {
                    break;
                }
                // Change over most of the frame (someone close to the camera, an exposure
                // step) says only that something happened: search the whole frame then.
                let widespread = b.area() >= 0.6 * (self.width * self.height) as f32;
                let seed = if widespread {
                    self.search_region()
                } else if b.height() >= min_height && self.area.admits(b) && !self.covered(b) {
                    Region::around(b, 1.4)
                } else {
                    continue;
                };
                let recently_failed = self
                    .failed_seeds
                    .iter()
                    .any(|(f, r)| frame_index < f + SEED_COOLDOWN && r.iou(&seed.as_box()) > 0.3);
                if !recently_failed && !seeds.contains(&seed) {
                    seeds.push(seed);
                }
            }
            for look in &self.closer_looks {
                if !self.covered(&look.as_box()) && !seeds.contains(look) {
                    seeds.push(*look);
                    closer_looks += 1;
                }
            }
        }
        FramePlan {
            frame_index,
            follow,
            seeds,
            closer_looks,
        }
    }

    /// Takes in a frame's results, in frame order: follows each candidate, drops duplicates, and
    /// starts candidates where a seed found somebody new.
    pub fn apply(&mut self, plan: &FramePlan, results: FrameResults) {
        let frame_index = plan.frame_index;
        let (in_flight, lead_share) = (self.frames_in_flight, self.lead_share());
        self.inferences += plan.follow.len() + plan.seeds.len();
        for (&(i, _), estimate) in plan.follow.iter().zip(results.follow) {
            let c = &mut self.candidates[i];
            if !c.alive {
                continue;
            }
            let accepted = match estimate.skeleton.bbox(POINT_MIN_SCORE) {
                Some(b) if estimate.presence >= MIN_PRESENCE => {
                    let frames_apart = frame_index.saturating_sub(c.last_frame()).max(1);
                    let (old, new) = c
                        .observations
                        .last()
                        .and_then(|(_, last)| shared_boxes(last, &estimate.skeleton))
                        .unwrap_or((c.last_box, b));
                    plausible_continuation(&old, &new, frames_apart)
                        .then(|| (b, relative_jump(&old, &new)))
                }
                _ => None,
            };
            match accepted {
                Some((b, step)) => {
                    c.observations.push((frame_index, estimate.skeleton));
                    c.last_step = step;
                    c.last_box = b;
                    c.misses = 0;
                    let planned_from = c
                        .seen_regions
                        .iter()
                        .find(|(f, _)| f + in_flight == frame_index);
                    // Without a usable next crop, look again around where the person was.
                    c.next_region = match (estimate.next_region, planned_from) {
                        (Some(now), Some((_, before))) => now.carried_on(before, lead_share),
                        (Some(now), None) => now,
                        (None, _) => Region::around(&b, 1.5),
                    };
                    c.seen_regions.retain(|(f, _)| f + in_flight > frame_index);
                    c.seen_regions
                        .extend(estimate.next_region.map(|r| (frame_index, r)));
                }
                None => {
                    c.misses += 1;
                    c.next_region = Region::around(&c.last_box, 1.5 + 0.1 * c.misses as f32);
                    if c.misses > MAX_MISSES {
                        c.alive = false;
                    }
                }
            }
        }
        self.drop_duplicates();
        self.failed_seeds
            .retain(|(f, _)| frame_index < f + SEED_COOLDOWN);
        let mut closer_looks = Vec::new();
        for (seed, (region, estimate)) in plan.seeds.iter().zip(results.seeds).enumerate() {
            let person = estimate.skeleton.bbox(POINT_MIN_SCORE).filter(|b| {
                self.area.admits(b)
                    && !self.covered(b)
                    && region.as_box().contains(b.center().0, b.center().1)
            });
            match person {
                Some(b) if estimate.presence >= START_PRESENCE => {
                    self.candidates.push(Candidate {
                        id: self.next_id,
                        observations: vec![(frame_index, estimate.skeleton)],
                        next_region: estimate
                            .next_region
                            .unwrap_or_else(|| Region::around(&b, 1.5)),
                        seen_regions: estimate
                            .next_region
                            .map(|r| (frame_index, r))
                            .into_iter()
                            .collect(),
                        last_box: b,
                        last_step: 0.0,
                        misses: 0,
                        alive: true,
                    });
                    self.next_id += 1;
                }
                // One closer look per faint sighting: what is still faint up close is not
                // looked at again until the seed's cooldown has passed.
                Some(_)
                    if estimate.presence >= MIN_PRESENCE
                        && !plan.is_closer_look(seed)
                        && estimate.next_region.is_some() =>
                {
                    closer_looks.extend(estimate.next_region);
                }
                _ => self.failed_seeds.push((frame_index, region.as_box())),
            }
        }
        self.closer_looks = closer_looks;
    }

    /// Two candidates that converge on one person: the one that arrived with the bigger jump
    /// is the one whose crop slid over, so it goes (the younger one on a tie).
    fn drop_duplicates(&mut self) {
        let n = self.candidates.len();
        for i in 0..n {
            for j in (i + 1)..n {
                let (a, b) = (&self.candidates[i], &self.candidates[j]);
                if a.alive
                    && b.alive
                    && a.misses == 0
                    && b.misses == 0
                    && a.last_box.iou(&b.last_box) > 0.5
                {
                    let impostor = if a.last_step > b.last_step { i } else { j };
                    self.candidates[impostor].alive = false;
                }
            }
        }
    }

    /// Whether somebody already followed stands where `b` is. Judged on the person's own box,
    /// not on the (much larger) crop region around it, so that a second person walking past
    /// close by is still picked up.
    fn covered(&self, b: &BoxPx) -> bool {
        let (cx, cy) = b.center();
        self.candidates.iter().filter(|c| c.alive).any(|c| {
            let m = 0.1 * body_size(&c.last_box);
            let near = BoxPx {
                x0: c.last_box.x0 - m,
                y0: c.last_box.y0 - m,
                x1: c.last_box.x1 + m,
                y1: c.last_box.y1 + m,
            };
            near.contains(cx, cy) || c.last_box.iou(b) > 0.2
        })
    }

    pub fn into_candidates(self) -> Vec<Candidate> {
        self.candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(x: f32, y: f32, s: f32) -> BoxPx {
        BoxPx {
            x0: x,
            y0: y,
            x1: x + s * 0.4,
            y1: y + s,
        }
    }

    /// A seated person from the side: head, arms, torso and knees at the given offset; the
    /// ankles (far below the hips) only when `feet`.
    fn seated(dx: f32, feet: bool) -> Skeleton {
        let mut s = Skeleton::default();
        for (i, (x, y)) in [
            (330.0, 140.0),
            (332.0, 136.0),
            (331.0, 136.0),
            (322.0, 140.0),
            (318.0, 141.0),
            (328.0, 160.0),
            (312.0, 158.0),
            (337.0, 198.0),
            (334.0, 198.0),
            (333.0, 215.0),
            (340.0, 214.0),
            (325.0, 230.0),
            (320.0, 231.0),
            (370.0, 236.0),
            (372.0, 238.0),
            (368.0, 295.0),
            (371.0, 294.0),
        ]
        .into_iter()
        .enumerate()
        {
            let score = if i >= 15 && !feet { 0.15 } else { 0.7 };
            s.points[i] = Some(Keypoint::new(x + dx, y, score));
        }
        s
    }

    #[test]
    fn feet_coming_into_view_do_not_make_another_person() {
        let (before, after) = (seated(0.0, false), seated(1.0, true));
        let whole = (
            before.bbox(POINT_MIN_SCORE).unwrap(),
            after.bbox(POINT_MIN_SCORE).unwrap(),
        );
        assert!(!plausible_continuation(&whole.0, &whole.1, 1));
        let (old, new) = shared_boxes(&before, &after).unwrap();
        assert!(plausible_continuation(&old, &new, 1));
        // The same joints far away are still someone else.
        let (old, new) = shared_boxes(&before, &seated(200.0, true)).unwrap();
        assert!(!plausible_continuation(&old, &new, 1));
    }

    #[test]
    fn small_steps_continue_and_jumps_do_not() {
        assert!(plausible_continuation(
            &b(100.0, 100.0, 300.0),
            &b(110.0, 102.0, 300.0),
            1
        ));
        assert!(!plausible_continuation(
            &b(100.0, 100.0, 300.0),
            &b(500.0, 100.0, 300.0),
            1
        ));
        assert!(!plausible_continuation(
            &b(100.0, 100.0, 300.0),
            &b(100.0, 100.0, 90.0),
            1
        ));
    }
}
