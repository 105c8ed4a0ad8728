//! Passes and facing direction.
//!
//! A pass is a stretch of the clip in which the subject keeps travelling one way (or stays in
//! place): a walk across the frame, a walk towards or away from the camera, a set of hinges. The
//! subject's mid-hip is followed in x; a pass ends where the subject is lost for longer than the
//! gap limit, or where they turn back by more than half a trunk length (a hysteresis that gait's
//! own sway never reaches). Hips that travel while the feet stay put (a hinge or a deadlift sends
//! them back and forth by that much) make no pass of their own: only a walk moves the feet. A
//! stretch that stays in place across the image is followed in depth: walking towards the camera,
//! the feet come down the image (the camera looks down on the floor) while the body grows; away
//! from it, the feet go up while it shrinks. Bending over changes the trunk's image length but
//! leaves the feet where they are, so both cues are needed.
//!
//! Facing is decided **once per pass**, never per frame, from three cues each scored in
//! -1..1 (+1 = facing right, towards +x):
//! - travel: the direction of travel when the subject moves more than half a trunk length;
//! - head: the nose ahead of the ears (mean vote of frames where it is clear);
//! - feet: the toes ahead of the heels (mean vote, when the model gives feet).
//!
//! The facing is the sign of their sum; its confidence is |sum| / number of cues present.

use super::landmarks::{locate, DerivedPoint, Landmark, Located};
use crate::signal::CleanTrack;
use crate::skeleton::Joint;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Which way the subject faces in the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facing {
    /// Towards the image's left edge (-x).
    Left,
    /// Towards the image's right edge (+x).
    Right,
}

impl Facing {
    /// +1 facing right, -1 facing left: the `f` of the joint-angle formulas.
    pub fn sign(self) -> f64 {
        match self {
            Facing::Left => -1.0,
            Facing::Right => 1.0,
        }
    }
}

/// Which way the subject travels during a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Travel {
    Leftward,
    Rightward,
    /// Towards the camera (in place across the image).
    Towards,
    /// Away from the camera.
    Away,
    Stationary,
}

/// A walk in depth changes the body's image size at least this much (over a pass's first and
/// last fifths): 0.6 statures of travel at a full-body framing distance of about 3 statures.
pub const MIN_DEPTH_SCALE: f64 = 1.2;

/// The evidence for a pass's facing: each cue in -1..1, +1 meaning facing right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FacingEvidence {
    pub travel: Option<f64>,
    pub head: Option<f64>,
    pub feet: Option<f64>,
}

impl FacingEvidence {
    /// The facing and its confidence (0..1), or `None` when there is no cue or they cancel.
    pub fn decide(&self) -> (Option<Facing>, f64) {
        let cues: Vec<f64> = [self.travel, self.head, self.feet]
            .into_iter()
            .flatten()
            .collect();
        let sum: f64 = cues.iter().sum();
        if cues.is_empty() || sum == 0.0 {
            return (None, 0.0);
        }
        let facing = if sum > 0.0 {
            Facing::Right
        } else {
            Facing::Left
        };
        (Some(facing), (sum.abs() / cues.len() as f64).min(1.0))
    }
}

/// A pass's frames and travel, before its view is classified.
#[derive(Debug, Clone, PartialEq)]
pub struct PassSpan {
    /// Track positions `start..end`.
    pub frames: Range<usize>,
    pub travel: Travel,
}

/// Trunk length (mid-hip to neck) in pixels at a position.
pub fn trunk_length(clean: &CleanTrack, position: usize) -> Option<f64> {
    let hip = locate(clean, Landmark::Derived(DerivedPoint::MidHip), position)?;
    let neck = locate(clean, Landmark::Derived(DerivedPoint::Neck), position)?;
    Some((hip.x - neck.x).hypot(hip.y - neck.y)).filter(|l| *l > 0.0)
}

/// Median trunk length over the track, pixels.
pub fn median_trunk_length(clean: &CleanTrack) -> Option<f64> {
    let mut lengths: Vec<f64> = (0..clean.times.len())
        .filter_map(|i| trunk_length(clean, i))
        .collect();
    if lengths.is_empty() {
        return None;
    }
    lengths.sort_by(f64::total_cmp);
    Some(lengths[lengths.len() / 2])
}

/// Splits the track into passes. `turn_px` is the backtracking distance that makes a turn.
pub fn find_passes(clean: &CleanTrack, turn_px: f64) -> Vec<PassSpan> {
    let hip_x: Vec<Option<f64>> = (0..clean.times.len())
        .map(|i| locate(clean, Landmark::Derived(DerivedPoint::MidHip), i).map(|p| p.x))
        .collect();
    let mut passes = Vec::new();
    for run in crate::signal::gaps::present_runs(&hip_x) {
        let x: Vec<f64> = hip_x[run.clone()].iter().flatten().copied().collect();
        let mut start = 0;
        let mut across = Vec::new();
        for turn in turning_points(&x, turn_px) {
            across.push(span(&x, start..turn + 1, run.start, turn_px));
            start = turn + 1;
        }
        if start < x.len() {
            across.push(span(&x, start..x.len(), run.start, turn_px));
        }
        for pass in in_place_merged(clean, across, turn_px) {
            if pass.travel == Travel::Stationary {
                passes.extend(split_in_depth(clean, pass, turn_px));
            } else {
                passes.push(pass);
            }
        }
    }
    passes
}

