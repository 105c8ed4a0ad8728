//! Thoracic rotation: turns to each side and their peaks.
//!
//! Turns are found on the sideways shift of the shoulder midpoint (in trunk lengths) about its
//! moving median (where the still pelvis keeps it), which swings to one side and the other as the upper body turns
//! over a still pelvis; hysteresis on each side of the clip's median keeps noise from counting.
//! This 2-D signal finds and times the turns; it is not a rotation angle, so the range per side,
//! the thoracic and pelvis shares come only from the spine measurement
//! ([`super::spine`]) and are "cannot assess" without it.

use super::segment::{excursions, Hysteresis};
use super::series::{self, fill_gaps, percentile, MAX_FILL_S};
use super::spine::{self, SpineSeries};
use super::{Event, Measure, Movement, MovementAnalysis, Segment};
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use std::collections::BTreeMap;

/// Smallest peak-to-peak shift (trunk lengths) read as turning.
pub const MIN_RANGE: f64 = 0.08;

/// The turn signal: shoulder midpoint minus hip midpoint along x, trunk lengths.
pub fn turn_signal(k: &Kinematics) -> Vec<Option<f64>> {
    let Some(trunk) = series::trunk_length(k) else {
        return vec![None; k.times_s.len()];
    };
    let shoulder = series::pair_mean_x(k, "shoulder");
    let hip = series::point(k, "mid_hip");
    let raw: Vec<Option<f64>> = shoulder
        .iter()
        .zip(&hip)
        .map(|(s, h)| Some((s.as_ref()? - h.as_ref()?.0) / trunk))
        .collect();
    fill_gaps(&raw, &k.times_s, MAX_FILL_S)
}

/// Turns as (side sign, excursion): +1 towards +x in the image.
pub fn turns(k: &Kinematics) -> Option<Vec<(f64, super::segment::Excursion)>> {
    let s = turn_signal(k);
    let centre = 0.0;
    let range = percentile(&s, 90.0)? - percentile(&s, 10.0)?;
    if range < MIN_RANGE {
        return None;
    }
    let h = Hysteresis {
        enter: 0.3 * range,
        exit: 0.1 * range,
        min_duration_s: 0.2,
        settle: 0.03 * range,
    };
    let mut found = Vec::new();
    for side in [1.0, -1.0] {
        let signal: Vec<Option<f64>> = s.iter().map(|v| v.map(|v| side * (v - centre))).collect();
        found.extend(
            excursions(&signal, &k.times_s, &h)
                .0
                .into_iter()
                .map(|e| (side, e)),
        );
    }
    found.sort_by_key(|(_, e)| e.start);
    Some(found)
}

