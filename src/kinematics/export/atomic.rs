//! Atomic file writes: the bytes go to a temporary file beside the target, which is then
//! renamed over it, so a reader never sees a half-written file.

use crate::error::{Error, Result};
use std::path::Path;

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{} is not a file path", path.display())))?
        .to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let outcome = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = outcome {
        let _ = std::fs::remove_file(&temporary);
        return Err(Error::io(format!("writing {}", path.display()), e));
    }
    Ok(())
}
