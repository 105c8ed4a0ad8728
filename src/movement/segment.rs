//! Repetition finding on one signal: hysteresis (enter above one level, leave below a lower
//! one, so noise around a threshold never double-counts), a minimum duration, and the start and
//! end walked back to where the movement really begins and ends; and the turning point of a
//! movement as the middle of its dwell near the extreme, and the start and end of a rise as
//! those of the smooth ramp that fits it best.

use super::series::median;
use crate::signal::hampel::MAD_TO_SIGMA;

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
    Dwell {
        centre: nearest(times, arrival..=departure, held.middle_s(times)).unwrap_or(extreme),
        ..held
    }
}

/// The pose model's frame-to-frame jitter in `signal` within `range`, as a standard deviation:
/// the robust spread ([`MAD_TO_SIGMA`] × median absolute deviation) of each sample's departure from the
/// midpoint of its neighbours, over √1.5, what white noise gains there. A smooth movement's own
/// curve barely departs from that midpoint, so a moving signal does not count as jitter.
pub fn jitter(signal: &[Option<f64>], range: std::ops::RangeInclusive<usize>) -> Option<f64> {
    let (first, last) = (
        *range.start(),
        (*range.end()).min(signal.len().saturating_sub(1)),
    );
    let departures: Vec<f64> = (first + 1..last)
        .filter_map(|i| Some(signal[i]? - 0.5 * (signal[i - 1]? + signal[i + 1]?)))
        .collect();
    let centre = median(&departures)?;
    let spread: Vec<f64> = departures.iter().map(|d| (d - centre).abs()).collect();
    Some(MAD_TO_SIGMA * median(&spread)? / 1.5_f64.sqrt())
}

/// The position within `range` whose time is nearest `time_s`.
pub fn nearest(
    times: &[f64],
    range: std::ops::RangeInclusive<usize>,
    time_s: f64,
) -> Option<usize> {
    range.min_by(|a, b| {
        (times[*a] - time_s)
            .abs()
            .total_cmp(&(times[*b] - time_s).abs())
    })
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

/// A rise from `low` to `high` between `start_s` and `end_s`, flat on either side, following
/// the minimum-jerk profile (Flash & Hogan 1985) that smooth point-to-point human movements
/// follow: speed bell-shaped, zero at both ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ramp {
    pub start_s: f64,
    pub end_s: f64,
    pub low: f64,
    pub high: f64,
}

/// Position along a minimum-jerk movement at `u` of its duration (0 before it, 1 after).
fn minimum_jerk(u: f64) -> f64 {
    let u = u.clamp(0.0, 1.0);
    u * u * u * (10.0 - 15.0 * u + 6.0 * u * u)
}

/// Shortest ramp considered, seconds: shorter ones fit a single noisy frame.
const MIN_RAMP_S: f64 = 0.2;

