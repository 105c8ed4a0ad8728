//! Thoracic rotation: turns to each side and their peaks.
//!
//! Turns are found on the shoulder rotation that the rotation measurement gives
//! ([`crate::kinematics::spine::measure_rotation`]: side-on protocol, or BlazePose world yaw),
//! in degrees from the subject's own neutral, so the thresholds are fixed angles: a turn found
//! on the first seconds of a clip is the same turn found on the whole clip (`live` relies on
//! that). From the front, where MoveNet's 2-D keypoints give no rotation angle, turns are found
//! on the head's sideways offset over the shoulder midpoint and count only when the shoulder
//! line also narrows, so a turn of the head alone is not a turn. The range per turn and per side
//! and the thoracic and pelvis shares come from the rotation measurement only and are "cannot
//! assess" with its reason without it.

use super::segment::{dwell, excursions, Dwell, Excursion, Hysteresis};
use super::series::{self, fill_gaps, percentile, MAX_FILL_S};
use super::spine::SpineMeasures;
use super::{Event, Measure, Movement, MovementAnalysis, Segment};
use crate::kinematics::passes::Facing;
use crate::kinematics::spine::rotation::SidePeaks;
use crate::kinematics::spine::{Rotation, Series};
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::text;
use crate::text::Text;
use std::collections::BTreeMap;

/// Shoulder rotation (degrees from neutral) that starts a turn, and below which it has ended.
pub const TURN_ENTER_DEG: f64 = 12.0;
const TURN_EXIT_DEG: f64 = 5.0;
/// Head offset over the shoulder midpoint (trunk lengths) that starts a turn seen from the
/// front, and below which it has ended: about a 25° turn for an adult head.
const HEAD_ENTER: f64 = 0.08;
const HEAD_EXIT: f64 = 0.04;
/// A front-view turn counts only when the shoulder line narrows below this fraction of its
/// facing width (cos 22° ≈ 0.93).
const SHOULDER_NARROWING: f64 = 0.93;
/// From the front, MoveNet's nose and shoulders barely move in turns smaller than this
/// (measured on synthetic turns: a 25° turn moved the nose 0.05 trunk lengths and narrowed the
/// shoulders by 2 %, both within their noise), so such turns can be missed.
pub const FRONT_VIEW_MIN_TURN_DEG: f64 = 35.0;
/// From the front, the pelvis still faces the camera while its width stays above this fraction
/// of its facing width (cos 37°).
const PELVIS_FACING: f64 = 0.8;
/// Shortest turn, seconds (above the entry level): turning out past 12° and back within less
/// is a keypoint glitch, not a turn.
const MIN_TURN_S: f64 = 0.4;
/// The peak of a turn is the middle of the time it spends above this fraction of its largest
/// value (the half-maximum centre): a turn held at its end has a plateau whose highest frame is
/// noise. On the synthetic turns half the maximum timed the held peak within 1 frame, where
/// 0.75 of it missed by up to 2.
const PEAK_LEVEL: f64 = 0.5;

/// One turn: towards the subject's left or right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turn {
    pub left: bool,
    pub excursion: Excursion,
    /// The turn's time above [`PEAK_LEVEL`] of its largest value; its centre is the peak.
    pub held: Dwell,
}

/// The turns of a clip and the signal they were found on.
#[derive(Debug, Clone, PartialEq)]
pub struct Turns {
    /// Per frame, positive towards the subject's left.
    pub signal: Vec<Option<f64>>,
    pub unit: &'static str,
    pub method: &'static str,
    pub found: Vec<Turn>,
    /// Turns seen but not counted, and why.
    pub notes: Vec<Text>,
    /// Why turns may have gone unseen, where the method can miss them: then the turns per side
    /// cannot be compared.
    pub may_miss: Option<Text>,
}

