//! Joint and segment angle definitions, and their value in one frame.
//!
//! All angles are in degrees, measured in the image with y up, anticlockwise positive.
//!
//! **Segment angles** (as Sports2D: anticlockwise from the horizontal, same vector
//! directions): the direction of the vector from the first point to the second, measured from
//! the image's +x axis (pointing right). Standing upright: trunk +90°, thigh and shank -90°.
//! Unlike Sports2D, ugoki does not mirror x for a person facing left: segment angles are plain
//! image angles, the same whatever the facing (facing-dependent values are the joint angles).
//!
//! | segment | vector |
//! |---|---|
//! | trunk | mid_hip → neck |
//! | pelvis | right_hip → left_hip |
//! | shoulders | right_shoulder → left_shoulder |
//! | head | neck → head |
//! | thigh | hip → knee |
//! | shank | knee → ankle |
//! | foot | heel → toe |
//! | arm | shoulder → elbow |
//! | forearm | elbow → wrist |
//!
//! **Joint angles** (2-D sagittal projection; 0 at anatomical neutral, flexion positive).
//! `f` is +1 when the subject faces right (towards +x), -1 when facing left; it comes from the
//! pass's facing, decided once per pass. `∠(a, b)` is the anticlockwise angle from a to b.
//!
//! | joint | formula | Sports2D's zero |
//! |---|---|---|
//! | hip flexion | f·∠(neck→mid_hip, hip→knee) | same (0 with thigh along the trunk) |
//! | knee flexion | -f·∠(hip→knee, knee→ankle) | same |
//! | ankle dorsiflexion | f·∠(knee→ankle, heel→toe) - 90 | Sports2D: -90 with foot along shank; ugoki: 0 with foot ⟂ shank |
//! | shoulder flexion | f·∠(neck→mid_hip, shoulder→elbow) | same (0 with the arm along the trunk) |
//! | elbow flexion | f·∠(shoulder→elbow, elbow→wrist) | same |
//!
//! Hip and shoulder flexion are measured against the trunk line (mid-hip to neck), as
//! Sports2D does: with 2-D keypoints the pelvis has no usable sagittal orientation, so hip
//! flexion here includes lumbar flexion (say so where it matters). A joint angle's confidence
//! is the lowest confidence of the points it uses.

use super::geometry::{wrap_deg, UpVector};
use super::landmarks::{DerivedPoint, Landmark, Located};
use crate::skeleton::Joint;
use serde::{Deserialize, Serialize};

/// Joint angle or segment angle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AngleKind {
    Joint,
    Segment,
}

/// The joint angles ugoki measures, on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JointAngle {
    HipFlexion,
    KneeFlexion,
    AnkleDorsiflexion,
    ShoulderFlexion,
    ElbowFlexion,
}

impl JointAngle {
    /// The values (degrees) the joint can reach, generously. A reading outside is the pose
    /// model's error, not a posture: a hidden knee put on the wrong side of the hip–ankle line
    /// reads as bent backwards by 120°, and unwrapped it would carry the rest of the series a
    /// whole turn away. The shoulder reaches every direction a 2-D view can show.
    pub fn possible(self) -> Option<std::ops::RangeInclusive<f64>> {
        match self {
            JointAngle::HipFlexion => Some(-60.0..=175.0),
            JointAngle::KneeFlexion | JointAngle::ElbowFlexion => Some(-30.0..=175.0),
            JointAngle::AnkleDorsiflexion => Some(-90.0..=70.0),
            JointAngle::ShoulderFlexion => None,
        }
    }
}

/// How one channel's value is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// Direction of the vector between two landmarks.
    Segment { from: Landmark, to: Landmark },
    /// A joint angle on the side whose joints are given (`left` picks the left joints).
    Joint { angle: JointAngle, left: bool },
}

/// One angle channel's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AngleSpec {
    pub name: String,
    pub kind: AngleKind,
    pub formula: Formula,
}

/// Why an angle has no value in a frame.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Missing {
    /// These landmarks are absent (not detected, below the confidence threshold, or in a
    /// gap too long to fill).
    Landmarks(Vec<&'static str>),
    /// Two of its points coincide, so a direction is undefined.
    ZeroLength,
    /// A joint angle's sign needs a facing direction, which this frame's pass has not.
    NoFacing,
    /// The reading lies outside what the joint can do (see [`JointAngle::possible`]).
    Impossible,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::Landmarks(names) => write!(f, "missing keypoints: {}", names.join(", ")),
            Missing::ZeroLength => write!(f, "keypoints coincide, so the direction is undefined"),
            Missing::NoFacing => write!(
                f,
                "no facing direction (front or back view, or no facing cues): sagittal joint angles need a side or oblique view"
            ),
            Missing::Impossible => write!(
                f,
                "a reading the joint cannot reach (a keypoint on the wrong side of the joint)"
            ),
        }
    }
}

fn side_joint(left: bool, joint: Joint) -> Landmark {
    Landmark::Joint(if left { joint } else { joint.mirror() })
}

const MID_HIP: Landmark = Landmark::Derived(DerivedPoint::MidHip);
const NECK: Landmark = Landmark::Derived(DerivedPoint::Neck);

