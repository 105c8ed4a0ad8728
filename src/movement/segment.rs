//! Repetition finding on one signal: hysteresis (enter above one level, leave below a lower
//! one, so noise around a threshold never double-counts), a minimum duration, and the start and
//! end walked back to where the movement really begins and ends; and the turning point of a
//! movement as the middle of its dwell near the extreme.

/// One excursion away from rest: track positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Excursion {
    pub start: usize,
    /// Where the signal is furthest from rest.
    pub extreme: usize,
    pub end: usize,
}

/// Hysteresis settings, in the signal's units, measured from rest (signal ≥ 0 away from rest).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hysteresis {
    /// The excursion begins when the signal rises above this.
    pub enter: f64,
    /// ... and ends when it falls back below this.
    pub exit: f64,
    /// Shorter excursions (seconds, enter to exit) are noise.
    pub min_duration_s: f64,
    /// Tolerance when walking the start and end out to the surrounding minima.
    pub settle: f64,
}

/// Excursions of `signal` (distance from rest, ≥ 0 away from it; `None` = not measured).
/// Returns the complete excursions and whether the clip ends inside one (not counted).
pub fn excursions(signal: &[Option<f64>], times: &[f64], h: &Hysteresis) -> (Vec<Excursion>, bool) {
    let mut found = Vec::new();
    let mut inside: Option<usize> = None;
    let mut last_end = 0usize;
    for (i, v) in signal.iter().enumerate() {
        let Some(v) = *v else { continue };
        match inside {
            None if v > h.enter => inside = Some(i),
            Some(entered) if v < h.exit => {
                inside = None;
                if times[i] - times[entered] < h.min_duration_s {
                    continue;
                }
                let start = walk(signal, entered, last_end, h.settle, false);
                let end = walk(signal, i, signal.len() - 1, h.settle, true);
                let extreme = (start..=end)
                    .filter_map(|j| signal[j].map(|v| (j, v)))
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map_or(entered, |(j, _)| j);
                found.push(Excursion {
                    start,
                    extreme,
                    end,
                });
                last_end = end;
            }
            _ => {}
        }
    }
    (found, inside.is_some())
}

/// From `from`, walks (backwards, or forwards when `forwards`) while the signal keeps falling
/// towards rest (within `settle`), stopping at `limit`.
fn walk(signal: &[Option<f64>], from: usize, limit: usize, settle: f64, forwards: bool) -> usize {
    let mut at = from;
    let mut lowest = signal[from].unwrap_or(f64::INFINITY);
    loop {
        let next = if forwards {
            if at >= limit {
                break;
            }
            at + 1
        } else {
            if at <= limit {
                break;
            }
            at - 1
        };
        match signal[next] {
            Some(v) if v <= lowest + settle => {
                lowest = lowest.min(v);
                at = next;
            }
            _ => break,
        }
    }
    // Step back to the lowest point reached (the walk may have crept along a plateau).
    let range = if forwards { from..=at } else { at..=from };
    let best = range
        .filter_map(|j| signal[j].map(|v| (j, v)))
        .min_by(|a, b| {
            a.1.total_cmp(&b.1).then(if forwards {
                a.0.cmp(&b.0)
            } else {
                b.0.cmp(&a.0)
            })
        });
    best.map_or(at, |(j, _)| j)
}

/// The time a signal dwells near its extreme: positions within `range` where it first and last
/// comes within `band` of its value at `extreme`, and the position nearest the middle of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dwell {
    pub arrival: usize,
    pub centre: usize,
    pub departure: usize,
}

impl Dwell {
    /// The time midway between arrival and departure, between frames.
    pub fn middle_s(&self, times: &[f64]) -> f64 {
        0.5 * (times[self.arrival] + times[self.departure])
    }
}

/// The dwell of `signal` around `extreme` within `range`. A turning point held for a while (a
/// hinge's bottom, the lean before seat-off) is a noisy plateau whose highest frame falls at
/// either end; the middle of the time spent near it is where the movement turns.
pub fn dwell(
    signal: &[Option<f64>],
    times: &[f64],
    range: std::ops::RangeInclusive<usize>,
    extreme: usize,
    band: f64,
) -> Dwell {
    let Some(top) = signal[extreme] else {
        return Dwell {
            arrival: extreme,
            centre: extreme,
            departure: extreme,
        };
    };
    let near = |i: &usize| signal[*i].is_some_and(|v| (v - top).abs() <= band);
    let arrival = range.clone().find(near).unwrap_or(extreme).min(extreme);
    let departure = range.rev().find(near).unwrap_or(extreme).max(extreme);
    let held = Dwell {
        arrival,
        centre: extreme,
        departure,
    };
    let middle = held.middle_s(times);
    Dwell {
        centre: (arrival..=departure)
            .min_by(|a, b| {
                (times[*a] - middle)
                    .abs()
                    .total_cmp(&(times[*b] - middle).abs())
            })
            .unwrap_or(extreme),
        ..held
    }
}

