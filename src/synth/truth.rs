//! The ground-truth file written beside every synthetic clip (`clip.truth.json`).
//!
//! For every frame: the 3-D world position and projected pixel position of the canonical
//! skeleton's keypoints (COCO-17 + heels + toes: joint centres and face features, placed where
//! a pose model places them) and of every other anatomical landmark (spinal joints, skull base,
//! head top, fingertips, soles), every segment's frame, and the clinical angles (definitions in
//! `angles` and in the file itself); plus the clip's events.

use super::angles::ClinicalAngles;
use super::camera::Camera;
use super::math::Vec3;
use super::motion::{Chair, Event};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Version of the ground-truth JSON layout.
pub const TRUTH_SCHEMA_VERSION: u32 = 1;

/// A whole clip's ground truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub schema_version: u32,
    pub generator: String,
    pub clip: ClipInfo,
    pub body: BodyInfo,
    pub camera: CameraInfo,
    pub chair: Option<ChairInfo>,
    /// Axes, units and sign conventions in words.
    pub conventions: BTreeMap<String, String>,
    /// How each angle is computed from the segment frames.
    pub definitions: BTreeMap<String, String>,
    pub landmark_names: Vec<String>,
    pub keypoint_names: Vec<String>,
    pub segment_names: Vec<String>,
    pub events: Vec<EventTruth>,
    pub frames: Vec<FrameTruth>,
}

/// What was asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClipInfo {
    pub movement: String,
    pub fault: String,
    pub view: String,
    pub reps: Vec<RepInfo>,
    pub seed: u64,
    pub nominal_fps: f64,
    pub variable_frame_rate: bool,
    pub width: u32,
    pub height: u32,
    pub seated: bool,
    pub video_codec: String,
}

/// One repetition's timing and size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepInfo {
    pub duration_s: f64,
    pub range: f64,
}

/// The body's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodyInfo {
    pub height_m: f64,
    pub thigh_m: f64,
    pub shank_m: f64,
    pub upper_arm_m: f64,
    pub forearm_m: f64,
    pub hip_joint_spacing_m: f64,
    pub shoulder_joint_spacing_m: f64,
    pub build: f64,
    pub proportions_source: String,
}

/// The pinhole camera.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraInfo {
    pub position: [f64; 3],
    pub right: [f64; 3],
    pub up: [f64; 3],
    pub forward: [f64; 3],
    pub focal_px: f64,
    pub cx: f64,
    pub cy: f64,
}

/// The chair, when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChairInfo {
    pub front: [f64; 3],
    pub heading_deg: f64,
    pub seat_height_m: f64,
    pub back_rest: bool,
}

/// An event with the frame nearest to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventTruth {
    pub kind: String,
    pub time_s: f64,
    pub frame: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rep: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
}

/// A segment's world frame: proximal joint and orientation as a unit quaternion
/// `[w, x, y, z]` (the rotation taking the segment's axes — x forward, y up, z right — to the
/// world's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentTruth {
    pub origin: [f64; 3],
    pub quaternion: [f64; 4],
}

/// One frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameTruth {
    pub index: usize,
    pub time_s: f64,
    /// The direction the feet face, degrees about the vertical (left +).
    pub stance_heading_deg: f64,
    /// World metres, in `landmark_names` order.
    pub landmarks_3d: Vec<[f64; 3]>,
    /// Pixels, in `landmark_names` order.
    pub landmarks_2d: Vec<[f64; 2]>,
    /// World metres, in `keypoint_names` order.
    pub keypoints_3d: Vec<[f64; 3]>,
    /// Pixels, in `keypoint_names` order.
    pub keypoints_2d: Vec<[f64; 2]>,
    /// In `segment_names` order.
    pub segments: Vec<SegmentTruth>,
    pub angles: ClinicalAngles,
}

/// Rounds to `decimals` places so files stay small and compare byte for byte.
pub fn round(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    let r = (x * k).round() / k;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A world point rounded to 0.1 mm.
pub fn point3(p: Vec3) -> [f64; 3] {
    p.to_array().map(|v| round(v, 4))
}

/// A pixel position rounded to 0.1 px.
pub fn point2(x: f64, y: f64) -> [f64; 2] {
    [round(x, 1), round(y, 1)]
}

/// The conventions block.
pub fn conventions() -> BTreeMap<String, String> {
    [
        ("world_axes", "metres; x forward (the way the subject's feet face at the start), y up, z to the subject's right; floor at y = 0"),
        ("pixels", "origin top-left, x right, y down; pinhole projection with the camera block"),
        ("angles", "degrees; 0 in the neutral standing pose; flexion +, see definitions"),
        ("sides", "left/right are the subject's anatomical sides; per-side arrays are [left, right]"),
        ("keypoints", "canonical skeleton (COCO-17 + heels + toes) where a pose model places them: hip at the hip joint centre, shoulder at the glenohumeral centre, eyes/ears/nose at the face features, heel at the back of the shoe, toe at its tip"),
        ("time", "seconds from the first frame; equals the video's timestamps"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Event records with their nearest frames.
pub fn events(events: &[Event], frame_times: &[f64]) -> Vec<EventTruth> {
    events
        .iter()
        .map(|e| {
            let frame = frame_times
                .iter()
                .enumerate()
                .min_by(|a, b| (a.1 - e.time_s).abs().total_cmp(&(b.1 - e.time_s).abs()))
                .map_or(0, |(i, _)| i);
            EventTruth {
                kind: e.kind.to_string(),
                time_s: round(e.time_s, 4),
                frame,
                rep: e.rep,
                side: e.side.map(str::to_string),
            }
        })
        .collect()
}

impl CameraInfo {
    /// The file's view of a camera.
    pub fn of(c: &Camera) -> CameraInfo {
        CameraInfo {
            position: c.position.map(|v| round(v, 6)),
            right: c.right.map(|v| round(v, 9)),
            up: c.up.map(|v| round(v, 9)),
            forward: c.forward.map(|v| round(v, 9)),
            focal_px: round(c.focal_px, 6),
            cx: c.cx,
            cy: c.cy,
        }
    }
}

impl ChairInfo {
    /// The file's view of a chair.
    pub fn of(c: &Chair) -> ChairInfo {
        ChairInfo {
            front: c.front.map(|v| round(v, 6)),
            heading_deg: round(c.heading.to_degrees(), 6),
            seat_height_m: round(c.seat_height_m, 6),
            back_rest: c.back_rest,
        }
    }
}

/// Writes the file atomically (temporary file, then rename).
pub fn write(truth: &Truth, path: &Path) -> Result<()> {
    let json =
        serde_json::to_vec(truth).map_err(|e| Error::Internal(format!("ground truth: {e}")))?;
    let tmp = path.with_extension("json.part");
    std::fs::write(&tmp, json).map_err(|e| Error::io(format!("writing {}", tmp.display()), e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(format!("renaming to {}", path.display()), e))
}

/// Reads a ground-truth file.
pub fn read(path: &Path) -> Result<Truth> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::bad_input(path, format!("not a ground-truth file: {e}")))
}
