//! Thoracic rotation: turns to each side and their peaks.
//!
//! Turns are found on the sideways shift of the shoulder midpoint (in trunk lengths) about its
//! moving median (where the still pelvis keeps it), which swings to one side and the other as the upper body turns
//! over a still pelvis; hysteresis on each side of the clip's median keeps noise from counting.
//! This 2-D signal finds and times the turns; it is not a rotation angle, so the range per turn
//! and per side and the thoracic and pelvis shares come from the rotation measurement
//! ([`crate::kinematics::spine::measure_rotation`], side-on protocol) and are "cannot assess"
//! with its reason without it.

use super::segment::{excursions, Hysteresis};
use super::series::{self, fill_gaps, percentile, MAX_FILL_S};
use super::spine::SpineMeasures;
use super::{Event, Measure, Movement, MovementAnalysis, Segment};
use crate::kinematics::spine::rotation::SidePeaks;
use crate::kinematics::spine::{Rotation, Series};
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
pub fn analyze(k: &Kinematics, spine: &SpineMeasures) -> MovementAnalysis {
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
    let rotation = spine.rotation();
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
        let range = |pick: fn(&Rotation) -> &Series| match &rotation {
            Ok(r) => turn_range(pick(r), e.start..=e.end),
            Err(reason) => {
                Measure::missing("deg", "rotation measurement (side-on protocol)", *reason)
            }
        };
        let thoracic = range(|r| &r.thoracic_rotation);
        if let Some(v) = thoracic.value {
            ranges[index].push(v);
        }
        metrics.insert("thoracic_rotation_range".into(), thoracic);
        metrics.insert(
            "pelvis_rotation_range".into(),
            range(|r| &r.pelvis_rotation),
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
        Err(reason) => reason.to_string(),
        Ok(_) => format!("{what}: no turn to each side with the rotation measured"),
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
    side_metrics(&rotation, &mut metrics);
    MovementAnalysis {
        movement: Movement::Rotation,
        view,
        segments,
        metrics,
        notes,
    }
}

/// The largest |rotation| of `series` within a turn, with its frame's confidence.
fn turn_range(series: &Series, turn: std::ops::RangeInclusive<usize>) -> Measure {
    let method = format!("largest |{}| in the turn ({})", series.name, series.method);
    match turn
        .filter_map(|i| Some((series.values[i]?.abs(), series.confidence[i])))
        .max_by(|a, b| a.0.total_cmp(&b.0))
    {
        Some((v, c)) => Measure::value(v, "deg", method, c),
        None => Measure::missing(
            "deg",
            method,
            format!(
                "not measured during the turn ({})",
                series.main_missing_reason().unwrap_or("no reason recorded")
            ),
        ),
    }
}

/// Per-clip rotation to each side (the measurement's 95th-percentile turn, which does not
/// depend on the 2-D turn finding), its symmetry, and the thoracic and pelvis shares of it.
fn side_metrics(rotation: &Result<&Rotation, &str>, metrics: &mut BTreeMap<String, Measure>) {
    let r = match rotation {
        Ok(r) => r,
        Err(reason) => {
            for (name, unit) in [
                ("thoracic_rotation_left", "deg"),
                ("thoracic_rotation_right", "deg"),
                ("pelvis_rotation_left", "deg"),
                ("pelvis_rotation_right", "deg"),
                ("thoracic_rotation_symmetry", "ratio"),
                ("thoracic_rotation_share", "%"),
                ("pelvis_rotation_share", "%"),
            ] {
                metrics.insert(
                    name.into(),
                    Measure::missing(unit, "rotation measurement (side-on protocol)", *reason),
                );
            }
            return;
        }
    };
    let confidence = |s: &Series| {
        let c: Vec<f64> = s
            .values
            .iter()
            .zip(&s.confidence)
            .filter(|(v, _)| v.is_some())
            .map(|(_, c)| *c)
            .collect();
        c.iter().sum::<f64>() / c.len().max(1) as f64
    };
    let side = |peaks: &SidePeaks, s: &Series, left: bool| {
        let method = format!(
            "95th percentile of the turns towards the subject's {} ({})",
            if left { "left" } else { "right" },
            s.method
        );
        Measure::from_option(
            if left {
                peaks.left_deg
            } else {
                peaks.right_deg
            },
            "deg",
            method,
            confidence(s),
            format!(
                "no turn to that side was measured ({})",
                s.main_missing_reason().unwrap_or("no reason recorded")
            ),
        )
    };
    let (th, pe) = (&r.thoracic_rotation, &r.pelvis_rotation);
    metrics.insert(
        "thoracic_rotation_left".into(),
        side(&r.thoracic_peaks, th, true),
    );
    metrics.insert(
        "thoracic_rotation_right".into(),
        side(&r.thoracic_peaks, th, false),
    );
    metrics.insert(
        "pelvis_rotation_left".into(),
        side(&r.pelvis_peaks, pe, true),
    );
    metrics.insert(
        "pelvis_rotation_right".into(),
        side(&r.pelvis_peaks, pe, false),
    );
    metrics.insert(
        "thoracic_rotation_symmetry".into(),
        Measure::from_option(
            r.thoracic_peaks.symmetry,
            "ratio",
            "smaller over larger thoracic rotation to each side (1 = symmetric)",
            confidence(th),
            "the thoracic rotation was not measured to both sides",
        ),
    );
    let turn = |p: &SidePeaks| Some(p.left_deg? + p.right_deg?);
    let shares = match (turn(&r.thoracic_peaks), turn(&r.pelvis_peaks)) {
        (Some(a), Some(b)) if a + b > 0.0 => Some((100.0 * a / (a + b), 100.0 * b / (a + b))),
        _ => None,
    };
    let c = confidence(th).min(confidence(pe));
    let reason = "the thoracic and pelvis rotation were not both measured to both sides";
    metrics.insert(
        "thoracic_rotation_share".into(),
        Measure::from_option(
            shares.map(|s| s.0),
            "%",
            "thoracic (shoulders relative to the pelvis) over thoracic + pelvis rotation, summed over the largest turn to each side",
            c,
            reason,
        ),
    );
    metrics.insert(
        "pelvis_rotation_share".into(),
        Measure::from_option(
            shares.map(|s| s.1),
            "%",
            "pelvis over thoracic + pelvis rotation, summed over the largest turn to each side",
            c,
            reason,
        ),
    );
}
