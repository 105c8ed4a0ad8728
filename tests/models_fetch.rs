//! `ugoki models fetch` against a real HTTP server on 127.0.0.1 that serves copies of the real
//! model files from ../shared/models (and, for the failure cases, a corrupted copy or nothing).

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const MODEL_FILES: [&str; 4] = [
    "movenet_lightning.onnx",
    "blazepose_detector.onnx",
    "blazepose_landmark_lite.onnx",
    "selfie_segmentation.onnx",
];

fn shared_models() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/models");
    assert!(
        dir.is_dir(),
        "{} is required for these tests (the real model files)",
        dir.display()
    );
    dir
}

fn original(file: &str) -> Vec<u8> {
    std::fs::read(shared_models().join(file)).unwrap()
}

/// A minimal HTTP/1.1 server: GET of a known path answers 200 with its bytes, anything else 404.
struct Mirror {
    base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Mirror {
    /// Serves `files` (file name → body) under `/mirror/` until the test process ends.
    fn serve(files: HashMap<&'static str, Vec<u8>>) -> Mirror {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/mirror", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // The headers end at the first empty line; none of them matter here.
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 0) && header.trim_end() != ""
                {
                    header.clear();
                }
                let mut parts = request_line.split_whitespace();
                let (method, path) = (
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or("").to_string(),
                );
                let body = path
                    .strip_prefix("/mirror/")
                    .and_then(|file| files.get(file))
                    .filter(|_| method == "GET");
                log.lock().unwrap().push(path);
                let _ = match body {
                    Some(body) => write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .and_then(|()| stream.write_all(body)),
                    None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n"),
                };
            }
        });
        Mirror { base_url, requests }
    }

    fn request_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

fn ugoki(models_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(args)
        .env("UGOKI_MODELS_DIR", models_dir)
        .env_remove("UGOKI_MODEL_URL")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn dir_entries(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn fetch_downloads_every_model_byte_identical_then_skips_them() {
    let mirror = Mirror::serve(MODEL_FILES.iter().map(|f| (*f, original(f))).collect());
    let temp = tempfile::tempdir().unwrap();
    // Not there yet: fetch creates it.
    let dir = temp.path().join("models");

    let out = ugoki(&dir, &["models", "fetch", "--from", &mirror.base_url]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for file in MODEL_FILES {
        let fetched = std::fs::read(dir.join(file)).unwrap();
        assert!(
            fetched == original(file),
            "{file} differs from the original"
        );
        assert!(
            stdout.contains(&format!("{}: fetched", file.trim_end_matches(".onnx"))),
            "{stdout}"
        );
    }
    let mut entries = dir_entries(&dir);
    entries.sort();
    let mut want: Vec<String> = MODEL_FILES.iter().map(|f| f.to_string()).collect();
    want.sort();
    assert_eq!(entries, want, "only the four models, no .part files");
    assert_eq!(mirror.request_count(), 4);

    let list = ugoki(&dir, &["models", "list", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let statuses: Vec<&str> = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["present"; 4]);

    // Everything is present: nothing is requested, and no mirror is needed at all.
    let again = ugoki(&dir, &["models", "fetch"]);
    assert!(again.status.success(), "stderr: {}", text(&again.stderr));
    assert_eq!(
        text(&again.stdout).matches("skipped").count(),
        4,
        "{}",
        text(&again.stdout)
    );
    assert_eq!(mirror.request_count(), 4);
}

#[test]
fn fetch_takes_the_mirror_from_ugoki_model_url_and_replaces_a_damaged_file() {
    let file = "selfie_segmentation.onnx";
    let good = original(file);
    let mirror = Mirror::serve(HashMap::from([(file, good.clone())]));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), &good[..good.len() / 3]).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["models", "fetch", "selfie_segmentation", "--quiet"])
        .env("UGOKI_MODELS_DIR", dir.path())
        .env("UGOKI_MODEL_URL", &mirror.base_url)
        .output()
        .unwrap();
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "--quiet prints nothing on success");
    assert!(std::fs::read(dir.path().join(file)).unwrap() == good);
    assert_eq!(dir_entries(dir.path()), [file]);
}

