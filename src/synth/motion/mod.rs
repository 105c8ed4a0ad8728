//! Motion scripts: what the body does over time, rep by rep, good or with a scripted fault.
//!
//! A script says, for any instant, what the subject intends (`Intent`: where the pelvis is,
//! how the spine bends, where the feet are planted or how the legs swing, what the arms do);
//! `realise` turns that into joint rotations, solving the legs and arms by two-link inverse
//! kinematics so planted feet stay put and hands reach what they hold.

pub mod gait;
pub mod hinge;
pub mod rotation;
pub mod sit_to_stand;

use super::body::{Body, Side, SIDES};
use super::math::{Cardan, HeadingTiltList, Mat3, Vec3};
use super::pose::{pose_body, Pose, Segment};
use serde::Serialize;

/// The four movements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Hinge,
    SitToStand,
    Gait,
    Rotation,
}

impl Movement {
    /// The CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Movement::Hinge => "hinge",
            Movement::SitToStand => "sts",
            Movement::Gait => "gait",
            Movement::Rotation => "rotation",
        }
    }

    /// The faults a script of this movement can perform (`good` is always accepted).
    pub fn faults(self) -> &'static [&'static str] {
        match self {
            Movement::Hinge => hinge::FAULTS,
            Movement::SitToStand => sit_to_stand::FAULTS,
            Movement::Gait => gait::FAULTS,
            Movement::Rotation => rotation::FAULTS,
        }
    }
}

/// One repetition's timing and size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RepSpec {
    /// Seconds the repetition takes.
    pub duration_s: f64,
    /// Fraction of the script's full range (1 = full).
    pub range: f64,
}

/// What happened when, for the ground truth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// `rep_start`, `rep_end`, `peak`, `seat_off`, `full_stand`, `heel_strike`, `toe_off`,
    /// `calibration_start`, `calibration_end`, `turn_end`.
    pub kind: &'static str,
    pub time_s: f64,
    /// 0-based repetition (gait: stride) the event belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rep: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<&'static str>,
}

impl Event {
    fn rep(kind: &'static str, time_s: f64, rep: usize) -> Event {
        Event {
            kind,
            time_s,
            rep: Some(rep),
            side: None,
        }
    }
}

/// A prop in the scene.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Chair {
    /// Front edge centre of the seat, on the floor.
    pub front: [f64; 3],
    /// Facing direction, radians about the vertical (0 = +x).
    pub heading: f64,
    pub seat_height_m: f64,
    pub back_rest: bool,
}

/// Spine motion shared equally by the three segments of a region, degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SpineMotion {
    /// Forward flexion (negative: extension).
    pub flexion: f64,
    /// Bend to the right.
    pub bend: f64,
    /// Axial rotation to the left.
    pub rotation: f64,
}

impl SpineMotion {
    fn per_segment(self) -> Mat3 {
        Cardan {
            z: (-self.flexion / 3.0).to_radians(),
            x: (self.bend / 3.0).to_radians(),
            y: (self.rotation / 3.0).to_radians(),
        }
        .to_matrix()
    }
}

/// What the legs do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Legs {
    /// Feet flat on the floor with the ankles at these points (left, right), facing
    /// `heading`; knees solved to reach them.
    Planted { ankles: [Vec3; 2], heading: f64 },
    /// Joint angles in degrees (left, right): hip flexion, hip abduction, knee flexion, ankle
    /// dorsiflexion.
    Swinging {
        hip: [f64; 2],
        abduction: [f64; 2],
        knee: [f64; 2],
        ankle: [f64; 2],
    },
}

/// What the arms do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arms {
    /// Hanging: shoulder flexion relative to the world vertical and elbow flexion, degrees
    /// (left, right).
    Hanging { swing: [f64; 2], elbow: [f64; 2] },
    /// Hands on the opposite shoulders (a thoracic-rotation and chair-stand set-up).
    Crossed,
    /// Wrists at these world points (hands pushing on the thighs), elbows pointing back.
    Reaching { wrists: [Vec3; 2] },
}

