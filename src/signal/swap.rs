//! Left/right swap detection and repair.
//!
//! Pose models sometimes label the left leg as the right one for a few frames (most often in
//! side view, when the legs cross). Each frame is compared with where its joints should be:
//! every confident joint is predicted from the two previous (already repaired) frames at
//! constant velocity. For each group of joints, the labelling that fits the predictions better
//! wins: the **continuity test** is the distance of each joint from its prediction, the
//! **limb-length test** is how far thigh, shank, upper-arm and forearm lengths stray from each
//! side's recent median. Costs are in units of the body's height in the frame. A swap is made
//! only when it at least halves the cost and gains more than `min_gain`, so near-ties (the
//! two shoulders overlapping in side view) are left alone.
//!
//! Groups are tried from the trunk outwards: the whole body (decided by the face, shoulders
//! and hips), then the legs from the knee down, the knees alone or the feet alone, then the arms
//! from the elbow down or the wrists alone. The first frame of each visible run is the reference: a
//! track whose first frame is mislabelled is kept consistent with that frame.

use crate::skeleton::{Joint, Keypoint, Skeleton};
use serde::{Deserialize, Serialize};

/// A set of left joints that is swapped with their right twins as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapGroup {
    /// Every left joint with its right twin (a mirrored skeleton).
    Body,
    /// Knees, ankles, heels and toes.
    Legs,
    /// Knees alone (legs crossing mid-swing).
    Knees,
    /// Ankles, heels and toes.
    Feet,
    /// Elbows and wrists.
    Arms,
    /// Wrists.
    Hands,
}

impl SwapGroup {
    /// The left-side joints of the group.
    pub fn left_joints(self) -> &'static [Joint] {
        use Joint::*;
        match self {
            SwapGroup::Body => &[
                LeftEye,
                LeftEar,
                LeftShoulder,
                LeftElbow,
                LeftWrist,
                LeftHip,
                LeftKnee,
                LeftAnkle,
                LeftHeel,
                LeftToe,
            ],
            SwapGroup::Legs => &[LeftKnee, LeftAnkle, LeftHeel, LeftToe],
            SwapGroup::Knees => &[LeftKnee],
            SwapGroup::Feet => &[LeftAnkle, LeftHeel, LeftToe],
            SwapGroup::Arms => &[LeftElbow, LeftWrist],
            SwapGroup::Hands => &[LeftWrist],
        }
    }

    fn apply(self, skeleton: &mut Skeleton) {
        for &left in self.left_joints() {
            skeleton.points.swap(left.index(), left.mirror().index());
        }
    }
}

/// Joints that decide a whole-body swap: they rarely swap on their own.
const TRUNK_LEFT: [Joint; 4] = [
    Joint::LeftEye,
    Joint::LeftEar,
    Joint::LeftShoulder,
    Joint::LeftHip,
];
/// Bones whose length is checked, left side (proximal, distal).
const CHECKED_BONES: [(Joint, Joint); 4] = [
    (Joint::LeftHip, Joint::LeftKnee),
    (Joint::LeftKnee, Joint::LeftAnkle),
    (Joint::LeftShoulder, Joint::LeftElbow),
    (Joint::LeftElbow, Joint::LeftWrist),
];

/// One repaired swap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwapRepair {
    /// Position of the frame in the track.
    pub position: usize,
    /// Decode index of the frame.
    pub frame_index: usize,
    pub time_s: f64,
    pub group: SwapGroup,
    /// Fit cost (body heights) with the model's labels and after the swap.
    pub cost_before: f64,
    pub cost_after: f64,
}

/// Swap-repair settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SwapOptions {
    /// Keypoints below this score take no part in the tests.
    pub min_score: f32,
    /// A joint not seen for longer than this is not predicted (seconds, default 0.5).
    pub max_history_s: f64,
    /// Least cost reduction, in body heights, for a swap to be made (default 0.05).
    pub min_gain: f64,
}

