//! `make bench-live` (`cargo bench --bench live`): `ugoki live` on a real clip at webcam size,
//! played at its own frame rate as a camera would deliver it (`--source --realtime
//! --no-window`), with MoveNet on 2 cores. Issue target: per-frame processing p95 ≤ 33 ms and
//! ≥ 25 processed frames/s.
//!
//! The clip is the shared Timed-Up-and-Go video (30 frames/s, a rise, walking, a turn and a
//! sit), scaled to 640×360 and letterboxed to 640×480, run as a sit-to-stand session so that
//! the person-mask model for the hip / spinal split runs too. Several rounds
//! (`UGOKI_BENCH_ROUNDS`, default 3) in one run, with the load average printed: the machine's
//! other work shows in the figures.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ugoki");

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The shared clip at 640×480, made once.
fn webcam_sized_clip(work: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/videos/sts_gait_frailtyvision_tug_side.mp4");
    assert!(source.is_file(), "missing {}", source.display());
    let out = work.join("tug_640x480.mp4");
    if !out.is_file() {
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-i"])
            .arg(&source)
            .args([
                "-vf",
                "scale=640:360,pad=640:480:0:60",
                "-c:v",
                "libx264",
                "-crf",
                "18",
                "-an",
            ])
            .arg(&out)
            .status()
            .expect("ffmpeg runs (scripts/setup.sh installs it)");
        assert!(status.success(), "ffmpeg failed");
    }
    out
}

fn main() {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-live");
    std::fs::create_dir_all(&work).unwrap();
    let clip = webcam_sized_clip(&work);
    let rounds: usize = std::env::var("UGOKI_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    println!("| round | load avg (1/5/15 min) | frames | processed | dropped | processed frames/s | processing p50 / p95 ms | capture→screen p95 ms | verdict delay max s |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for round in 1..=rounds {
        let sessions = work.join(format!("sessions-{round}"));
        let _ = std::fs::remove_dir_all(&sessions);
        let load = load_average();
        let out = Command::new(BIN)
            .args(["live", "--source"])
            .arg(&clip)
            .args([
                "--realtime",
                "--no-window",
                "--movement",
                "sts",
                "--threads",
                "1",
                "--json",
                "-o",
            ])
            .arg(&sessions)
            .output()
            .expect("ugoki runs");
        assert!(
            out.status.success(),
            "ugoki live: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let s: serde_json::Value = serde_json::from_slice(&out.stdout).expect("session JSON");
        let ms = |k: &str, p: &str| s[k][p].as_f64().unwrap_or(f64::NAN);
        println!(
            "| {round} | {load} | {} | {} | {} | {:.1} | {:.1} / {:.1} | {:.1} | {:.2} |",
            s["frames_captured"],
            s["frames_processed"],
            s["frames_dropped"],
            s["processed_fps"].as_f64().unwrap_or(f64::NAN),
            ms("processing_ms", "p50"),
            ms("processing_ms", "p95"),
            ms("latency_ms", "p95"),
            ms("verdict_delay_s", "max"),
        );
    }
}
