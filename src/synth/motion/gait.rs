//! Overground walking (004 §5-3; criteria G1–G5 and the gait faults): normal gait, lateral
//! trunk sway, lumbar arching in swing, heel slam, asymmetric steps, head bobbing.
//!
//! Joint angles follow typical sagittal curves over the gait cycle (after Winter 2009,
//! ch. 3 and Perry & Burnfield, *Gait Analysis*, 2010), phase 0 at right heel strike. The
//! pelvis is carried so that the stance foot does not slip and its lower sole touches the
//! floor, so step length, speed and vertical bounce follow from the joint curves. Heel strikes
//! and toe-offs in the truth are where that walk puts them (the contacts), not phases of the
//! keyframes: the leading heel reaches the floor some way after its phase 0.

use super::{
    ease, locate, rep_starts, Arms, Event, Intent, Legs, MotionScript, RepSpec, SpineMotion,
};
use crate::synth::body::{Body, SIDES};
use crate::synth::math::Vec3;
use crate::synth::pose::{pose_body, Landmark, Posed};

/// Accepted `--fault` values.
pub const FAULTS: &[&str] = &[
    "good",
    "lateral-sway",
    "lumbar-arching",
    "heel-slam",
    "asymmetric",
    "head-bob",
];

/// Right leg keyframes (phase, degrees).
const HIP: [(f64, f64); 7] = [
    (0.0, 28.0),
    (0.12, 24.0),
    (0.3, 8.0),
    (0.5, -10.0),
    (0.62, -4.0),
    (0.75, 16.0),
    (0.87, 30.0),
];
const KNEE: [(f64, f64); 8] = [
    (0.0, 4.0),
    (0.15, 17.0),
    (0.4, 5.0),
    (0.55, 20.0),
    (0.62, 38.0),
    (0.72, 60.0),
    (0.85, 32.0),
    (0.95, 4.0),
];
const ANKLE: [(f64, f64); 8] = [
    (0.0, 0.0),
    (0.08, -6.0),
    (0.25, 5.0),
    (0.45, 10.0),
    (0.55, 3.0),
    (0.63, -16.0),
    (0.75, -3.0),
    (0.88, 2.0),
];
/// Arm swing amplitude (shoulder flexion about the vertical), degrees.
const ARM_SWING: f64 = 18.0;

/// Sampling step of the pelvis-carrying integration, seconds.
const STEP: f64 = 1.0 / 240.0;
/// A foot this far above the floor has left it (toe-off), metres.
const CLEAR_M: f64 = 0.01;

/// A variant's scripted differences from normal walking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaitShape {
    /// Lumbar lateral bend towards the stance side, degrees amplitude.
    pub trunk_sway: f64,
    /// Lumbar extension (and anterior pelvic tilt, half as much) at each mid-swing, degrees.
    pub swing_arching: f64,
    /// Extra hip flexion held late in swing, dropped just before contact, degrees.
    pub heel_slam: f64,
    /// Phase of left heel strike in the right leg's cycle (0.5 = symmetric step time).
    pub left_offset: f64,
    /// Left hip flexion excursion relative to the right (1 = symmetric step length).
    pub left_excursion: f64,
    /// Neck flexion oscillation at step frequency, degrees.
    pub head_bob: f64,
}

/// The scripted differences of each variant.
pub fn shape(fault: &str) -> Option<GaitShape> {
    let normal = GaitShape {
        trunk_sway: 2.0,
        swing_arching: 0.0,
        heel_slam: 0.0,
        left_offset: 0.5,
        left_excursion: 1.0,
        head_bob: 0.0,
    };
    Some(match fault {
        "good" => normal,
        "lateral-sway" => GaitShape {
            trunk_sway: 12.0,
            ..normal
        },
        "lumbar-arching" => GaitShape {
            swing_arching: 14.0,
            ..normal
        },
        "heel-slam" => GaitShape {
            heel_slam: 9.0,
            ..normal
        },
        "asymmetric" => GaitShape {
            left_offset: 0.42,
            left_excursion: 0.72,
            ..normal
        },
        "head-bob" => GaitShape {
            head_bob: 12.0,
            ..normal
        },
        _ => return None,
    })
}

