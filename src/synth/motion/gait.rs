//! Overground walking (004 §5-3; criteria G1–G5 and the gait faults): normal gait, lateral
//! trunk sway, lumbar arching in swing, heel slam, asymmetric steps, head bobbing.
//!
//! Joint angles follow typical sagittal curves over the gait cycle (after Winter 2009,
//! ch. 3 and Perry & Burnfield, *Gait Analysis*, 2010), phase 0 at right heel strike. The
//! pelvis is carried so that the stance foot does not slip and its lower sole touches the
//! floor, so step length, speed and vertical bounce follow from the joint curves. The other
//! foot is kept out of the floor by its ankle, so a trailing foot rolls over its ball through
//! double support. Heel strikes and toe-offs in the truth are where that walk puts them (the
//! contacts); in normal walking the leading heel meets the floor within about 0.01 of a cycle
//! of its phase 0, with about 11 % of the cycle in each double support.

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

/// Right leg keyframes (phase, degrees). The thigh swings about 21° forward of the pelvis at
/// heel strike and 14° behind it at the other heel strike, so the leading heel and the
/// trailing ball of the foot meet the floor together; the knee flexes from about 22° there to
/// about 42° at toe-off while the ankle plantarflexes to 18°, keeping the trailing foot on the
/// floor for about a tenth of the cycle (double support) and then lifting it.
const HIP: [(f64, f64); 7] = [
    (0.0, 21.0),
    (0.12, 18.0),
    (0.3, 3.0),
    (0.5, -14.0),
    (0.62, -6.0),
    (0.75, 12.0),
    (0.87, 23.0),
];
/// The hip keyframes' middle, about which a shorter swing is scaled.
const HIP_MEAN: f64 = 3.5;
const KNEE: [(f64, f64); 9] = [
    (0.0, 3.0),
    (0.15, 18.0),
    (0.38, 5.0),
    (0.5, 22.0),
    (0.56, 32.0),
    (0.62, 42.0),
    (0.72, 60.0),
    (0.85, 35.0),
    (0.96, 3.0),
];
const ANKLE: [(f64, f64); 9] = [
    (0.0, 0.0),
    (0.07, -5.0),
    (0.25, 5.0),
    (0.45, 10.0),
    (0.5, 3.0),
    (0.56, -8.0),
    (0.62, -18.0),
    (0.75, 0.0),
    (0.88, 3.0),
];
/// Arm swing amplitude (shoulder flexion about the vertical), degrees.
const ARM_SWING: f64 = 18.0;

/// Phase at which a slamming leg is let fall: about 0.15 s before heel strike, the time a
/// heel held some 12 cm up takes to fall that far.
const SLAM_DROP: f64 = 0.86;
/// Centre and half-width (phase) of a bobbing walk's rise onto the toes: from loading
/// response through terminal stance, dropping as the other heel strikes. Wide enough that the
/// head stays up for a few frames at video rates.
const TOE_RISE: (f64, f64) = (0.36, 0.2);

/// Sampling step of the pelvis-carrying integration, seconds.
const STEP: f64 = 1.0 / 240.0;
/// A foot this far above the floor has left it (toe-off), metres.
const CLEAR_M: f64 = 0.01;
/// The most the ankle turns to keep a foot out of the floor, degrees.
const MAX_ANKLE_FIX: f64 = 30.0;

/// A variant's scripted differences from normal walking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaitShape {
    /// Lumbar lateral bend towards the stance side, degrees amplitude. In normal walking it
    /// about offsets the pelvis's drop on the swing side, keeping the thorax near upright.
    pub trunk_sway: f64,
    /// Lumbar extension (and anterior pelvic tilt, half as much) at each mid-swing, degrees.
    pub swing_arching: f64,
    /// Extra hip flexion held late in swing, dropped just before contact, degrees.
    pub heel_slam: f64,
    /// Phase of left heel strike in the right leg's cycle (0.5 = symmetric step time).
    pub left_offset: f64,
    /// Left hip flexion excursion relative to the right (1 = symmetric step length).
    pub left_excursion: f64,
    /// Extra ankle plantarflexion from midstance to terminal stance, degrees: the walker rises
    /// onto the ball of each stance foot and drops back at the next heel strike, and the head
    /// rises and falls with the body (a bobbing walk).
    pub toe_rise: f64,
}

