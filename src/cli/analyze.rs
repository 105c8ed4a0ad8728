//! `ugoki analyze VIDEO -o DIR`: finds the movement's repetitions, rises, steps or turns,
//! measures them, judges them against the criteria files and writes `analysis.json`
//! (schema: docs/analysis-json.md), with a readable summary in the terminal.

use crate::cli::kinematics::read_track;
use crate::cli::pose::{track_video, FramesInFlight, PoseModel};
use crate::criteria::scoring::{assess, view_name, Assessment, Verdict};
use crate::criteria::{self, CriteriaFile};
use crate::error::{Error, Result};
use crate::kinematics::spine::BackOutlines;
use crate::kinematics::{compute, export, Kinematics, KinematicsOptions};
use crate::movement::recognise::{recognise, Recognition};
use crate::movement::{Movement, MovementAnalysis, SpineMeasures};
use crate::report::{annotated, atomic, keypoints};
use crate::text::{tr, Lang};
use crate::track::{PoseTrack, SubjectOptions};
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of `analysis.json`.
pub const ANALYSIS_SCHEMA_VERSION: u32 = 2;

/// The red-flag notice of document 000, in English.
pub const RED_FLAG_EN: &str = "If you have strong paralysis, numbness that is getting worse, or problems passing urine or stool, see a doctor first.";
/// The red-flag notice of document 000, as the document words it.
pub const RED_FLAG_JA: &str =
    "強い麻痺、進行するしびれ、排尿・排便の異常がある場合は医療機関を優先してください。";
/// Not a diagnosis, in English.
pub const NOT_A_DIAGNOSIS_EN: &str =
    "This is feedback on how a movement was made, not a diagnosis.";
/// Not a diagnosis, in Japanese.
pub const NOT_A_DIAGNOSIS_JA: &str =
    "これは動き方についてのフィードバックであり、診断ではありません。";

/// `--movement` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MovementChoice {
    Hinge,
    Sts,
    Gait,
    Rotation,
    /// Recognise the movement from the clip.
    Auto,
}

/// Arguments of `ugoki analyze`.
#[derive(Debug, Clone, Args)]
pub struct AnalyzeArgs {
    /// A video, or a keypoint track (`keypoints.json` written by `ugoki pose`, or its folder).
    pub input: PathBuf,
    #[arg(long, value_enum, default_value_t = MovementChoice::Auto)]
    pub movement: MovementChoice,
    /// Pose model for a video input. BlazePose is slower but gives world landmarks, which
    /// measure rotation from the front (e.g. a seated Russian twist).
    #[arg(long, value_enum, default_value_t = PoseModel::Movenet)]
    pub model: PoseModel,
    #[command(flatten)]
    pub in_flight: FramesInFlight,
    /// Language of the terminal summary and the report (analysis.json holds both).
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// A criteria file replacing the shipped one of its movement (format: docs/criteria.md).
    #[arg(long)]
    pub criteria: Option<PathBuf>,
    /// Output folder (created if needed).
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Print analysis.json to stdout instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also write `report.html` (what `ugoki report` writes) into the output folder.
    #[arg(long)]
    pub report: bool,
    /// Also write the clip with the analysis drawn on (skeleton, angles, rep counter, timeline).
    #[arg(long, value_name = "OUT.mp4")]
    pub overlay: Option<PathBuf>,
}

/// The red-flag notice and the not-a-diagnosis line, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub red_flags_en: String,
    pub red_flags_ja: String,
    pub not_a_diagnosis_en: String,
    pub not_a_diagnosis_ja: String,
    /// Document and section of the red-flag notice.
    pub source: String,
}

/// The notice of document 000.
impl Default for Notice {
    fn default() -> Notice {
        Notice {
            red_flags_en: RED_FLAG_EN.into(),
            red_flags_ja: RED_FLAG_JA.into(),
            not_a_diagnosis_en: NOT_A_DIAGNOSIS_EN.into(),
            not_a_diagnosis_ja: NOT_A_DIAGNOSIS_JA.into(),
            source: "document 000".into(),
        }
    }
}

impl Notice {
    /// "Not a diagnosis" and the red-flag notice, one line in `lang`.
    pub fn line(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{} {}", self.not_a_diagnosis_en, self.red_flags_en),
            Lang::Ja => format!("{} {}", self.not_a_diagnosis_ja, self.red_flags_ja),
        }
    }
}

