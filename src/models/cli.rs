//! `ugoki models list | fetch | verify`.

use super::fetch::{progress_bar, Mirror};
use super::{manifest, models_dir, spec, verify, ModelSpec, ModelStatus};
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// Environment variable holding the default mirror for `ugoki models fetch`.
pub const MODEL_URL_ENV: &str = "UGOKI_MODEL_URL";

/// Version of the `ugoki models list --json` output.
pub const LIST_SCHEMA_VERSION: u32 = 1;

/// Arguments of `ugoki models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    command: ModelsCommand,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// Show each model of the manifest as present, missing or bad checksum
    List(ListArgs),
    /// Download missing or damaged model files from a mirror, verifying each SHA-256
    Fetch(FetchArgs),
    /// Load each model into ONNX Runtime and check its tensors against the manifest
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct FetchArgs {
    /// Only this model (default: every model in the manifest)
    name: Option<String>,
    /// Mirror base URL: files are fetched from BASE_URL/<file> [default: $UGOKI_MODEL_URL]
    #[arg(long = "from", value_name = "BASE_URL")]
    from: Option<String>,
    /// No progress bar and no per-model lines; errors are still reported
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Only this model (default: every model in the manifest)
    name: Option<String>,
}

/// Runs `ugoki models …`.
pub fn run(args: ModelsArgs) -> Result<()> {
    match args.command {
        ModelsCommand::List(args) => list(&args),
        ModelsCommand::Fetch(args) => fetch(&args),
        ModelsCommand::Verify(args) => verify(&args),
    }
}

fn selected(name: Option<&str>) -> Result<Vec<&'static ModelSpec>> {
    match name {
        Some(name) => Ok(vec![spec(name)?]),
        None => Ok(manifest().models.iter().collect()),
    }
}

#[derive(Serialize)]
struct ListOutput<'a> {
    schema_version: u32,
    models_dir: String,
    models: Vec<ListRow<'a>>,
}

#[derive(Serialize)]
struct ListRow<'a> {
    name: &'a str,
    file: &'a str,
    path: String,
    /// `present`, `missing` or `bad_checksum`.
    status: &'static str,
    bytes: u64,
    sha256: &'a str,
    /// SHA-256 of the file found, when it is not the expected one.
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256_found: Option<String>,
    family: &'a str,
    keypoint_layout: Option<&'a str>,
    licence: &'a str,
}

fn list(args: &ListArgs) -> Result<()> {
    let dir = models_dir();
    let mut rows = Vec::new();
    for m in &manifest().models {
        let (status, sha256_found) = match m.status_in(&dir)? {
            ModelStatus::Present => ("present", None),
            ModelStatus::Missing => ("missing", None),
            ModelStatus::BadChecksum { got } => ("bad_checksum", Some(got)),
        };
        rows.push(ListRow {
            name: &m.name,
            file: &m.file,
            path: m.path_in(&dir).display().to_string(),
            status,
            bytes: m.bytes,
            sha256: &m.sha256,
            sha256_found,
            family: &m.family,
            keypoint_layout: m.keypoints.as_ref().map(|k| k.layout.as_str()),
            licence: &m.licence,
        });
    }
    if args.json {
        let output = ListOutput {
            schema_version: LIST_SCHEMA_VERSION,
            models_dir: dir.display().to_string(),
            models: rows,
        };
        let json =
            serde_json::to_string_pretty(&output).map_err(|e| Error::Internal(e.to_string()))?;
        print_line(&json)?;
        return Ok(());
    }
    print_line(&format!("models in {}", dir.display()))?;
    let table: Vec<[String; 5]> =
        std::iter::once(["NAME", "FILE", "STATUS", "SIZE", "LICENCE"].map(String::from))
            .chain(rows.iter().map(|r| {
                [
                    r.name.into(),
                    r.file.into(),
                    r.status.replace('_', " "),
                    human_bytes(r.bytes),
                    r.licence.into(),
                ]
            }))
            .collect();
    let widths: Vec<usize> = (0..5)
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:<w$}"))
            .collect();
        print_line(cells.join("  ").trim_end())?;
    }
    Ok(())
}

