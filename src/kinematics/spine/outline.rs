//! The back's outline in a side view, traced on the person mask by ray casting from the trunk
//! axis.
//!
//! The axis runs from the mid-hip H to the mid-shoulder S (length L). At fractions
//! f = -0.10, -0.075, …, 1.0 of the way up, a ray leaves the axis point H + f·(S − H) at right
//! angles towards the back; the first point where the mask's person probability falls through
//! 0.5 (interpolated between samples half a mask cell apart) for good is the back point (gaps
//! narrower than 0.05 L, like the slit between a hanging arm and the trunk, are bridged). Its distance
//! from the axis, in units of L, is the offset d(f) (positive towards the back).
//!
//! An outline is refused when a back point is missing for f in 0…0.9 (the back is occluded or
//! the mask has a hole) or when neighbouring offsets jump by more than 0.06 L (a plate, text or
//! an arm merged with the back), so a bad mask gives no number rather than a wrong one.

use super::mask::{probability, PERSON_PROBABILITY};
use super::sagittal::{inclination_deg, Point};
use crate::pose::PersonMask;
use crate::text;
use crate::text::Text;

/// First and last fraction of the trunk axis sampled, and the step.
pub const FIRST_FRACTION: f64 = -0.10;
pub const LAST_FRACTION: f64 = 1.0;
pub const FRACTION_STEP: f64 = 0.025;
/// Every back point between these fractions must be found.
pub const REQUIRED_FRACTIONS: (f64, f64) = (0.0, 0.9);
/// Largest offset change between neighbouring fractions, in units of L.
pub const MAX_NEIGHBOUR_JUMP: f64 = 0.06;
/// Half-width of the window of a local slope fit, in fractions of L.
pub const SLOPE_HALF_WINDOW: f64 = 0.075;
/// How far a ray searches for the back, in units of L.
const MAX_RAY_LENGTH: f64 = 0.6;
/// Narrower gaps in the mask along a ray, in units of L, are bridged: the slit between a
/// hanging arm and the trunk is not the back.
const MAX_BRIDGED_GAP: f64 = 0.05;

/// The fractions sampled, in order.
pub fn fractions() -> Vec<f64> {
    let n = ((LAST_FRACTION - FIRST_FRACTION) / FRACTION_STEP).round() as usize;
    (0..=n)
        .map(|k| FIRST_FRACTION + k as f64 * FRACTION_STEP)
        .collect()
}

/// Why a frame has no outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// The hip-to-shoulder axis is shorter than a few pixels.
    NoAxis,
    /// A back point between f = 0 and 0.9 was not found.
    Incomplete,
    /// Neighbouring back points jump by more than 0.06 L.
    Jump,
}

impl Rejection {
    /// The reason in words.
    pub fn describe(self) -> Text {
        match self {
            Rejection::NoAxis => text!(
                "hip-to-shoulder axis too short",
                "腰から肩までの軸が短すぎます"
            ),
            Rejection::Incomplete => text!(
                "back occluded: the outline has a gap between the hip and the shoulder",
                "背中が隠れています: 腰と肩の間で輪郭が途切れています"
            ),
            Rejection::Jump => text!(
                "mask unreliable: the back outline jumps (something merges with the back)",
                "人物マスクが不確かです: 背中の輪郭が飛んでいます（何かが背中に重なっています）"
            ),
        }
    }
}

/// One frame's back outline in the trunk-axis frame.
#[derive(Debug, Clone, PartialEq)]
pub struct BackOutline {
    /// Fractions of the axis, as [`fractions`].
    pub fractions: Vec<f64>,
    /// Offsets from the axis towards the back, units of L; `None` where no back point.
    pub offsets: Vec<Option<f64>>,
    /// Unit vector from H towards S (image, y down).
    pub axis: (f64, f64),
    /// Unit vector from the axis towards the back.
    pub normal: (f64, f64),
    pub facing_sign: f64,
    /// The axis's start H (image pixels) and length L, which place the outline in the image.
    pub hip: (f64, f64),
    pub length: f64,
}

