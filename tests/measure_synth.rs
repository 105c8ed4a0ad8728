//! The spine measurements against synthetic ground truth (`ugoki synth` clips through the real
//! pose model and the real mask model, seven bodies for the forward bend, three for rotation):
//! the same cases as `docs/validation.md` (`ugoki measure --validate-synth docs/validation.md`).
//!
//! The issue's thresholds are met on part of the clips only (see docs/validation.md): the
//! forward bend's back shape on every body, its hip part on most (up to 5.5°) but its spinal
//! part not on bodies whose MoveNet chord and outline pelvis slope make it over-read (up to
//! 9.5°), and the rotation nowhere, with either pose model (their hip keypoints turn with the
//! shoulders in a side-on view, and MoveNet folds the far shoulder onto the near one).
//! `issue_thresholds_*` asserts them and is ignored until they are met; the other test holds
//! the measured accuracy to its documented level so that it cannot silently get worse.

use ugoki::cli::measure::validation::{markdown, passes, run_all, standard_cases, Row};
use ugoki::cli::pose::PoseModel;
use ugoki::synth::motion::Movement;
use ugoki::synth::scene::View;

fn rows() -> Vec<Row> {
    let rows =
        run_all(&standard_cases(), Some(2)).expect("the validation clips render and measure");
    println!("{}", markdown(&rows));
    rows
}

fn within(v: Option<f64>, max: f64) -> bool {
    v.is_some_and(|v| v <= max)
}

#[test]
#[ignore = "not met yet: 9 of 21 side-view hinge clips (hip or spinal part) and every rotation clip miss the issue's thresholds (docs/validation.md)"]
fn issue_thresholds_are_met_on_synthetic_clips() {
    let failures: Vec<String> = rows()
        .iter()
        .filter(|r| !passes(r))
        .map(|r| format!("{:?}", r.case))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn spine_measurements_hold_their_documented_accuracy_on_synthetic_clips() {
    let mut failures = Vec::new();
    for r in rows() {
        let ok = match (r.case.movement, r.case.view) {
            (Movement::Hinge, View::Side) => {
                // Documented: hip part ≤ 6°, spinal part ≤ 10°; every rep's back shape right.
                within(r.hip_rmse, 6.0)
                    && within(r.spinal_rmse, 10.0)
                    && r.shapes_scripted == r.case.reps
                    && r.shapes_correct == r.shapes_scripted
                    && r.compared * 4 >= r.frames * 3
            }
            (Movement::Hinge, _) => r
                .refusal
                .as_deref()
                .is_some_and(|reason| reason.contains("not a side view")),
            _ => {
                // Bounds (RMSE, degrees): each model's measured ranges in docs/measurements.md
                // with a margin of 1-2°.
                let (shoulder, pelvis, thoracic) = match r.case.model {
                    PoseModel::Movenet => (15.0, 20.0, 19.0),
                    PoseModel::Blazepose => (12.0, 16.0, 25.0),
                };
                r.refusal.is_none()
                    && r.compared > 200
                    && within(r.shoulder_rmse, shoulder)
                    && within(r.pelvis_rmse, pelvis)
                    && within(r.thoracic_rmse, thoracic)
            }
        };
        if !ok {
            failures.push(format!("{r:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