#[test]
fn a_corrupted_download_is_deleted_and_exits_3() {
    let file = "selfie_segmentation.onnx";
    let mut corrupted = original(file);
    // Same size, one bit different: only the checksum can tell.
    let middle = corrupted.len() / 2;
    corrupted[middle] ^= 0x01;
    let corrupted_sha = format!("{:x}", Sha256::digest(&corrupted));
    let mirror = Mirror::serve(HashMap::from([(file, corrupted)]));

    let dir = tempfile::tempdir().unwrap();
    let out = ugoki(
        dir.path(),
        &[
            "models",
            "fetch",
            "selfie_segmentation",
            "--from",
            &mirror.base_url,
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with("ugoki: error: model selfie_segmentation: the download from "),
        "{stderr}"
    );
    assert!(
        stderr.contains("is corrupt") && stderr.contains(&corrupted_sha),
        "{stderr}"
    );
    assert!(
        stderr.contains("c5943574c4c4036d90908a8138b14680ba1e58e7c0744739c154e06d370c4e61"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        dir_entries(dir.path()).is_empty(),
        "left behind: {:?}",
        dir_entries(dir.path())
    );

    // A damaged file already there stays exactly as it was: it is replaced only by a verified one.
    let damaged = b"not a model".to_vec();
    std::fs::write(dir.path().join(file), &damaged).unwrap();
    let out = ugoki(
        dir.path(),
        &[
            "models",
            "fetch",
            "selfie_segmentation",
            "--from",
            &mirror.base_url,
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(std::fs::read(dir.path().join(file)).unwrap(), damaged);
    assert_eq!(dir_entries(dir.path()), [file]);
}

#[test]
fn a_file_missing_from_the_mirror_is_a_clear_404_and_the_others_are_still_fetched() {
    let present = "selfie_segmentation.onnx";
    let mirror = Mirror::serve(HashMap::from([(present, original(present))]));
    let dir = tempfile::tempdir().unwrap();

    let out = ugoki(
        dir.path(),
        &[
            "models",
            "fetch",
            "--from",
            &format!("{}/", mirror.base_url),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    // One line for each of the three models the mirror lacks.
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    for line in stderr.lines() {
        assert!(
            line.contains("HTTP 404 Not Found") && line.contains("--from or UGOKI_MODEL_URL"),
            "{line}"
        );
    }
    assert!(
        stderr.contains(&format!(
            "cannot download {}/movenet_lightning.onnx",
            mirror.base_url
        )),
        "{stderr}"
    );
    assert_eq!(dir_entries(dir.path()), [present]);
}

#[test]
fn fetch_without_a_mirror_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = ugoki(dir.path(), &["models", "fetch", "movenet_lightning"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--from BASE_URL") && stderr.contains("UGOKI_MODEL_URL"),
        "{stderr}"
    );
    assert!(dir_entries(dir.path()).is_empty());
}

#[test]
fn a_download_longer_than_the_manifest_says_is_rejected() {
    let file = "selfie_segmentation.onnx";
    let mut padded = original(file);
    padded.extend_from_slice(&[0u8; 4096]);
    let mirror = Mirror::serve(HashMap::from([(file, padded)]));
    let dir = tempfile::tempdir().unwrap();

    let out = ugoki(
        dir.path(),
        &[
            "models",
            "fetch",
            "selfie_segmentation",
            "--from",
            &mirror.base_url,
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("is corrupt (more than 457830 bytes"),
        "{stderr}"
    );
    assert!(
        dir_entries(dir.path()).is_empty(),
        "left behind: {:?}",
        dir_entries(dir.path())
    );
}
