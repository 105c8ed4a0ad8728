//! `ugoki models list` and `ugoki models verify` on real model files (../shared/models) and the
//! real ONNX Runtime, and the one-line errors for a missing or wrong runtime or model.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shared_models() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/models");
    assert!(
        dir.is_dir(),
        "{} is required for these tests (the real model files)",
        dir.display()
    );
    dir
}

/// Runs the binary with its models in `models_dir` and ONNX Runtime from `ort_dylib_path`
/// (`None`: the project's own `.runtime/`, found by the binary itself).
fn ugoki(models_dir: &Path, ort_dylib_path: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ugoki"));
    command.args(args).env("UGOKI_MODELS_DIR", models_dir);
    match ort_dylib_path {
        Some(path) => command.env("ORT_DYLIB_PATH", path),
        None => command.env_remove("ORT_DYLIB_PATH"),
    };
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A models folder with movenet_lightning intact, blazepose_detector truncated, the rest absent.
fn mixed_models_dir() -> (tempfile::TempDir, Vec<u8>) {
    let shared = shared_models();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        shared.join("movenet_lightning.onnx"),
        dir.path().join("movenet_lightning.onnx"),
    )
    .unwrap();
    let detector = std::fs::read(shared.join("blazepose_detector.onnx")).unwrap();
    let truncated = detector[..detector.len() - 4096].to_vec();
    std::fs::write(dir.path().join("blazepose_detector.onnx"), &truncated).unwrap();
    (dir, truncated)
}

#[test]
fn list_reports_present_missing_and_bad_checksum() {
    let (dir, truncated) = mixed_models_dir();
    let out = ugoki(dir.path(), None, &["models", "list", "--json"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["models_dir"], dir.path().display().to_string());
    let models = json["models"].as_array().unwrap();
    let status_of = |name: &str| {
        let m = models.iter().find(|m| m["name"] == name).unwrap();
        (
            m["status"].as_str().unwrap().to_string(),
            m["sha256_found"].as_str().map(String::from),
        )
    };
    assert_eq!(status_of("movenet_lightning"), ("present".into(), None));
    let truncated_sha = format!("{:x}", Sha256::digest(&truncated));
    assert_eq!(
        status_of("blazepose_detector"),
        ("bad_checksum".into(), Some(truncated_sha))
    );
    assert_eq!(
        status_of("blazepose_landmark_lite"),
        ("missing".into(), None)
    );
    assert_eq!(status_of("selfie_segmentation"), ("missing".into(), None));

    let table = text(&ugoki(dir.path(), None, &["models", "list"]).stdout);
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap()
            .to_string()
    };
    assert!(
        row("movenet_lightning").contains(" present ")
            && row("movenet_lightning").contains("9.4 MB"),
        "{table}"
    );
    assert!(
        row("blazepose_detector").contains(" bad checksum "),
        "{table}"
    );
    assert!(
        row("selfie_segmentation").contains(" missing ")
            && row("selfie_segmentation").ends_with("Apache-2.0"),
        "{table}"
    );
}

#[test]
fn verify_loads_every_real_model_with_the_real_runtime() {
    let out = ugoki(&shared_models(), None, &["models", "verify"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for name in [
        "movenet_lightning",
        "blazepose_detector",
        "blazepose_landmark_lite",
        "selfie_segmentation",
    ] {
        assert!(stdout.contains(&format!("{name}: ok: ")), "{stdout}");
    }
    assert!(
        stdout.contains("tensors (1 in, 5 out) match the manifest"),
        "{stdout}"
    );
}

fn assert_one_line_setup_error(out: &Output, must_contain: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in must_contain {
        assert!(stderr.contains(needle), "{needle:?} not in: {stderr}");
    }
}

#[test]
fn verify_with_ort_dylib_path_to_nothing_is_one_line_saying_what_to_do() {
    let temp = tempfile::tempdir().unwrap();
    let nowhere = temp.path().join("libonnxruntime.so.1.31.1");
    let out = ugoki(&shared_models(), Some(&nowhere), &["models", "verify"]);
    assert_one_line_setup_error(
        &out,
        &["ORT_DYLIB_PATH", "scripts/setup.sh", "does not exist"],
    );
}

#[test]
fn verify_with_ort_dylib_path_to_a_text_file_is_one_line() {
    let temp = tempfile::tempdir().unwrap();
    let not_a_library = temp.path().join("libonnxruntime.so.1.31.1");
    std::fs::write(&not_a_library, "this is not a shared library\n").unwrap();
    let out = ugoki(
        &shared_models(),
        Some(&not_a_library),
        &["models", "verify"],
    );
    let shown = not_a_library.display().to_string();
    assert_one_line_setup_error(
        &out,
        &["ONNX Runtime: cannot load", &shown, "scripts/setup.sh"],
    );
}

#[test]
fn verify_names_a_missing_model_and_how_to_get_it() {
    let (dir, _) = mixed_models_dir();
    let out = ugoki(
        dir.path(),
        None,
        &["models", "verify", "selfie_segmentation"],
    );
    let path = dir
        .path()
        .join("selfie_segmentation.onnx")
        .display()
        .to_string();
    assert_one_line_setup_error(
        &out,
        &[
            &format!("model selfie_segmentation: {path} is missing"),
            "run scripts/setup.sh, or ugoki models fetch selfie_segmentation --from URL",
        ],
    );
}

#[test]
fn verify_names_a_checksum_mismatch_with_both_hashes() {
    let (dir, truncated) = mixed_models_dir();
    let out = ugoki(
        dir.path(),
        None,
        &["models", "verify", "blazepose_detector"],
    );
    let got = format!("{:x}", Sha256::digest(&truncated));
    let want = "1b6d6d12cfb5ffd8bbed98dce5f2b021fccf359419f37ae663c7b2c1598b7077";
    assert_one_line_setup_error(
        &out,
        &[
            &format!("has SHA-256 {got}, expected {want}: re-fetch it"),
            "ugoki models fetch blazepose_detector",
        ],
    );
}

#[test]
fn verify_reports_every_bad_model_and_passes_the_good_one() {
    let (dir, _) = mixed_models_dir();
    let out = ugoki(dir.path(), None, &["models", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stdout).contains("movenet_lightning: ok: "),
        "{}",
        text(&out.stdout)
    );
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    for name in [
        "blazepose_detector",
        "blazepose_landmark_lite",
        "selfie_segmentation",
    ] {
        assert!(
            stderr.contains(&format!("ugoki: error: model {name}: ")),
            "{stderr}"
        );
    }
}

#[test]
fn an_unknown_model_name_is_a_usage_error() {
    let out = ugoki(&shared_models(), None, &["models", "verify", "posenet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown model 'posenet'; the manifest has: movenet_lightning")
    );
}
