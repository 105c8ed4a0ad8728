//! The spine measurements the analyzers read: the forward bend (hip part, spinal part, their
//! rhythm and the back's shape, [`crate::kinematics::spine::measure_forward_bend`]) and the
//! thoracic rotation ([`crate::kinematics::spine::measure_rotation`]), carried next to the
//! [`Kinematics`] of the same clip.
//!
//! Only the movement that needs a measurement gets it: the forward bend runs a mask model on
//! every side-view frame (about 12 ms a frame), so it is made for the hip hinge and
//! sit-to-stand only, and the rotation for thoracic rotation only. Every other criterion that
//! would need one is "cannot assess" with the reason kept here.

use crate::error::Result;
use crate::kinematics::spine::{
    measure_forward_bend, measure_rotation, Assessment, BackOutlines, ForwardBend,
    ForwardBendOptions, Rotation, RotationOptions, Series,
};
use crate::kinematics::Kinematics;
use crate::track::PoseTrack;
use std::ops::RangeInclusive;

use super::Movement;

/// Why the forward bend is missing when the input is a keypoint track.
pub const NO_VIDEO: &str = "cannot assess: the input is a keypoint track (keypoints.json) without its video, and the back outline is traced on the video's frames; analyse the video itself";

/// The spine measurements of one clip, each made or with the reason it was not.
#[derive(Debug, Clone, PartialEq)]
pub struct SpineMeasures {
    pub forward_bend: Assessment<ForwardBend>,
    pub rotation: Assessment<Rotation>,
}

impl SpineMeasures {
    /// Neither measurement, for `reason`.
    pub fn unmeasured(reason: &str) -> SpineMeasures {
        SpineMeasures {
            forward_bend: Assessment::CannotAssess(reason.into()),
            rotation: Assessment::CannotAssess(reason.into()),
        }
    }

    /// The measurements `movement` needs, from `track` (the kinematics' pose track) and, for
    /// the forward bend, the back `outlines` (`None` for a keypoint-track input without video).
    /// Errors only when the mask model or the video cannot be opened or decoded.
    pub fn for_movement(
        movement: Movement,
        kinematics: &Kinematics,
        track: &PoseTrack,
        outlines: Option<BackOutlines>,
        threads: Option<usize>,
    ) -> Result<SpineMeasures> {
        let not_for = |what: &str| format!("the {what} is not measured for {}", movement.title());
        Ok(match movement {
            Movement::Hinge | Movement::Sts => SpineMeasures {
                forward_bend: match outlines {
                    Some(outlines) => {
                        let options = ForwardBendOptions {
                            threads,
                            ..ForwardBendOptions::default()
                        };
                        Assessment::Assessed(measure_forward_bend(outlines, kinematics, &options)?)
                    }
                    None => Assessment::CannotAssess(NO_VIDEO.into()),
                },
                rotation: Assessment::CannotAssess(not_for("rotation")),
            },
            Movement::Rotation => SpineMeasures {
                forward_bend: Assessment::CannotAssess(not_for("forward bend")),
                rotation: Assessment::Assessed(measure_rotation(
                    track,
                    kinematics,
                    &RotationOptions::default(),
                )),
            },
            Movement::Gait => SpineMeasures {
                forward_bend: Assessment::CannotAssess(
                    "the spinal part in gait is not measured: the back outline is validated on forward bends only (docs/validation.md)".into(),
                ),
                rotation: Assessment::CannotAssess(not_for("rotation")),
            },
        })
    }

    /// The forward bend, or why there is none (not measured, or refused for the whole clip).
    pub fn forward_bend(&self) -> std::result::Result<&ForwardBend, &str> {
        match &self.forward_bend {
            Assessment::Assessed(b) => b.cannot_assess.as_deref().map_or(Ok(b), Err),
            Assessment::CannotAssess(reason) => Err(reason),
        }
    }

    /// The rotation measurement, even one that refused the whole clip, or why none was made.
    pub fn rotation_measurement(&self) -> std::result::Result<&Rotation, &str> {
        match &self.rotation {
            Assessment::Assessed(r) => Ok(r),
            Assessment::CannotAssess(reason) => Err(reason),
        }
    }

    /// The rotation, or why there is none (not measured, or refused for the whole clip).
    pub fn rotation(&self) -> std::result::Result<&Rotation, &str> {
        self.rotation_measurement()
            .and_then(|r| r.cannot_assess.as_deref().map_or(Ok(r), Err))
    }
}

/// The largest value of `series` over `range`, at its frame, with that frame's confidence; or
/// why there is none (the clip's most frequent reason for a missing value).
pub fn peak(
    series: &Series,
    range: RangeInclusive<usize>,
) -> std::result::Result<(usize, f64, f64), String> {
    range
        .filter_map(|i| Some((i, series.values[i]?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, v)| (i, v, series.confidence[i]))
        .ok_or_else(|| {
            format!(
                "{} not measured here ({})",
                series.name,
                series.main_missing_reason().unwrap_or("no reason recorded")
            )
        })
}
