//! `--movement auto`: which of the four movements a clip shows, or that it shows none.
//!
//! In order: a rise from sitting to standing makes it sit-to-stand (a Timed Up and Go also
//! walks, but its rise is what sets it apart); a pelvis travelling across the picture with
//! steps makes it gait; trunk-inclination repetitions make it a hip hinge, unless the knees
//! bend much more than the trunk inclines (a knee-dominant squat, which is none of the four);
//! shoulders swinging to both sides over a still pelvis make it rotation.

use super::{gait, hinge, rotation, series, sit_to_stand, Movement, SpineMeasures};
use crate::kinematics::Kinematics;
use serde::{Deserialize, Serialize};

/// What `auto` decided, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recognition {
    /// `None` when the clip shows none of the four.
    pub movement: Option<Movement>,
    /// One line: what was seen.
    pub reason: String,
}

/// Knee flexion range over trunk inclination range above which repetitions are a squat.
pub const SQUAT_KNEE_TO_TRUNK: f64 = 2.0;

/// Recognises the movement in a clip.
pub fn recognise(k: &Kinematics) -> Recognition {
    let found = |movement, reason: String| Recognition {
        movement: Some(movement),
        reason,
    };
    // Only the rises are counted here: no spine measurement is needed for that.
    let sts = sit_to_stand::analyze(k, &SpineMeasures::unmeasured("recognition only"));
    let rises = sts.segments_of("rise").count();
    if rises > 0 {
        return found(
            Movement::Sts,
            format!("{rises} rise(s) from sitting to standing"),
        );
    }
    let walking = gait::walking_passes(k);
    if !walking.is_empty() {
        return found(
            Movement::Gait,
            format!("{} walking pass(es)", walking.len()),
        );
    }
    let t = &k.times_s;
    let trunk = hinge::trunk_inclination(k);
    let knee = series::fill_gaps(
        &series::mean_of(
            &series::angle(k, "left_knee_flexion"),
            &series::angle(k, "right_knee_flexion"),
        ),
        t,
        series::MAX_FILL_S,
    );
    let range =
        |v: &[Option<f64>]| Some(series::percentile(v, 95.0)? - series::percentile(v, 5.0)?);
    let trunk_range = range(&trunk).unwrap_or(0.0);
    let knee_range = range(&knee).unwrap_or(0.0);
    let knee_reps = hinge::depth_repetitions(&knee, t, 40.0).map_or(0, |r| r.0.len());
    if knee_reps > 0 && knee_range >= SQUAT_KNEE_TO_TRUNK * trunk_range {
        return Recognition {
            movement: None,
            reason: format!(
                "a knee-dominant squat ({knee_reps} repetitions; knee flexion range {knee_range:.0}° against {trunk_range:.0}° of trunk inclination), not a hip hinge"
            ),
        };
    }
    let hinge_reps =
        hinge::depth_repetitions(&trunk, t, hinge::MIN_RANGE_DEG).map_or(0, |r| r.0.len());
    if hinge_reps > 0 {
        return found(Movement::Hinge, format!("{hinge_reps} repetition(s) of trunk inclination ({trunk_range:.0}° range, knees {knee_range:.0}°)"));
    }
    if let Some(turns) = rotation::turns(k) {
        let a = turns.iter().filter(|(s, _)| *s > 0.0).count();
        let b = turns.len() - a;
        if a >= 2 && b >= 2 {
            return found(Movement::Rotation, format!("{} turns of the shoulders over a still pelvis ({a} to one side, {b} to the other)", turns.len()));
        }
    }
    Recognition {
        movement: None,
        reason: "no rise, walk, hinge repetition or turn was found".into(),
    }
}
