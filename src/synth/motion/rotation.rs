//! Thoracic rotation, standing or seated (004 §2-3, §3-3, §4-3 ⑥; criteria R1–R3): the thorax
//! turns over a still pelvis. Faults: the pelvis and lumbar spine turn with the thorax, or one
//! side turns less than the other.
//!
//! With the side-on protocol the subject first faces the camera for 2 s (calibration), turns
//! a quarter turn to stand side-on, holds 1 s, then rotates each way.

use super::{
    ease, locate, rep_starts, Arms, Chair, Event, Intent, Legs, MotionScript, RepSpec, SpineMotion,
};
use crate::synth::body::Body;
use crate::synth::math::{Mat3, Vec3};

/// Accepted `--fault` values.
pub const FAULTS: &[&str] = &["good", "pelvis-driven", "asymmetric"];

/// How a variant turns, degrees of rotation of the thorax in the world each way, and how the
/// turn is shared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotationShape {
    pub left: f64,
    pub right: f64,
    /// Share of the turn made by the pelvis (over the feet) and by the lumbar spine; the
    /// thoracic spine makes the rest.
    pub pelvis_share: f64,
    pub lumbar_share: f64,
}

/// The scripted turn of each variant.
pub fn shape(fault: &str) -> Option<RotationShape> {
    let good = RotationShape {
        left: 45.0,
        right: 45.0,
        pelvis_share: 0.0,
        lumbar_share: 4.0 / 45.0,
    };
    Some(match fault {
        "good" => good,
        "pelvis-driven" => RotationShape {
            pelvis_share: 25.0 / 45.0,
            lumbar_share: 8.0 / 45.0,
            ..good
        },
        "asymmetric" => RotationShape {
            right: 25.0,
            ..good
        },
        _ => return None,
    })
}

/// Protocol: facing the camera, then turning, then holding side-on (seconds).
pub const CALIBRATION_S: f64 = 2.0;
const TURN_S: f64 = 1.2;
const HOLD_S: f64 = 1.0;
const LEAD: f64 = 0.6;
/// The turn to side-on, degrees to the left: as square as the side view (a person turning by
/// eye does not hit 90° either, and exactly square the far ankle hides).
pub const SIDE_ON_TURN_DEG: f64 = 90.0 - crate::synth::scene::SIDE_TOWARDS_FRONT;
/// Phases of a repetition: to the left and back, then to the right and back.
const LEFT_PEAK: (f64, f64) = (0.2, 0.27);
const LEFT_BACK: f64 = 0.45;
const RIGHT_PEAK: (f64, f64) = (0.7, 0.77);
const RIGHT_BACK: f64 = 0.95;

/// A thoracic-rotation clip.
pub struct Rotation {
    body: Body,
    reps: Vec<RepSpec>,
    shape: RotationShape,
    seated: bool,
    protocol: bool,
}

impl Rotation {
    /// A clip; `protocol` adds the face-the-camera calibration and the quarter turn.
    pub fn new(
        body: &Body,
        reps: Vec<RepSpec>,
        shape: RotationShape,
        seated: bool,
        protocol: bool,
    ) -> Rotation {
        Rotation {
            body: body.clone(),
            reps,
            shape,
            seated,
            protocol,
        }
    }

    fn start(&self) -> f64 {
        if self.protocol {
            CALIBRATION_S + TURN_S + HOLD_S
        } else {
            LEAD
        }
    }

    /// Stance heading: 0 facing +x (the camera, in the protocol), then the turn to side-on.
    fn heading(&self, t: f64) -> f64 {
        if self.protocol {
            SIDE_ON_TURN_DEG.to_radians() * ease((t - CALIBRATION_S) / TURN_S)
        } else {
            0.0
        }
    }

    fn seat_height(&self) -> f64 {
        0.255 * self.body.height
    }
}

