//! Scoring: each criterion judged on each repetition (or once per clip), then per movement and
//! as a clip score 0-100.
//!
//! A value inside the pass band passes, inside the warn band warns, elsewhere fails. A criterion
//! is "cannot assess" when the camera view is not one it lists, when the quantity could not be
//! measured (the analyzer's reason is kept), when its confidence is below
//! [`MIN_CONFIDENCE`], or when no video can ever show it.

use super::{CriteriaFile, Criterion};
use crate::kinematics::view::View;
use crate::movement::{Measure, Movement, MovementAnalysis};
use crate::text;
use crate::text::{tr, Lang, Text};
use serde::{Deserialize, Serialize};

/// Measures less confident than this are not judged.
pub const MIN_CONFIDENCE: f64 = 0.3;

/// How the clip score is computed (also written into `analysis.json`).
pub const SCORE_METHOD: &str = "each judged repetition counts pass = 1, warn = 0.5, fail = 0; a criterion's score is the mean over its judged repetitions (or its one per-clip verdict); the clip score is 100 × the mean of the criteria scores, over the criteria that could be assessed; none assessed gives no score";

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    CannotAssess,
}

impl Verdict {
    /// Points towards the score; `None` for "cannot assess".
    fn points(self) -> Option<f64> {
        match self {
            Verdict::Pass => Some(1.0),
            Verdict::Warn => Some(0.5),
            Verdict::Fail => Some(0.0),
            Verdict::CannotAssess => None,
        }
    }

    /// Lower-case words for the terminal.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Verdict::Pass => tr(lang, "pass", "良好"),
            Verdict::Warn => tr(lang, "warn", "注意"),
            Verdict::Fail => tr(lang, "fail", "要改善"),
            Verdict::CannotAssess => tr(lang, "cannot assess", "評価不可"),
        }
    }
}

/// One judgement of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// The segment judged (`rep 2`, `rise 1`), or `clip`.
    pub on: String,
    pub verdict: Verdict,
    pub value: Option<f64>,
    /// Why it cannot be assessed.
    pub reason: Option<Text>,
}

/// A criterion's verdicts on a clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub id: String,
    pub name: Text,
    pub document: String,
    pub section: String,
    pub quantity: String,
    pub unit: String,
    /// The pass and warn bands as text (`≥ 0.25 trunk_lengths`).
    pub pass_threshold: Option<Text>,
    pub warn_threshold: Option<Text>,
    /// The verdict for the clip: the median of the judged repetitions' verdicts.
    pub verdict: Verdict,
    /// 0..1, see [`SCORE_METHOD`].
    pub score: Option<f64>,
    pub judgements: Vec<Judgement>,
    /// Why the clip verdict is "cannot assess".
    pub reason: Option<Text>,
    /// Advice, when the verdict is warn or fail, or always for a criterion no video can
    /// assess.
    pub feedback: Option<Text>,
}

impl CriterionResult {
    /// The value behind the clip verdict: the middle one of the judged repetitions' values in
    /// verdict order (then value order), the same upper median the verdict is, so the number
    /// shown beside a verdict always earned it. Values of repetitions that could not be
    /// assessed (too uncertain, keypoints not seen well enough) take no part.
    pub fn verdict_value(&self) -> Option<f64> {
        let mut judged: Vec<(Verdict, f64)> = self
            .judgements
            .iter()
            .filter(|j| j.verdict != Verdict::CannotAssess)
            .filter_map(|j| Some((j.verdict, j.value?)))
            .collect();
        judged.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        judged.get(judged.len() / 2).map(|(_, v)| *v)
    }
}

/// All criteria of one movement on a clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub movement: Movement,
    pub criteria: Vec<CriterionResult>,
    /// 0..100; `None` when no criterion could be assessed.
    pub score: Option<f64>,
    pub score_method: String,
    /// Up to three criterion ids to work on, worst first.
    pub work_on: Vec<String>,
}

/// A camera view's name in `lang`.
pub fn view_name(view: View, lang: Lang) -> &'static str {
    match view {
        View::Side => tr(lang, "side", "側方"),
        View::Front => tr(lang, "front", "正面"),
        View::Back => tr(lang, "back", "後方"),
        View::Oblique => tr(lang, "oblique", "斜め"),
        View::Unknown => tr(lang, "unknown", "不明"),
    }
}

fn views_text(views: &[View], lang: Lang) -> String {
    let names: Vec<&str> = views.iter().map(|v| view_name(*v, lang)).collect();
    names.join(tr(lang, " or ", "または"))
}

/// Why a criterion needing one of `needed` cannot be judged from `shown`.
fn wrong_view(needed: &[View], shown: View) -> Text {
    let (needed_en, shown_en) = (
        with_article(&views_text(needed, Lang::En)),
        with_article(&views_text(&[shown], Lang::En)),
    );
    let (needed_ja, shown_ja) = (views_text(needed, Lang::Ja), views_text(&[shown], Lang::Ja));
    text!(
        "needs {needed_en} view; the camera shows {shown_en} view",
        "{needed_ja}からの撮影が必要です（この動画は{shown_ja}からの撮影です）"
    )
}

