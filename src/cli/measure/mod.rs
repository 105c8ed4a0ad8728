//! `ugoki measure VIDEO --movement hinge|rotation -o DIR`: the forward-bend (hip part, spinal
//! part, ratio, rhythm, back shape) or thoracic-rotation measurement of a video as JSON, and
//! `ugoki measure --validate-synth FILE`: the synthetic-clip validation table (`validation`).

pub mod validation;

use crate::cli::pose::{track_video, PoseModel};
use crate::error::{Error, Result};
use crate::kinematics::spine::{
    measure_forward_bend, measure_rotation, BackOutlines, ForwardBendOptions, RotationOptions,
    ROTATION_PROTOCOL,
};
use crate::kinematics::{compute, KinematicsOptions};
use crate::track::SubjectOptions;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// Which measurement to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MeasuredMovement {
    /// Forward bend seen from the side: hip part, spinal part, hip:spine ratio, back shape.
    Hinge,
    /// Thoracic rotation with the side-on protocol: shoulder, pelvis and their difference.
    Rotation,
}

/// Arguments of `ugoki measure`.
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// The video to measure.
    #[arg(required_unless_present = "validate_synth")]
    pub video: Option<String>,
    #[arg(long, value_enum, default_value_t = MeasuredMovement::Hinge)]
    pub movement: MeasuredMovement,
    /// Output folder (created if needed).
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Pose model; BlazePose adds world landmarks, which rotation uses beyond ±60° and in
    /// front views.
    #[arg(long, value_enum, default_value_t = PoseModel::Movenet)]
    pub model: PoseModel,
    /// ONNX Runtime intra-op threads (default: number of cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Instead of measuring a video: render the synthetic validation clips, measure them and
    /// write the table of errors against their ground truth to this Markdown file.
    #[arg(long, value_name = "FILE", conflicts_with = "video")]
    pub validate_synth: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

fn write_json(value: &impl serde::Serialize, path: &Path) -> Result<()> {
    let text = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Internal(format!("cannot serialise {}: {e}", path.display())))?;
    crate::report::atomic::write(path, &text)
}

/// Runs `ugoki measure`.
pub fn run(args: MeasureArgs) -> Result<()> {
    if let Some(table) = &args.validate_synth {
        let rows = validation::run_all(&validation::standard_cases(), args.threads)?;
        crate::report::atomic::write(table, validation::markdown(&rows).as_bytes())?;
        eprintln!(
            "measure: {} synthetic clips; wrote {}",
            rows.len(),
            table.display()
        );
        return Ok(());
    }
    let Some(video) = args.video.as_deref() else {
        return Err(Error::Usage(
            "give a VIDEO (or --validate-synth FILE)".into(),
        ));
    };
    if args.movement == MeasuredMovement::Rotation && !args.quiet {
        eprintln!("rotation protocol:");
        for (i, step) in ROTATION_PROTOCOL.iter().enumerate() {
            eprintln!("  {}. {step}", i + 1);
        }
    }
    let outcome = track_video(
        video,
        args.model,
        args.threads,
        1,
        &SubjectOptions::default(),
        args.quiet,
    )?;
    let kinematics = compute(&outcome.track, &KinematicsOptions::default())?;
    std::fs::create_dir_all(&args.output)
        .map_err(|e| Error::io(format!("cannot create {}", args.output.display()), e))?;
    let (path, verdict) = match args.movement {
        MeasuredMovement::Hinge => {
            let options = ForwardBendOptions {
                threads: args.threads,
                ..ForwardBendOptions::default()
            };
            let bend = measure_forward_bend(BackOutlines::Video(video), &kinematics, &options)?;
            let path = args.output.join("forward_bend.json");
            write_json(&bend, &path)?;
            let verdict = match &bend.cannot_assess {
                Some(reason) => reason.en.clone(),
                None => format!(
                    "{} bends: {}",
                    bend.bends.len(),
                    bend.bends
                        .iter()
                        .map(|b| match b.shape.value() {
                            Some(shape) => format!("{shape:?}").to_lowercase(),
                            None => "not assessed".into(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            (path, verdict)
        }
        MeasuredMovement::Rotation => {
            let rotation =
                measure_rotation(&outcome.track, &kinematics, &RotationOptions::default());
            let path = args.output.join("rotation.json");
            write_json(&rotation, &path)?;
            let peak = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}°"));
            let verdict = match &rotation.cannot_assess {
                Some(reason) => reason.en.clone(),
                None => format!(
                    "thoracic rotation left {} right {}, pelvis left {} right {}",
                    peak(rotation.thoracic_peaks.left_deg),
                    peak(rotation.thoracic_peaks.right_deg),
                    peak(rotation.pelvis_peaks.left_deg),
                    peak(rotation.pelvis_peaks.right_deg)
                ),
            };
            (path, verdict)
        }
    };
    if !args.quiet {
        eprintln!("measure: {verdict}; wrote {}", path.display());
    }
    Ok(())
}
