//! What to score: files, folders (searched recursively for video extensions) and manifest CSVs
//! (`path,movement,height_m,client_id,date,notes`, all but `path` optional), each video with a
//! stable output folder name.

use crate::cli::analyze::MovementChoice;
use crate::error::{Error, Result};
use crate::source::VIDEO_EXTENSIONS;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// How much of each end of a file is hashed: enough to tell sessions apart, fast on big files.
const HASHED_BYTES_PER_END: u64 = 1 << 20;
/// Longest file-stem part of an output folder name.
const MAX_STEM_CHARS: usize = 48;

/// One video to score and what the clinic said about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub source: PathBuf,
    /// `auto`, `hinge`, `sts`, `gait` or `rotation`.
    pub movement: String,
    pub height_m: Option<f64>,
    pub client_id: Option<String>,
    pub date: Option<String>,
    pub notes: Option<String>,
}

impl Entry {
    fn bare(source: PathBuf) -> Entry {
        Entry {
            source,
            movement: "auto".into(),
            height_m: None,
            client_id: None,
            date: None,
            notes: None,
        }
    }

    /// The movement to analyse (validated when the entry was read).
    pub fn movement_choice(&self) -> MovementChoice {
        MovementChoice::from_str(&self.movement, true).unwrap_or(MovementChoice::Auto)
    }
}

/// An entry and the name of its output folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub entry: Entry,
    pub name: String,
}

/// Reads the batch's inputs in the order given (folders sorted), one per distinct output name.
/// A video named both by a manifest and by a folder or path keeps the manifest's details,
/// whichever came first, so the result does not depend on the order of the arguments.
/// A path that does not exist is a usage error; a video that cannot be read is not (it
/// becomes an error row when it is run).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<Input>> {
    // (entry, from a manifest)
    let mut entries: Vec<(Entry, bool)> = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            scan_folder(path, &mut found)?;
            found.sort();
            entries.extend(found.into_iter().map(|p| (Entry::bare(p), false)));
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            entries.extend(read_manifest(path)?.into_iter().map(|e| (e, true)));
        } else if path.exists() {
            entries.push((Entry::bare(path.clone()), false));
        } else {
            return Err(Error::Usage(format!(
                "{}: no such file or folder; give videos, folders or a manifest CSV",
                path.display()
            )));
        }
    }
    let mut inputs: Vec<(Input, bool)> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for (entry, from_manifest) in entries {
        let name = output_name(&entry.source);
        match position.get(&name) {
            Some(&at) if from_manifest && !inputs[at].1 => {
                inputs[at] = (Input { entry, name }, true)
            }
            Some(_) => {}
            None => {
                position.insert(name.clone(), inputs.len());
                inputs.push((Input { entry, name }, from_manifest));
            }
        }
    }
    Ok(inputs.into_iter().map(|(input, _)| input).collect())
}

fn is_video(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| VIDEO_EXTENSIONS.iter().any(|v| v.eq_ignore_ascii_case(e)))
}

fn scan_folder(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let read = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?;
    for item in read {
        let path = item
            .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?
            .path();
        if path.is_dir() {
            scan_folder(&path, found)?;
        } else if is_video(&path) {
            found.push(path);
        }
    }
    Ok(())
}