/// `text` after its indefinite article ("a side view", "an oblique view").
fn with_article(text: &str) -> String {
    let article = if text.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {text}")
}

fn judge(criterion: &Criterion, on: String, measure: Option<&Measure>, view: View) -> Judgement {
    let cannot = |reason: Text, value: Option<f64>| Judgement {
        on: on.clone(),
        verdict: Verdict::CannotAssess,
        value,
        reason: Some(reason),
    };
    if !criterion.assessable {
        return cannot(criterion.never_reason_text(), None);
    }
    if !criterion.views.contains(&view) {
        return cannot(wrong_view(&criterion.views, view), None);
    }
    let Some(measure) = measure else {
        let quantity = &criterion.quantity;
        return cannot(
            text!(
                "{quantity} was not measured",
                "{quantity} を測定していません"
            ),
            None,
        );
    };
    let Some(value) = measure.value else {
        let reason = measure
            .cannot_assess
            .clone()
            .unwrap_or_else(|| text!("not measured", "測定していません"));
        return cannot(reason, None);
    };
    if measure.confidence < MIN_CONFIDENCE {
        let c = measure.confidence;
        return cannot(
            text!(
                "confidence {c:.2} is below {MIN_CONFIDENCE}: the keypoints are not seen well enough",
                "信頼度 {c:.2} が {MIN_CONFIDENCE} 未満です: キーポイントが十分に見えていません"
            ),
            Some(value),
        );
    }
    let (Some(pass), Some(warn)) = (&criterion.pass, &criterion.warn) else {
        return cannot(
            text!(
                "the criterion has no thresholds",
                "この基準には判定の閾値がありません"
            ),
            Some(value),
        );
    };
    let verdict_at = |v: f64| {
        if pass.contains(v) {
            Verdict::Pass
        } else if warn.contains(v) {
            Verdict::Warn
        } else {
            Verdict::Fail
        }
    };
    let verdict = verdict_at(value);
    if let Some(u) = measure.uncertainty {
        if verdict_at(value - u) != verdict || verdict_at(value + u) != verdict {
            let unit = &measure.unit;
            return cannot(
                text!(
                    "too uncertain to judge: {value:.1} ± {u:.1} {unit} spans more than one verdict",
                    "判定するには不確かすぎます: {value:.1} ± {u:.1} {unit} が複数の判定にまたがります"
                ),
                Some(value),
            );
        }
    }
    Judgement {
        on,
        verdict,
        value: Some(value),
        reason: None,
    }
}

fn median_verdict(judged: &[Verdict]) -> Option<Verdict> {
    let mut v = judged.to_vec();
    v.sort();
    // The upper median: with an even count, the worse of the two middle verdicts.
    v.get(v.len() / 2).copied()
}

/// Judges `analysis` against `criteria`, in English and Japanese.
pub fn assess(analysis: &MovementAnalysis, criteria: &CriteriaFile) -> Assessment {
    let mut results = Vec::new();
    for criterion in &criteria.criterion {
        let scope = crate::movement::scope(analysis.movement, &criterion.quantity);
        let judgements: Vec<Judgement> = match scope {
            Some(crate::movement::Scope::PerRep) => analysis
                .segments
                .iter()
                .filter(|s| s.metrics.contains_key(&criterion.quantity))
                .map(|s| {
                    judge(
                        criterion,
                        s.id(),
                        s.metrics.get(&criterion.quantity),
                        s.view,
                    )
                })
                .collect(),
            _ => vec![judge(
                criterion,
                "clip".into(),
                analysis.metrics.get(&criterion.quantity),
                analysis.view,
            )],
        };
        let judged: Vec<Verdict> = judgements
            .iter()
            .map(|j| j.verdict)
            .filter(|v| *v != Verdict::CannotAssess)
            .collect();
        let verdict = median_verdict(&judged).unwrap_or(Verdict::CannotAssess);
        let score = (!judged.is_empty())
            .then(|| judged.iter().filter_map(|v| v.points()).sum::<f64>() / judged.len() as f64);
        let reason = match (verdict, judgements.first()) {
            (Verdict::CannotAssess, Some(first)) => first.reason.clone(),
            (Verdict::CannotAssess, None) => {
                Some(if scope == Some(crate::movement::Scope::PerRep) {
                    text!(
                        "no repetition was found to judge",
                        "判定できる反復が見つかりませんでした"
                    )
                } else {
                    text!(
                        "no value was found to judge",
                        "判定できる値が見つかりませんでした"
                    )
                })
            }
            _ => None,
        };
        let wants_feedback =
            matches!(verdict, Verdict::Warn | Verdict::Fail) || !criterion.assessable;
        let feedback = wants_feedback.then(|| criterion.feedback.clone());
        results.push(CriterionResult {
            id: criterion.id.clone(),
            name: Text::new(
                &criterion.name,
                criterion.name_ja.as_ref().unwrap_or(&criterion.name),
            ),
            document: criterion.document.clone(),
            section: criterion.section.clone(),
            quantity: criterion.quantity.clone(),
            unit: criterion.unit.clone(),
            pass_threshold: criterion.pass.as_ref().map(|b| b.describe(&criterion.unit)),
            warn_threshold: criterion.warn.as_ref().map(|b| b.describe(&criterion.unit)),
            verdict,
            score,
            judgements,
            reason,
            feedback,
        });
    }
    let scores: Vec<f64> = results.iter().filter_map(|r| r.score).collect();
    let score =
        (!scores.is_empty()).then(|| 100.0 * scores.iter().sum::<f64>() / scores.len() as f64);
    let mut to_work_on: Vec<&CriterionResult> = results
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Warn | Verdict::Fail))
        .collect();
    to_work_on.sort_by(|a, b| {
        b.verdict
            .cmp(&a.verdict)
            .then(a.score.unwrap_or(1.0).total_cmp(&b.score.unwrap_or(1.0)))
    });
    Assessment {
        movement: analysis.movement,
        work_on: to_work_on.iter().take(3).map(|r| r.id.clone()).collect(),
        criteria: results,
        score,
        score_method: SCORE_METHOD.into(),
    }
}

