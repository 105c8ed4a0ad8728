//! Hip hinge: repetitions from trunk inclination, with start, bottom and end, tempo, and the
//! measures of 004 §3-2 per repetition.
//!
//! The rest position is where the clip starts: standing (a good morning, a hinge drill) or at
//! the bottom (a deadlift that starts from the floor); a repetition is one excursion away from
//! rest and back. An excursion still open when the clip ends is noted, not counted.

use super::segment::{excursions, Hysteresis};
use super::series::{self, fill_gaps, inclination, mean_of, percentile, MAX_FILL_S};
use super::spine::{self, SpineSeries};
use super::{Event, Measure, Movement, MovementAnalysis, Segment};
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use std::collections::BTreeMap;

/// Smallest trunk inclination range (degrees) read as hinge repetitions.
pub const MIN_RANGE_DEG: f64 = 20.0;

/// The top or bottom of a rep is where the trunk first comes this close (degrees) to its extreme.
pub const ARRIVAL_DEG: f64 = 3.0;

/// Longest repetition (seconds).
pub const MAX_REP_S: f64 = 10.0;

/// Trunk inclination from vertical per frame (degrees, 0 upright), gaps ≤ 0.5 s filled.
pub fn trunk_inclination(k: &Kinematics) -> Vec<Option<f64>> {
    fill_gaps(
        &inclination(&series::angle(k, "trunk"), 90.0),
        &k.times_s,
        MAX_FILL_S,
    )
}

/// Excursions of a depth signal (larger = further into the movement), resting at whichever
/// end the clip starts at. Returns the excursions, whether one is open at the end, whether the
/// rest is at the deep end, and the range.
pub fn depth_repetitions(
    depth: &[Option<f64>],
    times: &[f64],
    min_range: f64,
) -> Option<(Vec<super::segment::Excursion>, bool, bool, f64)> {
    let low = percentile(depth, 5.0)?;
    let high = percentile(depth, 95.0)?;
    let range = high - low;
    if range < min_range {
        return None;
    }
    let first: Vec<Option<f64>> = depth.iter().flatten().take(10).map(|v| Some(*v)).collect();
    let starts_deep = percentile(&first, 50.0)? > low + 0.5 * range;
    let signal: Vec<Option<f64>> = depth
        .iter()
        .map(|v| v.map(|v| if starts_deep { high - v } else { v - low }))
        .collect();
    let h = Hysteresis {
        enter: 0.6 * range,
        exit: 0.3 * range,
        min_duration_s: 0.4,
        settle: 0.04 * range,
    };
    let (mut found, open) = excursions(&signal, times, &h);
    // A stay of many seconds away from rest is a change of posture, not a repetition.
    found.retain(|e| times[e.end] - times[e.start] <= MAX_REP_S);
    Some((found, open, starts_deep, range))
}

fn max_in(values: &[Option<f64>], range: std::ops::RangeInclusive<usize>) -> Option<f64> {
    values[range].iter().flatten().copied().reduce(f64::max)
}

/// The subject's facing sign (+1 facing +x) at position `i`, from its pass.
fn facing_sign(k: &Kinematics, i: usize) -> Option<f64> {
    k.pass_at(i).and_then(|p| p.facing).map(|f| f.sign())
}

fn hip_back_shift(k: &Kinematics, start: usize, bottom: usize, trunk: f64) -> Measure {
    let unit = "trunk_lengths";
    let method = "backward travel of the mid-hip relative to the ankles' midpoint from the start of the rep to its bottom, over the trunk length";
    let hip = series::point(k, "mid_hip");
    let ankles: Vec<Option<f64>> = series::pair_mean_x(k, "ankle");
    let Some(f) = facing_sign(k, bottom) else {
        return Measure::missing(
            unit,
            method,
            "the facing direction is unknown in this part of the clip",
        );
    };
    // The feet do not move during a hinge: the median ankle position over the rep stands in
    // for frames where the ankles are hidden (by a plate, say).
    let ankle_x = series::median(
        &ankles[start..=bottom]
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>(),
    );
    match (hip[start], hip[bottom], ankle_x) {
        (Some(a), Some(b), Some(ax)) => {
            let shift = -f * ((b.0 - ax) - (a.0 - ax)) / trunk;
            let confidence = series::mean_confidence(
                k,
                &["left_hip", "right_hip", "left_ankle", "right_ankle"],
                start..bottom + 1,
            );
            Measure::value(shift, unit, method, confidence)
        }
        (_, _, None) => Measure::missing(unit, method, "the ankles are not seen during the rep"),
        _ => Measure::missing(
            unit,
            method,
            "the hips are not seen at the start or bottom of the rep",
        ),
    }
}

