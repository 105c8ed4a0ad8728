//! MediaPipe Selfie Segmentation (general, 256×256): a person probability mask for a crop.
//!
//! Made for people who fill the picture; on a wide frame it misses people and marks background
//! as person, so it is run on a person-sized square region (e.g. a pose estimator's region).

use super::preprocess::{crop_rgb, pixels, to_f32};
use super::{PersonMask, Region};
use crate::error::{Error, Result};
use opencv::core::Mat;
use ort::session::Session;
use ort::value::TensorRef;
use std::path::Path;

/// Side of the model's square input and of the mask, in pixels.
pub const INPUT_SIDE: usize = 256;
const INPUT_NAME: &str = "input_1";
/// Person probability, sigmoid already applied inside the graph.
const OUTPUT_NAME: &str = "activation_10";

/// The selfie-segmentation session.
pub struct SelfieSegmentation {
    session: Session,
}

impl SelfieSegmentation {
    /// Opens `selfie_segmentation.onnx` with `threads` intra-op threads and checks its tensors.
    pub fn load(model_path: &Path, threads: usize) -> Result<Self> {
        let session = crate::runtime::open_session(model_path, threads)?;
        crate::runtime::check_tensors(
            &session,
            "selfie_segmentation",
            &[INPUT_NAME],
            &[OUTPUT_NAME],
        )?;
        Ok(SelfieSegmentation { session })
    }

    /// The person mask over a (possibly rotated) square `region` of a BGR frame; the part of the
    /// region outside the frame is seen as black.
    pub fn segment(&mut self, image: &Mat, region: &Region) -> Result<PersonMask> {
        let (rgb, _) = crop_rgb(image, region, INPUT_SIDE, 0.0)?;
        let input = to_f32(pixels(&rgb)?, 1.0 / 255.0, 0.0);
        let tensor =
            TensorRef::from_array_view(([1usize, INPUT_SIDE, INPUT_SIDE, 3], input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![INPUT_NAME => tensor])?;
        let (_, probability) = outputs[OUTPUT_NAME].try_extract_tensor::<f32>()?;
        if probability.len() != INPUT_SIDE * INPUT_SIDE {
            return Err(Error::Model {
                name: "selfie_segmentation".into(),
                reason: format!(
                    "mask has {} values, expected {}",
                    probability.len(),
                    INPUT_SIDE * INPUT_SIDE
                ),
            });
        }
        Ok(PersonMask {
            region: *region,
            side: INPUT_SIDE,
            probability: probability.to_vec(),
        })
    }
}