/// Analyses a clip as thoracic rotation turns.
pub fn analyze(k: &Kinematics) -> MovementAnalysis {
    let t = &k.times_s;
    let n = t.len();
    let view = if n == 0 {
        View::Unknown
    } else {
        series::main_view(k, 0..n)
    };
    let mut notes = Vec::new();
    let mut segments = Vec::new();
    let found = turns(k).unwrap_or_else(|| {
        notes.push(format!("the shoulders shift sideways over the hips by less than {MIN_RANGE} trunk lengths: no turns"));
        Vec::new()
    });
    // The subject's left is the image's +x when they face the camera, -x from behind.
    let left_sign = match view {
        View::Front => Some(1.0),
        View::Back => Some(-1.0),
        _ => None,
    };
    if left_sign.is_none() && !found.is_empty() {
        notes.push("side or oblique view: turns are told apart as side a (towards +x in the image) and side b, not as left and right".into());
    }
    let signal = turn_signal(k);
    let rotation = spine::series(k, spine::THORACIC_ROTATION);
    let mut ranges: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut counts = [0usize; 2];
    for (side, e) in &found {
        let kind = match left_sign {
            Some(l) if *side == l => "turn_left",
            Some(_) => "turn_right",
            None if *side > 0.0 => "turn_a",
            None => "turn_b",
        };
        let index = (kind == "turn_right" || kind == "turn_b") as usize;
        counts[index] += 1;
        let confidence = series::mean_confidence(
            k,
            &["left_shoulder", "right_shoulder", "left_hip", "right_hip"],
            e.start..e.end + 1,
        );
        let mut metrics = BTreeMap::new();
        metrics.insert("peak_shoulder_shift".into(), Measure::from_option(signal[e.extreme].map(f64::abs), "trunk_lengths", "sideways shift of the shoulder midpoint over the hip midpoint at the turn's peak, from the clip's median", confidence, "shoulders not seen at the peak"));
        metrics.insert(
            "thoracic_rotation_range".into(),
            match &rotation {
                SpineSeries::Measured {
                    values,
                    confidence: c,
                    method,
                } => match values[e.start..=e.end]
                    .iter()
                    .flatten()
                    .map(|v| v.abs())
                    .reduce(f64::max)
                {
                    Some(v) => {
                        ranges[index].push(v);
                        Measure::value(
                            v,
                            "deg",
                            format!("largest |thoracic rotation| in the turn ({method})"),
                            c[e.extreme],
                        )
                    }
                    None => {
                        Measure::missing("deg", "thoracic rotation", "not measured during the turn")
                    }
                },
                SpineSeries::Unavailable(reason) => {
                    Measure::missing("deg", "thoracic rotation", reason.clone())
                }
            },
        );
        metrics.insert(
            "sparc".into(),
            Measure::from_option(
                super::smoothness::sparc_of(&signal, t, e.start..e.end + 1),
                "dimensionless",
                "SPARC of the turn signal's speed over the turn",
                confidence,
                "too few frames in the turn",
            ),
        );
        let number = counts[index];
        segments.push(Segment {
            kind: kind.into(),
            number,
            start_s: t[e.start],
            end_s: t[e.end],
            events: vec![
                Event {
                    name: "start".into(),
                    position: e.start,
                    time_s: t[e.start],
                },
                Event {
                    name: "peak".into(),
                    position: e.extreme,
                    time_s: t[e.extreme],
                },
                Event {
                    name: "end".into(),
                    position: e.end,
                    time_s: t[e.end],
                },
            ],
            phases: Vec::new(),
            metrics,
            view: series::view_at(k, e.extreme),
        });
    }
    let mut metrics = BTreeMap::new();
    let method = "turns found on the shoulder-over-hip sideways shift (hysteresis at 30% / 10% of its range either side of the median)";
    metrics.insert(
        "turn_count".into(),
        Measure::value(found.len() as f64, "turns", method, 1.0),
    );
    metrics.insert(
        "turns_per_side_difference".into(),
        if found.is_empty() {
            Measure::missing("turns", method, "no turns were found")
        } else {
            Measure::value(counts[0].abs_diff(counts[1]) as f64, "turns", method, 1.0)
        },
    );
    let unavailable = |what: &str| match &rotation {
        SpineSeries::Unavailable(reason) => reason.clone(),
        SpineSeries::Measured { .. } => format!("{what} needs the pelvis rotation as well"),
    };
    metrics.insert(
        "turn_range_symmetry".into(),
        match (series::median(&ranges[0]), series::median(&ranges[1])) {
            (Some(a), Some(b)) if a + b > 0.0 => Measure::value(
                100.0 * (a - b).abs() / (0.5 * (a + b)),
                "%",
                "symmetry index of the median thoracic rotation range per side",
                1.0,
            ),
            _ => Measure::missing(
                "%",
                "symmetry of the thoracic rotation range per side",
                unavailable("the range symmetry"),
            ),
        },
    );
    let pelvis = spine::series(k, spine::PELVIS_ROTATION);
    let shares = match (&rotation, &pelvis) {
        (SpineSeries::Measured { values: th, .. }, SpineSeries::Measured { values: pe, .. }) => {
            let total: Vec<(f64, f64)> = found
                .iter()
                .filter_map(|(_, e)| Some((th[e.extreme]?.abs(), pe[e.extreme]?.abs())))
                .collect();
            let (a, b) = total
                .iter()
                .fold((0.0, 0.0), |(x, y), (p, q)| (x + p, y + q));
            (a + b > 0.0).then(|| (100.0 * a / (a + b), 100.0 * b / (a + b)))
        }
        _ => None,
    };
    let reason = match (&rotation, &pelvis) {
        (SpineSeries::Unavailable(r), _) | (_, SpineSeries::Unavailable(r)) => r.clone(),
        _ => "no turn with both rotations measured".into(),
    };
    metrics.insert(
        "thoracic_rotation_share".into(),
        Measure::from_option(
            shares.map(|s| s.0),
            "%",
            "thoracic over thoracic + pelvis rotation at the turns' peaks",
            1.0,
            reason.clone(),
        ),
    );
    metrics.insert(
        "pelvis_rotation_share".into(),
        Measure::from_option(
            shares.map(|s| s.1),
            "%",
            "pelvis over thoracic + pelvis rotation at the turns' peaks",
            1.0,
            reason,
        ),
    );
    MovementAnalysis {
        movement: Movement::Rotation,
        view,
        segments,
        metrics,
        notes,
    }
}