/// Periodic cubic through keyframes (Catmull-Rom tangents), phase in 0..1.
fn periodic(keys: &[(f64, f64)], phase: f64) -> f64 {
    let n = keys.len();
    let p = phase.rem_euclid(1.0);
    let i = keys.iter().rposition(|k| k.0 <= p).unwrap_or(n - 1);
    let key = |j: isize| {
        let wrapped = j.rem_euclid(n as isize) as usize;
        let turns = j.div_euclid(n as isize) as f64;
        (keys[wrapped].0 + turns, keys[wrapped].1)
    };
    let i = i as isize;
    let (p0, p1, p2, p3) = (key(i - 1), key(i), key(i + 1), key(i + 2));
    let span = p2.0 - p1.0;
    let t = (p - p1.0) / span;
    let m1 = (p2.1 - p0.1) / (p2.0 - p0.0) * span;
    let m2 = (p3.1 - p1.1) / (p3.0 - p1.0) * span;
    let (t2, t3) = (t * t, t * t * t);
    (2.0 * t3 - 3.0 * t2 + 1.0) * p1.1
        + (t3 - 2.0 * t2 + t) * m1
        + (-2.0 * t3 + 3.0 * t2) * p2.1
        + (t3 - t2) * m2
}

/// 0 → 1 through late swing, then a quick drop just before heel strike (a leg held high and
/// let fall).
fn late_swing_hold(phase: f64) -> f64 {
    let p = phase.rem_euclid(1.0);
    if p > 0.8 && p < 0.93 {
        ease((p - 0.8) / 0.13)
    } else if (0.93..0.99).contains(&p) {
        1.0 - ease((p - 0.93) / 0.06)
    } else {
        0.0
    }
}

/// A walking clip: `reps` gait cycles (strides).
pub struct Gait {
    body: Body,
    reps: Vec<RepSpec>,
    shape: GaitShape,
    /// The walk sampled every `STEP`.
    carry: Vec<Carry>,
}

impl Gait {
    /// A clip of the given strides (each rep's duration is one gait cycle).
    pub fn new(body: &Body, reps: Vec<RepSpec>, shape: GaitShape) -> Gait {
        let mut gait = Gait {
            body: body.clone(),
            reps,
            shape,
            carry: Vec::new(),
        };
        gait.carry = gait.integrate_carry();
        gait
    }

    /// Cycle phase and range at `t`.
    fn phase(&self, t: f64) -> (f64, f64) {
        let end = self.reps.iter().map(|r| r.duration_s).sum::<f64>();
        match locate(&self.reps, 0.0, t.min(end - 1e-9)) {
            Some((i, p)) => (p, self.reps[i].range),
            None => (0.0, 1.0),
        }
    }

    /// Joint angles and trunk at phase with the pelvis at the origin.
    fn local_intent(&self, t: f64) -> Intent {
        let (phase, range) = self.phase(t);
        let s = &self.shape;
        let h = self.body.height;
        let leg_phase = [phase - s.left_offset, phase];
        let excursion = [s.left_excursion, 1.0];
        let hip_mean = 9.0;
        let leg = |keys: &[(f64, f64)], side: usize| periodic(keys, leg_phase[side]);
        let slam = [0, 1].map(|i| s.heel_slam * late_swing_hold(leg_phase[i]));
        let hip =
            [0, 1].map(|i| hip_mean + (leg(&HIP, i) - hip_mean) * excursion[i] * range + slam[i]);
        let knee = [0, 1].map(|i| leg(&KNEE, i) * range.max(0.5));
        let ankle = [0, 1].map(|i| leg(&ANKLE, i) + slam[i]);
        let cycle = std::f64::consts::TAU * phase;
        let swing =
            (0.5 - 0.5 * (2.0 * cycle - 0.1 * std::f64::consts::TAU).cos()) * s.swing_arching;
        let step = 2.0 * cycle;
        Intent {
            pelvis_position: Vec3::new(0.0, 0.0, 0.012 * h * cycle.sin()),
            pelvis_heading: 5.0 * cycle.cos(),
            pelvic_tilt: 0.5 * swing + 2.0 * step.cos(),
            pelvic_obliquity: -4.0 * cycle.sin(),
            lumbar: SpineMotion {
                flexion: -swing,
                bend: s.trunk_sway * cycle.sin(),
                rotation: -2.0 * cycle.cos(),
            },
            thoracic: SpineMotion {
                flexion: 0.0,
                bend: s.trunk_sway * 0.4 * cycle.sin(),
                rotation: -5.0 * cycle.cos(),
            },
            neck_flexion: s.head_bob * step.sin(),
            legs: Legs::Swinging {
                hip,
                abduction: [2.0; 2],
                knee,
                ankle,
            },
            arms: Arms::Hanging {
                swing: [ARM_SWING * cycle.cos(), -ARM_SWING * cycle.cos()],
                elbow: [18.0 + 8.0 * cycle.cos(), 18.0 - 8.0 * cycle.cos()],
            },
            stance_heading: 0.0,
        }
    }

