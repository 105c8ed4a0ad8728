//! The pose models: the manifest compiled into the binary, where the ONNX files live, and
//! whether each file is the one the manifest names.
//!
//! Every model loader gets its file through [`resolve`], so a missing file or a wrong one is a
//! one-line [`Error::Model`] before ONNX Runtime ever sees it. The files themselves are
//! third-party weights, linked or fetched into `models/` and never committed (models/README.md).

pub mod cli;
mod fetch;
mod verify;

use crate::error::{Error, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

/// Environment variable naming the folder that holds the ONNX files (overrides discovery).
pub const MODELS_DIR_ENV: &str = "UGOKI_MODELS_DIR";

const MANIFEST_TOML: &str = include_str!("../../models/manifest.toml");

/// `models/manifest.toml`: every model ugoki can run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Version of the manifest's own layout.
    pub schema_version: u32,
    /// The models, in the order `ugoki models list` shows them.
    #[serde(rename = "model")]
    pub models: Vec<ModelSpec>,
}

/// One model: the exact ONNX file, what it computes, and how it was made.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Name used on the command line and in outputs (`movenet_lightning`).
    pub name: String,
    /// File name inside the models folder (and on a mirror).
    pub file: String,
    /// Size of the ONNX file in bytes.
    pub bytes: u64,
    /// SHA-256 of the ONNX file, lower-case hex.
    pub sha256: String,
    /// Model family, matching a folder under `src/pose/` (`movenet`, `blazepose`, `segmentation`).
    pub family: String,
    /// One line saying what the model is.
    pub summary: String,
    /// SPDX licence of the weights.
    pub licence: String,
    /// Graph inputs, as ONNX Runtime reports them.
    pub inputs: Vec<TensorSpec>,
    /// Graph outputs, as ONNX Runtime reports them.
    pub outputs: Vec<TensorSpec>,
    /// The keypoints the model returns, if it returns any.
    #[serde(default)]
    pub keypoints: Option<KeypointLayout>,
    /// The TFLite file this ONNX file was converted from.
    pub upstream: Upstream,
    /// How it was converted.
    pub conversion: Conversion,
}

/// One input or output tensor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TensorSpec {
    /// Tensor name in the ONNX graph.
    pub name: String,
    /// Fixed shape (NHWC for images).
    pub shape: Vec<i64>,
    /// ONNX element type name (`float32`, `uint8`).
    pub dtype: String,
    /// Inclusive value range, where the tensor has one (raw logits and regressors have none).
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// How to fill it or read it.
    pub description: String,
}

/// Names and order of the keypoints in one output tensor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeypointLayout {
    /// Layout name (`coco17`, `blazepose33`, `blazepose_detector4`).
    pub layout: String,
    /// The output tensor holding the keypoints.
    pub tensor: String,
    /// The values of one keypoint row, in order (`y`, `x`, `score`).
    pub row: Vec<String>,
    /// Keypoint names in row order.
    pub names: Vec<String>,
    /// Anything else needed to read the rows.
    #[serde(default)]
    pub note: Option<String>,
}

/// The pinned upstream TFLite file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// Where the model comes from originally.
    pub origin: String,
    /// GitHub `owner/name` of the repository the file was taken from.
    pub repository: String,
    /// Release tag, where the commit has one.
    #[serde(default)]
    pub tag: Option<String>,
    /// Pinned commit.
    pub commit: String,
    /// Path of the TFLite file in the repository.
    pub path: String,
    /// Raw download URL of the file at the pinned commit.
    pub url: String,
    /// Size of the TFLite file in bytes.
    pub bytes: u64,
    /// SHA-256 of the TFLite file.
    pub sha256: String,
    /// Licence of the upstream file, with where it is stated.
    pub licence: String,
}

/// The TFLite → ONNX conversion recipe.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conversion {
    /// tf2onnx version.
    pub tf2onnx: String,
    /// TensorFlow version (for its TFLite interpreter).
    pub tensorflow: String,
    /// onnx package version.
    pub onnx: String,
    /// ONNX opset of the result.
    pub opset: u32,
    /// The converter command line.
    pub command: String,
    /// Changes made by hand, beyond the command.
    pub patches: Vec<String>,
    /// Why the recipe is what it is, and how the result compared with TFLite.
    pub notes: String,
}

