//! `ugoki analyze --report` and `ugoki report` on a committed sample, through the real pose
//! model: the page lists every criterion with its verdict, every plot is a drawn SVG with axis
//! labels, nothing is fetched from a network, Japanese renders, and headless Chromium paints
//! it. Fails, not skips, when Chromium or a Japanese font is missing (scripts/setup.sh
//! installs them).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use ugoki::cli::analyze::AnalysisReport;

const SAMPLE: &str = "samples/hinge_lumbar_dominant_side.mp4";
const MAX_REPORT_BYTES: u64 = 5 * 1024 * 1024;

/// One analysis of the sample shared by the tests (decoding it once).
fn analysis_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_html");
        let _ = std::fs::remove_dir_all(&dir);
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
        let status = Command::new(env!("CARGO_BIN_EXE_ugoki"))
            .args(["analyze", "-q", "--movement", "hinge", "--report", "-o"])
            .arg(&dir)
            .arg(&sample)
            .output()
            .expect("run ugoki analyze");
        assert!(
            status.status.success(),
            "ugoki analyze --report: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        dir
    })
}

fn analysis() -> AnalysisReport {
    let text = std::fs::read_to_string(analysis_dir().join("analysis.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn read_report(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("report written");
    assert!(
        (bytes.len() as u64) <= MAX_REPORT_BYTES,
        "{} bytes",
        bytes.len()
    );
    String::from_utf8(bytes).expect("report is UTF-8")
}

/// Writes the report in `lang` to `name` in the analysis folder (each test its own file, as
/// tests run in parallel) and reads it back.
fn report_in(lang: &str, name: &str) -> String {
    let out = analysis_dir().join(name);
    let status = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["report", "--lang", lang, "-o"])
        .arg(&out)
        .arg(analysis_dir().join("analysis.json"))
        .output()
        .expect("run ugoki report");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    read_report(&out)
}

/// The `<svg ...>...</svg>` elements of a page.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(start, _)| {
            let end = html[start..].find("</svg>").expect("closed svg") + start;
            &html[start..end]
        })
        .collect()
}

