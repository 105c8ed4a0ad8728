//! Movement analysis: finds the repetitions, rises, steps or turns of one movement in a clip's
//! [`Kinematics`] and measures each of them.
//!
//! One analyzer per movement ([`hinge`], [`sit_to_stand`], [`gait`], [`rotation`]) returns a
//! [`MovementAnalysis`]: the segments it found (each with its events and [`Measure`]s) and the
//! per-clip measures. [`recognise`] says which of the four a clip shows, or that it shows none.
//! Every measure carries its unit, method and confidence, or says why it cannot be measured;
//! nothing here is NaN.

pub mod gait;
pub mod hinge;
pub mod recognise;
pub mod rotation;
pub mod segment;
pub mod series;
pub mod sit_to_stand;
pub mod smoothness;
pub mod spine;

pub use spine::SpineMeasures;

use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::text;
use crate::text::{tr, Lang, Text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The four movements ugoki scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Hip hinge (004 §3-2, §4-2 ③).
    Hinge,
    /// Sit-to-stand (004 §5-2).
    Sts,
    /// Gait (004 §5-3).
    Gait,
    /// Thoracic rotation (004 §2-3, §3-3, §4-3 ⑥).
    Rotation,
}

impl Movement {
    /// Every movement, in report order.
    pub const ALL: [Movement; 4] = [
        Movement::Hinge,
        Movement::Sts,
        Movement::Gait,
        Movement::Rotation,
    ];

    /// The name used on the command line, in criteria files and in `analysis.json`.
    pub fn key(self) -> &'static str {
        match self {
            Movement::Hinge => "hinge",
            Movement::Sts => "sts",
            Movement::Gait => "gait",
            Movement::Rotation => "rotation",
        }
    }

    /// The movement called `key`.
    pub fn from_key(key: &str) -> Option<Movement> {
        Movement::ALL.into_iter().find(|m| m.key() == key)
    }

    /// A readable English name.
    pub fn title(self) -> &'static str {
        match self {
            Movement::Hinge => "hip hinge",
            Movement::Sts => "sit-to-stand",
            Movement::Gait => "gait",
            Movement::Rotation => "thoracic rotation",
        }
    }

    /// The name in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        let ja = match self {
            Movement::Hinge => "ヒップヒンジ",
            Movement::Sts => "立ち上がり",
            Movement::Gait => "歩行",
            Movement::Rotation => "胸椎回旋",
        };
        tr(lang, self.title(), ja)
    }

    /// The analyzer of this movement, on a clip's kinematics and its spine measurements.
    pub fn analyze(self, kinematics: &Kinematics, spine: &SpineMeasures) -> MovementAnalysis {
        match self {
            Movement::Hinge => hinge::analyze(kinematics, spine),
            Movement::Sts => sit_to_stand::analyze(kinematics, spine),
            Movement::Gait => gait::analyze(kinematics, spine),
            Movement::Rotation => rotation::analyze(kinematics, spine),
        }
    }
}

/// One measured quantity: a value with its unit, method and confidence, or the reason it
/// cannot be measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// `None` when it cannot be measured (then `cannot_assess` says why).
    pub value: Option<f64>,
    pub unit: String,
    /// How the value was obtained.
    pub method: String,
    /// 0..1.
    pub confidence: f64,
    pub cannot_assess: Option<Text>,
    /// A class the value grades, where the quantity has one (the back shape: `rounded`,
    /// `neutral` or `hollow`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Half-width of the value's ~95 % interval, in its unit, where the measurement can
    /// estimate its own precision; a verdict is given only when the whole interval earns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<f64>,
}

impl Measure {
    /// A measured value. A non-finite value becomes "cannot assess" rather than NaN.
    pub fn value(value: f64, unit: &str, method: impl Into<String>, confidence: f64) -> Measure {
        if !value.is_finite() {
            return Measure::missing(
                unit,
                method,
                text!(
                    "the computation gave no finite value",
                    "計算結果が有限の値になりませんでした"
                ),
            );
        }
        Measure {
            value: Some(value),
            unit: unit.into(),
            method: method.into(),
            confidence: confidence.clamp(0.0, 1.0),
            cannot_assess: None,
            class: None,
            uncertainty: None,
        }
    }

    /// A quantity that cannot be measured here, and why.
    pub fn missing(unit: &str, method: impl Into<String>, reason: Text) -> Measure {
        Measure {
            value: None,
            unit: unit.into(),
            method: method.into(),
            confidence: 0.0,
            cannot_assess: Some(reason),
            class: None,
            uncertainty: None,
        }
    }