/// Traces the back outline; `facing_sign` is +1 when the subject faces right.
pub fn trace(
    mask: &PersonMask,
    hip: Point,
    shoulder: Point,
    facing_sign: f64,
) -> Result<BackOutline, Rejection> {
    let length = hip.distance(shoulder);
    if length < 4.0 {
        return Err(Rejection::NoAxis);
    }
    let axis = ((shoulder.x - hip.x) / length, (shoulder.y - hip.y) / length);
    // Facing right and upright, the axis points up (0, -1) and the back is to the left (-1, 0).
    let normal = (facing_sign * axis.1, -facing_sign * axis.0);
    let step = 0.5 * mask.region.size as f64 / mask.side as f64;
    let fractions = fractions();
    let offsets: Vec<Option<f64>> = fractions
        .iter()
        .map(|f| {
            let origin = (hip.x + f * length * axis.0, hip.y + f * length * axis.1);
            ray_exit(
                mask,
                origin,
                normal,
                step,
                MAX_RAY_LENGTH * length,
                MAX_BRIDGED_GAP * length,
            )
            .map(|t| t / length)
        })
        .collect();
    let outline = BackOutline {
        fractions,
        offsets,
        axis,
        normal,
        facing_sign,
        hip: (hip.x, hip.y),
        length,
    };
    outline.check()?;
    Ok(outline)
}

/// Distance along the ray to where the person probability falls through 0.5 and stays below
/// it for more than `bridge`; `None` when the ray starts outside the person or never leaves
/// it.
fn ray_exit(
    mask: &PersonMask,
    origin: (f64, f64),
    direction: (f64, f64),
    step: f64,
    max_length: f64,
    bridge: f64,
) -> Option<f64> {
    let threshold = PERSON_PROBABILITY as f64;
    let at = |t: f64| probability(mask, origin.0 + t * direction.0, origin.1 + t * direction.1);
    let mut previous = at(0.0).filter(|p| *p >= threshold)?;
    let mut t = 0.0;
    while t < max_length {
        let next_t = t + step;
        let p = at(next_t)?;
        if p < threshold {
            let mut ahead = next_t + step;
            let reentry = loop {
                if ahead > next_t + bridge {
                    break None;
                }
                match at(ahead) {
                    Some(q) if q >= threshold => break Some((ahead, q)),
                    Some(_) => ahead += step,
                    None => break None,
                }
            };
            match reentry {
                Some((back_inside, q)) => {
                    previous = q;
                    t = back_inside;
                    continue;
                }
                None => return Some(t + (previous - threshold) / (previous - p) * step),
            }
        }
        previous = p;
        t = next_t;
    }
    None
}

impl BackOutline {
    fn check(&self) -> Result<(), Rejection> {
        let (low, high) = REQUIRED_FRACTIONS;
        let required_missing = self
            .fractions
            .iter()
            .zip(&self.offsets)
            .any(|(f, d)| (low - 1e-9..=high + 1e-9).contains(f) && d.is_none());
        if required_missing {
            return Err(Rejection::Incomplete);
        }
        let jumps = self
            .offsets
            .windows(2)
            .any(|w| matches!(w, [Some(a), Some(b)] if (a - b).abs() > MAX_NEIGHBOUR_JUMP));
        if jumps {
            return Err(Rejection::Jump);
        }
        Ok(())
    }

    /// Least-squares slope dd/df of the offsets within ±0.075 of `f`.
    pub fn slope_at(&self, f: f64) -> Option<f64> {
        let points: Vec<(f64, f64)> = self
            .fractions
            .iter()
            .zip(&self.offsets)
            .filter(|(g, _)| (**g - f).abs() <= SLOPE_HALF_WINDOW + 1e-9)
            .filter_map(|(g, d)| d.map(|d| (*g, d)))
            .collect();
        if points.len() < 3 {
            return None;
        }
        let n = points.len() as f64;
        let mean_f = points.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_d = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sff: f64 = points.iter().map(|p| (p.0 - mean_f).powi(2)).sum();
        let sfd: f64 = points.iter().map(|p| (p.0 - mean_f) * (p.1 - mean_d)).sum();
        (sff > 0.0).then(|| sfd / sff)
    }