impl Default for SwapOptions {
    fn default() -> Self {
        SwapOptions {
            min_score: 0.3,
            max_history_s: 0.5,
            min_gain: 0.05,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    time: f64,
    x: f64,
    y: f64,
}

/// The recent repaired past: the last two sightings of each joint and recent bone lengths.
struct History {
    seen: Vec<[Option<Seen>; 2]>,
    bone_lengths: Vec<Vec<f64>>,
}

const BONE_HISTORY: usize = 31;

impl History {
    fn new() -> Self {
        History {
            seen: vec![[None, None]; Joint::ALL.len()],
            bone_lengths: vec![Vec::new(); 2 * CHECKED_BONES.len()],
        }
    }

    fn predict(&self, joint: Joint, time: f64, max_age: f64) -> Option<(f64, f64)> {
        let [older, newer] = self.seen[joint.index()];
        let newer = newer?;
        if time - newer.time > max_age {
            return None;
        }
        match older {
            Some(o) if newer.time > o.time && newer.time - o.time <= max_age => {
                let k = (time - newer.time) / (newer.time - o.time);
                Some((newer.x + k * (newer.x - o.x), newer.y + k * (newer.y - o.y)))
            }
            _ => Some((newer.x, newer.y)),
        }
    }

    fn bone_reference(&self, slot: usize) -> Option<f64> {
        let lengths = &self.bone_lengths[slot];
        if lengths.len() < 3 {
            return None;
        }
        let mut sorted = lengths.clone();
        sorted.sort_by(f64::total_cmp);
        Some(sorted[sorted.len() / 2])
    }

    fn record(&mut self, skeleton: &Skeleton, time: f64, min_score: f32) {
        for joint in Joint::ALL {
            if let Some(k) = skeleton.confident(joint, min_score) {
                let slot = &mut self.seen[joint.index()];
                slot[0] = slot[1];
                slot[1] = Some(Seen {
                    time,
                    x: k.x as f64,
                    y: k.y as f64,
                });
            }
        }
        for (slot, (a, b)) in bone_slots().enumerate() {
            if let (Some(p), Some(q)) = (
                skeleton.confident(a, min_score),
                skeleton.confident(b, min_score),
            ) {
                let lengths = &mut self.bone_lengths[slot];
                if lengths.len() == BONE_HISTORY {
                    lengths.remove(0);
                }
                lengths.push(p.distance(&q) as f64);
            }
        }
    }

    fn clear(&mut self) {
        *self = History::new();
    }
}

/// Checked bones on both sides: left ones, then their right twins.
fn bone_slots() -> impl Iterator<Item = (Joint, Joint)> {
    CHECKED_BONES
        .iter()
        .copied()
        .chain(CHECKED_BONES.iter().map(|(a, b)| (a.mirror(), b.mirror())))
}

fn distance(k: Keypoint, (x, y): (f64, f64)) -> f64 {
    (k.x as f64 - x).hypot(k.y as f64 - y)
}

struct Scorer<'a> {
    history: &'a History,
    time: f64,
    options: &'a SwapOptions,
    scale: f64,
}

impl Scorer<'_> {
    /// Continuity cost of the given joints (and their twins) in `skeleton`, plus the
    /// limb-length cost of bones that touch them; both in body heights. Joints are counted
    /// only where both labellings can be scored, so that the costs compare.
    fn cost(&self, skeleton: &Skeleton, left_joints: &[Joint]) -> f64 {
        let max_age = self.options.max_history_s;
        let mut total = 0.0;
        for &left in left_joints {
            let right = left.mirror();
            let (pl, pr) = (
                self.history.predict(left, self.time, max_age),
                self.history.predict(right, self.time, max_age),
            );
            let (Some(pl), Some(pr)) = (pl, pr) else {
                continue;
            };
            if let Some(k) = skeleton.confident(left, self.options.min_score) {
                total += distance(k, pl);
            }
            if let Some(k) = skeleton.confident(right, self.options.min_score) {
                total += distance(k, pr);
            }
        }
        for (slot, (a, b)) in bone_slots().enumerate() {
            let touches = left_joints
                .iter()
                .any(|j| [a, b].contains(j) || [a, b].contains(&j.mirror()));
            let (Some(reference), true) = (self.history.bone_reference(slot), touches) else {
                continue;
            };
            let twin = (slot + CHECKED_BONES.len()) % (2 * CHECKED_BONES.len());
            if self.history.bone_reference(twin).is_none() {
                continue;
            }
            let (p, q) = (
                skeleton.confident(a, self.options.min_score),
                skeleton.confident(b, self.options.min_score),
            );
            if let (Some(p), Some(q)) = (p, q) {
                total += (p.distance(&q) as f64 - reference).abs();
            }
        }
        total / self.scale
    }
}

