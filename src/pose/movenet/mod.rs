//! MoveNet SinglePose Lightning: 17 COCO keypoints from a 192×192 square crop.
//!
//! Follows MoveNet's own cropping scheme: the first frame is searched padded to a square; each
//! next crop is a square around the previous keypoints, expanded and kept on the frame.

use super::preprocess::{crop_rgb, pixels};
use super::{PoseEstimate, PoseEstimator, Region};
use crate::error::{Error, Result};
use crate::skeleton::{Joint, Keypoint, Skeleton};
use opencv::core::Mat;
use opencv::prelude::*;
use ort::session::Session;
use ort::value::TensorRef;
use std::path::Path;

pub const INPUT_SIDE: usize = 192;
const INPUT_NAME: &str = "serving_default_input:0";
const OUTPUT_NAME: &str = "StatefulPartitionedCall:0";
/// Keypoints below this score do not shape the next crop.
const CROP_MIN_SCORE: f32 = 0.2;

pub struct MoveNet {
    session: Session,
}

impl MoveNet {
    pub fn load(model_path: &Path, threads: usize) -> Result<Self> {
        let session = crate::runtime::open_session(model_path, threads)?;
        let has = |names: Vec<&str>, want: &str| names.contains(&want);
        let inputs: Vec<&str> = session.inputs().iter().map(|o| o.name()).collect();
        let outputs: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
        if !has(inputs, INPUT_NAME) || !has(outputs, OUTPUT_NAME) {
            return Err(Error::Model {
                name: "movenet_lightning".into(),
                reason: format!(
                    "{} is not MoveNet Lightning (tensors differ)",
                    model_path.display()
                ),
            });
        }
        Ok(MoveNet { session })
    }

    /// Runs the model on an already prepared 192×192 RGB crop; keypoints in crop pixels.
    pub fn infer(&mut self, rgb: &[u8]) -> Result<[Keypoint; 17]> {
        let input = TensorRef::from_array_view(([1usize, INPUT_SIDE, INPUT_SIDE, 3], rgb))?;
        let outputs = self.session.run(ort::inputs![INPUT_NAME => input])?;
        let (_, data) = outputs[OUTPUT_NAME].try_extract_tensor::<f32>()?;
        let side = INPUT_SIDE as f32;
        Ok(std::array::from_fn(|i| {
            Keypoint::new(data[i * 3 + 1] * side, data[i * 3] * side, data[i * 3 + 2])
        }))
    }
}

/// The next crop from this frame's keypoints (MoveNet's `determine_crop_region`): a square
/// around the torso and limbs, at least as large as the body and covering every confident
/// joint with a margin; falls back to the whole frame when the torso is not visible.
pub fn next_region(skeleton: &Skeleton, width: u32, height: u32) -> Option<Region> {
    let torso = [
        Joint::LeftShoulder,
        Joint::RightShoulder,
        Joint::LeftHip,
        Joint::RightHip,
    ];
    let visible = |j: Joint| skeleton.confident(j, CROP_MIN_SCORE);
    let hips_or_shoulders = (visible(Joint::LeftHip).is_some()
        || visible(Joint::RightHip).is_some())
        && (visible(Joint::LeftShoulder).is_some() || visible(Joint::RightShoulder).is_some());
    if !hips_or_shoulders {
        return None;
    }
    let mid_hip = {
        let hips: Vec<Keypoint> = [Joint::LeftHip, Joint::RightHip]
            .into_iter()
            .filter_map(visible)
            .collect();
        let n = hips.len() as f32;
        (
            hips.iter().map(|k| k.x).sum::<f32>() / n,
            hips.iter().map(|k| k.y).sum::<f32>() / n,
        )
    };
    let (cx, cy) = mid_hip;
    let mut torso_range = 0.0f32;
    for j in torso.into_iter().filter_map(visible) {
        torso_range = torso_range.max((j.x - cx).abs()).max((j.y - cy).abs());
    }
    let mut body_range = 0.0f32;
    for k in skeleton
        .points
        .iter()
        .flatten()
        .filter(|k| k.score >= CROP_MIN_SCORE)
    {
        body_range = body_range.max((k.x - cx).abs()).max((k.y - cy).abs());
    }
    let half = (torso_range * 1.9).max(body_range * 1.2);
    let max_half = (width.max(height) as f32) * 0.5;
    let half = half.min(max_half).max(16.0);
    Some(Region {
        cx,
        cy,
        size: half * 2.0,
        rotation: 0.0,
    })
}

impl PoseEstimator for MoveNet {
    fn name(&self) -> &'static str {
        "movenet_lightning"
    }

    fn estimate(&mut self, image: &Mat, region: &Region) -> Result<PoseEstimate> {
        let (rgb, transform) = crop_rgb(image, region, INPUT_SIDE, 0.0)?;
        let raw = self.infer(pixels(&rgb)?)?;
        let mut skeleton = Skeleton::default();
        for (i, k) in raw.iter().enumerate() {
            let (x, y) = transform.to_source(k.x, k.y);
            skeleton.points[i] = Some(Keypoint::new(x, y, k.score));
        }
        let presence = skeleton.torso_score();
        let size = image.size()?;
        let next = next_region(&skeleton, size.width as u32, size.height as u32);
        Ok(PoseEstimate {
            skeleton,
            presence,
            next_region: next,
            world: None,
            mask: None,
        })
    }
}
