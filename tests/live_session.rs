//! `ugoki live` with files played as if they were cameras (`--source --realtime
//! --no-window`): counts and verdicts against `ugoki analyze` on the same clip, how soon each
//! verdict comes, a camera lost mid-session, keys, and bad input.

mod common;

use common::{assert_clean_failure, stderr};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use ugoki::live::capture::{CaptureHandle, Pacing, Taken};
use ugoki::source::FrameSource;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// Runs `ugoki live ARGS`, typing each of `keys` on standard input after its delay (seconds
/// from the start).
fn live(args: &[&str], keys: &[(f64, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .arg("live")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ugoki binary runs");
    let mut stdin = child.stdin.take().unwrap();
    let started = std::time::Instant::now();
    for (at_s, key) in keys {
        let due = std::time::Duration::from_secs_f64(*at_s);
        std::thread::sleep(due.saturating_sub(started.elapsed()));
        stdin.write_all(format!("{key}\n").as_bytes()).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Runs `ugoki live --source VIDEO --realtime --no-window --movement M -o SESSIONS` with
/// `keys` typed as [`live`] types them.
fn live_file(video: &Path, movement: &str, sessions: &Path, keys: &[(f64, &str)]) -> Output {
    live(
        &[
            "--source",
            video.to_str().unwrap(),
            "--realtime",
            "--no-window",
            "--movement",
            movement,
            "-o",
            sessions.to_str().unwrap(),
        ],
        keys,
    )
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| {
        panic!("{}: {e}", path.display());
    }))
    .unwrap()
}

/// The one session folder made under `parent`.
fn session_dir(parent: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

/// (kind, number) → (end_s, verdict per criterion) from an analysis.json.
fn analysed_segments(analysis: &Value) -> BTreeMap<(String, u64), (f64, BTreeMap<String, String>)> {
    let mut out = BTreeMap::new();
    for s in analysis["analysis"]["segments"].as_array().unwrap() {
        let (kind, number) = (s["kind"].as_str().unwrap(), s["number"].as_u64().unwrap());
        let on = format!("{kind} {number}");
        let verdicts = analysis["assessment"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| {
                let j = c["judgements"]
                    .as_array()?
                    .iter()
                    .find(|j| j["on"] == on.as_str() && j["verdict"] != "cannot_assess")?;
                Some((
                    c["id"].as_str()?.to_string(),
                    j["verdict"].as_str()?.to_string(),
                ))
            })
            .collect();
        out.insert(
            (kind.to_string(), number),
            (s["end_s"].as_f64().unwrap(), verdicts),
        );
    }
    out
}

#[test]
fn live_counts_and_verdicts_equal_analyze_and_come_within_half_a_second() {
    for (clip, movement) in [
        ("hinge_good_side.mp4", "hinge"),
        ("sts_good_side.mp4", "sts"),
        ("rotation_good_side_on.mp4", "rotation"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let video = sample(clip);
        let analyze_dir = dir.path().join("analyze");
        let out = common::ugoki(&[
            "analyze",
            video.to_str().unwrap(),
            "--movement",
            movement,
            "-q",
            "-o",
            analyze_dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "analyze: {}", stderr(&out));
        let expected = analysed_segments(&read(&analyze_dir.join("analysis.json")));
        assert!(!expected.is_empty(), "{clip}: analyze found nothing");

        let sessions = dir.path().join("sessions");
        let out = live_file(&video, movement, &sessions, &[]);
        assert!(out.status.success(), "live: {}", stderr(&out));
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(
            printed
                .lines()
                .next()
                .is_some_and(|l| l.contains(ugoki::cli::analyze::RED_FLAG_EN)),
            "live opens with the red-flag notice: {printed}"
        );
        let session = read(&session_dir(&sessions).join("session.json"));
        println!(
            "{clip}: {} of {} frames processed, processing p95 {:.1} ms, verdict delays {}",
            session["frames_processed"],
            session["frames_captured"],
            session["processing_ms"]["p95"].as_f64().unwrap(),
            session["verdict_delay_s"]
        );
        let announced = session["announcements"].as_array().unwrap();
        assert_eq!(
            announced.len(),
            expected.len(),
            "{clip}: live announced {announced:?}, analyze found {expected:?}"
        );
        for a in announced {
            let key = (
                a["kind"].as_str().unwrap().to_string(),
                a["number"].as_u64().unwrap(),
            );
            let (end_s, verdicts) = &expected[&key];
            let live_verdicts: BTreeMap<String, String> = a["verdicts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    (
                        v["id"].as_str().unwrap().to_string(),
                        v["verdict"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(&live_verdicts, verdicts, "{clip} {key:?}");
            let delay = a["available_s"].as_f64().unwrap() - end_s;
            // A sit carries no criteria; its end is known once the person has settled.
            assert!(
                verdicts.is_empty() || delay <= 0.5,
                "{clip} {key:?}: verdicts {delay:.2} s after the end"
            );
            let cues = a["verdicts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| v["verdict"] == "warn" || v["verdict"] == "fail");
            for v in cues {
                assert!(v["cue"].as_str().is_some_and(|c| !c.is_empty()), "{v}");
            }
        }
        // The session keeps what `analyze` would write, for the report and later re-analysis.
        let folder = session_dir(&sessions);
        for file in [
            "camera.mp4",
            "analysis.json",
            "keypoints.json",
            "report.html",
        ] {
            assert!(folder.join(file).is_file(), "{clip}: no {file}");
        }
        let whole = read(&folder.join("analysis.json"));
        assert_eq!(whole["schema_version"], 2);
        assert_eq!(analysed_segments(&whole).len(), expected.len());
    }
}

#[test]
fn a_source_that_stops_mid_stream_ends_the_session_saved_with_exit_6() {
    let dir = tempfile::tempdir().unwrap();
    // Index first (faststart), then cut: the file opens and breaks off half way, as a camera
    // pulled out mid-session.
    let whole = dir.path().join("whole.mp4");
    common::ffmpeg(&[
        "-i",
        sample("sts_good_side.mp4").to_str().unwrap(),
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        whole.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() * 6 / 10]).unwrap();
    let sessions = dir.path().join("sessions");
    let out = live_file(&cut, "sts", &sessions, &[]);
    assert_clean_failure(&out, 6);
    assert!(stderr(&out).contains("saved in"), "{}", stderr(&out));
    let folder = session_dir(&sessions);
    let session = read(&folder.join("session.json"));
    assert!(
        session["end"].as_str().unwrap().starts_with("lost: "),
        "{}",
        session["end"]
    );
    let captured = session["frames_captured"].as_u64().unwrap();
    let recorded = ugoki::source::VideoFile::open(&folder.join("camera.mp4")).unwrap();
    let recorded_frames = {
        let mut source: Box<dyn FrameSource> = Box::new(recorded);
        std::iter::from_fn(|| source.next_frame().unwrap()).count() as u64
    };
    println!("captured {captured} frames before the stream broke off; recorded {recorded_frames}");
    assert!(captured > 10);
    assert_eq!(recorded_frames, captured);
    let analysis = read(&folder.join("analysis.json"));
    let keypoints = read(&folder.join("keypoints.json"));
    assert_eq!(
        keypoints["frames"].as_array().unwrap().len() as u64,
        captured
    );
    assert_eq!(analysis["analysis"]["movement"], "sts");
}

#[test]
fn keys_on_standard_input_take_a_snapshot_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    let video = sample("hinge_good_side.mp4");
    // The model loads in about a second; the clip is 8 s long.
    let out = live_file(&video, "hinge", &sessions, &[(4.0, "s"), (5.5, "q")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = session_dir(&sessions);
    let session = read(&folder.join("session.json"));
    assert_eq!(session["end"], "stopped");
    let total = ugoki::source::VideoFile::open(&video)
        .unwrap()
        .info()
        .frame_count
        .unwrap() as u64;
    // `q` came 5.5 s after the start, well before the 8.2 s clip's end.
    assert!(session["frames_captured"].as_u64().unwrap() + 30 < total);
    let snapshot = folder.join("snapshots/snapshot-1.jpg");
    let image = opencv::imgcodecs::imread_def(snapshot.to_str().unwrap()).unwrap();
    use opencv::prelude::*;
    assert_eq!((image.cols(), image.rows()), (1280, 720));
}

#[test]
fn without_a_display_the_window_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args([
            "live",
            "--source",
            sample("hinge_good_side.mp4").to_str().unwrap(),
            "--movement",
            "hinge",
            "-o",
            dir.path().to_str().unwrap(),
        ])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_clean_failure(&out, 2);
    assert!(stderr(&out).contains("--no-window"));
}

#[test]
fn bad_sources_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "not a video\n".repeat(40)).unwrap();
    let missing_camera = "/dev/video-none";
    for args in [
        vec!["--source", text.to_str().unwrap()],
        vec!["--camera", missing_camera],
        vec!["--camera", "not-a-camera"],
    ] {
        let mut all = args.clone();
        all.extend(["--no-window", "--movement", "hinge", "-o"]);
        all.push(dir.path().to_str().unwrap());
        let out = live(&all, &[]);
        assert_clean_failure(&out, 2);
        println!("{args:?}: {}", stderr(&out).trim());
    }
}

#[test]
fn a_late_consumer_gets_the_newest_frame_and_the_rest_are_dropped_not_queued() {
    let video = sample("sts_good_side.mp4");
    let source = ugoki::source::open(video.to_str().unwrap()).unwrap();
    let total = source.info().frame_count.unwrap();
    let mut capture = CaptureHandle::start(source, Pacing::Realtime, None).unwrap();
    let (mut taken, mut dropped, mut last_index) = (0usize, 0usize, None);
    loop {
        match capture.next(std::time::Duration::from_millis(500)) {
            Taken::Frame(c, gone) => {
                if let Some(last) = last_index {
                    assert!(c.frame.index > last);
                    // Everything between the previous frame taken and this one was dropped.
                    assert_eq!(gone.len(), c.frame.index - last - 1);
                }
                last_index = Some(c.frame.index);
                taken += 1;
                dropped += gone.len();
                // Four times slower than the frame rate.
                std::thread::sleep(std::time::Duration::from_secs_f64(4.0 / 15.0));
            }
            Taken::Nothing => {}
            Taken::Ended(end) => {
                assert_eq!(end, ugoki::live::capture::CaptureEnd::Finished);
                break;
            }
        }
    }
    println!("{taken} taken, {dropped} dropped of {total}");
    assert_eq!(taken + dropped, total);
    assert!(dropped > total / 2, "{dropped} dropped of {total}");
    assert_eq!(capture.dropped(), dropped);
    capture.finish().unwrap();
}

#[test]
fn the_window_runs_the_session_on_a_virtual_display() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    let video = sample("hinge_good_side.mp4");
    // xvfb-run (scripts/setup.sh installs it) gives the OpenCV window an X display.
    let out = Command::new("xvfb-run")
        .args(["-a", env!("CARGO_BIN_EXE_ugoki"), "live", "--source"])
        .arg(&video)
        .args(["--realtime", "--movement", "hinge", "-o"])
        .arg(&sessions)
        .stdin(Stdio::null())
        .output()
        .expect("xvfb-run runs (scripts/setup.sh installs xvfb)");
    assert!(out.status.success(), "{}", stderr(&out));
    let session = read(&session_dir(&sessions).join("session.json"));
    println!(
        "with the window: {} of {} frames processed, processing p95 {:.1} ms",
        session["frames_processed"],
        session["frames_captured"],
        session["processing_ms"]["p95"].as_f64().unwrap()
    );
    assert_eq!(session["announcements"].as_array().unwrap().len(), 2);
    assert!(session["frames_processed"].as_u64().unwrap() > 100);
}