    /// Walks the clip once. The body pivots on the lower sole point (heel or toe) of the
    /// weight-bearing foot: the pelvis moves by whatever keeps that same point still between
    /// one sample and the next, and is lifted so that point rests on the floor. The other foot
    /// takes the weight when its heel, ahead of the stance foot, comes down to the floor. Step
    /// length, walking speed and vertical bounce thus come from the leg angles alone.
    fn integrate_carry(&self) -> Vec<Carry> {
        let samples = (self.duration() / STEP).ceil() as usize + 2;
        let mut out: Vec<Carry> = Vec::with_capacity(samples);
        let mut x = 0.0;
        let mut previous: Option<(Posed, Landmark)> = None;
        for k in 0..samples {
            let intent = self.local_intent(k as f64 * STEP);
            let posed = pose_body(&self.body, &super::realise(&self.body, &intent));
            let sole = |s: usize| {
                let heel = Landmark::HeelSole(SIDES[s]);
                let toe = Landmark::ToeSole(SIDES[s]);
                if posed.landmark(heel).y <= posed.landmark(toe).y {
                    heel
                } else {
                    toe
                }
            };
            let height = [0, 1].map(|s| posed.landmark(sole(s)).y);
            let stance = match out.last() {
                None => usize::from(height[1] < height[0]),
                Some(last) => {
                    let (s, o) = (last.stance, 1 - last.stance);
                    // A swinging toe may brush the floor; only a heel coming down ahead of the
                    // stance foot takes the weight.
                    let heel = posed.landmark(Landmark::HeelSole(SIDES[o]));
                    let landing = sole(o) == Landmark::HeelSole(SIDES[o])
                        && heel.x > posed.landmark(sole(s)).x;
                    if landing && height[o] <= height[s] {
                        o
                    } else {
                        s
                    }
                }
            };
            let floor = height[stance];
            if let Some((before, pivot)) = &previous {
                x -= posed.landmark(*pivot).x - before.landmark(*pivot).x;
            }
            out.push(Carry {
                x,
                y: -floor,
                stance,
                clearance: height.map(|h| h - floor),
            });
            let pivot = sole(stance);
            previous = Some((posed, pivot));
        }
        let centre = out[out.len() / 2].x;
        for c in &mut out {
            c.x -= centre;
        }
        out
    }

    /// Heel strikes (the foot takes the weight: the body starts pivoting on it) and toe-offs
    /// (the foot that gave the weight away rises clear of the floor), side index and time.
    fn contacts(&self) -> Vec<(&'static str, usize, f64)> {
        let mut out = Vec::new();
        let mut unloaded: Option<usize> = None;
        for (k, pair) in self.carry.windows(2).enumerate() {
            let t = (k + 1) as f64 * STEP;
            if t > self.duration() {
                break;
            }
            let (a, b) = (&pair[0], &pair[1]);
            if b.stance != a.stance {
                out.push(("heel_strike", b.stance, t));
                unloaded = Some(a.stance);
            }
            if let Some(side) = unloaded {
                if b.clearance[side] > CLEAR_M {
                    out.push(("toe_off", side, t));
                    unloaded = None;
                }
            }
        }
        out
    }
}

/// One sample of the walk.
#[derive(Debug, Clone, Copy)]
struct Carry {
    /// Pelvis forward position and height, metres.
    x: f64,
    y: f64,
    /// The foot bearing the weight (side index).
    stance: usize,
    /// Each foot's lowest sole point above the floor, metres.
    clearance: [f64; 2],
}

impl MotionScript for Gait {
    fn duration(&self) -> f64 {
        self.reps.iter().map(|r| r.duration_s).sum::<f64>()
    }

    fn intent(&self, t: f64) -> Intent {
        let mut intent = self.local_intent(t);
        let k = (t / STEP).max(0.0);
        let i = (k.floor() as usize).min(self.carry.len() - 2);
        let f = (k - i as f64).min(1.0);
        let (a, b) = (self.carry[i], self.carry[i + 1]);
        intent.pelvis_position.x = a.x + (b.x - a.x) * f;
        intent.pelvis_position.y = a.y + (b.y - a.y) * f;
        intent
    }

    fn events(&self) -> Vec<Event> {
        let mut out = Vec::new();
        for (i, (start, r)) in rep_starts(&self.reps, 0.0)
            .into_iter()
            .zip(&self.reps)
            .enumerate()
        {
            out.push(Event::rep("rep_start", start, i));
            out.push(Event {
                kind: "peak",
                time_s: start + r.duration_s * 0.75,
                rep: Some(i),
                side: Some("right"),
            });
            out.push(Event::rep("rep_end", start + r.duration_s, i));
        }
        for (kind, side, time_s) in self.contacts() {
            out.push(Event {
                kind,
                time_s,
                rep: locate(&self.reps, 0.0, time_s).map(|(i, _)| i),
                side: Some(SIDES[side].name()),
            });
        }
        out.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
        out
    }

    fn path(&self) -> (Vec3, Vec3) {
        let first = self.intent(0.0).pelvis_position;
        let last = self.intent(self.duration()).pelvis_position;
        (first, last)
    }
}