/// The subject's intent at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Intent {
    pub pelvis_position: Vec3,
    /// Heading (left +), anterior tilt and obliquity (right side up +), degrees.
    pub pelvis_heading: f64,
    pub pelvic_tilt: f64,
    pub pelvic_obliquity: f64,
    pub lumbar: SpineMotion,
    pub thoracic: SpineMotion,
    /// Neck flexion (negative: looking up), degrees.
    pub neck_flexion: f64,
    pub legs: Legs,
    pub arms: Arms,
    /// The direction the feet face, radians (the reference for pelvis rotation).
    pub stance_heading: f64,
}

/// A script's whole-clip description.
pub trait MotionScript {
    /// Clip length in seconds.
    fn duration(&self) -> f64;
    /// The intent at time `t` seconds.
    fn intent(&self, t: f64) -> Intent;
    /// Events in time order.
    fn events(&self) -> Vec<Event>;
    /// The chair, if the movement uses one.
    fn chair(&self) -> Option<Chair> {
        None
    }
    /// The pelvis positions at the start and end of the clip (camera framing).
    fn path(&self) -> (Vec3, Vec3) {
        let a = self.intent(0.0).pelvis_position;
        (a, a)
    }
}

/// Where a repetition falls: its index and the phase within it (0..1).
pub fn locate(reps: &[RepSpec], start: f64, t: f64) -> Option<(usize, f64)> {
    let mut t0 = start;
    for (i, r) in reps.iter().enumerate() {
        if t >= t0 && t < t0 + r.duration_s {
            return Some((i, (t - t0) / r.duration_s));
        }
        t0 += r.duration_s;
    }
    None
}

/// Start times of each repetition.
pub fn rep_starts(reps: &[RepSpec], start: f64) -> Vec<f64> {
    reps.iter()
        .scan(start, |t, r| {
            let s = *t;
            *t += r.duration_s;
            Some(s)
        })
        .collect()
}

/// Smooth 0→1 over `u` in 0..1 (raised cosine), clamped outside.
pub fn ease(u: f64) -> f64 {
    let u = u.clamp(0.0, 1.0);
    0.5 - 0.5 * (std::f64::consts::PI * u).cos()
}

/// Out-and-back profile of a repetition: 0 → 1 over `down`, held until `hold`, back to 0 by
/// `up`, then rest.
pub fn out_and_back(phase: f64, down: f64, hold: f64, up: f64) -> f64 {
    if phase < down {
        ease(phase / down)
    } else if phase < hold {
        1.0
    } else {
        1.0 - ease((phase - hold) / (up - hold))
    }
}

/// Linear blend of two values.
pub fn mix(a: f64, b: f64, t: f64) -> f64 {
    a + (b - a) * t
}

/// A limb frame whose long axis (−y) runs from `from` to `to`, with x towards `pole`.
fn limb_frame(from: Vec3, to: Vec3, pole: Vec3) -> Mat3 {
    let y = (from - to).normalized();
    let x = (pole - y * pole.dot(y)).normalized();
    Mat3::from_columns(x, y, x.cross(y))
}

/// Two-link inverse kinematics: the middle joint for a chain from `root` to `target` with
/// link lengths `a` and `b`, bending towards `pole`. Out-of-reach targets straighten the chain.
fn two_link(root: Vec3, target: Vec3, a: f64, b: f64, pole: Vec3) -> Vec3 {
    let span = target - root;
    let d = span.norm().clamp((a - b).abs() + 1e-9, a + b);
    let u = span.normalized();
    let side = (pole - u * pole.dot(u)).normalized();
    let along = (a * a - b * b + d * d) / (2.0 * d);
    let off = (a * a - along * along).max(0.0).sqrt();
    root + u * along + side * off
}