/// Peak of a spine series over a range, or why not.
pub fn spine_peak(
    k: &Kinematics,
    name: &str,
    range: std::ops::RangeInclusive<usize>,
    baseline_at: usize,
) -> Result<(f64, f64), String> {
    match spine::series(k, name) {
        SpineSeries::Unavailable(reason) => Err(reason),
        SpineSeries::Measured {
            values, confidence, ..
        } => {
            let base = values[baseline_at].ok_or("not measured at the start of the rep")?;
            let peak = values[range.clone()]
                .iter()
                .flatten()
                .copied()
                .reduce(f64::max)
                .ok_or("not measured during the rep")?;
            let c = confidence[range.clone()].iter().sum::<f64>() / range.count() as f64;
            Ok((peak - base, c))
        }
    }
}

fn stance_width_ratio(k: &Kinematics) -> Measure {
    let unit = "ratio";
    let method = "median horizontal ankle spacing over horizontal shoulder spacing, upright frames (trunk within 15° of vertical)";
    let trunk = trunk_inclination(k);
    let la = series::point(k, "left_ankle");
    let ra = series::point(k, "right_ankle");
    let ls = series::point(k, "left_shoulder");
    let rs = series::point(k, "right_shoulder");
    let ratios: Vec<f64> = (0..k.times_s.len())
        .filter(|i| trunk[*i].is_some_and(|t| t < 15.0))
        .filter_map(|i| {
            let shoulders = (ls[i]?.0 - rs[i]?.0).abs();
            let spacing = (la[i]?.0 - ra[i]?.0).abs();
            (shoulders > 1.0).then_some(spacing / shoulders)
        })
        .collect();
    Measure::from_option(
        series::median(&ratios),
        unit,
        method,
        series::mean_confidence(
            k,
            &[
                "left_ankle",
                "right_ankle",
                "left_shoulder",
                "right_shoulder",
            ],
            0..k.times_s.len(),
        ),
        "no upright frame shows both ankles and both shoulders",
    )
}

