//! Criteria files: one TOML file per movement (`criteria/*.toml`, shipped inside the binary and
//! replaceable with `--criteria FILE`), one entry per criterion of the source documents, with
//! its thresholds, views, sources and feedback in English and Japanese.
//!
//! [`parse`] reports every problem with the file's line number; [`scoring`] turns a
//! [`MovementAnalysis`](crate::movement::MovementAnalysis) into verdicts. The format is
//! documented in `docs/criteria.md`.

pub mod scoring;

use crate::kinematics::view::View;
use crate::movement::{quantities, Movement};
use crate::text::{tr, Lang, Text};
use serde::{Deserialize, Serialize};
use std::path::Path;
use toml::Spanned;

/// Version of the criteria file format.
pub const CRITERIA_SCHEMA_VERSION: u32 = 1;

/// The criteria files shipped with ugoki, by movement.
const SHIPPED: [(Movement, &str, &str); 4] = [
    (
        Movement::Hinge,
        "criteria/hinge.toml",
        include_str!("../../criteria/hinge.toml"),
    ),
    (
        Movement::Sts,
        "criteria/sts.toml",
        include_str!("../../criteria/sts.toml"),
    ),
    (
        Movement::Gait,
        "criteria/gait.toml",
        include_str!("../../criteria/gait.toml"),
    ),
    (
        Movement::Rotation,
        "criteria/rotation.toml",
        include_str!("../../criteria/rotation.toml"),
    ),
];

/// A range of values: inside when `min <= value <= max` (a missing bound is open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Where the numbers come from: a literature reference or "practitioner default".
    pub source: String,
}

impl Band {
    /// Whether `value` lies inside the band.
    pub fn contains(&self, value: f64) -> bool {
        self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m)
    }

    /// The band as text with its unit, e.g. `≥ 0.25 trunk_lengths`, `≤ 15 deg`, `20–55 deg`.
    pub fn describe(&self, unit: &str) -> Text {
        let in_lang = |lang| match (self.min, self.max) {
            (Some(a), Some(b)) => with_unit(&format!("{a}–{b}"), unit, lang),
            (Some(a), None) => with_unit(&format!("≥ {a}"), unit, lang),
            (None, Some(b)) => with_unit(&format!("≤ {b}"), unit, lang),
            (None, None) => tr(lang, "any value", "どの値でも").into(),
        };
        Text::new(in_lang(Lang::En), in_lang(Lang::Ja))
    }
}

/// `value` followed by its unit as shown to people in `lang`: `58.4 deg`, `58.4°`, `0.91`.
pub fn with_unit(value: &str, unit: &str, lang: Lang) -> String {
    match unit_label(unit, lang) {
        "" => value.to_string(),
        "°" => format!("{value}°"),
        u => format!("{value} {u}"),
    }
}

/// A criterion's unit as shown to people in `lang`; empty for a plain number. English shows
/// the unit's name (`trunk_lengths`), as analysis.json and the docs do.
pub fn unit_label(unit: &str, lang: Lang) -> &str {
    match (unit, lang) {
        ("ratio" | "dimensionless" | "fraction" | "none", _) => "",
        (u, Lang::En) => u,
        ("deg", Lang::Ja) => "°",
        ("s", Lang::Ja) => "秒",
        ("turns", Lang::Ja) => "回",
        ("trunk_lengths", Lang::Ja) => "× 体幹の長さ",
        ("shank_lengths", Lang::Ja) => "× すねの長さ",
        ("body_heights", Lang::Ja) => "× 身長",
        ("body_heights/s", Lang::Ja) => "× 身長/秒",
        (u, Lang::Ja) => u,
    }
}

