//! Consistent left/right labels over time.
//!
//! Single-frame models confuse the near and far leg in side views (and sometimes the arms) for a
//! frame or a few. Per limb group, the labelling that moves the joints least from frame to frame
//! is found over the whole track with a two-state Viterbi pass (as labelled / mirrored), with a
//! small cost for departing from the model's own labels so that nothing is relabelled without
//! evidence of a jump.

use super::PoseFrame;
use crate::skeleton::{Joint, Skeleton};

/// Joints relabelled together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimbGroup {
    Legs,
    Arms,
}

impl LimbGroup {
    /// Left-side joints of the group (each relabelled with its mirror).
    fn left_joints(self) -> &'static [Joint] {
        match self {
            LimbGroup::Legs => &[
                Joint::LeftHip,
                Joint::LeftKnee,
                Joint::LeftAnkle,
                Joint::LeftHeel,
                Joint::LeftToe,
            ],
            LimbGroup::Arms => &[Joint::LeftShoulder, Joint::LeftElbow, Joint::LeftWrist],
        }
    }
}

/// Cost per frame, in body heights of joint motion, of departing from the model's labels: small,
/// so that any real jump outweighs it, but enough to keep the model's labelling overall.
const RELABEL_COST: f32 = 0.01;
/// Frames apart beyond which continuity says nothing.
const MAX_LINK_GAP: usize = 3;
const MIN_SCORE: f32 = 0.2;
/// Weight of displacement against acceleration in the continuity cost.
const POSITION_WEIGHT: f32 = 0.5;

fn mirrored(s: &Skeleton, group: LimbGroup) -> Skeleton {
    let mut out = s.clone();
    for &l in group.left_joints() {
        out.set(l, s.get(l.mirror()));
        out.set(l.mirror(), s.get(l));
    }
    out
}

/// Mean over the group's joints of `f(points)`, in body heights; `None` when no joint is seen
/// in every skeleton.
fn mean_over_joints(
    skeletons: &[&Skeleton],
    group: LimbGroup,
    height: f32,
    f: impl Fn(&[(f32, f32)]) -> f32,
) -> f32 {
    let mut total = 0.0;
    let mut n = 0.0;
    for &l in group.left_joints() {
        for j in [l, l.mirror()] {
            let points: Option<Vec<(f32, f32)>> = skeletons
                .iter()
                .map(|s| s.confident(j, MIN_SCORE).map(|k| (k.x, k.y)))
                .collect();
            if let Some(points) = points {
                total += f(&points);
                n += 1.0;
            }
        }
    }
    if n > 0.0 {
        total / n / height
    } else {
        0.0
    }
}

/// Frame-to-frame displacement of the group's joints.
fn displacement(a: &Skeleton, b: &Skeleton, group: LimbGroup, height: f32) -> f32 {
    mean_over_joints(&[a, b], group, height, |p| {
        (p[1].0 - p[0].0).hypot(p[1].1 - p[0].1)
    })
}

/// Change of velocity over three frames: legs that cross keep their velocity, while a labelling
/// that makes them bounce off each other at the crossing reverses it.
fn acceleration(a: &Skeleton, b: &Skeleton, c: &Skeleton, group: LimbGroup, height: f32) -> f32 {
    mean_over_joints(&[a, b, c], group, height, |p| {
        (p[2].0 - 2.0 * p[1].0 + p[0].0).hypot(p[2].1 - 2.0 * p[1].1 + p[0].1)
    })
}