/// Analyses a clip as hip hinge repetitions.
pub fn analyze(k: &Kinematics) -> MovementAnalysis {
    let n = k.times_s.len();
    let t = &k.times_s;
    let trunk = trunk_inclination(k);
    let hip_flexion = mean_of(
        &series::angle(k, "left_hip_flexion"),
        &series::angle(k, "right_hip_flexion"),
    );
    let knee_flexion = mean_of(
        &series::angle(k, "left_knee_flexion"),
        &series::angle(k, "right_knee_flexion"),
    );
    let mut notes = Vec::new();
    let mut segments = Vec::new();
    let trunk_px = series::trunk_length(k);
    match depth_repetitions(&trunk, t, MIN_RANGE_DEG) {
        None => notes.push(format!(
            "the trunk inclination varies by less than {MIN_RANGE_DEG}° (or is not seen): no hinge repetitions"
        )),
        Some((found, open, starts_deep, _)) => {
            if starts_deep {
                notes.push("the clip starts at the bottom (a lift from the floor): a repetition is a rise to standing and the return".into());
            }
            if open {
                notes.push("the clip ends during a repetition: that one is not counted".into());
            }
            for (number, e) in found.iter().enumerate() {
                // The turning point is where the trunk arrives within ARRIVAL_DEG of its
                // extreme: a held lockout or bottom would otherwise put it mid-hold.
                let mut e = *e;
                if let Some(extreme) = trunk[e.extreme] {
                    e.extreme = (e.start..=e.extreme)
                        .find(|i| trunk[*i].is_some_and(|v| (v - extreme).abs() <= ARRIVAL_DEG))
                        .unwrap_or(e.extreme);
                }
                let bottom = if starts_deep {
                    // Resting at the bottom: the deepest point is where the rep ends.
                    e.end
                } else {
                    e.extreme
                };
                let mut metrics = BTreeMap::new();
                let whole = e.start..=e.end;
                let confidence = series::mean_confidence(k, &["left_shoulder", "right_shoulder", "left_hip", "right_hip"], e.start..e.end + 1);
                metrics.insert(
                    "peak_trunk_flexion".into(),
                    Measure::from_option(max_in(&trunk, whole.clone()), "deg", "largest trunk (mid-hip→neck) inclination from vertical", confidence, "trunk not seen"),
                );
                metrics.insert(
                    "peak_hip_flexion".into(),
                    Measure::from_option(max_in(&hip_flexion, whole.clone()), "deg", "largest hip flexion (thigh vs trunk line, mean of sides; includes any lumbar flexion)", confidence, "hips, knees or facing not measured"),
                );
                metrics.insert(
                    "peak_knee_flexion".into(),
                    Measure::from_option(max_in(&knee_flexion, whole.clone()), "deg", "largest knee flexion, mean of sides", confidence, "knees or ankles not seen (hidden?)"),
                );
                metrics.insert(
                    "hip_back_shift".into(),
                    match trunk_px {
                        Some(tl) => hip_back_shift(k, if starts_deep { e.extreme } else { e.start }, bottom, tl),
                        None => Measure::missing("trunk_lengths", "", "trunk length unknown"),
                    },
                );
                metrics.insert("rep_duration".into(), Measure::value(t[e.end] - t[e.start], "s", "rep end minus rep start (where the trunk leaves and returns to rest)", confidence));
                let lumbar = spine_peak(k, spine::LUMBAR_FLEXION, whole.clone(), e.start);
                let lumbar_measure = |name: &str| match &lumbar {
                    Ok((v, c)) => Measure::value(*v, "deg", format!("peak {name} minus its value at the rep start"), *c),
                    Err(reason) => Measure::missing("deg", "lumbar flexion from the spine measurement", reason.clone()),
                };
                metrics.insert("lumbar_flexion_change".into(), lumbar_measure("lumbar flexion"));
                metrics.insert("lumbar_flexion_beyond_hip_range".into(), match &lumbar {
                    Ok(_) => Measure::missing("deg", "lumbar flexion added after the hips stop flexing", "needs the pelvis-on-thigh angle from the spine measurement"),
                    Err(reason) => Measure::missing("deg", "lumbar flexion added after the hips stop flexing", reason.clone()),
                });
                let ratio_reason = lumbar.as_ref().err().cloned().unwrap_or_else(|| "needs the pelvis-on-thigh angle from the spine measurement".into());
                metrics.insert("hip_lumbar_ratio".into(), Measure::missing("ratio", "hip (pelvis on thigh) flexion over lumbar flexion at the bottom", ratio_reason.clone()));
                for bin in ["0_30", "30_60", "60_90"] {
                    metrics.insert(format!("lumbopelvic_rhythm_{bin}"), Measure::missing("ratio", format!("hip over lumbar flexion change within trunk inclination {}°", bin.replace('_', "-")), ratio_reason.clone()));
                }
                metrics.insert(
                    "sparc".into(),
                    Measure::from_option(super::smoothness::sparc_of(&trunk, t, e.start..e.end + 1), "dimensionless", "SPARC of trunk angular speed over the rep", confidence, "too few frames in the rep"),
                );
                let (descent, ascent) = if starts_deep { (t[e.end] - t[e.extreme], t[e.extreme] - t[e.start]) } else { (t[e.extreme] - t[e.start], t[e.end] - t[e.extreme]) };
                metrics.insert("descent_time".into(), Measure::value(descent, "s", "start (or top) to bottom", confidence));
                metrics.insert("ascent_time".into(), Measure::value(ascent, "s", "bottom to top", confidence));
                let event = |name: &str, i: usize| Event { name: name.into(), position: i, time_s: t[i] };
                let events = if starts_deep {
                    vec![event("start", e.start), event("top", e.extreme), event("bottom", e.end), event("end", e.end)]
                } else {
                    vec![event("start", e.start), event("bottom", e.extreme), event("end", e.end)]
                };
                segments.push(Segment {
                    kind: "rep".into(),
                    number: number + 1,
                    start_s: t[e.start],
                    end_s: t[e.end],
                    events,
                    phases: Vec::new(),
                    metrics,
                    view: series::view_at(k, e.extreme),
                });
            }
        }
    }
    let mut metrics = BTreeMap::new();
    metrics.insert("rep_count".into(), Measure::value(segments.len() as f64, "reps", "complete excursions of trunk inclination (hysteresis at 60% / 30% of its range, ≥ 0.4 s)", 1.0));
    metrics.insert("stance_width_ratio".into(), stance_width_ratio(k));
    let view = if n == 0 {
        View::Unknown
    } else {
        series::main_view(k, 0..n)
    };
    MovementAnalysis {
        movement: Movement::Hinge,
        view,
        segments,
        metrics,
        notes,
    }
}