    /// Inclination (degrees, forward positive, see [`super::sagittal`]) of the back's surface
    /// at fraction `f`, from the local slope.
    pub fn back_inclination_deg(&self, f: f64) -> Option<f64> {
        let s = self.slope_at(f)?;
        let dx = self.axis.0 + s * self.normal.0;
        let dy = self.axis.1 + s * self.normal.1;
        Some(inclination_deg(dx, dy, self.facing_sign))
    }

    /// The image point (pixels) of the back at fraction `f` with offset `d` (units of L).
    pub fn image_point(&self, f: f64, d: f64) -> (f64, f64) {
        let along = f * self.length;
        let across = d * self.length;
        (
            self.hip.0 + along * self.axis.0 + across * self.normal.0,
            self.hip.1 + along * self.axis.1 + across * self.normal.1,
        )
    }

    /// The traced back points in the image, bottom to top (fractions without a point left out).
    pub fn image_points(&self) -> Vec<(f64, f64)> {
        self.fractions
            .iter()
            .zip(&self.offsets)
            .filter_map(|(f, d)| Some(self.image_point(*f, (*d)?)))
            .collect()
    }

    /// The tangent to the back's surface at fraction `f`: the back point there and a unit
    /// vector along the local slope, pointing up the back.
    pub fn tangent_at(&self, f: f64) -> Option<((f64, f64), (f64, f64))> {
        let s = self.slope_at(f)?;
        let d = self
            .fractions
            .iter()
            .zip(&self.offsets)
            .filter_map(|(g, d)| Some(((g - f).abs(), (*d)?)))
            .min_by(|a, b| a.0.total_cmp(&b.0))?
            .1;
        let (dx, dy) = (
            self.axis.0 + s * self.normal.0,
            self.axis.1 + s * self.normal.1,
        );
        let norm = dx.hypot(dy);
        (norm > 0.0).then(|| (self.image_point(f, d), (dx / norm, dy / norm)))
    }

