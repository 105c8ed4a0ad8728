//! Gait: walking passes (a turn splits them), heel strike and toe-off per foot, steps and
//! strides, and the measures of 004 §5-3. Across the image the events come from the foot
//! relative to the pelvis along the direction of travel (Zeni et al. 2008, Gait & Posture
//! 27:710-714: heel strike at the foot's most forward position, toe-off at its most backward);
//! walking towards the camera, a heel strike is where a foot comes to rest after coming down
//! the image (see [`towards_strikes`]). Strike times are taken between frames where the
//! signal allows.
//!
//! The heel and toe are used when the pose model gives them; otherwise the ankle stands in
//! for both, and criteria that need the heel and toe say they cannot be assessed.

use super::segment::peaks;
use super::series::{self, derivative, fill_gaps, median};
use super::spine::SpineMeasures;
use super::{Event, Measure, Movement, MovementAnalysis, Segment};
use crate::kinematics::geometry::wrap_deg;
use crate::kinematics::passes::Travel;
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::text;
use crate::text::Text;
use std::collections::BTreeMap;

/// A pass counts as walking when the pelvis travels at least this many statures.
pub const MIN_WALK_STATURES: f64 = 0.6;
/// Events of one foot are at least twice this far apart (seconds).
const HALF_WINDOW_S: f64 = 0.25;
/// Heel strikes of opposite feet are at least this far apart, seconds: a step at a brisk
/// 180 steps per minute takes 0.33 s.
const MIN_STEP_S: f64 = 0.25;
/// Across the image, a foot comes forward to a strike by at least this share of the range
/// of its position relative to the hip over the pass (a swing covers nearly all of it).
const MIN_SWING_RISE: f64 = 0.4;
/// A heel still falling faster than this (statures per second) has not landed yet: above the
/// G-F3 pass limit, so a normal landing's last approach, and pose noise on it, stays below.
const LANDING_SPEED: f64 = 0.4;
/// A leg let fall from high is held forward before it drops: its fall may start this long
/// after the foot's forward extreme (seconds; a hold of some 0.15 s, seen through the filter).
const LANDING_DELAY_S: f64 = 0.1;
/// Towards the camera, a swing is a descent faster than this share of the pass's 90th
/// percentile descent speed.
const SWING_SPEED_SHARE: f64 = 0.4;
/// Towards the camera, a swing's fastest descent is the fastest within this many seconds either
/// side: narrower than a step, so a one-frame jump of the ankle early in a swing does not hide
/// the swing's own peak a few frames later.
const SWING_PEAK_HALF_WINDOW_S: f64 = 0.15;
/// Towards the camera, where a foot comes to rest is read over this long after its swing's
/// fastest descent: the landing follows within about 0.2 s and the heel rises some 0.4 s after
/// it. Not a whole number of frames at common rates, so which frames it holds does not hang on
/// rounding.
const REST_WINDOW_S: f64 = 0.45;
/// The resting height is this percentile of the foot's image y over [`REST_WINDOW_S`]: the end
/// of the approach lies above it and a one-frame jump below it does not set it.
const REST_PERCENTILE: f64 = 75.0;
/// A foot has landed once it is within this many trunk lengths (of its own frame) of its
/// resting height: the heel touches just before the foot settles flat.
const LANDED_WITHIN_TRUNKS: f64 = 0.02;
/// A swing brings the foot at least this many trunk lengths down the picture to its rest
/// (0.24-0.72 measured on the synthetic walkers): less is the planted foot's jitter.
const MIN_SWING_DROP_TRUNKS: f64 = 0.15;
/// A landing holds: the foot stays within [`STILL_TRUNKS`] of its rest for this long after the
/// strike (a stance lasts some 0.6 s), so one too near the pass's end to show it is not taken.
const STANCE_HOLD_S: f64 = 0.2;
/// How far a planted foot's image y may wander (model jitter), in trunk lengths.
const STILL_TRUNKS: f64 = 0.12;
/// Gaps in a foot's track up to this long are bridged: the model loses a foot for a few frames
/// where the legs pass each other.
const FOOT_GAP_S: f64 = 0.35;
/// The trunk's image length changes slowly, so gaps in it up to this long are bridged.
const TRUNK_GAP_S: f64 = 0.5;
/// The heel's speed at contact is its fastest fall between successive frames from this long
/// before the strike to this long after it (at least to the frame after it), seconds.
const STRIKE_FALL_S: f64 = 0.15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Foot {
    Left,
    Right,
}

