//! MediaPipe BlazePose: person detector plus the lite landmark model (33 landmarks, heels and
//! toes, world landmarks in metres, person mask).
//!
//! # Detect or track
//!
//! `BlazePose::estimate` runs the landmark model directly when it is handed back exactly a
//! region it proposed (`PoseEstimate::next_region`, placed by the auxiliary landmarks): that is
//! MediaPipe's tracking, one model per frame. The last few proposals are remembered, so that one
//! estimator can follow several people whose regions are interleaved.
//!
//! Any other region is taken as a search area: the detector runs on it (it must be a
//! person-sized square, e.g. a MoveNet region or a motion box: the detector misses people who
//! are small in its 224×224 input), the best detection gives the ROI, and the landmark model
//! runs on that. When tracking loses the person (presence below 0.5) the detector searches the
//! same region before giving up, so one lost frame does not need the caller's help. When nothing
//! is found the estimate has presence 0 (or the landmark model's low presence), an empty
//! skeleton and no next region.
//!
//! # What else it returns
//!
//! The world landmarks (metres, hip-centred, canonical order) and the person mask over the
//! rotated ROI the landmarks came from; `PersonMask::probability_at` reads the mask at a
//! source pixel.

pub mod anchors;
pub mod detector;
pub mod landmarks;
mod layout;
mod nms;
pub mod roi;

use super::{PoseEstimate, PoseEstimator, Region};
use crate::error::Result;
use crate::skeleton::{Joint, Skeleton};
use detector::PoseDetector;
use landmarks::{LandmarkModel, Landmarks};
use opencv::core::Mat;
use std::path::Path;

/// Below this pose-presence probability the landmarks are not a person.
pub const MIN_PRESENCE: f32 = 0.5;
/// A proposed ROI smaller than this (pixels) cannot be cropped meaningfully.
const MIN_ROI_SIZE: f32 = 8.0;
/// Proposed ROIs remembered for tracking (the subject tracker follows up to four people).
const MAX_PROPOSALS: usize = 8;

/// The two-stage BlazePose estimator, remembering the ROIs it proposed for the next frame.
pub struct BlazePose {
    detector: PoseDetector,
    landmarks: LandmarkModel,
    /// Oldest first.
    proposed: Vec<Region>,
}

impl BlazePose {
    /// Opens the detector and landmark models, each with `threads` intra-op threads.
    pub fn load(detector_path: &Path, landmark_path: &Path, threads: usize) -> Result<Self> {
        Ok(BlazePose {
            detector: PoseDetector::load(detector_path, threads)?,
            landmarks: LandmarkModel::load(landmark_path, threads)?,
            proposed: Vec::new(),
        })
    }

    /// Landmarks inside `region`: tracked when it is a proposed ROI, else detected first.
    fn find(&mut self, image: &Mat, region: &Region) -> Result<Option<Landmarks>> {
        if let Some(i) = self.proposed.iter().position(|p| p == region) {
            self.proposed.remove(i);
            let tracked = self.landmarks.infer(image, region)?;
            if tracked.presence >= MIN_PRESENCE {
                return Ok(Some(tracked));
            }
        }
        let Some(best) = self.detector.detect(image, region)?.into_iter().next() else {
            return Ok(None);
        };
        let roi = best.roi();
        if roi.size < MIN_ROI_SIZE {
            return Ok(None);
        }
        Ok(Some(self.landmarks.infer(image, &roi)?))
    }
}

impl PoseEstimator for BlazePose {
    fn name(&self) -> &'static str {
        "blazepose_landmark_lite"
    }

    fn estimate(&mut self, image: &Mat, region: &Region) -> Result<PoseEstimate> {
        let absent = |presence: f32| PoseEstimate {
            skeleton: Skeleton::default(),
            presence,
            next_region: None,
            world: None,
            mask: None,
        };
        let Some(found) = self.find(image, region)? else {
            return Ok(absent(0.0));
        };
        // Written so that a NaN presence counts as absent.
        let present = found.presence >= MIN_PRESENCE;
        if !present {
            return Ok(absent(found.presence.max(0.0)));
        }
        let mut skeleton = Skeleton::default();
        let mut world = Vec::with_capacity(Joint::ALL.len());
        for joint in Joint::ALL {
            let i = layout::landmark_of(joint);
            skeleton.set(joint, Some(found.points[i]));
            world.push(Some(found.world[i]));
        }
        let next = (found.next_roi.size >= MIN_ROI_SIZE).then_some(found.next_roi);
        if let Some(roi) = next {
            if self.proposed.len() == MAX_PROPOSALS {
                self.proposed.remove(0);
            }
            self.proposed.push(roi);
        }
        Ok(PoseEstimate {
            skeleton,
            presence: found.presence,
            next_region: next,
            world: Some(world),
            mask: Some(found.mask),
        })
    }
}