/// The text of the first `<text class="{class}" ...>` in `svg`.
fn text_of<'a>(svg: &'a str, class: &str) -> Option<&'a str> {
    let at = svg.find(&format!(r#"<text class="{class}""#))?;
    let open_end = svg[at..].find('>')? + at + 1;
    let close = svg[open_end..].find("</text>")? + open_end;
    Some(&svg[open_end..close])
}

#[test]
fn report_lists_every_criterion_with_its_verdict_and_draws_every_plot() {
    let html = read_report(&analysis_dir().join("report.html"));
    let analysis = analysis();
    let assessment = analysis.assessment.as_ref().expect("assessed");
    assert!(!assessment.criteria.is_empty());
    for c in &assessment.criteria {
        let verdict = serde_json::to_value(c.verdict).unwrap();
        let row = format!(
            r#"data-criterion="{}" data-verdict="{}""#,
            c.id,
            verdict.as_str().unwrap()
        );
        assert!(html.contains(&row), "missing row {row}");
    }
    let plots = svgs(&html);
    // Angles over time, peak angles per rep, hip vs spinal parts per rep and the lumbopelvic
    // rhythm: the sample is a side view, where the forward bend is measured.
    assert!(plots.len() >= 4, "{} plots", plots.len());
    for svg in &plots {
        let title = text_of(svg, "title").unwrap_or("?");
        for axis in ["xlabel", "ylabel"] {
            let label = text_of(svg, axis).unwrap_or("");
            assert!(!label.trim().is_empty(), "{title}: no {axis}");
        }
        let drawn = svg.matches("<path d=\"M").count() + svg.matches("<rect x=").count();
        assert!(drawn > 0, "{title}: nothing drawn");
    }
    let reps = analysis
        .analysis
        .as_ref()
        .unwrap()
        .segments_of("rep")
        .count();
    assert_eq!(
        html.matches(r#"src="data:image/jpeg;base64,"#).count(),
        reps,
        "one key frame per rep"
    );
    for needle in [
        analysis.notice.red_flags_en.as_str(),
        analysis.notice.not_a_diagnosis_en.as_str(),
        "angles.csv",
        "angles.mot",
        "keypoints.trc",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[test]
fn report_fetches_nothing_from_a_network() {
    let html = read_report(&analysis_dir().join("report.html"));
    for scheme in ["http://", "https://", "ftp://"] {
        assert!(!html.contains(scheme), "{scheme} in report");
    }
    for attribute in ["src=\"", "href=\"", "url("] {
        for (at, _) in html.match_indices(attribute) {
            let value = &html[at + attribute.len()..];
            assert!(
                !value.starts_with("//"),
                "protocol-relative {attribute}: {}",
                &value[..40.min(value.len())]
            );
            let local =
                value.starts_with("data:") || !value[..value.find('"').unwrap_or(0)].contains(':');
            assert!(local, "{attribute}{}", &value[..40.min(value.len())]);
        }
    }
}

#[test]
fn japanese_report_is_in_japanese_and_a_japanese_font_is_installed() {
    let html = report_in("ja", "report_ja.html");
    let analysis = analysis();
    assert!(html.contains(r#"<html lang="ja">"#));
    for needle in [
        "評価項目",
        "グラフ",
        analysis.notice.red_flags_ja.as_str(),
        analysis.notice.not_a_diagnosis_ja.as_str(),
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    let fonts = Command::new("fc-list")
        .arg(":lang=ja")
        .output()
        .expect("fc-list (fontconfig) is installed");
    assert!(
        !String::from_utf8_lossy(&fonts.stdout).trim().is_empty(),
        "no font with Japanese glyphs; install fonts-noto-cjk (scripts/setup.sh)"
    );
}

#[test]
fn headless_chromium_paints_the_report() {
    for lang in ["en", "ja"] {
        let name = format!("screenshot_{lang}.html");
        report_in(lang, &name);
        let page = analysis_dir().join(name);
        let profile = tempfile::tempdir().unwrap();
        let shot = profile.path().join("shot.png");
        let output = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1200,2000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", page.canonicalize().unwrap().display()))
            .output()
            .expect("chromium is installed (scripts/setup.sh)");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let image = image::open(&shot).expect("screenshot PNG").to_luma8();
        assert_eq!(image.dimensions(), (1200, 2000));
        let pixels: Vec<f64> = image.pixels().map(|p| f64::from(p.0[0])).collect();
        let mean = pixels.iter().sum::<f64>() / pixels.len() as f64;
        let variance = pixels.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / pixels.len() as f64;
        // Ink: pixels clearly darker than the page background (text, plots, photos).
        let ink = pixels.iter().filter(|v| **v < 160.0).count() as f64 / pixels.len() as f64;
        eprintln!(
            "{lang}: screenshot variance {variance:.0}, ink {:.1}%",
            ink * 100.0
        );
        assert!(
            variance > 300.0,
            "{lang}: page looks blank (variance {variance:.0})"
        );
        assert!(ink > 0.02, "{lang}: only {:.1}% ink", ink * 100.0);
    }
}

#[test]
fn hinge_report_stacks_hip_and_spinal_parts_per_rep_and_draws_the_rhythm_curve() {
    let html = read_report(&analysis_dir().join("report.html"));
    let analysis = analysis();
    let plots = svgs(&html);
    let titled = |prefix: &str| {
        plots
            .iter()
            .find(|svg| text_of(svg, "title").is_some_and(|t| t.starts_with(prefix)))
            .copied()
            .unwrap_or_else(|| panic!("no plot titled {prefix}…"))
    };
    let stacked = titled("Hip vs spinal contribution");
    let reps: Vec<_> = analysis
        .analysis
        .as_ref()
        .unwrap()
        .segments_of("rep")
        .collect();
    assert!(!reps.is_empty());
    // One bar per part per rep, each carrying the rep's measured value.
    for part in ["hip_part", "spinal_part"] {
        let bars: Vec<&str> = stacked
            .match_indices(&format!("<title>{part}: "))
            .map(|(at, _)| &stacked[at..])
            .collect();
        assert_eq!(bars.len(), reps.len(), "{part} bars");
        for (bar, rep) in bars.iter().zip(&reps) {
            let v = rep.metrics[part].value.expect("measured");
            assert!(
                bar.contains(&format!("{part}: {v:.2}</title>")),
                "{part}: {v}"
            );
        }
    }
    let rhythm = titled("Lumbopelvic rhythm");
    assert!(rhythm.contains("<path d=\"M"), "rhythm curve not drawn");
    // The page says what the spinal part is.
    assert!(
        html.contains("includes thoracic"),
        "spinal part not explained"
    );
}

/// `ugoki analyze --movement gait --report` on the front-view walking sample with lateral
/// sway, then `ugoki report --lang ja` on the same folder.
fn gait_reports() -> (String, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_html_gait");
    let _ = std::fs::remove_dir_all(&dir);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/gait_lateral_sway_front.mp4");
    let analyze = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["analyze", "-q", "--movement", "gait", "--report", "-o"])
        .arg(&dir)
        .arg(&sample)
        .output()
        .expect("run ugoki analyze");
    assert!(
        analyze.status.success(),
        "{}",
        String::from_utf8_lossy(&analyze.stderr)
    );
    let ja = dir.join("report_ja.html");
    let report = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["report", "--lang", "ja", "-o"])
        .arg(&ja)
        .arg(&dir)
        .output()
        .expect("run ugoki report");
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    (read_report(&dir.join("report.html")), read_report(&ja))
}

/// The sway plot of a page, found by its title.
fn sway_svg<'a>(html: &'a str, title: &str) -> &'a str {
    svgs(html)
        .into_iter()
        .find(|svg| text_of(svg, "title") == Some(title))
        .unwrap_or_else(|| panic!("no plot titled {title}"))
}

/// Points of every drawn line of an SVG, and how far they spread vertically (SVG units).
fn line_points(svg: &str) -> (usize, f64) {
    let mut ys = Vec::new();
    for (at, _) in svg.match_indices("<path d=\"") {
        let d = &svg[at + 9..];
        let d = &d[..d.find('"').unwrap()];
        let numbers: Vec<f64> = d
            .split(|c: char| c == 'M' || c == 'L' || c.is_whitespace())
            .filter_map(|n| n.parse().ok())
            .collect();
        ys.extend(numbers.chunks(2).filter(|p| p.len() == 2).map(|p| p[1]));
    }
    let spread = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - ys.iter().copied().fold(f64::INFINITY, f64::min);
    (ys.len(), spread)
}

#[test]
fn gait_report_plots_the_pelvis_sway_with_axes_in_the_page_language() {
    let (en, ja) = gait_reports();
    for (html, title, x_label, y_label, legend) in [
        (
            &en,
            "Pelvis sway (mid-hip)",
            "time (s)",
            "displacement (cm)",
            "side to side",
        ),
        (
            &ja,
            "骨盤の動揺（左右股関節の中点）",
            "時間 (s)",
            "変位 (cm)",
            "左右",
        ),
    ] {
        let svg = sway_svg(html, title);
        assert_eq!(text_of(svg, "xlabel"), Some(x_label), "{title}");
        assert_eq!(text_of(svg, "ylabel"), Some(y_label), "{title}");
        // Front view: both the vertical and the side-to-side line are drawn.
        assert_eq!(svg.matches("<path d=\"M").count(), 2, "{title}: two lines");
        assert!(
            svg.contains(&format!(">{legend}</text>")),
            "{title}: legend {legend}"
        );
        let (points, spread) = line_points(svg);
        eprintln!("{title}: {points} points, vertical spread {spread:.0} of 218 SVG units");
        assert!(points > 40, "{title}: {points} points");
        // A flat line would be the moving average subtracted from itself.
        assert!(spread > 20.0, "{title}: spread {spread:.1}");
    }
}

#[test]
fn rotation_report_shows_thoracic_against_pelvis_rotation_per_turn_and_per_side() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_html_rotation");
    let _ = std::fs::remove_dir_all(&dir);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/rotation_good_side_on.mp4");
    let out = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["analyze", "-q", "--movement", "rotation", "--report", "-o"])
        .arg(&dir)
        .arg(&sample)
        .output()
        .expect("run ugoki analyze");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = read_report(&dir.join("report.html"));
    let analysis: AnalysisReport =
        serde_json::from_str(&std::fs::read_to_string(dir.join("analysis.json")).unwrap()).unwrap();
    let plot = |label: &str| -> String {
        let at = html
            .find(&format!("aria-label=\"{label}\""))
            .unwrap_or_else(|| panic!("no plot {label}"));
        html[at..at + html[at..].find("</svg>").unwrap()].to_string()
    };
    let per_turn = plot("Thoracic and pelvis rotation per turn");
    let turns: Vec<_> = analysis
        .analysis
        .as_ref()
        .unwrap()
        .segments
        .iter()
        .filter(|s| s.kind.starts_with("turn"))
        .collect();
    assert!(!turns.is_empty(), "no turns found");
    // Each turn's bars carry its measured thoracic and pelvis rotation.
    for metric in ["thoracic_rotation_range", "pelvis_rotation_range"] {
        for turn in &turns {
            let v = turn.metrics[metric].value.expect("measured");
            assert!(
                per_turn.contains(&format!("<title>{metric}: {v:.2}</title>")),
                "{metric} {v:.2} not drawn"
            );
        }
    }
    let per_side = plot("Thoracic vs pelvis rotation per side");
    for series in ["thoracic_rotation: ", "pelvis_rotation: "] {
        assert!(per_side.contains(&format!("<title>{series}")), "{series}");
    }
}

#[test]
fn an_analysis_from_an_older_ugoki_is_a_one_line_error_saying_to_analyse_again() {
    let mut old: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(analysis_dir().join("analysis.json")).unwrap(),
    )
    .unwrap();
    // Schema 1 held the notes as English strings.
    old["schema_version"] = 1.into();
    old["analysis"]["notes"] = serde_json::json!(["a note"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("analysis.json"), old.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["report", "-o"])
        .arg(dir.path().join("report.html"))
        .arg(dir.path())
        .output()
        .expect("run ugoki report");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.trim().lines().count() == 1 && stderr.contains("older ugoki (schema_version 1)"),
        "{stderr}"
    );
}