/// Whether a model's file is there and is the right one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelStatus {
    /// The file exists and its SHA-256 matches the manifest.
    Present,
    /// There is no file (or only a dangling link).
    Missing,
    /// The file exists but is another file: `got` is its SHA-256.
    BadChecksum {
        /// SHA-256 of the file found, lower-case hex.
        got: String,
    },
}

/// The embedded manifest.
pub fn manifest() -> &'static Manifest {
    static MANIFEST: OnceLock<Manifest> = OnceLock::new();
    // The manifest is compiled in, not user input; the unit tests parse this exact text.
    MANIFEST.get_or_init(|| {
        toml::from_str(MANIFEST_TOML).expect("models/manifest.toml is valid (unit-tested)")
    })
}

/// The manifest entry called `name`; an unknown name is a usage error listing the known ones.
pub fn spec(name: &str) -> Result<&'static ModelSpec> {
    let models = &manifest().models;
    models.iter().find(|m| m.name == name).ok_or_else(|| {
        let known: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
        Error::Usage(format!(
            "unknown model '{name}'; the manifest has: {}",
            known.join(", ")
        ))
    })
}

/// The folder holding the ONNX files: `UGOKI_MODELS_DIR` when set, otherwise the first
/// `models/` folder among the places ONNX Runtime is looked for (next to and above the
/// executable, the source tree, the current directory), otherwise `models` in the current
/// directory (where `ugoki models fetch` will create it).
pub fn models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODELS_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    crate::runtime::candidate_dirs()
        .into_iter()
        .map(|dir| dir.join("models"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| PathBuf::from("models"))
}

/// The status of model `name` in [`models_dir`].
pub fn status(name: &str) -> Result<ModelStatus> {
    spec(name)?.status_in(&models_dir())
}

/// The path of model `name`'s file, checked against the manifest's SHA-256. Every model loader
/// calls this; the error says what to run when the file is missing or wrong.
pub fn resolve(name: &str) -> Result<PathBuf> {
    let spec = spec(name)?;
    let path = spec.path_in(&models_dir());
    match spec.status_at(&path)? {
        ModelStatus::Present => Ok(path),
        ModelStatus::Missing => Err(spec.error(format!(
            "{} is missing; run scripts/setup.sh, or ugoki models fetch {name} --from URL",
            path.display()
        ))),
        ModelStatus::BadChecksum { got } => Err(spec.error(format!(
            "{} has SHA-256 {got}, expected {}: re-fetch it with ugoki models fetch {name} --from URL",
            path.display(),
            spec.sha256
        ))),
    }
}

impl ModelSpec {
    /// Where this model's file is, or would be, in `dir`.
    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(&self.file)
    }

    /// This model's status in `dir`.
    pub fn status_in(&self, dir: &Path) -> Result<ModelStatus> {
        self.status_at(&self.path_in(dir))
    }

    fn status_at(&self, path: &Path) -> Result<ModelStatus> {
        match file_sha256(path) {
            Ok(got) if got == self.sha256 => Ok(ModelStatus::Present),
            Ok(got) => Ok(ModelStatus::BadChecksum { got }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ModelStatus::Missing),
            Err(e) => Err(self.error(format!("cannot read {} ({e})", path.display()))),
        }
    }

    fn error(&self, reason: String) -> Error {
        Error::Model {
            name: self.name.clone(),
            reason,
        }
    }
}

/// Identifies one version of a file: a file replaced or rewritten gets a new key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileVersion {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