fn human_bytes(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} kB", bytes as f64 / 1e3)
    }
}

fn fetch(args: &FetchArgs) -> Result<()> {
    let dir = models_dir();
    let mut wanted = Vec::new();
    for m in selected(args.name.as_deref())? {
        if m.status_in(&dir)? == ModelStatus::Present {
            if !args.quiet {
                print_line(&format!(
                    "{}: present in {}, skipped",
                    m.name,
                    dir.display()
                ))?;
            }
        } else {
            wanted.push(m);
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let base_url = args
        .from
        .clone()
        .or_else(|| std::env::var(MODEL_URL_ENV).ok())
        .filter(|url| !url.is_empty())
        .ok_or_else(|| {
            Error::Usage(format!(
                "no mirror to fetch {} from: pass --from BASE_URL or set {MODEL_URL_ENV} (see models/README.md)",
                wanted.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?;
    let mirror = Mirror::new(&base_url)?;
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let mut failures = Vec::new();
    for m in wanted {
        let progress = progress_bar(show_progress);
        let result = mirror.download(m, &dir, &progress);
        progress.finish_and_clear();
        match result {
            Ok(path) if !args.quiet => print_line(&format!(
                "{}: fetched {} from {} to {}, SHA-256 verified",
                m.name,
                human_bytes(m.bytes),
                mirror.url_of(m),
                path.display()
            ))?,
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    report_failures(failures)
}

fn verify(args: &VerifyArgs) -> Result<()> {
    let models = selected(args.name.as_deref())?;
    // A missing or broken runtime would fail every model the same way: say it once.
    crate::runtime::environment()?;
    let mut failures = Vec::new();
    for m in models {
        match verify_one(m) {
            Ok((path, load_ms)) => print_line(&format!(
                "{}: ok: {} loads in {load_ms} ms; SHA-256 and tensors ({} in, {} out) match the manifest",
                m.name,
                path.display(),
                m.inputs.len(),
                m.outputs.len()
            ))?,
            Err(e) => failures.push(e),
        }
    }
    report_failures(failures)
}

fn verify_one(m: &ModelSpec) -> Result<(PathBuf, u128)> {
    let path = super::resolve(&m.name)?;
    let started = Instant::now();
    let session = crate::runtime::open_session(&path, 1)?;
    let load_ms = started.elapsed().as_millis();
    verify::check_tensors(m, &session)?;
    Ok((path, load_ms))
}

/// Writes one line to stdout; a reader that has gone away (`ugoki models list | head -1`) is
/// not an error.
fn print_line(line: &str) -> Result<()> {
    match writeln!(std::io::stdout().lock(), "{line}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("cannot write to stdout", e))
        }
        _ => Ok(()),
    }
}

/// Every failure is reported, one line each: all but the last here, the last by `main` along
/// with the exit code.
fn report_failures(mut failures: Vec<Error>) -> Result<()> {
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for e in &failures {
        eprintln!("ugoki: error: {e}");
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_in_decimal_units() {
        assert_eq!(human_bytes(9_427_242), "9.4 MB");
        assert_eq!(human_bytes(457_830), "458 kB");
    }

    #[test]
    fn a_mirror_must_be_http() {
        let e = Mirror::new("ftp://example.org/models").err().unwrap();
        assert_eq!(e.exit_code(), crate::error::exit_code::BAD_INPUT);
    }

    #[test]
    fn mirror_urls_join_base_and_file_with_one_slash() {
        let m = spec("movenet_lightning").unwrap();
        for base in ["http://127.0.0.1:8000/m", "http://127.0.0.1:8000/m/"] {
            assert_eq!(
                Mirror::new(base).unwrap().url_of(m),
                "http://127.0.0.1:8000/m/movenet_lightning.onnx"
            );
        }
    }
}