/// One criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// e.g. `H2`, `S-F1`.
    pub id: String,
    pub name: String,
    /// The name in Japanese, for `--lang ja`; the English name stands in where a file has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_ja: Option<String>,
    /// Source document id (e.g. `004`).
    pub document: String,
    /// Section in that document (e.g. `§3-2`).
    pub section: String,
    /// The passage, in the document's words.
    pub passage: String,
    /// The measured quantity (one the movement's analyzer measures).
    pub quantity: String,
    pub unit: String,
    /// Camera views from which the quantity can be measured.
    pub views: Vec<View>,
    /// `false` for a criterion no video can assess (then `never_reason` says why).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub assessable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub never_reason: Option<String>,
    /// `never_reason` in Japanese (optional: the English stands in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub never_reason_ja: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<Band>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<Band>,
    pub feedback: Text,
    /// A few words for `ugoki live` to show beside the verdict while the person moves.
    pub cue: Text,
}

impl Criterion {
    /// Why no video can assess it, in both languages (the English where no Japanese is given).
    pub fn never_reason_text(&self) -> Text {
        let en = self
            .never_reason
            .clone()
            .unwrap_or_else(|| "no video can show this".into());
        let ja = self.never_reason_ja.clone().unwrap_or_else(|| en.clone());
        Text::new(en, ja)
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A movement's criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaFile {
    pub schema_version: u32,
    pub movement: Movement,
    pub criterion: Vec<Criterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema_version: u32,
    movement: Spanned<String>,
    criterion: Vec<Spanned<Criterion>>,
}

/// A criteria file that cannot be used: `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct CriteriaError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// Parses and validates criteria text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<CriteriaFile, CriteriaError> {
    let error = |byte: usize, message: String| CriteriaError {
        file: file.into(),
        line: line_of(text, byte),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let byte = e.span().map_or(0, |s| s.start);
        error(byte, e.message().trim().replace('\n', " "))
    })?;
    if raw.schema_version != CRITERIA_SCHEMA_VERSION {
        return Err(error(
            text.find("schema_version").unwrap_or(0),
            format!(
                "schema_version {} is not supported; this ugoki reads version {CRITERIA_SCHEMA_VERSION}",
                raw.schema_version
            ),
        ));
    }
    let movement = Movement::from_key(raw.movement.get_ref()).ok_or_else(|| {
        error(
            raw.movement.span().start,
            format!(
                "unknown movement '{}'; expected one of hinge, sts, gait, rotation",
                raw.movement.get_ref()
            ),
        )
    })?;
    if raw.criterion.is_empty() {
        return Err(error(0, "the file holds no [[criterion]] entry".into()));
    }
    let mut criteria = Vec::new();
    for spanned in raw.criterion {
        let at = spanned.span().start;
        let criterion = spanned.into_inner();
        if criteria.iter().any(|c: &Criterion| c.id == criterion.id) {
            return Err(error(
                at,
                format!("criterion '{}' appears twice", criterion.id),
            ));
        }
        validate(&criterion, movement)
            .map_err(|m| error(at, format!("criterion '{}': {m}", criterion.id)))?;
        criteria.push(criterion);
    }
    Ok(CriteriaFile {
        schema_version: raw.schema_version,
        movement,
        criterion: criteria,
    })
}

fn check_band(band: &Band, which: &str) -> Result<(), String> {
    let finite = band.min.is_none_or(f64::is_finite) && band.max.is_none_or(f64::is_finite);
    if !finite {
        return Err(format!("the {which} band has a bound that is not a number"));
    }
    if band.min.is_none() && band.max.is_none() {
        return Err(format!("the {which} band needs a min, a max or both"));
    }
    if let (Some(a), Some(b)) = (band.min, band.max) {
        if a > b {
            return Err(format!("the {which} band's min {a} is above its max {b}"));
        }
    }
    if band.source.trim().is_empty() {
        return Err(format!(
            "the {which} band needs a source (a reference, or \"practitioner default\")"
        ));
    }
    Ok(())
}

