//! The self-contained HTML report (`report.html`): header with score and what to work on, the
//! red-flag notice, the per-criterion table, SVG plots, key frames and method notes, in
//! English or Japanese. Inline CSS and SVG only; nothing is fetched from a network.

use super::keyframes::KeyFrame;
use super::svg::{escape, Band, BarPlot, LinePlot, Mark, Series};
use crate::cli::analyze::AnalysisReport;
use crate::criteria::scoring::{view_name, CriterionResult, Verdict};
use crate::criteria::with_unit;
use crate::kinematics::calibration::CalibrationMethod;
use crate::kinematics::spine::forward_bend::spinal_part_note;
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::movement::hinge::RHYTHM_METRICS;
use crate::movement::{segment_label, Movement, MovementAnalysis};
use crate::text::{tr, Lang, Text};
use std::fmt::Write as _;

/// Everything the page shows.
pub struct ReportContent<'a> {
    pub analysis: &'a AnalysisReport,
    pub kinematics: &'a Kinematics,
    /// The key frames, or why there are none.
    pub key_frames: std::result::Result<Vec<KeyFrame>, String>,
    /// Export files beside the report (relative names) that exist.
    pub exports: Vec<String>,
    /// `YYYY-MM-DD` the report was made.
    pub date: String,
    pub lang: Lang,
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
        Verdict::CannotAssess => "cannot_assess",
    }
}

