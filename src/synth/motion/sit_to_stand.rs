//! Sit-to-stand from a chair (004 §5-2; criteria S1–S4 and the rounding fault): feet slightly
//! under the chair, a slight forward lean without rounding, a push through thighs and glutes,
//! full hip extension at the top. Arms are crossed over the chest (the 30-s chair-stand
//! set-up) except in the hands-on-thighs fault.

use super::{
    ease, locate, mix, rep_starts, Arms, Chair, Event, Intent, Legs, MotionScript, RepSpec,
    SpineMotion,
};
use crate::synth::body::Body;
use crate::synth::math::Vec3;

/// Accepted `--fault` values.
pub const FAULTS: &[&str] = &[
    "good",
    "rounding",
    "feet-forward",
    "no-hip-extension",
    "hands-on-thighs",
];

/// A variant's key postures, degrees; distances in units of height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StsShape {
    /// Trunk at seat-off: pelvic tilt, lumbar and thoracic flexion.
    pub lean: (f64, f64, f64),
    /// Trunk when standing at the top.
    pub top: (f64, f64, f64),
    /// How far the top stance leaves the hips below full height (knees unlocked), height units.
    pub top_drop: f64,
    /// Ankles ahead of the seated hip joint centres, in thigh lengths.
    pub feet_forward: f64,
    pub hands_on_thighs: bool,
}

/// The scripted postures of each variant.
pub fn shape(fault: &str) -> Option<StsShape> {
    let good = StsShape {
        lean: (32.0, 4.0, 4.0),
        top: (0.0, 0.0, 0.0),
        top_drop: 0.0,
        feet_forward: 0.78,
        hands_on_thighs: false,
    };
    Some(match fault {
        "good" => good,
        "rounding" => StsShape {
            lean: (4.0, 32.0, 12.0),
            ..good
        },
        "feet-forward" => StsShape {
            feet_forward: 1.22,
            lean: (40.0, 4.0, 4.0),
            ..good
        },
        "no-hip-extension" => StsShape {
            top: (16.0, 4.0, 0.0),
            top_drop: 0.03,
            ..good
        },
        "hands-on-thighs" => StsShape {
            hands_on_thighs: true,
            lean: (36.0, 6.0, 4.0),
            ..good
        },
        _ => return None,
    })
}

/// Seated trunk: slight posterior tilt, lumbar spine a little flexed.
const SEATED: (f64, f64, f64) = (-6.0, 8.0, 4.0);
const LEAD: f64 = 0.6;
/// Phases of a repetition: lean until seat-off, rise until full stand, stand, sit back down.
const SEAT_OFF: f64 = 0.3;
const FULL_STAND: f64 = 0.55;
const SIT_START: f64 = 0.68;
const SEATED_AGAIN: f64 = 0.93;

/// A sit-to-stand clip.
pub struct SitToStand {
    body: Body,
    reps: Vec<RepSpec>,
    shape: StsShape,
    seat_height: f64,
}

impl SitToStand {
    /// A clip of `reps` rises from a chair `seat_height` metres high.
    pub fn new(body: &Body, reps: Vec<RepSpec>, shape: StsShape, seat_height: f64) -> SitToStand {
        SitToStand {
            body: body.clone(),
            reps,
            shape,
            seat_height,
        }
    }

    fn seated_hip(&self) -> Vec3 {
        let h = self.body.height;
        Vec3::new(-0.08 * h, self.seat_height + 0.06 * h, 0.0)
    }

    fn stance_half_width(&self) -> f64 {
        0.09 * self.body.height
    }

    fn ankle_x(&self) -> f64 {
        self.seated_hip().x + self.shape.feet_forward * self.body.thigh
    }

    fn standing_hip(&self) -> Vec3 {
        let b = &self.body;
        let spread = self.stance_half_width() - b.hip_half_width;
        let reach = ((b.thigh + b.shank).powi(2) - spread * spread).sqrt();
        Vec3::new(
            self.ankle_x() - 0.01 * b.height,
            b.ankle_height + reach - 1e-6 - self.shape.top_drop * b.height,
            0.0,
        )
    }
}

/// 0 before `start`, easing up to 1 at `peak`, back down to 0 at `end`.
fn bump(phase: f64, start: f64, peak: f64, end: f64) -> f64 {
    if phase < start {
        0.0
    } else if phase < peak {
        ease((phase - start) / (peak - start))
    } else {
        1.0 - ease((phase - peak) / (end - peak))
    }
}

