//! Camera view of a pass: side, front, back or oblique, with a confidence.
//!
//! The subject's yaw relative to the camera (0° = chest or back to the camera, 90° = side on)
//! is estimated from how wide the shoulders look against the trunk length: frontally the
//! shoulder keypoints are about 0.75 trunk lengths apart (hips about 0.5; adult proportions,
//! Drillis & Contini 1966), side on they overlap. `yaw = acos(width / frontal width)`. When
//! BlazePose world landmarks are present in at least half of the pass's frames, the yaw is
//! taken from their depth instead: `atan2(|Δz|, |Δx|)` of the shoulder line.
//!
//! Classes: yaw ≥ 60° side, yaw ≤ 30° front or back, between them oblique. Front and back are
//! told apart by the order of the left and right shoulders in the image (the subject's left
//! shoulder appears on the image's right when they face the camera) and by whether the face
//! (nose and both eyes) is seen. Side and oblique views carry the pass's facing.
//!
//! Confidence: how far the yaw is from the class boundaries (0.5 at a boundary, 1.0 at 20°
//! inside, 15° for the narrower oblique band), times the share of the pass's frames that
//! could be measured, times the front/back certainty for those classes.

use super::landmarks::{locate, Landmark};
use super::passes::{trunk_length, Facing};
use crate::signal::CleanTrack;
use crate::skeleton::Joint;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Frontal shoulder-keypoint width over trunk length.
const FRONTAL_SHOULDER_RATIO: f64 = 0.75;
/// Frontal hip-keypoint width over trunk length.
const FRONTAL_HIP_RATIO: f64 = 0.5;
/// Yaw from which a view is side on, degrees.
pub const SIDE_MIN_YAW: f64 = 60.0;
/// Yaw up to which a view is frontal (front or back), degrees.
pub const FRONTAL_MAX_YAW: f64 = 30.0;

/// One frame's yaw (0° frontal, 90° side on) from its shoulder-keypoint width over trunk
/// length, as [`classify`] estimates a pass's from the median width.
pub fn shoulder_yaw_deg(shoulder_width_over_trunk: f64) -> f64 {
    (shoulder_width_over_trunk / FRONTAL_SHOULDER_RATIO)
        .clamp(0.0, 1.0)
        .acos()
        .to_degrees()
}

/// A view class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Side,
    Front,
    Back,
    Oblique,
    /// Too little to measure (no shoulders, hips or trunk in the pass).
    Unknown,
}

/// The view of one pass and the measurements behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewEstimate {
    pub view: View,
    /// For side and oblique views: which way the subject faces.
    pub facing: Option<Facing>,
    /// 0..1.
    pub confidence: f64,
    /// Estimated yaw, degrees: 0 frontal, 90 side on.
    pub yaw_deg: Option<f64>,
    /// Median shoulder width / trunk length over the pass.
    pub shoulder_width_ratio: Option<f64>,
    /// Median hip width / trunk length over the pass.
    pub hip_width_ratio: Option<f64>,
    /// Share of frames with the nose and both eyes seen.
    pub face_visible_fraction: f64,
    /// Which measurement gave the yaw.
    pub method: String,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

fn band_confidence(distance_inside: f64, full_at: f64) -> f64 {
    0.5 + 0.5 * (distance_inside / full_at).clamp(0.0, 1.0)
}

