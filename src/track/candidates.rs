//! Following every person who might be the subject, each with its own pose-model crop.
//!
//! A candidate is started where the whole frame shows a person (MoveNet's first-frame search) or
//! where something moves (motion boxes), then followed frame to frame through the estimator's
//! own next region. A result that jumps away from where the candidate was is refused (the crop
//! slid onto someone else), so a candidate never turns into another person.

use crate::error::Result;
use crate::pose::{PoseEstimator, Region};
use crate::skeleton::{BoxPx, Skeleton};
use opencv::core::Mat;

/// Keypoint confidence used for boxes and consistency checks.
pub const POINT_MIN_SCORE: f32 = 0.3;
/// Mean torso confidence for a result to count as the person.
const MIN_PRESENCE: f32 = 0.3;
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

/// Follows all candidates through a clip.
pub struct CandidateTracker {
    width: u32,
    height: u32,
    area: SearchArea,
    candidates: Vec<Candidate>,
    failed_seeds: Vec<(usize, BoxPx)>,
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

/// Whether `new` can be the same person as `old` seen `frames_apart` frames earlier. A walking
/// person's box moves a few percent of its size per frame; a crop that slid onto someone else
/// jumps, or changes size, far more.
fn plausible_continuation(old: &BoxPx, new: &BoxPx, frames_apart: usize) -> bool {
    let ratio = body_size(new) / body_size(old);
    let allowance = (0.2 + 0.05 * frames_apart as f32).min(0.6);
    relative_jump(old, new) <= allowance && (0.67..=1.5).contains(&ratio)
}

impl CandidateTracker {
    pub fn new(width: u32, height: u32, area: SearchArea) -> Self {
        CandidateTracker {
            width,
            height,
            area,
            candidates: Vec::new(),
            failed_seeds: Vec::new(),
            next_id: 0,
            inferences: 0,
        }
    }

    fn search_region(&self) -> Region {
        match self.area.roi {
            Some(r) => Region::around(&r, 1.0),
            None => Region::whole_frame(self.width, self.height),
        }
    }

    fn estimate(
        &mut self,
        estimator: &mut dyn PoseEstimator,
        image: &Mat,
        region: &Region,
    ) -> Result<(Skeleton, f32, Option<Region>)> {
        self.inferences += 1;
        let e = estimator.estimate(image, region)?;
        Ok((e.skeleton, e.presence, e.next_region))
    }

    /// Processes one frame: follows every live candidate, then looks for new people.
    pub fn step(
        &mut self,
        frame_index: usize,
        image: &Mat,
        motion: &[BoxPx],
        estimator: &mut dyn PoseEstimator,
    ) -> Result<()> {
        for i in 0..self.candidates.len() {
            if !self.candidates[i].alive {
                continue;
            }
            let region = self.candidates[i].next_region;
            let (skeleton, presence, next) = self.estimate(estimator, image, &region)?;
            let c = &mut self.candidates[i];
            let accepted = match skeleton.bbox(POINT_MIN_SCORE) {
                Some(b) if presence >= MIN_PRESENCE => {
                    plausible_continuation(&c.last_box, &b, c.misses + 1).then_some(b)
                }
                _ => None,
            };
            match accepted {
                Some(b) => {
                    c.observations.push((frame_index, skeleton));
                    c.last_step = relative_jump(&c.last_box, &b);
                    c.last_box = b;
                    c.misses = 0;
                    // Without a usable next crop, look again around where the person was.
                    c.next_region = next.unwrap_or_else(|| Region::around(&b, 1.5));
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
        self.seed(frame_index, image, motion, estimator)
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

    fn covered(&self, b: &BoxPx) -> bool {
        let (cx, cy) = b.center();
        self.candidates
            .iter()
            .filter(|c| c.alive)
            .any(|c| c.next_region.as_box().contains(cx, cy) || c.last_box.iou(b) > 0.2)
    }

    fn seed(
        &mut self,
        frame_index: usize,
        image: &Mat,
        motion: &[BoxPx],
        estimator: &mut dyn PoseEstimator,
    ) -> Result<()> {
        let alive = self.candidates.iter().filter(|c| c.alive).count();
        if alive >= MAX_ALIVE {
            return Ok(());
        }
        self.failed_seeds
            .retain(|(f, _)| frame_index < f + SEED_COOLDOWN);
        let mut seeds: Vec<Region> = Vec::new();
        if alive == 0 && frame_index.is_multiple_of(SEED_COOLDOWN) {
            seeds.push(self.search_region());
        }
        let min_height = self.height as f32 * 0.08;
        for b in motion {
            if seeds.len() >= SEEDS_PER_FRAME + usize::from(alive == 0) {
                break;
            }
            let person_sized =
                b.height() >= min_height && b.area() < 0.6 * (self.width * self.height) as f32;
            let recently_failed = self.failed_seeds.iter().any(|(_, f)| f.iou(b) > 0.3);
            if person_sized && self.area.admits(b) && !self.covered(b) && !recently_failed {
                seeds.push(Region::around(b, 1.4));
            }
        }
        for region in seeds {
            let (skeleton, presence, next) = self.estimate(estimator, image, &region)?;
            let found = skeleton.bbox(POINT_MIN_SCORE).filter(|b| {
                presence >= START_PRESENCE
                    && self.area.admits(b)
                    && !self.covered(b)
                    && region.as_box().contains(b.center().0, b.center().1)
            });
            match found {
                Some(b) => {
                    self.candidates.push(Candidate {
                        id: self.next_id,
                        observations: vec![(frame_index, skeleton)],
                        next_region: next.unwrap_or_else(|| Region::around(&b, 1.5)),
                        last_box: b,
                        last_step: 0.0,
                        misses: 0,
                        alive: true,
                    });
                    self.next_id += 1;
                }
                None => self.failed_seeds.push((frame_index, region.as_box())),
            }
        }
        Ok(())
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
