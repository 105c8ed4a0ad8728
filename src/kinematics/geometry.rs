//! Plane geometry in image terms with y up, and angle unwrapping.
//!
//! Keypoints are stored in image pixels with y down; every angle ugoki reports is measured in
//! the picture as a person sees it, y up, anticlockwise positive. [`UpVector::between`] does
//! the flip once, so no formula elsewhere handles the sign of y.

/// A vector between two image points, with y pointing up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpVector {
    pub x: f64,
    pub y: f64,
}

/// Shorter vectors than this (pixels) have no direction.
const MIN_LENGTH: f64 = 1e-6;

impl UpVector {
    /// From image point `from` to image point `to` (both `(x, y)` with y down).
    pub fn between(from: (f64, f64), to: (f64, f64)) -> UpVector {
        UpVector {
            x: to.0 - from.0,
            y: from.1 - to.1,
        }
    }

    pub fn length(&self) -> f64 {
        self.x.hypot(self.y)
    }

    pub fn reversed(&self) -> UpVector {
        UpVector {
            x: -self.x,
            y: -self.y,
        }
    }

    /// Direction anticlockwise from the image's +x axis, degrees in (-180, 180]; `None` for a
    /// zero-length vector.
    pub fn direction_deg(&self) -> Option<f64> {
        (self.length() > MIN_LENGTH).then(|| wrap_deg(self.y.atan2(self.x).to_degrees()))
    }

    /// Angle from `self` to `other`, anticlockwise positive, degrees in (-180, 180].
    pub fn angle_to_deg(&self, other: &UpVector) -> Option<f64> {
        if self.length() <= MIN_LENGTH || other.length() <= MIN_LENGTH {
            return None;
        }
        let cross = self.x * other.y - self.y * other.x;
        let dot = self.x * other.x + self.y * other.y;
        Some(wrap_deg(cross.atan2(dot).to_degrees()))
    }
}

/// The same angle in (-180, 180].
pub fn wrap_deg(angle: f64) -> f64 {
    let wrapped = (angle + 180.0).rem_euclid(360.0) - 180.0;
    if wrapped == -180.0 {
        180.0
    } else {
        wrapped
    }
}

/// Largest change (degrees) between consecutive present values that unwrapping follows: no
/// joint or segment turns this far between two frames of a video, while a keypoint that flips
/// to the wrong side of a joint (a hidden knee read as bent backwards) does.
const MAX_FOLLOWED_STEP_DEG: f64 = 90.0;

/// Removes 360° jumps: each value is moved by whole turns to lie within 180° of the previous
/// present value (across gaps too, since a joint cannot turn half a circle unseen in the
/// short gaps the signal stage leaves). A value further than [`MAX_FOLLOWED_STEP_DEG`] from the
/// previous one is a glitch and keeps its own turn (−180..180], so that it cannot carry the
/// rest of the series a whole turn away.
pub fn unwrap_deg(values: &mut [Option<f64>]) {
    let mut previous: Option<f64> = None;
    for value in values.iter_mut().flatten() {
        if let Some(p) = previous {
            let step = wrap_deg(*value - p);
            if step.abs() <= MAX_FOLLOWED_STEP_DEG {
                *value = p + step;
            }
        }
        previous = Some(*value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_are_anticlockwise_with_y_up() {
        let right = UpVector::between((0.0, 0.0), (10.0, 0.0));
        let up = UpVector::between((0.0, 0.0), (0.0, -10.0));
        assert_eq!(right.direction_deg(), Some(0.0));
        assert_eq!(up.direction_deg(), Some(90.0));
        assert_eq!(right.angle_to_deg(&up), Some(90.0));
        assert_eq!(up.angle_to_deg(&right), Some(-90.0));
        assert_eq!(right.reversed().direction_deg(), Some(180.0));
        assert_eq!(
            UpVector::between((1.0, 1.0), (1.0, 1.0)).direction_deg(),
            None
        );
    }

    #[test]
    fn a_glitch_does_not_carry_the_series_a_whole_turn_away() {
        // A hidden knee read as bent backwards for two frames at the bottom of a squat.
        let mut v: Vec<Option<f64>> = [110.0, 51.0, -121.0, -167.0, 80.0, 93.0]
            .into_iter()
            .map(Some)
            .collect();
        unwrap_deg(&mut v);
        assert_eq!(v[4..], [Some(80.0), Some(93.0)]);
    }

    #[test]
    fn unwrapping_removes_whole_turns_only() {
        let mut v = vec![
            Some(170.0),
            Some(-175.0),
            None,
            Some(-160.0),
            Some(179.0),
            Some(10.0),
        ];
        unwrap_deg(&mut v);
        assert_eq!(
            v,
            vec![
                Some(170.0),
                Some(185.0),
                None,
                Some(200.0),
                Some(179.0),
                Some(10.0)
            ]
        );
        assert_eq!(wrap_deg(-180.0), 180.0);
        assert_eq!(wrap_deg(540.0), 180.0);
    }
}