/// Classifies the view over track positions `frames`. `world` holds each frame's BlazePose
/// world landmarks when that model ran; `facing` is the pass's facing.
pub fn classify(
    clean: &CleanTrack,
    world: &[Option<Vec<Option<[f32; 3]>>>],
    frames: Range<usize>,
    facing: Option<Facing>,
) -> ViewEstimate {
    let joint = |j: Joint, i: usize| locate(clean, Landmark::Joint(j), i);
    let (mut shoulder_ratios, mut hip_ratios, mut width_index) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut order_votes, mut face_seen, mut world_yaws) = (Vec::new(), 0usize, Vec::new());
    for i in frames.clone() {
        if [Joint::Nose, Joint::LeftEye, Joint::RightEye]
            .iter()
            .all(|j| joint(*j, i).is_some())
        {
            face_seen += 1;
        }
        if let Some(w) = world.get(i).and_then(|w| w.as_ref()) {
            let at = |j: Joint| w.get(j.index()).copied().flatten();
            if let (Some(l), Some(r)) = (at(Joint::LeftShoulder), at(Joint::RightShoulder)) {
                let (dx, dz) = ((r[0] - l[0]) as f64, (r[2] - l[2]) as f64);
                if dx.hypot(dz) > 0.0 {
                    world_yaws.push(dz.abs().atan2(dx.abs()).to_degrees());
                }
            }
        }
        let Some(trunk) = trunk_length(clean, i) else {
            continue;
        };
        let shoulders = joint(Joint::LeftShoulder, i).zip(joint(Joint::RightShoulder, i));
        let hips = joint(Joint::LeftHip, i).zip(joint(Joint::RightHip, i));
        if let Some((l, r)) = shoulders {
            let ratio = (l.x - r.x).abs() / trunk;
            shoulder_ratios.push(ratio);
            width_index.push(ratio / FRONTAL_SHOULDER_RATIO);
            if (l.x - r.x).abs() > 0.1 * trunk {
                order_votes.push((l.x - r.x).signum());
            }
        }
        if let Some((l, r)) = hips {
            let ratio = (l.x - r.x).abs() / trunk;
            hip_ratios.push(ratio);
            if shoulders.is_none() {
                width_index.push(ratio / FRONTAL_HIP_RATIO);
            }
        }
    }
    let count = frames.len().max(1) as f64;
    let face_visible_fraction = face_seen as f64 / count;
    let measured_share = width_index.len() as f64 / count;
    let use_world = world_yaws.len() as f64 >= 0.5 * count;
    let (yaw, coverage, method) = if use_world {
        (
            median(world_yaws.clone()),
            world_yaws.len() as f64 / count,
            "BlazePose world landmarks: shoulder-line depth",
        )
    } else {
        let yaw = median(width_index).map(|w| w.clamp(0.0, 1.0).acos().to_degrees());
        (
            yaw,
            measured_share,
            "2-D shoulder (or hip) width relative to trunk length",
        )
    };
    let mut estimate = ViewEstimate {
        view: View::Unknown,
        facing: None,
        confidence: 0.0,
        yaw_deg: yaw,
        shoulder_width_ratio: median(shoulder_ratios),
        hip_width_ratio: median(hip_ratios),
        face_visible_fraction,
        method: method.into(),
    };
    let Some(yaw) = yaw else { return estimate };
    if yaw >= SIDE_MIN_YAW {
        estimate.view = View::Side;
        estimate.facing = facing;
        estimate.confidence = band_confidence(yaw - SIDE_MIN_YAW, 20.0) * coverage;
    } else if yaw <= FRONTAL_MAX_YAW {
        // +1: the subject's left shoulder is on the image's right (facing the camera).
        let order = if order_votes.is_empty() {
            0.0
        } else {
            order_votes.iter().sum::<f64>() / order_votes.len() as f64
        };
        let score = order + (2.0 * face_visible_fraction - 1.0);
        estimate.view = if score >= 0.0 {
            View::Front
        } else {
            View::Back
        };
        estimate.confidence =
            band_confidence(FRONTAL_MAX_YAW - yaw, 20.0) * coverage * (score.abs() / 2.0).min(1.0);
    } else {
        estimate.view = View::Oblique;
        estimate.facing = facing;
        let inside = (yaw - FRONTAL_MAX_YAW).min(SIDE_MIN_YAW - yaw);
        estimate.confidence = band_confidence(inside, 15.0) * coverage;
    }
    estimate
}
