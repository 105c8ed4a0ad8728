//! `summary.csv` and `index.html`, built from the video folders alone, so a batch, one shard
//! or `--merge` over every shard's folders all give the same summary for the same videos.

use super::inputs::Entry;
use super::run::ErrorRecord;
use super::{ANALYSIS_FILE, DONE_FILE, ENTRY_FILE, ERROR_FILE, REPORT_FILE};
use crate::cli::analyze::{AnalysisReport, Notice};
use crate::error::{Error, Result};
use crate::movement::Measure;
use crate::report::atomic;
use crate::text::{tr, Lang};
use std::fmt::Write as _;
use std::path::Path;

/// The summary table's file.
pub const SUMMARY_CSV: &str = "summary.csv";
/// The summary page's file.
pub const INDEX_HTML: &str = "index.html";

const COLUMNS: [&str; 13] = [
    "client_id",
    "date",
    "source",
    "movement",
    "score",
    "status",
    "error",
    "exit_code",
    "view",
    "segments",
    "work_on",
    "metrics",
    "folder",
];

/// One video's row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub folder: String,
    pub entry: Entry,
    /// `ok`, `error`, or `incomplete` (started but neither finished nor failed: interrupted,
    /// or still running in another shard).
    pub status: String,
    pub movement: String,
    pub score: Option<f64>,
    pub error: Option<String>,
    pub exit_code: Option<i32>,
    pub view: Option<String>,
    pub segments: Option<usize>,
    pub work_on: Vec<String>,
    /// Per-clip measures, `name=value unit`.
    pub metrics: Vec<String>,
    pub has_report: bool,
}

fn read_json<T: for<'de> serde::Deserialize<'de>>(path: &Path) -> Option<T> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// A unit enum's name as it appears in analysis.json.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// A measured per-clip value as `name=value unit`, with its ± where the measurement gives
/// one (a symmetry index of 0.1 % ± 7.1 is not a symmetric walk).
fn metric_field(name: &str, m: &Measure) -> Option<String> {
    let value = m.value?;
    Some(match m.uncertainty {
        Some(u) => format!("{name}={value:.3} ± {u:.3} {}", m.unit),
        None => format!("{name}={value:.3} {}", m.unit),
    })
}

fn read_row(dir: &Path, folder: String) -> Option<Row> {
    let entry: Entry = read_json(&dir.join(ENTRY_FILE))?;
    let mut row = Row {
        folder,
        movement: entry.movement.clone(),
        entry,
        status: "incomplete".into(),
        score: None,
        error: None,
        exit_code: None,
        view: None,
        segments: None,
        work_on: Vec::new(),
        metrics: Vec::new(),
        has_report: dir.join(REPORT_FILE).is_file(),
    };
    if let Some(record) = read_json::<ErrorRecord>(&dir.join(ERROR_FILE)) {
        row.status = "error".into();
        row.error = Some(record.error);
        row.exit_code = Some(record.exit_code);
    } else if dir.join(DONE_FILE).is_file() {
        let Some(report) = read_json::<AnalysisReport>(&dir.join(ANALYSIS_FILE)) else {
            row.status = "error".into();
            row.error = Some(format!(
                "{ANALYSIS_FILE} is missing or unreadable; re-run with --force"
            ));
            return Some(row);
        };
        row.status = "ok".into();
        row.exit_code = Some(0);
        match &report.analysis {
            Some(analysis) => {
                row.movement = serde_name(&analysis.movement);
                row.view = Some(serde_name(&analysis.view));
                row.segments = Some(analysis.segments.len());
                row.metrics = analysis
                    .metrics
                    .iter()
                    .filter_map(|(name, m)| metric_field(name, m))
                    .collect();
            }
            None => row.movement = "none".into(),
        }
        if let Some(assessment) = &report.assessment {
            row.score = assessment.score;
            row.work_on = assessment.work_on.clone();
        }
    }
    Some(row)
}

