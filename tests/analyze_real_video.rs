//! `ugoki analyze` on the real clips of ../shared/videos/INDEX.md, through the real pose
//! model and (for the hinge and sit-to-stand) the real mask model: counts match the index,
//! `auto` names the movement, and the back is judged where the view allows it. One clip per
//! test, so each is decoded once. Fails, not skips, when a video or the model is missing.

mod common;

use ugoki::cli::analyze::{AnalysisReport, MovementChoice};
use ugoki::cli::pose::PoseModel;
use ugoki::criteria::scoring::{CriterionResult, Verdict};
use ugoki::movement::{Movement, Segment};

fn analyze(file: &str) -> AnalysisReport {
    analyze_with(file, PoseModel::Movenet)
}

fn analyze_with(file: &str, model: PoseModel) -> AnalysisReport {
    let report = common::track_and_analyze(
        &common::shared_video(file),
        model,
        None,
        MovementChoice::Auto,
    );
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains("NaN") && json.contains("医療機関を優先"),
        "notice or NaN"
    );
    report
}

fn count(report: &AnalysisReport, kind: &str) -> usize {
    report
        .analysis
        .as_ref()
        .map_or(0, |a| a.segments_of(kind).count())
}

fn criterion<'a>(report: &'a AnalysisReport, id: &str) -> &'a CriterionResult {
    let c = report.assessment.as_ref().unwrap().criteria.iter();
    c.clone()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

fn reps(report: &AnalysisReport) -> Vec<&Segment> {
    report
        .analysis
        .as_ref()
        .unwrap()
        .segments_of("rep")
        .collect()
}

fn recognised(report: &AnalysisReport) -> Option<Movement> {
    report.recognition.as_ref().and_then(|r| r.movement)
}

#[test]
fn deadlift_side_is_a_hinge_with_two_full_pulls() {
    let r = analyze("hinge_formfit_barbell_deadlift_side.mp4");
    assert_eq!(recognised(&r), Some(Movement::Hinge), "{:?}", r.recognition);
    assert_eq!(count(&r, "rep"), 2);
    // Lockouts at about 2.0 and 7.5 s (INDEX.md).
    let tops: Vec<f64> = r
        .analysis
        .as_ref()
        .unwrap()
        .segments
        .iter()
        .filter_map(|s| s.events.iter().find(|e| e.name == "top").map(|e| e.time_s))
        .collect();
    assert!(
        (tops[0] - 2.0).abs() < 0.6 && (tops[1] - 7.5).abs() < 0.6,
        "{tops:?}"
    );
    // INDEX.md: a clean demo with a neutral spine. H3 (low back neutral) is assessed from the
    // back's shape and passes on both pulls, while the hips make most of the bend ...
    // ... and moves smoothly: scored as one movement, each pull (up, then down with a pause
    // at lockout) read as stop-start (warn, -3.35 and -3.30).
    for id in ["H3", "H-SM"] {
        let c = criterion(&r, id);
        assert_eq!(c.verdict, Verdict::Pass, "{c:?}");
        assert_eq!(c.judgements.len(), 2, "{c:?}");
        for j in &c.judgements {
            assert_eq!(j.verdict, Verdict::Pass, "{id}: {j:?}");
        }
    }
    for rep in reps(&r) {
        let m = &rep.metrics;
        eprintln!(
            "rep {}: hip part {:?}, spinal part {:?}, ratio {:?}, back shape {:?} {:?}",
            rep.number,
            m["hip_part"].value,
            m["spinal_part"].value,
            m["hip_spine_ratio"].value,
            m["back_shape"].class,
            m["back_shape"].value
        );
        assert_eq!(m["back_shape"].class.as_deref(), Some("neutral"), "{m:?}");
        let (hip, spinal) = (
            m["hip_part"].value.unwrap(),
            m["spinal_part"].value.unwrap(),
        );
        assert!(hip > spinal, "hip part {hip} against spinal part {spinal}");
        assert!(
            m["back_shape"].method.contains("includes thoracic"),
            "the spinal part is named for what it is"
        );
    }
}

#[test]
fn good_morning_is_a_hinge_with_six_reps_at_the_indexed_bottoms() {
    let r = analyze("hinge_kbtrainer_kb_good_morning_oblique.mp4");
    assert_eq!(recognised(&r), Some(Movement::Hinge), "{:?}", r.recognition);
    let bottoms: Vec<f64> = r
        .analysis
        .as_ref()
        .unwrap()
        .segments
        .iter()
        .filter_map(|s| {
            s.events
                .iter()
                .find(|e| e.name == "bottom")
                .map(|e| e.time_s)
        })
        .collect();
    assert_eq!(bottoms.len(), 6, "{bottoms:?}");
    for (got, want) in bottoms.iter().zip([3.5, 6.3, 8.8, 11.3, 13.8, 16.3]) {
        assert!((got - want).abs() < 0.7, "bottom {got} vs {want}");
    }
    // INDEX.md: a ¾ oblique view, which shows the flank, not the back: every criterion on the
    // back is "cannot assess" for the view, and each rep's back measures carry the
    // measurement's own refusal.
    for id in ["H3", "H4", "H6"] {
        common::assert_cannot_assess(criterion(&r, id), "view");
    }
    for rep in reps(&r) {
        for name in ["back_shape", "hip_part", "spinal_part"] {
            let reason = rep.metrics[name].cannot_assess.as_ref().unwrap();
            assert!(
                reason.en.contains("not a side view") && reason.en.contains("oblique"),
                "rep {} {name}: {reason:?}",
                rep.number
            );
        }
    }
}

