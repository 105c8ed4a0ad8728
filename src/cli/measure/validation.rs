//! Validation of the spine measurements on synthetic clips with exact ground truth: each clip
//! is rendered by `ugoki synth`, tracked by the real pose model, masked by the real mask model,
//! measured, and compared frame by frame with the clinical angles of its truth file.
//!
//! Truth for each measured quantity (definitions in `crate::synth::angles`):
//! - hip part ↔ hip flexion (pelvis on thigh), mean of the two sides;
//! - spinal part ↔ lumbar flexion + thoracic flexion (thorax on pelvis);
//! - back shape per rep ↔ the script: `good` neutral, `lumbar-dominant` rounded, `arched`
//!   hollow;
//! - pelvis rotation ↔ pelvis rotation, shoulder rotation ↔ pelvis rotation + thoracic
//!   rotation, thoracic rotation ↔ thoracic rotation, each relative to the neutral window the
//!   measurement chose (as the measurement is), over the frames after the quarter turn whose
//!   true turn is within ±60°.

use crate::cli::pose::{track_video, PoseModel};
use crate::error::{Error, Result};
use crate::kinematics::spine::back_shape::BackShape;
use crate::kinematics::spine::series::median;
use crate::kinematics::spine::{
    measure_forward_bend, measure_rotation, BackOutlines, ForwardBendOptions, RotationOptions,
};
use crate::kinematics::{compute, Kinematics, KinematicsOptions};
use crate::synth::motion::Movement;
use crate::synth::scene::View;
use crate::synth::truth::{read, Truth};
use crate::synth::{truth_path, write_clip, ClipSpec};
use crate::track::SubjectOptions;
use std::path::PathBuf;

/// Acceptance thresholds (issue 5), degrees.
pub const HIP_RMSE_MAX: f64 = 4.0;
pub const SPINAL_RMSE_MAX: f64 = 6.0;
pub const ROTATION_RMSE_MAX: f64 = 6.0;
/// True rotation range the rotation thresholds apply to, degrees either way.
pub const ROTATION_RANGE: f64 = 60.0;

/// One synthetic clip to validate on.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub movement: Movement,
    /// The pose model the clip is tracked with.
    pub model: PoseModel,
    pub fault: &'static str,
    pub view: View,
    pub seed: u64,
    pub height_m: f64,
    pub reps: usize,
}

/// The clips of the validation table: every hinge script that has a back-shape verdict and
/// every rotation script with each pose model (seed and height decide the body's shape: seven
/// bodies for the forward bend, the first three of them for rotation, each measured with two
/// pose models), plus a front-view hinge that must be refused.
pub fn standard_cases() -> Vec<Case> {
    // Seeds 11 and 23 were used to choose the forward-bend formulas; the others were not.
    let bodies = [(11, 1.62), (23, 1.86), (37, 1.74)];
    let more_bodies = [(41, 1.55), (53, 1.70), (67, 1.80), (79, 1.92)];
    let mut cases = Vec::new();
    for fault in ["good", "lumbar-dominant", "arched"] {
        for (seed, height_m) in bodies.into_iter().chain(more_bodies) {
            cases.push(Case {
                movement: Movement::Hinge,
                model: PoseModel::Movenet,
                fault,
                view: View::Side,
                seed,
                height_m,
                reps: 3,
            });
        }
    }
    cases.push(Case {
        movement: Movement::Hinge,
        model: PoseModel::Movenet,
        fault: "good",
        view: View::Front,
        seed: 11,
        height_m: 1.62,
        reps: 2,
    });
    // Rotation with the default model and with BlazePose (world yaw beyond ±60°): neither is
    // the better on every script, so both are shown.
    for model in [PoseModel::Movenet, PoseModel::Blazepose] {
        for fault in ["good", "pelvis-driven", "asymmetric"] {
            for (seed, height_m) in bodies {
                cases.push(Case {
                    movement: Movement::Rotation,
                    model,
                    fault,
                    view: View::SideOn,
                    seed,
                    height_m,
                    reps: 2,
                });
            }
        }
    }
    cases
}

