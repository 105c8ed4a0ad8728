//! Re-measuring the chosen subject with a second pose model (BlazePose: heels, toes, world
//! landmarks), seeded each frame from where the first pass found them.
//!
//! The subject is chosen over the whole clip first (MoveNet follows everybody cheaply), so the
//! second model only ever looks at the subject: it is handed its own tracking region while its
//! result stays on the subject, and the first pass's box otherwise. A result whose hips are not
//! where the first pass put them is refused and the frame keeps the first pass's keypoints.

use super::candidates::POINT_MIN_SCORE;
use super::PoseTrack;
use crate::error::Result;
use crate::pose::{PoseEstimator, Region};
use crate::skeleton::{Joint, Skeleton};
use crate::source::FrameSource;

/// How far (in the subject's body heights) the two models' hip centres may be apart.
const MAX_HIP_DISAGREEMENT: f32 = 0.25;
/// Crop around the first pass's box handed to the second model's detector.
const SEED_SCALE: f32 = 1.3;

fn hip_centre(s: &Skeleton) -> Option<(f32, f32)> {
    s.midpoint(Joint::LeftHip, Joint::RightHip, POINT_MIN_SCORE)
        .map(|k| (k.x, k.y))
}

fn agrees(first: &Skeleton, second: &Skeleton) -> bool {
    let (Some(a), Some(b), Some(size)) = (
        hip_centre(first),
        hip_centre(second),
        first.body_height_px(POINT_MIN_SCORE),
    ) else {
        return false;
    };
    (a.0 - b.0).hypot(a.1 - b.1) <= MAX_HIP_DISAGREEMENT * size.max(1.0)
}

/// Per-frame outcome counts of a refinement pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefineStats {
    /// Frames where the second model's keypoints replaced the first pass's.
    pub refined: usize,
    /// Subject frames where the second model found nobody, or somebody else.
    pub kept_first_pass: usize,
}

/// Replaces the track's keypoints with `estimator`'s where it finds the same person; adds its
/// world landmarks. `source` must be the same video, from its start.
pub fn refine(
    mut source: Box<dyn FrameSource>,
    track: &mut PoseTrack,
    estimator: &mut dyn PoseEstimator,
) -> Result<RefineStats> {
    let mut stats = RefineStats::default();
    let mut own_region: Option<Region> = None;
    while let Some(frame) = source.next_frame()? {
        let Some(slot) = track.frames.get_mut(frame.index) else {
            break;
        };
        let Some(first) = slot.skeleton.clone() else {
            own_region = None;
            continue;
        };
        let Some(first_box) = first.bbox(POINT_MIN_SCORE) else {
            continue;
        };
        let seed = Region::around(&first_box, SEED_SCALE);
        let mut estimate = estimator.estimate(&frame.image, &own_region.unwrap_or(seed))?;
        if own_region.is_some() && !agrees(&first, &estimate.skeleton) {
            estimate = estimator.estimate(&frame.image, &seed)?;
        }
        if estimate.presence > 0.0 && agrees(&first, &estimate.skeleton) {
            own_region = estimate.next_region;
            slot.skeleton = Some(estimate.skeleton);
            slot.world = estimate.world;
            stats.refined += 1;
        } else {
            own_region = None;
            stats.kept_first_pass += 1;
        }
    }
    track.model = format!("{}+{}", track.model, estimator.name());
    Ok(stats)
}
