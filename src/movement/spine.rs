//! The seam to the lumbar / hip split and thoracic rotation measurement (the kinematics issue
//! on the spine): the analyzers read those series only through this module.
//!
//! A series is used when the kinematics carries an angle channel of that name
//! ([`LUMBAR_FLEXION`], [`PELVIC_TILT`], [`THORACIC_ROTATION`], [`PELVIS_ROTATION`]); otherwise
//! every criterion that needs it is "cannot assess" with the reason given here. A plain 2-D
//! keypoint skeleton has one point per hip and none on the spine, so ugoki never estimates
//! these from the trunk line itself.

use crate::kinematics::Kinematics;

/// Lumbar flexion, degrees, flexion positive, 0 in upright standing.
pub const LUMBAR_FLEXION: &str = "lumbar_flexion";
/// Sagittal pelvic tilt, degrees, anterior positive.
pub const PELVIC_TILT: &str = "pelvic_tilt";
/// Thoracic (shoulder line relative to pelvis) axial rotation, degrees, left positive.
pub const THORACIC_ROTATION: &str = "thoracic_rotation";
/// Pelvis axial rotation, degrees, left positive.
pub const PELVIS_ROTATION: &str = "pelvis_rotation";

/// A spine series, or why it is not available.
#[derive(Debug, Clone, PartialEq)]
pub enum SpineSeries<'a> {
    Measured {
        values: &'a [Option<f64>],
        confidence: &'a [f64],
        method: &'a str,
    },
    Unavailable(String),
}

/// The series called `name` (one of this module's constants).
pub fn series<'a>(kinematics: &'a Kinematics, name: &str) -> SpineSeries<'a> {
    match kinematics.angle(name) {
        Some(channel) if channel.cannot_compute.is_none() => SpineSeries::Measured {
            values: &channel.values,
            confidence: &channel.confidence,
            method: &channel.method,
        },
        Some(channel) => SpineSeries::Unavailable(format!(
            "{name} could not be measured: {}",
            channel
                .cannot_compute
                .as_deref()
                .unwrap_or("no reason given")
        )),
        None => SpineSeries::Unavailable(format!(
            "the lumbar/hip split and thoracic rotation are not measured in this build \
             (no `{name}` channel in the kinematics); a 2-D skeleton has no spine points to \
             estimate it from"
        )),
    }
}
