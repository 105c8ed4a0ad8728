//! The `ugoki` command line.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "ugoki", version, about = "Movement analysis from video: hip hinge, sit-to-stand, gait, thoracic rotation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a synthetic subject performing a movement, with exact ground truth.
    Synth(ugoki::synth::cli::SynthArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("UGOKI_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result: ugoki::Result<()> = match cli.command {
        Command::Synth(args) => ugoki::synth::cli::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ugoki: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