/// Finds the turns of a clip from its rotation measurement (`Err`: why none was made) or,
/// where the measurement found the subject facing the camera, from the head offset. `Err` says
/// why neither can be read.
pub fn find_turns(k: &Kinematics, rotation: Result<&Rotation, &Text>) -> Result<Turns, Text> {
    if let Ok(r) = rotation {
        if r.shoulder_rotation.count() > 0 {
            return Ok(measured_turns(k, r));
        }
    }
    let (why, faced_the_camera) = match rotation {
        Ok(r) => (
            r.cannot_assess.clone().unwrap_or_else(|| {
                text!(
                    "the shoulder rotation was not measured",
                    "肩の回旋を測れていません"
                )
            }),
            r.faced_the_camera,
        ),
        Err(reason) => (reason.clone(), false),
    };
    let n = k.times_s.len();
    // The measurement refuses a clip whose subject faces the camera throughout, even where
    // its turns make the view look oblique on the whole.
    if n > 0 && (faced_the_camera || series::main_view(k, 0..n) == View::Front) {
        if let Some(turns) = head_turns(k) {
            return Ok(turns);
        }
    }
    let (why, why_ja) = (&why.en, &why.ja);
    Err(text!(
        "no turn can be found: {why}; from the front, turns are read from the head over the shoulders, which were not seen",
        "回旋を見つけられません: {why_ja}。正面からは肩の上の頭の位置から回旋を読みますが、それが見えませんでした"
    ))
}

fn measured_turns(k: &Kinematics, r: &Rotation) -> Turns {
    let signal = fill_gaps(&r.shoulder_rotation.values, &k.times_s, MAX_FILL_S);
    let h = Hysteresis {
        enter: TURN_ENTER_DEG,
        exit: TURN_EXIT_DEG,
        min_duration_s: MIN_TURN_S,
        settle: 1.0,
    };
    let found = sided_turns(&signal, &k.times_s, &h);
    Turns {
        signal,
        unit: "deg",
        method: "turns of the measured shoulder rotation beyond 12° from neutral (back below 5°)",
        found,
        notes: Vec::new(),
        may_miss: None,
    }
}

/// Why the turns per side cannot be compared when a side-on clip shows turns towards the
/// camera only: turning away from the camera hides the far shoulder behind the body, and 2-D
/// keypoints can miss the whole turn (on synthetic side-on drills MoveNet read a 45° turn away
/// from the camera as 0–4° on one body, 17° on another). A subject facing the image's left
/// shows the camera their left side, so turns to their left are the ones towards it.
fn unseen_side_away_from_camera(k: &Kinematics, found: &[Turn]) -> Option<Text> {
    let mut near_side_left = None;
    for turn in found {
        let pass = k.pass_at(turn.held.centre)?;
        if pass.view.view != View::Side {
            return None;
        }
        let left_near = pass.view.facing? == Facing::Left;
        if *near_side_left.get_or_insert(left_near) != left_near || turn.left != left_near {
            return None;
        }
    }
    let (away, away_ja) = if near_side_left? {
        ("right", "右")
    } else {
        ("left", "左")
    };
    Some(text!(
        "no turn to the {away}, away from the camera, was seen; from a side-on camera such a turn hides the far shoulder behind the body and can be missed, so the turns per side cannot be compared (film the other side too, or use --model blazepose)",
        "カメラから遠ざかる{away_ja}への回旋が見られませんでした。側方のカメラでは、この向きの回旋は奥の肩が体に隠れて見落とされることがあるため、左右の回数は比べられません（反対側からも撮影するか、--model blazepose を使ってください）"
    ))
}

