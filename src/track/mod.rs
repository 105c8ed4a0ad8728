//! One subject per analysis: the tracked person's keypoints over the whole clip.

use crate::skeleton::Skeleton;
use crate::source::SourceInfo;
use serde::{Deserialize, Serialize};

/// Version of the keypoint-track JSON (`keypoints.json`) written by `ugoki pose`.
pub const TRACK_SCHEMA_VERSION: u32 = 1;

/// The subject in one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoseFrame {
    pub index: usize,
    /// Container timestamp in seconds from the start of the stream.
    pub time_s: f64,
    /// The subject's keypoints in source pixels; `None` when the subject is not visible in
    /// this frame (never filled with another person).
    pub skeleton: Option<Skeleton>,
    /// BlazePose world landmarks in metres, hip-centred, canonical joint order, when that
    /// model ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub world: Option<Vec<Option<[f32; 3]>>>,
    /// The legs' / arms' left-right labels were swapped back here (the model had them crossed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub relabelled_legs: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub relabelled_arms: bool,
}

impl PoseFrame {
    /// A frame in which the subject was not seen (or the model did not run).
    pub fn unseen(index: usize, time_s: f64) -> PoseFrame {
        PoseFrame {
            index,
            time_s,
            skeleton: None,
            world: None,
            relabelled_legs: false,
            relabelled_arms: false,
        }
    }
}

/// The tracked subject over a clip: what `ugoki pose` produces and every later stage reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoseTrack {
    pub schema_version: u32,
    pub source: SourceInfo,
    /// Pose model name (as in models/manifest.toml).
    pub model: String,
    pub frames: Vec<PoseFrame>,
}

pub mod candidates;
pub mod laterality;
pub mod motion;
pub mod refine;
pub mod selection;
pub mod video;

pub use selection::{SubjectPick, SubjectRule};
pub use video::{track_source, SubjectOptions, TrackOutcome};
