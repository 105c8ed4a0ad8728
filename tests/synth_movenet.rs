//! The real pose model finds the rendered person: MoveNet Lightning on side and front views of
//! every motion script detects shoulders, hips, knees and ankles (score ≥ 0.3) in ≥ 90 % of
//! frames with a median 2-D error ≤ 5 % of body height.

use std::path::Path;
use ugoki::pose::movenet::MoveNet;
use ugoki::skeleton::Joint;
use ugoki::synth::detection::evaluate;
use ugoki::synth::motion::Movement;
use ugoki::synth::scene::View;
use ugoki::synth::{Clip, ClipSpec};

const MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/movenet_lightning.onnx");
const CHECKED: [Joint; 8] = [
    Joint::LeftShoulder,
    Joint::RightShoulder,
    Joint::LeftHip,
    Joint::RightHip,
    Joint::LeftKnee,
    Joint::RightKnee,
    Joint::LeftAnkle,
    Joint::RightAnkle,
];

fn check_movement(movement: Movement, views: &[View]) {
    let mut model = MoveNet::load(Path::new(MODEL), 2)
        .expect("MoveNet model must be present (models/movenet_lightning.onnx)");
    let mut failures = Vec::new();
    for &fault in movement.faults() {
        for &view in views {
            let reps = if movement == Movement::Gait { 3 } else { 2 };
            let mut spec = ClipSpec::new(movement, fault, view, reps);
            spec.fps = 15.0;
            let clip = Clip::new(&spec).unwrap();
            let report = evaluate(&clip, &mut model, 1, 0.3).unwrap();
            let mut line = format!(
                "{:9} {:17} {:8} frames {:3}:",
                movement.name(),
                fault,
                view.name(),
                report.frames
            );
            for j in CHECKED {
                let s = report.joint(j);
                line.push_str(&format!(
                    " {} {:.0}%/{:.1}% ({:+.1},{:+.1})",
                    j.name(),
                    100.0 * s.detection_rate,
                    100.0 * s.median_error,
                    100.0 * s.median_offset[0],
                    100.0 * s.median_offset[1]
                ));
                if s.detection_rate < 0.9 || s.median_error.is_nan() || s.median_error > 0.05 {
                    failures.push(format!(
                        "{} {} {}: {} detected {:.0}%, median error {:.1}% of height",
                        movement.name(),
                        fault,
                        view.name(),
                        j.name(),
                        100.0 * s.detection_rate,
                        100.0 * s.median_error
                    ));
                }
            }
            println!("{line}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn movenet_finds_the_hinge_subject() {
    check_movement(Movement::Hinge, &[View::Side, View::Front]);
}

#[test]
fn movenet_finds_the_sit_to_stand_subject() {
    check_movement(Movement::SitToStand, &[View::Side, View::Front]);
}

#[test]
fn movenet_finds_the_walking_subject() {
    check_movement(Movement::Gait, &[View::Side, View::Front]);
}

#[test]
fn movenet_finds_the_rotating_subject() {
    check_movement(Movement::Rotation, &[View::Side, View::Front, View::SideOn]);
}

#[test]
fn movenet_finds_the_subject_as_the_samples_render_it() {
    // The samples' set-up: 1280×720, textured backdrop, a seeded body and camera jitter.
    let mut model = MoveNet::load(Path::new(MODEL), 2).expect("MoveNet model must be present");
    for (movement, fault, view, seed) in [
        (Movement::Hinge, "lumbar-dominant", View::Side, 1),
        (Movement::Gait, "lateral-sway", View::Front, 3),
    ] {
        let mut spec = ClipSpec::new(movement, fault, view, 2);
        (spec.width, spec.height, spec.fps, spec.seed) = (1280, 720, 15.0, seed);
        spec.backdrop = ugoki::synth::scene::Backdrop::Textured;
        let report = evaluate(&Clip::new(&spec).unwrap(), &mut model, 2, 0.3).unwrap();
        for j in CHECKED {
            let s = report.joint(j);
            println!(
                "{} {fault} {}: {} {:.0}% / {:.1}%",
                movement.name(),
                view.name(),
                j.name(),
                100.0 * s.detection_rate,
                100.0 * s.median_error
            );
            assert!(
                s.detection_rate >= 0.9 && s.median_error <= 0.05,
                "{}: {s:?}",
                j.name()
            );
        }
    }
}
