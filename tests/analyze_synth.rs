//! `analyze_track` on every `ugoki synth` script and fault, through the real pose model
//! (MoveNet on the rendered MP4): repetition, rise, step and turn counts equal the ground
//! truth; event times lie within 2 frames of it; each scripted fault fails its criterion and
//! the good variant passes it. Where the truth holds the criterion's quantity (the hip:spine
//! ratio, the spinal flexion during a rise) the verdict it calls for is the criterion's own
//! bands applied to the truth; a scripted back fault (rounded or arched) must warn or fail H3.
//! Each test prints a confusion table of the targeted criteria's verdicts. The spinal part in
//! gait is not measured; it is counted apart and not judged.
//!
//! Clips are small (640×360, 15 frames/s, 2 repetitions; gait 3 strides) to keep the file
//! within a few minutes of CPU.

use std::collections::BTreeMap;
use std::path::PathBuf;
mod common;

use ugoki::cli::analyze::{AnalysisReport, MovementChoice};
use ugoki::cli::pose::PoseModel;
use ugoki::criteria::scoring::{CriterionResult, Verdict};
use ugoki::movement::rotation::FRONT_VIEW_MIN_TURN_DEG;
use ugoki::movement::Movement;
use ugoki::synth::motion::Movement as Script;
use ugoki::synth::scene::View;
use ugoki::synth::truth::Truth;
use ugoki::synth::{truth_path, write_clip, ClipSpec};
use ugoki::text::Lang;

const FPS: f64 = 15.0;
/// Event times must lie within this many frames of the truth.
const EVENT_TOLERANCE_FRAMES: f64 = 2.0;

/// Criteria whose quantity needs a spine measurement that is not made for their movement.
const NEEDS_SPINE_SPLIT: [&str; 1] = ["G-F2"];

/// The criteria a scripted fault breaks (the good variant must pass them all).
fn targeted(script: Script, fault: &str) -> &'static [&'static str] {
    match (script, fault) {
        (Script::Hinge, "lumbar-dominant") => &["H3", "H6"],
        (Script::Hinge, "arched") => &["H3"],
        (Script::Hinge, "shallow") => &["H2"],
        (Script::SitToStand, "rounding") => &["S-F1"],
        (Script::SitToStand, "feet-forward") => &["S1"],
        (Script::SitToStand, "no-hip-extension") => &["S4"],
        (Script::SitToStand, "hands-on-thighs") => &["S3"],
        (Script::Gait, "lateral-sway") => &["G-F1"],
        (Script::Gait, "lumbar-arching") => &["G-F2"],
        (Script::Gait, "heel-slam") => &["G-F3"],
        (Script::Gait, "asymmetric") => &["G5"],
        (Script::Gait, "head-bob") => &["G4"],
        (Script::Rotation, "pelvis-driven") => &["R1", "R2"],
        // The rotation script's asymmetric variant turns further one way; this build's R3
        // counts turns per side, which the script keeps equal, so no criterion targets it.
        _ => &[],
    }
}

struct Rendered {
    truth: Truth,
    report: AnalysisReport,
}

fn render_and_analyze(script: Script, fault: &str, view: View, seed: u64) -> Rendered {
    let reps = if script == Script::Gait { 3 } else { 2 };
    let mut spec = ClipSpec::new(script, fault, view, reps);
    spec.fps = FPS;
    spec.seed = seed;
    let dir: PathBuf =
        std::env::temp_dir().join(format!("ugoki-analyze-synth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let video = dir.join(format!(
        "{}-{fault}-{}-{seed}.mp4",
        script.name(),
        view.name()
    ));
    write_clip(&spec, &video, None).expect("render");
    let truth: Truth =
        serde_json::from_str(&std::fs::read_to_string(truth_path(&video)).unwrap()).unwrap();
    let requested = match script {
        Script::Hinge => MovementChoice::Hinge,
        Script::SitToStand => MovementChoice::Sts,
        Script::Gait => MovementChoice::Gait,
        Script::Rotation => MovementChoice::Rotation,
    };
    let report = common::track_and_analyze(&video, PoseModel::Movenet, Some(1), requested);
    let _ = std::fs::remove_file(&video);
    let _ = std::fs::remove_file(truth_path(&video));
    Rendered { truth, report }
}