/// Repairs left/right swaps in place; `times` are the frames' timestamps and `frame_indices`
/// their decode indices. Returns one record per group swapped per frame.
pub fn repair_swaps(
    skeletons: &mut [Option<Skeleton>],
    times: &[f64],
    frame_indices: &[usize],
    options: &SwapOptions,
) -> Vec<SwapRepair> {
    let mut repairs = Vec::new();
    let mut history = History::new();
    for (position, slot) in skeletons.iter_mut().enumerate() {
        let time = times[position];
        let Some(skeleton) = slot.as_mut() else {
            history.clear();
            continue;
        };
        let scale = skeleton
            .body_height_px(options.min_score)
            .map_or(0.0, |h| h as f64);
        if scale > 1.0 {
            let scorer = Scorer {
                history: &history,
                time,
                options,
                scale,
            };
            let stages: [(&[Joint], &[SwapGroup]); 3] = [
                (&TRUNK_LEFT, &[SwapGroup::Body]),
                (
                    SwapGroup::Legs.left_joints(),
                    &[SwapGroup::Legs, SwapGroup::Knees, SwapGroup::Feet],
                ),
                (
                    SwapGroup::Arms.left_joints(),
                    &[SwapGroup::Arms, SwapGroup::Hands],
                ),
            ];
            for (judged, candidates) in stages {
                let before = scorer.cost(skeleton, judged);
                let best = candidates
                    .iter()
                    .map(|&group| {
                        let mut trial = skeleton.clone();
                        group.apply(&mut trial);
                        (group, scorer.cost(&trial, judged))
                    })
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((group, after)) = best {
                    if after < 0.5 * before && before - after > options.min_gain {
                        group.apply(skeleton);
                        repairs.push(SwapRepair {
                            position,
                            frame_index: frame_indices[position],
                            time_s: time,
                            group,
                            cost_before: before,
                            cost_after: after,
                        });
                    }
                }
            }
        }
        history.record(skeleton, time, options.min_score);
    }
    repairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A side-view walker, facing right, legs swinging in antiphase; the far side is drawn
    /// 12 px behind the near side so that the two are distinguishable.
    fn walker(t: f64) -> Skeleton {
        let mut s = Skeleton::default();
        let base_x = 200.0 + 120.0 * t;
        let phase = 2.0 * std::f64::consts::PI * t;
        let put = |s: &mut Skeleton, j: Joint, x: f64, y: f64| {
            s.set(j, Some(Keypoint::new(x as f32, y as f32, 0.9)))
        };
        for (side, offset, sign) in [("left", 0.0, 1.0), ("right", -12.0, -1.0)] {
            let j = |name: &str| Joint::from_name(&format!("{side}_{name}")).unwrap();
            let x0 = base_x + offset;
            let hip_angle = 0.45 * sign * phase.sin();
            let knee = 0.5 + 0.4 * sign * (phase + 1.0).sin();
            let (kx, ky) = (x0 + 90.0 * hip_angle.sin(), 300.0 + 90.0 * hip_angle.cos());
            let (ax, ay) = (
                kx + 85.0 * (hip_angle - knee).sin(),
                ky + 85.0 * (hip_angle - knee).cos(),
            );
            put(&mut s, j("shoulder"), x0 + 5.0, 150.0);
            put(&mut s, j("hip"), x0, 300.0);
            put(&mut s, j("knee"), kx, ky);
            put(&mut s, j("ankle"), ax, ay);
            put(&mut s, j("heel"), ax - 8.0, ay + 10.0);
            put(&mut s, j("toe"), ax + 20.0, ay + 12.0);
            put(&mut s, j("elbow"), x0 - 40.0 * hip_angle, 220.0);
            put(&mut s, j("wrist"), x0 - 70.0 * hip_angle, 280.0);
            put(&mut s, j("ear"), x0, 100.0);
            put(&mut s, j("eye"), x0 + 15.0, 95.0);
        }
        put(&mut s, Joint::Nose, base_x + 22.0, 105.0);
        s
    }

    #[test]
    fn injected_swaps_of_one_to_five_frames_are_repaired_exactly() {
        let n = 120;
        let times: Vec<f64> = (0..n).map(|i| i as f64 / 30.0).collect();
        let truth: Vec<Option<Skeleton>> = times.iter().map(|&t| Some(walker(t))).collect();
        let mut track = truth.clone();
        let injected = [
            (10, 1, SwapGroup::Body),
            (25, 2, SwapGroup::Legs),
            (40, 3, SwapGroup::Body),
            (52, 2, SwapGroup::Knees),
            (62, 4, SwapGroup::Feet),
            (80, 5, SwapGroup::Legs),
            (100, 3, SwapGroup::Arms),
            (110, 1, SwapGroup::Hands),
        ];
        let mut expected = Vec::new();
        for (start, len, group) in injected {
            for (offset, skeleton) in track[start..start + len].iter_mut().enumerate() {
                group.apply(skeleton.as_mut().unwrap());
                expected.push((start + offset, group));
            }
        }
        let indices: Vec<usize> = (0..n).collect();
        let repairs = repair_swaps(&mut track, &times, &indices, &SwapOptions::default());
        assert_eq!(track, truth, "repaired track differs from the truth");
        let found: Vec<(usize, SwapGroup)> =
            repairs.iter().map(|r| (r.position, r.group)).collect();
        // A whole-body swap is repaired as one Body swap; nothing else is touched.
        assert_eq!(found, expected);
    }

    #[test]
    fn a_clean_track_is_left_alone_and_gaps_restart_the_reference() {
        let times: Vec<f64> = (0..60).map(|i| i as f64 / 30.0).collect();
        let mut track: Vec<Option<Skeleton>> = times.iter().map(|&t| Some(walker(t))).collect();
        track[30] = None;
        let truth = track.clone();
        let indices: Vec<usize> = (0..60).collect();
        assert!(repair_swaps(&mut track, &times, &indices, &SwapOptions::default()).is_empty());
        assert_eq!(track, truth);
    }
}
