//! BlazePose stage 1: the person detector (SSD, 2254 anchors, 224×224 input).
//!
//! It is made for short-range use: on a wide frame a distant person is a few dozen pixels tall
//! after letterboxing and is often missed, so it is run on a person-sized square region.

use super::anchors::{ssd_anchors, Anchor, ANCHOR_COUNT, INPUT_SIDE};
use super::nms::weighted_nms;
use super::roi::region_from_alignment;
use crate::error::{Error, Result};
use crate::pose::preprocess::{crop_rgb, pixels, to_f32, CropTransform};
use crate::pose::Region;
use crate::skeleton::BoxPx;
use opencv::core::Mat;
use opencv::prelude::*;
use ort::session::Session;
use ort::value::TensorRef;
use std::path::Path;

const INPUT_NAME: &str = "input_1";
const REGRESSORS_NAME: &str = "Identity";
const LOGITS_NAME: &str = "Identity_1";
/// Values per anchor: box (dx, dy, w, h) then four keypoints (x, y).
const REGRESSOR_WIDTH: usize = 12;
/// MediaPipe clips logits before the sigmoid so that extreme values stay finite.
const LOGIT_CLIP: f32 = 100.0;
/// A detection needs at least this score (MediaPipe's `min_score_thresh`).
pub const MIN_SCORE: f32 = 0.5;
/// Detections overlapping more than this are merged (MediaPipe's `min_suppression_threshold`).
const NMS_IOU: f32 = 0.3;

/// One detected person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Confidence in 0..1.
    pub score: f32,
    /// The detector's box; in source pixels (the axis-aligned hull of the box when the search
    /// region is rotated).
    pub bbox: BoxPx,
    /// Keypoints: 0 mid-hip centre, 1 full-body radius point, 2 upper-body centre, 3 upper-body
    /// radius point.
    pub keypoints: [(f32, f32); 4],
}

impl Detection {
    /// The landmark model's ROI for this person (from the mid-hip and full-body points).
    pub fn roi(&self) -> Region {
        region_from_alignment(self.keypoints[0], self.keypoints[1])
    }

    fn mapped(self, transform: &CropTransform) -> Detection {
        let corners = [
            transform.to_source(self.bbox.x0, self.bbox.y0),
            transform.to_source(self.bbox.x1, self.bbox.y0),
            transform.to_source(self.bbox.x0, self.bbox.y1),
            transform.to_source(self.bbox.x1, self.bbox.y1),
        ];
        let xs = corners.map(|c| c.0);
        let ys = corners.map(|c| c.1);
        Detection {
            score: self.score,
            bbox: BoxPx {
                x0: xs.iter().copied().fold(f32::INFINITY, f32::min),
                y0: ys.iter().copied().fold(f32::INFINITY, f32::min),
                x1: xs.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                y1: ys.iter().copied().fold(f32::NEG_INFINITY, f32::max),
            },
            keypoints: self.keypoints.map(|(x, y)| transform.to_source(x, y)),
        }
    }
}

/// The BlazePose detector session and its anchors.
pub struct PoseDetector {
    session: Session,
    anchors: Vec<Anchor>,
}

impl PoseDetector {
    /// Opens `blazepose_detector.onnx` with `threads` intra-op threads and checks its tensors.
    pub fn load(model_path: &Path, threads: usize) -> Result<Self> {
        let session = crate::runtime::open_session(model_path, threads)?;
        crate::runtime::check_tensors(
            &session,
            "blazepose_detector",
            &[INPUT_NAME],
            &[REGRESSORS_NAME, LOGITS_NAME],
        )?;
        Ok(PoseDetector {
            session,
            anchors: ssd_anchors(),
        })
    }

    /// People found in a square `region` of a BGR frame, in source pixels, best first.
    ///
    /// The region is letterboxed to 224×224: the square keeps the aspect ratio, and whatever
    /// part of it lies outside the frame is padding, set to 0.0 in tensor space as in MediaPipe.
    pub fn detect(&mut self, image: &Mat, region: &Region) -> Result<Vec<Detection>> {
        let (rgb, transform) = crop_rgb(image, region, INPUT_SIDE, 0.0)?;
        let mut input = to_f32(pixels(&rgb)?, 1.0 / 127.5, -1.0);
        let size = image.size()?;
        zero_outside_frame(
            &mut input,
            &transform,
            size.width as f32,
            size.height as f32,
        );
        let tensor =
            TensorRef::from_array_view(([1usize, INPUT_SIDE, INPUT_SIDE, 3], input.as_slice()))?;
        let outputs = self.session.run(ort::inputs![INPUT_NAME => tensor])?;
        let (_, regressors) = outputs[REGRESSORS_NAME].try_extract_tensor::<f32>()?;
        let (_, logits) = outputs[LOGITS_NAME].try_extract_tensor::<f32>()?;
        if regressors.len() != ANCHOR_COUNT * REGRESSOR_WIDTH || logits.len() != ANCHOR_COUNT {
            return Err(Error::Model {
                name: "blazepose_detector".into(),
                reason: format!(
                    "unexpected output sizes {} and {}",
                    regressors.len(),
                    logits.len()
                ),
            });
        }
        let found = weighted_nms(decode(regressors, logits, &self.anchors), NMS_IOU);
        Ok(found.into_iter().map(|d| d.mapped(&transform)).collect())
    }
}

