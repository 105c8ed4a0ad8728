//! BlazePose and selfie segmentation on a real walking clip, following the walking woman.
//!
//! `walk_side_sports2d.mp4` (1768×994): a woman enters at the right at ≈1.4 s and walks right to
//! left in side view, facing left, along the lower half of the frame; a man on a box is upper
//! left. She is found with MoveNet on a square over the lower right of the frame and followed
//! with MoveNet's own next region; BlazePose is seeded from that region and then tracks with
//! its own ROI. MoveNet is the reference for where she is and when her feet are apart (it
//! separates the legs in side view, where BlazePose lite is known to merge them).

use std::path::Path;
use std::sync::OnceLock;
use ugoki::pose::blazepose::detector::{Detection, PoseDetector};
use ugoki::pose::blazepose::BlazePose;
use ugoki::pose::movenet::MoveNet;
use ugoki::pose::preprocess::CropTransform;
use ugoki::pose::segmentation::SelfieSegmentation;
use ugoki::pose::{PersonMask, PoseEstimator, Region};
use ugoki::skeleton::{Joint, Keypoint, Skeleton};
use ugoki::source::{FrameSource, VideoFile};

const VIDEO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/videos/walk_side_sports2d.mp4"
);
const MOVENET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/movenet_lightning.onnx");
const DETECTOR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/blazepose_detector.onnx"
);
const LANDMARKS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/blazepose_landmark_lite.onnx"
);
const SEGMENTATION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/selfie_segmentation.onnx"
);

const FRAME_HEIGHT: f32 = 994.0;
/// Where she is first looked for: a square over the lower right, where she enters.
const SEED: Region = Region {
    cx: 1468.0,
    cy: 694.0,
    size: 600.0,
    rotation: 0.0,
};
/// MoveNet joints below this score are not trusted as the reference.
const MIN_SCORE: f32 = 0.3;
/// A foot counts as apart from the other when the ankles are this many leg lengths apart in x.
const FEET_APART: f32 = 0.25;
/// Once followed, she is given up after this many frames in a row without her.
const MAX_LOST: usize = 10;
/// A point is "far from her" when it is at least this fraction of the region side from every
/// keypoint of hers.
const FAR: f32 = 0.2;

/// What was measured in one frame where she was followed.
struct Observation {
    index: usize,
    reference: Skeleton,
    blazepose: Option<Skeleton>,
    /// BlazePose world landmarks (metres, hip-centred), canonical order.
    world: Option<Vec<Option<[f32; 3]>>>,
    /// BlazePose mask at her torso joints, then at far corners of its ROI.
    landmark_mask: Option<(Vec<f32>, Vec<f32>)>,
    /// Selfie-segmentation mask on her MoveNet region: at her torso joints, then at far corners.
    selfie_mask: (Vec<f32>, Vec<f32>),
    /// BlazePose ran on the ROI it proposed in the previous frame (no detector needed).
    tracked: bool,
    /// Every 5th frame: the best detection of the detector run alone on her MoveNet region.
    detection: Option<Option<Detection>>,
}

/// A shared model or video the test cannot run without.
fn required(path: &str) -> &Path {
    let path = Path::new(path);
    assert!(
        path.exists(),
        "{} is missing: the test needs the shared models and videos",
        path.display()
    );
    path
}

fn mid(a: Option<Keypoint>, b: Option<Keypoint>) -> Option<(f32, f32)> {
    let (a, b) = (a?, b?);
    Some(((a.x + b.x) * 0.5, (a.y + b.y) * 0.5))
}

/// Her hip centre, when MoveNet is confident about both and they lie in the lower half of the frame.
fn her_hips(reference: &Skeleton) -> Option<(f32, f32)> {
    let hips = mid(
        reference.confident(Joint::LeftHip, MIN_SCORE),
        reference.confident(Joint::RightHip, MIN_SCORE),
    )?;
    (reference.torso_score() >= MIN_SCORE && hips.1 > FRAME_HEIGHT * 0.5).then_some(hips)
}

fn leg_length(s: &Skeleton) -> Option<f32> {
    let leg = |hip, knee, ankle| -> Option<f32> {
        let (h, k, a) = (
            s.confident(hip, MIN_SCORE)?,
            s.confident(knee, MIN_SCORE)?,
            s.confident(ankle, MIN_SCORE)?,
        );
        Some(h.distance(&k) + k.distance(&a))
    };
    let l = leg(Joint::LeftHip, Joint::LeftKnee, Joint::LeftAnkle)?;
    let r = leg(Joint::RightHip, Joint::RightKnee, Joint::RightAnkle)?;
    Some((l + r) * 0.5)
}

const TORSO: [Joint; 4] = [
    Joint::LeftShoulder,
    Joint::RightShoulder,
    Joint::LeftHip,
    Joint::RightHip,
];

