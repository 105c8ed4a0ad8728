//! Sagittal-plane geometry in a side view, normalised for the facing direction, and the
//! kinematics' cleaned points read back by name.
//!
//! An inclination is the angle of a segment (from its lower to its upper end) away from the
//! image vertical, positive when it leans the way the subject faces: standing trunk 0°, trunk
//! bent forward to horizontal +90°, thigh with the hips pushed back behind the knees negative.
//! Mirroring x for a subject facing left makes every formula facing-independent.

use crate::kinematics::Kinematics;

/// A point in source pixels (y down) with its confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub confidence: f64,
}

impl Point {
    /// Midpoint; its confidence is the lower of the two.
    pub fn midpoint(self, other: Point) -> Point {
        Point {
            x: 0.5 * (self.x + other.x),
            y: 0.5 * (self.y + other.y),
            confidence: self.confidence.min(other.confidence),
        }
    }

    pub fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// The cleaned point channel `name` of the kinematics at track position `i`.
pub fn point(kinematics: &Kinematics, name: &str, i: usize) -> Option<Point> {
    let channel = kinematics.points.iter().find(|c| c.name == name)?;
    Some(Point {
        x: (*channel.x.get(i)?)?,
        y: (*channel.y.get(i)?)?,
        confidence: *channel.confidence.get(i)?,
    })
}

/// Inclination (degrees) of the image vector (dx, dy) (y down) from the vertical, positive
/// towards the facing direction; `facing_sign` is +1 facing right, -1 facing left.
pub fn inclination_deg(dx: f64, dy: f64, facing_sign: f64) -> f64 {
    (facing_sign * dx).atan2(-dy).to_degrees()
}

/// Inclination of the segment from `lower` to `upper`.
pub fn segment_inclination_deg(lower: Point, upper: Point, facing_sign: f64) -> f64 {
    inclination_deg(upper.x - lower.x, upper.y - lower.y, facing_sign)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclination_is_positive_forward_whichever_way_the_subject_faces() {
        // Trunk bent 45° forward, facing right: the top is up and to the right.
        assert!((inclination_deg(1.0, -1.0, 1.0) - 45.0).abs() < 1e-9);
        // The same bend facing left: the top is up and to the left.
        assert!((inclination_deg(-1.0, -1.0, -1.0) - 45.0).abs() < 1e-9);
        // Upright.
        assert!(inclination_deg(0.0, -3.0, 1.0).abs() < 1e-9);
        // Hips pushed back behind the knees, facing right: knee→hip goes up and to the left.
        assert!(inclination_deg(-1.0, -2.0, 1.0) < 0.0);
    }
}
