//! `make bench-batch` (`cargo bench --bench batch`): throughput of `ugoki batch` on the shared
//! real clips (../shared/videos) with `--jobs 1` and `--jobs 2`, against `ugoki analyze --report`
//! run on each clip one after another (one process per clip, as a shell loop would) and against
//! the end-to-end pose bound (`ugoki pose` frames/s, tracking alone, per clip, summed).
//!
//! Every run is the real binary as a user runs it, timed from outside the process, so process
//! start-up and model loading count where they are paid. One round by default;
//! `UGOKI_BENCH_ROUNDS=N` repeats the whole set, interleaved, and prints every round.
//! The machine's load average is printed with the table: on a shared machine the numbers say
//! as much about the other jobs as about ugoki.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_ugoki");

fn clips(dir: &Path) -> Vec<PathBuf> {
    let mut clips: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (../shared must be beside the checkout)",
                dir.display()
            )
        })
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
        .collect();
    clips.sort();
    assert!(!clips.is_empty(), "no clips in {}", dir.display());
    clips
}

/// Runs the binary, requires success, returns stdout and the wall time.
fn run(args: &[&str]) -> (String, f64) {
    let started = Instant::now();
    let out = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("ugoki runs");
    let wall = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "ugoki {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (String::from_utf8_lossy(&out.stdout).into_owned(), wall)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

struct Row {
    name: String,
    wall_s: f64,
    frames: u64,
    videos: usize,
}

/// `ugoki pose` on each clip: frames and the tracking time the command reports (frames / its
/// frames/s), so that the bound leaves out process start-up and file writing.
fn pose_bound(clips: &[PathBuf], scratch: &Path) -> (u64, f64) {
    let (mut frames, mut seconds) = (0u64, 0.0);
    for clip in clips {
        let (stdout, _) = run(&[
            "pose",
            clip.to_str().unwrap(),
            "-o",
            scratch.join("pose").to_str().unwrap(),
            "--quiet",
            "--json",
        ]);
        let v: Value = serde_json::from_str(stdout.trim()).expect("pose --json");
        let n = v["frames"].as_u64().unwrap();
        frames += n;
        seconds += n as f64 / v["fps"].as_f64().unwrap();
    }
    (frames, seconds)
}

fn analyze_one_by_one(clips: &[PathBuf], scratch: &Path, frames: u64) -> Row {
    let started = Instant::now();
    for (i, clip) in clips.iter().enumerate() {
        run(&[
            "analyze",
            clip.to_str().unwrap(),
            "-o",
            scratch.join(format!("analyze{i}")).to_str().unwrap(),
            "--report",
            "--quiet",
            "--json",
        ]);
    }
    Row {
        name: format!("`ugoki analyze --report` × {}", clips.len()),
        wall_s: started.elapsed().as_secs_f64(),
        frames,
        videos: clips.len(),
    }
}

fn batch(videos: &Path, scratch: &Path, jobs: usize) -> (Row, usize) {
    let out = scratch.join(format!("batch{jobs}"));
    let _ = std::fs::remove_dir_all(&out);
    let jobs_arg = jobs.to_string();
    let (stdout, wall) = run(&[
        "batch",
        videos.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--jobs",
        &jobs_arg,
        "--json",
    ]);
    let v: Value = serde_json::from_str(stdout.trim()).expect("batch --json");
    assert_eq!(v["failed"], 0, "{v}");
    let threads = v["threads_per_job"].as_u64().unwrap() as usize;
    (
        Row {
            name: format!("`ugoki batch --jobs {jobs}` ({threads} ORT threads each)"),
            wall_s: wall,
            frames: v["frames"].as_u64().unwrap(),
            videos: v["scored"].as_u64().unwrap() as usize,
        },
        threads,
    )
}

fn main() {
    let videos = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/videos");
    let clips = clips(&videos);
    let rounds: usize = std::env::var("UGOKI_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for round in 1..=rounds {
        let scratch = tempfile::tempdir().unwrap();
        let load_before = load_average();
        let (pose_frames, pose_s) = pose_bound(&clips, scratch.path());
        let bound_fps = pose_frames as f64 / pose_s;
        let analyze = analyze_one_by_one(&clips, scratch.path(), pose_frames);
        let (jobs1, _) = batch(&videos, scratch.path(), 1);
        let (jobs2, _) = batch(&videos, scratch.path(), 2);
        let load_after = load_average();
        println!(
            "\nround {round}/{rounds}: {} clips, {pose_frames} frames, {cores} cores; load average {load_before} before, {load_after} after",
            clips.len()
        );
        println!(
            "end-to-end pose bound (ugoki pose, tracking time only): {bound_fps:.1} frames/s\n"
        );
        println!(
            "| run | wall s | videos/min | frames/s | vs. analyze one by one | % of pose bound |"
        );
        println!("|---|---|---|---|---|---|");
        for row in [&jobs1, &jobs2, &analyze] {
            let fps = row.frames as f64 / row.wall_s;
            println!(
                "| {} | {:.1} | {:.1} | {:.1} | {:.2}x | {:.0} % |",
                row.name,
                row.wall_s,
                row.videos as f64 * 60.0 / row.wall_s,
                fps,
                analyze.wall_s / row.wall_s,
                100.0 * fps / bound_fps
            );
        }
    }
}