/// Truth events of `kind` (and `side`, when given), in time order.
fn truth_times(truth: &Truth, kind: &str, side: Option<&str>) -> Vec<f64> {
    truth
        .events
        .iter()
        .filter(|e| e.kind == kind && (side.is_none() || e.side.as_deref() == side))
        .map(|e| e.time_s)
        .collect()
}

/// Times of the events named `name` in the segments of `kind`.
fn found_times(report: &AnalysisReport, kind: &str, name: &str) -> Vec<f64> {
    report
        .analysis
        .as_ref()
        .map(|a| {
            a.segments_of(kind)
                .flat_map(|s| s.events.iter().filter(|e| e.name == name))
                .map(|e| e.time_s)
                .collect()
        })
        .unwrap_or_default()
}

/// The clip's verdict on criterion `id`.
fn criterion(r: &Rendered, id: &str) -> CriterionResult {
    r.report
        .assessment
        .as_ref()
        .expect("assessment")
        .criteria
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} not assessed"))
        .clone()
}

/// Each truth time must have a found time within the tolerance (one-to-one, in order).
fn compare_times(label: &str, want: &[f64], got: &[f64], problems: &mut Vec<String>) {
    let tol = EVENT_TOLERANCE_FRAMES / FPS + 1e-6;
    if want.len() != got.len() {
        problems.push(format!(
            "{label}: {} found against {} true: found {got:.2?}, true {want:.2?}",
            got.len(),
            want.len()
        ));
        return;
    }
    for (w, g) in want.iter().zip(got) {
        if (w - g).abs() > tol {
            problems.push(format!(
                "{label}: {g:.3} s against {w:.3} s ({:+.1} frames)",
                (g - w) * FPS
            ));
        }
    }
}

/// One side's heel strikes, with the next one when it is due so soon after the clip's last
/// frame that it may be found inside the tolerance (the truth stops at the clip's end). The
/// scripted walk repeats its stride, so the next strike is one stride after the last.
fn strikes_with_one_due(truth: &Truth, side: &str, found: &[f64]) -> Vec<f64> {
    let mut want = truth_times(truth, "heel_strike", Some(side));
    let end = truth.frames.last().map_or(0.0, |f| f.time_s);
    if let [.., before, last] = want[..] {
        let due = 2.0 * last - before;
        let tol = EVENT_TOLERANCE_FRAMES / FPS;
        if due > end && due - tol <= end && found.len() == want.len() + 1 {
            want.push(due);
        }
    }
    want
}

