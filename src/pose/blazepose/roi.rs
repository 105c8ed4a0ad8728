//! The landmark model's region of interest from two alignment points (MediaPipe
//! `AlignmentPointsRectsCalculator` followed by `RectTransformationCalculator`).
//!
//! The detector's keypoints 0/1 and the landmark model's auxiliary landmarks 33/34 are both a
//! body centre and a point at the body's radius above it; the ROI is a square around the centre,
//! rotated so that the centre→radius direction becomes "up" in the crop.

use crate::pose::Region;
use std::f32::consts::{FRAC_PI_2, PI, TAU};

/// The square's side is this multiple of the body diameter, leaving a margin around the body.
const ROI_SCALE: f32 = 1.25;

/// The ROI in source pixels: centre `center`, side `2·|scale_point − center|·1.25`, rotation
/// `π/2 − atan2(−(dy), dx)` normalised to (−π, π].
pub fn region_from_alignment(center: (f32, f32), scale_point: (f32, f32)) -> Region {
    let (dx, dy) = (scale_point.0 - center.0, scale_point.1 - center.1);
    let radius = dx.hypot(dy);
    Region {
        cx: center.0,
        cy: center.1,
        size: 2.0 * radius * ROI_SCALE,
        rotation: normalize_radians(FRAC_PI_2 - (-dy).atan2(dx)),
    }
}

fn normalize_radians(angle: f32) -> f32 {
    let wrapped = (angle + PI).rem_euclid(TAU) - PI;
    if wrapped <= -PI {
        wrapped + TAU
    } else {
        wrapped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::preprocess::CropTransform;

    #[test]
    fn upright_body_gives_an_unrotated_square_of_two_and_a_half_radii() {
        let r = region_from_alignment((100.0, 200.0), (100.0, 120.0));
        assert_eq!((r.cx, r.cy), (100.0, 200.0));
        assert!((r.size - 200.0).abs() < 1e-4, "{}", r.size);
        assert!(r.rotation.abs() < 1e-6, "{}", r.rotation);
    }

    #[test]
    fn body_lying_towards_plus_x_is_a_quarter_turn_clockwise() {
        let r = region_from_alignment((0.0, 0.0), (30.0, 0.0));
        assert!((r.rotation - FRAC_PI_2).abs() < 1e-6, "{}", r.rotation);
        assert!((r.size - 75.0).abs() < 1e-4);
        // The crop's top-centre lands on the radius side, 1.25 radii out.
        let (x, y) = CropTransform::new(&r, 256).to_source(128.0, 0.0);
        assert!((x - 37.5).abs() < 1e-3 && y.abs() < 1e-3, "{x} {y}");
    }

    #[test]
    fn upside_down_body_is_half_a_turn_and_leaning_left_is_negative() {
        let down = region_from_alignment((0.0, 0.0), (0.0, 10.0));
        assert!((down.rotation.abs() - PI).abs() < 1e-6, "{}", down.rotation);
        // Head up and to the left at 45°: the crop turns anticlockwise by π/4.
        let left = region_from_alignment((0.0, 0.0), (-10.0, -10.0));
        assert!((left.rotation + PI / 4.0).abs() < 1e-6, "{}", left.rotation);
        assert!((left.size - 2.0 * 200f32.sqrt() * 1.25).abs() < 1e-3);
    }
}