impl Foot {
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
    /// How clearly a strike shows: the peak of the signal that found it.
    strength: f64,
    /// Between frames where the signal allows, seconds.
    time_s: f64,
    /// Towards the camera: the image y (pixels) where the foot came to rest, and how far it
    /// may wander there.
    rest: Option<(f64, f64)>,
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
/// Across the image: Zeni's foot position relative to the mid-hip along the travel. A
/// forward extreme is a strike only where the foot came forward to it from behind (by
/// [`MIN_SWING_RISE`] of the pass's range), so a foot already planted when the pass begins
/// does not strike; and where the heel is still falling fast there (a leg let drop from high
/// in late swing reaches forward before it lands), the strike is where the fall ends.
///
/// Towards the camera a planted foot stands still in the image while the swinging foot comes
/// down it (nearer the camera, and the camera looks down on the floor): see
/// [`towards_strikes`]. The toe-off is lost in the lift of early swing, so none is taken.
/// Walking away, lift and travel both raise the foot in the image and neither event can be
/// told.
///
/// Either way the strikes then alternate between the feet, at least [`MIN_STEP_S`] apart;
/// of two that do not, the stronger is kept (towards the camera, see [`alternate`]).
fn events_in(k: &Kinematics, pass: &WalkingPass) -> (Vec<GaitEvent>, bool) {
    let t = &k.times_s;
    let hip = series::point(k, "mid_hip");
    let trunk = series::trunk_length(k).unwrap_or(1.0);
    let stature = series::stature_px(k);
    let range = pass.start..pass.end;
    let mut events = Vec::new();
    let mut heel_toe = true;
    let within = |f: &dyn Fn(usize) -> Option<f64>| -> Vec<Option<f64>> {
        let r: Vec<Option<f64>> = (0..t.len())
            .map(|i| if range.contains(&i) { f(i) } else { None })
            .collect();
        fill_gaps(&r, t, 0.15)
    };
    for foot in [Foot::Left, Foot::Right] {
        let (heel, has_heel) = foot_point(k, foot, "heel");
        let (toe, has_toe) = foot_point(k, foot, "toe");
        heel_toe &= has_heel && has_toe;
        let heel_y = within(&|i| heel[i].map(|p| p.1));
        match pass.travel {
            Travel::Leftward | Travel::Rightward => {
                let sign = if pass.travel == Travel::Rightward {
                    1.0
                } else {
                    -1.0
                };
                let ahead =
                    |p: &[Option<(f64, f64)>], i: usize| Some(sign * (p[i]?.0 - hip[i]?.0) / trunk);
                let forward = within(&|i| ahead(&heel, i));
                let backward = within(&|i| ahead(&toe, i).map(|v| -v));
                let rise = MIN_SWING_RISE * series::percentile_range(&forward).unwrap_or(0.0);
                for position in peaks(&forward, t, HALF_WINDOW_S, f64::MIN) {
                    let Some(top) = forward[position] else {
                        continue;
                    };
                    let came_from = (0..position)
                        .rev()
                        .take_while(|&j| t[position] - t[j] <= 2.0 * HALF_WINDOW_S)
                        .filter_map(|j| forward[j])
                        .fold(f64::MAX, f64::min);
                    if top - came_from < rise {
                        continue;
                    }
                    let extreme_s = vertex_time(&forward, t, position);
                    let Some((landed, time_s)) = landing(&heel_y, t, position, extreme_s, stature)
                    else {
                        continue;
                    };
                    events.push(GaitEvent {
                        foot,
                        heel_strike: true,
                        position: landed,
                        strength: top,
                        time_s,
                        rest: None,
                    });
                }
                for position in peaks(&backward, t, HALF_WINDOW_S, 0.05) {
                    events.push(GaitEvent {
                        foot,
                        heel_strike: false,
                        position,
                        strength: 0.0,
                        time_s: t[position],
                        rest: None,
                    });
                }
            }
            Travel::Towards | Travel::Away | Travel::Stationary => continue,
        }
    }
    if pass.travel == Travel::Towards {
        events = towards_strikes(k, pass);
    }
    events.sort_by_key(|e| e.position);
    (alternate(events, t), heel_toe)
}

/// Each foot's image y over the pass, walking towards the camera, with each foot taken from the
/// side of the pelvis' midline it is on: from the front the feet keep a walking base about a
/// hip width apart, so an ankle across the midline is the other foot's, found twice (where
/// the legs pass, the model may put both ankles on one foot) or swapped.
fn feet_by_side(k: &Kinematics, range: std::ops::Range<usize>) -> [Vec<Option<f64>>; 2] {
    let n = k.times_s.len();
    let mut feet = [vec![None; n], vec![None; n]];
    let (left_hip, right_hip) = (series::point(k, "left_hip"), series::point(k, "right_hip"));
    let hips: Vec<Option<f64>> = range
        .clone()
        .map(|i| Some(left_hip[i]?.0 - right_hip[i]?.0))
        .collect();
    // Facing the camera the left hip is on the image's right, unless the clip is mirrored: the
    // pass's median says which.
    let Some(order) = series::percentile(&hips, 50.0).map(f64::signum) else {
        return feet;
    };
    let points = [Foot::Left, Foot::Right].map(|foot| foot_point(k, foot, "heel").0);
    for i in range {
        let (Some(l), Some(r)) = (left_hip[i], right_hip[i]) else {
            continue;
        };
        let mid = 0.5 * (l.0 + r.0);
        // The foot each point is on the side of: 0 left, 1 right.
        let sides: Vec<(usize, usize, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(label, p)| {
                let p = p[i]?;
                Some((label, usize::from((p.0 - mid) * order < 0.0), p.1))
            })
            .collect();
        match sides.as_slice() {
            [(_, a, ya), (_, b, yb)] if a != b => {
                feet[*a][i] = Some(*ya);
                feet[*b][i] = Some(*yb);
            }
            // Alone, a point is trusted only on its own side.
            [(label, side, y)] if label == side => feet[*side][i] = Some(*y),
            _ => {}
        }
    }
    feet
}

/// Heel strikes walking towards the camera. A foot's swing shows as a fast descent in the image
/// (in trunk lengths of its own frame per second: the body grows as it comes); the foot then
/// comes to rest at the [`REST_PERCENTILE`] of its image y over [`REST_WINDOW_S`], and strikes
/// where it comes within [`LANDED_WITHIN_TRUNKS`] of that, between frames. A strike counts
/// where the swing brought the foot at least [`MIN_SWING_DROP_TRUNKS`] down the picture and
/// the foot then holds still for [`STANCE_HOLD_S`] within the pass.
fn towards_strikes(k: &Kinematics, pass: &WalkingPass) -> Vec<GaitEvent> {
    let t = &k.times_s;
    let own: Vec<Option<f64>> = series::distances(k, "mid_hip", "neck")
        .into_iter()
        .map(|l| l.filter(|l| *l > 0.0))
        .collect();
    let trunk = fill_gaps(&own, t, TRUNK_GAP_S);
    let feet = feet_by_side(k, pass.start..pass.end);
    let end = pass.end - 1;
    let mut events = Vec::new();
    for foot in [Foot::Left, Foot::Right] {
        let y = fill_gaps(&feet[foot as usize], t, FOOT_GAP_S);
        let fall = derivative(&y, t);
        let descent: Vec<Option<f64>> = (0..t.len()).map(|i| Some(fall[i]? / trunk[i]?)).collect();
        let floor = SWING_SPEED_SHARE * series::percentile(&descent, 90.0).unwrap_or(0.0);
        for peak in peaks(
            &descent,
            t,
            SWING_PEAK_HALF_WINDOW_S,
            floor.max(f64::MIN_POSITIVE),
        ) {
            let (Some(strength), Some(scale)) = (descent[peak], trunk[peak]) else {
                continue;
            };
            // Where the foot rests can only be read over the whole window.
            if t[end] - t[peak] < REST_WINDOW_S {
                continue;
            }
            let after: Vec<Option<f64>> = (peak + 1..=end)
                .take_while(|&j| t[j] - t[peak] <= REST_WINDOW_S)
                .map(|j| y[j])
                .collect();
            let Some(rest) = series::percentile(&after, REST_PERCENTILE) else {
                continue;
            };
            let landed = rest - LANDED_WITHIN_TRUNKS * scale;
            let Some(position) = (peak..=end).find(|&j| y[j].is_some_and(|v| v >= landed)) else {
                continue;
            };
            let time_s = match (0..position).rev().find_map(|j| Some((j, y[j]?))) {
                Some((j, a)) if a < landed => {
                    let b = y[position].unwrap_or(landed);
                    t[j] + (landed - a) / (b - a) * (t[position] - t[j])
                }
                _ => t[position],
            };
            let came_from = (0..=peak)
                .rev()
                .take_while(|&j| t[peak] - t[j] <= 2.0 * HALF_WINDOW_S)
                .filter_map(|j| y[j])
                .fold(f64::MAX, f64::min);
            let still = STILL_TRUNKS * scale;
            let held: Vec<Option<f64>> = (position..=end)
                .filter(|&j| t[j] > time_s && t[j] <= time_s + STANCE_HOLD_S)
                .map(|j| y[j])
                .collect();
            let holds = t[end] >= time_s + STANCE_HOLD_S
                && !held.is_empty()
                && held
                    .iter()
                    .all(|v| v.is_some_and(|v| (v - rest).abs() <= still));
            if holds && rest - came_from >= MIN_SWING_DROP_TRUNKS * scale {
                events.push(GaitEvent {
                    foot,
                    heel_strike: true,
                    position,
                    strength,
                    time_s,
                    rest: Some((rest, still)),
                });
            }
        }
    }
    events
}

/// The time of the vertex of the parabola through a peak and its neighbours: a step time
/// is a few frames at video rates, so whole frames alone would make equal steps look unequal.
fn vertex_time(signal: &[Option<f64>], t: &[f64], i: usize) -> f64 {
    if i == 0 || i + 1 >= t.len() {
        return t[i];
    }
    match (signal[i - 1], signal[i], signal[i + 1]) {
        (Some(a), Some(b), Some(c)) if a - 2.0 * b + c < 0.0 => {
            let offset = (0.5 * (a - c) / (a - 2.0 * b + c)).clamp(-0.5, 0.5);
            if offset < 0.0 {
                t[i] + offset * (t[i] - t[i - 1])
            } else {
                t[i] + offset * (t[i + 1] - t[i])
            }
        }
        _ => t[i],
    }
}

/// The strike (frame, time) at the forward extreme `position` (at `extreme_s`), or later
/// where the heel (image y, down +) falls faster than [`LANDING_SPEED`] statures per second
/// from the extreme or within [`LANDING_DELAY_S`] of it: there the foot lands where that fall
/// ends, within [`HALF_WINDOW_S`]. `None` when the pass ends first. The landing time is where
/// the fall's speed, taken between frames, crosses [`LANDING_SPEED`]: a step is a few frames
/// at video rates, so whole frames would make equal steps look unequal.
fn landing(
    heel_y: &[Option<f64>],
    t: &[f64],
    position: usize,
    extreme_s: f64,
    stature: Option<f64>,
) -> Option<(usize, f64)> {
    let Some(stature) = stature else {
        return Some((position, extreme_s));
    };
    let speed = |at: usize| match (heel_y[at], heel_y.get(at + 1).copied().flatten()) {
        (Some(a), Some(b)) => Some((b - a) / (t[at + 1] - t[at]) / stature),
        _ => None,
    };
    let falling = |at: usize| speed(at).is_some_and(|v| v > LANDING_SPEED);
    let Some(mut at) = (position..t.len().saturating_sub(1))
        .take_while(|&a| t[a] - t[position] <= LANDING_DELAY_S)
        .find(|&a| falling(a))
    else {
        return Some((position, extreme_s));
    };
    while falling(at) && t[at + 1] - t[position] <= HALF_WINDOW_S {
        at += 1;
    }
    // Still falling at the end of the pass: it lands after it.
    if falling(at) || heel_y.get(at + 1).is_none_or(Option::is_none) {
        return None;
    }
    let (before, after) = (speed(at - 1)?, speed(at)?);
    let (mid_before, mid_after) = (0.5 * (t[at - 1] + t[at]), 0.5 * (t[at] + t[at + 1]));
    let share = (before - LANDING_SPEED) / (before - after);
    Some((at, mid_before + share * (mid_after - mid_before)))
}

/// Keeps heel strikes that alternate between the feet at least [`MIN_STEP_S`] apart: of two
/// that do not, the stronger; toe-offs pass unchanged. Towards the camera, of one foot found
/// landing twice in a row the later counts only where the foot came to rest further down the
/// picture (the first was a pause in the swing); otherwise it is the planted foot wobbling.
fn alternate(events: Vec<GaitEvent>, t: &[f64]) -> Vec<GaitEvent> {
    let mut kept: Vec<GaitEvent> = Vec::new();
    for e in events {
        if e.heel_strike {
            if let Some(last) = kept.iter_mut().rev().find(|k| k.heel_strike) {
                if last.foot == e.foot || t[e.position] - t[last.position] < MIN_STEP_S {
                    let replaces = match (last.rest, e.rest) {
                        (Some((a, _)), Some((b, still))) if last.foot == e.foot => b - a > still,
                        _ => e.strength > last.strength,
                    };
                    if replaces {
                        *last = e;
                    }
                    continue;
                }
            }
        }
        kept.push(e);
    }
    kept.sort_by_key(|e| e.position);
    kept
}

fn symmetry_index(a: f64, b: f64) -> f64 {
    100.0 * (a - b).abs() / (0.5 * (a + b))
}

/// Half-width (~95 %) of `symmetry_index(mean(a), mean(b))`, from how much the step times vary
/// within each side (pooled): that spread is the walker's own variation plus how precisely the
/// strikes are timed. `None` without a repeated step onto at least one foot.
fn symmetry_uncertainty(a: &[f64], b: &[f64]) -> Option<f64> {
    let (ma, mb) = (mean(a)?, mean(b)?);
    let dof = (a.len() + b.len()).checked_sub(2).filter(|d| *d > 0)?;
    let squares: f64 = a.iter().map(|v| (v - ma).powi(2)).sum::<f64>()
        + b.iter().map(|v| (v - mb).powi(2)).sum::<f64>();
    let pooled_sd = (squares / dof as f64).sqrt();
    let difference_se = pooled_sd * (1.0 / a.len() as f64 + 1.0 / b.len() as f64).sqrt();
    Some(1.96 * 100.0 * difference_se / (0.5 * (ma + mb)))
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
    // Signed: a sway from one side to the other spans both leans.
    let trunk: Vec<Option<f64>> = series::angle(k, "trunk")
        .iter()
        .map(|a| a.map(|a| wrap_deg(a - 90.0)))
        .collect();
    let thighs = [
        series::angle(k, "left_thigh"),
        series::angle(k, "right_thigh"),
    ];
    let mpp = k.calibration.metres_per_pixel;
    if passes.is_empty() {
        notes.push(text!(
            "no walking pass (the pelvis travelling at least {MIN_WALK_STATURES} statures across the picture, or the body growing or shrinking as it walks towards or away from the camera) was found",
            "歩行の区間（骨盤が画面を身長の {MIN_WALK_STATURES} 倍以上横切る、またはカメラに近づく・遠ざかるにつれて体が大きく・小さくなる）が見つかりませんでした"
        ));
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
                strikes.last().unwrap().time_s - strikes[0].time_s,
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
                let dt = next.time_s - hs.time_s;
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
                let stride = same.time_s - hs.time_s;
                if let Some(to) = toe_off.filter(|to| to.position < same.position) {
                    stance.push(100.0 * (to.time_s - hs.time_s) / stride);
                }
                if let Some(oto) = other_toe_off.filter(|o| o.position < same.position) {
                    // Initial double support: from this heel strike to the other foot's toe-off;
                    // doubled for the terminal one of the same stride (Perry's model).
                    double_support.push(200.0 * (oto.time_s - hs.time_s) / stride);
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
            // The fall around contact: sampled at video rates the strike frame itself may
            // already show the foot still, or be a frame or two early (a leg let drop from
            // high reaches forward before it falls).
            let near = |a: usize| (t[a] - t[hs.position]).abs() <= STRIKE_FALL_S;
            let first = (0..=hs.position).find(|&a| near(a)).unwrap_or(hs.position);
            let last = (hs.position + 1..t.len())
                .take_while(|&a| near(a))
                .last()
                .unwrap_or(hs.position + 1);
            let fall = (first..last)
                .filter(|&a| a + 1 < t.len())
                .filter_map(|a| Some((heel[a + 1]?.1 - heel[a]?.1) / (t[a + 1] - t[a])))
                .reduce(f64::max);
            if let (Some(st), Some(v)) = (stature, fall) {
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
                time_s: hs.time_s,
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
                start_s: hs.time_s,
                end_s: next_opposite.map_or(hs.time_s, |n| n.time_s),
                events,
                phases: Vec::new(),
                metrics: step_metrics,
                view,
            });
        }
        let (number, from, to, strikes) = (pass_number + 1, t[start], t[end - 1], strikes.len());
        notes.push(text!(
            "walking pass {number}: {from:.2}-{to:.2} s, {strikes} heel strikes",
            "歩行区間 {number}: {from:.2}-{to:.2} 秒、踵接地 {strikes} 回"
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
            text!(
                "fewer than two heel strikes in a pass",
                "1 つの歩行区間で踵接地が 2 回未満です"
            ),
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
            text!("no complete step", "完全な 1 歩がありません"),
        ),
    );
    metrics.insert("step_time_symmetry".into(), Measure::from_option(
        match (mean(&step_times[0]), mean(&step_times[1])) { (Some(l), Some(r)) => Some(symmetry_index(l, r)), _ => None },
        "%", "symmetry index |L - R| / mean(L, R) × 100 of mean step times ending on each foot (Robinson et al. 1987); ± from the step times' spread within each side", conf, text!("needs complete steps onto both feet", "左右それぞれの足に着く完全な 1 歩が必要です"))
        .with_uncertainty(symmetry_uncertainty(&step_times[0], &step_times[1])));
    metrics.insert(
        "stance_fraction".into(),
        Measure::from_option(
            median(&stance),
            "%",
            "heel strike to toe-off of the same foot over the stride",
            conf,
            text!(
                "no stride with its toe-off",
                "つま先離地まで見える 1 歩行周期がありません"
            ),
        ),
    );
    metrics.insert(
        "swing_fraction".into(),
        Measure::from_option(
            median(&stance).map(|s| 100.0 - s),
            "%",
            "100 - stance",
            conf,
            text!(
                "no stride with its toe-off",
                "つま先離地まで見える 1 歩行周期がありません"
            ),
        ),
    );
    metrics.insert(
        "double_support".into(),
        Measure::from_option(
            median(&double_support),
            "%",
            "2 × (heel strike to the other foot's toe-off) over the stride",
            conf,
            text!(
                "no stride with the other foot's toe-off",
                "反対の足のつま先離地まで見える 1 歩行周期がありません"
            ),
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
                text!(
                    "no step with both ankles seen",
                    "両足首が見える 1 歩がありません"
                ),
            ),
            None => Measure::missing(
                "m",
                "distance between the ankles at heel strike",
                Text::new(
                    k.calibration
                        .cannot_compute
                        .clone()
                        .unwrap_or_else(|| "not calibrated".into()),
                    "実際の長さへの縮尺がわかりません（較正できません）",
                ),
            ),
        },
    );
    metrics.insert("thigh_excursion".into(), Measure::from_option(median(&thigh_ranges), "deg", "range of the thigh segment angle over each stride (median); a segment angle, free of trunk and lumbar motion", conf, text!("no stride with the thigh seen", "太ももが見える 1 歩行周期がありません")));
    metrics.insert(
        "heel_strike_vertical_speed".into(),
        Measure::from_option(
            median(&strike_speeds),
            "body_heights/s",
            "fastest downward speed of the heel (ankle without heel points) between frames from 0.15 s before to 0.15 s after heel strike, median",
            conf,
            text!(
                "no heel strike with the foot seen",
                "足が見える踵接地がありません"
            ),
        ),
    );
    metrics.insert("heel_first_contact".into(), if all_heel_toe {
        Measure::from_option(mean(&heel_first.iter().map(|b| *b as u8 as f64).collect::<Vec<_>>()), "fraction", "share of heel strikes with the toe above the heel", conf, text!("no heel strike with heel and toe seen", "踵とつま先が見える踵接地がありません"))
    } else {
        Measure::missing("fraction", "toe above heel at contact", text!("the pose model gives no heel or toe points; run the pose stage with --model blazepose", "この姿勢推定モデルは踵とつま先の点を出しません。--model blazepose で解析してください"))
    });
    metrics.insert(
        "abdominal_bracing".into(),
        Measure::missing(
            "none",
            "",
            text!(
                "a video cannot show abdominal muscle activity",
                "腹部の筋肉の働きは動画には映りません"
            ),
        ),
    );
    metrics.insert(
        "head_vertical_oscillation".into(),
        Measure::from_option(
            median(&head_vertical),
            "body_heights",
            "head height range over each stride after removing the stride's linear trend, median",
            conf,
            text!(
                "no stride with the head seen",
                "頭が見える 1 歩行周期がありません"
            ),
        ),
    );
    metrics.insert("head_lateral_oscillation".into(), Measure::from_option(median(&head_lateral), "body_heights", "head horizontal range over each stride after removing the trend (meaningful in front/back views)", conf, text!("no stride with the head seen", "頭が見える 1 歩行周期がありません")));
    metrics.insert("lateral_trunk_sway".into(), Measure::from_option(median(&sway), "deg", "range of the trunk's signed lean from vertical in the image over each stride (frontal-plane lean in a front/back view)", conf, text!("no stride with the trunk seen", "体幹が見える 1 歩行周期がありません")));
    // The back outline is not traced in gait (see `SpineMeasures::for_movement`).
    let unmeasured = spine.forward_bend().err().cloned().unwrap_or_else(|| {
        text!(
            "the spinal part is not measured in gait",
            "歩行中の脊柱部分は測定しません"
        )
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetry_uncertainty_comes_from_the_spread_within_each_side() {
        // No spread: the index is exact.
        assert_eq!(symmetry_uncertainty(&[0.5, 0.5], &[0.6, 0.6]), Some(0.0));
        // Means 0.55 a side; pooled SD 0.05 s over 2 degrees of freedom; the difference of
        // two means of two has SE 0.05 s, i.e. 9.09 % of the mean step: ± 1.96 × 9.09 %.
        let u = symmetry_uncertainty(&[0.5, 0.6], &[0.55, 0.55]).unwrap();
        assert!((u - 1.96 * 100.0 * 0.05 / 0.55).abs() < 1e-9, "{u}");
        // One step a side says nothing about precision.
        assert_eq!(symmetry_uncertainty(&[0.5], &[0.6]), None);
    }

    #[test]
    fn a_heel_held_forward_then_let_fall_lands_where_its_fall_slows() {
        // 20 frames/s, stature 100 px: the landing speed is 40 px/s. The foot is furthest
        // forward at frame 2 (0.1 s), holds a frame, falls 10 px then 5 px and stops (0.5 px).
        // Speeds between frames: 200 px/s at 0.175 s, 100 at 0.225, 10 at 0.275; 40 is
        // crossed at 0.225 + 0.05 × (100 - 40) / (100 - 10).
        let t: Vec<f64> = (0..8).map(|i| i as f64 * 0.05).collect();
        let y = [100.0, 100.0, 100.0, 100.0, 110.0, 115.0, 115.5, 115.5].map(Some);
        let (frame, time_s) = landing(&y, &t, 2, 0.11, Some(100.0)).unwrap();
        assert_eq!(frame, 5);
        assert!(
            (time_s - (0.225 + 0.05 * 60.0 / 90.0)).abs() < 1e-9,
            "{time_s}"
        );
        // A heel already down at the extreme strikes there, at its sub-frame time.
        assert_eq!(landing(&y, &t, 6, 0.29, Some(100.0)), Some((6, 0.29)));
        // A fall starting later than a hold is not this strike's.
        let late = [100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 110.0, 115.0].map(Some);
        assert_eq!(landing(&late, &t, 2, 0.11, Some(100.0)), Some((2, 0.11)));
        // Still falling where the track ends: it lands after it.
        let cut = [100.0, 100.0, 100.0, 110.0, 120.0, 130.0, 140.0]
            .map(Some)
            .into_iter()
            .chain([None])
            .collect::<Vec<_>>();
        assert_eq!(landing(&cut, &t, 2, 0.1, Some(100.0)), None);
    }
}
