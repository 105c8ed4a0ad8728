//! BlazePose stage 2: the lite landmark model on a rotated 256×256 ROI (33 landmarks with heels
//! and toes, world landmarks in metres, a person mask, and the auxiliary points that place the
//! next frame's ROI).

use super::detector::sigmoid;
use super::roi::region_from_alignment;
use crate::error::{Error, Result};
use crate::pose::preprocess::{crop_rgb, pixels, to_f32};
use crate::pose::{PersonMask, Region};
use crate::skeleton::Keypoint;
use opencv::core::Mat;
use ort::session::Session;
use ort::value::TensorRef;
use std::path::Path;

/// Side of the landmark model's square input and of its mask, in pixels.
pub const INPUT_SIDE: usize = 256;
/// Body landmarks (MediaPipe order; 29/30 heels, 31/32 toes).
pub const LANDMARK_COUNT: usize = 33;

const INPUT_NAME: &str = "input_1";
const LANDMARKS_NAME: &str = "Identity";
const PRESENCE_NAME: &str = "Identity_1";
const MASK_NAME: &str = "Identity_2";
const WORLD_NAME: &str = "Identity_4";
/// Rows in the landmark outputs: 33 body landmarks, then auxiliary ones.
const ROWS: usize = 39;
/// Auxiliary landmarks giving the next ROI: body centre and body-radius point.
const AUX_CENTER: usize = 33;
const AUX_SCALE: usize = 34;
/// Values per row of `Identity`: x, y, z, visibility logit, presence logit.
const LANDMARK_WIDTH: usize = 5;

/// What the landmark model found in one ROI.
#[derive(Debug, Clone)]
pub struct Landmarks {
    /// Probability (0..1) that a person is in the ROI.
    pub presence: f32,
    /// The 33 landmarks in source pixels; `score` is the visibility probability.
    pub points: [Keypoint; LANDMARK_COUNT],
    /// The 33 landmarks in metres, hip-centred, axes as in the image (x right, y down) and z growing away from the camera.
    pub world: [[f32; 3]; LANDMARK_COUNT],
    /// The person mask over the ROI, one cell per input pixel.
    pub mask: PersonMask,
    /// The ROI for the next frame, from the auxiliary landmarks.
    pub next_roi: Region,
}

/// The landmark model session.
pub struct LandmarkModel {
    session: Session,
}

impl LandmarkModel {
    /// Opens `blazepose_landmark_lite.onnx` with `threads` intra-op threads and checks its tensors.
    pub fn load(model_path: &Path, threads: usize) -> Result<Self> {
        let session = crate::runtime::open_session(model_path, threads)?;
        crate::runtime::check_tensors(
            &session,
            "blazepose_landmark_lite",
            &[INPUT_NAME],
            &[LANDMARKS_NAME, PRESENCE_NAME, MASK_NAME, WORLD_NAME],
        )?;
        Ok(LandmarkModel { session })
    }

    /// Runs the model on `roi` (a rotated square of a BGR frame).
    pub fn infer(&mut self, image: &Mat, roi: &Region) -> Result<Landmarks> {
        let (rgb, transform) = crop_rgb(image, roi, INPUT_SIDE, 0.0)?;
        let input = to_f32(pixels(&rgb)?, 1.0 / 255.0, 0.0);
        let tensor =
            TensorRef::from_array_view(([1usize, INPUT_SIDE, INPUT_SIDE, 3], input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![INPUT_NAME => tensor])?;
        let (_, raw) = outputs[LANDMARKS_NAME].try_extract_tensor::<f32>()?;
        let (_, presence) = outputs[PRESENCE_NAME].try_extract_tensor::<f32>()?;
        let (_, mask_logits) = outputs[MASK_NAME].try_extract_tensor::<f32>()?;
        let (_, world) = outputs[WORLD_NAME].try_extract_tensor::<f32>()?;
        if raw.len() != ROWS * LANDMARK_WIDTH
            || presence.len() != 1
            || mask_logits.len() != INPUT_SIDE * INPUT_SIDE
            || world.len() != ROWS * 3
        {
            return Err(Error::Model {
                name: "blazepose_landmark_lite".into(),
                reason: "unexpected output sizes".into(),
            });
        }
        let row = |i: usize| &raw[i * LANDMARK_WIDTH..(i + 1) * LANDMARK_WIDTH];
        let points = std::array::from_fn(|i| {
            let r = row(i);
            let (x, y) = transform.to_source(r[0], r[1]);
            Keypoint::new(x, y, sigmoid(r[3]))
        });
        let center = transform.to_source(row(AUX_CENTER)[0], row(AUX_CENTER)[1]);
        let scale_point = transform.to_source(row(AUX_SCALE)[0], row(AUX_SCALE)[1]);
        Ok(Landmarks {
            presence: presence[0],
            points,
            world: std::array::from_fn(|i| [world[i * 3], world[i * 3 + 1], world[i * 3 + 2]]),
            mask: PersonMask {
                region: *roi,
                side: INPUT_SIDE,
                probability: mask_logits.iter().map(|&v| sigmoid(v)).collect(),
            },
            next_roi: region_from_alignment(center, scale_point),
        })
    }
}
