//! Back shape during a bend: rounded, neutral or hollow, from the outline's curve angle.
//!
//! A bend is a stretch where the total flexion stays above [`BackShapeThresholds::min_flexion_deg`]
//! (60° by default: below it a standing back's natural curves dominate the outline). Within a
//! bend the back is called rounded only when the curve angle stays above +5° for longer than
//! 0.3 s, hollow only when, for longer than 0.3 s, the curve stays below -15° **and** the
//! spinal part shows extension (below 0°, relative to standing): a hollow outline alone is not
//! enough, because buttocks and back muscles make a neutral real back read -20…-35° at the
//! bottom of a good deadlift or RDL (whose spinal part reads +11° and more there), while
//! scripted arched reps (lumbar extension) read -16…-28° with the spine extended. The spinal
//! part's own bias decides the 0°: it over-reads by +1…+8° depending on the body (MoveNet's
//! hip-to-shoulder chord and the pelvis slope of the outline), so a threshold at -10° missed
//! arched reps on five bodies out of nine while no good rep came near 0°. A single noisy
//! frame never decides. +5° and the persistence come from the prototype on real clips (a good
//! RDL near -35°, a rounded one +9…+17° at the bottom); the hollow thresholds are ours, set on
//! the synthetic arched reps and the real deadlift.
//!
//! Personalised comparison: with three or more assessed bends, each bend's median curve angle
//! is compared with the median over the same person's bends; a bend more than 15° rounder (or
//! more hollow) than their own usual is flagged, whatever the absolute class.

use super::series::{median, Assessment};
use crate::text;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Back-shape classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackShape {
    /// Bulges towards the back (kyphotic).
    Rounded,
    Neutral,
    /// Hollow (lordotic, arched).
    Hollow,
}

/// Where the classes start and how long they must last.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BackShapeThresholds {
    pub rounded_above_deg: f64,
    pub hollow_below_deg: f64,
    /// Hollow also needs the spinal part below this (extension relative to standing).
    pub hollow_max_spinal_deg: f64,
    /// How long a class must hold, seconds.
    pub min_duration_s: f64,
    /// Trunk–thigh flexion (relative to standing) above which the back is judged.
    pub min_flexion_deg: f64,
    /// Difference from the person's own median that flags a bend.
    pub personal_deviation_deg: f64,
    /// Share of a bend's frames that need a curve angle.
    pub min_measured_share: f64,
}

impl Default for BackShapeThresholds {
    fn default() -> Self {
        BackShapeThresholds {
            rounded_above_deg: 5.0,
            hollow_below_deg: -15.0,
            hollow_max_spinal_deg: 0.0,
            min_duration_s: 0.3,
            min_flexion_deg: 60.0,
            personal_deviation_deg: 15.0,
            min_measured_share: 0.5,
        }
    }
}

/// One bend and its back shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bend {
    pub start_s: f64,
    pub end_s: f64,
    /// Time of the peak flexion.
    pub bottom_s: f64,
    pub peak_flexion_deg: f64,
    /// Median curve angle over the bend's measured frames.
    pub median_curve_deg: Option<f64>,
    /// Longest time the curve stayed above the rounded threshold, seconds.
    pub longest_rounded_s: f64,
    /// Longest time the curve stayed below the hollow threshold, seconds.
    pub longest_hollow_s: f64,
    pub shape: Assessment<BackShape>,
    /// How far beyond its class's threshold the curve held for longer than the persistence
    /// time, degrees (rounded: held curve − `rounded_above_deg`; hollow: `hollow_below_deg` −
    /// held curve); 0 when neutral, `None` when the shape cannot be assessed. A graded
    /// companion of `shape` that scoring can put thresholds on.
    pub departure_deg: Option<f64>,
    /// This bend's median curve minus the median over the person's bends (three or more).
    pub deviation_from_own_deg: Option<f64>,
    /// Set when the deviation passes the personal threshold: `rounder_than_usual` or
    /// `more_hollow_than_usual`.
    pub personal_flag: Option<String>,
}

