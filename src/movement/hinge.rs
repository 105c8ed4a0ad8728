//! Hip hinge: repetitions from trunk inclination, with start, bottom and end, tempo, and the
//! measures of 004 §3-2 per repetition.
//!
//! The rest position is where the clip starts: standing (a good morning, a hinge drill) or at
//! the bottom (a deadlift that starts from the floor); a repetition is one excursion away from
//! rest and back. An excursion still open when the clip ends is noted, not counted. The bottom
//! is the middle of the time the trunk stays near its extreme, so a held bottom turns mid-hold;
//! the top of a lift from the floor is its lockout, where the trunk reaches the top. In a front or back view the trunk bends towards or
//! away from the camera, so the repetitions are found from its foreshortening instead.

use super::segment::{dwell, excursions, jitter, Hysteresis};
use super::series::{self, fill_gaps, inclination, mean_of, percentile, MAX_FILL_S};
use super::spine::{self, SpineMeasures};
use super::{Event, Measure, Movement, MovementAnalysis, Segment};
use crate::kinematics::spine::back_shape::Bend;
use crate::kinematics::spine::rhythm::rhythm;
use crate::kinematics::spine::series::running_median;
use crate::kinematics::spine::{Assessment, ForwardBend, ForwardBendOptions, Series};
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::text;
use crate::text::Text;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// Smallest trunk inclination range (degrees) read as hinge repetitions.
pub const MIN_RANGE_DEG: f64 = 20.0;

/// The hips have stopped flexing on the way down once the hip part comes this close (degrees) to
/// its peak.
pub const ARRIVAL_DEG: f64 = 3.0;

/// Frames of the running median the hips' arrival is read from (centred, odd).
pub const ARRIVAL_MEDIAN_FRAMES: usize = 5;

/// The trunk is at the bottom (or top) of a rep while it stays within this fraction of the
/// rep's range of its extreme: wide enough for the pose model's jitter at the extreme (about 1°
/// side-on), narrow enough that a bend which only slows down is not read as held.
pub const TURN_BAND: f64 = 0.05;

/// ... and within this many standard deviations of the pose model's jitter, where that is
/// wider: from the front a shallow bend shortens the trunk by a few pixels, about as much as the
/// model's jitter at a held bottom, and a band of 5 % of such a range held only the noisiest
/// frame, timing the bottom up to 4 frames early.
pub const TURN_JITTER_SDS: f64 = 3.0;

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

/// How far the trunk is bent per frame, as the clip's main view shows it.
pub struct TrunkBend {
    /// Degrees from vertical (gaps ≤ 0.5 s filled): the inclination, or in a front or back view
    /// (where a bend goes towards or away from the camera) the tilt its foreshortening implies.
    pub degrees: Vec<Option<f64>>,
    /// In a front or back view, the foreshortening the degrees come from. Repetitions are found
    /// on it there: the pose model's noise weighs the same in it at every depth, while the arc
    /// cosine turns one pixel near upright into several degrees.
    shortening: Option<Vec<Option<f64>>>,
}

impl TrunkBend {
    pub fn of(k: &Kinematics) -> TrunkBend {
        let n = k.times_s.len();
        if n > 0 && series::frontal(series::main_view(k, 0..n)) {
            let shortening = fill_gaps(
                &series::foreshortening(k, "neck", "mid_hip"),
                &k.times_s,
                MAX_FILL_S,
            );
            TrunkBend {
                degrees: series::foreshortened_tilt(&shortening),
                shortening: Some(shortening),
            }
        } else {
            TrunkBend {
                degrees: trunk_inclination(k),
                shortening: None,
            }
        }
    }

    pub fn foreshortened(&self) -> bool {
        self.shortening.is_some()
    }

    /// The trunk's repetitions (see [`depth_repetitions`]), at least [`MIN_RANGE_DEG`] deep.
    pub fn repetitions(
        &self,
        times: &[f64],
    ) -> Option<(Vec<super::segment::Excursion>, bool, bool, f64)> {
        match &self.shortening {
            Some(s) => depth_repetitions(s, times, 1.0 - MIN_RANGE_DEG.to_radians().cos()),
            None => depth_repetitions(&self.degrees, times, MIN_RANGE_DEG),
        }
    }
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
            text!(
                "the facing direction is unknown in this part of the clip",
                "この部分では体が左右どちらを向いているかわかりません"
            ),
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
        (_, _, None) => Measure::missing(
            unit,
            method,
            text!(
                "the ankles are not seen during the rep",
                "この反復の間、足首が見えません"
            ),
        ),
        _ => Measure::missing(
            unit,
            method,
            text!(
                "the hips are not seen at the start or bottom of the rep",
                "反復の始まりか最も深いところで腰が見えません"
            ),
        ),
    }
}