/// Turns seen from the front: the nose moves towards the side the upper body turns to (the
/// subject's left is the image's +x), and the shoulder line narrows.
fn head_turns(k: &Kinematics) -> Option<Turns> {
    let trunk = series::trunk_length(k)?;
    let width = |name: &str| -> Vec<Option<f64>> {
        let left = series::point(k, &format!("left_{name}"));
        let right = series::point(k, &format!("right_{name}"));
        left.iter()
            .zip(&right)
            .map(|(l, r)| Some((l.as_ref()?.0 - r.as_ref()?.0).abs() / trunk))
            .collect()
    };
    let (width, hip_width) = (width("shoulder"), width("hip"));
    let facing_width = percentile(&width, 90.0)?;
    let facing_hips = percentile(&hip_width, 90.0)?;
    // The neck is the shoulders' midpoint only where both are seen: one shoulder alone would
    // put it half a shoulder width off and read as a sharp turn.
    let neck = series::point(k, "neck");
    let nose = series::point(k, "nose");
    // Only while the pelvis faces the camera: a whole-body turn (e.g. turning side-on for the
    // protocol) narrows the hips too and is not a turn of the trunk over the pelvis.
    let raw: Vec<Option<f64>> = (0..k.times_s.len())
        .map(|i| {
            (hip_width[i]? >= PELVIS_FACING * facing_hips)
                .then(|| Some((nose[i]?.0 - neck[i]?.0) / trunk))
                .flatten()
        })
        .collect();
    let raw = fill_gaps(&raw, &k.times_s, MAX_FILL_S);
    let centre = percentile(&raw, 50.0)?;
    let signal: Vec<Option<f64>> = raw.iter().map(|v| v.map(|v| v - centre)).collect();

    let h = Hysteresis {
        enter: HEAD_ENTER,
        exit: HEAD_EXIT,
        min_duration_s: MIN_TURN_S,
        settle: 0.005,
    };
    let mut notes = vec![text!(
        "front view: turns are read from the head and the shoulder line, and turns smaller than about {FRONT_VIEW_MIN_TURN_DEG:.0}° can be missed; for turn counts and angles use the side-on protocol, or --model blazepose, whose world landmarks measure turns from the front",
        "正面からの撮影: 回旋は頭と肩の線から読み取るため、約 {FRONT_VIEW_MIN_TURN_DEG:.0}° より小さい回旋は見落とすことがあります。回数と角度には側方からの手順か、正面からでもワールド座標で回旋を測れる --model blazepose を使ってください"
    )];
    let mut found = Vec::new();
    for turn in sided_turns(&signal, &k.times_s, &h) {
        let held: Vec<f64> = (turn.held.arrival..=turn.held.departure)
            .filter_map(|i| width[i])
            .collect();
        if series::median(&held).is_some_and(|w| w < SHOULDER_NARROWING * facing_width) {
            found.push(turn);
        } else {
            let at = k.times_s[turn.excursion.extreme];
            notes.push(text!(
                "at {at:.1} s the head turned but the shoulder line did not narrow: not counted as a turn",
                "{at:.1} 秒で頭は回りましたが肩の線が狭まらなかったため、回旋として数えていません"
            ));
        }
    }
    Some(Turns {
        signal,
        unit: "trunk_lengths",
        method: "front view: turns of the head's sideways offset over the shoulder midpoint beyond 0.08 trunk lengths (back below 0.04), counted when the shoulder line narrows below 93% of its facing width",
        found,
        notes,
        may_miss: Some(text!(
            "from the front, turns are read from the head over the shoulders, and turns smaller than about {FRONT_VIEW_MIN_TURN_DEG:.0}° can be missed, so the turns per side cannot be compared (film side-on, or use --model blazepose)",
            "正面からは肩の上の頭の位置から回旋を読むため、約 {FRONT_VIEW_MIN_TURN_DEG:.0}° より小さい回旋は見落とすことがあり、左右の回数は比べられません（側方から撮影するか、--model blazepose を使ってください）"
        )),
    })
}

