//! `ugoki batch` on a folder of real clips, synthetic clips and broken files, through the real
//! binary, pose model and analysis: good videos scored with their report page (and annotated
//! video), bad ones error rows, re-runs skip finished videos, shards cover every video once and
//! `--merge` rebuilds the same summary.

mod common;

use common::{assert_clean_failure, ffmpeg, shared_video, stderr, ugoki};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const SOME_VIDEOS_FAILED: i32 = 5;

/// The bad inputs: random bytes named .mp4, a text file named .mov, an empty file, a valid
/// video with nobody in it, and a text file that folder scanning must ignore.
fn add_bad_inputs(dir: &Path) {
    let noise: Vec<u8> = (0u32..100_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.join("corrupt.mp4"), noise).unwrap();
    std::fs::write(dir.join("notes.mov"), "session notes, not a video\n").unwrap();
    std::fs::write(dir.join("empty.mp4"), b"").unwrap();
    std::fs::write(dir.join("readme.txt"), "not a video extension\n").unwrap();
    let nobody = dir.join("nobody.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=gray:s=320x240:d=2:r=15",
        "-pix_fmt",
        "yuv420p",
        nobody.to_str().unwrap(),
    ]);
}

fn sample(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// Runs `ugoki batch ARGS --json` and returns the exit code and the per-video results by
/// file name.
fn batch(args: &[&str]) -> (Option<i32>, Value, BTreeMap<String, Value>) {
    let mut all = vec!["batch"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = ugoki(&all);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("batch --json prints JSON ({e}); stderr: {}", stderr(&out)));
    let videos = report["videos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let file = Path::new(v["source"].as_str().unwrap())
                .file_name()
                .unwrap();
            (file.to_string_lossy().into_owned(), v.clone())
        })
        .collect();
    if report["failed"].as_u64() > Some(0) {
        assert_clean_failure(&out, SOME_VIDEOS_FAILED);
    }
    (out.status.code(), report, videos)
}

fn summary_rows(out: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            // Error texts are quoted and may hold commas: split on commas outside quotes.
            let mut fields = Vec::new();
            let (mut field, mut quoted) = (String::new(), false);
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut field)),
                    c => field.push(c),
                }
            }
            fields.push(field);
            let row: BTreeMap<String, String> =
                header.iter().map(|h| h.to_string()).zip(fields).collect();
            let file = Path::new(&row["source"])
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, row)
        })
        .collect()
}

fn part_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for item in std::fs::read_dir(dir).unwrap().flatten() {
        if item.path().is_dir() {
            found.extend(part_files(&item.path()));
        } else if item.file_name().to_string_lossy().ends_with(".part") {
            found.push(item.path().display().to_string());
        }
    }
    found
}