/// Counts (into `problems`) and event times (into `timing`) of one clip against its truth.
fn check_events(
    script: Script,
    r: &Rendered,
    problems: &mut Vec<String>,
    timing: &mut Vec<String>,
) {
    let reps = r.truth.clip.reps.len();
    let count = |kind: &str| {
        r.report
            .analysis
            .as_ref()
            .map_or(0, |a| a.segments_of(kind).count())
    };
    match script {
        Script::Hinge => {
            if count("rep") != reps {
                problems.push(format!("{} reps found against {reps}", count("rep")));
            }
            compare_times(
                "bottom",
                &truth_times(&r.truth, "peak", None),
                &found_times(&r.report, "rep", "bottom"),
                timing,
            );
        }
        Script::SitToStand => {
            if count("rise") != reps {
                problems.push(format!("{} rises found against {reps}", count("rise")));
            }
            compare_times(
                "seat_off",
                &truth_times(&r.truth, "seat_off", None),
                &found_times(&r.report, "rise", "seat_off"),
                timing,
            );
            compare_times(
                "full_stand",
                &truth_times(&r.truth, "full_stand", None),
                &found_times(&r.report, "rise", "full_stand"),
                timing,
            );
        }
        Script::Gait => {
            let mut strikes = 0;
            for side in ["left", "right"] {
                let found = found_times(&r.report, "step", &format!("{side}_heel_strike"));
                let want = strikes_with_one_due(&r.truth, side, &found);
                strikes += want.len();
                compare_times(&format!("{side} heel strike"), &want, &found, timing);
            }
            if count("step") != strikes {
                problems.push(format!(
                    "{} steps found against {strikes} heel strikes",
                    count("step")
                ));
            }
        }
        Script::Rotation => {
            // From the front, turns under the analysis's stated limit may go unseen; those
            // are not expected there (the asymmetric script's 25° side).
            let seen = |time_s: f64| {
                let frame = r
                    .truth
                    .frames
                    .iter()
                    .min_by(|a, b| {
                        (a.time_s - time_s)
                            .abs()
                            .total_cmp(&(b.time_s - time_s).abs())
                    })
                    .expect("truth frames");
                let turn = frame.angles.thoracic_rotation + frame.angles.pelvis_rotation;
                r.truth.clip.view != "front" || turn.abs() >= FRONT_VIEW_MIN_TURN_DEG
            };
            // Those small turns are still welcome when found, at their times.
            let all = truth_times(&r.truth, "peak", None);
            let turns = count("turn_left") + count("turn_right");
            let want: Vec<f64> = if turns == all.len() {
                all
            } else {
                all.into_iter().filter(|t| seen(*t)).collect()
            };
            if turns != want.len() {
                problems.push(format!("{turns} turns found against {}", want.len()));
            }
            let mut got: Vec<f64> = ["turn_left", "turn_right"]
                .iter()
                .flat_map(|k| found_times(&r.report, k, "peak"))
                .collect();
            got.sort_by(f64::total_cmp);
            compare_times("turn peak", &want, &got, timing);
        }
    }
}

/// Spinal flexion in the truth (lumbar + thoracic: what the spinal part measures) per frame.
fn truth_spinal(truth: &Truth) -> Vec<f64> {
    truth
        .frames
        .iter()
        .map(|f| f.angles.lumbar_flexion + f.angles.thoracic_flexion)
        .collect()
}