fn trunk_mix(a: (f64, f64, f64), b: (f64, f64, f64), t: f64) -> (f64, f64, f64) {
    (mix(a.0, b.0, t), mix(a.1, b.1, t), mix(a.2, b.2, t))
}

impl MotionScript for SitToStand {
    fn duration(&self) -> f64 {
        2.0 * LEAD + self.reps.iter().map(|r| r.duration_s).sum::<f64>()
    }

    fn intent(&self, t: f64) -> Intent {
        let (phase, range) =
            locate(&self.reps, LEAD, t).map_or((0.0, 1.0), |(i, p)| (p, self.reps[i].range));
        let shape = &self.shape;
        // Rising: 0 seated → 1 standing; the trunk leans until seat-off then straightens.
        let rise = if phase < SEAT_OFF {
            0.0
        } else if phase < FULL_STAND {
            (phase - SEAT_OFF) / (FULL_STAND - SEAT_OFF)
        } else if phase < SIT_START {
            1.0
        } else if phase < SEATED_AGAIN {
            1.0 - (phase - SIT_START) / (SEATED_AGAIN - SIT_START)
        } else {
            0.0
        };
        let lean = if phase < SIT_START {
            bump(phase, 0.05, SEAT_OFF, FULL_STAND)
        } else {
            0.8 * bump(
                phase,
                SIT_START,
                (SIT_START + SEATED_AGAIN) * 0.5,
                SEATED_AGAIN,
            )
        } * range;
        let upright = trunk_mix(SEATED, shape.top, ease(rise));
        let leaning = trunk_mix(upright, shape.lean, lean);
        let seated = self.seated_hip();
        let standing = self.standing_hip();
        // The hips travel forward first, then up.
        let hip = Vec3::new(
            mix(seated.x, standing.x, ease((rise * 1.6).min(1.0))),
            mix(seated.y, standing.y, ease(rise)),
            0.0,
        );
        let b = &self.body;
        let half = self.stance_half_width();
        let ankles = [
            Vec3::new(self.ankle_x(), b.ankle_height, -half),
            Vec3::new(self.ankle_x(), b.ankle_height, half),
        ];
        let arms = if shape.hands_on_thighs && (phase > 0.05 && phase < SIT_START + 0.02) {
            // Wrists on the front of the thighs, two thirds of the way to the knee.
            let thigh_point = |z: f64| {
                let knee_guess = Vec3::new(hip.x + b.thigh * 0.9, hip.y - 0.1 * b.height * rise, z);
                hip.lerp(knee_guess, 0.62) + Vec3::new(0.0, 0.07 * b.height, 0.0)
            };
            Arms::Reaching {
                wrists: [
                    thigh_point(-b.hip_half_width * 1.1),
                    thigh_point(b.hip_half_width * 1.1),
                ],
            }
        } else {
            Arms::Crossed
        };
        Intent {
            pelvis_position: hip,
            pelvis_heading: 0.0,
            pelvic_tilt: leaning.0,
            pelvic_obliquity: 0.0,
            lumbar: SpineMotion {
                flexion: leaning.1,
                ..Default::default()
            },
            thoracic: SpineMotion {
                flexion: leaning.2,
                ..Default::default()
            },
            neck_flexion: -0.3 * (leaning.0 + leaning.1 + leaning.2).max(0.0),
            legs: Legs::Planted {
                ankles,
                heading: 0.0,
            },
            arms,
            stance_heading: 0.0,
        }
    }

    fn events(&self) -> Vec<Event> {
        let mut out = Vec::new();
        for (i, (start, r)) in rep_starts(&self.reps, LEAD)
            .into_iter()
            .zip(&self.reps)
            .enumerate()
        {
            let at = |p: f64| start + r.duration_s * p;
            out.push(Event::rep("rep_start", start, i));
            out.push(Event::rep("seat_off", at(SEAT_OFF), i));
            out.push(Event::rep("full_stand", at(FULL_STAND), i));
            out.push(Event::rep("peak", at(FULL_STAND), i));
            out.push(Event::rep("rep_end", at(1.0), i));
        }
        out
    }

    fn chair(&self) -> Option<Chair> {
        Some(Chair {
            front: [0.0, 0.0, 0.0],
            heading: 0.0,
            seat_height_m: self.seat_height,
            back_rest: true,
        })
    }
}