impl MotionScript for Rotation {
    fn duration(&self) -> f64 {
        self.start() + LEAD + self.reps.iter().map(|r| r.duration_s).sum::<f64>()
    }

    fn intent(&self, t: f64) -> Intent {
        let turn = match locate(&self.reps, self.start(), t) {
            Some((i, p)) => {
                let r = self.reps[i].range;
                let out = |p: f64, from: f64, peak: (f64, f64), back: f64| {
                    if p < from || p >= back {
                        0.0
                    } else if p < peak.0 {
                        ease((p - from) / (peak.0 - from))
                    } else if p < peak.1 {
                        1.0
                    } else {
                        1.0 - ease((p - peak.1) / (back - peak.1))
                    }
                };
                r * (self.shape.left * out(p, 0.0, LEFT_PEAK, LEFT_BACK)
                    - self.shape.right * out(p, 0.5, RIGHT_PEAK, RIGHT_BACK))
            }
            None => 0.0,
        };
        let b = &self.body;
        let heading = self.heading(t);
        let facing = Mat3::rot_y(heading);
        let pelvis_turn = turn * self.shape.pelvis_share;
        let lumbar_turn = turn * self.shape.lumbar_share;
        let (pelvis_position, ankles) = if self.seated {
            let hip = Vec3::new(0.0, self.seat_height() + 0.06 * b.height, 0.0);
            let ankle =
                |s: f64| facing * Vec3::new(0.92 * b.thigh, b.ankle_height, s * 0.08 * b.height);
            (hip, [ankle(-1.0), ankle(1.0)])
        } else {
            let hip = Vec3::new(0.0, b.ankle_height + 0.485 * b.height, 0.0);
            let ankle = |s: f64| facing * Vec3::new(0.0, b.ankle_height, s * 0.08 * b.height);
            (hip, [ankle(-1.0), ankle(1.0)])
        };
        Intent {
            pelvis_position,
            pelvis_heading: heading.to_degrees() + pelvis_turn,
            pelvic_tilt: 0.0,
            pelvic_obliquity: 0.0,
            lumbar: SpineMotion {
                rotation: lumbar_turn,
                ..Default::default()
            },
            thoracic: SpineMotion {
                rotation: turn - pelvis_turn - lumbar_turn,
                ..Default::default()
            },
            neck_flexion: 0.0,
            legs: Legs::Planted { ankles, heading },
            arms: Arms::Crossed,
            stance_heading: heading,
        }
    }

    fn events(&self) -> Vec<Event> {
        let mut out = Vec::new();
        if self.protocol {
            out.push(Event {
                kind: "calibration_start",
                time_s: 0.0,
                rep: None,
                side: None,
            });
            out.push(Event {
                kind: "calibration_end",
                time_s: CALIBRATION_S,
                rep: None,
                side: None,
            });
            out.push(Event {
                kind: "turn_end",
                time_s: CALIBRATION_S + TURN_S,
                rep: None,
                side: None,
            });
        }
        for (i, (start, r)) in rep_starts(&self.reps, self.start())
            .into_iter()
            .zip(&self.reps)
            .enumerate()
        {
            let at = |p: f64| start + r.duration_s * p;
            out.push(Event::rep("rep_start", start, i));
            out.push(Event {
                kind: "peak",
                time_s: at((LEFT_PEAK.0 + LEFT_PEAK.1) * 0.5),
                rep: Some(i),
                side: Some("left"),
            });
            out.push(Event {
                kind: "peak",
                time_s: at((RIGHT_PEAK.0 + RIGHT_PEAK.1) * 0.5),
                rep: Some(i),
                side: Some("right"),
            });
            out.push(Event::rep("rep_end", at(1.0), i));
        }
        out
    }

    fn chair(&self) -> Option<Chair> {
        self.seated.then(|| Chair {
            front: [0.14 * self.body.height, 0.0, 0.0],
            heading: 0.0,
            seat_height_m: self.seat_height(),
            back_rest: false,
        })
    }
}
