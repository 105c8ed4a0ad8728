//! The `ugoki` command line.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ugoki",
    version,
    about = "Movement analysis from video: hip hinge, sit-to-stand, gait, thoracic rotation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Track the subject's keypoints through a video (JSON + CSV, optional overlay video).
    Pose(ugoki::cli::pose::PoseArgs),
    /// List, fetch and verify the pose models (models/manifest.toml).
    Models(ugoki::models::cli::ModelsArgs),
    /// Joint and segment angles, calibration and view from a keypoint track or a video.
    Kinematics(ugoki::cli::kinematics::KinematicsArgs),
    /// Render a synthetic subject performing a movement, with exact ground truth.
    Synth(ugoki::synth::cli::SynthArgs),
    /// Forward bend (hip part, spinal part, back shape) or thoracic rotation from a video.
    Measure(ugoki::cli::measure::MeasureArgs),
    /// Find repetitions, steps or turns, measure them and score them against the criteria.
    Analyze(ugoki::cli::analyze::AnalyzeArgs),
    /// Score many videos (files, folders, manifest CSV) in parallel into one folder each, with
    /// summary.csv and index.html; resumable, shardable across machines.
    Batch(ugoki::batch::cli::BatchArgs),
    /// Real-time feedback from a webcam (or a file played as one), rep by rep; saves the
    /// session (recording, analysis.json, report, latencies).
    Live(ugoki::cli::live::LiveArgs),
    /// Write the self-contained HTML report of an analysis (English or Japanese).
    Report(ugoki::cli::report::ReportArgs),
}

fn main() -> ExitCode {
    // Output piped into `head` and closed early ends the process quietly, as for other Unix
    // tools, instead of a panic at the next print.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("UGOKI_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result: ugoki::Result<()> = match cli.command {
        Command::Pose(args) => ugoki::cli::pose::run(args),
        Command::Models(args) => ugoki::models::cli::run(args),
        Command::Kinematics(args) => ugoki::cli::kinematics::run(args),
        Command::Synth(args) => ugoki::synth::cli::run(&args),
        Command::Measure(args) => ugoki::cli::measure::run(args),
        Command::Analyze(args) => ugoki::cli::analyze::run(args),
        Command::Batch(args) => ugoki::batch::cli::run(args),
        Command::Report(args) => ugoki::cli::report::run(args),
        Command::Live(args) => ugoki::cli::live::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ugoki: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
