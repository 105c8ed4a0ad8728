//! Movement smoothness as SPARC, the spectral arc length of the speed profile
//! (Balasubramanian et al. 2012, IEEE TBME 59:2126-2136; 2015 J NeuroEng Rehabil 12:112):
//! a smooth movement has a compact spectrum and a value near -1.5; stop-start, guarded
//! movement adds spectral content and makes it more negative.

/// Highest frequency considered (Hz).
const CUTOFF_HZ: f64 = 10.0;
/// Spectrum magnitudes below this fraction of the peak end the arc.
const AMPLITUDE_THRESHOLD: f64 = 0.05;
/// Zero padding: the spectrum is sampled as if the signal were this many times longer.
const PADDING: f64 = 16.0;

/// SPARC of a speed profile sampled every `dt` seconds; `None` with fewer than 8 samples or no
/// movement.
pub fn sparc(speed: &[f64], dt: f64) -> Option<f64> {
    if speed.len() < 8 || dt <= 0.0 || speed.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let n_padded = (speed.len() as f64 * PADDING).ceil();
    let df = 1.0 / (n_padded * dt);
    let fc = CUTOFF_HZ.min(0.5 / dt);
    let bins = (fc / df).floor() as usize;
    let magnitude: Vec<f64> = (0..=bins)
        .map(|k| {
            let f = k as f64 * df;
            let (mut re, mut im) = (0.0, 0.0);
            for (n, v) in speed.iter().enumerate() {
                let phase = -std::f64::consts::TAU * f * n as f64 * dt;
                re += v * phase.cos();
                im += v * phase.sin();
            }
            re.hypot(im)
        })
        .collect();
    let peak = magnitude.iter().copied().fold(0.0, f64::max);
    if peak <= 1e-12 {
        return None;
    }
    let normalised: Vec<f64> = magnitude.iter().map(|m| m / peak).collect();
    let last = normalised
        .iter()
        .rposition(|m| *m >= AMPLITUDE_THRESHOLD)
        .unwrap_or(0);
    let span = (last as f64 * df).max(df);
    let arc: f64 = normalised[..=last]
        .windows(2)
        .map(|w| ((df / span).powi(2) + (w[1] - w[0]).powi(2)).sqrt())
        .sum();
    Some(-arc)
}

/// SPARC of `values` (e.g. an angle) over positions `range`: the speed is |d/dt|.
pub fn sparc_of(
    values: &[Option<f64>],
    times: &[f64],
    range: std::ops::Range<usize>,
) -> Option<f64> {
    let slice: Vec<(f64, f64)> = range
        .filter_map(|i| values.get(i).copied().flatten().map(|v| (times[i], v)))
        .collect();
    if slice.len() < 9 {
        return None;
    }
    let dt = (slice.last()?.0 - slice[0].0) / (slice.len() - 1) as f64;
    let speed: Vec<f64> = slice
        .windows(2)
        .map(|w| ((w[1].1 - w[0].1) / (w[1].0 - w[0].0).max(1e-9)).abs())
        .collect();
    sparc(&speed, dt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bell(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let x = i as f64 / (n - 1) as f64;
                (std::f64::consts::PI * x).sin().powi(2)
            })
            .collect()
    }

    #[test]
    fn a_stop_start_movement_is_less_smooth_than_one_bell() {
        let smooth = sparc(&bell(60), 1.0 / 30.0).unwrap();
        let mut halting = bell(20);
        halting.extend(bell(20));
        halting.extend(bell(20));
        let halting = sparc(&halting, 1.0 / 30.0).unwrap();
        assert!((-2.0..-1.3).contains(&smooth), "smooth {smooth}");
        assert!(
            halting < smooth - 0.5,
            "halting {halting} vs smooth {smooth}"
        );
    }

    #[test]
    fn no_movement_has_no_value() {
        assert_eq!(sparc(&[0.0; 30], 1.0 / 30.0), None);
        assert_eq!(sparc(&[1.0; 3], 1.0 / 30.0), None);
    }
}