/// Local maxima of `signal` that are the largest within ±`half_window_s` and above `floor`.
pub fn peaks(signal: &[Option<f64>], times: &[f64], half_window_s: f64, floor: f64) -> Vec<usize> {
    let mut found = Vec::new();
    for i in 0..signal.len() {
        let Some(v) = signal[i] else { continue };
        if v < floor {
            continue;
        }
        let mut is_peak = true;
        let mut j = i;
        while j > 0 && times[i] - times[j - 1] <= half_window_s {
            j -= 1;
            if signal[j].is_some_and(|w| w > v) {
                is_peak = false;
                break;
            }
        }
        let mut j = i;
        while is_peak && j + 1 < signal.len() && times[j + 1] - times[i] <= half_window_s {
            j += 1;
            if signal[j].is_some_and(|w| w >= v) {
                is_peak = false;
            }
        }
        // Needs values on both sides, so a peak cut by the clip's edge or a gap is not taken.
        let before = i > 0 && signal[i - 1].is_some();
        let after = i + 1 < signal.len() && signal[i + 1].is_some();
        if is_peak && before && after {
            found.push(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(n: usize) -> Vec<f64> {
        (0..n).map(|i| i as f64 / 30.0).collect()
    }

    #[test]
    fn noisy_threshold_crossings_count_once() {
        // Three bumps of height 1 with ±0.15 noise around the thresholds.
        let n = 300;
        let t = times(n);
        let signal: Vec<Option<f64>> = (0..n)
            .map(|i| {
                let phase = (t[i] / 3.0 * std::f64::consts::TAU).sin().max(0.0);
                let noise = if i % 2 == 0 { 0.15 } else { -0.15 };
                Some(phase + noise * (phase > 0.05) as i32 as f64)
            })
            .collect();
        let h = Hysteresis {
            enter: 0.6,
            exit: 0.3,
            min_duration_s: 0.3,
            settle: 0.35,
        };
        let (found, open) = excursions(&signal, &t, &h);
        // Bumps peak at 0.75, 3.75 and 6.75 s; the one at 9.75 s is cut by the end.
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(open);
        for (k, e) in found.iter().enumerate() {
            assert!(
                (t[e.extreme] - (0.75 + 3.0 * k as f64)).abs() < 0.2,
                "{k}: {}",
                t[e.extreme]
            );
        }
    }

    #[test]
    fn an_excursion_cut_by_the_end_is_reported_open() {
        let t = times(60);
        let signal: Vec<Option<f64>> = (0..60)
            .map(|i| Some(if i > 40 { 1.0 } else { 0.0 }))
            .collect();
        let h = Hysteresis {
            enter: 0.6,
            exit: 0.3,
            min_duration_s: 0.1,
            settle: 0.05,
        };
        let (found, open) = excursions(&signal, &t, &h);
        assert!(found.is_empty());
        assert!(open);
    }

    #[test]
    fn a_held_extreme_turns_in_the_middle_of_the_hold() {
        // Up by 1 over 10 frames, held (with noise whose highest frame is the first) for 9
        // frames, down over 10: the turn is the hold's middle, not its highest frame.
        let t = times(40);
        let signal: Vec<Option<f64>> = (0..40)
            .map(|i| {
                Some(match i {
                    0..=9 => i as f64 / 10.0,
                    10..=18 => [1.02, 1.0, 0.99, 1.01, 1.0, 0.99, 1.0, 1.01, 0.99][i - 10],
                    _ => (1.0 - (i - 18) as f64 / 10.0).max(0.0),
                })
            })
            .collect();
        let d = dwell(&signal, &t, 0..=39, 10, 0.05);
        assert_eq!((d.arrival, d.centre, d.departure), (10, 14, 18));
    }

    #[test]
    fn a_hold_of_an_even_number_of_frames_turns_between_frames() {
        // Held from frame 10 to 17: the middle is frame 13.5, which the nearest frame (13,
        // the first of the two tied) would round early.
        let t = times(30);
        let signal: Vec<Option<f64>> = (0..30)
            .map(|i| Some(if (10..=17).contains(&i) { 1.0 } else { 0.0 }))
            .collect();
        let d = dwell(&signal, &t, 0..=29, 12, 0.05);
        assert_eq!((d.arrival, d.centre, d.departure), (10, 13, 17));
        assert!((d.middle_s(&t) - 0.5 * (t[13] + t[14])).abs() < 1e-12);
    }

    #[test]
    fn brief_spikes_are_not_repetitions() {
        let t = times(90);
        let signal: Vec<Option<f64>> = (0..90)
            .map(|i| Some(if i == 30 || i == 31 { 1.0 } else { 0.0 }))
            .collect();
        let h = Hysteresis {
            enter: 0.6,
            exit: 0.3,
            min_duration_s: 0.2,
            settle: 0.05,
        };
        assert!(excursions(&signal, &t, &h).0.is_empty());
    }
}
