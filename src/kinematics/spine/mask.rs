//! The subject's person mask in one frame, and how far it can be trusted.
//!
//! MediaPipe Selfie Segmentation is made for people who fill the picture, so it runs on a square
//! crop around the tracked subject's cleaned keypoints (their box enlarged by
//! [`CROP_SCALE`]), never on the whole frame.
//!
//! Quality (0..1) = coverage × crispness:
//! - coverage: the share of the confident torso keypoints (shoulders, hips) that fall inside
//!   the mask (probability ≥ 0.5); a mask that misses the torso is not the subject's;
//! - crispness: among the cells the model gives any person probability (> 0.1), the share it is
//!   sure about (≥ 0.9). Text overlays, plates and background clutter near the body leave wide
//!   half-sure bands, which is exactly what corrupts an outline.

use super::sagittal::Point;
use crate::error::Result;
use crate::pose::segmentation::SelfieSegmentation;
use crate::pose::{PersonMask, Region};
use crate::skeleton::BoxPx;
use opencv::core::Mat;

/// The crop around the subject's keypoint box, as a multiple of the box's longer side.
pub const CROP_SCALE: f32 = 1.3;
/// A mask cell is "person" at or above this probability.
pub const PERSON_PROBABILITY: f32 = 0.5;

/// The crop for a frame: a square around the subject's keypoints.
pub fn subject_region(points: &[Point]) -> Option<Region> {
    let first = points.first()?;
    let mut b = BoxPx {
        x0: first.x as f32,
        y0: first.y as f32,
        x1: first.x as f32,
        y1: first.y as f32,
    };
    for p in points {
        b.x0 = b.x0.min(p.x as f32);
        b.y0 = b.y0.min(p.y as f32);
        b.x1 = b.x1.max(p.x as f32);
        b.y1 = b.y1.max(p.y as f32);
    }
    let region = Region::around(&b, CROP_SCALE);
    (region.size >= 8.0).then_some(region)
}

/// Runs the segmentation model on the subject's crop.
pub struct SubjectMasker {
    model: SelfieSegmentation,
}

impl SubjectMasker {
    /// Loads Selfie Segmentation from the project's `models/` with `threads` intra-op threads.
    pub fn load(threads: usize) -> Result<Self> {
        let path = crate::models::resolve("selfie_segmentation")?;
        Ok(SubjectMasker {
            model: SelfieSegmentation::load(&path, threads)?,
        })
    }

    /// The person mask over `region` of a BGR frame.
    pub fn mask(&mut self, image: &Mat, region: &Region) -> Result<PersonMask> {
        self.model.segment(image, region)
    }
}

/// Bilinearly interpolated person probability at a source pixel; `None` outside the mask.
pub fn probability(mask: &PersonMask, x: f64, y: f64) -> Option<f64> {
    let r = &mask.region;
    let side = mask.side;
    let cells_per_px = side as f64 / r.size as f64;
    let (s, c) = (r.rotation as f64).sin_cos();
    let (dx, dy) = (x - r.cx as f64, y - r.cy as f64);
    let half = side as f64 * 0.5;
    // Cell centres sit at integer (u, v), as in `PersonMask::probability_at`.
    let u = (c * dx + s * dy) * cells_per_px + half;
    let v = (-s * dx + c * dy) * cells_per_px + half;
    let last = (side - 1) as f64;
    if !(0.0..=last).contains(&u) || !(0.0..=last).contains(&v) {
        return None;
    }
    let (u0, v0) = (u.floor().min(last - 1.0), v.floor().min(last - 1.0));
    let (fu, fv) = (u - u0, v - v0);
    let at = |row: f64, col: f64| mask.probability[row as usize * side + col as usize] as f64;
    let top = at(v0, u0) * (1.0 - fu) + at(v0, u0 + 1.0) * fu;
    let bottom = at(v0 + 1.0, u0) * (1.0 - fu) + at(v0 + 1.0, u0 + 1.0) * fu;
    Some(top * (1.0 - fv) + bottom * fv)
}

/// How far one frame's mask can be trusted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaskQuality {
    /// Share of the confident torso keypoints inside the mask.
    pub coverage: f64,
    /// Share of person-ish cells the model is sure about.
    pub crispness: f64,
}

impl MaskQuality {
    /// coverage × crispness, 0..1.
    pub fn score(&self) -> f64 {
        self.coverage * self.crispness
    }
}

/// Scores a mask against the subject's confident torso keypoints.
pub fn quality(mask: &PersonMask, torso: &[Point]) -> MaskQuality {
    let inside = torso
        .iter()
        .filter(|p| probability(mask, p.x, p.y).is_some_and(|q| q >= PERSON_PROBABILITY as f64))
        .count();
    let coverage = if torso.is_empty() {
        0.0
    } else {
        inside as f64 / torso.len() as f64
    };
    let (mut some, mut sure) = (0usize, 0usize);
    for &p in &mask.probability {
        if p > 0.1 {
            some += 1;
            if p >= 0.9 {
                sure += 1;
            }
        }
    }
    let crispness = if some == 0 {
        0.0
    } else {
        sure as f64 / some as f64
    };
    MaskQuality {
        coverage,
        crispness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disc_mask(side: usize, radius: f64, edge: f32) -> PersonMask {
        let c = side as f64 * 0.5;
        let probability = (0..side * side)
            .map(|i| {
                let (row, col) = ((i / side) as f64, (i % side) as f64);
                if (row - c).hypot(col - c) <= radius {
                    1.0
                } else if (row - c).hypot(col - c) <= radius + 3.0 {
                    edge
                } else {
                    0.0
                }
            })
            .collect();
        PersonMask {
            region: Region {
                cx: 100.0,
                cy: 100.0,
                size: side as f32,
                rotation: 0.0,
            },
            side,
            probability,
        }
    }

    #[test]
    fn bilinear_probability_matches_cells_and_interpolates_between_them() {
        let mut mask = disc_mask(8, 0.0, 0.0);
        mask.probability.iter_mut().for_each(|p| *p = 0.0);
        mask.probability[3 * 8 + 4] = 1.0; // row 3, column 4: source pixel (100, 99)
        assert_eq!(probability(&mask, 100.0, 99.0), Some(1.0));
        assert!((probability(&mask, 100.5, 99.0).unwrap() - 0.5).abs() < 1e-9);
        assert!((probability(&mask, 100.0, 99.25).unwrap() - 0.75).abs() < 1e-9);
        assert_eq!(probability(&mask, 500.0, 99.0), None);
    }

    #[test]
    fn quality_drops_for_a_blurred_mask_and_for_keypoints_outside_it() {
        let torso = [
            Point {
                x: 100.0,
                y: 100.0,
                confidence: 0.9,
            },
            Point {
                x: 105.0,
                y: 95.0,
                confidence: 0.9,
            },
        ];
        let crisp = quality(&disc_mask(64, 20.0, 0.0), &torso);
        assert_eq!(crisp.coverage, 1.0);
        assert_eq!(crisp.crispness, 1.0);
        let blurred = quality(&disc_mask(64, 20.0, 0.5), &torso);
        assert!(blurred.crispness < 0.8, "{blurred:?}");
        let away = [Point {
            x: 70.0,
            y: 70.0,
            confidence: 0.9,
        }];
        assert_eq!(quality(&disc_mask(64, 20.0, 0.0), &away).coverage, 0.0);
    }
}