    /// Back-shape curve angle, degrees: the signed mean offset m of the outline (f 0.1…0.9)
    /// from its chord (c long), positive when it bulges towards the back (rounded, kyphotic),
    /// negative when hollow (lordotic), scaled as `2·atan(6·m / c)`: the angle between the end
    /// tangents of the parabolic arc with that mean offset.
    pub fn curve_angle_deg(&self) -> Option<f64> {
        let span: Vec<(f64, f64)> = self
            .fractions
            .iter()
            .zip(&self.offsets)
            .filter(|(f, _)| (0.1 - 1e-9..=0.9 + 1e-9).contains(*f))
            .map(|(f, d)| d.map(|d| (*f, d)))
            .collect::<Option<Vec<_>>>()?;
        let (first, last) = (*span.first()?, *span.last()?);
        let (cf, cd) = (last.0 - first.0, last.1 - first.1);
        let chord = cf.hypot(cd);
        if chord <= 0.0 {
            return None;
        }
        let mean_offset = span
            .iter()
            .map(|(f, d)| ((d - first.1) * cf - (f - first.0) * cd) / chord)
            .sum::<f64>()
            / span.len() as f64;
        Some(2.0 * (6.0 * mean_offset / chord).atan().to_degrees())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::Region;

    /// A mask of a subject facing right whose back (the left edge of the body) is at
    /// `back_x(y)` and whose front edge is at x = 150.
    fn side_mask(back_x: impl Fn(f64) -> f64) -> PersonMask {
        let side = 200;
        let probability = (0..side * side)
            .map(|i| {
                let (row, col) = ((i / side) as f64, (i % side) as f64);
                if col >= back_x(row) && col <= 150.0 {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        PersonMask {
            region: Region {
                cx: 100.0,
                cy: 100.0,
                size: 200.0,
                rotation: 0.0,
            },
            side,
            probability,
        }
    }

    fn pt(x: f64, y: f64) -> Point {
        Point {
            x,
            y,
            confidence: 1.0,
        }
    }

    #[test]
    fn a_straight_back_is_found_at_its_distance_with_zero_curve() {
        // Upright, facing right, axis at x = 100 from y = 160 (hip) to y = 60 (shoulder); the
        // back is a straight vertical edge 20 px behind the axis.
        let mask = side_mask(|_| 80.0);
        let outline = trace(&mask, pt(100.0, 160.0), pt(100.0, 60.0), 1.0).unwrap();
        for d in outline.offsets.iter().flatten() {
            assert!((d - 0.205).abs() < 0.01, "{d}");
        }
        assert!(outline.curve_angle_deg().unwrap().abs() < 0.5);
        assert!(outline.back_inclination_deg(0.15).unwrap().abs() < 0.5);
        // Back in the image: on the edge at x ≈ 79.5, from below the hip to the shoulder.
        let points = outline.image_points();
        assert_eq!(points.len(), outline.offsets.iter().flatten().count());
        assert!(
            points.iter().all(|p| (p.0 - 79.5).abs() < 1.0),
            "{points:?}"
        );
        assert!(points.first().unwrap().1 > 160.0 && points.last().unwrap().1 <= 61.0);
        let (at, along) = outline.tangent_at(0.1).unwrap();
        assert!(
            (at.0 - 79.5).abs() < 1.0 && (at.1 - 150.0).abs() < 0.5,
            "{at:?}"
        );
        assert!(
            along.0.abs() < 0.01 && (along.1 + 1.0).abs() < 0.01,
            "{along:?}"
        );
    }

    #[test]
    fn a_bulging_back_curves_positive_and_a_hollow_one_negative() {
        let hip = pt(100.0, 160.0);
        let shoulder = pt(100.0, 60.0);
        // Rounded: the back bulges out (to smaller x) mid-way up.
        let rounded = side_mask(|y| 80.0 - 8.0 * (1.0 - ((y - 110.0) / 50.0).powi(2)).max(0.0));
        let rounded = trace(&rounded, hip, shoulder, 1.0).unwrap();
        let hollow = side_mask(|y| 80.0 + 6.0 * (1.0 - ((y - 110.0) / 50.0).powi(2)).max(0.0));
        let hollow = trace(&hollow, hip, shoulder, 1.0).unwrap();
        let (r, h) = (
            rounded.curve_angle_deg().unwrap(),
            hollow.curve_angle_deg().unwrap(),
        );
        assert!(r > 10.0, "rounded {r}");
        assert!(h < -8.0, "hollow {h}");
    }

    #[test]
    fn a_gap_or_a_jump_in_the_back_refuses_the_outline() {
        let hip = pt(100.0, 160.0);
        let shoulder = pt(100.0, 60.0);
        // Something stuck to the back between y = 100 and 110 pushes the edge out by 15 px.
        let merged = side_mask(|y| {
            if (100.0..110.0).contains(&y) {
                65.0
            } else {
                80.0
            }
        });
        assert_eq!(
            trace(&merged, hip, shoulder, 1.0).unwrap_err(),
            Rejection::Jump
        );
        // The axis itself leaves the person (a hole in the mask at the waist).
        let holed = side_mask(|y| {
            if (120.0..130.0).contains(&y) {
                120.0
            } else {
                80.0
            }
        });
        assert_eq!(
            trace(&holed, hip, shoulder, 1.0).unwrap_err(),
            Rejection::Incomplete
        );
    }

    #[test]
    fn a_slit_between_arm_and_trunk_is_bridged() {
        // A 3 px (0.03 L) slit at x = 88…90 between an arm and the trunk: the back is still
        // found at x = 79.5.
        let mut mask = side_mask(|_| 80.0);
        for row in 0..200 {
            for col in 88..91 {
                mask.probability[row * 200 + col] = 0.0;
            }
        }
        let outline = trace(&mask, pt(100.0, 160.0), pt(100.0, 60.0), 1.0).unwrap();
        assert!((outline.offsets[10].unwrap() - 0.205).abs() < 0.01);
    }

    #[test]
    fn the_back_of_a_subject_facing_left_is_on_the_right() {
        let side = 200;
        let probability = (0..side * side)
            .map(|i| {
                if (50..=120).contains(&(i % side)) {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        let mask = PersonMask {
            region: Region {
                cx: 100.0,
                cy: 100.0,
                size: 200.0,
                rotation: 0.0,
            },
            side,
            probability,
        };
        let outline = trace(&mask, pt(100.0, 160.0), pt(100.0, 60.0), -1.0).unwrap();
        assert!((outline.offsets[10].unwrap() - 0.205).abs() < 0.01);
    }
}
