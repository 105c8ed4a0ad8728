//! The spine measurements on real clips (see ../shared/videos/INDEX.md): the side-view
//! deadlift's back stays neutral on both pulls, the oblique good morning is refused with its
//! reason, and the seated Russian twist's shoulder rotation shows its ≈10 left-right cycles.
//! Fails, not skips, when a video or model is missing.

mod common;

use ugoki::cli::pose::{track_video, PoseModel};
use ugoki::kinematics::spine::back_shape::BackShape;
use ugoki::kinematics::spine::{
    measure_forward_bend, measure_rotation, Assessment, BackOutlines, ForwardBend,
    ForwardBendOptions, RotationOptions,
};
use ugoki::kinematics::{compute, Kinematics, KinematicsOptions};
use ugoki::track::{PoseTrack, SubjectOptions};

fn kinematics_of(video: &str, model: PoseModel) -> (PoseTrack, Kinematics) {
    let outcome = track_video(video, model, Some(2), 1, &SubjectOptions::default(), true)
        .expect("pose track");
    let k = compute(&outcome.track, &KinematicsOptions::default()).expect("kinematics");
    (outcome.track, k)
}

/// The forward bend of a clip, with MoveNet and the default options.
fn forward_bend_of(video: &str) -> ForwardBend {
    let (_, k) = kinematics_of(video, PoseModel::Movenet);
    measure_forward_bend(
        BackOutlines::Video(video),
        &k,
        &ForwardBendOptions::default(),
    )
    .expect("measure")
}

/// Sign changes of `values` with hysteresis: a side counts once the value passes ±`band`.
fn side_changes(values: impl IntoIterator<Item = f64>, band: f64) -> usize {
    let (mut side, mut changes) = (0.0f64, 0);
    for v in values {
        if v.abs() > band {
            if side != 0.0 && v.signum() != side {
                changes += 1;
            }
            side = v.signum();
        }
    }
    changes
}

#[test]
fn deadlift_back_is_neutral_on_both_pulls() {
    let video = common::shared_video("hinge_formfit_barbell_deadlift_side.mp4");
    let video = video.to_str().unwrap();
    let bend = forward_bend_of(video);
    assert!(bend.cannot_assess.is_none(), "{:?}", bend.cannot_assess);
    for b in &bend.bends {
        eprintln!(
            "bend {:.2}-{:.2} s, bottom {:.2} s, peak flexion {:.0}°, median curve {:?}°, rounded {:.2} s, {:?}",
            b.start_s, b.end_s, b.bottom_s, b.peak_flexion_deg, b.median_curve_deg, b.longest_rounded_s, b.shape
        );
    }
    // Two pulls and the third descent that ends the clip.
    assert_eq!(bend.bends.len(), 3, "{:?}", bend.bends);
    // Each pull ends in a lockout (≈2.0 s and ≈7.5 s): the bend just before it is the pull.
    for lockout in [2.0, 7.5] {
        let pull = bend
            .bends
            .iter()
            .find(|b| b.end_s < lockout && b.end_s > lockout - 1.2)
            .unwrap_or_else(|| panic!("no bend ending just before the lockout at {lockout} s"));
        assert!(pull.peak_flexion_deg > 90.0, "{pull:?}");
        assert_eq!(
            pull.shape,
            Assessment::Assessed(BackShape::Neutral),
            "{pull:?}"
        );
        let curve = pull.median_curve_deg.expect("curve");
        assert!(
            curve < 0.0,
            "a clean deadlift's back stays negative: {curve}"
        );
    }
    // The measurement covered most of the clip.
    let measured = bend.back_curve.count() as f64 / bend.times_s.len() as f64;
    assert!(
        measured > 0.8,
        "back outline on {measured:.2} of the frames"
    );
    let mean_quality =
        bend.mask_quality.iter().sum::<f64>() / bend.mask_quality.len().max(1) as f64;
    assert!(mean_quality > 0.7, "mask quality {mean_quality:.2}");
}

#[test]
fn oblique_good_morning_is_refused_for_back_shape_with_the_reason() {
    let video = common::shared_video("hinge_kbtrainer_kb_good_morning_oblique.mp4");
    let video = video.to_str().unwrap();
    let bend = forward_bend_of(video);
    let reason = bend.cannot_assess.expect("refused");
    assert!(reason.en.contains("not a side view"), "{reason:?}");
    assert!(reason.en.contains("oblique"), "{reason:?}");
    assert!(reason.ja.contains("斜め"), "{reason:?}");
    assert!(bend.back_curve.values.iter().all(Option::is_none));
    assert!(bend.hip_part.values.iter().all(Option::is_none));
    assert!(bend.bends.iter().all(|b| b.shape.value().is_none()));
}

#[test]
fn russian_twist_shoulder_rotation_shows_about_ten_cycles() {
    let video = common::shared_video("rotation_kbtrainer_russian_twist_seated.mp4");
    let video = video.to_str().unwrap();
    let (track, k) = kinematics_of(video, PoseModel::Blazepose);
    let r = measure_rotation(&track, &k, &RotationOptions::default());
    assert!(r.cannot_assess.is_none(), "{:?}", r.cannot_assess);
    let window: Vec<f64> = r
        .times_s
        .iter()
        .zip(&r.shoulder_rotation.values)
        .filter(|(t, _)| (2.0..=18.0).contains(*t))
        .filter_map(|(_, v)| *v)
        .collect();
    assert!(
        window.len() > 400,
        "{} frames measured in 2–18 s",
        window.len()
    );
    let centre = window.iter().sum::<f64>() / window.len() as f64;
    let changes = side_changes(window.iter().map(|v| v - centre), 5.0);
    let cycles = changes as f64 / 2.0;
    eprintln!(
        "{cycles} cycles; shoulders {:?}, pelvis {:?}, thoracic {:?}",
        r.shoulder_peaks, r.pelvis_peaks, r.thoracic_peaks
    );
    assert!((8.0..=12.0).contains(&cycles), "{cycles} cycles");
    // The twist turns the shoulders more than the pelvis, to both sides.
    let (s, p) = (&r.shoulder_peaks, &r.pelvis_peaks);
    assert!(s.left_deg.unwrap() > p.left_deg.unwrap(), "{s:?} {p:?}");
    assert!(s.right_deg.unwrap() > p.right_deg.unwrap(), "{s:?} {p:?}");
    // A front camera: only the world yaw speaks, at reduced confidence, and the limits say so.
    assert!(r.shoulder_rotation.confidence.iter().all(|c| *c <= 0.5));
    assert!(r.limits.iter().any(|l| l.contains("front camera")));
}

#[test]
fn side_changes_count_with_hysteresis() {
    assert_eq!(side_changes([0.0, 6.0, 4.0, -4.0, 6.0, -6.0, 7.0], 5.0), 2);
}
