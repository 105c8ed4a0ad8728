//! Finding and loading ONNX Runtime, and creating inference sessions.
//!
//! The library is loaded at run time (`ort`'s `load-dynamic`), from, in order:
//! 1. `ORT_DYLIB_PATH`;
//! 2. the project's own `.runtime/` folder (filled by `scripts/setup.sh`), looked up next to the
//!    executable, above it, and in the source tree the binary was built from.

use crate::error::{Error, Result};
use ort::session::Session;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The ONNX Runtime release the project is built and tested against.
pub const ORT_VERSION: &str = "1.31.1";
pub const ORT_LIBRARY: &str = "libonnxruntime.so.1.31.1";

const HOW_TO_GET_IT: &str =
    "run scripts/setup.sh (it unpacks it into .runtime/), or set ORT_DYLIB_PATH to libonnxruntime.so.1.31.1";

static ENVIRONMENT: OnceLock<std::result::Result<ort::environment::Environment, String>> =
    OnceLock::new();

/// Where the runtime library will be loaded from, or why none was found.
pub fn locate_library() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(Error::Runtime(format!(
                "ORT_DYLIB_PATH points to {}, which does not exist; {HOW_TO_GET_IT}",
                path.display()
            )));
        }
        return Ok(path);
    }
    candidate_dirs()
        .into_iter()
        .map(|dir| dir.join(".runtime").join(ORT_LIBRARY))
        .find(|p| p.is_file())
        .ok_or_else(|| Error::Runtime(format!("{ORT_LIBRARY} not found; {HOW_TO_GET_IT}")))
}

/// Folders searched for the project's `.runtime/` (and `models/`): near the executable, the
/// source tree it was built from, the current directory.
pub(crate) fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        dirs.extend(exe.ancestors().skip(1).take(4).map(Path::to_path_buf));
    }
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd);
    }
    dirs
}

/// The process-wide ONNX Runtime environment, loaded on first use.
pub fn environment() -> Result<&'static ort::environment::Environment> {
    let env = ENVIRONMENT.get_or_init(|| {
        let path = locate_library().map_err(|e| e.to_string())?;
        let builder = ort::init_from(&path).map_err(|e| {
            format!(
                "ONNX Runtime: cannot load {} ({e}); {HOW_TO_GET_IT}",
                path.display()
            )
        })?;
        builder
            .with_name("ugoki")
            .build()
            .map_err(|e| format!("ONNX Runtime: cannot start ({e}); {HOW_TO_GET_IT}"))
    });
    match env {
        Ok(env) => Ok(env),
        Err(message) => Err(Error::Runtime(
            message.trim_start_matches("ONNX Runtime: ").to_string(),
        )),
    }
}

/// Number of logical cores, the default for intra-op threads.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Opens a model file as an inference session with `threads` intra-op threads.
pub fn open_session(model_path: &Path, threads: usize) -> Result<Session> {
    let env = environment()?;
    let name = model_path.file_name().map_or_else(
        || model_path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let model_error = |reason: String| Error::Model {
        name: name.clone(),
        reason,
    };
    let builder = Session::builder(env).map_err(|e| Error::Runtime(e.to_string()))?;
    let builder = builder
        .with_intra_threads(threads.max(1))
        .map_err(|e| Error::Runtime(e.to_string()))?;
    let builder = builder
        .with_inter_threads(1)
        .map_err(|e| Error::Runtime(e.to_string()))?;
    // Within a run, intra-op threads spin between the model's many small parallel sections
    // (MoveNet with two threads: 3.7 ms a frame, against 5.3 ms when they sleep); between runs
    // they stop, so that they do not take the core the decode thread needs.
    let builder = builder
        .with_config_entry("session.intra_op.allow_spinning", "1")
        .map_err(|e| Error::Runtime(e.to_string()))?;
    let mut builder = builder
        .with_config_entry("session.force_spinning_stop", "1")
        .map_err(|e| Error::Runtime(e.to_string()))?;
    builder
        .commit_from_file(model_path)
        .map_err(|e| model_error(format!("cannot load {} ({e})", model_path.display())))
}

/// Checks that a session has the named input and output tensors, so that a wrong model file is
/// reported at load time rather than as a failed run.
pub fn check_tensors(
    session: &Session,
    model: &str,
    inputs: &[&str],
    outputs: &[&str],
) -> Result<()> {
    let missing: Vec<&str> = inputs
        .iter()
        .filter(|want| !session.inputs().iter().any(|i| i.name() == **want))
        .chain(
            outputs
                .iter()
                .filter(|want| !session.outputs().iter().any(|o| o.name() == **want)),
        )
        .copied()
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Model {
        name: model.into(),
        reason: format!("not the expected model: no tensor {}", missing.join(", ")),
    })
}