fn fmt_value(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic",system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin-top:1.6em;border-bottom:2px solid #ddd;padding-bottom:4px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:4px 16px;margin:8px 0}
.facts div{overflow-wrap:anywhere}.facts div span{color:#666;display:block;font-size:.85em}
.score{font-size:2.6em;font-weight:700;margin:8px 0}
.notice{background:#fff4e5;border-left:5px solid #e69f00;padding:10px 14px;margin:14px 0}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.92em}
th,td{border:1px solid #ddd;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.verdict{font-weight:700;padding:1px 6px;border-radius:4px;white-space:nowrap}
.pass{background:#d7f0dd;color:#14532d}.warn{background:#fff0c2;color:#6b4b00}.fail{background:#fbd5d5;color:#7f1d1d}.cannot_assess{background:#e5e7eb;color:#374151}
svg.plot{width:100%;height:auto;background:#fff;border:1px solid #e2e2e2;margin:8px 0;font-size:12px}
svg .title{font-weight:700;font-size:14px}svg .na{fill:#999;font-size:11px}
.missing{color:#555;font-style:italic}
.frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px}
figure{margin:0;background:#fff;border:1px solid #e2e2e2;padding:6px}figure img{width:100%;height:auto;display:block}
figcaption{font-size:.9em;color:#444;margin-top:4px}
.small{font-size:.88em;color:#444}
"#;

fn header(out: &mut String, c: &ReportContent) {
    let (lang, report) = (c.lang, c.analysis);
    let movement = report.analysis.as_ref().map(|a| a.movement);
    let title = movement.map_or(
        tr(lang, "No movement found", "動作が見つかりません"),
        |m| m.name(lang),
    );
    let _ = write!(
        out,
        r#"<header><h1>{}: {}</h1><div class="facts">"#,
        tr(lang, "Movement report", "動作レポート"),
        escape(title)
    );
    let view = report
        .analysis
        .as_ref()
        .map_or("-", |a| view_name(a.view, lang));
    let height = match &c.kinematics.calibration.method {
        Some(CalibrationMethod::SubjectHeight {
            height_m, assumed, ..
        }) => format!(
            "{height_m:.2} m{}",
            if *assumed {
                tr(lang, " (assumed)", "（仮定値）")
            } else {
                tr(lang, " (given)", "（入力値）")
            }
        ),
        Some(CalibrationMethod::KnownDistance { distance, .. }) => format!(
            "{} {:.2} m",
            tr(lang, "scale from a known distance of", "既知の距離"),
            distance.metres
        ),
        None => tr(lang, "unknown", "不明").to_string(),
    };
    let facts = [
        (tr(lang, "Clip", "動画"), report.source.clone()),
        (
            tr(lang, "Duration", "長さ"),
            format!("{:.1} s", report.duration_s),
        ),
        (tr(lang, "Date", "作成日"), c.date.clone()),
        (tr(lang, "Camera view", "カメラの向き"), view.to_string()),
        (
            tr(lang, "Pose model", "姿勢推定モデル"),
            c.kinematics.model.clone(),
        ),
        (tr(lang, "Subject height", "身長"), height),
    ];
    for (label, value) in facts {
        let _ = write!(
            out,
            "<div><span>{}</span>{}</div>",
            escape(label),
            escape(&value)
        );
    }
    out.push_str("</div>");
    if let Some(r) = &report.recognition {
        let _ = write!(
            out,
            r#"<p class="small">{}: {}</p>"#,
            tr(lang, "Recognised automatically", "自動認識"),
            escape(r.reason.get(lang))
        );
    }
    if let Some(s) = &report.assessment {
        let score = s
            .score
            .map_or_else(|| "—".to_string(), |v| format!("{v:.0}/100"));
        let _ = write!(
            out,
            r#"<div class="score" id="score">{}</div><p class="small">{}</p>"#,
            escape(&score),
            tr(
                lang,
                "Over the criteria that could be assessed: pass = 1, warn = ½, fail = 0 per repetition.",
                "評価できた項目について、各回の 良好 = 1、注意 = ½、要改善 = 0 の平均です。"
            )
        );
        if !s.work_on.is_empty() {
            let _ = write!(
                out,
                "<h2>{}</h2><ol id=\"work-on\">",
                tr(lang, "What to work on", "取り組むとよいこと")
            );
            for id in &s.work_on {
                if let Some(cr) = s.criteria.iter().find(|cr| &cr.id == id) {
                    let _ = write!(
                        out,
                        "<li><strong>{}</strong> — {}</li>",
                        escape(cr.name.get(lang)),
                        escape(cr.feedback.as_ref().map_or("", |f| f.get(lang)))
                    );
                }
            }
            out.push_str("</ol>");
        }
    }
    out.push_str("</header>");
}

fn notice(out: &mut String, c: &ReportContent) {
    let n = &c.analysis.notice;
    let (red, not_dx) = match c.lang {
        Lang::En => (&n.red_flags_en, &n.not_a_diagnosis_en),
        Lang::Ja => (&n.red_flags_ja, &n.not_a_diagnosis_ja),
    };
    let _ = write!(
        out,
        r#"<div class="notice" id="notice"><strong>{}</strong> {} <br>{}</div>"#,
        tr(c.lang, "Please note:", "ご注意:"),
        escape(red),
        escape(not_dx)
    );
}

/// A back-shape class for people, in `lang`.
fn class_name(class: &str, lang: Lang) -> String {
    let name = match class {
        "rounded" => tr(lang, "rounded", "丸まり"),
        "neutral" => tr(lang, "neutral", "中間位"),
        "hollow" => tr(lang, "hollow", "反り"),
        other => other,
    };
    escape(name)
}

/// The class a judged value grades (the back shape's `rounded`, say), from the segment the
/// judgement is on.
fn judged_class(a: Option<&MovementAnalysis>, quantity: &str, on: &str) -> Option<String> {
    a?.segments
        .iter()
        .find(|s| s.id() == on)?
        .metrics
        .get(quantity)?
        .class
        .clone()
}

fn criterion_row(out: &mut String, cr: &CriterionResult, a: Option<&MovementAnalysis>, lang: Lang) {
    let values: Vec<String> = cr
        .judgements
        .iter()
        .map(|j| match j.value {
            // A value measured but not judged (seen too poorly, too uncertain) says why, unless
            // the criterion's own reason, shown beside its verdict, already does.
            Some(v) => format!(
                r#"{}: {}{} <span class="verdict {}">{}</span>{}"#,
                escape(&segment_label(&j.on, lang)),
                escape(&with_unit(&fmt_value(v), &cr.unit, lang)),
                judged_class(a, &cr.quantity, &j.on)
                    .map_or(String::new(), |c| format!(" ({})", class_name(&c, lang))),
                verdict_class(j.verdict),
                j.verdict.label(lang),
                j.reason
                    .as_ref()
                    .filter(|r| Some(*r) != cr.reason.as_ref())
                    .map_or(String::new(), |r| format!(" ({})", escape(r.get(lang))))
            ),
            // The criterion's own reason is shown once, beside its verdict.
            None if j.reason == cr.reason => {
                format!("{}: —", escape(&segment_label(&j.on, lang)))
            }
            None => format!(
                "{}: — ({})",
                escape(&segment_label(&j.on, lang)),
                escape(j.reason.as_ref().map_or("-", |r| r.get(lang)))
            ),
        })
        .collect();
    let threshold = match (&cr.pass_threshold, &cr.warn_threshold) {
        (Some(p), Some(w)) => format!(
            "{} {}<br>{} {}",
            Verdict::Pass.label(lang),
            escape(p.get(lang)),
            Verdict::Warn.label(lang),
            escape(w.get(lang))
        ),
        (Some(p), None) => format!("{} {}", Verdict::Pass.label(lang), escape(p.get(lang))),
        _ => "—".into(),
    };
    let _ = write!(
        out,
        r#"<tr class="criterion" data-criterion="{id}" data-verdict="{vc}"><td><strong>{id}</strong> {name}<br><span class="small">{doc} {sec}</span></td><td>{values}</td><td>{threshold}</td><td><span class="verdict {vc}">{label}</span>{reason}</td></tr>"#,
        id = escape(&cr.id),
        name = escape(cr.name.get(lang)),
        doc = escape(&format!("{} {}", tr(lang, "document", "資料"), cr.document)),
        sec = escape(&cr.section),
        values = if values.is_empty() {
            "—".into()
        } else {
            values.join("<br>")
        },
        vc = verdict_class(cr.verdict),
        label = cr.verdict.label(lang),
        reason = cr
            .reason
            .as_ref()
            .map(|r| format!(r#"<br><span class="small">{}</span>"#, escape(r.get(lang))))
            .unwrap_or_default(),
    );
}

fn criteria_table(out: &mut String, c: &ReportContent) {
    let lang = c.lang;
    let Some(s) = &c.analysis.assessment else {
        return;
    };
    let _ = write!(
        out,
        r#"<h2>{}</h2><table id="criteria"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        tr(lang, "Criteria", "評価項目"),
        tr(lang, "Criterion (reference)", "項目（出典）"),
        tr(lang, "Measured, per repetition", "各回の測定値"),
        tr(lang, "Threshold", "基準"),
        tr(lang, "Verdict", "判定"),
    );
    for cr in &s.criteria {
        criterion_row(out, cr, c.analysis.analysis.as_ref(), lang);
    }
    out.push_str("</tbody></table>");
}

/// Angle channels shown over time, per movement.
fn time_channels(m: Movement) -> &'static [&'static str] {
    match m {
        Movement::Hinge => &[
            "trunk",
            "left_hip_flexion",
            "right_hip_flexion",
            "left_knee_flexion",
            "right_knee_flexion",
        ],
        Movement::Sts => &[
            "trunk",
            "left_hip_flexion",
            "right_hip_flexion",
            "left_knee_flexion",
            "right_knee_flexion",
            "left_ankle_dorsiflexion",
        ],
        Movement::Gait => &[
            "left_hip_flexion",
            "right_hip_flexion",
            "left_knee_flexion",
            "right_knee_flexion",
            "trunk",
        ],
        Movement::Rotation => &["shoulders", "pelvis", "trunk", "head"],
    }
}

/// Per-repetition bar plots: (English title, Japanese title, y label, metrics, stacked).
type BarSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    bool,
);

fn bar_specs(m: Movement) -> &'static [BarSpec] {
    match m {
        Movement::Hinge => &[
            (
                "Peak angles per repetition",
                "各回の最大角度",
                "angle (deg)",
                &[
                    "peak_trunk_flexion",
                    "peak_hip_flexion",
                    "peak_knee_flexion",
                ],
                false,
            ),
            (
                "Hip vs spinal contribution per repetition (at the deepest point)",
                "各回の股関節と脊柱の寄与（最深点）",
                "flexion from standing (deg)",
                &["hip_part", "spinal_part"],
                true,
            ),
        ],
        Movement::Sts => &[
            (
                "Rise and sit durations",
                "立ち上がり・着座の時間",
                "time (s)",
                &["rise_duration", "sit_duration"],
                false,
            ),
            (
                "Trunk inclination at seat-off",
                "離殿時の体幹前傾",
                "angle (deg)",
                &["trunk_inclination_at_seat_off"],
                false,
            ),
        ],
        Movement::Gait => &[(
            "Step times, left and right",
            "左右の歩行時間（1歩）",
            "time (s)",
            &["left step_time", "right step_time"],
            false,
        )],
        Movement::Rotation => &[(
            "Thoracic and pelvis rotation per turn",
            "各回旋の胸椎と骨盤の回旋",
            "rotation (deg)",
            &["thoracic_rotation_range", "pelvis_rotation_range"],
            false,
        )],
    }
}

/// A segment's value of `metric`; `left step_time` / `right step_time` take the step time of
/// steps ending on that foot (the heel strike that closes the step).
fn segment_value<'a>(
    seg: &'a crate::movement::Segment,
    metric: &str,
) -> (Option<f64>, Option<&'a Text>) {
    let (name, side) = match metric.split_once(' ') {
        Some((side, name)) => (name, Some(side)),
        None => (metric, None),
    };
    if let Some(side) = side {
        let strike = format!("{side}_heel_strike");
        let ends_on_side = seg
            .events
            .iter()
            .max_by(|a, b| a.time_s.total_cmp(&b.time_s))
            .is_some_and(|e| e.name == strike);
        if !ends_on_side {
            return (None, None);
        }
    }
    match seg.metrics.get(name) {
        Some(m) => (m.value, m.cannot_assess.as_ref()),
        None => (None, None),
    }
}

fn plots(out: &mut String, c: &ReportContent, a: &MovementAnalysis) {
    let lang = c.lang;
    let k = c.kinematics;
    let _ = write!(out, "<h2>{}</h2>", tr(lang, "Plots", "グラフ"));
    let series: Vec<Series> = time_channels(a.movement)
        .iter()
        .filter_map(|name| k.angle(name))
        .filter(|ch| ch.values.iter().any(Option::is_some))
        .map(|ch| Series {
            name: ch.name.clone(),
            values: ch.values.clone(),
        })
        .collect();
    let main_segments = a
        .segments
        .iter()
        .filter(|s| !matches!(s.kind.as_str(), "step"));
    let line = LinePlot {
        title: tr(
            lang,
            "Joint and segment angles over time",
            "関節・体節角度の時間変化",
        )
        .into(),
        x_label: tr(lang, "time (s)", "時間 (s)").into(),
        y_label: tr(lang, "angle (deg)", "角度 (deg)").into(),
        x: k.times_s.clone(),
        series,
        bands: main_segments
            .map(|s| Band {
                start: s.start_s,
                end: s.end_s,
                label: s.label(lang),
            })
            .collect(),
        marks: a
            .segments
            .iter()
            .flat_map(|s| s.events.iter())
            .map(|e| Mark {
                at: e.time_s,
                label: e.name.clone(),
            })
            .collect(),
    };
    push_plot(
        out,
        line.to_svg(),
        tr(
            lang,
            "No angle could be measured.",
            "角度を測定できませんでした。",
        ),
    );

    for (title_en, title_ja, y_label, metrics, stacked) in bar_specs(a.movement) {
        let segments: Vec<&crate::movement::Segment> = a
            .segments
            .iter()
            .filter(|s| {
                metrics.iter().any(|m| {
                    segment_value(s, m).0.is_some()
                        || s.metrics.contains_key(m.rsplit(' ').next().unwrap_or(m))
                })
            })
            .collect();
        let mut reasons = Vec::new();
        let series: Vec<Series> = metrics
            .iter()
            .map(|m| Series {
                name: (*m).to_string(),
                values: segments
                    .iter()
                    .map(|s| {
                        let (v, reason) = segment_value(s, m);
                        reasons.extend(reason.map(|r| format!("{m}: {}", r.get(lang))));
                        v
                    })
                    .collect(),
            })
            .collect();
        let plot = BarPlot {
            title: tr(lang, title_en, title_ja).into(),
            x_label: tr(lang, "repetition", "回").into(),
            y_label: (*y_label).into(),
            groups: segments.iter().map(|s| s.label(lang)).collect(),
            series,
            stacked: *stacked,
        };
        reasons.sort();
        reasons.dedup();
        let svg = plot.to_svg();
        let missing = format!(
            "{}: {}",
            tr(lang, title_en, title_ja),
            if reasons.is_empty() {
                tr(lang, "nothing measured", "測定値なし").to_string()
            } else {
                reasons.join("; ")
            }
        );
        if svg.is_some() && !reasons.is_empty() {
            let _ = write!(
                out,
                r#"<p class="missing">{}</p>"#,
                escape(&reasons.join("; "))
            );
        }
        push_plot(out, svg, &missing);
    }
    match a.movement {
        Movement::Hinge => rhythm_plot(out, c, a),
        Movement::Rotation => rotation_sides_plot(out, c, a),
        Movement::Sts | Movement::Gait => {}
    }
    if a.movement == Movement::Gait {
        sway_plot(out, c, a);
    }
}

/// Half the span of the moving average taken out of the pelvis path: the span (1 s) is about
/// one stride at a normal cadence, so what remains is each step's rise and fall and side shift,
/// without the walk's progression or a walker's slow drift nearer to or away from the camera.
const SWAY_HALF_WINDOW_S: f64 = 0.5;
/// Least share of a window's frames that must be measured to give a trend (a window mostly in
/// a gap would leave the gap's edge as sway).
const SWAY_MIN_COVERAGE: f64 = 0.6;

/// `values` minus their centred moving average over ±`half` s; `None` where a value or its
/// window is missing.
fn detrended(times: &[f64], values: &[Option<f64>], half: f64) -> Vec<Option<f64>> {
    let (mut lo, mut hi) = (0, 0);
    let (mut sum, mut count) = (0.0, 0usize);
    let mut out = Vec::with_capacity(values.len());
    // Frame times a whole window apart must both count whatever their rounding, or a steady
    // walk leaves half a frame's travel as sway.
    let half = half + 1e-6;
    for (i, t) in times.iter().enumerate() {
        while hi < times.len() && times[hi] <= t + half {
            if let Some(v) = values[hi] {
                sum += v;
                count += 1;
            }
            hi += 1;
        }
        while times[lo] < t - half {
            if let Some(v) = values[lo] {
                sum -= v;
                count -= 1;
            }
            lo += 1;
        }
        let covered = count as f64 >= SWAY_MIN_COVERAGE * (hi - lo) as f64;
        out.push(match values.get(i).copied().flatten() {
            Some(v) if covered && count > 0 => Some(v - sum / count as f64),
            _ => None,
        });
    }
    out
}

/// The pelvis (mid-hip) path over time, around its moving average: up and down in every view,
/// side to side only where the camera sees the walker from the front or back (from the side,
/// the image's horizontal is the walking direction). Centimetres with the subject-height
/// scale, else pixels.
fn sway_plot(out: &mut String, c: &ReportContent, a: &MovementAnalysis) {
    let lang = c.lang;
    let k = c.kinematics;
    let title = tr(
        lang,
        "Pelvis sway (mid-hip)",
        "骨盤の動揺（左右股関節の中点）",
    );
    let Some(hip) = k.points.iter().find(|p| p.name == "mid_hip") else {
        let _ = write!(
            out,
            r#"<p class="missing">{}: {}</p>"#,
            escape(title),
            tr(
                lang,
                "the hips were not tracked",
                "股関節を追跡できませんでした"
            )
        );
        return;
    };
    let (unit, per_px) = match k.calibration.metres_per_pixel {
        Some(m) => ("cm", m * 100.0),
        None => ("px", 1.0),
    };
    let scaled = |v: Vec<Option<f64>>| -> Vec<Option<f64>> {
        v.into_iter().map(|v| v.map(|v| v * per_px)).collect()
    };
    let up: Vec<Option<f64>> = hip.y.iter().map(|y| y.map(|y| -y)).collect();
    let vertical = scaled(detrended(&k.times_s, &up, SWAY_HALF_WINDOW_S));
    let facing_camera = |position: usize| {
        k.pass_at(position)
            .is_some_and(|p| matches!(p.view.view, View::Front | View::Back))
    };
    let across: Vec<Option<f64>> = hip
        .x
        .iter()
        .enumerate()
        .map(|(i, x)| x.filter(|_| facing_camera(i)))
        .collect();
    let side = scaled(detrended(&k.times_s, &across, SWAY_HALF_WINDOW_S));
    let mut series = vec![Series {
        name: tr(lang, "up and down", "上下").into(),
        values: vertical,
    }];
    if side.iter().any(Option::is_some) {
        series.push(Series {
            name: tr(lang, "side to side", "左右").into(),
            values: side,
        });
    }
    let plot = LinePlot {
        title: title.into(),
        x_label: tr(lang, "time (s)", "時間 (s)").into(),
        y_label: format!("{} ({unit})", tr(lang, "displacement", "変位")),
        x: k.times_s.clone(),
        series,
        bands: Vec::new(),
        marks: a
            .segments
            .iter()
            .flat_map(|s| s.events.iter())
            .filter(|e| e.name.ends_with("heel_strike"))
            .map(|e| Mark {
                at: e.time_s,
                label: e.name.clone(),
            })
            .collect(),
    };
    let missing = format!(
        "{title}: {}",
        tr(
            lang,
            "the hips were not seen long enough",
            "股関節が十分に見えていません"
        )
    );
    let drawn = plot.to_svg();
    let explained = drawn.is_some();
    push_plot(out, drawn, &missing);
    if explained {
        let _ = write!(
            out,
            r#"<p class="small">{} {}</p>"#,
            tr(
                lang,
                "The mid-hip point's displacement from its 1 s moving average (about one stride), so the walk itself is taken out: up is positive, and side to side the image's right. Dashed lines: heel strikes.",
                "左右股関節の中点の、1秒移動平均（約1ストライド）からの変位です（歩行による移動を除いています）。上方向と画像の右方向が正です。破線は踵接地です。"
            ),
            tr(
                lang,
                "Side to side is drawn only while the camera sees the walker from the front or back; from the side it is the walking direction.",
                "左右の変位は正面または背面から撮影された区間のみ表示します（側面からは進行方向になるため）。"
            )
        );
    }
}

/// Thoracic against pelvis rotation to each side (the clip's largest turns).
fn rotation_sides_plot(out: &mut String, c: &ReportContent, a: &MovementAnalysis) {
    let lang = c.lang;
    let title = tr(
        lang,
        "Thoracic vs pelvis rotation per side",
        "左右の胸椎回旋と骨盤回旋",
    );
    let mut reasons: Vec<String> = Vec::new();
    let series: Vec<Series> = ["thoracic", "pelvis"]
        .iter()
        .map(|part| Series {
            name: format!("{part}_rotation"),
            values: ["left", "right"]
                .iter()
                .map(|side| {
                    let m = a.metrics.get(&format!("{part}_rotation_{side}"))?;
                    reasons.extend(m.cannot_assess.as_ref().map(|r| r.get(lang).to_string()));
                    m.value
                })
                .collect(),
        })
        .collect();
    let plot = BarPlot {
        title: title.into(),
        x_label: tr(lang, "side the upper body turns to", "回旋の向き").into(),
        y_label: tr(lang, "rotation (deg)", "回旋 (deg)").into(),
        groups: vec![
            tr(lang, "left", "左").into(),
            tr(lang, "right", "右").into(),
        ],
        series,
        stacked: false,
    };
    reasons.sort();
    reasons.dedup();
    let missing = format!(
        "{title}: {}",
        if reasons.is_empty() {
            tr(lang, "nothing measured", "測定値なし").to_string()
        } else {
            reasons.join("; ")
        }
    );
    push_plot(out, plot.to_svg(), &missing);
}

/// Trunk-inclination bands of the lumbopelvic rhythm measures (degrees of trunk flexion).
const RHYTHM_BANDS: [(&str, f64); 3] = [
    (RHYTHM_METRICS[0], 15.0),
    (RHYTHM_METRICS[1], 45.0),
    (RHYTHM_METRICS[2], 75.0),
];

/// The lumbopelvic rhythm curve: hip:spine ratio against trunk inclination, one line per rep.
fn rhythm_plot(out: &mut String, c: &ReportContent, a: &MovementAnalysis) {
    let lang = c.lang;
    let reps: Vec<&crate::movement::Segment> = a.segments_of("rep").collect();
    let mut reasons: Vec<String> = Vec::new();
    let series = reps
        .iter()
        .map(|s| Series {
            name: format!("rep {}", s.number),
            values: RHYTHM_BANDS
                .iter()
                .map(|(metric, _)| {
                    let m = s.metrics.get(*metric)?;
                    reasons.extend(m.cannot_assess.as_ref().map(|r| r.get(lang).to_string()));
                    m.value
                })
                .collect(),
        })
        .collect();
    let unit = reps
        .iter()
        .find_map(|s| s.metrics.get(RHYTHM_BANDS[0].0))
        .map_or(String::new(), |m| m.unit.clone());
    let plot = LinePlot {
        title: tr(lang, "Lumbopelvic rhythm", "腰椎骨盤リズム").into(),
        x_label: tr(
            lang,
            "trunk inclination bin centre (deg)",
            "体幹前傾の区間中央 (deg)",
        )
        .into(),
        y_label: format!(
            "{} ({unit})",
            tr(lang, "hip part / spinal part", "股関節 / 脊柱")
        ),
        x: RHYTHM_BANDS.iter().map(|(_, centre)| *centre).collect(),
        series,
        bands: Vec::new(),
        marks: Vec::new(),
    };
    reasons.sort();
    reasons.dedup();
    let missing = format!(
        "{}: {}",
        tr(lang, "Lumbopelvic rhythm", "腰椎骨盤リズム"),
        if reasons.is_empty() {
            tr(lang, "nothing measured", "測定値なし").to_string()
        } else {
            reasons.join("; ")
        }
    );
    push_plot(out, plot.to_svg(), &missing);
}

fn push_plot(out: &mut String, svg: Option<String>, missing: &str) {
    match svg {
        Some(svg) => out.push_str(&svg),
        None => {
            let _ = write!(out, r#"<p class="missing">{}</p>"#, escape(missing));
        }
    }
}

fn key_frames(out: &mut String, c: &ReportContent) {
    let lang = c.lang;
    let _ = write!(out, "<h2>{}</h2>", tr(lang, "Key frames", "キーフレーム"));
    match &c.key_frames {
        Ok(frames) if !frames.is_empty() => {
            out.push_str(r#"<div class="frames">"#);
            for f in frames {
                let _ = write!(
                    out,
                    r#"<figure><img alt="{cap}" src="data:image/jpeg;base64,{}"><figcaption>{cap} — {:.2} s</figcaption></figure>"#,
                    f.jpeg_base64,
                    f.time_s,
                    cap = escape(&f.caption)
                );
            }
            out.push_str("</div>");
        }
        Ok(_) => {
            let _ = write!(
                out,
                r#"<p class="missing">{}</p>"#,
                tr(
                    lang,
                    "No repetition peak to show.",
                    "表示する代表フレームがありません。"
                )
            );
        }
        Err(reason) => {
            let _ = write!(out, r#"<p class="missing">{}</p>"#, escape(reason));
        }
    }
}

fn method_notes(out: &mut String, c: &ReportContent) {
    let lang = c.lang;
    let k = c.kinematics;
    let _ = write!(
        out,
        "<h2>{}</h2><ul class=\"small\" id=\"method\">",
        tr(lang, "Method", "方法")
    );
    let smoothing = format!("{:?}", k.options.signal.smoothing);
    let lines = [
        format!(
            "{} {}. {}",
            tr(lang, "Keypoints from the pose model", "姿勢推定モデル"),
            escape(&k.model),
            tr(
                lang,
                "2-D keypoints in image pixels; each angle is measured in the image plane.",
                "画像上の2次元キーポイントから、画像平面内の角度を測定しています。"
            )
        ),
        format!(
            "{}: {}.",
            tr(
                lang,
                "Keypoints below the confidence threshold are gaps, short gaps are interpolated, then smoothed",
                "信頼度の低い点は欠損とし、短い欠損を補間したのち平滑化"
            ),
            escape(&smoothing)
        ),
        tr(
            lang,
            "Each criterion is judged on each repetition against its pass and warn thresholds; its verdict is the median of the repetitions. A criterion the camera view cannot show is 'cannot assess', with the reason.",
            "各項目は各回ごとに基準で判定し、その中央値を項目の判定とします。カメラの向きから評価できない項目は「評価不可」とし、理由を示します。"
        )
        .to_string(),
    ];
    for line in lines {
        let _ = write!(out, "<li>{line}</li>");
    }
    if let Some(a) = &c.analysis.analysis {
        // What each plotted angle is, in the kinematics' own words.
        for ch in time_channels(a.movement).iter().filter_map(|n| k.angle(n)) {
            let _ = write!(
                out,
                "<li><code>{}</code> ({}): {}</li>",
                escape(&ch.name),
                escape(&ch.unit),
                escape(&ch.method)
            );
        }
        if matches!(a.movement, Movement::Hinge | Movement::Sts) {
            let _ = write!(
                out,
                "<li>{} <code>{}</code></li>",
                tr(
                    lang,
                    "Hip and spinal parts come from the back's outline in a side view (person mask). The spinal part includes thoracic as well as lumbar flexion: one camera cannot separate them, so 'keep the low back neutral' is judged from the back's shape during the bend, not from the spinal part alone.",
                    "股関節と脊柱の寄与は、横からの映像の背中の輪郭（人物マスク）から求めています。脊柱の値には腰椎だけでなく胸椎の屈曲も含まれます。1台のカメラでは両者を分けられないため、「腰を丸めない・反らさない」は脊柱の値だけでなく、曲げている間の背中の形で判定しています。"
                ),
                escape(spinal_part_note().get(lang))
            );
        }
        if a.movement == Movement::Rotation {
            let _ = write!(
                out,
                "<li>{}</li>",
                tr(
                    lang,
                    "Thoracic rotation is the shoulder line turning relative to the pelvis line, from a side-on camera (it includes the small lumbar rotation); follow the protocol: face the camera for 2 s, turn side-on and hold 1 s, then turn each way.",
                    "胸椎回旋は、横向きのカメラで見た骨盤の線に対する肩の線の回旋です（わずかな腰椎の回旋を含みます）。手順: カメラに正対して2秒、横向きで1秒静止し、その後左右に回します。"
                )
            );
        }
        for note in &a.notes {
            let _ = write!(out, "<li>{}</li>", escape(note.get(lang)));
        }
    }
    out.push_str("</ul>");
    if !c.exports.is_empty() {
        let _ = write!(
            out,
            "<h2>{}</h2><ul class=\"small\" id=\"exports\">",
            tr(lang, "Data files", "データファイル")
        );
        for name in &c.exports {
            let what = match name.rsplit('.').next() {
                Some("csv") => tr(
                    lang,
                    "every angle channel per frame (CSV)",
                    "全角度の各フレーム値 (CSV)",
                ),
                Some("mot") => tr(lang, "angles for OpenSim (.mot)", "OpenSim 用角度 (.mot)"),
                Some("trc") => tr(
                    lang,
                    "keypoints for OpenSim (.trc)",
                    "OpenSim 用キーポイント (.trc)",
                ),
                _ => tr(lang, "kinematics (JSON)", "キネマティクス (JSON)"),
            };
            let _ = write!(
                out,
                r#"<li><a href="{n}">{n}</a> — {what}</li>"#,
                n = escape(name)
            );
        }
        out.push_str("</ul>");
    }
}

/// The whole page.
pub fn render(c: &ReportContent) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>ugoki — {}</title><style>{STYLE}</style></head><body><main>"#,
        match c.lang {
            Lang::En => "en",
            Lang::Ja => "ja",
        },
        escape(&c.analysis.source)
    );
    header(&mut out, c);
    notice(&mut out, c);
    criteria_table(&mut out, c);
    if let Some(a) = &c.analysis.analysis {
        plots(&mut out, c, a);
        key_frames(&mut out, c);
    }
    method_notes(&mut out, c);
    out.push_str("</main></body></html>\n");
    out
}

/// Today's date (UTC) as `YYYY-MM-DD`, from the days since 1970 (Hinnant's civil calendar).
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detrending_keeps_the_step_oscillation_and_drops_the_walk() {
        // 30 frames/s; pelvis walking at 40 px/s with a 2 Hz (step-frequency) bob of ±3 px.
        let times: Vec<f64> = (0..120).map(|i| f64::from(i) / 30.0).collect();
        let bob = |t: f64| 3.0 * (2.0 * std::f64::consts::TAU * t).sin();
        let values: Vec<Option<f64>> = times.iter().map(|t| Some(40.0 * t + bob(*t))).collect();
        let sway = detrended(&times, &values, SWAY_HALF_WINDOW_S);
        for (i, (t, v)) in times.iter().zip(&sway).enumerate().skip(15).take(90) {
            let v = v.unwrap_or_else(|| panic!("frame {i} measured"));
            assert!((v - bob(*t)).abs() < 0.35, "frame {i}: {v} vs {}", bob(*t));
        }
    }

    #[test]
    fn a_value_measured_but_not_judged_says_why() {
        use crate::criteria::scoring::{hinge_result, Judgement};
        let mut h4 = hinge_result("H4");
        let poorly_seen = Text::new(
            "confidence 0.27 is below 0.3",
            "信頼度 0.27 が 0.3 未満です",
        );
        h4.judgements = vec![
            Judgement {
                on: "rep 1".into(),
                verdict: Verdict::CannotAssess,
                value: Some(16.4),
                reason: Some(poorly_seen.clone()),
            },
            Judgement {
                on: "rep 2".into(),
                verdict: Verdict::Fail,
                value: Some(12.1),
                reason: None,
            },
        ];
        h4.verdict = Verdict::Fail;
        h4.reason = None;
        let row = |h4: &CriterionResult| {
            let mut out = String::new();
            criterion_row(&mut out, h4, None, Lang::En);
            out
        };
        let html = row(&h4);
        assert!(
            html.contains("16.4 deg <span class=\"verdict cannot_assess\">cannot assess</span> (confidence 0.27 is below 0.3)"),
            "{html}"
        );
        assert!(
            html.contains("12.1 deg <span class=\"verdict fail\">fail</span>"),
            "{html}"
        );
        assert_eq!(html.matches("confidence 0.27").count(), 1, "{html}");
        // Where the criterion itself gives that reason beside its verdict, it is not repeated.
        h4.judgements.truncate(1);
        h4.verdict = Verdict::CannotAssess;
        h4.reason = Some(poorly_seen);
        assert_eq!(
            row(&h4).matches("confidence 0.27").count(),
            1,
            "{}",
            row(&h4)
        );
    }

    #[test]
    fn a_value_beside_a_long_gap_gives_no_sway() {
        let times: Vec<f64> = (0..60).map(|i| f64::from(i) / 30.0).collect();
        let values: Vec<Option<f64>> = (0..60)
            .map(|i| (!(10..40).contains(&i)).then_some(f64::from(i)))
            .collect();
        let sway = detrended(&times, &values, SWAY_HALF_WINDOW_S);
        // Frame 42's window (frames 27..=57) is mostly the gap.
        assert_eq!(sway[42], None);
        assert!(sway[55].is_some());
        assert!(sway[20].is_none());
    }
}