/// The passes with those whose hips travel while the feet stay put (the hips going back and
/// forth over planted feet in a hinge or a deadlift, or forward in a rise from a chair) made
/// stationary, and neighbouring stationary passes joined: only a walk moves the feet. Where
/// the feet are not seen (plates hide a lifter's ankles), a walk is one that takes the hips
/// further than a hinge can: more than twice the turn distance.
fn in_place_merged(clean: &CleanTrack, passes: Vec<PassSpan>, turn_px: f64) -> Vec<PassSpan> {
    let feet = [
        Landmark::Joint(Joint::LeftAnkle),
        Landmark::Joint(Joint::RightAnkle),
    ];
    let hips = [Landmark::Derived(DerivedPoint::MidHip)];
    let mut merged: Vec<PassSpan> = Vec::new();
    for mut pass in passes {
        let way = match pass.travel {
            Travel::Leftward => Some(-1.0),
            Travel::Rightward => Some(1.0),
            _ => None,
        };
        let walked = way.is_none_or(|way| match x_travel(clean, pass.frames.clone(), &feet) {
            Some(d) => way * d > turn_px,
            None => {
                x_travel(clean, pass.frames.clone(), &hips).is_some_and(|d| way * d > 2.0 * turn_px)
            }
        });
        if !walked {
            pass.travel = Travel::Stationary;
        }
        match merged.last_mut() {
            Some(last)
                if last.travel == Travel::Stationary
                    && pass.travel == Travel::Stationary
                    && last.frames.end == pass.frames.start =>
            {
                last.frames.end = pass.frames.end;
            }
            _ => merged.push(pass),
        }
    }
    merged
}

/// How far the mean x of the `landmarks` seen moves from the first fifth of `frames` to the
/// last (medians), pixels; `None` when none is seen at either end.
fn x_travel(clean: &CleanTrack, frames: Range<usize>, landmarks: &[Landmark]) -> Option<f64> {
    let mean_x = |i: usize| {
        let seen: Vec<f64> = landmarks
            .iter()
            .filter_map(|l| locate(clean, *l, i).map(|p| p.x))
            .collect();
        (!seen.is_empty()).then(|| seen.iter().sum::<f64>() / seen.len() as f64)
    };
    let (first, last) = fifths(frames, mean_x)?;
    Some(last - first)
}

/// The medians of `value` over the first and the last fifth of `frames`.
fn fifths(frames: Range<usize>, value: impl Fn(usize) -> Option<f64>) -> Option<(f64, f64)> {
    let fifth = (frames.len() / 5).max(1);
    let median = |r: Range<usize>| {
        let mut v: Vec<f64> = r.filter_map(&value).collect();
        v.sort_by(f64::total_cmp);
        (!v.is_empty()).then(|| v[v.len() / 2])
    };
    Some((
        median(frames.start..frames.start + fifth)?,
        median(frames.end - fifth..frames.end)?,
    ))
}

/// The feet's height in the image: the lower ankle's y, pixels (down +). The lower one is the
/// foot on the floor, or nearly so, whichever foot swings.
fn feet_y(clean: &CleanTrack, i: usize) -> Option<f64> {
    [Joint::LeftAnkle, Joint::RightAnkle]
        .into_iter()
        .filter_map(|j| locate(clean, Landmark::Joint(j), i).map(|p| p.y))
        .reduce(f64::max)
}

/// A pass that stays in place across the image, split where the subject walks towards or away
/// from the camera; unchanged when they do not.
fn split_in_depth(clean: &CleanTrack, pass: PassSpan, turn_px: f64) -> Vec<PassSpan> {
    let at: Vec<(usize, f64)> = pass
        .frames
        .clone()
        .filter_map(|i| Some((i, feet_y(clean, i)?)))
        .collect();
    let y: Vec<f64> = at.iter().map(|a| a.1).collect();
    let mut bounds = vec![pass.frames.start];
    bounds.extend(turning_points(&y, turn_px).into_iter().map(|t| at[t].0 + 1));
    bounds.push(pass.frames.end);
    let pieces: Vec<PassSpan> = bounds
        .windows(2)
        .map(|b| {
            let frames = b[0]..b[1];
            let ys: Vec<f64> = frames.clone().filter_map(|i| feet_y(clean, i)).collect();
            let drop = ys.last().zip(ys.first()).map_or(0.0, |(l, f)| l - f);
            let growth = scale_growth(clean, frames.clone()).unwrap_or(1.0);
            let travel = if drop > turn_px && growth >= MIN_DEPTH_SCALE {
                Travel::Towards
            } else if -drop > turn_px && growth <= 1.0 / MIN_DEPTH_SCALE {
                Travel::Away
            } else {
                Travel::Stationary
            };
            PassSpan { frames, travel }
        })
        .collect();
    if pieces.iter().all(|p| p.travel == Travel::Stationary) {
        vec![pass]
    } else {
        pieces
    }
}

