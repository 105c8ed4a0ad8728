//! `ugoki report ANALYSIS -o report.html`: the self-contained HTML report of an analysis
//! folder written by `ugoki analyze` (analysis.json, kinematics.json, keypoints.json and the
//! clip it names; docs/report.md).

use crate::cli::analyze::{AnalysisReport, ANALYSIS_SCHEMA_VERSION};
use crate::cli::kinematics::read_track;
use crate::error::{Error, Result};
use crate::kinematics::{export, Kinematics};
use crate::movement::{event_label, Movement};
use crate::report::html::{render, today_utc, ReportContent};
use crate::report::keyframes::{self, KeyFrameRequest};
use crate::report::{atomic, keypoints};
use crate::text::Lang;
use clap::Args;
use std::path::{Path, PathBuf};

/// The report's file name when `ugoki analyze --report` writes it.
pub const HTML_FILE: &str = "report.html";
/// Most key frames shown (keeps the page light).
const MAX_KEY_FRAMES: usize = 12;

/// Arguments of `ugoki report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// `analysis.json` written by `ugoki analyze`, or its folder.
    pub input: PathBuf,
    /// The HTML file to write.
    #[arg(short, long, default_value = HTML_FILE)]
    pub output: PathBuf,
    /// Language of the page.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// The clip, when it is no longer where `analysis.json` names it (for the key frames).
    #[arg(long)]
    pub video: Option<PathBuf>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::bad_input(
            path,
            format!("cannot read ({e}); run `ugoki analyze VIDEO -o DIR` to write it"),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let version = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("schema_version")?.as_u64());
        match version {
            Some(v) if what == "analysis.json" && v < u64::from(ANALYSIS_SCHEMA_VERSION) => {
                Error::bad_input(
                    path,
                    format!("written by an older ugoki (schema_version {v}); run `ugoki analyze VIDEO -o DIR` again"),
                )
            }
            _ => Error::bad_input(path, format!("not a ugoki {what} ({e})")),
        }
    })
}

/// The frames worth a thumbnail: each repetition's peak, each rise's seat-off, each turn's
/// peak, each heel strike.
fn key_frame_requests(report: &AnalysisReport, lang: Lang) -> Vec<KeyFrameRequest> {
    let Some(a) = &report.analysis else {
        return Vec::new();
    };
    let wanted: &[&str] = match a.movement {
        Movement::Hinge => &["bottom"],
        Movement::Sts => &["seat_off"],
        Movement::Gait => &["left_heel_strike", "right_heel_strike"],
        Movement::Rotation => &["peak"],
    };
    let mut requests: Vec<KeyFrameRequest> = a
        .segments
        .iter()
        .flat_map(|s| {
            s.events
                .iter()
                .filter(|e| wanted.contains(&e.name.as_str()))
                .map(move |e| KeyFrameRequest {
                    position: e.position,
                    caption: format!("{}: {}", s.label(lang), event_label(&e.name, lang)),
                })
        })
        .collect();
    requests.dedup_by_key(|r| r.position);
    requests.truncate(MAX_KEY_FRAMES);
    requests
}

/// Reads the analysis folder of `input` and writes the report to `output`.
pub fn write_report(input: &Path, output: &Path, lang: Lang) -> Result<()> {
    write_report_with_video(input, output, lang, None)
}

fn write_report_with_video(
    input: &Path,
    output: &Path,
    lang: Lang,
    video: Option<&Path>,
) -> Result<()> {
    let (dir, analysis_path) = if input.is_dir() {
        (input.to_path_buf(), input.join("analysis.json"))
    } else {
        let dir = input
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        (dir, input.to_path_buf())
    };
    let analysis: AnalysisReport = read_json(&analysis_path, "analysis.json")?;
    let kinematics: Kinematics = read_json(&dir.join(export::JSON_FILE), "kinematics.json")?;
    let track = read_track(&dir.join(keypoints::JSON_FILE))?;
    let clip = video.map_or_else(|| PathBuf::from(&analysis.source), Path::to_path_buf);
    let requests = key_frame_requests(&analysis, lang);
    let key_frames = if !clip.is_file() {
        Err(format!(
            "{}: the clip is not there, so no key frames; pass --video PATH",
            clip.display()
        ))
    } else {
        let name = clip.to_string_lossy().into_owned();
        keyframes::render(&name, &track, &kinematics, &requests).map_err(|e| e.to_string())
    };
    // Links are relative to the report, so they only make sense when it sits in the folder.
    let same_folder = output
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .and_then(|p| p.canonicalize().ok())
        == dir.canonicalize().ok();
    let exports = [
        export::CSV_FILE,
        export::MOT_FILE,
        export::TRC_FILE,
        export::JSON_FILE,
    ]
    .into_iter()
    .filter(|name| same_folder && dir.join(name).is_file())
    .map(str::to_string)
    .collect();
    let html = render(&ReportContent {
        analysis: &analysis,
        kinematics: &kinematics,
        key_frames,
        exports,
        date: today_utc(),
        lang,
    });
    atomic::write(output, html.as_bytes())
}

/// Runs `ugoki report`.
pub fn run(args: ReportArgs) -> Result<()> {
    write_report_with_video(&args.input, &args.output, args.lang, args.video.as_deref())?;
    println!("wrote {}", args.output.display());
    Ok(())
}
