//! Writing [`Kinematics`] to a folder: `kinematics.json` (everything, with `schema_version`),
//! `angles.csv`, `angles.mot` and `keypoints.trc`. Every file is written atomically.

pub mod csv;
pub mod opensim;

use crate::error::{Error, Result};
use crate::kinematics::Kinematics;
use crate::report::atomic;
use std::path::{Path, PathBuf};

/// File names inside the output folder.
pub const JSON_FILE: &str = "kinematics.json";
pub const CSV_FILE: &str = "angles.csv";
pub const MOT_FILE: &str = "angles.mot";
pub const TRC_FILE: &str = "keypoints.trc";

/// What [`write_all`] wrote, and what it could not write and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub files: Vec<PathBuf>,
    /// (file name, reason)
    pub skipped: Vec<(String, String)>,
}

fn put(dir: &Path, name: &str, bytes: &[u8], written: &mut Written) -> Result<()> {
    let path = dir.join(name);
    atomic::write(&path, bytes)?;
    written.files.push(path);
    Ok(())
}

/// Writes every output file into `dir` (created if needed).
pub fn write_all(kinematics: &Kinematics, dir: &Path) -> Result<Written> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let mut written = Written {
        files: Vec::new(),
        skipped: Vec::new(),
    };
    let json = serde_json::to_vec_pretty(kinematics)
        .map_err(|e| Error::Internal(format!("kinematics JSON: {e}")))?;
    put(dir, JSON_FILE, &json, &mut written)?;
    put(
        dir,
        CSV_FILE,
        csv::angles_csv(kinematics).as_bytes(),
        &mut written,
    )?;
    let mot = opensim::angles_mot(kinematics, MOT_FILE);
    let trc = opensim::keypoints_trc(kinematics, TRC_FILE);
    for (name, text) in [(MOT_FILE, mot), (TRC_FILE, trc)] {
        match text {
            Ok(text) => put(dir, name, text.as_bytes(), &mut written)?,
            Err(reason) => {
                // A file left from an earlier run would no longer match the JSON beside it.
                let stale = dir.join(name);
                if stale.exists() {
                    std::fs::remove_file(&stale)
                        .map_err(|e| Error::io(format!("removing {}", stale.display()), e))?;
                }
                written.skipped.push((name.to_string(), reason));
            }
        }
    }
    Ok(written)
}
