//! Pose estimators behind one trait, returning canonical skeletons in source-frame pixels.
//!
//! Every estimator looks at one square region of the frame at a time (MoveNet's crop,
//! BlazePose's rotated ROI) and proposes the region for the next frame from what it found, so
//! that one person is followed without re-running a detector. Which person a region belongs to is
//! decided by `track`, not here.

pub mod blazepose;
pub mod movenet;
pub mod preprocess;
pub mod segmentation;

use crate::error::Result;
use crate::skeleton::Skeleton;
use opencv::core::Mat;
use serde::{Deserialize, Serialize};

/// A square region of the source frame, in pixels, optionally rotated about its centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub cx: f32,
    pub cy: f32,
    /// Side length in pixels (may extend past the frame; the outside is padded).
    pub size: f32,
    /// Rotation in radians, clockwise on screen (MediaPipe's convention): the crop's "up" points
    /// along (sin r, -cos r) in the frame, so a person leaning that way appears upright in it.
    pub rotation: f32,
}

impl Region {
    /// The whole frame padded to a square (MoveNet's first-frame scheme).
    pub fn whole_frame(width: u32, height: u32) -> Region {
        Region {
            cx: width as f32 * 0.5,
            cy: height as f32 * 0.5,
            size: width.max(height) as f32,
            rotation: 0.0,
        }
    }

    /// A square around a box, enlarged by `scale`.
    pub fn around(b: &crate::skeleton::BoxPx, scale: f32) -> Region {
        let (cx, cy) = b.center();
        Region {
            cx,
            cy,
            size: b.width().max(b.height()) * scale,
            rotation: 0.0,
        }
    }

    /// This region carried on by `share` of its change since `before`: moved on as it moved,
    /// and grown as it grew (never shrunk, so that a prediction does not cut the person off).
    pub fn carried_on(&self, before: &Region, share: f32) -> Region {
        Region {
            cx: self.cx + (self.cx - before.cx) * share,
            cy: self.cy + (self.cy - before.cy) * share,
            size: self.size + (self.size - before.size).max(0.0) * share,
            rotation: self.rotation,
        }
    }

    pub fn as_box(&self) -> crate::skeleton::BoxPx {
        let h = self.size * 0.5;
        crate::skeleton::BoxPx {
            x0: self.cx - h,
            y0: self.cy - h,
            x1: self.cx + h,
            y1: self.cy + h,
        }
    }
}

/// A person probability mask for a region of the frame.
#[derive(Debug, Clone)]
pub struct PersonMask {
    /// The region the mask covers (its pixels map onto this square).
    pub region: Region,
    /// Side length of the mask in cells.
    pub side: usize,
    /// Row-major probabilities in 0..1.
    pub probability: Vec<f32>,
}

impl PersonMask {
    /// The probability at a source-frame pixel, or `None` outside the region. Cell (row i,
    /// column j) is the crop pixel (u = j, v = i) of `preprocess::CropTransform::new(&region,
    /// side)`, so a source pixel is mapped back through that transform's inverse and rounded to
    /// the nearest cell.
    pub fn probability_at(&self, x: f32, y: f32) -> Option<f32> {
        let r = &self.region;
        let cells_per_px = self.side as f32 / r.size;
        let (s, c) = r.rotation.sin_cos();
        let (dx, dy) = (x - r.cx, y - r.cy);
        let half = self.side as f32 * 0.5;
        let u = (c * dx + s * dy) * cells_per_px + half;
        let v = (-s * dx + c * dy) * cells_per_px + half;
        let (col, row) = (u.round(), v.round());
        let inside =
            (0.0..self.side as f32).contains(&col) && (0.0..self.side as f32).contains(&row);
        inside
            .then(|| {
                self.probability
                    .get(row as usize * self.side + col as usize)
                    .copied()
            })
            .flatten()
    }
}

/// What one estimator call found.
#[derive(Debug, Clone)]
pub struct PoseEstimate {
    pub skeleton: Skeleton,
    /// Overall confidence that a person is in the region (0..1).
    pub presence: f32,
    /// Where to look in the next frame, if the person can be followed from this result.
    pub next_region: Option<Region>,
    /// 3-D landmarks in metres, hip-centred, in canonical joint order (BlazePose only).
    pub world: Option<Vec<Option<[f32; 3]>>>,
    /// Person mask over the region (BlazePose only).
    pub mask: Option<PersonMask>,
}

/// A single-person pose model.
pub trait PoseEstimator: Send {
    /// Model name as in `models/manifest.toml`.
    fn name(&self) -> &'static str;
    /// Looks for one person inside `region` of a BGR frame.
    fn estimate(&mut self, image: &Mat, region: &Region) -> Result<PoseEstimate>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use preprocess::CropTransform;

    #[test]
    fn mask_cells_are_found_again_from_their_source_pixels() {
        let region = Region {
            cx: 300.0,
            cy: 200.0,
            size: 120.0,
            rotation: 0.7,
        };
        let side = 16;
        let mask = PersonMask {
            region,
            side,
            probability: (0..side * side).map(|i| i as f32).collect(),
        };
        let t = CropTransform::new(&region, side);
        for (row, col) in [(0, 0), (3, 11), (15, 15), (8, 0)] {
            let (x, y) = t.to_source(col as f32, row as f32);
            assert_eq!(
                mask.probability_at(x, y),
                Some((row * side + col) as f32),
                "cell {row},{col}"
            );
        }
        let (x, y) = t.to_source(-1.0, 4.0);
        assert_eq!(mask.probability_at(x, y), None);
        assert_eq!(mask.probability_at(1000.0, 200.0), None);
    }
}
