//! Ctrl-C during `ugoki batch`: the running video is finished whole, no more are started, the
//! exit code is 130 and no partial file is left; the same command then finishes the rest.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn done_count(out: &Path) -> usize {
    std::fs::read_dir(out)
        .map(|listing| {
            listing
                .flatten()
                .filter(|item| item.path().join("done.json").is_file())
                .count()
        })
        .unwrap_or(0)
}

fn has_part_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|item| {
        let path = item.path();
        if path.is_dir() {
            has_part_files(&path)
        } else {
            item.file_name().to_string_lossy().ends_with(".part")
        }
    })
}

#[test]
fn ctrl_c_stops_cleanly_and_a_rerun_finishes() {
    let input = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let clips = [
        "rotation_good_side_on.mp4",
        "rotation_pelvis_driven_side_on.mp4",
        "hinge_lumbar_dominant_side.mp4",
    ];
    for clip in clips {
        std::fs::copy(samples.join(clip), input.path().join(clip)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let args = [
        "batch",
        input.path().to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--jobs",
        "1",
        "--quiet",
    ];
    let child = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while done_count(out.path()) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no video finished in 5 minutes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let interrupted = child.wait_with_output().unwrap();
    let err = common::stderr(&interrupted);
    assert_eq!(interrupted.status.code(), Some(130), "{err}");
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("ugoki: error: interrupted: "),
        "{err}"
    );
    assert!(!has_part_files(out.path()));
    let finished = done_count(out.path());
    assert!(
        finished < clips.len(),
        "Ctrl-C stopped the batch before the last video"
    );

    let rerun = common::ugoki(&args);
    assert!(rerun.status.success(), "{}", common::stderr(&rerun));
    assert_eq!(done_count(out.path()), clips.len());
    let log = common::stderr(&rerun);
    assert_eq!(
        log.matches("scored:").count(),
        clips.len() - finished,
        "only the unfinished videos run again: {log}"
    );
}