    /// The same measure with its ~95 % half-width (ignored when not finite).
    pub fn with_uncertainty(self, uncertainty: Option<f64>) -> Measure {
        Measure {
            uncertainty: uncertainty.filter(|u| u.is_finite()),
            ..self
        }
    }

    /// `value` when `Some`, otherwise "cannot assess" with `reason`.
    pub fn from_option(
        value: Option<f64>,
        unit: &str,
        method: impl Into<String>,
        confidence: f64,
        reason: Text,
    ) -> Measure {
        match value {
            Some(v) => Measure::value(v, unit, method, confidence),
            None => Measure::missing(unit, method, reason),
        }
    }
}

/// A named instant inside a segment (a seat-off, a heel strike, a turn's peak).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub name: String,
    /// Track position (index into `Kinematics::times_s`).
    pub position: usize,
    pub time_s: f64,
}

/// A phase between two events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub name: String,
    pub start_s: f64,
    pub end_s: f64,
}

/// One repetition, rise, sit, gait cycle or turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// `rep`, `rise`, `sit`, `step`, `turn_left`, `turn_right`.
    pub kind: String,
    /// 1-based within its kind.
    pub number: usize,
    pub start_s: f64,
    pub end_s: f64,
    pub events: Vec<Event>,
    pub phases: Vec<Phase>,
    pub metrics: BTreeMap<String, Measure>,
    /// The camera view during the segment.
    pub view: View,
}

/// What one analyzer found in a clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementAnalysis {
    pub movement: Movement,
    /// The main view of the analysed part of the clip.
    pub view: View,
    pub segments: Vec<Segment>,
    /// Per-clip measures (counts, means, symmetry, test results).
    pub metrics: BTreeMap<String, Measure>,
    /// Notes on what was found and how (e.g. "clip ends during a descent: not counted").
    pub notes: Vec<Text>,
}

impl Segment {
    /// `kind number` (`rep 2`): how judgements name the segment they judge.
    pub fn id(&self) -> String {
        format!("{} {}", self.kind, self.number)
    }

    /// The kind and number for people, in `lang`.
    pub fn label(&self, lang: Lang) -> String {
        segment_label(&self.id(), lang)
    }
}

/// An event's name for people, in `lang`.
pub fn event_label(name: &str, lang: Lang) -> &str {
    match name {
        "bottom" => tr(lang, "bottom", "最も深いところ"),
        "seat_off" => tr(lang, "seat-off", "お尻が座面から離れる"),
        "full_stand" => tr(lang, "full stand", "立ち切り"),
        "left_heel_strike" => tr(lang, "left heel strike", "左の踵接地"),
        "right_heel_strike" => tr(lang, "right heel strike", "右の踵接地"),
        "peak" => tr(lang, "peak", "頂点"),
        other => other,
    }
}

/// A segment's [`Segment::id`] (or a judgement's `on`, which may also be `clip`) for people,
/// in `lang`.
pub fn segment_label(id: &str, lang: Lang) -> String {
    let (kind, number) = id.split_once(' ').unwrap_or((id, ""));
    let kind = match kind {
        "rep" => tr(lang, "rep", "反復"),
        "rise" => tr(lang, "rise", "立ち上がり"),
        "sit" => tr(lang, "sit", "着座"),
        "step" => tr(lang, "step", "歩"),
        "turn_left" => tr(lang, "turn left", "左への回旋"),
        "turn_right" => tr(lang, "turn right", "右への回旋"),
        "clip" => tr(lang, "clip", "動画全体"),
        other => other,
    };
    if number.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} {number}")
    }
}

impl MovementAnalysis {
    /// Segments of `kind`.
    pub fn segments_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Segment> + 'a {
        self.segments.iter().filter(move |s| s.kind == kind)
    }
}

/// Whether a quantity is measured once per segment or once per clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    PerRep,
    PerClip,
}

/// A quantity an analyzer measures: criteria files may only name these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    pub name: &'static str,
    pub unit: &'static str,
    pub scope: Scope,
}

const fn q(name: &'static str, unit: &'static str, scope: Scope) -> Quantity {
    Quantity { name, unit, scope }
}

