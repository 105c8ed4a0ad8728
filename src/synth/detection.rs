//! How well a pose model finds the rendered subject: per-keypoint detection rate and 2-D error
//! against the ground truth, the measuring stick for the renderer's realism.

use super::pose::Landmark;
use super::scene::to_mat;
use super::Clip;
use crate::error::Result;
use crate::pose::{PoseEstimator, Region};
use crate::skeleton::{Joint, JOINT_COUNT};

/// Per-keypoint results over a clip.
#[derive(Debug, Clone, PartialEq)]
pub struct JointStats {
    pub joint: Joint,
    /// Frames where the model's score reached the threshold, over all frames.
    pub detection_rate: f64,
    /// Median distance between detected and true keypoints, as a fraction of the subject's
    /// height in pixels (detected frames only; `NaN` when never detected).
    pub median_error: f64,
    /// Median signed offset (detected − true) in x (right) and y (down), fractions of the
    /// subject's height: where the model places the keypoint relative to our anatomy.
    pub median_offset: [f64; 2],
}

/// Per-keypoint results of one clip.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionReport {
    pub frames: usize,
    pub joints: Vec<JointStats>,
}

impl DetectionReport {
    /// The statistics of one keypoint.
    pub fn joint(&self, joint: Joint) -> &JointStats {
        &self.joints[joint.index()]
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Renders every `stride`-th frame of `clip`, runs `model` on it the way a video is tracked
/// (whole frame first, then the region the model proposes), and compares with the truth.
/// Keypoints count as detected at `min_score`.
pub fn evaluate(
    clip: &Clip,
    model: &mut dyn PoseEstimator,
    stride: usize,
    min_score: f32,
) -> Result<DetectionReport> {
    let (w, h) = (clip.camera.width, clip.camera.height);
    let mut region = Region::whole_frame(w, h);
    let mut detected = [0usize; JOINT_COUNT];
    let mut errors: Vec<Vec<f64>> = vec![Vec::new(); JOINT_COUNT];
    let mut offsets: Vec<[Vec<f64>; 2]> = vec![[Vec::new(), Vec::new()]; JOINT_COUNT];
    let times = clip.frame_times();
    let mut frames = 0;
    for (i, &t) in times.iter().enumerate().step_by(stride.max(1)) {
        let rendered = clip.render(t, i)?;
        let image = to_mat(&rendered.canvas.bgr, w as usize, h as usize)?;
        let estimate = model.estimate(&image, &region)?;
        region = estimate
            .next_region
            .unwrap_or_else(|| Region::whole_frame(w, h));
        let pelvis = rendered.posed.frame(super::pose::Segment::Pelvis).origin;
        let depth = clip.camera.project(pelvis).map_or(1.0, |p| p.depth);
        let body_px = clip.camera.focal_px * clip.body.height / depth;
        for joint in Joint::ALL {
            let Some(found) = estimate.skeleton.confident(joint, min_score) else {
                continue;
            };
            let Some(truth) = clip
                .camera
                .project(rendered.posed.landmark(Landmark::of_keypoint(joint)))
            else {
                continue;
            };
            detected[joint.index()] += 1;
            let (dx, dy) = (
                (found.x as f64 - truth.x) / body_px,
                (found.y as f64 - truth.y) / body_px,
            );
            errors[joint.index()].push(dx.hypot(dy));
            offsets[joint.index()][0].push(dx);
            offsets[joint.index()][1].push(dy);
        }
        frames += 1;
    }
    let joints = Joint::ALL
        .iter()
        .map(|&joint| JointStats {
            joint,
            detection_rate: detected[joint.index()] as f64 / frames.max(1) as f64,
            median_error: median(errors[joint.index()].clone()),
            median_offset: offsets[joint.index()].clone().map(median),
        })
        .collect();
    Ok(DetectionReport { frames, joints })
}