/// The criterion `id`'s quantity per repetition in the truth, where the truth holds it.
fn truth_values(truth: &Truth, id: &str) -> Option<Vec<f64>> {
    let spinal = truth_spinal(truth);
    let at = |kind: &'static str| truth.events.iter().filter(move |e| e.kind == kind);
    match id {
        // Hip part over spinal part at the deepest point.
        "H6" => Some(
            at("peak")
                .map(|e| {
                    let a = &truth.frames[e.frame].angles;
                    0.5 * (a.hip_flexion[0] + a.hip_flexion[1]) / spinal[e.frame]
                })
                .collect(),
        ),
        // Peak spinal flexion from the rise start to full stand, over its value at the start.
        "S-F1" => Some(
            at("rep_start")
                .zip(at("full_stand"))
                .map(|(a, b)| {
                    let peak = spinal[a.frame..=b.frame]
                        .iter()
                        .copied()
                        .fold(f64::MIN, f64::max);
                    peak - spinal[a.frame]
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The verdicts the truth calls for on criterion `id` of `script`'s `fault`.
fn wanted(script: Script, fault: &str, id: &str, truth: &Truth) -> Vec<Verdict> {
    let movement = match script {
        Script::Hinge => Movement::Hinge,
        Script::SitToStand => Movement::Sts,
        Script::Gait => Movement::Gait,
        Script::Rotation => Movement::Rotation,
    };
    let criterion = ugoki::criteria::shipped(movement)
        .criterion
        .into_iter()
        .find(|c| c.id == id)
        .unwrap();
    if let Some(values) = truth_values(truth, id) {
        // The criterion's verdict is the upper median of the reps' verdicts.
        let mut verdicts: Vec<Verdict> = values
            .iter()
            .map(|v| match (&criterion.pass, &criterion.warn) {
                (Some(p), _) if p.contains(*v) => Verdict::Pass,
                (_, Some(w)) if w.contains(*v) => Verdict::Warn,
                _ => Verdict::Fail,
            })
            .collect();
        verdicts.sort();
        return vec![verdicts[verdicts.len() / 2]];
    }
    match (fault, id) {
        ("good", _) => vec![Verdict::Pass],
        // A rounded or arched back held beyond its threshold: graded, so warn or fail.
        (_, "H3") => vec![Verdict::Warn, Verdict::Fail],
        _ => vec![Verdict::Fail],
    }
}

/// One cell of the confusion table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Right,
    Wrong,
    /// Cannot assess: the criterion needs the spine split, not measured in this build.
    NotMeasured,
    /// Cannot assess: the view does not show it.
    ViewUnsupported,
    /// Cannot assess on the good variant: the measure's own ± spans more than one verdict
    /// (a fault must still be caught).
    TooUncertain,
}

/// Renders and analyses every fault of `script` in each view (the seeds cycled over the
/// views), prints the confusion table and returns what is wrong.
fn movement_problems(script: Script, views: &[View], seeds: &[u64]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut table: BTreeMap<(String, Outcome), usize> = BTreeMap::new();
    println!(
        "{:9} {:17} {:7} {:4}  criterion verdicts (targeted criteria)",
        "movement", "fault", "view", "seed"
    );
    for &fault in script.faults() {
        for (&view, &seed) in views.iter().zip(seeds.iter().cycle()) {
            let r = render_and_analyze(script, fault, view, seed);
            let mut clip_problems = Vec::new();
            let mut timing = Vec::new();
            check_events(script, &r, &mut clip_problems, &mut timing);
            clip_problems.append(&mut timing);
            let assessment = r.report.assessment.as_ref().expect("assessment");
            let mut line = format!(
                "{:9} {:17} {:7} {:4} ",
                script.name(),
                fault,
                view.name(),
                seed
            );
            // The good variant must pass every criterion some fault targets.
            let ids: Vec<&str> = if fault == "good" {
                script
                    .faults()
                    .iter()
                    .flat_map(|f| targeted(script, f).iter().copied())
                    .collect()
            } else {
                targeted(script, fault).to_vec()
            };
            // Nothing in a good clip is a fault: a criterion no fault targets may warn where
            // the model reads it near its limit, but not fail.
            if fault == "good" {
                for c in assessment
                    .criteria
                    .iter()
                    .filter(|c| c.verdict == Verdict::Fail)
                {
                    clip_problems.push(format!("{} fails on the good variant: {c:?}", c.id));
                }
            }
            for c in &assessment.criteria {
                let value = ugoki::movement::series::median(
                    &c.judgements
                        .iter()
                        .filter_map(|j| j.value)
                        .collect::<Vec<_>>(),
                );
                let shown = value.map_or("-".into(), |v| format!("{v:.2}"));
                if !ids.contains(&c.id.as_str()) {
                    continue;
                }
                let want = wanted(script, fault, &c.id, &r.truth);
                let outcome = match c.verdict {
                    Verdict::CannotAssess if NEEDS_SPINE_SPLIT.contains(&c.id.as_str()) => {
                        Outcome::NotMeasured
                    }
                    Verdict::CannotAssess
                        if c.reason
                            .as_ref()
                            .map(|r| r.en.as_str())
                            .is_some_and(|r| r.contains("view")) =>
                    {
                        Outcome::ViewUnsupported
                    }
                    Verdict::CannotAssess
                        if fault == "good"
                            && c.reason
                                .as_ref()
                                .map(|r| r.en.as_str())
                                .is_some_and(|r| r.starts_with("too uncertain")) =>
                    {
                        Outcome::TooUncertain
                    }
                    v if want.contains(&v) => Outcome::Right,
                    _ => Outcome::Wrong,
                };
                if outcome == Outcome::Wrong {
                    clip_problems.push(format!(
                        "{} is {:?} ({shown}), should be one of {want:?}; {:?}",
                        c.id, c.verdict, c.reason
                    ));
                }
                *table.entry((c.id.clone(), outcome)).or_default() += 1;
                line.push_str(&format!(" {}={}({shown})", c.id, c.verdict.label(Lang::En)));
            }
            println!("{line}");
            for p in clip_problems {
                problems.push(format!(
                    "{} {fault} {} seed {seed}: {p}",
                    script.name(),
                    view.name()
                ));
            }
        }
    }
    println!(
        "confusion table ({}): criterion / outcome / clips",
        script.name()
    );
    for ((id, outcome), n) in &table {
        println!("  {id:5} {outcome:?}: {n}");
    }
    problems
}

fn check_movement(script: Script, views: &[View], seeds: &[u64]) {
    let problems = movement_problems(script, views, seeds);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn hinge_scripts_are_counted_timed_and_judged() {
    check_movement(Script::Hinge, &[View::Side, View::Front], &[1, 2]);
}

#[test]
fn sit_to_stand_scripts_are_counted_timed_and_judged() {
    check_movement(Script::SitToStand, &[View::Side, View::Front], &[3, 4]);
}

#[test]
fn gait_side_view_is_counted_timed_and_judged() {
    check_movement(Script::Gait, &[View::Side], &[5]);
}

#[test]
fn gait_walking_towards_the_camera_is_counted_timed_and_judged() {
    check_movement(Script::Gait, &[View::Front], &[6]);
}

#[test]
fn rotation_scripts_are_counted_timed_and_judged() {
    check_movement(Script::Rotation, &[View::Front, View::SideOn], &[7, 8]);
}

/// A slammed heel falls fastest a frame or two after the foot reaches furthest forward (where
/// the strike is timed), so the fall is read on both sides of the strike. Read before it only,
/// the slam was a warning (0.39-0.55 statures/s against a truth of 0.9) on six of sixteen
/// bodies, these four among them; soft landings read 0.11-0.23 either way.
#[test]
fn a_slammed_heel_fails_and_a_soft_landing_passes_on_every_body() {
    let mut problems = Vec::new();
    for seed in [3, 9, 10, 13] {
        for (fault, want) in [("heel-slam", Verdict::Fail), ("good", Verdict::Pass)] {
            let r = render_and_analyze(Script::Gait, fault, View::Side, seed);
            let c = criterion(&r, "G-F3");
            let value = c.judgements.first().and_then(|j| j.value);
            let line = format!("{fault} seed {seed}: G-F3 {:?} at {value:.2?}", c.verdict);
            println!("{line}");
            if c.verdict != want {
                problems.push(line);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A slamming leg is held forward, then let fall: the strike is where the heel lands, timed
/// between frames. Timed at the forward extreme (the fall began a frame after it), or at the
/// whole frame the fall ended, these strikes were 1.6-1.7 and 0.5 frames off. That made
/// these even walks' step times 29-43 % unequal (G5 failed).
#[test]
fn a_heel_let_fall_is_struck_where_it_lands() {
    let mut problems = Vec::new();
    for seed in [2, 15, 16] {
        let r = render_and_analyze(Script::Gait, "heel-slam", View::Side, seed);
        for side in ["left", "right"] {
            let found = found_times(&r.report, "step", &format!("{side}_heel_strike"));
            let want = truth_times(&r.truth, "heel_strike", Some(side));
            let off: Vec<f64> = want
                .iter()
                .zip(&found)
                .map(|(w, g)| (g - w) * FPS)
                .collect();
            println!("seed {seed} {side}: strikes off by {off:+.2?} frames");
            if found.len() != want.len() || off.iter().any(|o| o.abs() > 0.5) {
                problems.push(format!(
                    "seed {seed} {side}: found {found:.3?}, true {want:.3?}"
                ));
            }
        }
        let g5 = criterion(&r, "G5");
        if g5.verdict == Verdict::Fail {
            problems.push(format!("seed {seed}: an even walk fails G5 ({g5:?})"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// From the front, the last pixels of the shoulders' rise are as small as the pose model's
/// jitter. On these bodies a threshold on their speed (and the hips') put full stand 2.4-2.9
/// frames off the truth; the minimum-jerk fit of the whole rise puts it within 1.1.
#[test]
fn full_stand_from_the_front_is_timed_from_the_whole_rise() {
    check_front_event_timing(
        Script::SitToStand,
        &[
            ("good", 16),
            ("no-hip-extension", 12),
            ("rounding", 1),
            ("rounding", 16),
        ],
        ("full_stand", "rise", "full_stand"),
    );
}

/// Renders each (fault, seed) of `script` from the front and checks one event's times:
/// `truth_kind` in the truth against `name` in the found segments of `segment_kind`.
fn check_front_event_timing(
    script: Script,
    clips: &[(&str, u64)],
    (truth_kind, segment_kind, name): (&str, &str, &str),
) {
    let mut problems = Vec::new();
    for &(fault, seed) in clips {
        let r = render_and_analyze(script, fault, View::Front, seed);
        compare_times(
            &format!("{fault} seed {seed} {name}"),
            &truth_times(&r.truth, truth_kind, None),
            &found_times(&r.report, segment_kind, name),
            &mut problems,
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// From the front, a shallow bend shortens the trunk by about 5 px, and the pose model's jitter
/// at the held bottom is about as large. With the bottom's band at 5 % of the range only the
/// noisiest frame was held, and the bottom came 2.6-4.1 frames early on these bodies; a band as
/// wide as the jitter holds the whole bottom.
#[test]
fn a_shallow_bend_from_the_front_turns_in_the_middle_of_its_hold() {
    check_front_event_timing(
        Script::Hinge,
        &[("shallow", 6), ("shallow", 10), ("shallow", 11)],
        ("peak", "rep", "bottom"),
    );
}

/// On seed 27 the front drill's turns narrow the shoulders so often that the clip's view reads
/// oblique (yaw 30.4°, oblique above 30°); the subject faces the camera from start to end, so
/// it is still read from the front.
#[test]
fn a_rotation_drill_facing_the_camera_is_read_from_the_front_even_when_it_looks_oblique() {
    check_movement(Script::Rotation, &[View::Front], &[27]);
}

/// Side-on, a turn away from the camera hides the far shoulder behind the body. On seed 38
/// MoveNet reads the two 45° turns to the subject's left (away from the camera) as 0–4°, so
/// only the turns towards the camera are found; the analysis must then leave the turns per
/// side (R3) unjudged instead of telling a good drill to even out its sides. On seed 8 both
/// sides are seen, and R3 is judged.
#[test]
fn turns_per_side_are_not_judged_when_the_turns_away_from_a_side_on_camera_went_unseen() {
    let r3 = |r: &Rendered| criterion(r, "R3");
    let hidden = render_and_analyze(Script::Rotation, "good", View::SideOn, 38);
    let (left, right) = (
        found_times(&hidden.report, "turn_left", "peak"),
        found_times(&hidden.report, "turn_right", "peak"),
    );
    assert!(
        left.is_empty(),
        "premise: the turns away from the camera were not seen on this body, but turns to the left were found at {left:?}"
    );
    assert_eq!(
        right.len(),
        truth_times(&hidden.truth, "peak", Some("right")).len(),
        "turns towards the camera {right:?}"
    );
    common::assert_cannot_assess(&r3(&hidden), "away from the camera");

    let seen = render_and_analyze(Script::Rotation, "good", View::SideOn, 8);
    assert_eq!(
        found_times(&seen.report, "turn_left", "peak").len(),
        truth_times(&seen.truth, "peak", Some("left")).len()
    );
    assert_eq!(r3(&seen).verdict, Verdict::Pass, "{:?}", r3(&seen));
}

/// Leaning forward with the hands on the thighs brings the upper arm along the back, which a
/// side view's outline cannot tell from the back: there S-F1 (rounding) says it cannot assess,
/// where it failed on the arm (35-52° read on a spine that flexed 10°). A rise without the hands
/// on the thighs is still judged.
#[test]
fn hands_on_the_thighs_hide_the_back_from_the_rounding_check() {
    let hands = render_and_analyze(Script::SitToStand, "hands-on-thighs", View::Side, 3);
    let judged = criterion(&hands, "S-F1");
    assert_eq!(judged.verdict, Verdict::CannotAssess, "{judged:?}");
    assert!(
        judged
            .reason
            .as_ref()
            .is_some_and(|why| why.en.starts_with("back occluded")),
        "{judged:?}"
    );
    let free = render_and_analyze(Script::SitToStand, "good", View::Side, 3);
    assert_eq!(criterion(&free, "S-F1").verdict, Verdict::Pass);
}

/// A hinge repetition is two movements, down and up, with a hold between them: scored as one,
/// every rendered good hinge read as stop-start on H-SM (side views -4.1 to -2.9 per rep).
#[test]
fn a_smooth_hinge_is_judged_smooth() {
    let r = render_and_analyze(Script::Hinge, "good", View::Side, 1);
    let smooth = criterion(&r, "H-SM");
    assert_eq!(smooth.verdict, Verdict::Pass, "{smooth:?}");
    for j in &smooth.judgements {
        assert_eq!(j.verdict, Verdict::Pass, "{j:?}");
    }
}

/// A turn that goes straight into one to the other side ends where the trunk passes neutral.
/// Walked on to the other turn's peak, each turn's smoothness took in both movements and a
/// smooth drill failed R-SM (this body: a turn ran 1.6 s into the next, and R-SM failed).
#[test]
fn turns_straight_into_the_other_side_end_at_neutral_and_stay_smooth() {
    let r = render_and_analyze(Script::Rotation, "good", View::SideOn, 5);
    let analysis = r.report.analysis.as_ref().expect("analysis");
    let mut turns: Vec<_> = analysis
        .segments
        .iter()
        .filter(|s| s.kind.starts_with("turn_"))
        .collect();
    turns.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    assert_eq!(turns.len(), truth_times(&r.truth, "peak", None).len());
    // Neighbours share at most the frame that crosses neutral.
    for pair in turns.windows(2) {
        let overlap = pair[0].end_s - pair[1].start_s;
        assert!(
            overlap <= 1.0 / FPS + 1e-6,
            "{} {} ends {overlap:.2} s into {} {}",
            pair[0].kind,
            pair[0].number,
            pair[1].kind,
            pair[1].number
        );
    }
    let smooth = criterion(&r, "R-SM");
    assert_eq!(smooth.verdict, Verdict::Pass, "{smooth:?}");
}

/// The same checks on bodies and camera jitter that none of the rules were tuned on.
#[test]
#[ignore = "known failures (measured, seeds 11-18): rotation side-on 18: the first turn to the left is missed, good and asymmetric (MoveNet reads that 45° turn away from the camera as 11-13°)"]
fn every_script_on_seeds_no_rule_was_tuned_on() {
    let problems: Vec<String> = [
        movement_problems(Script::Hinge, &[View::Side, View::Front], &[11, 12]),
        movement_problems(Script::SitToStand, &[View::Side, View::Front], &[13, 14]),
        movement_problems(Script::Gait, &[View::Side], &[15]),
        movement_problems(Script::Gait, &[View::Front], &[16]),
        movement_problems(Script::Rotation, &[View::Front, View::SideOn], &[17, 18]),
    ]
    .concat();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A committed sample and its truth, analysed as a hinge.
fn analyze_sample(name: &str) -> (Truth, AnalysisReport) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let video = dir.join(format!("{name}.mp4"));
    let truth: Truth =
        serde_json::from_str(&std::fs::read_to_string(truth_path(&video)).unwrap()).unwrap();
    let report = common::track_and_analyze(&video, PoseModel::Movenet, None, MovementChoice::Hinge);
    (truth, report)
}

#[test]
fn hinge_samples_split_the_bend_as_scripted_and_judge_the_back_from_its_shape() {
    for name in ["hinge_good_side", "hinge_lumbar_dominant_side"] {
        let (truth, report) = analyze_sample(name);
        let fault = truth.clip.fault.clone();
        let spinal = truth_spinal(&truth);
        let peaks: Vec<usize> = truth
            .events
            .iter()
            .filter(|e| e.kind == "peak")
            .map(|e| e.frame)
            .collect();
        let reps: Vec<_> = report
            .analysis
            .as_ref()
            .unwrap()
            .segments_of("rep")
            .collect();
        assert_eq!(reps.len(), peaks.len(), "{name}");
        // The scripted lumbar-dominant hinge rounds the back; the good one keeps it neutral.
        let shape = if fault == "good" {
            "neutral"
        } else {
            "rounded"
        };
        for (rep, &peak) in reps.iter().zip(&peaks) {
            let m = &rep.metrics;
            let a = &truth.frames[peak].angles;
            let true_hip = 0.5 * (a.hip_flexion[0] + a.hip_flexion[1]);
            let (hip, sp) = (
                m["hip_part"].value.unwrap(),
                m["spinal_part"].value.unwrap(),
            );
            println!(
                "{name} rep {}: hip part {hip:.1} (truth {true_hip:.1}), spinal part {sp:.1} (truth {:.1}), back shape {:?} {:?}",
                rep.number, spinal[peak], m["back_shape"].class, m["back_shape"].value
            );
            // Issue #5's accuracy: spinal part within 6°, hip part within 8° at the peak
            // (its RMSE over all frames must be under 4°; the peak is the hardest frame).
            assert!(
                (sp - spinal[peak]).abs() <= 6.0,
                "{name}: spinal {sp} vs {}",
                spinal[peak]
            );
            assert!(
                (hip - true_hip).abs() <= 8.0,
                "{name}: hip {hip} vs {true_hip}"
            );
            assert_eq!(
                m["back_shape"].class.as_deref(),
                Some(shape),
                "{name}: {m:?}"
            );
        }
        let assessment = report.assessment.as_ref().unwrap();
        for id in ["H3", "H6"] {
            let c = assessment.criteria.iter().find(|c| c.id == id).unwrap();
            let want = wanted(Script::Hinge, &fault, id, &truth);
            assert!(
                want.contains(&c.verdict),
                "{name} {id}: {c:?}, want {want:?}"
            );
        }
    }
}

#[test]
fn front_view_hinge_refuses_the_back_measures_for_the_view() {
    let r = render_and_analyze(Script::Hinge, "good", View::Front, 2);
    let a = r.report.analysis.as_ref().unwrap();
    let note = a
        .notes
        .iter()
        .find(|n| n.en.starts_with("back measures"))
        .unwrap_or_else(|| panic!("no back-measure note: {:?}", a.notes));
    assert!(
        note.en.contains("not a side view") && note.en.contains("front"),
        "{note:?}"
    );
    assert!(
        note.ja.contains("側方からの撮影ではありません") && note.ja.contains("正面"),
        "{note:?}"
    );
    for c in &r.report.assessment.as_ref().unwrap().criteria {
        if ["H3", "H4", "H6"].contains(&c.id.as_str()) {
            assert_eq!(c.verdict, Verdict::CannotAssess, "{c:?}");
            for j in &c.judgements {
                assert!(
                    j.reason
                        .as_ref()
                        .map(|r| r.en.as_str())
                        .unwrap_or("")
                        .contains("view"),
                    "{j:?}"
                );
            }
        }
    }
    for rep in a.segments_of("rep") {
        let reason = rep.metrics["back_shape"].cannot_assess.as_ref().unwrap();
        assert!(reason.en.contains("not a side view"), "{reason:?}");
    }
}