/// Sets the input pixels whose source position falls outside the frame to 0.0.
fn zero_outside_frame(input: &mut [f32], transform: &CropTransform, width: f32, height: f32) {
    for v in 0..INPUT_SIDE {
        for u in 0..INPUT_SIDE {
            let (x, y) = transform.to_source(u as f32, v as f32);
            if x < 0.0 || y < 0.0 || x > width - 1.0 || y > height - 1.0 {
                let at = (v * INPUT_SIDE + u) * 3;
                input[at..at + 3].fill(0.0);
            }
        }
    }
}

/// Scored detections, in crop pixels of the 224×224 input, before suppression.
fn decode(regressors: &[f32], logits: &[f32], anchors: &[Anchor]) -> Vec<Detection> {
    let side = INPUT_SIDE as f32;
    let mut found = Vec::new();
    for (i, anchor) in anchors.iter().enumerate() {
        let score = sigmoid(logits[i].clamp(-LOGIT_CLIP, LOGIT_CLIP));
        if score < MIN_SCORE {
            continue;
        }
        let r = &regressors[i * REGRESSOR_WIDTH..(i + 1) * REGRESSOR_WIDTH];
        // Regressors are offsets from the anchor centre in input pixels; anchors are 1×1.
        let (cx, cy) = (r[0] + anchor.x * side, r[1] + anchor.y * side);
        let (half_w, half_h) = (r[2] * 0.5, r[3] * 0.5);
        found.push(Detection {
            score,
            bbox: BoxPx {
                x0: cx - half_w,
                y0: cy - half_h,
                x1: cx + half_w,
                y1: cy + half_h,
            },
            keypoints: std::array::from_fn(|k| {
                (
                    r[4 + 2 * k] + anchor.x * side,
                    r[5 + 2 * k] + anchor.y * side,
                )
            }),
        });
    }
    found
}

pub(super) fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_outside_the_frame_is_zero_in_tensor_space() {
        // A 448-px square centred on the left edge of a 1000×1000 frame: its left half (input
        // columns below 112) lies outside, 2 source pixels per input pixel.
        let region = Region {
            cx: 0.0,
            cy: 500.0,
            size: 448.0,
            rotation: 0.0,
        };
        let transform = CropTransform::new(&region, INPUT_SIDE);
        let mut input = vec![0.5; INPUT_SIDE * INPUT_SIDE * 3];
        zero_outside_frame(&mut input, &transform, 1000.0, 1000.0);
        let at =
            |u: usize, v: usize| &input[(v * INPUT_SIDE + u) * 3..(v * INPUT_SIDE + u) * 3 + 3];
        assert_eq!(at(0, 0), [0.0; 3]);
        assert_eq!(at(111, 223), [0.0; 3]);
        assert_eq!(at(112, 0), [0.5; 3]);
        assert_eq!(at(223, 100), [0.5; 3]);
    }

    #[test]
    fn decode_offsets_from_the_anchor_and_drops_low_scores() {
        let anchors = [Anchor { x: 0.5, y: 0.25 }, Anchor { x: 0.1, y: 0.1 }];
        let mut regressors = vec![0.0; 2 * REGRESSOR_WIDTH];
        regressors[..REGRESSOR_WIDTH].copy_from_slice(&[
            4.0, -2.0, 20.0, 40.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0,
        ]);
        // Logit 2 → score 0.88; logit −1 → 0.27, below the threshold.
        let found = decode(&regressors, &[2.0, -1.0], &anchors);
        assert_eq!(found.len(), 1);
        let d = found[0];
        assert!((d.score - 0.880_797).abs() < 1e-5);
        // Centre (112 + 4, 56 − 2) = (116, 54); size 20 × 40.
        assert_eq!(
            d.bbox,
            BoxPx {
                x0: 106.0,
                y0: 34.0,
                x1: 126.0,
                y1: 74.0
            }
        );
        assert_eq!(d.keypoints[0], (113.0, 58.0));
        assert_eq!(d.keypoints[3], (119.0, 64.0));
    }
}
