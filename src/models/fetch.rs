//! Downloading model files from a mirror: streamed to `<file>.part`, hashed on the way, and
//! renamed into place only when size and SHA-256 match the manifest.

use super::ModelSpec;
use crate::error::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A mirror holding the ONNX files under their manifest file names (`BASE_URL/<file>`).
pub(super) struct Mirror {
    base_url: String,
    agent: ureq::Agent,
}

impl Mirror {
    /// A mirror at `base_url`, which must be an http(s) URL.
    pub(super) fn new(base_url: &str) -> Result<Self> {
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::Usage(format!(
                "mirror URL '{base_url}' must start with http:// or https://"
            )));
        }
        // A stalled mirror must end in an error, not hang the set-up forever.
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(15))
            .timeout_read(Duration::from_secs(60))
            .user_agent(concat!("ugoki/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Mirror {
            base_url: base_url.trim_end_matches('/').to_string(),
            agent,
        })
    }

    /// Where this mirror keeps `spec`'s file.
    pub(super) fn url_of(&self, spec: &ModelSpec) -> String {
        format!("{}/{}", self.base_url, spec.file)
    }

    /// Downloads `spec`'s file into `dir`, replacing whatever is there once the download is
    /// verified. On any failure nothing is left behind (no `.part`, the old file untouched).
    pub(super) fn download(
        &self,
        spec: &ModelSpec,
        dir: &Path,
        progress: &ProgressBar,
    ) -> Result<PathBuf> {
        let url = self.url_of(spec);
        let fail = |reason: String| Error::Model {
            name: spec.name.clone(),
            reason,
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        let response = self.agent.get(&url).call().map_err(|e| match e {
            ureq::Error::Status(code, response) => fail(format!(
                "cannot download {url}: HTTP {code} {}; check the mirror (--from or UGOKI_MODEL_URL)",
                response.status_text()
            )),
            ureq::Error::Transport(transport) => {
                let detail = transport.to_string();
                let detail = detail.strip_prefix(&format!("{url}: ")).unwrap_or(&detail);
                fail(format!("cannot download {url}: {detail}"))
            }
        })?;

        let final_path = spec.path_in(dir);
        let part = PartFile::create(dir.join(format!("{}.part", spec.file)))?;
        progress.set_length(spec.bytes);
        progress.set_message(spec.name.clone());
        // One byte more than expected is enough to know the mirror's file is wrong.
        let mut body = response.into_reader().take(spec.bytes + 1);
        let mut out = BufWriter::new(&part.file);
        let mut hasher = Sha256::new();
        let mut received = 0u64;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = match body.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(fail(format!(
                        "download of {url} broke off after {received} bytes ({e})"
                    )))
                }
            };
            hasher.update(&buffer[..n]);
            out.write_all(&buffer[..n])
                .map_err(|e| part.write_error(e))?;
            received += n as u64;
            progress.inc(n as u64);
        }
        out.flush().map_err(|e| part.write_error(e))?;
        drop(out);

        let got = format!("{:x}", hasher.finalize());
        if received != spec.bytes || got != spec.sha256 {
            let size = if received > spec.bytes {
                format!("more than {}", spec.bytes)
            } else {
                received.to_string()
            };
            return Err(fail(format!(
                "the download from {url} is corrupt ({size} bytes with SHA-256 {got}, expected {} bytes with \
                 SHA-256 {}); it was deleted: fix the mirror's copy and fetch again",
                spec.bytes, spec.sha256
            )));
        }
        part.persist(&final_path)?;
        Ok(final_path)
    }
}

/// A download in progress: deleted when dropped, unless renamed into place by `persist`.
struct PartFile {
    path: PathBuf,
    file: File,
    persisted: bool,
}

impl PartFile {
    fn create(path: PathBuf) -> Result<Self> {
        let file = File::create(&path)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        Ok(PartFile {
            path,
            file,
            persisted: false,
        })
    }

    fn write_error(&self, e: std::io::Error) -> Error {
        Error::io(format!("cannot write {}", self.path.display()), e)
    }

    /// Flushes to disk, then renames over `target` in one step, so readers see either the old
    /// file or the complete new one.
    fn persist(mut self, target: &Path) -> Result<()> {
        self.file.sync_all().map_err(|e| self.write_error(e))?;
        std::fs::rename(&self.path, target).map_err(|e| {
            Error::io(
                format!(
                    "cannot rename {} to {}",
                    self.path.display(),
                    target.display()
                ),
                e,
            )
        })?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        if !self.persisted {
            // Best effort: the error being reported matters more than a failed clean-up.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A progress bar for one download on stderr; hidden when asked or when stderr is not a
/// terminal (logs and CI would otherwise fill with redraws).
pub(super) fn progress_bar(visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template(
        "{msg:24} [{bar:30}] {bytes:>9}/{total_bytes:9} {bytes_per_sec:>11} {eta:>4}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    ProgressBar::new(0).with_style(style)
}