/// How far below the entry threshold the flexion must fall to end a bend, degrees: flexion
/// hovering about the threshold must not split one bend into many.
pub const BEND_EXIT_MARGIN_DEG: f64 = 15.0;

/// Bends: from where `flexion` rises above `min_flexion` to where it falls below
/// `min_flexion − BEND_EXIT_MARGIN_DEG` (frames without a value do not end a bend), trimmed to
/// the frames above `min_flexion`.
pub fn find_bends(flexion: &[Option<f64>], min_flexion: f64) -> Vec<Range<usize>> {
    let exit = min_flexion - BEND_EXIT_MARGIN_DEG;
    let mut bends = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_above = 0;
    for (i, v) in flexion.iter().enumerate() {
        match v {
            Some(v) if *v > min_flexion => {
                start.get_or_insert(i);
                last_above = i;
            }
            Some(v) if *v < exit => {
                if let Some(s) = start.take() {
                    bends.push(s..last_above + 1);
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        bends.push(s..last_above + 1);
    }
    bends
}

/// Longest time, in seconds, that `condition` holds on consecutive measured frames of `range`
/// (a frame without a value neither breaks nor extends a stretch); a stretch lasts from its
/// first frame to one frame interval past its last.
fn longest_stretch(
    times: &[f64],
    values: &[Option<f64>],
    range: Range<usize>,
    condition: impl Fn(f64) -> bool,
) -> f64 {
    let interval = crate::signal::resample::median_interval(times).unwrap_or(0.0);
    let (mut best, mut start): (f64, Option<usize>) = (0.0, None);
    let mut last = 0;
    for i in range {
        match values[i] {
            Some(v) if condition(v) => {
                start.get_or_insert(i);
                last = i;
            }
            Some(_) => {
                if let Some(s) = start.take() {
                    best = best.max(times[last] - times[s] + interval);
                }
            }
            None => {}
        }
    }
    if let Some(s) = start {
        best = best.max(times[last] - times[s] + interval);
    }
    best
}

/// The most extreme level that `values` stay beyond (above when `above`, else below) on
/// consecutive measured frames of `range` lasting longer than `min_duration_s`, measured as
/// [`longest_stretch`] measures a stretch; `None` when no stretch is that long.
fn held_level(
    times: &[f64],
    values: &[Option<f64>],
    range: Range<usize>,
    min_duration_s: f64,
    above: bool,
) -> Option<f64> {
    let interval = crate::signal::resample::median_interval(times).unwrap_or(0.0);
    let measured: Vec<(f64, f64)> = range.filter_map(|i| Some((times[i], values[i]?))).collect();
    // The shortest qualifying windows suffice: a longer stretch holds no more extreme a level
    // than any qualifying window inside it.
    (0..measured.len())
        .filter_map(|j| {
            let k = (j..measured.len())
                .find(|k| measured[*k].0 - measured[j].0 + interval > min_duration_s)?;
            let window = measured[j..=k].iter().map(|m| m.1);
            Some(if above {
                window.fold(f64::INFINITY, f64::min)
            } else {
                window.fold(f64::NEG_INFINITY, f64::max)
            })
        })
        .reduce(if above { f64::max } else { f64::min })
}

/// Classifies every bend of `flexion` from the `curve` angle and `spinal` part series.
/// `curve_missing` explains a bend whose outline is mostly missing.
pub fn classify_bends(
    times: &[f64],
    flexion: &[Option<f64>],
    spinal: &[Option<f64>],
    curve: &[Option<f64>],
    curve_missing: &Text,
    thresholds: &BackShapeThresholds,
) -> Vec<Bend> {
    let mut bends: Vec<Bend> = find_bends(flexion, thresholds.min_flexion_deg)
        .into_iter()
        .map(|range| {
            let (bottom, peak) = range
                .clone()
                .filter_map(|i| flexion[i].map(|v| (i, v)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap_or((range.start, thresholds.min_flexion_deg));
            let measured = range.clone().filter(|i| curve[*i].is_some()).count();
            let median_curve = median(range.clone().filter_map(|i| curve[i]));
            let rounded = longest_stretch(times, curve, range.clone(), |v| {
                v > thresholds.rounded_above_deg
            });
            // Hollow where both the outline and the spinal part say so.
            let hollow_evidence: Vec<Option<f64>> = curve
                .iter()
                .zip(spinal)
                .map(|(c, s)| {
                    let (c, s) = ((*c)?, (*s)?);
                    Some(if s < thresholds.hollow_max_spinal_deg { c } else { 0.0 })
                })
                .collect();
            let hollow = longest_stretch(times, &hollow_evidence, range.clone(), |v| {
                v < thresholds.hollow_below_deg
            });
            let held = |values: &[Option<f64>], above| {
                held_level(times, values, range.clone(), thresholds.min_duration_s, above)
            };
            let shape = if (measured as f64) < thresholds.min_measured_share * range.len() as f64 {
                let frames = range.len();
                let (why, why_ja) = (&curve_missing.en, &curve_missing.ja);
                Assessment::CannotAssess(text!(
                    "back outline measured in {measured} of {frames} frames of the bend ({why})",
                    "背中の輪郭を測れたのは、曲げている {frames} フレームのうち {measured} フレームだけです（{why_ja}）"
                ))
            } else if rounded > thresholds.min_duration_s && rounded >= hollow {
                Assessment::Assessed(BackShape::Rounded)
            } else if hollow > thresholds.min_duration_s {
                Assessment::Assessed(BackShape::Hollow)
            } else {
                Assessment::Assessed(BackShape::Neutral)
            };
            let departure_deg = shape.value().map(|shape| match shape {
                BackShape::Rounded => held(curve, true).map_or(0.0, |l| l - thresholds.rounded_above_deg),
                BackShape::Hollow => held(&hollow_evidence, false).map_or(0.0, |l| thresholds.hollow_below_deg - l),
                BackShape::Neutral => 0.0,
            });
            Bend {
                start_s: times[range.start],
                end_s: times[range.end - 1],
                bottom_s: times[bottom],
                peak_flexion_deg: peak,
                median_curve_deg: median_curve,
                longest_rounded_s: rounded,
                longest_hollow_s: hollow,
                shape,
                departure_deg,
                deviation_from_own_deg: None,
                personal_flag: None,
            }
        })
        .collect();
    personalise(&mut bends, thresholds.personal_deviation_deg);
    bends
}

fn personalise(bends: &mut [Bend], threshold: f64) {
    let assessed: Vec<f64> = bends
        .iter()
        .filter(|b| b.shape.value().is_some())
        .filter_map(|b| b.median_curve_deg)
        .collect();
    if assessed.len() < 3 {
        return;
    }
    let Some(own) = median(assessed) else { return };
    for bend in bends.iter_mut().filter(|b| b.shape.value().is_some()) {
        let Some(curve) = bend.median_curve_deg else {
            continue;
        };
        let deviation = curve - own;
        bend.deviation_from_own_deg = Some(deviation);
        bend.personal_flag = if deviation > threshold {
            Some("rounder_than_usual".into())
        } else if deviation < -threshold {
            Some("more_hollow_than_usual".into())
        } else {
            None
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(n: usize) -> Vec<f64> {
        (0..n).map(|i| i as f64 / 30.0).collect()
    }

    #[test]
    fn rounded_needs_persistence_not_a_single_frame() {
        let n = 60;
        let t = times(n);
        let flexion: Vec<Option<f64>> = (0..n).map(|_| Some(80.0)).collect();
        // One frame spikes to +20°; the rest is -20°.
        let mut curve: Vec<Option<f64>> = vec![Some(-20.0); n];
        curve[30] = Some(20.0);
        let spinal = vec![Some(0.0); n];
        let bends = classify_bends(
            &t,
            &flexion,
            &spinal,
            &curve,
            &Text::new("", ""),
            &BackShapeThresholds::default(),
        );
        assert_eq!(bends.len(), 1);
        assert_eq!(bends[0].shape, Assessment::Assessed(BackShape::Neutral));
        // Half a second above +5°.
        for v in curve.iter_mut().skip(20).take(15) {
            *v = Some(12.0);
        }
        let bends = classify_bends(
            &t,
            &flexion,
            &spinal,
            &curve,
            &Text::new("", ""),
            &BackShapeThresholds::default(),
        );
        assert_eq!(bends[0].shape, Assessment::Assessed(BackShape::Rounded));
        assert!((bends[0].longest_rounded_s - 0.5).abs() < 0.05);
        // Held at +12° for longer than 0.3 s: 7° beyond the +5° threshold.
        assert_eq!(bends[0].departure_deg, Some(7.0));
        // A rounded stretch too short to count leaves the bend neutral, with no departure.
        for v in curve.iter_mut().skip(28).take(7) {
            *v = Some(-20.0);
        }
        let bends = classify_bends(
            &t,
            &flexion,
            &spinal,
            &curve,
            &Text::new("", ""),
            &BackShapeThresholds::default(),
        );
        assert_eq!(bends[0].shape, Assessment::Assessed(BackShape::Neutral));
        assert_eq!(bends[0].departure_deg, Some(0.0));
    }

    #[test]
    fn bends_are_split_by_standing_and_refused_without_an_outline() {
        let n = 90;
        let t = times(n);
        let flexion: Vec<Option<f64>> = (0..n)
            .map(|i| Some(if (i / 30) % 2 == 0 { 90.0 } else { 10.0 }))
            .collect();
        let mut curve = vec![Some(-25.0); n];
        for v in curve.iter_mut().skip(60) {
            *v = None;
        }
        // A hollow outline with the spine extended is hollow; with the spine as when standing
        // it is a neutral back whose muscles and buttocks make the outline hollow.
        let thresholds = BackShapeThresholds::default();
        let extended = vec![Some(-15.0); n];
        let level = vec![Some(3.0); n];
        let unreliable = Text::new("mask unreliable", "人物マスクが不確か");
        let neutral = classify_bends(&t, &flexion, &level, &curve, &unreliable, &thresholds);
        assert_eq!(neutral[0].shape, Assessment::Assessed(BackShape::Neutral));
        let bends = classify_bends(&t, &flexion, &extended, &curve, &unreliable, &thresholds);
        assert_eq!(bends.len(), 2);
        assert_eq!(bends[0].shape, Assessment::Assessed(BackShape::Hollow));
        assert_eq!(bends[0].departure_deg, Some(10.0));
        assert!(bends[1]
            .shape
            .reason()
            .unwrap()
            .en
            .contains("mask unreliable"));
        assert_eq!(bends[1].departure_deg, None);
    }

    #[test]
    fn flexion_hovering_about_the_threshold_stays_one_bend() {
        let flexion: Vec<Option<f64>> = [10.0, 62.0, 58.0, 61.0, 59.0, 80.0, 50.0, 30.0, 70.0]
            .iter()
            .map(|v| Some(*v))
            .collect();
        assert_eq!(find_bends(&flexion, 60.0), vec![1..6, 8..9]);
    }

    #[test]
    fn a_bend_rounder_than_the_persons_own_is_flagged() {
        let n = 150;
        let t = times(n);
        // Five bends of 20 frames separated by 10 standing frames.
        let flexion: Vec<Option<f64>> = (0..n)
            .map(|i| Some(if i % 30 < 20 { 80.0 } else { 0.0 }))
            .collect();
        let curve: Vec<Option<f64>> = (0..n)
            .map(|i| Some(if i / 30 == 3 { -10.0 } else { -35.0 }))
            .collect();
        let spinal = vec![Some(0.0); n];
        let bends = classify_bends(
            &t,
            &flexion,
            &spinal,
            &curve,
            &Text::new("", ""),
            &BackShapeThresholds::default(),
        );
        assert_eq!(bends.len(), 5);
        assert_eq!(
            bends[3].personal_flag.as_deref(),
            Some("rounder_than_usual")
        );
        assert!(bends[0].personal_flag.is_none());
        assert_eq!(bends[3].shape, Assessment::Assessed(BackShape::Neutral));
    }
}