/// The mask at her torso joints (from the MoveNet reference), and at the four corners (inset by
/// 4 %) of the mask's region that lie in the frame and far from all her keypoints (reference's
/// and estimate's).
fn torso_and_far_corners(
    mask: &PersonMask,
    reference: &Skeleton,
    estimate: Option<&Skeleton>,
    width: f32,
    height: f32,
) -> (Vec<f32>, Vec<f32>) {
    let torso = TORSO
        .iter()
        .filter_map(|j| reference.confident(*j, MIN_SCORE))
        .filter_map(|k| mask.probability_at(k.x, k.y))
        .collect();
    let transform = CropTransform::new(&mask.region, mask.side);
    let (near, far_side) = (mask.side as f32 * 0.04, mask.side as f32 * 0.96);
    let far_from_her = |x: f32, y: f32| {
        std::iter::once(reference)
            .chain(estimate)
            .flat_map(|s| s.points.iter().flatten())
            .all(|k| (k.x - x).hypot(k.y - y) > FAR * mask.region.size)
    };
    let corners = [
        (near, near),
        (far_side, near),
        (near, far_side),
        (far_side, far_side),
    ]
    .into_iter()
    .map(|(u, v)| transform.to_source(u, v))
    .filter(|&(x, y)| x >= 0.0 && y >= 0.0 && x < width && y < height && far_from_her(x, y))
    .filter_map(|(x, y)| mask.probability_at(x, y))
    .collect();
    (torso, corners)
}

/// Runs the clip once for all tests: finds her in the seed square, follows her with MoveNet's
/// next region until she has left (the man on the box later runs through the seed square; he is not
/// followed), and runs the models under test on her.
fn observations() -> &'static [Observation] {
    static OBSERVATIONS: OnceLock<Vec<Observation>> = OnceLock::new();
    OBSERVATIONS.get_or_init(|| {
        let mut movenet = MoveNet::load(required(MOVENET), 1).expect("MoveNet loads");
        let mut blazepose =
            BlazePose::load(required(DETECTOR), required(LANDMARKS), 1).expect("BlazePose loads");
        let mut detector = PoseDetector::load(required(DETECTOR), 1).expect("the detector loads");
        let mut selfie =
            SelfieSegmentation::load(required(SEGMENTATION), 1).expect("selfie segmentation loads");
        let mut video = VideoFile::open(required(VIDEO)).expect("the clip opens");
        let (width, height) = (video.info().width as f32, video.info().height as f32);
        let mut region = SEED;
        let mut blazepose_region: Option<Region> = None;
        let mut lost = 0;
        let mut out: Vec<Observation> = Vec::new();
        while let Some(frame) = video.next_frame().expect("the clip decodes") {
            let reference = movenet
                .estimate(&frame.image, &region)
                .expect("MoveNet runs");
            // Locked on once she is fully in view (not half behind the tree she enters behind).
            let locked = !out.is_empty();
            let seen = her_hips(&reference.skeleton).is_some()
                && (locked || leg_length(&reference.skeleton).is_some());
            if !seen {
                lost += 1;
                blazepose_region = None;
                if locked && lost > MAX_LOST {
                    break;
                }
                continue;
            }
            lost = 0;
            let tracked = blazepose_region.is_some();
            let estimate = blazepose
                .estimate(&frame.image, &blazepose_region.unwrap_or(region))
                .expect("BlazePose runs");
            blazepose_region = estimate.next_region;
            let skeleton = (estimate.presence >= 0.5).then(|| estimate.skeleton.clone());
            let samples = |mask: &PersonMask| {
                torso_and_far_corners(mask, &reference.skeleton, skeleton.as_ref(), width, height)
            };
            let landmark_mask = estimate.mask.as_ref().map(samples);
            let selfie_mask = selfie
                .segment(&frame.image, &region)
                .expect("selfie segmentation runs");
            let selfie_mask = samples(&selfie_mask);
            let detection = frame.index.is_multiple_of(5).then(|| {
                let found = detector
                    .detect(&frame.image, &region)
                    .expect("the detector runs");
                found.first().copied()
            });
            out.push(Observation {
                index: frame.index,
                reference: reference.skeleton,
                blazepose: skeleton,
                world: estimate.world.clone(),
                landmark_mask,
                selfie_mask,
                tracked,
                detection,
            });
            region = reference.next_region.unwrap_or(region);
        }
        out
    })
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len().max(1) as f32
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

/// Frames where MoveNet sees both her legs whole (she is not half behind the tree or leaving).
fn whole_body(obs: &[Observation]) -> Vec<&Observation> {
    obs.iter()
        .filter(|o| leg_length(&o.reference).is_some())
        .collect()
}