/// Turns an intent into joint rotations for `body`.
pub fn realise(body: &Body, intent: &Intent) -> Pose {
    let mut pose = Pose::neutral(intent.pelvis_position);
    pose.pelvis = HeadingTiltList {
        heading: intent.pelvis_heading.to_radians(),
        tilt: -intent.pelvic_tilt.to_radians(),
        list: intent.pelvic_obliquity.to_radians(),
    }
    .to_matrix();
    pose.lumbar = [intent.lumbar.per_segment(); 3];
    pose.thoracic = [intent.thoracic.per_segment(); 3];
    pose.neck = Mat3::rot_z(-intent.neck_flexion.to_radians());
    // The trunk first: the legs hang from the pelvis and the arms from the thorax.
    let trunk = pose_body(body, &pose);
    let pelvis = *trunk.frame(Segment::Pelvis);
    let thorax = *trunk.frame(Segment::Thoracic(2));
    let heading_turn = Mat3::rot_y(intent.stance_heading);
    match intent.legs {
        Legs::Planted { ankles, heading } => {
            let facing = Mat3::rot_y(heading);
            let forward = facing * Vec3::new(1.0, 0.0, 0.0);
            for side in SIDES {
                let s = side.index();
                let hip = pelvis.point(Vec3::new(0.0, 0.0, side.sign() * body.hip_half_width));
                let knee = two_link(hip, ankles[s], body.thigh, body.shank, forward);
                let thigh = limb_frame(hip, knee, forward);
                let shank = limb_frame(knee, ankles[s], forward);
                pose.hip[s] = pelvis.rotation.transpose() * thigh;
                pose.knee[s] = thigh.transpose() * shank;
                pose.ankle[s] = shank.transpose() * facing;
            }
        }
        Legs::Swinging {
            hip,
            abduction,
            knee,
            ankle,
        } => {
            for side in SIDES {
                let s = side.index();
                pose.hip[s] = Cardan {
                    z: hip[s].to_radians(),
                    x: -side.sign() * abduction[s].to_radians(),
                    y: 0.0,
                }
                .to_matrix();
                pose.knee[s] = Mat3::rot_z(-knee[s].to_radians());
                pose.ankle[s] = Mat3::rot_z(ankle[s].to_radians());
            }
        }
    }
    let elbow_pole_back = |side: Side| thorax.direction(Vec3::new(-1.0, -0.3, 0.4 * side.sign()));
    let reach = |pose: &mut Pose, side: Side, wrist: Vec3, pole: Vec3| {
        let s = side.index();
        let shoulder = thorax.point(Vec3::new(
            body.shoulder.x,
            body.shoulder.y,
            side.sign() * body.shoulder.z,
        ));
        let elbow = two_link(shoulder, wrist, body.upper_arm, body.forearm, pole);
        let upper = limb_frame(shoulder, elbow, pole);
        let fore = limb_frame(elbow, wrist, pole);
        pose.shoulder[s] = thorax.rotation.transpose() * upper;
        pose.elbow[s] = upper.transpose() * fore;
    };
    match intent.arms {
        Arms::Hanging { swing, elbow } => {
            for side in SIDES {
                let s = side.index();
                let world = heading_turn
                    * Cardan {
                        z: swing[s].to_radians(),
                        x: -side.sign() * 6f64.to_radians(),
                        y: 0.0,
                    }
                    .to_matrix();
                pose.shoulder[s] = thorax.rotation.transpose() * world;
                pose.elbow[s] = Mat3::rot_z(elbow[s].to_radians());
            }
        }
        Arms::Crossed => {
            for side in SIDES {
                let other = -side.sign();
                let wrist = thorax.point(Vec3::new(
                    body.shoulder.x + 0.075 * body.height,
                    body.shoulder.y - 0.03 * body.height,
                    other * body.shoulder.z * 0.55,
                ));
                let pole = thorax.direction(Vec3::new(0.3, -1.0, 0.6 * side.sign()));
                reach(&mut pose, side, wrist, pole);
            }
        }
        Arms::Reaching { wrists } => {
            for side in SIDES {
                reach(&mut pose, side, wrists[side.index()], elbow_pole_back(side));
            }
        }
    }
    pose
}