fn validate(c: &Criterion, movement: Movement) -> Result<(), String> {
    for (field, value) in [
        ("id", &c.id),
        ("name", &c.name),
        ("document", &c.document),
        ("section", &c.section),
        ("passage", &c.passage),
        ("feedback.en", &c.feedback.en),
        ("feedback.ja", &c.feedback.ja),
        ("cue.en", &c.cue.en),
        ("cue.ja", &c.cue.ja),
    ] {
        if value.trim().is_empty() {
            return Err(format!("{field} is empty"));
        }
    }
    for (field, value) in [
        ("name_ja", &c.name_ja),
        ("never_reason_ja", &c.never_reason_ja),
    ] {
        if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
            return Err(format!("{field} is empty"));
        }
    }
    let Some(quantity) = quantities(movement).iter().find(|q| q.name == c.quantity) else {
        let known: Vec<&str> = quantities(movement).iter().map(|q| q.name).collect();
        return Err(format!(
            "quantity '{}' is not measured for {}; known: {}",
            c.quantity,
            movement.key(),
            known.join(", ")
        ));
    };
    if quantity.unit != c.unit {
        return Err(format!(
            "quantity '{}' is measured in {}, not {}",
            c.quantity, quantity.unit, c.unit
        ));
    }
    if c.views.is_empty() || c.views.contains(&View::Unknown) {
        return Err("views must list side, front, back or oblique".into());
    }
    if !c.assessable {
        if c.never_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
        {
            return Err("assessable = false needs a never_reason".into());
        }
        if c.pass.is_some() || c.warn.is_some() {
            return Err("a criterion that is never assessable has no pass/warn bands".into());
        }
        return Ok(());
    }
    let (Some(pass), Some(warn)) = (&c.pass, &c.warn) else {
        return Err("needs both a pass and a warn band".into());
    };
    check_band(pass, "pass")?;
    check_band(warn, "warn")?;
    let within = |inner: Option<f64>, outer: Option<f64>, low: bool| match (inner, outer) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(i), Some(o)) => {
            if low {
                o <= i
            } else {
                o >= i
            }
        }
    };
    if !(within(pass.min, warn.min, true) && within(pass.max, warn.max, false)) {
        return Err("the warn band must contain the pass band".into());
    }
    Ok(())
}

/// The criteria file as TOML text (parses back to the same value).
pub fn to_toml(file: &CriteriaFile) -> String {
    toml::to_string(file).expect("criteria serialise to TOML: every field is a TOML type")
}

/// The shipped criteria of `movement`.
pub fn shipped(movement: Movement) -> CriteriaFile {
    let (_, name, text) = SHIPPED
        .iter()
        .find(|(m, _, _)| *m == movement)
        .expect("every movement ships a criteria file");
    parse(text, name).expect("shipped criteria files are valid (tested)")
}

/// The shipped files' names and texts (for tests and `--criteria` documentation).
pub fn shipped_texts() -> impl Iterator<Item = (Movement, &'static str, &'static str)> {
    SHIPPED.into_iter()
}

/// Reads a criteria file from disk.
pub fn read(path: &Path) -> crate::Result<CriteriaFile> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::Error::bad_input(path, format!("cannot read the criteria file: {e}"))
    })?;
    parse(&text, &path.display().to_string()).map_err(|e| crate::Error::Usage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_read_with_their_unit_in_either_language() {
        let band = |min, max| Band {
            min,
            max,
            source: "test".into(),
        };
        let lean = band(Some(20.0), Some(55.0)).describe("deg");
        assert_eq!(
            (lean.en.as_str(), lean.ja.as_str()),
            ("20–55 deg", "20–55°")
        );
        let shift = band(Some(0.25), None).describe("trunk_lengths");
        assert_eq!(shift.en, "≥ 0.25 trunk_lengths");
        assert_eq!(shift.ja, "≥ 0.25 × 体幹の長さ");
        let ratio = band(None, Some(0.2)).describe("fraction");
        assert_eq!((ratio.en.as_str(), ratio.ja.as_str()), ("≤ 0.2", "≤ 0.2"));
    }
}