#[test]
fn blazepose_follows_her_through_her_walk() {
    let obs = observations();
    let whole = whole_body(obs);
    let found: Vec<&&Observation> = whole.iter().filter(|o| o.blazepose.is_some()).collect();
    let on_her = found
        .iter()
        .filter(|o| {
            let s = o.blazepose.as_ref().expect("filtered on");
            let reference = her_hips(&o.reference).expect("only frames with her hips are kept");
            let hips = mid(s.get(Joint::LeftHip), s.get(Joint::RightHip))
                .expect("BlazePose places every joint");
            let leg = leg_length(&o.reference).expect("whole-body frames have legs");
            (hips.0 - reference.0).hypot(hips.1 - reference.1) < 0.2 * leg
        })
        .count();
    let tracked = found.iter().filter(|o| o.tracked).count();
    println!(
        "followed her in {} frames ({:?}..{:?}), {} with her whole body; BlazePose found a person in {}, \
         on her in {on_her}, from its own ROI (no detector) in {tracked}",
        obs.len(),
        obs.first().map(|o| o.index),
        obs.last().map(|o| o.index),
        whole.len(),
        found.len(),
    );
    assert!(
        whole.len() >= 120,
        "she walks for ≈5 s in full view, but was seen whole in {} frames",
        whole.len()
    );
    assert!(
        found.len() as f32 >= 0.95 * whole.len() as f32,
        "BlazePose found her in {}/{}",
        found.len(),
        whole.len()
    );
    assert!(
        on_her as f32 >= 0.95 * found.len() as f32,
        "BlazePose was on her in {on_her}/{}",
        found.len()
    );
    assert!(
        tracked as f32 >= 0.9 * found.len() as f32,
        "BlazePose tracked in only {tracked}/{}",
        found.len()
    );
}

#[test]
fn detector_finds_her_in_her_movenet_region() {
    let runs: Vec<(&Observation, Option<Detection>)> = whole_body(observations())
        .into_iter()
        .filter_map(|o| o.detection.map(|d| (o, d)))
        .collect();
    let on_her = runs
        .iter()
        .filter(|(o, d)| {
            let Some(hip) = d.map(|d| d.keypoints[0]) else {
                return false;
            };
            let reference = her_hips(&o.reference).expect("only frames with her hips are kept");
            let leg = leg_length(&o.reference).expect("whole-body frames have legs");
            (hip.0 - reference.0).hypot(hip.1 - reference.1) < 0.2 * leg
        })
        .count();
    let scores: Vec<f32> = runs
        .iter()
        .filter_map(|(_, d)| d.map(|d| d.score))
        .collect();
    println!(
        "detector on her MoveNet region: found her in {on_her}/{} runs, scores {:.2}..{:.2}",
        runs.len(),
        scores.iter().copied().fold(f32::INFINITY, f32::min),
        scores.iter().copied().fold(0.0, f32::max)
    );
    assert!(runs.len() >= 20, "only {} detector runs", runs.len());
    assert!(
        on_her as f32 >= 0.9 * runs.len() as f32,
        "the detector found her in only {on_her}/{}",
        runs.len()
    );
}

#[test]
fn heels_are_behind_and_toes_in_front_of_the_ankles_when_her_feet_are_apart() {
    let mut apart = 0;
    let mut both_right = 0;
    let mut feet_right = 0;
    for o in whole_body(observations()) {
        let r = &o.reference;
        let (Some(l), Some(rt), Some(leg)) = (
            r.confident(Joint::LeftAnkle, MIN_SCORE),
            r.confident(Joint::RightAnkle, MIN_SCORE),
            leg_length(r),
        ) else {
            continue;
        };
        if (l.x - rt.x).abs() <= FEET_APART * leg {
            continue;
        }
        apart += 1;
        let Some(s) = &o.blazepose else { continue };
        // She faces left (−x): the toe is left of the ankle and the heel right of it.
        let foot_right = |ankle, heel, toe| {
            let (a, h, t) = (
                s.get(ankle).expect("ankle"),
                s.get(heel).expect("heel"),
                s.get(toe).expect("toe"),
            );
            t.x < a.x && h.x > a.x
        };
        let left = foot_right(Joint::LeftAnkle, Joint::LeftHeel, Joint::LeftToe);
        let right = foot_right(Joint::RightAnkle, Joint::RightHeel, Joint::RightToe);
        feet_right += usize::from(left) + usize::from(right);
        both_right += usize::from(left && right);
    }
    let share = both_right as f32 / apart.max(1) as f32;
    println!(
        "feet apart in {apart} frames: heel behind and toe in front of the ankle on both feet in {both_right} \
         ({:.0} %), per foot {feet_right}/{} ({:.0} %)",
        share * 100.0,
        2 * apart,
        feet_right as f32 / (2 * apart).max(1) as f32 * 100.0
    );
    assert!(apart >= 40, "her feet were apart in only {apart} frames");
    assert!(
        share > 0.5,
        "heels and toes were right on both feet in only {:.0} % of the frames",
        share * 100.0
    );
}