/// Criterion `id` as assessed on a side-view hinge with nothing measured (for tests that
/// set its judgements by hand).
#[cfg(test)]
pub(crate) fn hinge_result(id: &str) -> CriterionResult {
    let analysis = MovementAnalysis {
        movement: Movement::Hinge,
        view: View::Side,
        segments: Vec::new(),
        metrics: Default::default(),
        notes: Vec::new(),
    };
    assess(&analysis, &crate::criteria::shipped(Movement::Hinge))
        .criteria
        .into_iter()
        .find(|c| c.id == id)
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::shipped;

    fn g5_at(value: f64, uncertainty: Option<f64>) -> Judgement {
        let file = shipped(Movement::Gait);
        let g5 = file.criterion.iter().find(|c| c.id == "G5").unwrap();
        let measure = Measure::value(value, "%", "test", 1.0).with_uncertainty(uncertainty);
        judge(g5, "clip".into(), Some(&measure), View::Side)
    }

    #[test]
    fn a_verdict_needs_the_whole_interval_inside_one_band() {
        // G5: pass up to 5 %, warn up to 10 %.
        assert_eq!(g5_at(3.0, None).verdict, Verdict::Pass);
        assert_eq!(g5_at(1.0, Some(3.0)).verdict, Verdict::Pass);
        assert_eq!(g5_at(40.0, Some(5.0)).verdict, Verdict::Fail);
        let unsure = g5_at(3.0, Some(3.0));
        assert_eq!(unsure.verdict, Verdict::CannotAssess);
        assert_eq!(unsure.value, Some(3.0));
        assert!(
            unsure.reason.unwrap().ja.contains("3.0 ± 3.0 %"),
            "the reason gives the interval"
        );
    }

    #[test]
    fn the_value_beside_a_verdict_is_one_that_earned_it() {
        let file = shipped(Movement::Hinge);
        let h2 = file.criterion.iter().find(|c| c.id == "H2").unwrap();
        let rep = |n: usize, value: f64, confidence: f64| {
            let measure = Measure::value(value, "trunk_lengths", "test", confidence);
            judge(h2, format!("rep {n}"), Some(&measure), View::Side)
        };
        let mut result = hinge_result("H2");
        // H2 passes from 0.25 up: one pass, one fail, and a rep seen too poorly to judge.
        // The verdict is the worse middle one (fail), and so is its value; a plain median of
        // the three values would be the rep not judged.
        result.judgements = vec![rep(1, 0.5, 1.0), rep(2, 0.1, 1.0), rep(3, 0.3, 0.1)];
        assert_eq!(result.verdict_value(), Some(0.1));
        result.judgements.truncate(1);
        assert_eq!(result.verdict_value(), Some(0.5));
        result.judgements = vec![rep(1, 0.3, 0.1)];
        assert_eq!(result.verdict_value(), None);
    }

    #[test]
    fn criteria_are_named_in_both_languages() {
        let h5 = hinge_result("H5");
        assert_eq!(h5.name.get(Lang::En), "Slow repetitions");
        assert_eq!(h5.name.get(Lang::Ja), "ゆっくり繰り返す");
    }

    #[test]
    fn a_criterion_for_other_views_names_both_views_in_both_languages() {
        let file = shipped(Movement::Hinge);
        let h2 = file.criterion.iter().find(|c| c.id == "H2").unwrap();
        let measure = Measure::value(0.4, "trunk_lengths", "test", 1.0);
        let judged = judge(h2, "clip".into(), Some(&measure), View::Oblique);
        assert_eq!(judged.verdict, Verdict::CannotAssess);
        let reason = judged.reason.unwrap();
        assert_eq!(
            reason.en,
            "needs a side view; the camera shows an oblique view"
        );
        assert_eq!(
            reason.ja,
            "側方からの撮影が必要です（この動画は斜めからの撮影です）"
        );
    }
}
