//! Locating model files (replaced by the manifest-based resolver).

use crate::error::{Error, Result};
use std::path::PathBuf;

pub fn resolve(name: &str) -> Result<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(format!("{name}.onnx"));
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::Model {
            name: name.into(),
            reason: "missing; run scripts/setup.sh".into(),
        })
    }
}
