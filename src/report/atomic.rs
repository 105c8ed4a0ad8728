//! Files appear whole or not at all: written to a temporary sibling, then renamed.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary names already handed out by this process.
static PARTIALS: AtomicU64 = AtomicU64::new(0);

/// The temporary name a file is written under before it is renamed into place: its own for
/// each writer, so two runs writing the same file (two `analyze`s in one folder) each rename a
/// whole file into place, the later one winning. With one shared name, the later rename found
/// nothing to rename and the run failed.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(
        ".{}-{}.part",
        std::process::id(),
        PARTIALS.fetch_add(1, Ordering::Relaxed)
    ));
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename).
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = partial_path(path);
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(format!("cannot write {}", path.display()), e)
    })
}

/// Renames an already written temporary file into place.
pub fn commit(tmp: &Path, path: &Path) -> Result<()> {
    std::fs::rename(tmp, path).map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_racing_on_one_file_all_succeed_and_leave_one_whole_file() {
        let dir = std::env::temp_dir().join(format!("ugoki-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("analysis.json");
        let contents: Vec<Vec<u8>> = (0..4u8).map(|w| vec![b'a' + w; 64 * 1024]).collect();
        std::thread::scope(|scope| {
            for bytes in &contents {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..25 {
                        write(path, bytes).expect("each write succeeds");
                    }
                });
            }
        });
        let written = std::fs::read(&path).unwrap();
        assert!(
            contents.contains(&written),
            "the file is one writer's whole text"
        );
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != "analysis.json")
            .collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
