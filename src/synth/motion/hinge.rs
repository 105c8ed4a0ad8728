//! Hip hinge (004 §3-2, §4-2 ③; criteria H1–H6): feet shoulder-width apart, the hips go back
//! while the trunk goes forward, the back stays neutral.
//!
//! Each variant is one shape at the bottom of the bend (full range); a repetition moves from
//! standing to that shape and back. The legs are identical in every variant, so faulty and good
//! clips differ only where the fault is: the lumbar-dominant hinge trades 35° of anterior
//! pelvic tilt (hence hip flexion) for 30° of lumbar flexion.

use super::{
    ease, locate, out_and_back, rep_starts, Arms, Event, Intent, Legs, MotionScript, RepSpec,
    SpineMotion,
};
use crate::synth::body::Body;
use crate::synth::math::Vec3;

/// Accepted `--fault` values.
pub const FAULTS: &[&str] = &["good", "lumbar-dominant", "arched", "shallow"];

/// The bottom of the bend, degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HingeShape {
    pub pelvic_tilt: f64,
    pub lumbar_flexion: f64,
    pub thoracic_flexion: f64,
    pub knee_flexion: f64,
    /// Forward lean of the shank; equal to the knee flexion, the thigh stays vertical and the
    /// hips do not go back.
    pub shank_lean: f64,
}

/// The scripted bottom position of each variant.
pub fn shape(fault: &str) -> Option<HingeShape> {
    let s = |pelvic_tilt, lumbar_flexion, thoracic_flexion, knee_flexion, shank_lean| HingeShape {
        pelvic_tilt,
        lumbar_flexion,
        thoracic_flexion,
        knee_flexion,
        shank_lean,
    };
    Some(match fault {
        "good" => s(62.0, 5.0, 5.0, 24.0, 0.0),
        "lumbar-dominant" => s(27.0, 35.0, 13.0, 24.0, 0.0),
        "arched" => s(72.0, -15.0, -3.0, 24.0, 0.0),
        "shallow" => s(28.0, 6.0, 5.0, 8.0, 8.0),
        _ => return None,
    })
}

/// Seconds standing still before the first and after the last repetition.
const LEAD: f64 = 0.6;
/// Phase at which the bottom is reached, held until, and left fully by.
const DOWN: f64 = 0.4;
const HOLD: f64 = 0.5;
const UP: f64 = 0.9;

/// A hip-hinge clip.
pub struct Hinge {
    body: Body,
    reps: Vec<RepSpec>,
    bottom: HingeShape,
}

impl Hinge {
    /// A clip of `reps` repetitions of `bottom`.
    pub fn new(body: &Body, reps: Vec<RepSpec>, bottom: HingeShape) -> Hinge {
        Hinge {
            body: body.clone(),
            reps,
            bottom,
        }
    }

    fn stance_half_width(&self) -> f64 {
        0.095 * self.body.height
    }
}

impl MotionScript for Hinge {
    fn duration(&self) -> f64 {
        2.0 * LEAD + self.reps.iter().map(|r| r.duration_s).sum::<f64>()
    }

    fn intent(&self, t: f64) -> Intent {
        let u = locate(&self.reps, LEAD, t).map_or(0.0, |(i, phase)| {
            out_and_back(phase, DOWN, HOLD, UP) * self.reps[i].range
        });
        let b = &self.body;
        let shape = &self.bottom;
        let knee = (shape.knee_flexion * u).to_radians();
        let shank = (shape.shank_lean * u).to_radians();
        let thigh = knee - shank;
        // The leg is planar (the knee a hinge) in a plane tipped out to the wider feet.
        let forward = b.shank * shank.sin() - b.thigh * thigh.sin();
        let along = b.shank * shank.cos() + b.thigh * thigh.cos();
        let spread = self.stance_half_width() - b.hip_half_width;
        let ankle_y = b.ankle_height;
        let half = self.stance_half_width();
        let trunk = (shape.pelvic_tilt + shape.lumbar_flexion + shape.thoracic_flexion) * u;
        Intent {
            pelvis_position: Vec3::new(
                forward,
                ankle_y + (along * along - spread * spread).sqrt(),
                0.0,
            ),
            pelvis_heading: 0.0,
            pelvic_tilt: shape.pelvic_tilt * u,
            pelvic_obliquity: 0.0,
            lumbar: SpineMotion {
                flexion: shape.lumbar_flexion * u,
                ..Default::default()
            },
            thoracic: SpineMotion {
                flexion: shape.thoracic_flexion * u,
                ..Default::default()
            },
            neck_flexion: -0.25 * trunk,
            legs: Legs::Planted {
                ankles: [
                    Vec3::new(0.0, ankle_y, -half),
                    Vec3::new(0.0, ankle_y, half),
                ],
                heading: 0.0,
            },
            arms: Arms::Hanging {
                swing: [5.0 * ease(u); 2],
                elbow: [12.0; 2],
            },
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
            out.push(Event::rep("rep_start", start, i));
            out.push(Event::rep(
                "peak",
                start + r.duration_s * (DOWN + HOLD) * 0.5,
                i,
            ));
            out.push(Event::rep("rep_end", start + r.duration_s, i));
        }
        out
    }
}