#[test]
fn front_squat_is_not_called_a_hip_hinge_and_has_three_reps() {
    let r = analyze("squat_formfit_front_squat_side.mp4");
    let rec = r.recognition.clone().unwrap();
    assert_eq!(rec.movement, None, "{rec:?}");
    assert!(
        rec.reason.en.contains("knee-dominant squat (3 repetitions")
            && rec.reason.ja.contains("スクワット（3 回"),
        "{rec:?}"
    );
    let summary = ugoki::cli::analyze::summary(&r, ugoki::text::Lang::En);
    assert!(summary.contains("give --movement hinge"), "{summary}");
}

#[test]
fn timed_up_and_go_has_one_rise_and_one_sit() {
    let r = analyze("sts_gait_frailtyvision_tug_side.mp4");
    assert_eq!(recognised(&r), Some(Movement::Sts), "{:?}", r.recognition);
    assert_eq!((count(&r, "rise"), count(&r, "sit")), (1, 1));
    let rise = r
        .analysis
        .as_ref()
        .unwrap()
        .segments_of("rise")
        .next()
        .unwrap();
    // INDEX.md: the rise takes about 0.4-1.4 s, the sit about 5.3-6.0 s.
    let seat_off = rise
        .events
        .iter()
        .find(|e| e.name == "seat_off")
        .unwrap()
        .time_s;
    assert!((0.4..=1.4).contains(&seat_off), "seat-off {seat_off}");
    // Hands rest on the thighs during the rise (INDEX.md): S3 must not pass.
    let s3 = r
        .assessment
        .as_ref()
        .unwrap()
        .criteria
        .iter()
        .find(|c| c.id == "S3")
        .unwrap();
    assert_eq!(
        s3.verdict,
        ugoki::criteria::scoring::Verdict::Fail,
        "{s3:?}"
    );
    // ... which brings the near arm along the back: the back's outline is not read there, and
    // S-F1 (rounding) says so instead of failing on the arm (it read 31.7°, "fail").
    common::assert_cannot_assess(criterion(&r, "S-F1"), "hands rest on the thighs");
}

#[test]
fn normal_gait_steps_match_the_index_within_one() {
    let r = analyze("gait_bog_normal_01_side.mp4");
    assert_eq!(recognised(&r), Some(Movement::Gait), "{:?}", r.recognition);
    let steps = count(&r, "step");
    assert!((5..=8).contains(&steps), "{steps} steps");
}

/// With the default model the seated twist's turns are under-counted from the front, but its
/// trunk, leaning and foreshortening as it turns, must not make it a hip hinge: the subject sits
/// throughout, knees above the hips.
#[test]
fn russian_twist_with_the_default_model_is_rotation_not_a_hinge() {
    let r = analyze("rotation_kbtrainer_russian_twist_seated.mp4");
    assert_eq!(
        recognised(&r),
        Some(Movement::Rotation),
        "{:?}",
        r.recognition
    );
    let notes = &r.analysis.as_ref().unwrap().notes;
    assert!(
        notes.iter().any(|n| n.en.contains("--model blazepose")),
        "{notes:?}"
    );
    // From the front MoveNet finds a few of the ten cycles' turns (2 left and 4 right), so the
    // turns per side are not compared: judged, R3 told an even drill to even out its sides.
    common::assert_cannot_assess(criterion(&r, "R3"), "can be missed");
}

/// The twist's turns are small and seen from the front, under what MoveNet's 2-D keypoints
/// show there (the analysis says so); BlazePose's world landmarks measure them.
#[test]
fn russian_twist_is_recognised_as_rotation_with_blazepose() {
    let r = analyze_with(
        "rotation_kbtrainer_russian_twist_seated.mp4",
        PoseModel::Blazepose,
    );
    assert_eq!(
        recognised(&r),
        Some(Movement::Rotation),
        "{:?}",
        r.recognition
    );
    // INDEX.md: about 10 left-right cycles.
    for side in ["turn_left", "turn_right"] {
        let turns = count(&r, side);
        assert!((8..=12).contains(&turns), "{turns} {side}");
    }
    // Measured turns are compared per side.
    let r3 = criterion(&r, "R3");
    assert_ne!(r3.verdict, Verdict::CannotAssess, "{r3:?}");
}