/// The back shape a hinge script performs on every rep, when it has one.
pub fn scripted_shape(fault: &str) -> Option<BackShape> {
    match fault {
        "good" => Some(BackShape::Neutral),
        "lumbar-dominant" => Some(BackShape::Rounded),
        "arched" => Some(BackShape::Hollow),
        _ => None,
    }
}

/// One clip's errors against its truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub case: Case,
    pub frames: usize,
    /// Frames with a measured value compared with the truth.
    pub compared: usize,
    pub hip_rmse: Option<f64>,
    pub spinal_rmse: Option<f64>,
    /// Reps whose back shape matched the script, out of the scripted reps.
    pub shapes_correct: usize,
    pub shapes_scripted: usize,
    pub shoulder_rmse: Option<f64>,
    pub pelvis_rmse: Option<f64>,
    pub thoracic_rmse: Option<f64>,
    /// The measurement's refusal, when it refused.
    pub refusal: Option<String>,
    /// Per-rep verdicts, for the table.
    pub detail: String,
}

fn rmse(pairs: &[(f64, f64)]) -> Option<f64> {
    (!pairs.is_empty()).then(|| {
        (pairs.iter().map(|(a, b)| (a - b).powi(2)).sum::<f64>() / pairs.len() as f64).sqrt()
    })
}

/// Renders, tracks, measures and scores one case; `threads` for ONNX Runtime.
pub fn run_case(case: &Case, threads: Option<usize>) -> Result<Row> {
    let folder = std::env::temp_dir().join(format!(
        "ugoki-measure-validation-{}-{}-{}-{}-{}-{}",
        std::process::id(),
        case.model.name(),
        case.movement.name(),
        case.fault,
        case.view.name(),
        case.seed
    ));
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::io(format!("cannot create {}", folder.display()), e))?;
    let result = render_and_score(case, threads, folder.join("clip.mp4"));
    // The clip is scratch: remove it whatever happened.
    let _ = std::fs::remove_dir_all(&folder);
    result
}

fn render_and_score(case: &Case, threads: Option<usize>, video: PathBuf) -> Result<Row> {
    let mut spec = ClipSpec::new(case.movement, case.fault, case.view, case.reps);
    spec.seed = case.seed;
    spec.height_m = case.height_m;
    write_clip(&spec, &video, None)?;
    let truth = read(&truth_path(&video))?;
    let name = video.to_string_lossy().into_owned();
    let outcome = track_video(
        &name,
        case.model,
        threads,
        1,
        &SubjectOptions::default(),
        true,
    )?;
    let kinematics = compute(&outcome.track, &KinematicsOptions::default())?;
    let mut row = Row {
        case: case.clone(),
        frames: kinematics.times_s.len(),
        compared: 0,
        hip_rmse: None,
        spinal_rmse: None,
        shapes_correct: 0,
        shapes_scripted: 0,
        shoulder_rmse: None,
        pelvis_rmse: None,
        thoracic_rmse: None,
        refusal: None,
        detail: String::new(),
    };
    match case.movement {
        Movement::Rotation => {
            let rotation =
                measure_rotation(&outcome.track, &kinematics, &RotationOptions::default());
            row.refusal = rotation.cannot_assess.as_ref().map(|r| r.en.clone());
            score_rotation(&mut row, &kinematics, &truth, &rotation);
        }
        _ => {
            let options = ForwardBendOptions {
                threads,
                ..ForwardBendOptions::default()
            };
            let bend = measure_forward_bend(BackOutlines::Video(&name), &kinematics, &options)?;
            row.refusal = bend.cannot_assess.as_ref().map(|r| r.en.clone());
            score_bend(&mut row, &kinematics, &truth, &bend);
        }
    }
    Ok(row)
}

fn truth_at<'a>(
    truth: &'a Truth,
    kinematics: &Kinematics,
    i: usize,
) -> Option<&'a crate::synth::truth::FrameTruth> {
    truth.frames.get(*kinematics.frame_indices.get(i)?)
}