#[test]
fn folder_of_good_and_bad_videos_is_scored_then_skipped() {
    let input = tempfile::tempdir().unwrap();
    let nested = input.path().join("week 2");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(
        shared_video("gait_bog_normal_01_side.mp4"),
        input.path().join("gait_bog_normal_01_side.mp4"),
    )
    .unwrap();
    std::fs::copy(
        sample("hinge_good_side.mp4"),
        input.path().join("hinge_good_side.mp4"),
    )
    .unwrap();
    std::fs::copy(
        sample("sts_good_side.mp4"),
        nested.join("sts_good_side.mp4"),
    )
    .unwrap();
    add_bad_inputs(input.path());
    let out = tempfile::tempdir().unwrap();
    let (in_dir, out_dir) = (input.path().to_str().unwrap(), out.path().to_str().unwrap());

    let (code, report, videos) = batch(&[in_dir, "-o", out_dir, "--jobs", "2", "--overlay"]);
    assert_eq!(code, Some(SOME_VIDEOS_FAILED));
    assert_eq!(
        videos.len(),
        7,
        "readme.txt is not a video: {:?}",
        videos.keys()
    );
    let rows = summary_rows(out.path());
    assert_eq!(rows.len(), 7);
    let index = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        index.contains(ugoki::cli::analyze::RED_FLAG_EN),
        "index.html carries the red-flag notice"
    );
    for (good, movement) in [
        ("gait_bog_normal_01_side.mp4", "gait"),
        ("hinge_good_side.mp4", "hinge"),
        ("sts_good_side.mp4", "sts"),
    ] {
        assert_eq!(videos[good]["status"], "scored", "{good}: {}", videos[good]);
        assert!(videos[good]["model_runs"].as_u64().unwrap() > 0);
        let row = &rows[good];
        assert_eq!(row["status"], "ok", "{good}: {row:?}");
        assert_eq!(row["movement"], movement, "{good}: {row:?}");
        let score: f64 = row["score"]
            .parse()
            .unwrap_or_else(|_| panic!("{good} has a score: {row:?}"));
        assert!((0.0..=100.0).contains(&score));
        let folder = out.path().join(&row["folder"]);
        for file in [
            "analysis.json",
            "keypoints.csv",
            "keypoints.json",
            "kinematics.json",
            "angles.csv",
            "report.html",
            "annotated.mp4",
            "done.json",
            "entry.json",
        ] {
            assert!(folder.join(file).is_file(), "{good}: {file}");
        }
        // The page `ugoki analyze --report` writes: criteria table, plots, key frames, and the
        // exports beside it linked.
        let page = std::fs::read_to_string(folder.join("report.html")).unwrap();
        for needle in [
            "id=\"criteria\"",
            "<svg class=\"plot\"",
            "data:image/jpeg;base64,",
            "href=\"angles.csv\"",
        ] {
            assert!(page.contains(needle), "{good}: report.html lacks {needle}");
        }
        let link = format!("href=\"{}/report.html\"", row["folder"]);
        assert!(index.contains(&link), "index.html links {link}");
        let overlay = std::fs::metadata(folder.join("annotated.mp4"))
            .unwrap()
            .len();
        assert!(overlay > 10_000, "{good}: annotated.mp4 is {overlay} bytes");
    }
    for (bad, reason, code) in [
        ("corrupt.mp4", "not a readable video", "2"),
        ("notes.mov", "not a readable video", "2"),
        ("empty.mp4", "empty (0 bytes)", "2"),
        ("nobody.mp4", "no person", "4"),
    ] {
        assert_eq!(videos[bad]["status"], "failed", "{bad}");
        let row = &rows[bad];
        assert_eq!(row["status"], "error", "{bad}: {row:?}");
        assert!(row["error"].contains(reason), "{bad}: {row:?}");
        assert_eq!(row["exit_code"], code, "{bad}: {row:?}");
        assert!(row["score"].is_empty());
        let folder = out.path().join(&row["folder"]);
        assert!(!folder.join("report.html").exists(), "{bad}");
        assert!(index.contains(&format!("href=\"{}/error.json\"", row["folder"])));
    }
    assert_eq!(report["failed"], 4);
    for row in rows.values() {
        assert!(
            index.contains(&format!("href=\"{}/", row["folder"])),
            "index links {}",
            row["folder"]
        );
    }
    assert!(part_files(out.path()).is_empty());

    // A re-run does no pose inference at all and leaves the summary as it was.
    let summary_before = std::fs::read(out.path().join("summary.csv")).unwrap();
    let (code, report, videos) = batch(&[in_dir, "-o", out_dir, "--jobs", "2", "--overlay"]);
    assert_eq!(
        code,
        Some(SOME_VIDEOS_FAILED),
        "the failed videos still count"
    );
    assert!(
        videos.values().all(|v| v["status"] == "skipped"),
        "{videos:?}"
    );
    assert_eq!(report["frames"], 0);
    assert_eq!(
        videos
            .values()
            .map(|v| v["model_runs"].as_u64().unwrap())
            .sum::<u64>(),
        0
    );
    assert_eq!(
        std::fs::read(out.path().join("summary.csv")).unwrap(),
        summary_before
    );

    // A finished folder holds every file: one that lost its report page is scored again,
    // and only that one.
    let hinge_folder = out.path().join(&rows["hinge_good_side.mp4"]["folder"]);
    std::fs::remove_file(hinge_folder.join("report.html")).unwrap();
    let (_, _, videos) = batch(&[in_dir, "-o", out_dir, "--jobs", "2", "--overlay"]);
    for (name, v) in &videos {
        let expected = if name == "hinge_good_side.mp4" {
            "scored"
        } else {
            "skipped"
        };
        assert_eq!(v["status"], expected, "{name}: {v}");
    }
    assert!(hinge_folder.join("report.html").is_file());
    assert!(part_files(out.path()).is_empty());
}

