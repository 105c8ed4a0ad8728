//! `ugoki batch INPUT... -o OUTDIR` and `ugoki batch --merge OUTDIR`.

use super::inputs;
use super::run::{self, RunOptions, Status};
use super::shard::{self, Shard};
use super::summary;
use crate::error::{Error, Result};
use crate::interrupt::StopFlag;
use crate::text::Lang;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `ugoki batch`.
#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// Videos, folders (searched recursively for video files) and manifest CSVs
    /// (path,movement,height_m,client_id,date,notes).
    #[arg(required_unless_present = "merge", conflicts_with = "merge")]
    pub inputs: Vec<PathBuf>,
    /// Output folder: one folder per video, summary.csv and index.html.
    #[arg(short, long, required_unless_present = "merge")]
    pub output: Option<PathBuf>,
    /// Videos at a time (ONNX Runtime threads per video = cores / jobs).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    /// Redo videos that an earlier run finished.
    #[arg(long)]
    pub force: bool,
    /// Only the I-th of N shares of the inputs (0 <= I < N), for job arrays; writes no summary
    /// (run --merge when every shard is done).
    #[arg(long, value_parser = shard::parse_arg)]
    pub shard: Option<Shard>,
    /// Build summary.csv and index.html from the video folders in OUTDIR (e.g. after shards).
    #[arg(long, value_name = "OUTDIR")]
    pub merge: Option<PathBuf>,
    /// No progress bars; one log line per finished video.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the run's results as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Language of each video's report page and of the summary page.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// Also write each video's annotated video (`annotated.mp4` in its folder; re-reads and
    /// re-encodes every clip, so it costs about as much as decoding it again).
    #[arg(long)]
    pub overlay: bool,
}

/// Runs `ugoki batch`.
pub fn run(args: BatchArgs) -> Result<()> {
    if let Some(out) = &args.merge {
        let rows = summary::write(out, args.lang)?;
        let failed = rows.iter().filter(|r| r.status != "ok").count();
        if args.json {
            println!(
                "{}",
                serde_json::json!({ "videos": rows.len(), "not_ok": failed,
                    "summary_csv": out.join(summary::SUMMARY_CSV), "index_html": out.join(summary::INDEX_HTML) })
            );
        } else if !args.quiet {
            eprintln!(
                "ugoki batch: {} videos ({failed} not scored); wrote {}",
                rows.len(),
                out.join(summary::SUMMARY_CSV).display()
            );
        }
        return Ok(());
    }
    let out = args
        .output
        .clone()
        .ok_or_else(|| Error::Usage("give the output folder with -o OUTDIR".into()))?;
    let mut inputs = inputs::collect(&args.inputs)?;
    if let Some(shard) = args.shard {
        inputs.retain(|input| shard.holds(&input.name));
    }
    std::fs::create_dir_all(&out)
        .map_err(|e| Error::io(format!("cannot create {}", out.display()), e))?;
    let stop = StopFlag::on_ctrl_c("stopping after the running videos");
    let options = RunOptions {
        jobs: usize::from(args.jobs),
        force: args.force,
        progress: !args.quiet && !args.json,
        log: args.quiet,
        lang: args.lang,
        overlay: args.overlay,
    };
    let outcome = run::run(&inputs, &out, &options, &stop)?;
    // Shards share the output folder; only --merge writes the summary, so two shards never
    // write it at once.
    if args.shard.is_none() {
        summary::write(&out, args.lang)?;
    }
    let count = |status: Status| {
        outcome
            .results
            .iter()
            .filter(|r| r.status == status)
            .count()
    };
    let failed = outcome.results.iter().filter(|r| r.error.is_some()).count();
    let frames: usize = outcome.results.iter().map(|r| r.frames).sum();
    if args.json {
        let report = serde_json::json!({
            "videos": outcome.results,
            "scored": count(Status::Scored),
            "skipped": count(Status::Skipped),
            "failed": failed,
            "not_started": count(Status::NotStarted),
            "jobs": options.jobs,
            "threads_per_job": run::threads_per_job(options.jobs),
            "wall_s": outcome.wall_s,
            "frames": frames,
            "frames_per_s": frames as f64 / outcome.wall_s.max(1e-9),
            "videos_per_min": count(Status::Scored) as f64 * 60.0 / outcome.wall_s.max(1e-9),
        });
        println!("{report}");
    } else if !args.quiet {
        eprintln!(
            "ugoki batch: {} scored, {} skipped (finished before), {failed} failed, {} not started; {frames} frames in {:.1} s",
            count(Status::Scored),
            count(Status::Skipped),
            count(Status::NotStarted),
            outcome.wall_s
        );
    }
    if outcome.interrupted {
        return Err(Error::Interrupted(format!(
            "interrupted: {} of {} videos not started; run the same command again to finish them",
            count(Status::NotStarted),
            outcome.results.len()
        )));
    }
    if failed > 0 {
        return Err(Error::SomeVideosFailed(format!(
            "{failed} of {} videos could not be scored; their reasons are in {} (status error)",
            outcome.results.len(),
            out.join(summary::SUMMARY_CSV).display()
        )));
    }
    Ok(())
}