/// Relabels the group in place where continuity says the model swapped it; returns, per frame,
/// whether the group was relabelled.
///
/// Second-order Viterbi: the state at frame t is the labelling of frames t-1 and t, so the
/// cost can include acceleration as well as displacement.
pub fn make_consistent(frames: &mut [PoseFrame], group: LimbGroup) -> Vec<bool> {
    let observed: Vec<(usize, Skeleton)> = frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.skeleton.clone().map(|s| (i, s)))
        .collect();
    let mut relabelled = vec![false; frames.len()];
    if observed.len() < 2 {
        return relabelled;
    }
    let height = {
        let mut h: Vec<f32> = observed
            .iter()
            .filter_map(|(_, s)| s.body_height_px(0.3))
            .collect();
        h.sort_by(f32::total_cmp);
        h.get(h.len() / 2).copied().unwrap_or(1.0).max(1.0)
    };
    let variants: Vec<[Skeleton; 2]> = observed
        .iter()
        .map(|(_, s)| [s.clone(), mirrored(s, group)])
        .collect();
    let linked = |t: usize| t > 0 && observed[t].0 - observed[t - 1].0 <= MAX_LINK_GAP;
    let prior = |state: usize| if state == 1 { RELABEL_COST } else { 0.0 };
    // cost[t][prev][cur] for the labelling (prev at t-1, cur at t); back[t][prev][cur] = state at t-2.
    let mut cost = vec![[[prior(0), prior(1)], [f32::INFINITY; 2]]];
    let mut back = vec![[[0usize; 2]; 2]];
    for t in 1..observed.len() {
        let mut row = [[f32::INFINITY; 2]; 2];
        let mut from = [[0usize; 2]; 2];
        for prev in 0..2 {
            for cur in 0..2 {
                let step = if linked(t) {
                    displacement(&variants[t - 1][prev], &variants[t][cur], group, height)
                } else {
                    0.0
                };
                for before in 0..2 {
                    let bend = if linked(t) && linked(t - 1) {
                        acceleration(
                            &variants[t - 2][before],
                            &variants[t - 1][prev],
                            &variants[t][cur],
                            group,
                            height,
                        )
                    } else {
                        0.0
                    };
                    let total =
                        cost[t - 1][before][prev] + POSITION_WEIGHT * step + bend + prior(cur);
                    if total < row[prev][cur] {
                        row[prev][cur] = total;
                        from[prev][cur] = before;
                    }
                }
            }
        }
        cost.push(row);
        back.push(from);
    }
    let last = cost.len() - 1;
    let (mut prev, mut cur) = (0, 0);
    for p in 0..2 {
        for c in 0..2 {
            if cost[last][p][c] < cost[last][prev][cur] {
                (prev, cur) = (p, c);
            }
        }
    }
    for t in (0..observed.len()).rev() {
        if cur == 1 {
            let i = observed[t].0;
            frames[i].skeleton = Some(variants[t][1].clone());
            relabelled[i] = true;
        }
        let before = back[t][prev][cur];
        (prev, cur) = (before, prev);
    }
    relabelled
}

/// Makes legs and arms consistent over the whole track and flags the relabelled frames.
pub fn make_track_consistent(track: &mut super::PoseTrack) {
    let legs = make_consistent(&mut track.frames, LimbGroup::Legs);
    let arms = make_consistent(&mut track.frames, LimbGroup::Arms);
    for (f, (l, a)) in track.frames.iter_mut().zip(legs.into_iter().zip(arms)) {
        f.relabelled_legs = l;
        f.relabelled_arms = a;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skeleton::Keypoint;

    fn walker(t: usize, swapped: bool) -> PoseFrame {
        let mut s = Skeleton::default();
        let x = 1000.0 - 10.0 * t as f32;
        let phase = (t as f32 * 0.4).sin() * 60.0;
        let put =
            |s: &mut Skeleton, j: Joint, x: f32, y: f32| s.set(j, Some(Keypoint::new(x, y, 0.9)));
        put(&mut s, Joint::Nose, x - 20.0, 100.0);
        put(&mut s, Joint::LeftHip, x, 300.0);
        put(&mut s, Joint::RightHip, x, 300.0);
        put(&mut s, Joint::LeftKnee, x + phase * 0.5, 400.0);
        put(&mut s, Joint::RightKnee, x - phase * 0.5, 400.0);
        put(&mut s, Joint::LeftAnkle, x + phase, 500.0);
        put(&mut s, Joint::RightAnkle, x - phase, 500.0);
        let s = if swapped {
            mirrored(&s, LimbGroup::Legs)
        } else {
            s
        };
        PoseFrame {
            index: t,
            time_s: t as f64 / 30.0,
            skeleton: Some(s),
            world: None,
            relabelled_legs: false,
            relabelled_arms: false,
        }
    }

    #[test]
    fn short_swaps_are_undone_and_clean_frames_untouched() {
        let swapped_frames = [7, 20, 21, 22, 40, 41, 42, 43, 44];
        let truth: Vec<PoseFrame> = (0..60).map(|t| walker(t, false)).collect();
        let mut frames: Vec<PoseFrame> = (0..60)
            .map(|t| walker(t, swapped_frames.contains(&t)))
            .collect();
        let relabelled = make_consistent(&mut frames, LimbGroup::Legs);
        let wrong: Vec<usize> = (0..60).filter(|&t| frames[t] != truth[t]).collect();
        assert!(wrong.is_empty(), "frames still mislabelled: {wrong:?}");
        let flagged: Vec<usize> = (0..60).filter(|&t| relabelled[t]).collect();
        assert_eq!(flagged, swapped_frames);
    }
}
