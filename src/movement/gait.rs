//! Gait: walking passes (a turn splits them), heel strike and toe-off per foot from the foot
//! relative to the pelvis along the direction of travel (Zeni et al. 2008, Gait & Posture
//! 27:710-714: heel strike at the foot's most forward position, toe-off at its most backward),
//! steps and strides, and the measures of 004 §5-3.
//!
//! The heel and toe are used when the pose model gives them; otherwise the ankle stands in
//! for both, and criteria that need the heel and toe say they cannot be assessed.

use super::segment::peaks;
use super::series::{self, derivative, fill_gaps, inclination, median};
use super::spine::SpineMeasures;
use super::{Event, Measure, Movement, MovementAnalysis, Segment};
use crate::kinematics::passes::Travel;
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use std::collections::BTreeMap;

/// A pass counts as walking when the pelvis travels at least this many statures.
pub const MIN_WALK_STATURES: f64 = 0.6;
/// Events of one foot are at least twice this far apart (seconds).
const HALF_WINDOW_S: f64 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Foot {
    Left,
    Right,
}

impl Foot {
    fn other(self) -> Foot {
        match self {
            Foot::Left => Foot::Right,
            Foot::Right => Foot::Left,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Foot::Left => "left",
            Foot::Right => "right",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct GaitEvent {
    foot: Foot,
    heel_strike: bool,
    position: usize,
}

/// A walking pass: track positions `start..end` and the way it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WalkingPass {
    pub start: usize,
    pub end: usize,
    pub travel: Travel,
}

/// The walking passes: across the image with the pelvis travelling at least
/// [`MIN_WALK_STATURES`], or towards or away from the camera (such a pass already grew or
/// shrank by [`crate::kinematics::passes::MIN_DEPTH_SCALE`]).
pub fn walking_passes(k: &Kinematics) -> Vec<WalkingPass> {
    let Some(stature) = series::stature_px(k) else {
        return Vec::new();
    };
    let hip = series::point(k, "mid_hip");
    k.passes
        .iter()
        .filter(|p| {
            let sign = match p.travel {
                Travel::Leftward => -1.0,
                Travel::Rightward => 1.0,
                Travel::Towards | Travel::Away => return true,
                Travel::Stationary => return false,
            };
            let xs: Vec<f64> = hip[p.start..p.end].iter().flatten().map(|h| h.0).collect();
            let travel = xs.last().zip(xs.first()).map_or(0.0, |(l, f)| l - f);
            travel * sign >= MIN_WALK_STATURES * stature
        })
        .map(|p| WalkingPass {
            start: p.start,
            end: p.end,
            travel: p.travel,
        })
        .collect()
}

fn foot_point(k: &Kinematics, foot: Foot, part: &str) -> (Vec<Option<(f64, f64)>>, bool) {
    let named = series::point(k, &format!("{}_{part}", foot.name()));
    if named.iter().any(Option::is_some) {
        (named, true)
    } else {
        (series::point(k, &format!("{}_ankle", foot.name())), false)
    }
}

/// Heel strikes and toe-offs in a pass, and whether heel and toe points were used.
///
/// Across the image: Zeni's foot position relative to the mid-hip along the travel. Towards
/// the camera the same position shows as height in the image: a foot on the floor ahead of the
/// other is nearer the camera, so it shows lower, in trunk lengths of its own frame (the body
/// grows as it comes); against the other foot rather than the hip, the whole body's bounce
/// cancels. A swinging foot is lifted and shows higher, so the foot's lowest point relative
/// to the other foot is its strike; its backmost point is lost in the
/// lift of early swing, so no toe-off is taken. Walking away, lift and travel both raise the
/// foot in the image and neither event can be told.
fn events_in(k: &Kinematics, pass: &WalkingPass) -> (Vec<GaitEvent>, bool) {
    let t = &k.times_s;
    let hip = series::point(k, "mid_hip");
    let neck = series::point(k, "neck");
    let trunk = series::trunk_length(k).unwrap_or(1.0);
    let range = pass.start..pass.end;
    let mut events = Vec::new();
    let mut heel_toe = true;
    for foot in [Foot::Left, Foot::Right] {
        let (heel, has_heel) = foot_point(k, foot, "heel");
        let (toe, has_toe) = foot_point(k, foot, "toe");
        heel_toe &= has_heel && has_toe;
        let within = |f: &dyn Fn(usize) -> Option<f64>| -> Vec<Option<f64>> {
            let r: Vec<Option<f64>> = (0..t.len())
                .map(|i| if range.contains(&i) { f(i) } else { None })
                .collect();
            fill_gaps(&r, t, 0.15)
        };
        let (forward, backward) = match pass.travel {
            Travel::Leftward | Travel::Rightward => {
                let sign = if pass.travel == Travel::Rightward {
                    1.0
                } else {
                    -1.0
                };
                let ahead =
                    |p: &[Option<(f64, f64)>], i: usize| Some(sign * (p[i]?.0 - hip[i]?.0) / trunk);
                (
                    within(&|i| ahead(&heel, i)),
                    Some(within(&|i| ahead(&toe, i).map(|v| -v))),
                )
            }
            Travel::Towards => {
                let (other, _) = foot_point(k, foot.other(), "heel");
                let below = |i: usize| {
                    let (h, n) = (hip[i]?, neck[i]?);
                    let own = (h.0 - n.0).hypot(h.1 - n.1);
                    (own > 0.0).then_some((heel[i]?.1 - other[i]?.1) / own)
                };
                (within(&below), None)
            }
            Travel::Away | Travel::Stationary => continue,
        };
        for position in peaks(&forward, t, HALF_WINDOW_S, 0.05) {
            events.push(GaitEvent {
                foot,
                heel_strike: true,
                position,
            });
        }
        for position in backward.map_or_else(Vec::new, |b| peaks(&b, t, HALF_WINDOW_S, 0.05)) {
            events.push(GaitEvent {
                foot,
                heel_strike: false,
                position,
            });
        }
    }
    events.sort_by_key(|e| e.position);
    (events, heel_toe)
}

fn symmetry_index(a: f64, b: f64) -> f64 {
    100.0 * (a - b).abs() / (0.5 * (a + b))
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Analyses a clip as walking.
pub fn analyze(k: &Kinematics, spine: &SpineMeasures) -> MovementAnalysis {
    let t = &k.times_s;
    let passes = walking_passes(k);
    let mut notes = Vec::new();
    let mut segments = Vec::new();
    let mut metrics = BTreeMap::new();
    let stature = series::stature_px(k);
    let mut step_times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut stance = Vec::new();
    let mut double_support = Vec::new();
    let mut strike_speeds = Vec::new();
    let mut heel_first: Vec<bool> = Vec::new();
    let mut step_lengths = Vec::new();
    let mut thigh_ranges = Vec::new();
    let mut head_vertical = Vec::new();
    let mut head_lateral = Vec::new();
    let mut sway = Vec::new();
    let mut cadence_spans = Vec::new();
    let mut all_heel_toe = true;
    let head = series::point(k, "head");
    let trunk = inclination(&series::angle(k, "trunk"), 90.0);
    let thighs = [
        series::angle(k, "left_thigh"),
        series::angle(k, "right_thigh"),
    ];
    let mpp = k.calibration.metres_per_pixel;
    if passes.is_empty() {
        notes.push(format!("no walking pass (the pelvis travelling at least {MIN_WALK_STATURES} statures across the picture, or the body growing or shrinking as it walks towards or away from the camera) was found"));
    }
    let mut view_frames = 0..0;
    for (pass_number, pass) in passes.iter().enumerate() {
        let (start, end) = (pass.start, pass.end);
        if view_frames.is_empty() || end - start > view_frames.len() {
            view_frames = start..end;
        }
        let view = series::main_view(k, start..end);
        let (events, heel_toe) = events_in(k, pass);
        all_heel_toe &= heel_toe;
        let strikes: Vec<&GaitEvent> = events.iter().filter(|e| e.heel_strike).collect();
        if strikes.len() >= 2 {
            cadence_spans.push((
                strikes.len() - 1,
                t[strikes.last().unwrap().position] - t[strikes[0].position],
            ));
        }
        for (i, hs) in strikes.iter().enumerate() {
            let next_opposite = strikes[i + 1..].iter().find(|e| e.foot != hs.foot);
            let next_same = strikes[i + 1..].iter().find(|e| e.foot == hs.foot);
            let toe_off = events
                .iter()
                .find(|e| !e.heel_strike && e.foot == hs.foot && e.position > hs.position);
            let other_toe_off = events
                .iter()
                .find(|e| !e.heel_strike && e.foot != hs.foot && e.position > hs.position);
            let mut step_metrics = BTreeMap::new();
            let confidence = series::mean_confidence(
                k,
                &["left_ankle", "right_ankle", "left_hip", "right_hip"],
                hs.position..hs.position + 1,
            );
            if let Some(next) = next_opposite {
                let dt = t[next.position] - t[hs.position];
                step_times[next.foot as usize].push(dt);
                step_metrics.insert(
                    "step_time".into(),
                    Measure::value(
                        dt,
                        "s",
                        "this heel strike to the other foot's next",
                        confidence,
                    ),
                );
                let (a, _) = foot_point(k, hs.foot, "ankle");
                let (b, _) = foot_point(k, next.foot, "ankle");
                if let (Some(mpp), Some(p), Some(q)) = (mpp, a[next.position], b[next.position]) {
                    step_lengths.push((q.0 - p.0).abs() * mpp);
                }
            }
            if let Some(same) = next_same {
                let stride = t[same.position] - t[hs.position];
                if let Some(to) = toe_off.filter(|to| to.position < same.position) {
                    stance.push(100.0 * (t[to.position] - t[hs.position]) / stride);
                }
                if let Some(oto) = other_toe_off.filter(|o| o.position < same.position) {
                    // Initial double support: from this heel strike to the other foot's toe-off;
                    // doubled for the terminal one of the same stride (Perry's model).
                    double_support.push(200.0 * (t[oto.position] - t[hs.position]) / stride);
                }
                let thigh = &thighs[hs.foot as usize];
                let range: Vec<f64> = thigh[hs.position..=same.position]
                    .iter()
                    .flatten()
                    .copied()
                    .collect();
                if range.len() > 3 {
                    let (lo, hi) = range
                        .iter()
                        .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
                    thigh_ranges.push(hi - lo);
                }
                if let Some(st) = stature {
                    let window = hs.position..=same.position;
                    let detrended_range = |values: Vec<(f64, f64)>| -> Option<f64> {
                        if values.len() < 4 {
                            return None;
                        }
                        let (t0, v0) = values[0];
                        let (t1, v1) = *values.last()?;
                        let slope = if t1 > t0 { (v1 - v0) / (t1 - t0) } else { 0.0 };
                        let r: Vec<f64> = values
                            .iter()
                            .map(|(ti, v)| v - v0 - slope * (ti - t0))
                            .collect();
                        let (lo, hi) = r
                            .iter()
                            .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
                        Some((hi - lo) / st)
                    };
                    let ys: Vec<(f64, f64)> = window
                        .clone()
                        .filter_map(|i| Some((t[i], head[i]?.1)))
                        .collect();
                    let xs: Vec<(f64, f64)> = window
                        .clone()
                        .filter_map(|i| Some((t[i], head[i]?.0)))
                        .collect();
                    head_vertical.extend(detrended_range(ys));
                    head_lateral.extend(detrended_range(xs));
                }
                let sways: Vec<f64> = trunk[hs.position..=same.position]
                    .iter()
                    .flatten()
                    .copied()
                    .collect();
                if sways.len() > 3 {
                    let (lo, hi) = sways
                        .iter()
                        .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
                    sway.push(hi - lo);
                }
            }
            let (heel, _) = foot_point(k, hs.foot, "heel");
            let vy = derivative(&heel.iter().map(|p| p.map(|p| p.1)).collect::<Vec<_>>(), t);
            if let (Some(st), Some(v)) = (stature, vy[hs.position]) {
                strike_speeds.push(v.max(0.0) / st);
            }
            if heel_toe {
                let (toe, _) = foot_point(k, hs.foot, "toe");
                if let (Some(h), Some(q)) = (heel[hs.position], toe[hs.position]) {
                    heel_first.push(q.1 < h.1);
                }
            }
            let mut events = vec![Event {
                name: format!("{}_heel_strike", hs.foot.name()),
                position: hs.position,
                time_s: t[hs.position],
            }];
            if let Some(to) = toe_off {
                events.push(Event {
                    name: format!("{}_toe_off", hs.foot.name()),
                    position: to.position,
                    time_s: t[to.position],
                });
            }
            segments.push(Segment {
                kind: "step".into(),
                number: segments.len() + 1,
                start_s: t[hs.position],
                end_s: next_opposite.map_or(t[hs.position], |n| t[n.position]),
                events,
                phases: Vec::new(),
                metrics: step_metrics,
                view,
            });
        }
        notes.push(format!(
            "walking pass {}: {:.2}-{:.2} s, {} heel strikes",
            pass_number + 1,
            t[start],
            t[end - 1],
            strikes.len()
        ));
    }
    let view = if view_frames.is_empty() {
        View::Unknown
    } else {
        series::main_view(k, view_frames.clone())
    };
    let conf = if view_frames.is_empty() {
        0.0
    } else {
        series::mean_confidence(
            k,
            &["left_ankle", "right_ankle", "left_hip", "right_hip"],
            view_frames.clone(),
        )
    };
    let steps = segments.len();
    let zeni = "heel strikes and toe-offs from the foot's forward/backward extremes relative to the mid-hip along the travel (Zeni et al. 2008)";
    metrics.insert(
        "step_count".into(),
        Measure::value(steps as f64, "steps", zeni, conf),
    );
    let (n_steps, span): (usize, f64) = cadence_spans
        .iter()
        .fold((0, 0.0), |(a, b), (n, s)| (a + n, b + s));
    metrics.insert(
        "cadence".into(),
        Measure::from_option(
            (span > 0.0).then(|| 60.0 * n_steps as f64 / span),
            "steps/min",
            "heel strikes per minute within walking passes",
            conf,
            "fewer than two heel strikes in a pass",
        ),
    );
    let all_steps: Vec<f64> = step_times.iter().flatten().copied().collect();
    metrics.insert(
        "step_time".into(),
        Measure::from_option(
            mean(&all_steps),
            "s",
            "mean time between successive heel strikes of opposite feet",
            conf,
            "no complete step",
        ),
    );
    metrics.insert("step_time_symmetry".into(), Measure::from_option(
        match (mean(&step_times[0]), mean(&step_times[1])) { (Some(l), Some(r)) => Some(symmetry_index(l, r)), _ => None },
        "%", "symmetry index |L - R| / mean(L, R) × 100 of mean step times ending on each foot (Robinson et al. 1987)", conf, "needs complete steps onto both feet"));
    metrics.insert(
        "stance_fraction".into(),
        Measure::from_option(
            median(&stance),
            "%",
            "heel strike to toe-off of the same foot over the stride",
            conf,
            "no stride with its toe-off",
        ),
    );
    metrics.insert(
        "swing_fraction".into(),
        Measure::from_option(
            median(&stance).map(|s| 100.0 - s),
            "%",
            "100 - stance",
            conf,
            "no stride with its toe-off",
        ),
    );
    metrics.insert(
        "double_support".into(),
        Measure::from_option(
            median(&double_support),
            "%",
            "2 × (heel strike to the other foot's toe-off) over the stride",
            conf,
            "no stride with the other foot's toe-off",
        ),
    );
    metrics.insert(
        "step_length".into(),
        match k.calibration.method {
            Some(_) => Measure::from_option(
                median(&step_lengths),
                "m",
                format!(
                    "distance between the ankles at heel strike, scale from {}",
                    k.calibration
                        .method
                        .as_ref()
                        .map(|m| format!("{m:?}"))
                        .unwrap_or_default()
                ),
                conf * 0.7,
                "no step with both ankles seen",
            ),
            None => Measure::missing(
                "m",
                "distance between the ankles at heel strike",
                k.calibration
                    .cannot_compute
                    .clone()
                    .unwrap_or_else(|| "not calibrated".into()),
            ),
        },
    );
    metrics.insert("thigh_excursion".into(), Measure::from_option(median(&thigh_ranges), "deg", "range of the thigh segment angle over each stride (median); a segment angle, free of trunk and lumbar motion", conf, "no stride with the thigh seen"));
    metrics.insert(
        "heel_strike_vertical_speed".into(),
        Measure::from_option(
            median(&strike_speeds),
            "body_heights/s",
            "downward speed of the heel (ankle without heel points) at heel strike, median",
            conf,
            "no heel strike with the foot seen",
        ),
    );
    metrics.insert("heel_first_contact".into(), if all_heel_toe {
        Measure::from_option(mean(&heel_first.iter().map(|b| *b as u8 as f64).collect::<Vec<_>>()), "fraction", "share of heel strikes with the toe above the heel", conf, "no heel strike with heel and toe seen")
    } else {
        Measure::missing("fraction", "toe above heel at contact", "the pose model gives no heel or toe points; run the pose stage with --model blazepose")
    });
    metrics.insert(
        "abdominal_bracing".into(),
        Measure::missing("none", "", "a video cannot show abdominal muscle activity"),
    );
    metrics.insert(
        "head_vertical_oscillation".into(),
        Measure::from_option(
            median(&head_vertical),
            "body_heights",
            "head height range over each stride after removing the stride's linear trend, median",
            conf,
            "no stride with the head seen",
        ),
    );
    metrics.insert("head_lateral_oscillation".into(), Measure::from_option(median(&head_lateral), "body_heights", "head horizontal range over each stride after removing the trend (meaningful in front/back views)", conf, "no stride with the head seen"));
    metrics.insert("lateral_trunk_sway".into(), Measure::from_option(median(&sway), "deg", "range of the trunk's lean from vertical in the image over each stride (frontal-plane lean in a front/back view)", conf, "no stride with the trunk seen"));
    // The back outline is not traced in gait (see `SpineMeasures::for_movement`).
    let unmeasured = spine
        .forward_bend()
        .err()
        .unwrap_or("the spinal part is not measured in gait");
    metrics.insert(
        "lumbar_extension_change_in_swing".into(),
        Measure::missing("deg", "spinal extension gained during swing", unmeasured),
    );
    MovementAnalysis {
        movement: Movement::Gait,
        view,
        segments,
        metrics,
        notes,
    }
}
