//! The two languages of ugoki's words: a choice of language, and text written in both, so an
//! analysis made in one language can be read in the other (`ugoki report --lang`).

use serde::{Deserialize, Serialize};

/// Feedback language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    En,
    Ja,
}

/// English or Japanese, by `lang`.
pub fn tr(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// A sentence in English and in Japanese.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    pub ja: String,
}

impl Text {
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            ja: ja.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }

    /// `prefix` then this text, in each language.
    pub fn after(&self, prefix: &Text) -> Text {
        Text::new(
            format!("{}{}", prefix.en, self.en),
            format!("{}{}", prefix.ja, self.ja),
        )
    }
}

/// A [`Text`] from an English and a Japanese format string, each taking the same arguments:
/// `text!("{n} steps", "{n} 歩")`.
#[macro_export]
macro_rules! text {
    ($en:literal, $ja:literal $(,)?) => {
        $crate::text::Text::new(format!($en), format!($ja))
    };
}
