//! Helpers shared by the integration tests: where the real videos and models are, and running
//! the real binary. Missing shared files fail the test (never skip it).

#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn shared_video(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/videos")
        .join(name);
    assert!(
        path.is_file(),
        "missing test video {} (../shared/videos must be beside the checkout)",
        path.display()
    );
    path
}

pub fn ugoki(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(args)
        .output()
        .expect("the ugoki binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A failed run must say what went wrong in one line, with no panic.
pub fn assert_clean_failure(out: &Output, code: i32) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit code; stderr: {err}");
    assert!(
        !err.contains("panicked"),
        "panic instead of an error: {err}"
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected a one-line error, got: {err}");
    assert!(lines[0].starts_with("ugoki: error: "), "{err}");
}

/// Runs `ugoki pose VIDEO -o OUT_DIR --quiet EXTRA...`.
pub fn pose(video: &std::path::Path, out_dir: &std::path::Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "pose",
        video.to_str().unwrap(),
        "-o",
        out_dir.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    ugoki(&args)
}

/// Runs `ugoki pose` into a temporary folder, requires success, and returns the track it wrote.
pub fn pose_track(video: &std::path::Path, extra: &[&str]) -> ugoki::track::PoseTrack {
    let out_dir = tempfile::tempdir().unwrap();
    let out = pose(video, out_dir.path(), extra);
    assert!(
        out.status.success(),
        "ugoki pose {extra:?} failed: {}",
        stderr(&out)
    );
    ugoki::report::keypoints::read_json(&out_dir.path().join("keypoints.json")).unwrap()
}

/// Tracks `video` with the library (as `ugoki analyze` does) and analyses it as
/// `movement`. Every note and reason the analysis writes must be in Japanese too.
pub fn track_and_analyze(
    video: &std::path::Path,
    model: ugoki::cli::pose::PoseModel,
    threads: Option<usize>,
    movement: ugoki::cli::analyze::MovementChoice,
) -> ugoki::cli::analyze::AnalysisReport {
    let video = video.to_str().unwrap();
    let outcome = ugoki::cli::pose::track_video(
        video,
        model,
        threads,
        1,
        &ugoki::track::SubjectOptions::default(),
        true,
    )
    .expect("pose track");
    ugoki::cli::analyze::analyze_track(outcome.track, Some(video), movement, None)
        .inspect(|report| assert_every_text_is_in_japanese(&serde_json::to_value(report).unwrap()))
        .expect("analysis")
}

/// The criterion is "cannot assess", and its reason (in English) says `why`.
pub fn assert_cannot_assess(c: &ugoki::criteria::scoring::CriterionResult, why: &str) {
    assert_eq!(
        c.verdict,
        ugoki::criteria::scoring::Verdict::CannotAssess,
        "{c:?}"
    );
    assert!(
        c.reason.as_ref().is_some_and(|r| r.en.contains(why)),
        "reason should say {why:?}: {c:?}"
    );
}

/// Every `{"en", "ja"}` sentence in `value` (two English words or more: not a bare number
/// with its unit) has a Japanese sentence: kana or kanji, not the English copied over.
pub fn assert_every_text_is_in_japanese(value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(en), Some(ja), 2) = (map.get("en"), map.get("ja"), map.len()) {
                let (en, ja) = (en.as_str().unwrap_or(""), ja.as_str().unwrap_or(""));
                let words = en
                    .split_whitespace()
                    .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 2)
                    .count();
                assert!(
                    words < 2
                        || (ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)
                            || ('\u{4e00}'..='\u{9fff}').contains(&c))
                            && ja != en),
                    "not in Japanese: {map:?}"
                );
            }
            map.values().for_each(assert_every_text_is_in_japanese);
        }
        serde_json::Value::Array(items) => items.iter().for_each(assert_every_text_is_in_japanese),
        _ => {}
    }
}

/// Runs ffmpeg (installed by scripts/setup.sh) quietly and requires success.
pub fn ffmpeg(args: &[&str]) {
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .status()
        .expect("ffmpeg runs (scripts/setup.sh installs it)");
    assert!(status.success(), "ffmpeg {args:?} failed");
}