/// `analysis.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisReport {
    pub schema_version: u32,
    pub source: String,
    pub duration_s: f64,
    /// `auto`, or the movement asked for.
    pub requested: String,
    /// What `auto` recognised (absent when a movement was asked for).
    pub recognition: Option<Recognition>,
    /// The analysis (absent when the clip shows none of the four movements).
    pub analysis: Option<MovementAnalysis>,
    pub assessment: Option<Assessment>,
    pub notice: Notice,
}

/// Runs the analysis on a track (after the pose stage); `video` is the clip it was tracked on,
/// `None` for a keypoint-track input (the forward bend then cannot be measured).
pub fn analyze_track(
    track: PoseTrack,
    video: Option<&str>,
    requested: MovementChoice,
    criteria_override: Option<&CriteriaFile>,
) -> Result<AnalysisReport> {
    let kinematics = compute(&track, &KinematicsOptions::default())?;
    Ok(analyze_kinematics(
        &kinematics,
        &track,
        video.map(BackOutlines::Video),
        None,
        requested,
        criteria_override,
    )?
    .0)
}

/// Runs the analysis on a track's kinematics (what `ugoki analyze` also writes beside
/// `analysis.json`, so that the report plots the very channels that were scored), making the
/// spine measurements the movement needs (`SpineMeasures::for_movement`) with `threads` ONNX
/// Runtime threads. Returns them with the report, for the annotated video.
#[allow(clippy::too_many_arguments)]
pub fn analyze_kinematics(
    kinematics: &Kinematics,
    track: &PoseTrack,
    outlines: Option<BackOutlines>,
    threads: Option<usize>,
    requested: MovementChoice,
    criteria_override: Option<&CriteriaFile>,
) -> Result<(AnalysisReport, Option<SpineMeasures>)> {
    if let Some(reason) = &kinematics.cannot_compute {
        return Err(Error::NoSubject(format!(
            "{}: cannot analyse: {reason}",
            kinematics.source.name
        )));
    }
    let (movement, recognition, requested_name) = match requested {
        MovementChoice::Auto => {
            let r = recognise(kinematics, track);
            (r.movement, Some(r), "auto".to_string())
        }
        MovementChoice::Hinge => (Some(Movement::Hinge), None, "hinge".into()),
        MovementChoice::Sts => (Some(Movement::Sts), None, "sts".into()),
        MovementChoice::Gait => (Some(Movement::Gait), None, "gait".into()),
        MovementChoice::Rotation => (Some(Movement::Rotation), None, "rotation".into()),
    };
    let spine = movement
        .map(|m| SpineMeasures::for_movement(m, kinematics, track, outlines, threads))
        .transpose()?;
    let analysis = movement
        .zip(spine.as_ref())
        .map(|(m, s)| m.analyze(kinematics, s));
    let assessment = analysis.as_ref().map(|a| {
        let file = match criteria_override {
            Some(f) if f.movement == a.movement => f.clone(),
            _ => criteria::shipped(a.movement),
        };
        assess(a, &file)
    });
    let report = AnalysisReport {
        schema_version: ANALYSIS_SCHEMA_VERSION,
        source: kinematics.source.name.clone(),
        duration_s: kinematics.times_s.last().copied().unwrap_or(0.0),
        requested: requested_name,
        recognition,
        analysis,
        assessment,
        notice: Notice::default(),
    };
    Ok((report, spine))
}

fn fmt_value(v: Option<f64>) -> String {
    match v {
        Some(v) if v.abs() >= 100.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.1}"),
        Some(v) => format!("{v:.2}"),
        None => "-".into(),
    }
}