/// The rising [`Ramp`] that fits `signal` within `range` best (least squares), its start at
/// most `lead_s` before the range's; `None` with fewer than six values, or where no timing
/// fits a rise. Where a movement ends, its speed fades into the pose model's jitter, so a
/// threshold on the speed fires a frame or two early or late at random; the fit weighs every
/// frame of the rise and of the rest after it, and times the end between frames.
pub fn fit_ramp(
    signal: &[Option<f64>],
    times: &[f64],
    range: std::ops::RangeInclusive<usize>,
    lead_s: f64,
) -> Option<Ramp> {
    let samples: Vec<(f64, f64)> = range
        .filter_map(|i| signal[i].map(|v| (times[i], v)))
        .collect();
    if samples.len() < 6 {
        return None;
    }
    let first = samples[0].0 - lead_s;
    let last = samples[samples.len() - 1].0;
    let step =
        crate::signal::resample::median_interval(&samples.iter().map(|s| s.0).collect::<Vec<_>>())?;
    // Least squares for low and high given the timing; the residual judges the timing.
    let fit = |start_s: f64, end_s: f64| -> Option<(f64, Ramp)> {
        let (mut n, mut se, mut see, mut sv, mut sev, mut svv) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        for &(t, v) in &samples {
            let e = minimum_jerk((t - start_s) / (end_s - start_s));
            n += 1.0;
            se += e;
            see += e * e;
            sv += v;
            sev += e * v;
            svv += v * v;
        }
        let det = n * see - se * se;
        if det <= f64::EPSILON * n * n {
            return None;
        }
        let rise = (n * sev - se * sv) / det;
        let low = (sv - rise * se) / n;
        // At the least-squares solution the residual is Σv² less the fitted part.
        let residual = svv - low * sv - rise * sev;
        (rise > 0.0).then_some((
            residual,
            Ramp {
                start_s,
                end_s,
                low,
                high: low + rise,
            },
        ))
    };
    let best = |timings: &mut dyn Iterator<Item = (f64, f64)>| {
        timings
            .filter_map(|(start, end)| fit(start, end))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, ramp)| ramp)
    };
    // Every frame first, then an eighth of a frame around the best.
    let coarse = best(
        &mut grid(first, last - MIN_RAMP_S, step)
            .flat_map(|start| grid(start + MIN_RAMP_S, last, step).map(move |end| (start, end))),
    )?;
    let fine = step / 8.0;
    let refined = best(
        &mut grid(coarse.start_s - step, coarse.start_s + step, fine).flat_map(|start| {
            grid(coarse.end_s - step, coarse.end_s + step, fine)
                .filter(move |end| *end >= start + MIN_RAMP_S && *end <= last)
                .map(move |end| (start, end))
        }),
    );
    refined.or(Some(coarse))
}

/// `from`, `from + by`, … up to `to`.
fn grid(from: f64, to: f64, by: f64) -> impl Iterator<Item = f64> {
    let n = ((to - from) / by).floor().max(-1.0) as i64;
    (0..=n).map(move |i| from + i as f64 * by)
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

    #[test]
    fn jitter_reads_the_noise_not_the_movement() {
        // A bend of 30 units each way over 4 s at 15 frames/s, with Gaussian noise of standard
        // deviation 0.5 (Box-Muller on a fixed xorshift sequence).
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let bend = |i: usize| 30.0 * (std::f64::consts::TAU * i as f64 / 60.0).sin();
        let noisy: Vec<Option<f64>> = (0..300)
            .map(|i| {
                let (u, v) = (uniform().max(1e-12), uniform());
                let gauss = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                Some(bend(i) + 0.5 * gauss)
            })
            .collect();
        let sd = jitter(&noisy, 0..=299).unwrap();
        assert!((sd - 0.5).abs() < 0.06, "{sd}");
        let smooth: Vec<Option<f64>> = (0..300).map(|i| Some(bend(i))).collect();
        let sd = jitter(&smooth, 0..=299).unwrap();
        assert!(sd < 0.2, "{sd}");
        assert_eq!(jitter(&smooth, 0..=1), None);
    }

    #[test]
    fn a_ramp_fit_times_the_end_of_a_jittery_rise_between_frames() {
        // A rise from 1.03 s to 2.11 s, 60 units, sampled at 15 frames/s with ±3 units of
        // jitter that averages out (the pose model's jitter on a rising shoulder line).
        let t: Vec<f64> = (0..60).map(|i| i as f64 / 15.0).collect();
        let jitter = [3.0, -2.0, -3.0, 1.0, 2.5, -1.5];
        let signal: Vec<Option<f64>> = t
            .iter()
            .enumerate()
            .map(|(i, t)| Some(100.0 + 60.0 * minimum_jerk((t - 1.03) / 1.08) + jitter[i % 6]))
            .collect();
        let ramp = fit_ramp(&signal, &t, 10..=50, 0.5).expect("a rise");
        assert!((ramp.end_s - 2.11).abs() < 0.03, "{ramp:?}");
        assert!((ramp.start_s - 1.03).abs() < 0.03, "{ramp:?}");
        assert!((ramp.high - ramp.low - 60.0).abs() < 2.0, "{ramp:?}");

        assert_eq!(fit_ramp(&signal, &t, 10..=14, 0.5), None);
    }
}