/// Whether `movement`'s analyzer measures `quantity` per segment or per clip; `None` when it
/// does not measure it.
pub fn scope(movement: Movement, quantity: &str) -> Option<Scope> {
    quantities(movement)
        .iter()
        .find(|q| q.name == quantity)
        .map(|q| q.scope)
}

/// The quantities the analyzer of `movement` measures.
pub fn quantities(movement: Movement) -> &'static [Quantity] {
    match movement {
        Movement::Hinge => HINGE,
        Movement::Sts => STS,
        Movement::Gait => GAIT,
        Movement::Rotation => ROTATION,
    }
}

use Scope::{PerClip, PerRep};

const HINGE: &[Quantity] = &[
    q("stance_width_ratio", "ratio", PerClip),
    q("peak_trunk_flexion", "deg", PerRep),
    q("peak_hip_flexion", "deg", PerRep),
    q("peak_knee_flexion", "deg", PerRep),
    q("hip_back_shift", "trunk_lengths", PerRep),
    q("rep_duration", "s", PerRep),
    q("hip_part", "deg", PerRep),
    q("spinal_part", "deg", PerRep),
    q("hip_spine_ratio", "ratio", PerRep),
    q("lumbopelvic_rhythm_0_30", "ratio", PerRep),
    q("lumbopelvic_rhythm_30_60", "ratio", PerRep),
    q("lumbopelvic_rhythm_60_90", "ratio", PerRep),
    q("back_shape", "deg", PerRep),
    q("spinal_flexion_beyond_hip_range", "deg", PerRep),
    q("sparc", "dimensionless", PerRep),
    q("rep_count", "reps", PerClip),
];

const STS: &[Quantity] = &[
    q("foot_behind_knee", "shank_lengths", PerRep),
    q("trunk_inclination_at_seat_off", "deg", PerRep),
    q("spinal_flexion_at_seat_off", "deg", PerRep),
    q("hand_support", "fraction", PerRep),
    q("hip_flexion_at_full_stand", "deg", PerRep),
    q("rise_duration", "s", PerRep),
    q("peak_trunk_angular_velocity", "deg/s", PerRep),
    q("peak_spinal_flexion", "deg", PerRep),
    q("sparc", "dimensionless", PerRep),
    q("rise_count", "rises", PerClip),
    q("sit_count", "sits", PerClip),
    q("five_times_sts_time", "s", PerClip),
    q("thirty_second_chair_stands", "rises", PerClip),
];

const GAIT: &[Quantity] = &[
    q("lateral_trunk_sway", "deg", PerClip),
    q("lumbar_extension_change_in_swing", "deg", PerClip),
    q("heel_strike_vertical_speed", "body_heights/s", PerClip),
    q("thigh_excursion", "deg", PerClip),
    q("heel_first_contact", "fraction", PerClip),
    q("abdominal_bracing", "none", PerClip),
    q("head_vertical_oscillation", "body_heights", PerClip),
    q("head_lateral_oscillation", "body_heights", PerClip),
    q("step_time_symmetry", "%", PerClip),
    q("step_count", "steps", PerClip),
    q("cadence", "steps/min", PerClip),
    q("step_time", "s", PerClip),
    q("stance_fraction", "%", PerClip),
    q("swing_fraction", "%", PerClip),
    q("double_support", "%", PerClip),
    q("step_length", "m", PerClip),
];

const ROTATION: &[Quantity] = &[
    q("thoracic_rotation_share", "%", PerClip),
    q("pelvis_rotation_share", "%", PerClip),
    q("thoracic_rotation_left", "deg", PerClip),
    q("thoracic_rotation_right", "deg", PerClip),
    q("pelvis_rotation_left", "deg", PerClip),
    q("pelvis_rotation_right", "deg", PerClip),
    q("thoracic_rotation_symmetry", "ratio", PerClip),
    q("turns_per_side_difference", "turns", PerClip),
    q("turn_range_symmetry", "%", PerClip),
    q("turn_count", "turns", PerClip),
    q("sparc", "dimensionless", PerRep),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_events_are_named_in_either_language() {
        assert_eq!(segment_label("rep 2", Lang::Ja), "反復 2");
        assert_eq!(segment_label("turn_left 1", Lang::En), "turn left 1");
        assert_eq!(segment_label("clip", Lang::Ja), "動画全体");
        assert_eq!(event_label("seat_off", Lang::En), "seat-off");
        assert_eq!(
            event_label("an_unknown_event", Lang::Ja),
            "an_unknown_event"
        );
    }
}