/// Names of the per-rep lumbopelvic rhythm measures, one per bin of
/// [`crate::kinematics::spine::rhythm::BINS`].
pub const RHYTHM_METRICS: [&str; 3] = [
    "lumbopelvic_rhythm_0_30",
    "lumbopelvic_rhythm_30_60",
    "lumbopelvic_rhythm_60_90",
];

/// The forward-bend measures of one repetition: the hip and spinal parts at the rep's deepest
/// point and their ratio, the lumbopelvic rhythm by trunk-angle bin, the back's shape and the
/// spinal flexion added once the hips stop flexing. `descent` runs from the top of the rep to
/// its bottom.
fn spine_metrics(
    bend: Result<&ForwardBend, &Text>,
    rep: RangeInclusive<usize>,
    descent: RangeInclusive<usize>,
    t: &[f64],
    metrics: &mut BTreeMap<String, Measure>,
) {
    let bend = match bend {
        Ok(b) => b,
        Err(reason) => {
            for (name, unit) in [
                ("hip_part", "deg"),
                ("spinal_part", "deg"),
                ("hip_spine_ratio", "ratio"),
                ("back_shape", "deg"),
                ("spinal_flexion_beyond_hip_range", "deg"),
            ]
            .into_iter()
            .chain(RHYTHM_METRICS.iter().map(|m| (*m, "ratio")))
            {
                metrics.insert(
                    name.into(),
                    Measure::missing(unit, "forward-bend measurement (side view)", reason.clone()),
                );
            }
            return;
        }
    };
    let deepest = spine::peak(&bend.total_flexion, rep.clone());
    let at_deepest = |series: &Series| match &deepest {
        Ok((i, ..)) => match series.values[*i] {
            Some(v) => Measure::value(
                v,
                &series.unit,
                format!("{} (at the rep's deepest total flexion)", series.method),
                series.confidence[*i],
            ),
            None => Measure::missing(
                &series.unit,
                &series.method,
                text!(
                    "not measured at the rep's deepest point",
                    "反復の最も深いところで測れていません"
                ),
            ),
        },
        Err(reason) => Measure::missing(&series.unit, &series.method, reason.clone()),
    };
    metrics.insert("hip_part".into(), at_deepest(&bend.hip_part));
    metrics.insert("spinal_part".into(), at_deepest(&bend.spinal_part));
    metrics.insert("hip_spine_ratio".into(), at_deepest(&bend.hip_spine_ratio));

    let only_rep = |series: &Series| -> Vec<Option<f64>> {
        (0..series.values.len())
            .map(|i| series.values[i].filter(|_| rep.contains(&i)))
            .collect()
    };
    let bins = rhythm(
        &only_rep(&bend.trunk_inclination),
        &only_rep(&bend.hip_part),
        &only_rep(&bend.spinal_part),
    );
    let confidence = {
        let c: Vec<f64> = rep
            .clone()
            .filter(|i| bend.hip_part.values[*i].is_some())
            .map(|i| bend.hip_part.confidence[i])
            .collect();
        c.iter().sum::<f64>() / c.len().max(1) as f64
    };
    for (name, bin) in RHYTHM_METRICS.iter().zip(&bins) {
        let method = format!(
            "lumbopelvic rhythm: hip part over spinal part gained across trunk inclination {:.0}–{:.0}° within the rep (regression slopes on the trunk angle; the spinal part includes thoracic flexion)",
            bin.trunk_from_deg, bin.trunk_to_deg
        );
        metrics.insert(
            (*name).into(),
            match &bin.ratio {
                Assessment::Assessed(r) => Measure::value(*r, "ratio", method, confidence),
                Assessment::CannotAssess(reason) => {
                    Measure::missing("ratio", method, reason.clone())
                }
            },
        );
    }
    metrics.insert(
        "back_shape".into(),
        back_shape(bend, t[*rep.start()], t[*rep.end()]),
    );
    metrics.insert(
        "spinal_flexion_beyond_hip_range".into(),
        beyond_hip_range(&bend.hip_part, &bend.spinal_part, descent),
    );
}