fn score_bend(
    row: &mut Row,
    kinematics: &Kinematics,
    truth: &Truth,
    bend: &crate::kinematics::spine::ForwardBend,
) {
    let (mut hip, mut spinal) = (Vec::new(), Vec::new());
    for i in 0..kinematics.times_s.len() {
        let Some(t) = truth_at(truth, kinematics, i) else {
            continue;
        };
        let a = &t.angles;
        if let (Some(h), Some(s)) = (bend.hip_part.values[i], bend.spinal_part.values[i]) {
            hip.push((h, 0.5 * (a.hip_flexion[0] + a.hip_flexion[1])));
            spinal.push((s, a.lumbar_flexion + a.thoracic_flexion));
        }
    }
    row.compared = hip.len();
    row.hip_rmse = rmse(&hip);
    row.spinal_rmse = rmse(&spinal);
    let Some(expected) = scripted_shape(row.case.fault) else {
        return;
    };
    let mut verdicts = Vec::new();
    for rep in 0..row.case.reps {
        let event = |kind: &str| {
            truth
                .events
                .iter()
                .find(|e| e.kind == kind && e.rep == Some(rep))
                .map(|e| e.time_s)
        };
        let (Some(start), Some(end)) = (event("rep_start"), event("rep_end")) else {
            continue;
        };
        row.shapes_scripted += 1;
        let found = bend
            .bends
            .iter()
            .find(|b| (start..=end).contains(&b.bottom_s));
        let verdict = match found.map(|b| (b.shape.value(), b.median_curve_deg)) {
            Some((Some(shape), curve)) => {
                if *shape == expected {
                    row.shapes_correct += 1;
                }
                format!(
                    "{shape:?} {}",
                    curve.map_or(String::new(), |c| format!("({c:+.0}°)"))
                )
            }
            Some((None, _)) => "not assessed".into(),
            None => "no bend past 60°".into(),
        };
        verdicts.push(verdict.to_lowercase());
    }
    row.detail = verdicts.join(", ");
}

fn score_rotation(
    row: &mut Row,
    kinematics: &Kinematics,
    truth: &Truth,
    rotation: &crate::kinematics::spine::Rotation,
) {
    let turned = truth
        .events
        .iter()
        .find(|e| e.kind == "turn_end")
        .map_or(f64::NEG_INFINITY, |e| e.time_s);
    let n = kinematics.times_s.len();
    let in_neutral = |i: usize| {
        rotation
            .neutral
            .as_ref()
            .map_or(kinematics.times_s[i] > turned, |w| {
                (w.start_s..=w.end_s).contains(&kinematics.times_s[i])
            })
    };
    let truth_series = |f: &dyn Fn(&crate::synth::angles::ClinicalAngles) -> f64| {
        let values: Vec<Option<f64>> = (0..n)
            .map(|i| truth_at(truth, kinematics, i).map(|t| f(&t.angles)))
            .collect();
        let zero =
            median((0..n).filter(|i| in_neutral(*i)).filter_map(|i| values[i])).unwrap_or(0.0);
        values
            .into_iter()
            .map(|v| v.map(|v| v - zero))
            .collect::<Vec<_>>()
    };
    let pelvis_truth = truth_series(&|a| a.pelvis_rotation);
    let thoracic_truth = truth_series(&|a| a.thoracic_rotation);
    let shoulder_truth = truth_series(&|a| a.pelvis_rotation + a.thoracic_rotation);
    let (mut shoulder, mut pelvis, mut thoracic) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        if kinematics.times_s[i] <= turned {
            continue;
        }
        let (Some(ts), Some(tp), Some(tt)) =
            (shoulder_truth[i], pelvis_truth[i], thoracic_truth[i])
        else {
            continue;
        };
        if ts.abs() > ROTATION_RANGE || tp.abs() > ROTATION_RANGE {
            continue;
        }
        if let (Some(s), Some(p), Some(t)) = (
            rotation.shoulder_rotation.values[i],
            rotation.pelvis_rotation.values[i],
            rotation.thoracic_rotation.values[i],
        ) {
            shoulder.push((s, ts));
            pelvis.push((p, tp));
            thoracic.push((t, tt));
        }
    }
    row.compared = shoulder.len();
    row.shoulder_rmse = rmse(&shoulder);
    row.pelvis_rmse = rmse(&pelvis);
    row.thoracic_rmse = rmse(&thoracic);
    let peak = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0}°"));
    row.detail = format!(
        "thoracic L {} R {}, pelvis L {} R {}",
        peak(rotation.thoracic_peaks.left_deg),
        peak(rotation.thoracic_peaks.right_deg),
        peak(rotation.pelvis_peaks.left_deg),
        peak(rotation.pelvis_peaks.right_deg)
    );
}