/// The scripted differences of each variant.
pub fn shape(fault: &str) -> Option<GaitShape> {
    let normal = GaitShape {
        trunk_sway: 3.5,
        swing_arching: 0.0,
        heel_slam: 0.0,
        left_offset: 0.5,
        left_excursion: 1.0,
        toe_rise: 0.0,
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
            heel_slam: 22.0,
            ..normal
        },
        "asymmetric" => GaitShape {
            left_offset: 0.42,
            left_excursion: 0.72,
            ..normal
        },
        "head-bob" => GaitShape {
            toe_rise: 45.0,
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

/// 0 → 1 through late swing, then a fall at constant acceleration that is fastest as the heel
/// reaches the floor (a leg held high and let drop).
fn late_swing_hold(phase: f64) -> f64 {
    let p = phase.rem_euclid(1.0);
    if p > 0.72 && p < SLAM_DROP {
        ease((p - 0.72) / (SLAM_DROP - 0.72))
    } else if p >= SLAM_DROP {
        1.0 - ((p - SLAM_DROP) / (1.0 - SLAM_DROP)).powi(2)
    } else {
        0.0
    }
}

/// 1 at phase `centre`, falling to 0 (raised cosine) `half_width` either side.
fn bump(phase: f64, centre: f64, half_width: f64) -> f64 {
    let d = (phase - centre + 0.5).rem_euclid(1.0) - 0.5;
    if d.abs() >= half_width {
        0.0
    } else {
        0.5 + 0.5 * (std::f64::consts::PI * d / half_width).cos()
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
        let leg = |keys: &[(f64, f64)], side: usize| periodic(keys, leg_phase[side]);
        let slam = [0, 1].map(|i| s.heel_slam * late_swing_hold(leg_phase[i]));
        let cycle = std::f64::consts::TAU * phase;
        let swing =
            (0.5 - 0.5 * (2.0 * cycle - 0.1 * std::f64::consts::TAU).cos()) * s.swing_arching;
        // The arching tilts the pelvis forward, not the thighs: their swing in the world, and
        // so the walk, stays that of normal gait.
        let hip = [0, 1].map(|i| {
            HIP_MEAN + (leg(&HIP, i) - HIP_MEAN) * excursion[i] * range + slam[i] + 0.5 * swing
        });
        let knee = [0, 1].map(|i| leg(&KNEE, i) * range.max(0.5));
        let ankle = [0, 1].map(|i| {
            leg(&ANKLE, i) + slam[i] - s.toe_rise * bump(leg_phase[i], TOE_RISE.0, TOE_RISE.1)
        });
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
            neck_flexion: 0.0,
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
            let height = [0, 1].map(|s| posed.landmark(lower_sole(&posed, s)).y);
            let stance = match out.last() {
                None => usize::from(height[1] < height[0]),
                Some(last) => {
                    let (s, o) = (last.stance, 1 - last.stance);
                    // A swinging toe may brush the floor; only a heel coming down ahead of the
                    // stance foot takes the weight.
                    let heel = posed.landmark(Landmark::HeelSole(SIDES[o]));
                    let landing = lower_sole(&posed, o) == Landmark::HeelSole(SIDES[o])
                        && heel.x > posed.landmark(lower_sole(&posed, s)).x;
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
            let other = 1 - stance;
            let mut ankle_fix = [0.0; 2];
            ankle_fix[other] = self.ankle_fix(&intent, other, floor - height[other]);
            out.push(Carry {
                x,
                y: -floor,
                stance,
                clearance: height.map(|h| (h - floor).max(0.0)),
                ankle_fix,
            });
            let pivot = lower_sole(&posed, stance);
            previous = Some((posed, pivot));
        }
        let centre = out[out.len() / 2].x;
        for c in &mut out {
            c.x -= centre;
        }
        out
    }

    /// The ankle rotation, degrees, that lifts the free foot `side` out of the floor when the
    /// keyframes sink it `depth` metres in: the trailing foot then rolls on the floor over its
    /// ball until the knee lifts it, and a low swing clears the floor. The floor stands as
    /// a solid the joint curves only approximate.
    fn ankle_fix(&self, intent: &Intent, side: usize, depth: f64) -> f64 {
        if depth <= 0.0 {
            return 0.0;
        }
        let lowest = |fix: f64| {
            let mut turned = *intent;
            if let Legs::Swinging { ankle, .. } = &mut turned.legs {
                ankle[side] += fix;
            }
            let posed = pose_body(&self.body, &super::realise(&self.body, &turned));
            posed.landmark(lower_sole(&posed, side)).y
        };
        let start = lowest(0.0);
        // Towards a flat foot: up at the ball, down at the heel.
        let way = if lowest(1.0) > start { 1.0 } else { -1.0 };
        let (mut lo, mut hi) = (0.0, MAX_ANKLE_FIX);
        if lowest(way * hi) - start < depth {
            return way * hi;
        }
        for _ in 0..24 {
            let mid = 0.5 * (lo + hi);
            if lowest(way * mid) - start < depth {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        way * hi
    }

    /// Heel strikes (the foot takes the weight: the body starts pivoting on it) and toe-offs
    /// (the foot that gave the weight away rises clear of the floor), side index and time. A
    /// heel strike ends a swing the clip shows from its toe-off: a foot that takes the weight
    /// before it has left the floor in the clip (the clip begins as it lands) does not strike.
    fn contacts(&self) -> Vec<(&'static str, usize, f64)> {
        let mut out = Vec::new();
        let mut unloaded: Option<usize> = None;
        let mut swung = [false; 2];
        for (k, pair) in self.carry.windows(2).enumerate() {
            let t = (k + 1) as f64 * STEP;
            if t > self.duration() {
                break;
            }
            let (a, b) = (&pair[0], &pair[1]);
            if b.stance != a.stance {
                if swung[b.stance] {
                    out.push(("heel_strike", b.stance, t));
                }
                swung[b.stance] = false;
                unloaded = Some(a.stance);
            }
            if let Some(side) = unloaded {
                if b.clearance[side] > CLEAR_M {
                    out.push(("toe_off", side, t));
                    swung[side] = true;
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
    /// Ankle rotation keeping each foot out of the floor, degrees.
    ankle_fix: [f64; 2],
}

/// The lower of a foot's heel and ball sole points.
fn lower_sole(posed: &Posed, side: usize) -> Landmark {
    let heel = Landmark::HeelSole(SIDES[side]);
    let toe = Landmark::ToeSole(SIDES[side]);
    if posed.landmark(heel).y <= posed.landmark(toe).y {
        heel
    } else {
        toe
    }
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
        if let Legs::Swinging { ankle, .. } = &mut intent.legs {
            for (s, angle) in ankle.iter_mut().enumerate() {
                *angle += a.ankle_fix[s] + (b.ankle_fix[s] - a.ankle_fix[s]) * f;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    const CYCLE_S: f64 = 120.0 / 108.0;

    fn walk(fault: &str) -> Gait {
        let stride = RepSpec {
            duration_s: CYCLE_S,
            range: 1.0,
        };
        Gait::new(
            &Body::varied(1.7, 5),
            vec![stride; 3],
            shape(fault).unwrap(),
        )
    }

    fn strikes(gait: &Gait) -> Vec<(usize, f64)> {
        gait.contacts()
            .into_iter()
            .filter(|c| c.0 == "heel_strike")
            .map(|c| (c.1, c.2))
            .collect()
    }

    /// Samples of a landmark over the clip, every `STEP`, as the rendered body has it.
    fn track(gait: &Gait, landmark: Landmark) -> Vec<Vec3> {
        let n = (gait.duration() / STEP) as usize;
        (0..=n)
            .map(|k| {
                let intent = gait.intent(k as f64 * STEP);
                pose_body(&gait.body, &super::super::realise(&gait.body, &intent))
                    .landmark(landmark)
            })
            .collect()
    }

    #[test]
    fn normal_walk_lands_on_time_with_double_support_and_no_slip() {
        let gait = walk("good");
        let contacts = gait.contacts();
        let found = strikes(&gait);
        // The clip begins as the right heel lands, before any swing of the right foot.
        assert_eq!(found.len(), 5, "{contacts:?}");
        for &(side, t) in &found {
            let offset = if side == 0 {
                gait.shape.left_offset
            } else {
                0.0
            };
            let phase = (t / CYCLE_S - offset + 0.5).rem_euclid(1.0) - 0.5;
            assert!(phase.abs() < 0.02, "strike at phase {phase:.3}");
            let toe_off = contacts
                .iter()
                .find(|c| c.0 == "toe_off" && c.1 != side && c.2 > t)
                .map(|c| (c.2 - t) / CYCLE_S);
            if let Some(double) = toe_off {
                assert!((0.08..0.14).contains(&double), "double support {double:.3}");
            }
        }
        for w in gait.carry.windows(2) {
            assert!(w[1].x >= w[0].x - 1e-4, "pelvis steps back");
        }
        for side in SIDES {
            for landmark in [Landmark::HeelSole(side), Landmark::ToeSole(side)] {
                let lowest = track(&gait, landmark)
                    .iter()
                    .map(|p| p.y)
                    .fold(f64::MAX, f64::min);
                assert!(lowest > -1e-3, "{landmark:?} {lowest:.4} m into the floor");
            }
        }
    }

    #[test]
    fn faults_change_what_they_claim() {
        let good = walk("good");
        // Asymmetric: the step onto the left (scripted at 0.42 of the cycle) is the short one.
        let asym = walk("asymmetric");
        let mut onto = [Vec::new(), Vec::new()];
        for w in strikes(&asym).windows(2) {
            onto[w[1].0].push(w[1].1 - w[0].1);
        }
        let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        assert!(mean(&onto[1]) - mean(&onto[0]) > 0.1, "{onto:?}");
        // Heel slam: the heel's fastest fall in the last 0.1 s before each contact.
        let fall = |gait: &Gait| {
            let heels = SIDES.map(|s| track(gait, Landmark::Heel(s)));
            let speeds: Vec<f64> = strikes(gait)
                .iter()
                .filter(|s| s.1 > 0.2)
                .map(|&(side, t)| {
                    let k = (t / STEP) as usize;
                    (k - (0.1 / STEP) as usize..k)
                        .map(|i| (heels[side][i].y - heels[side][i + 1].y) / STEP)
                        .fold(0.0, f64::max)
                })
                .collect();
            speeds.iter().copied().fold(f64::MAX, f64::min)
        };
        let (normal, slam) = (fall(&good), fall(&walk("heel-slam")));
        assert!(
            slam > 3.0 * normal,
            "heel falls at {slam:.2} m/s against {normal:.2}"
        );
        // Head bob: the head's vertical range.
        let range = |gait: &Gait| {
            let y: Vec<f64> = track(gait, Landmark::Ear(SIDES[0]))
                .iter()
                .map(|p| p.y)
                .collect();
            y.iter().copied().fold(f64::MIN, f64::max) - y.iter().copied().fold(f64::MAX, f64::min)
        };
        let (normal, bob) = (range(&good), range(&walk("head-bob")));
        assert!(
            bob > 4.0 * normal,
            "head range {bob:.3} m against {normal:.3}"
        );
    }
}