fn world_distance(world: &[Option<[f32; 3]>], a: Joint, b: Joint) -> Option<f32> {
    let (p, q) = (world[a.index()]?, world[b.index()]?);
    Some(((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt())
}

#[test]
fn world_landmarks_are_metres_around_the_hips() {
    let worlds: Vec<&Vec<Option<[f32; 3]>>> = whole_body(observations())
        .iter()
        .filter_map(|o| o.world.as_ref())
        .collect();
    let shoulders = median(
        worlds
            .iter()
            .filter_map(|w| world_distance(w, Joint::LeftShoulder, Joint::RightShoulder))
            .collect(),
    );
    let thigh = median(
        worlds
            .iter()
            .filter_map(|w| world_distance(w, Joint::LeftHip, Joint::LeftKnee))
            .collect(),
    );
    // Hip-centred: the midpoint of the hips is the origin.
    let hip_centre = median(
        worlds
            .iter()
            .filter_map(|w| {
                let (l, r) = (w[Joint::LeftHip.index()]?, w[Joint::RightHip.index()]?);
                Some(
                    ((l[0] + r[0]) * 0.5)
                        .hypot((l[1] + r[1]) * 0.5)
                        .hypot((l[2] + r[2]) * 0.5),
                )
            })
            .collect(),
    );
    println!(
        "world landmarks over {} frames (medians): shoulder width {shoulders:.3} m, left thigh {thigh:.3} m, \
         hip centre {hip_centre:.3} m from the origin",
        worlds.len()
    );
    assert!(
        worlds.len() >= 100,
        "world landmarks in only {} frames",
        worlds.len()
    );
    assert!(
        (0.25..=0.5).contains(&shoulders),
        "shoulder width {shoulders} m is not a person's in metres"
    );
    assert!(
        (0.3..=0.6).contains(&thigh),
        "thigh {thigh} m is not a person's in metres"
    );
    assert!(
        hip_centre < 0.05,
        "the hip centre is {hip_centre} m from the origin"
    );
}

/// Pools a mask's samples over the whole-body frames, prints and checks them.
fn check_mask(name: &str, samples: impl Iterator<Item = (Vec<f32>, Vec<f32>)>) {
    let (mut torso, mut corners) = (Vec::new(), Vec::new());
    for (t, c) in samples {
        torso.extend(t);
        corners.extend(c);
    }
    let (at_torso, at_corners) = (mean(&torso), mean(&corners));
    println!(
        "{name}: mean {at_torso:.3} at {} torso-joint pixels, {at_corners:.3} at {} far crop corners",
        torso.len(),
        corners.len()
    );
    assert!(
        torso.len() >= 400 && corners.len() >= 200,
        "{name}: too few samples"
    );
    assert!(at_torso > 0.7, "{name}: only {at_torso} on her torso");
    assert!(at_corners < 0.2, "{name}: {at_corners} far from her");
}

#[test]
fn landmark_mask_covers_her_torso_and_not_the_far_corners() {
    check_mask(
        "BlazePose mask",
        whole_body(observations())
            .into_iter()
            .filter_map(|o| o.landmark_mask.clone()),
    );
}

#[test]
fn selfie_mask_covers_her_torso_and_not_the_far_corners() {
    check_mask(
        "selfie segmentation",
        whole_body(observations())
            .into_iter()
            .map(|o| o.selfie_mask.clone()),
    );
}

#[test]
fn nobody_in_the_region_gives_presence_zero_and_a_bad_image_an_error() {
    use opencv::core::{Mat, Scalar, CV_8UC3};
    let mut blazepose =
        BlazePose::load(required(DETECTOR), required(LANDMARKS), 1).expect("BlazePose loads");
    let grey = Mat::new_rows_cols_with_default(480, 640, CV_8UC3, Scalar::all(128.0))
        .expect("a grey image");
    let region = Region::whole_frame(640, 480);
    let estimate = blazepose
        .estimate(&grey, &region)
        .expect("BlazePose runs on an empty scene");
    assert_eq!(estimate.presence, 0.0);
    assert!(estimate.next_region.is_none() && estimate.mask.is_none() && estimate.world.is_none());
    assert!(estimate.skeleton.points.iter().all(Option::is_none));
    assert!(
        blazepose.estimate(&Mat::default(), &region).is_err(),
        "an empty image is an error, not a panic"
    );
    let mut selfie =
        SelfieSegmentation::load(required(SEGMENTATION), 1).expect("selfie segmentation loads");
    assert!(selfie.segment(&Mat::default(), &region).is_err());
}