/// Runs every case in turn.
pub fn run_all(cases: &[Case], threads: Option<usize>) -> Result<Vec<Row>> {
    cases.iter().map(|c| run_case(c, threads)).collect()
}

/// Whether a row meets the thresholds: `None` when it has nothing to check.
pub fn passes(row: &Row) -> bool {
    let within = |v: Option<f64>, max: f64| v.is_some_and(|v| v <= max);
    match (row.case.movement, row.case.view) {
        (Movement::Hinge, View::Side) => {
            within(row.hip_rmse, HIP_RMSE_MAX)
                && within(row.spinal_rmse, SPINAL_RMSE_MAX)
                && row.shapes_scripted > 0
                && row.shapes_correct == row.shapes_scripted
        }
        (Movement::Hinge, _) => row.refusal.is_some(),
        _ => {
            within(row.thoracic_rmse, ROTATION_RMSE_MAX)
                && within(row.pelvis_rmse, ROTATION_RMSE_MAX)
        }
    }
}

/// The validation table as Markdown.
pub fn markdown(rows: &[Row]) -> String {
    let deg = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.1}"));
    let mut out = String::from(
        "# Validation of the spine measurements on synthetic clips\n\n\
         Generated by `ugoki measure --validate-synth docs/validation.md` (do not edit by hand).\n\
         Each clip is rendered by `ugoki synth` (640×360, 30 frames/s), tracked by MoveNet\n\
         Lightning (the default) or, for rotation, also by MoveNet + BlazePose lite\n\
         (`--model blazepose`), masked by Selfie Segmentation and measured; errors are against\n\
         the clip's ground truth (see `src/cli/measure/validation.rs` for what is compared with\n\
         what). Seeds 11 and 23 were used to choose the forward-bend formulas; the other bodies\n\
         took no part. The hollow rule's spinal threshold (extension, below 0°) was set after\n\
         seeing seeds 37-79, and checked on two more bodies (seeds 89 and 97) before it was kept.\n\n",
    );
    out.push_str(&format!(
        "Thresholds: hip part RMSE ≤ {HIP_RMSE_MAX}°, spinal part RMSE ≤ {SPINAL_RMSE_MAX}°, back shape right on every scripted rep; thoracic and pelvis rotation RMSE ≤ {ROTATION_RMSE_MAX}° within ±{ROTATION_RANGE}° (side-on protocol). Front-view hinges must be refused.\n\n"
    ));
    out.push_str("## Forward bend\n\n| script | view | seed | height (m) | frames compared | hip part RMSE (°) | spinal part RMSE (°) | back shape right | per rep | refusal | pass |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in rows.iter().filter(|r| r.case.movement == Movement::Hinge) {
        out.push_str(&format!(
            "| {} | {} | {} | {:.2} | {}/{} | {} | {} | {}/{} | {} | {} | {} |\n",
            r.case.fault,
            r.case.view.name(),
            r.case.seed,
            r.case.height_m,
            r.compared,
            r.frames,
            deg(r.hip_rmse),
            deg(r.spinal_rmse),
            r.shapes_correct,
            r.shapes_scripted,
            r.detail,
            r.refusal.as_deref().unwrap_or("–"),
            if passes(r) { "yes" } else { "**no**" }
        ));
    }
    out.push_str("\n## Thoracic rotation (side-on protocol)\n\n| model | script | view | seed | height (m) | frames compared | shoulder RMSE (°) | pelvis RMSE (°) | thoracic RMSE (°) | peaks | refusal | pass |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in rows
        .iter()
        .filter(|r| r.case.movement == Movement::Rotation)
    {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.2} | {}/{} | {} | {} | {} | {} | {} | {} |\n",
            r.case.model.name(),
            r.case.fault,
            r.case.view.name(),
            r.case.seed,
            r.case.height_m,
            r.compared,
            r.frames,
            deg(r.shoulder_rmse),
            deg(r.pelvis_rmse),
            deg(r.thoracic_rmse),
            r.detail,
            r.refusal.as_deref().unwrap_or("–"),
            if passes(r) { "yes" } else { "**no**" }
        ));
    }
    out
}