/// The back's shape over the bends that overlap the rep (the worst of them), graded by how
/// far beyond its class threshold the curve held.
fn back_shape(bend: &ForwardBend, start_s: f64, end_s: f64) -> Measure {
    let th = ForwardBendOptions::default().back_shape;
    let method = format!(
        "back-shape curve of the outline: rounded when above +{}° for more than {} s, hollow when below {}° with the spinal part under {}° (extension) for as long, else neutral, while total flexion exceeds {}°; the value is how far beyond its class threshold the curve held (0 = neutral); the spinal part alone does not decide it, as it includes thoracic flexion",
        th.rounded_above_deg, th.min_duration_s, th.hollow_below_deg, th.hollow_max_spinal_deg, th.min_flexion_deg
    );
    let overlapping: Vec<&Bend> = bend
        .bends
        .iter()
        .filter(|b| b.start_s <= end_s && b.end_s >= start_s)
        .collect();
    let worst = overlapping
        .iter()
        .filter(|b| b.departure_deg.is_some())
        .max_by(|a, b| {
            a.departure_deg
                .unwrap_or(0.0)
                .total_cmp(&b.departure_deg.unwrap_or(0.0))
        });
    let Some(worst) = worst else {
        let reason = overlapping
            .iter()
            .find_map(|b| b.shape.reason())
            .cloned()
            .unwrap_or_else(|| {
                let min = th.min_flexion_deg;
                text!(
                    "the total flexion stays under {min}° in this rep: the back's shape is judged only past it, where a standing back's own curves no longer dominate the outline",
                    "この反復では全体の屈曲が {min}° に届きません: 背中の形は、立った姿勢の背中本来のカーブが輪郭を左右しなくなるそれ以上の屈曲でのみ判定します"
                )
            });
        return Measure::missing("deg", method, reason);
    };
    let frames: Vec<f64> = (0..bend.times_s.len())
        .filter(|i| (worst.start_s..=worst.end_s).contains(&bend.times_s[*i]))
        .filter(|i| bend.back_curve.values[*i].is_some())
        .map(|i| bend.back_curve.confidence[i])
        .collect();
    let confidence = frames.iter().sum::<f64>() / frames.len().max(1) as f64;
    let class = worst.shape.value().map(|s| {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    });
    let median = worst
        .median_curve_deg
        .map_or(String::new(), |m| format!("; median curve {m:.0}°"));
    let mut measure = Measure::value(
        worst.departure_deg.unwrap_or(0.0),
        "deg",
        format!("{method}{median}"),
        confidence,
    );
    measure.class = class;
    measure
}

/// Spinal flexion added after the hips stop flexing on the way down: from the first frame
/// where the hip part (its running median over [`ARRIVAL_MEDIAN_FRAMES`]) comes within
/// [`ARRIVAL_DEG`] of its peak in the descent, the largest rise of the spinal part until the
/// bottom.
fn beyond_hip_range(hip: &Series, spinal: &Series, descent: RangeInclusive<usize>) -> Measure {
    let method = format!(
        "largest rise of the spinal part after the hip part (running median over {ARRIVAL_MEDIAN_FRAMES} frames) comes within {ARRIVAL_DEG}° of its peak on the way down (the spinal part includes thoracic flexion)"
    );
    if let Err(reason) = spine::peak(hip, descent.clone()) {
        return Measure::missing("deg", method, reason);
    }
    // Where the hips have stopped, the hip part wanders by a few degrees from frame to frame
    // (at the floor the knee, the thigh's far end, is often hidden): a frame or two reading high
    // at the very bottom would put the arrival after the whole of the spine's rise.
    let steady = running_median(&hip.values, ARRIVAL_MEDIAN_FRAMES / 2);
    let hip_peak = descent
        .clone()
        .filter_map(|i| steady[i])
        .fold(f64::MIN, f64::max);
    let Some(arrived) = descent
        .clone()
        .find(|i| steady[*i].is_some_and(|v| v >= hip_peak - ARRIVAL_DEG))
    else {
        return Measure::missing(
            "deg",
            method,
            text!(
                "the hip part has no peak on the way down",
                "下りる途中で股関節部分に最大点がありません"
            ),
        );
    };
    let Some(base) = spinal.values[arrived] else {
        return Measure::missing(
            "deg",
            method,
            text!(
                "the spinal part is not measured where the hips stop flexing",
                "股関節の屈曲が止まるところで脊柱部分を測れていません"
            ),
        );
    };
    match spine::peak(spinal, arrived..=*descent.end()) {
        Ok((_, top, c)) => {
            Measure::value(top - base, "deg", method, c.min(hip.confidence[arrived]))
        }
        Err(reason) => Measure::missing("deg", method, reason),
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
        text!(
            "no upright frame shows both ankles and both shoulders",
            "立った姿勢で両足首と両肩が見えるフレームがありません"
        ),
    )
}

