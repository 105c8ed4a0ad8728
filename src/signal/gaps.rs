//! Gaps in a sampled signal: finding runs of valid samples and filling short gaps.
//!
//! A gap is filled by linear interpolation in time between the samples that bracket it, only
//! when it is short in both frames and seconds; longer gaps stay gaps (missing data is not
//! invented). Gaps at the start or end of a signal have one side only and are never filled.

use std::ops::Range;

/// How long a gap may be and still be filled.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GapLimit {
    /// Most consecutive missing samples to fill (default 10, Sports2D's default).
    pub max_frames: usize,
    /// Most seconds from the first to the last missing sample (default 0.33 s: the same
    /// 10 frames at 30 fps). The stricter of the two limits applies.
    pub max_seconds: f64,
}

impl Default for GapLimit {
    fn default() -> Self {
        GapLimit {
            max_frames: 10,
            max_seconds: 0.33,
        }
    }
}

/// Index ranges of consecutive present samples.
pub fn present_runs<T>(values: &[Option<T>]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, v) in values.iter().enumerate() {
        match (v.is_some(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push(s..values.len());
    }
    runs
}

/// Interior gaps (index ranges of missing samples) that `limit` allows filling.
pub fn fillable_gaps<T>(
    times: &[f64],
    values: &[Option<T>],
    limit: &GapLimit,
) -> Vec<Range<usize>> {
    let runs = present_runs(values);
    runs.windows(2)
        .map(|w| w[0].end..w[1].start)
        .filter(|gap| {
            let missing_span = times[gap.end - 1] - times[gap.start];
            gap.len() <= limit.max_frames && missing_span <= limit.max_seconds
        })
        .collect()
}

/// Fills the gaps `limit` allows by linear interpolation in time; returns the gaps filled.
pub fn fill_gaps(times: &[f64], values: &mut [Option<f64>], limit: &GapLimit) -> Vec<Range<usize>> {
    let gaps = fillable_gaps(times, values, limit);
    for gap in &gaps {
        let (i0, i1) = (gap.start - 1, gap.end);
        let (Some(v0), Some(v1)) = (values[i0], values[i1]) else {
            continue;
        };
        let (t0, t1) = (times[i0], times[i1]);
        for i in gap.clone() {
            let w = if t1 > t0 {
                (times[i] - t0) / (t1 - t0)
            } else {
                0.5
            };
            values[i] = Some(v0 + w * (v1 - v0));
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_gaps_are_filled_in_time_and_long_ones_stay() {
        let times: Vec<f64> = (0..20).map(|i| i as f64 / 30.0).collect();
        let mut values: Vec<Option<f64>> = (0..20).map(|i| Some(i as f64)).collect();
        values[2] = None;
        values[3] = None;
        for v in &mut values[6..18] {
            *v = None;
        }
        let filled = fill_gaps(&times, &mut values, &GapLimit::default());
        assert_eq!(filled, vec![2..4]);
        assert!((values[2].unwrap() - 2.0).abs() < 1e-9 && (values[3].unwrap() - 3.0).abs() < 1e-9);
        assert!(values[6..18].iter().all(Option::is_none));
        assert_eq!(present_runs(&values), vec![0..6, 18..20]);
    }

    #[test]
    fn the_seconds_limit_applies_on_slow_video_and_edges_are_not_filled() {
        let times: Vec<f64> = (0..10).map(|i| i as f64 * 0.2).collect();
        let mut values: Vec<Option<f64>> = vec![
            None,
            Some(1.0),
            None,
            None,
            Some(4.0),
            None,
            Some(6.0),
            Some(7.0),
            Some(8.0),
            None,
        ];
        let filled = fill_gaps(&times, &mut values, &GapLimit::default());
        // Two missing frames 0.2 s apart are within 0.33 s; the edges are never filled.
        assert_eq!(filled, vec![2..4, 5..6]);
        assert!(values[0].is_none() && values[9].is_none());
        let strict = GapLimit {
            max_frames: 10,
            max_seconds: 0.1,
        };
        let mut again: Vec<Option<f64>> = vec![Some(0.0), None, None, Some(3.0)];
        assert!(fill_gaps(&times[..4], &mut again, &strict).is_empty());
    }
}