/// Every video folder under `out` (those with an `entry.json`), sorted by client, date,
/// source and folder.
pub fn read_rows(out: &Path) -> Result<Vec<Row>> {
    let listing = std::fs::read_dir(out)
        .map_err(|e| Error::bad_input(out, format!("cannot list the batch output folder ({e})")))?;
    let mut rows: Vec<Row> = listing
        .flatten()
        .filter(|item| item.path().is_dir())
        .filter_map(|item| {
            read_row(
                &item.path(),
                item.file_name().to_string_lossy().into_owned(),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &Row| {
            (
                r.entry.client_id.clone().unwrap_or_default(),
                r.entry.date.clone().unwrap_or_default(),
                r.entry.source.clone(),
                r.folder.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(rows)
}

fn cells(row: &Row) -> [String; 13] {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        text(&row.entry.client_id),
        text(&row.entry.date),
        row.entry.source.display().to_string(),
        row.movement.clone(),
        row.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
        row.status.clone(),
        text(&row.error),
        row.exit_code.map(|c| c.to_string()).unwrap_or_default(),
        text(&row.view),
        row.segments.map(|n| n.to_string()).unwrap_or_default(),
        row.work_on.join(" "),
        row.metrics.join("; "),
        row.folder.clone(),
    ]
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// `summary.csv`: one row per video.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for row in rows {
        let line: Vec<String> = cells(row).iter().map(|c| csv_field(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn html_escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Percent-encodes a folder name for a link (names are ASCII letters, digits, `-` and `_`,
/// but folders written by hand may hold anything).
fn url_part(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `index.html`: the table with every column sortable (click a heading) and a link to each
/// video's report (or its analysis.json / error.json when there is no report page), under the
/// red-flag notice, in `lang` (the column names are the CSV's).
pub fn to_html(rows: &[Row], lang: Lang) -> String {
    let code = tr(lang, "en", "ja");
    let mut html = format!("<!doctype html>\n<html lang=\"{code}\">");
    html.push_str(
        "<head><meta charset=\"utf-8\"><title>ugoki batch</title>\n<style>\nbody{font-family:sans-serif;margin:1em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 6px;font-size:13px;vertical-align:top}th{cursor:pointer;background:#eee}tr.error td{background:#fee}tr.incomplete td{background:#ffd}\n</style></head><body>\n",
    );
    let _ = writeln!(
        html,
        "<h1>ugoki batch: {} {}</h1>\n<p>{}</p>\n<p><strong>{}</strong></p>\n<table id=\"summary\"><thead><tr><th>link</th>",
        rows.len(),
        tr(lang, "videos", "本の動画"),
        tr(
            lang,
            "Click a column heading to sort.",
            "列の見出しをクリックすると並べ替えます。"
        ),
        html_escape(&Notice::default().line(lang))
    );
    for column in COLUMNS {
        let _ = write!(html, "<th>{column}</th>");
    }
    html.push_str("</tr></thead><tbody>\n");
    for row in rows {
        let target = if row.has_report {
            REPORT_FILE
        } else if row.status == "ok" {
            ANALYSIS_FILE
        } else if row.status == "error" {
            ERROR_FILE
        } else {
            ENTRY_FILE
        };
        let label = if row.has_report { "report" } else { target };
        let _ = write!(
            html,
            "<tr class=\"{}\"><td><a href=\"{}/{target}\">{label}</a></td>",
            html_escape(&row.status),
            url_part(&row.folder)
        );
        for cell in cells(row) {
            let _ = write!(html, "<td>{}</td>", html_escape(&cell));
        }
        html.push_str("</tr>\n");
    }
    html.push_str(
        "</tbody></table>\n<script>\ndocument.querySelectorAll('#summary th').forEach((th, col) => th.addEventListener('click', () => {\n  const body = th.closest('table').tBodies[0];\n  const dir = th.dataset.dir === 'asc' ? -1 : 1; th.dataset.dir = dir === 1 ? 'asc' : 'desc';\n  const key = r => r.cells[col].textContent;\n  const num = s => s.trim() !== '' && !isNaN(s);\n  [...body.rows].sort((a, b) => { const x = key(a), y = key(b);\n    return dir * (num(x) && num(y) ? x - y : x.localeCompare(y)); }).forEach(r => body.appendChild(r));\n}));\n</script>\n</body></html>\n",
    );
    html
}

/// Writes `summary.csv` and `index.html` (in `lang`) for every video folder under `out`;
/// returns the rows.
pub fn write(out: &Path, lang: Lang) -> Result<Vec<Row>> {
    let rows = read_rows(out)?;
    atomic::write(&out.join(SUMMARY_CSV), to_csv(&rows).as_bytes())?;
    atomic::write(&out.join(INDEX_HTML), to_html(&rows, lang).as_bytes())?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_carries_its_uncertainty_where_it_has_one() {
        let symmetry = Measure::value(0.105, "%", "test", 1.0).with_uncertainty(Some(7.1));
        assert_eq!(
            metric_field("step_time_symmetry", &symmetry).as_deref(),
            Some("step_time_symmetry=0.105 ± 7.100 %")
        );
        let cadence = Measure::value(112.0, "steps/min", "test", 1.0);
        assert_eq!(
            metric_field("cadence", &cadence).as_deref(),
            Some("cadence=112.000 steps/min")
        );
        let missing = Measure::missing("m", "test", crate::text!("not calibrated", "未較正"));
        assert_eq!(metric_field("step_length", &missing), None);
    }
}