/// Splits one CSV line into fields (RFC 4180 quoting, no line breaks inside fields).
fn split_csv_line(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (_, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(field);
    Ok(fields.into_iter().map(|f| f.trim().to_string()).collect())
}

const MANIFEST_COLUMNS: [&str; 6] = ["path", "movement", "height_m", "client_id", "date", "notes"];

/// Reads a manifest CSV; relative paths are relative to the manifest's folder.
pub fn read_manifest(path: &Path) -> Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::bad_input(path, format!("cannot read the manifest ({e})")))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let at = |line: usize, reason: String| Error::bad_input(path, format!("line {line}: {reason}"));
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start_matches('\u{feff}')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let (header_line, header) = lines.next().ok_or_else(|| {
        at(
            1,
            "empty manifest; the first line names the columns (path,...)".into(),
        )
    })?;
    let header = split_csv_line(header).map_err(|e| at(header_line, e))?;
    let mut columns = Vec::new();
    for name in &header {
        let lower = name.to_ascii_lowercase();
        if !MANIFEST_COLUMNS.contains(&lower.as_str()) {
            return Err(at(
                header_line,
                format!(
                    "unknown column '{name}' (columns: {})",
                    MANIFEST_COLUMNS.join(", ")
                ),
            ));
        }
        columns.push(lower);
    }
    if !columns.iter().any(|c| c == "path") {
        return Err(at(header_line, "no 'path' column".into()));
    }
    let mut entries = Vec::new();
    for (number, line) in lines {
        let fields = split_csv_line(line).map_err(|e| at(number, e))?;
        if fields.len() > columns.len() {
            return Err(at(
                number,
                format!(
                    "{} fields but {} columns; quote fields holding commas",
                    fields.len(),
                    columns.len()
                ),
            ));
        }
        let mut entry = Entry::bare(PathBuf::new());
        for (column, value) in columns.iter().zip(fields) {
            if value.is_empty() {
                continue;
            }
            match column.as_str() {
                "path" => entry.source = base.join(value),
                "movement" => {
                    MovementChoice::from_str(&value, true).map_err(|_| {
                        at(
                            number,
                            format!(
                                "movement '{value}' is not one of auto, hinge, sts, gait, rotation"
                            ),
                        )
                    })?;
                    entry.movement = value.to_ascii_lowercase();
                }
                "height_m" => {
                    let height = value
                        .parse::<f64>()
                        .ok()
                        .filter(|h| (0.5..=2.5).contains(h))
                        .ok_or_else(|| {
                            at(
                                number,
                                format!(
                                    "height_m '{value}' is not a height in metres (0.5 to 2.5)"
                                ),
                            )
                        })?;
                    entry.height_m = Some(height);
                }
                "client_id" => entry.client_id = Some(value),
                "date" => entry.date = Some(value),
                _ => entry.notes = Some(value),
            }
        }
        if entry.source.as_os_str().is_empty() {
            return Err(at(number, "the path is empty".into()));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The output folder name of a video: its sanitised file stem and a 12-hex-digit hash of its
/// absolute path, size and first and last MiB, so the same file always lands in the same
/// folder and a changed file in a new one. An unreadable file is named from its path alone.
pub fn output_name(path: &Path) -> String {
    let stem: String = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(MAX_STEM_CHARS)
        .collect();
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut hasher = Sha256::new();
    hasher.update(absolute.to_string_lossy().as_bytes());
    // Unreadable content leaves the hash to the path; running the video reports why.
    let _ = hash_content(path, &mut hasher);
    let digest = hasher.finalize();
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let stem = if stem.is_empty() {
        "video".to_string()
    } else {
        stem
    };
    format!("{stem}-{hex}")
}

fn hash_content(path: &Path, hasher: &mut Sha256) -> std::io::Result<()> {
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    hasher.update(size.to_le_bytes());
    let mut buffer = Vec::new();
    (&mut file)
        .take(HASHED_BYTES_PER_END)
        .read_to_end(&mut buffer)?;
    hasher.update(&buffer);
    if size > HASHED_BYTES_PER_END {
        buffer.clear();
        file.seek(SeekFrom::Start(
            size.saturating_sub(HASHED_BYTES_PER_END)
                .max(HASHED_BYTES_PER_END),
        ))?;
        file.take(HASHED_BYTES_PER_END).read_to_end(&mut buffer)?;
        hasher.update(&buffer);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_keep_quoted_commas() {
        assert_eq!(
            split_csv_line(r#"a.mp4,hinge,1.7,c1,2026-01-02,"said ""ok"", then left""#).unwrap(),
            vec![
                "a.mp4",
                "hinge",
                "1.7",
                "c1",
                "2026-01-02",
                r#"said "ok", then left"#
            ]
        );
        assert!(split_csv_line(r#"a.mp4,"open"#).is_err());
    }

    #[test]
    fn manifest_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("m.csv");
        std::fs::write(
            &manifest,
            "path,movement,height_m\nx.mp4,hinge,1.7\n\ny.mp4,jump,\n",
        )
        .unwrap();
        let e = read_manifest(&manifest).unwrap_err().to_string();
        assert!(e.contains("line 4: movement 'jump'"), "{e}");
        std::fs::write(&manifest, "path,height_m\nx.mp4,170\n").unwrap();
        let e = read_manifest(&manifest).unwrap_err().to_string();
        assert!(e.contains("line 2: height_m '170'"), "{e}");
        std::fs::write(&manifest, "path,client_id,date\nsub/x.mp4,c7,2026-03-01\n").unwrap();
        let entries = read_manifest(&manifest).unwrap();
        assert_eq!(entries[0].source, dir.path().join("sub/x.mp4"));
        assert_eq!(entries[0].client_id.as_deref(), Some("c7"));
        assert_eq!(entries[0].movement, "auto");
    }

    #[test]
    fn output_names_follow_content_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("session one.mp4");
        std::fs::write(&a, vec![1u8; 3 << 20]).unwrap();
        let first = output_name(&a);
        assert!(first.starts_with("session_one-"), "{first}");
        assert_eq!(first, output_name(&a));
        let mut bytes = vec![1u8; 3 << 20];
        *bytes.last_mut().unwrap() = 2;
        std::fs::write(&a, bytes).unwrap();
        assert_ne!(
            first,
            output_name(&a),
            "a changed last MiB changes the name"
        );
        let b = dir.path().join("copy").join("session one.mp4");
        std::fs::create_dir_all(b.parent().unwrap()).unwrap();
        std::fs::copy(&a, &b).unwrap();
        assert_ne!(
            output_name(&a),
            output_name(&b),
            "another path is another session"
        );
    }
}