/// The trunk's image length over the last fifth of `frames` against the first fifth (medians).
fn scale_growth(clean: &CleanTrack, frames: Range<usize>) -> Option<f64> {
    let (first, last) = fifths(frames, |i| trunk_length(clean, i))?;
    Some(last / first)
}

fn span(x: &[f64], local: Range<usize>, offset: usize, turn_px: f64) -> PassSpan {
    let travel = x[local.end - 1] - x[local.start];
    let travel = if travel.abs() <= turn_px {
        Travel::Stationary
    } else if travel > 0.0 {
        Travel::Rightward
    } else {
        Travel::Leftward
    };
    PassSpan {
        frames: local.start + offset..local.end + offset,
        travel,
    }
}

/// Indices of the extremes where the signal reverses by more than `threshold` (a zigzag).
fn turning_points(x: &[f64], threshold: f64) -> Vec<usize> {
    let mut turns = Vec::new();
    let (mut low, mut high) = (0, 0);
    let mut direction = 0i8;
    for i in 0..x.len() {
        match direction {
            0 => {
                if x[i] < x[low] {
                    low = i;
                }
                if x[i] > x[high] {
                    high = i;
                }
                if x[i] - x[low] > threshold {
                    direction = 1;
                    high = i;
                } else if x[high] - x[i] > threshold {
                    direction = -1;
                    low = i;
                }
            }
            1 => {
                if x[i] > x[high] {
                    high = i;
                } else if x[high] - x[i] > threshold {
                    turns.push(high);
                    direction = -1;
                    low = i;
                }
            }
            _ => {
                if x[i] < x[low] {
                    low = i;
                } else if x[i] - x[low] > threshold {
                    turns.push(low);
                    direction = 1;
                    high = i;
                }
            }
        }
    }
    turns
}

fn mean_vote(votes: &[f64]) -> Option<f64> {
    (!votes.is_empty()).then(|| votes.iter().sum::<f64>() / votes.len() as f64)
}

/// Gathers the facing cues over a pass. A head or foot vote counts only when the offset is
/// clear: more than a tenth of the trunk length.
pub fn facing_evidence(clean: &CleanTrack, pass: &PassSpan) -> FacingEvidence {
    let find = |landmark, i| locate(clean, landmark, i);
    let clear_sign = |ahead: Located, behind: Located, trunk: f64| {
        let dx = ahead.x - behind.x;
        (dx.abs() > 0.1 * trunk).then_some(dx.signum())
    };
    let (mut head, mut feet) = (Vec::new(), Vec::new());
    for i in pass.frames.clone() {
        let Some(trunk) = trunk_length(clean, i) else {
            continue;
        };
        let nose = find(Landmark::Joint(Joint::Nose), i);
        let ears = find(Landmark::Derived(DerivedPoint::Head), i);
        if let (Some(nose), Some(ears)) = (nose, ears) {
            head.extend(clear_sign(nose, ears, trunk));
        }
        for (heel, toe) in [
            (Joint::LeftHeel, Joint::LeftToe),
            (Joint::RightHeel, Joint::RightToe),
        ] {
            if let (Some(h), Some(t)) = (
                find(Landmark::Joint(heel), i),
                find(Landmark::Joint(toe), i),
            ) {
                feet.extend(clear_sign(t, h, trunk));
            }
        }
    }
    let travel = match pass.travel {
        Travel::Leftward => Some(-1.0),
        Travel::Rightward => Some(1.0),
        Travel::Towards | Travel::Away | Travel::Stationary => None,
    };
    FacingEvidence {
        travel,
        head: mean_vote(&head),
        feet: mean_vote(&feet),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_are_found_only_beyond_the_threshold() {
        // Walk right 300 px with 10 px sway, turn, walk left 250 px.
        let mut x: Vec<f64> = (0..60)
            .map(|i| i as f64 * 5.0 + 10.0 * (i as f64).sin())
            .collect();
        x.extend((0..50).map(|i| 300.0 - i as f64 * 5.0));
        assert_eq!(turning_points(&x, 40.0), vec![59]);
        let sway: Vec<f64> = (0..60).map(|i| 10.0 * (i as f64 * 0.7).sin()).collect();
        assert!(turning_points(&sway, 40.0).is_empty());
    }

    #[test]
    fn facing_follows_the_majority_of_cues() {
        let evidence = FacingEvidence {
            travel: Some(-1.0),
            head: Some(-0.8),
            feet: None,
        };
        let (facing, confidence) = evidence.decide();
        assert_eq!(facing, Some(Facing::Left));
        assert!((confidence - 0.9).abs() < 1e-12);
        assert_eq!(
            FacingEvidence {
                travel: None,
                head: None,
                feet: None
            }
            .decide(),
            (None, 0.0)
        );
    }
}