/// SHA-256 of the file at `path`, hashed at most once per process for each version of the file:
/// loaders resolve the same models again and again, and hashing 27 MB each time would show.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    static DIGESTS: OnceLock<Mutex<HashMap<FileVersion, String>>> = OnceLock::new();
    let metadata = std::fs::metadata(path)?;
    let version = FileVersion {
        path: path.to_path_buf(),
        len: metadata.len(),
        modified: metadata.modified().ok(),
    };
    // Held while hashing, so that threads resolving the same model at once hash it once.
    let mut digests = DIGESTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(digest) = digests.get(&version) {
        return Ok(digest.clone());
    }
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    let digest = format!("{:x}", hasher.finalize());
    digests.insert(version, digest.clone());
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skeleton::Joint;

    fn shared_models() -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/models");
        assert!(
            dir.is_dir(),
            "{} is required for this test (the real model files)",
            dir.display()
        );
        dir
    }

    #[test]
    fn manifest_lists_the_four_models_with_unique_names_and_files() {
        let names: Vec<&str> = manifest().models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "movenet_lightning",
                "blazepose_detector",
                "blazepose_landmark_lite",
                "selfie_segmentation"
            ]
        );
        for m in &manifest().models {
            assert_eq!(m.file, format!("{}.onnx", m.name));
            for hash in [&m.sha256, &m.upstream.sha256] {
                assert!(
                    hash.len() == 64 && hash.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
                    "{hash}"
                );
            }
        }
    }

    #[test]
    fn upstream_urls_are_raw_github_at_the_pinned_commit() {
        for m in &manifest().models {
            let u = &m.upstream;
            assert_eq!(
                u.url,
                format!(
                    "https://raw.githubusercontent.com/{}/{}/{}",
                    u.repository, u.commit, u.path
                )
            );
            assert_eq!(u.commit.len(), 40, "{}", m.name);
        }
    }

    #[test]
    fn keypoint_layouts_name_an_output_and_coco17_matches_the_skeleton() {
        for m in &manifest().models {
            if let Some(k) = &m.keypoints {
                assert!(
                    m.outputs.iter().any(|o| o.name == k.tensor),
                    "{}: {} is not an output",
                    m.name,
                    k.tensor
                );
            }
        }
        let movenet = spec("movenet_lightning")
            .unwrap()
            .keypoints
            .as_ref()
            .unwrap();
        let coco: Vec<&str> = Joint::ALL[..17].iter().map(|j| j.name()).collect();
        assert_eq!(movenet.layout, "coco17");
        assert_eq!(movenet.names, coco);
        let landmarks = spec("blazepose_landmark_lite")
            .unwrap()
            .keypoints
            .as_ref()
            .unwrap();
        assert_eq!(landmarks.names.len(), 33);
    }

    #[test]
    fn the_shared_model_files_are_the_ones_the_manifest_names() {
        let dir = shared_models();
        for m in &manifest().models {
            let len = std::fs::metadata(m.path_in(&dir)).unwrap().len();
            assert_eq!(len, m.bytes, "{}", m.name);
            assert_eq!(
                m.status_in(&dir).unwrap(),
                ModelStatus::Present,
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn status_tells_missing_truncated_and_replaced_files_apart() {
        let m = spec("selfie_segmentation").unwrap();
        let good = std::fs::read(m.path_in(&shared_models())).unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(m.status_in(dir.path()).unwrap(), ModelStatus::Missing);

        let truncated = &good[..good.len() / 2];
        std::fs::write(m.path_in(dir.path()), truncated).unwrap();
        let want = format!("{:x}", Sha256::digest(truncated));
        assert_eq!(
            m.status_in(dir.path()).unwrap(),
            ModelStatus::BadChecksum { got: want }
        );

        // The digest cache must notice that the file was replaced.
        std::fs::write(m.path_in(dir.path()), &good).unwrap();
        assert_eq!(m.status_in(dir.path()).unwrap(), ModelStatus::Present);
    }

    #[test]
    fn unknown_model_is_a_usage_error_listing_the_known_ones() {
        let e = spec("posenet").unwrap_err();
        assert_eq!(e.exit_code(), crate::error::exit_code::BAD_INPUT);
        assert!(
            e.to_string()
                .contains("movenet_lightning, blazepose_detector"),
            "{e}"
        );
    }
}