impl Formula {
    /// Landmarks used, in order: vectors are (0→1) and, for joint angles, (2→3).
    pub fn landmarks(&self) -> [Landmark; 4] {
        use Joint::*;
        match *self {
            Formula::Segment { from, to } => [from, to, from, to],
            Formula::Joint { angle, left } => {
                let j = |joint| side_joint(left, joint);
                match angle {
                    JointAngle::HipFlexion => [NECK, MID_HIP, j(LeftHip), j(LeftKnee)],
                    JointAngle::KneeFlexion => [j(LeftHip), j(LeftKnee), j(LeftKnee), j(LeftAnkle)],
                    JointAngle::AnkleDorsiflexion => {
                        [j(LeftKnee), j(LeftAnkle), j(LeftHeel), j(LeftToe)]
                    }
                    JointAngle::ShoulderFlexion => [NECK, MID_HIP, j(LeftShoulder), j(LeftElbow)],
                    JointAngle::ElbowFlexion => {
                        [j(LeftShoulder), j(LeftElbow), j(LeftElbow), j(LeftWrist)]
                    }
                }
            }
        }
    }

    /// How the value is obtained, in words, for the output's `method` field.
    pub fn method(&self) -> String {
        let [a, b, c, d] = self.landmarks();
        match *self {
            Formula::Segment { .. } => format!(
                "segment angle: direction of {}→{} anticlockwise from the image horizontal (+x right, y up), unwrapped",
                a.name(),
                b.name()
            ),
            Formula::Joint { angle, .. } => {
                let (sign, offset) = match angle {
                    JointAngle::KneeFlexion => ("-f·", ""),
                    JointAngle::AnkleDorsiflexion => ("f·", " - 90"),
                    _ => ("f·", ""),
                };
                format!(
                    "2-D sagittal joint angle: {sign}∠({}→{}, {}→{}){offset}, f = +1 facing right / -1 facing left (decided once per pass); 0 at anatomical neutral, flexion positive; unwrapped",
                    a.name(),
                    b.name(),
                    c.name(),
                    d.name()
                )
            }
        }
    }

    /// The angle in one frame. `find` locates a landmark; `facing_sign` is +1 (facing right),
    /// -1 (facing left) or `None`.
    pub fn evaluate(
        &self,
        find: &dyn Fn(Landmark) -> Option<Located>,
        facing_sign: Option<f64>,
    ) -> Result<(f64, f64), Missing> {
        let landmarks = self.landmarks();
        let located: Vec<Option<Located>> = landmarks.iter().map(|l| find(*l)).collect();
        let mut absent: Vec<&'static str> = Vec::new();
        for (landmark, _) in landmarks.iter().zip(&located).filter(|(_, p)| p.is_none()) {
            if !absent.contains(&landmark.name()) {
                absent.push(landmark.name());
            }
        }
        if !absent.is_empty() {
            return Err(Missing::Landmarks(absent));
        }
        let p: Vec<Located> = located.into_iter().flatten().collect();
        let confidence = p.iter().map(|l| l.confidence).fold(1.0, f64::min);
        let first = UpVector::between(p[0].xy(), p[1].xy());
        match *self {
            Formula::Segment { .. } => first
                .direction_deg()
                .map(|d| (d, confidence))
                .ok_or(Missing::ZeroLength),
            Formula::Joint { angle, .. } => {
                let second = UpVector::between(p[2].xy(), p[3].xy());
                let between = first.angle_to_deg(&second).ok_or(Missing::ZeroLength)?;
                let f = facing_sign.ok_or(Missing::NoFacing)?;
                let value = match angle {
                    JointAngle::KneeFlexion => -f * between,
                    JointAngle::AnkleDorsiflexion => f * between - 90.0,
                    _ => f * between,
                };
                let value = wrap_deg(value);
                match angle.possible() {
                    Some(range) if !range.contains(&value) => Err(Missing::Impossible),
                    _ => Ok((value, confidence)),
                }
            }
        }
    }
}

/// Every channel ugoki computes, in output order: joint angles (left, right), then segments.
pub fn all_specs() -> Vec<AngleSpec> {
    use Joint::*;
    let mut specs = Vec::new();
    let joints = [
        (JointAngle::HipFlexion, "hip_flexion"),
        (JointAngle::KneeFlexion, "knee_flexion"),
        (JointAngle::AnkleDorsiflexion, "ankle_dorsiflexion"),
        (JointAngle::ShoulderFlexion, "shoulder_flexion"),
        (JointAngle::ElbowFlexion, "elbow_flexion"),
    ];
    for (angle, name) in joints {
        for (left, side) in [(true, "left"), (false, "right")] {
            specs.push(AngleSpec {
                name: format!("{side}_{name}"),
                kind: AngleKind::Joint,
                formula: Formula::Joint { angle, left },
            });
        }
    }
    let j = Landmark::Joint;
    let mut segment = |name: String, from, to| {
        specs.push(AngleSpec {
            name,
            kind: AngleKind::Segment,
            formula: Formula::Segment { from, to },
        })
    };
    segment("trunk".into(), MID_HIP, NECK);
    segment("pelvis".into(), j(RightHip), j(LeftHip));
    segment("shoulders".into(), j(RightShoulder), j(LeftShoulder));
    segment("head".into(), NECK, Landmark::Derived(DerivedPoint::Head));
    let limbs = [
        ("thigh", LeftHip, LeftKnee),
        ("shank", LeftKnee, LeftAnkle),
        ("foot", LeftHeel, LeftToe),
        ("arm", LeftShoulder, LeftElbow),
        ("forearm", LeftElbow, LeftWrist),
    ];
    for (name, from, to) in limbs {
        segment(format!("left_{name}"), j(from), j(to));
        segment(format!("right_{name}"), j(from.mirror()), j(to.mirror()));
    }
    specs
}