/// The terminal summary.
pub fn summary(report: &AnalysisReport, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&format!("{} ({:.1} s)\n", report.source, report.duration_s));
    if let Some(r) = &report.recognition {
        let name = r.movement.map_or(
            tr(
                lang,
                "none of the four movements",
                "4つの動作のいずれでもない",
            ),
            |m| m.name(lang),
        );
        out.push_str(&format!(
            "{} {name} — {}\n",
            tr(lang, "movement (auto):", "動作（自動判定）:"),
            r.reason.get(lang)
        ));
        if r.movement.is_none() {
            out.push_str(tr(
                lang,
                "nothing was scored; to score the clip as one of the four anyway, give --movement hinge, sts, gait or rotation\n",
                "採点していません。4つの動作のいずれかとして採点するには --movement hinge、sts、gait、rotation のどれかを指定してください\n",
            ));
        }
    }
    if let (Some(a), Some(s)) = (&report.analysis, &report.assessment) {
        out.push_str(&format!(
            "{}: {} {}, {} {}\n",
            a.movement.name(lang),
            a.segments.len(),
            tr(lang, "segment(s)", "区間"),
            tr(lang, "view", "撮影方向"),
            view_name(a.view, lang)
        ));
        for seg in &a.segments {
            let verdicts: Vec<String> = s
                .criteria
                .iter()
                .filter_map(|c| {
                    let on = seg.id();
                    let j = c.judgements.iter().find(|j| j.on == on)?;
                    (j.verdict != Verdict::CannotAssess).then(|| {
                        format!(
                            "{} {} ({})",
                            c.id,
                            j.verdict.label(lang),
                            fmt_value(j.value)
                        )
                    })
                })
                .collect();
            // A gait step's last heel strike has no next one in the clip: an instant.
            let span = if seg.end_s > seg.start_s {
                format!("{:.2}-{:.2}", seg.start_s, seg.end_s)
            } else {
                format!("{:.2}", seg.start_s)
            };
            out.push_str(&format!(
                "  {}: {span} {}  {}\n",
                seg.label(lang),
                tr(lang, "s", "秒"),
                verdicts.join(", ")
            ));
        }
        for note in &a.notes {
            out.push_str(&format!(
                "  {} {}\n",
                tr(lang, "note:", "注:"),
                note.get(lang)
            ));
        }
        for c in &s.criteria {
            let detail = match (&c.reason, &c.pass_threshold) {
                (Some(reason), _) => reason.get(lang).to_string(),
                (None, Some(th)) => {
                    // A per-clip value is the value itself, with its ± where it has one; a
                    // per-repetition one is the middle of the judged repetitions.
                    let value = fmt_value(c.verdict_value());
                    let shown = match crate::movement::scope(a.movement, &c.quantity) {
                        Some(crate::movement::Scope::PerRep) => {
                            format!("{} {value}", tr(lang, "median", "中央値"))
                        }
                        _ => match a.metrics.get(&c.quantity).and_then(|m| m.uncertainty) {
                            Some(u) => format!("{value} ± {}", fmt_value(Some(u))),
                            None => value,
                        },
                    };
                    format!(
                        "{shown} ({} {th})",
                        tr(lang, "pass", "良好の基準"),
                        th = th.get(lang)
                    )
                }
                _ => String::new(),
            };
            out.push_str(&format!(
                "  {:<5} {:<14} {} — {}\n",
                c.id,
                c.verdict.label(lang),
                c.name.get(lang),
                detail
            ));
        }
        match s.score {
            Some(score) => out.push_str(&format!(
                "{} {score:.0}/100 {}\n",
                tr(lang, "score:", "スコア:"),
                tr(
                    lang,
                    "(over the criteria that could be assessed)",
                    "（評価できた項目について）"
                )
            )),
            None => out.push_str(tr(
                lang,
                "score: none (no criterion could be assessed)\n",
                "スコア: なし（評価できた項目がありません）\n",
            )),
        }
        if !s.work_on.is_empty() {
            out.push_str(tr(lang, "to work on:\n", "取り組むとよいこと:\n"));
            for id in &s.work_on {
                if let Some(c) = s.criteria.iter().find(|c| &c.id == id) {
                    out.push_str(&format!(
                        "  {id}: {}\n",
                        c.feedback.as_ref().map_or("", |f| f.get(lang))
                    ));
                }
            }
        }
    }
    out.push_str(&report.notice.line(lang));
    out.push('\n');
    out
}

/// Writes `analysis.json` and what the report reads beside it (docs/report.md): the track
/// for key frames, and the kinematics with its CSV and OpenSim exports. Returns the JSON.
pub fn write_analysis(
    output: &Path,
    track: &PoseTrack,
    kinematics: &Kinematics,
    report: &AnalysisReport,
) -> Result<String> {
    std::fs::create_dir_all(output)
        .map_err(|e| Error::io(format!("cannot create {}", output.display()), e))?;
    keypoints::write_json(track, &output.join(keypoints::JSON_FILE))?;
    export::write_all(kinematics, output)?;
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| Error::Internal(format!("analysis.json: {e}")))?;
    atomic::write(&output.join("analysis.json"), json.as_bytes())?;
    Ok(json)
}