/// Analyses a clip as hip hinge repetitions.
pub fn analyze(k: &Kinematics, spine: &SpineMeasures) -> MovementAnalysis {
    let n = k.times_s.len();
    let t = &k.times_s;
    let bend = TrunkBend::of(k);
    let (trunk, foreshortened) = (&bend.degrees, bend.foreshortened());
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
    if let Err(reason) = spine.forward_bend() {
        notes.push(reason.after(&text!(
            "back measures (hip and spinal parts, back shape): ",
            "背中の測定（股関節部分・脊柱部分・背中の形）: "
        )));
    }
    let (bend_method, bend_method_ja) = if foreshortened {
        (
            "the trunk's (mid-hip→neck) foreshortening in this front or back view",
            "正面または後方から見た体幹（腰の中点→首）の見かけの短縮",
        )
    } else {
        (
            "trunk (mid-hip→neck) inclination",
            "体幹（腰の中点→首）の傾き",
        )
    };
    if foreshortened {
        notes.push(text!(
            "front or back view: the repetitions are found and timed from the trunk's foreshortening (its apparent length against its upright length), which shows a bend towards or away from the camera but does not measure its angle",
            "正面または後方からの撮影: 反復は体幹の見かけの短縮（立った時の長さに対する見かけの長さ）から見つけて時間を測っています。カメラに近づく・遠ざかる曲げはわかりますが、その角度は測れません"
        ));
    }
    match bend.repetitions(t) {
        None => notes.push(text!(
            "{bend_method} varies by less than {MIN_RANGE_DEG}° (or is not seen): no hinge repetitions",
            "{bend_method_ja}の変化が {MIN_RANGE_DEG}° 未満です（または見えません）: ヒップヒンジの反復はありません"
        )),
        Some((found, open, starts_deep, _)) => {
            if starts_deep {
                notes.push(text!(
                    "the clip starts at the bottom (a lift from the floor): a repetition is a rise to standing and the return",
                    "動画が最も深い姿勢から始まります（床から持ち上げる動作）: 立ち上がって戻るまでを 1 回の反復としています"
                ));
            }
            if open {
                notes.push(text!(
                    "the clip ends during a repetition: that one is not counted",
                    "動画が反復の途中で終わります: その反復は数えていません"
                ));
            }
            for (number, e) in found.iter().enumerate() {
                // The larger side: a start walked back only to a jitter bump on the way down
                // would make the range, and with it the bottom's band, too small.
                let range = [e.start, e.end]
                    .iter()
                    .filter_map(|&i| Some((trunk[e.extreme]? - trunk[i]?).abs()))
                    .fold(0.0, f64::max);
                let band = jitter(trunk, e.start..=e.end)
                    .map_or(0.0, |sd| TURN_JITTER_SDS * sd)
                    .max(TURN_BAND * range);
                let turn = dwell(trunk, t, e.start..=e.end, e.extreme, band);
                let mut e = *e;
                // A hinge turns at its bottom, so a held bottom turns mid-hold; a lift from the
                // floor is complete at lockout, the moment the trunk reaches the top (as the
                // clips' indexes mark it), however long the lifter then stands.
                e.extreme = if starts_deep { turn.arrival } else { turn.centre };
                let bottom = if starts_deep {
                    // Resting at the bottom: the deepest point is where the rep ends.
                    e.end
                } else {
                    e.extreme
                };
                let mut metrics = BTreeMap::new();
                let whole = e.start..=e.end;
                let confidence = series::mean_confidence(k, &["left_shoulder", "right_shoulder", "left_hip", "right_hip"], e.start..e.end + 1);
                let peak_method = "largest trunk (mid-hip→neck) inclination from vertical";
                metrics.insert(
                    "peak_trunk_flexion".into(),
                    if foreshortened {
                        Measure::missing("deg", peak_method, text!("not a side view: in a front or back view the trunk bends towards or away from the camera, and its foreshortening times the bend without measuring its angle", "側方からの撮影ではありません: 正面や後方からは体幹がカメラに近づく・遠ざかる方向に曲がるため、見かけの短縮で曲げの時間はわかりますが角度は測れません"))
                    } else {
                        Measure::from_option(max_in(trunk, whole.clone()), "deg", peak_method, confidence, text!("trunk not seen", "体幹が見えません"))
                    },
                );
                metrics.insert(
                    "peak_hip_flexion".into(),
                    Measure::from_option(max_in(&hip_flexion, whole.clone()), "deg", "largest hip flexion (thigh vs trunk line, mean of sides; includes any lumbar flexion)", confidence, text!("hips, knees or facing not measured", "腰・膝または体の向きを測れていません")),
                );
                metrics.insert(
                    "peak_knee_flexion".into(),
                    Measure::from_option(max_in(&knee_flexion, whole.clone()), "deg", "largest knee flexion, mean of sides", confidence, text!("knees or ankles not seen (hidden?)", "膝または足首が見えません（隠れている可能性があります）")),
                );
                metrics.insert(
                    "hip_back_shift".into(),
                    match trunk_px {
                        Some(tl) => hip_back_shift(k, if starts_deep { e.extreme } else { e.start }, bottom, tl),
                        None => Measure::missing("trunk_lengths", "", text!("trunk length unknown", "体幹の長さがわかりません")),
                    },
                );
                metrics.insert("rep_duration".into(), Measure::value(t[e.end] - t[e.start], "s", "rep end minus rep start (where the trunk leaves and returns to rest)", confidence));
                // The way down ends where the trunk reaches the bottom, before any hold.
                let descent = if starts_deep { turn.departure..=e.end } else { e.start..=turn.arrival };
                spine_metrics(spine.forward_bend(), whole.clone(), descent, t, &mut metrics);
                // Down and up are two movements with a turn between them; SPARC is defined for
                // one, so each is scored (without the hold at the turn) and the less smooth kept.
                let halves = [e.start..turn.arrival + 1, turn.departure..e.end + 1].map(|half| super::smoothness::sparc_of(trunk, t, half));
                metrics.insert(
                    "sparc".into(),
                    Measure::from_option(halves[0].zip(halves[1]).map(|(down, up)| down.min(up)), "dimensionless", format!("SPARC of the speed of {bend_method}, on the way down and on the way up (the hold at the turn left out), the less smooth of the two"), confidence, text!("too few frames on the way down or up", "下りまたは上りのフレームが少なすぎます")),
                );
                let (descent, ascent) = if starts_deep { (t[e.end] - t[turn.departure], t[turn.arrival] - t[e.start]) } else { (t[turn.arrival] - t[e.start], t[e.end] - t[turn.departure]) };
                let band = format!("within {:.0}% of the rep's range of the extreme, or {TURN_JITTER_SDS} standard deviations of the pose model's jitter where that is wider", 100.0 * TURN_BAND);
                metrics.insert("descent_time".into(), Measure::value(descent, "s", format!("start (or leaving the top) to reaching the bottom ({band}); a hold at either end is not counted"), confidence));
                metrics.insert("ascent_time".into(), Measure::value(ascent, "s", format!("leaving the bottom to reaching the top ({band})"), confidence));
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
    metrics.insert("rep_count".into(), Measure::value(segments.len() as f64, "reps", format!("complete excursions of {bend_method} (hysteresis at 60% / 30% of its range, ≥ 0.4 s)"), 1.0));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, values: &[f64]) -> Series {
        let mut s = Series::new(name, "deg", "", values.len());
        for (i, v) in values.iter().enumerate() {
            s.set(i, *v, 0.8);
        }
        s
    }

    #[test]
    fn one_high_hip_frame_at_the_bottom_does_not_move_the_hips_arrival() {
        // The hips stop at about 99° from frame 4 while the spine goes on flexing; the last
        // frame reads the hip part 5° high.
        let hip = series(
            "hip_part",
            &[
                20.0, 50.0, 80.0, 95.0, 99.0, 100.0, 99.0, 98.0, 99.0, 98.0, 99.0, 104.0,
            ],
        );
        let spinal = series(
            "spinal_part",
            &[
                5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 15.0, 18.0, 21.0, 24.0, 26.0, 27.0,
            ],
        );
        // The running median peaks at 99 (frames 4 on), so the hips arrive at frame 4, where
        // the spinal part is 10; it then rises to 27. Taken frame by frame, the arrival would
        // be the last frame and the rise 0.
        let m = beyond_hip_range(&hip, &spinal, 0..=11);
        assert_eq!(m.value, Some(17.0), "{m:?}");
        assert_eq!(m.confidence, 0.8);
    }
}
