//! A measured quantity over time, and the assessed / cannot-assess outcome of a summary value.

use crate::text;
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// One measured quantity per frame, with how it was obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// e.g. `hip_part`, `shoulder_rotation`.
    pub name: String,
    /// `deg`, or `ratio` for dimensionless values.
    pub unit: String,
    /// How the value is computed, in words.
    pub method: String,
    /// One per frame of the kinematics; `None` where it cannot be assessed.
    pub values: Vec<Option<f64>>,
    /// One per frame, 0..1; 0 where there is no value.
    pub confidence: Vec<f64>,
    /// Frames without a value, counted by reason, in the order the reasons first came.
    pub missing: Vec<Missed>,
}

/// Why some frames have no value, and how many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missed {
    pub reason: Text,
    pub frames: usize,
}

impl Series {
    /// An empty series of `frames` frames.
    pub fn new(name: &str, unit: &str, method: impl Into<String>, frames: usize) -> Self {
        Series {
            name: name.into(),
            unit: unit.into(),
            method: method.into(),
            values: vec![None; frames],
            confidence: vec![0.0; frames],
            missing: Vec::new(),
        }
    }

    /// Sets frame `i`'s value; a non-finite value is recorded as missing instead.
    pub fn set(&mut self, i: usize, value: f64, confidence: f64) {
        if value.is_finite() {
            self.values[i] = Some(value);
            self.confidence[i] = confidence.clamp(0.0, 1.0);
        } else {
            self.miss(
                i,
                &text!(
                    "not a finite number (degenerate geometry)",
                    "有限の数値になりません（幾何が退化しています）"
                ),
            );
        }
    }

    /// Records why frame `i` has no value.
    pub fn miss(&mut self, i: usize, reason: &Text) {
        self.values[i] = None;
        self.confidence[i] = 0.0;
        match self.missing.iter_mut().find(|m| m.reason == *reason) {
            Some(m) => m.frames += 1,
            None => self.missing.push(Missed {
                reason: reason.clone(),
                frames: 1,
            }),
        }
    }

    /// Frames with a value.
    pub fn count(&self) -> usize {
        self.values.iter().flatten().count()
    }

    /// [`Series::main_missing_reason`], or that none was recorded.
    pub fn why_missing(&self) -> Text {
        self.main_missing_reason()
            .cloned()
            .unwrap_or_else(|| text!("no reason recorded", "理由の記録なし"))
    }

    /// The most frequent reason for a missing value, if any frame misses one.
    pub fn main_missing_reason(&self) -> Option<&Text> {
        self.missing
            .iter()
            .rev()
            .max_by_key(|m| m.frames)
            .map(|m| &m.reason)
    }
}

/// A summary value, or the reason it cannot be assessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment<T> {
    Assessed(T),
    /// "cannot assess": why.
    CannotAssess(Text),
}

impl<T> Assessment<T> {
    /// The value when assessed.
    pub fn value(&self) -> Option<&T> {
        match self {
            Assessment::Assessed(v) => Some(v),
            Assessment::CannotAssess(_) => None,
        }
    }

    /// The reason when not assessed.
    pub fn reason(&self) -> Option<&Text> {
        match self {
            Assessment::Assessed(_) => None,
            Assessment::CannotAssess(r) => Some(r),
        }
    }
}

/// Median of the finite values; `None` when there are none.
pub fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// Centred running median over `2 * half + 1` frames of the present values (a frame keeps
/// `None` when it has none): removes single-frame outline glitches without shifting events.
pub fn running_median(values: &[Option<f64>], half: usize) -> Vec<Option<f64>> {
    (0..values.len())
        .map(|i| {
            values[i]?;
            let window = &values[i.saturating_sub(half)..(i + half + 1).min(values.len())];
            median(window.iter().flatten().copied())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_running_median_skip_gaps() {
        assert_eq!(median([3.0, 1.0, 2.0, f64::NAN]), Some(2.0));
        assert_eq!(median([4.0, 1.0]), Some(2.5));
        assert_eq!(median([]), None);
        let v = [Some(1.0), Some(100.0), Some(3.0), None, Some(5.0)];
        assert_eq!(
            running_median(&v, 1),
            vec![Some(50.5), Some(3.0), Some(51.5), None, Some(5.0)]
        );
    }

    #[test]
    fn non_finite_values_become_missing_with_a_reason() {
        let mut s = Series::new("x", "deg", "test", 2);
        s.set(0, f64::NAN, 1.0);
        s.set(1, 4.0, 2.0);
        assert_eq!(s.values, vec![None, Some(4.0)]);
        assert_eq!(s.confidence, vec![0.0, 1.0]);
        assert_eq!(s.count(), 1);
        assert!(s.main_missing_reason().unwrap().en.contains("finite"));
    }
}