/// Runs `ugoki analyze`.
pub fn run(args: AnalyzeArgs) -> Result<()> {
    let criteria_override = args.criteria.as_deref().map(criteria::read).transpose()?;
    let is_track = args.input.is_dir() || args.input.extension().is_some_and(|e| e == "json");
    let video = if is_track {
        None
    } else {
        Some(args.input.to_str().ok_or_else(|| {
            Error::Usage(format!(
                "{}: the path is not valid UTF-8; rename the file",
                args.input.display()
            ))
        })?)
    };
    let track = match video {
        None => read_track(&args.input)?,
        Some(video) => {
            track_video(
                video,
                args.model,
                None,
                args.in_flight.frames(),
                &SubjectOptions::default(),
                args.quiet || args.json,
            )?
            .track
        }
    };
    let kinematics = compute(&track, &KinematicsOptions::default())?;
    let (report, spine) = analyze_kinematics(
        &kinematics,
        &track,
        video.map(BackOutlines::Video),
        None,
        args.movement,
        criteria_override.as_ref(),
    )?;
    let json = write_analysis(&args.output, &track, &kinematics, &report)?;
    if args.json {
        println!("{json}");
    } else {
        print!("{}", summary(&report, args.lang));
    }
    if let Some(out) = &args.overlay {
        let source = crate::source::open(&track.source.name)?;
        let bend = spine.as_ref().and_then(|s| s.forward_bend().ok());
        annotated::write_annotated(source, &track, &kinematics, bend, &report, args.lang, out)?;
    }
    if args.report {
        let html = args.output.join(crate::cli::report::HTML_FILE);
        crate::cli::report::write_report(&args.output, &html, args.lang)?;
        if !args.json {
            println!("wrote {}", html.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::shipped;
    use crate::kinematics::view::View;
    use crate::text::Text;

    fn hinge_report() -> AnalysisReport {
        let analysis = MovementAnalysis {
            movement: Movement::Hinge,
            view: View::Oblique,
            segments: Vec::new(),
            metrics: Default::default(),
            notes: vec![Text::new("a note", "注記")],
        };
        AnalysisReport {
            schema_version: ANALYSIS_SCHEMA_VERSION,
            source: "clip.mp4".into(),
            duration_s: 1.0,
            requested: "hinge".into(),
            recognition: None,
            assessment: Some(assess(&analysis, &shipped(Movement::Hinge))),
            analysis: Some(analysis),
            notice: Notice::default(),
        }
    }

    #[test]
    fn the_summary_frames_the_results_in_the_chosen_language() {
        let ja = summary(&hinge_report(), Lang::Ja);
        for needle in [
            "ヒップヒンジ: 0 区間, 撮影方向 斜め",
            "注: 注記",
            "足を肩幅に開く",
        ] {
            assert!(ja.contains(needle), "{needle} missing from\n{ja}");
        }
        assert!(!ja.contains("segment(s)"), "{ja}");
        let en = summary(&hinge_report(), Lang::En);
        assert!(en.contains("hip hinge: 0 segment(s), view oblique"), "{en}");
        assert!(en.contains("note: a note"), "{en}");
        assert!(en.contains("Feet shoulder-width apart"), "{en}");
    }

    #[test]
    fn a_clip_value_is_shown_with_its_uncertainty() {
        let measure = |value: f64, u: f64| {
            crate::movement::Measure::value(value, "%", "test", 1.0).with_uncertainty(Some(u))
        };
        let report = |symmetry| {
            let analysis = MovementAnalysis {
                movement: Movement::Gait,
                view: View::Side,
                segments: Vec::new(),
                metrics: [("step_time_symmetry".to_string(), symmetry)].into(),
                notes: Vec::new(),
            };
            AnalysisReport {
                requested: "gait".into(),
                assessment: Some(assess(&analysis, &shipped(Movement::Gait))),
                analysis: Some(analysis),
                ..hinge_report()
            }
        };
        let g5 = |text: String| text.lines().find(|l| l.contains("G5")).unwrap().to_string();
        // Judged: G5 passes up to 5 %, and 1.15 ± 2.67 lies within it.
        let judged = g5(summary(&report(measure(1.15, 2.67)), Lang::En));
        assert!(
            judged.contains("pass") && judged.contains("— 1.15 ± 2.67 (pass ≤ 5 %)"),
            "{judged}"
        );
        // Too uncertain: the reason gives the interval.
        let unsure = g5(summary(&report(measure(0.1, 7.1)), Lang::En));
        assert!(
            unsure.contains("0.1 ± 7.1 % spans more than one verdict"),
            "{unsure}"
        );
    }
}