#[test]
fn shards_cover_every_video_once_and_merge_equals_the_whole() {
    let input = tempfile::tempdir().unwrap();
    std::fs::copy(
        sample("rotation_good_side_on.mp4"),
        input.path().join("rotation_good_side_on.mp4"),
    )
    .unwrap();
    add_bad_inputs(input.path());
    let manifest = input.path().join("sessions.csv");
    std::fs::write(
        &manifest,
        "path,movement,height_m,client_id,date,notes\nrotation_good_side_on.mp4,rotation,1.72,C-007,2026-10-03,\"first visit, seated\"\ncorrupt.mp4,,,C-002,2026-10-01,\n",
    )
    .unwrap();
    let in_dir = input.path().to_str().unwrap();
    let manifest = manifest.to_str().unwrap();
    let whole = tempfile::tempdir().unwrap();
    let (_, _, all) = batch(&[manifest, in_dir, "-o", whole.path().to_str().unwrap()]);
    assert_eq!(
        all.len(),
        5,
        "manifest and folder name the same files once: {:?}",
        all.keys()
    );

    let sharded = tempfile::tempdir().unwrap();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for index in 0..3 {
        let shard = format!("{index}/3");
        // Listing the inputs in another order must not change the split.
        let (_, _, videos) = batch(&[
            in_dir,
            manifest,
            "-o",
            sharded.path().to_str().unwrap(),
            "--shard",
            &shard,
        ]);
        for v in videos.values() {
            *seen
                .entry(v["name"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        assert!(
            !sharded.path().join("summary.csv").exists(),
            "shards leave the summary to --merge"
        );
    }
    let expected: BTreeMap<String, usize> = all
        .values()
        .map(|v| (v["name"].as_str().unwrap().to_string(), 1))
        .collect();
    assert_eq!(seen, expected);

    let merged = ugoki(&[
        "batch",
        "--merge",
        sharded.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    for file in ["summary.csv", "index.html"] {
        assert_eq!(
            std::fs::read_to_string(sharded.path().join(file)).unwrap(),
            std::fs::read_to_string(whole.path().join(file)).unwrap(),
            "{file}"
        );
    }
    // The summary page in Japanese, over the same table.
    let csv = std::fs::read_to_string(sharded.path().join("summary.csv")).unwrap();
    let merged = ugoki(&[
        "batch",
        "--merge",
        sharded.path().to_str().unwrap(),
        "--lang",
        "ja",
        "--quiet",
    ]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    let index = std::fs::read_to_string(sharded.path().join("index.html")).unwrap();
    assert!(
        index.contains("<html lang=\"ja\">") && index.contains(ugoki::cli::analyze::RED_FLAG_JA),
        "the Japanese page carries the notice in Japanese"
    );
    assert_eq!(
        std::fs::read_to_string(sharded.path().join("summary.csv")).unwrap(),
        csv
    );
    let rows = summary_rows(whole.path());
    let rotation = &rows["rotation_good_side_on.mp4"];
    assert_eq!(
        (rotation["client_id"].as_str(), rotation["date"].as_str()),
        ("C-007", "2026-10-03")
    );
    assert_eq!(rotation["movement"], "rotation");
    assert_eq!(rows["corrupt.mp4"]["client_id"], "C-002");
}
