//! Clinical angles of a posed body, defined on the segment frames so that anyone holding the
//! ground truth's 3-D frames can recompute them exactly.
//!
//! Definitions (degrees; every angle is 0 in the neutral standing pose; frames have x forward,
//! y up, z to the subject's right):
//! - **pelvic tilt**: the pelvis frame decomposed as heading · tilt · list
//!   (`Ry · Rz · Rx`, world axes); anterior tilt (the top of the pelvis forward) positive. It is
//!   the pelvis's sagittal angle relative to the vertical, whatever the subject faces.
//! - **pelvic obliquity**: the list of the same decomposition; the right side up positive.
//! - **pelvis rotation**: the heading of the same decomposition minus the stance heading (the
//!   direction the feet were set to face); towards the subject's left positive.
//! - **lumbar flexion / lateral bend / rotation**: the rotation of the upper lumbar segment
//!   (ending at T12/L1) relative to the pelvis, as Cardan angles `Rz · Rx · Ry`
//!   (ISB sequence); flexion positive, bend to the right positive, rotation to the left
//!   positive. With bend and rotation zero it equals the sum of the three lumbar segments'
//!   flexions.
//! - **thoracic flexion**: the same for the upper thoracic segment (ending at C7/T1) relative
//!   to the upper lumbar segment.
//! - **thoracic rotation**: axial rotation of the upper thoracic segment relative to the pelvis
//!   (`Rz · Rx · Ry`, the `Ry` term), towards the left positive: how far the shoulder line has
//!   turned over the pelvis line.
//! - **trunk inclination**: angle between the upper thoracic segment's long axis and the
//!   vertical (0 upright).
//! - **hip flexion**: thigh relative to the pelvis, `Rz · Rx · Ry`, the `Rz` term; flexion
//!   positive. Hip abduction: the `Rx` term, away from the midline positive.
//! - **knee flexion**: shank relative to thigh, the `Rz` term with its sign turned (the shank
//!   swings back).
//! - **ankle dorsiflexion**: foot relative to shank, the `Rz` term (toes up positive).

use super::body::{Side, SIDES};
use super::math::{Cardan, HeadingTiltList, Mat3};
use super::pose::{Posed, Segment};
use serde::{Deserialize, Serialize};

/// The clinical angles of one frame, degrees. Per-side arrays are `[left, right]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClinicalAngles {
    pub pelvic_tilt: f64,
    pub pelvic_obliquity: f64,
    pub pelvis_rotation: f64,
    pub lumbar_flexion: f64,
    pub lumbar_lateral_bend: f64,
    pub lumbar_rotation: f64,
    pub thoracic_flexion: f64,
    pub thoracic_rotation: f64,
    pub trunk_inclination: f64,
    pub hip_flexion: [f64; 2],
    pub hip_abduction: [f64; 2],
    pub knee_flexion: [f64; 2],
    pub ankle_dorsiflexion: [f64; 2],
}

/// One-line definitions written into the ground-truth file, keyed like the fields.
pub const DEFINITIONS: [(&str, &str); 13] = [
    ("pelvic_tilt", "pelvis frame = Ry(heading)·Rz(tilt)·Rx(list) in world axes (x forward, y up, z right); pelvic_tilt = -tilt (anterior +), 0 standing"),
    ("pelvic_obliquity", "list of the same decomposition; right side up +"),
    ("pelvis_rotation", "heading of the same decomposition minus stance_heading; towards the subject's left +"),
    ("lumbar_flexion", "R = pelvis^T·lumbar_2 as Rz(a)·Rx(b)·Ry(c); lumbar_flexion = -a (flexion +)"),
    ("lumbar_lateral_bend", "b of the same decomposition (bend to the right +)"),
    ("lumbar_rotation", "c of the same decomposition (to the left +)"),
    ("thoracic_flexion", "R = lumbar_2^T·thoracic_2 as Rz(a)·Rx(b)·Ry(c); thoracic_flexion = -a"),
    ("thoracic_rotation", "R = pelvis^T·thoracic_2 as Rz(a)·Rx(b)·Ry(c); thoracic_rotation = c (thorax turned left of the pelvis +)"),
    ("trunk_inclination", "angle between thoracic_2's y axis and the world vertical"),
    ("hip_flexion", "R = pelvis^T·thigh as Rz(a)·Rx(b)·Ry(c); hip_flexion = a; [left, right]"),
    ("hip_abduction", "b of the same decomposition, sign turned for the left side (away from the midline +)"),
    ("knee_flexion", "R = thigh^T·shank as Rz(a)·Rx(b)·Ry(c); knee_flexion = -a"),
    ("ankle_dorsiflexion", "R = shank^T·foot as Rz(a)·Rx(b)·Ry(c); ankle_dorsiflexion = a"),
];

fn relative(posed: &Posed, proximal: Segment, distal: Segment) -> Cardan {
    let r: Mat3 = posed.frame(proximal).rotation.transpose() * posed.frame(distal).rotation;
    Cardan::from_matrix(&r)
}

/// The clinical angles of a posed body whose feet were set to face `stance_heading` radians.
pub fn clinical_angles(posed: &Posed, stance_heading: f64) -> ClinicalAngles {
    let pelvis = HeadingTiltList::from_matrix(&posed.frame(Segment::Pelvis).rotation);
    let lumbar = relative(posed, Segment::Pelvis, Segment::Lumbar(2));
    let thoracic = relative(posed, Segment::Lumbar(2), Segment::Thoracic(2));
    let thorax_on_pelvis = relative(posed, Segment::Pelvis, Segment::Thoracic(2));
    let thorax_up = posed.frame(Segment::Thoracic(2)).rotation.column(1);
    let per_side = |f: &dyn Fn(Side) -> f64| SIDES.map(f);
    let deg = f64::to_degrees;
    let wrap = |a: f64| {
        (a + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU) - std::f64::consts::PI
    };
    ClinicalAngles {
        pelvic_tilt: deg(-pelvis.tilt),
        pelvic_obliquity: deg(pelvis.list),
        pelvis_rotation: deg(wrap(pelvis.heading - stance_heading)),
        lumbar_flexion: deg(-lumbar.z),
        lumbar_lateral_bend: deg(lumbar.x),
        lumbar_rotation: deg(lumbar.y),
        thoracic_flexion: deg(-thoracic.z),
        thoracic_rotation: deg(thorax_on_pelvis.y),
        trunk_inclination: deg(thorax_up.y.clamp(-1.0, 1.0).acos()),
        hip_flexion: per_side(&|s| deg(relative(posed, Segment::Pelvis, Segment::Thigh(s)).z)),
        hip_abduction: per_side(&|s| {
            deg(-s.sign() * relative(posed, Segment::Pelvis, Segment::Thigh(s)).x)
        }),
        knee_flexion: per_side(&|s| deg(-relative(posed, Segment::Thigh(s), Segment::Shank(s)).z)),
        ankle_dorsiflexion: per_side(&|s| {
            deg(relative(posed, Segment::Shank(s), Segment::Foot(s)).z)
        }),
    }
}