/// Turns of `signal` to each side (positive = the subject's left), in time order.
fn sided_turns(signal: &[Option<f64>], times: &[f64], h: &Hysteresis) -> Vec<Turn> {
    let mut found = Vec::new();
    for left in [true, false] {
        let sign = if left { 1.0 } else { -1.0 };
        // Past neutral the trunk turns to the other side, which is not rest for this side's
        // turn: read as ever further "below rest", it would walk the turn's start and end into
        // a neighbouring turn to the other side, and that turn's peak into this one's range.
        let one_side: Vec<Option<f64>> = signal
            .iter()
            .map(|v| v.map(|v| (sign * v).max(0.0)))
            .collect();
        found.extend(excursions(&one_side, times, h).0.into_iter().map(|e| {
            let top = one_side[e.extreme].unwrap_or(0.0);
            let band = (1.0 - PEAK_LEVEL) * top;
            Turn {
                left,
                excursion: e,
                held: dwell(&one_side, times, e.start..=e.end, e.extreme, band),
            }
        }));
    }
    found.sort_by_key(|t| t.excursion.start);
    found
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
    let rotation = spine.rotation();
    let mut notes = Vec::new();
    let mut segments = Vec::new();
    let turns = find_turns(k, spine.rotation_measurement());
    let (found, signal, unit, method) = match &turns {
        Ok(turns) => {
            notes.extend(turns.notes.iter().cloned());
            (
                &turns.found[..],
                &turns.signal[..],
                turns.unit,
                turns.method,
            )
        }
        Err(reason) => {
            notes.push(reason.clone());
            (&[][..], &[][..], "", "")
        }
    };
    let mut ranges: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut counts = [0usize; 2];
    for turn in found {
        let (e, peak) = (turn.excursion, turn.held.centre);
        let index = usize::from(!turn.left);
        counts[index] += 1;
        let confidence = series::mean_confidence(
            k,
            &["left_shoulder", "right_shoulder", "left_hip", "right_hip"],
            e.start..e.end + 1,
        );
        let mut metrics = BTreeMap::new();
        metrics.insert(
            "turn_peak".into(),
            Measure::from_option(
                signal[peak].map(f64::abs),
                unit,
                format!("the turn signal at the turn's peak ({method})"),
                confidence,
                text!("not seen at the peak", "回旋の頂点で見えません"),
            ),
        );
        let range = |pick: fn(&Rotation) -> &Series| match &rotation {
            Ok(r) => turn_range(pick(r), e.start..=e.end),
            Err(reason) => Measure::missing(
                "deg",
                "rotation measurement (side-on protocol)",
                (*reason).clone(),
            ),
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
        // Out to the peak and back are two movements with a hold between them; SPARC is
        // defined for one, so each half is scored and the less smooth one kept.
        let halves = [e.start..peak + 1, peak..e.end + 1]
            .map(|half| super::smoothness::sparc_of(signal, t, half));
        metrics.insert(
            "sparc".into(),
            Measure::from_option(
                halves[0].zip(halves[1]).map(|(out, back)| out.min(back)),
                "dimensionless",
                "SPARC of the turn signal's speed, out to the peak and back, the less smooth of the two",
                confidence,
                text!("too few frames in the turn", "回旋のフレームが少なすぎます"),
            ),
        );
        let event = |name: &str, position: usize| Event {
            name: name.into(),
            position,
            time_s: t[position],
        };
        segments.push(Segment {
            kind: if turn.left { "turn_left" } else { "turn_right" }.into(),
            number: counts[index],
            start_s: t[e.start],
            end_s: t[e.end],
            events: vec![
                event("start", e.start),
                event("peak", peak),
                event("end", e.end),
            ],
            phases: Vec::new(),
            metrics,
            view: series::view_at(k, peak),
        });
    }
    let mut metrics = BTreeMap::new();
    let count = match &turns {
        Ok(_) => Measure::value(found.len() as f64, "turns", method, 1.0),
        Err(reason) => Measure::missing("turns", "turns of the upper body", reason.clone()),
    };
    metrics.insert("turn_count".into(), count);
    let away_unseen = unseen_side_away_from_camera(k, found);
    if let Some(reason) = &away_unseen {
        notes.push(reason.clone());
    }
    let may_miss = away_unseen.or_else(|| turns.as_ref().ok()?.may_miss.clone());
    metrics.insert(
        "turns_per_side_difference".into(),
        match (found.is_empty(), may_miss) {
            (true, _) => Measure::missing(
                "turns",
                method,
                text!("no turns were found", "回旋が見つかりませんでした"),
            ),
            (false, Some(reason)) => Measure::missing("turns", method, reason),
            (false, None) => {
                Measure::value(counts[0].abs_diff(counts[1]) as f64, "turns", method, 1.0)
            }
        },
    );
    let unavailable = |what: &str, what_ja: &str| match &rotation {
        Err(reason) => (*reason).clone(),
        Ok(_) => text!(
            "{what}: no turn to each side with the rotation measured",
            "{what_ja}: 回旋を測れた左右それぞれへの回旋がありません"
        ),
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
                unavailable("the range symmetry", "可動域の左右差"),
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
        None => {
            let why = series.why_missing();
            let (why, why_ja) = (&why.en, &why.ja);
            Measure::missing(
                "deg",
                method,
                text!(
                    "not measured during the turn ({why})",
                    "回旋の間に測れていません（{why_ja}）"
                ),
            )
        }
    }
}

/// Per-clip rotation to each side (the measurement's 95th-percentile turn, which does not
/// depend on the 2-D turn finding), its symmetry, and the thoracic and pelvis shares of it.
fn side_metrics(rotation: &Result<&Rotation, &Text>, metrics: &mut BTreeMap<String, Measure>) {
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
                    Measure::missing(
                        unit,
                        "rotation measurement (side-on protocol)",
                        (*reason).clone(),
                    ),
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
            {
                let why = s.why_missing();
                let (why, why_ja) = (&why.en, &why.ja);
                text!(
                    "no turn to that side was measured ({why})",
                    "その側への回旋を測れていません（{why_ja}）"
                )
            },
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
            text!(
                "the thoracic rotation was not measured to both sides",
                "胸椎の回旋を左右両方へは測れていません"
            ),
        ),
    );
    let turn = |p: &SidePeaks| Some(p.left_deg? + p.right_deg?);
    let shares = match (turn(&r.thoracic_peaks), turn(&r.pelvis_peaks)) {
        (Some(a), Some(b)) if a + b > 0.0 => Some((100.0 * a / (a + b), 100.0 * b / (a + b))),
        _ => None,
    };
    let c = confidence(th).min(confidence(pe));
    let reason = text!(
        "the thoracic and pelvis rotation were not both measured to both sides",
        "胸椎と骨盤の回旋を、左右両方へそろって測れていません"
    );
    metrics.insert(
        "thoracic_rotation_share".into(),
        Measure::from_option(
            shares.map(|s| s.0),
            "%",
            "thoracic (shoulders relative to the pelvis) over thoracic + pelvis rotation, summed over the largest turn to each side",
            c,
            reason.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_that_follow_each_other_end_where_the_trunk_passes_neutral() {
        // Left and right turns of 30° one after another, with no rest between them.
        let times: Vec<f64> = (0..240).map(|i| f64::from(i) / 30.0).collect();
        let signal: Vec<Option<f64>> = times
            .iter()
            .map(|t| Some(30.0 * (std::f64::consts::TAU * t / 4.0).sin()))
            .collect();
        let h = Hysteresis {
            enter: TURN_ENTER_DEG,
            exit: TURN_EXIT_DEG,
            min_duration_s: MIN_TURN_S,
            settle: 1.0,
        };
        let turns = sided_turns(&signal, &times, &h);
        assert_eq!(turns.len(), 4, "{turns:?}");
        // Each turn ends on the frame that crosses neutral, where the next one starts.
        for pair in turns.windows(2) {
            assert!(
                pair[0].excursion.end <= pair[1].excursion.start + 1,
                "turns overlap: {pair:?}"
            );
        }
        for turn in &turns {
            let sign = if turn.left { 1.0 } else { -1.0 };
            let inside = &signal[turn.excursion.start + 1..turn.excursion.end];
            for (i, v) in inside.iter().enumerate() {
                let v = sign * v.unwrap();
                assert!(
                    v >= 0.0,
                    "the turn reaches {v:.1}° to the other side ({i} frames in)"
                );
            }
        }
    }
}
