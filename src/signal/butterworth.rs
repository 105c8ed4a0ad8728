//! Zero-phase Butterworth low-pass (forward-backward filtering), as biomechanics uses it.
//!
//! `order` is the order of the *combined* zero-phase response, as in Winter (2009) and in
//! Sports2D's `butterworth` filter (order 4 = a 2nd-order design run forward then backward).
//! Running a filter twice squares its magnitude response, so a design cut off at `fc` would
//! be -6 dB at `fc`. We apply Winter's correction instead: each pass is designed at a shifted
//! cutoff so that the combined response is **-3 dB at the requested cutoff** (for a 4th-order
//! zero-phase filter the shift is the familiar factor 0.802). Sports2D does not correct, so at
//! the same nominal cutoff it smooths slightly more than ugoki.
//!
//! The ends are padded by odd (point-reflection) extension and each section starts in its
//! steady state for the first padded sample, as SciPy's `filtfilt` does, so a linear trend
//! passes through without ringing at the ends.

use std::f64::consts::PI;

/// A second-order (or first-order, with `b[2] = a[1] = 0`) section, direct form II transposed,
/// normalised so that a0 = 1. `a` holds a1 and a2.
#[derive(Debug, Clone, Copy)]
struct Section {
    b: [f64; 3],
    a: [f64; 2],
}

impl Section {
    /// Runs the section over `data` in place, starting in the steady state for `data[0]`.
    fn run(&self, data: &mut [f64]) {
        let Some(&first) = data.first() else { return };
        // The DC gain of every low-pass section is 1, so the steady state for a constant input
        // `first` has the output equal to `first` too.
        let mut z2 = (self.b[2] - self.a[1]) * first;
        let mut z1 = (self.b[1] - self.a[0]) * first + z2;
        for x in data.iter_mut() {
            let input = *x;
            let output = self.b[0] * input + z1;
            z1 = self.b[1] * input - self.a[0] * output + z2;
            z2 = self.b[2] * input - self.a[1] * output;
            *x = output;
        }
    }
}

/// Why a Butterworth filter could not be designed or applied.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterError {
    /// The zero-phase order must be even and at least 2.
    BadOrder(usize),
    /// The cutoff must be positive and below the Nyquist frequency of the samples.
    CutoffOutOfRange { cutoff_hz: f64, sample_rate_hz: f64 },
    /// Too few samples for the edge padding the filter needs.
    TooShort { samples: usize, needed: usize },
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilterError::BadOrder(order) => write!(f, "Butterworth order {order} is not an even number ≥ 2"),
            FilterError::CutoffOutOfRange { cutoff_hz, sample_rate_hz } => write!(
                f,
                "cutoff {cutoff_hz} Hz is not between 0 and the Nyquist frequency ({} Hz) of {sample_rate_hz} Hz samples",
                sample_rate_hz / 2.0
            ),
            FilterError::TooShort { samples, needed } => {
                write!(f, "{samples} samples are too few to filter (need at least {needed})")
            }
        }
    }
}

/// A designed zero-phase low-pass for one sample rate.
#[derive(Debug, Clone)]
pub struct ZeroPhaseButterworth {
    sections: Vec<Section>,
    padding: usize,
}

impl ZeroPhaseButterworth {
    /// Fewest samples a run needs before it is filtered; shorter runs are left unfiltered.
    pub const MIN_SAMPLES: usize = 9;

    /// Designs a zero-phase low-pass of combined order `order` (even), -3 dB at `cutoff_hz`.
    pub fn design(order: usize, cutoff_hz: f64, sample_rate_hz: f64) -> Result<Self, FilterError> {
        if order < 2 || !order.is_multiple_of(2) {
            return Err(FilterError::BadOrder(order));
        }
        let in_range = cutoff_hz.is_finite() && sample_rate_hz.is_finite() && cutoff_hz > 0.0;
        if !in_range || cutoff_hz >= sample_rate_hz / 2.0 {
            return Err(FilterError::CutoffOutOfRange {
                cutoff_hz,
                sample_rate_hz,
            });
        }
        let pass_order = order / 2;
        // Winter's correction: the combined response 1/(1 + (w/wk)^2n)^2 is 1/2 at the cutoff
        // when (w/wk)^2n = √2 - 1. Applied to the pre-warped frequency, it is exact for the
        // bilinear design.
        let correction = (2f64.sqrt() - 1.0).powf(1.0 / (2.0 * pass_order as f64));
        let k = (PI * cutoff_hz / sample_rate_hz).tan() / correction;
        let mut sections = Vec::new();
        for pair in 0..pass_order / 2 {
            let theta = PI * (2 * pair + 1) as f64 / (2 * pass_order) as f64;
            let q = 1.0 / (2.0 * theta.sin());
            let norm = 1.0 / (1.0 + k / q + k * k);
            let b0 = k * k * norm;
            sections.push(Section {
                b: [b0, 2.0 * b0, b0],
                a: [2.0 * (k * k - 1.0) * norm, (1.0 - k / q + k * k) * norm],
            });
        }
        if pass_order % 2 == 1 {
            let b0 = k / (1.0 + k);
            sections.push(Section {
                b: [b0, b0, 0.0],
                a: [(k - 1.0) / (k + 1.0), 0.0],
            });
        }
        // About one period of the cutoff, and never less than SciPy's 3 × (order + 1).
        let padding = ((sample_rate_hz / cutoff_hz).ceil() as usize).max(3 * (pass_order + 1));
        Ok(ZeroPhaseButterworth { sections, padding })
    }

    /// Filters uniformly spaced samples forward and backward; the output has no phase lag.
    pub fn filtfilt(&self, samples: &[f64]) -> Result<Vec<f64>, FilterError> {
        let n = samples.len();
        if n < Self::MIN_SAMPLES {
            return Err(FilterError::TooShort {
                samples: n,
                needed: Self::MIN_SAMPLES,
            });
        }
        let pad = self.padding.min(n - 1);
        let (first, last) = (samples[0], samples[n - 1]);
        let mut extended = Vec::with_capacity(n + 2 * pad);
        extended.extend((1..=pad).rev().map(|i| 2.0 * first - samples[i]));
        extended.extend_from_slice(samples);
        extended.extend((1..=pad).map(|i| 2.0 * last - samples[n - 1 - i]));
        for section in &self.sections {
            section.run(&mut extended);
        }
        extended.reverse();
        for section in &self.sections {
            section.run(&mut extended);
        }
        extended.reverse();
        Ok(extended[pad..pad + n].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Amplitude and phase (radians) of the `freq` component of `x` sampled at `fs`, by least
    /// squares over the given index range.
    fn fit_sine(x: &[f64], fs: f64, freq: f64, range: std::ops::Range<usize>) -> (f64, f64) {
        let (mut s, mut c) = (0.0, 0.0);
        let count = range.len() as f64;
        for i in range {
            let w = 2.0 * PI * freq * i as f64 / fs;
            s += x[i] * w.sin();
            c += x[i] * w.cos();
        }
        let (a, b) = (2.0 * s / count, 2.0 * c / count);
        (a.hypot(b), b.atan2(a))
    }

    #[test]
    fn combined_gain_at_the_cutoff_is_minus_3_db_and_phase_is_zero() {
        let (fs, fc) = (100.0, 6.0);
        let filter = ZeroPhaseButterworth::design(4, fc, fs).unwrap();
        // Whole number of periods of 6 Hz: 2000 samples = 120 periods.
        let x: Vec<f64> = (0..2000)
            .map(|i| (2.0 * PI * fc * i as f64 / fs).sin())
            .collect();
        let y = filter.filtfilt(&x).unwrap();
        let (gain, phase) = fit_sine(&y, fs, fc, 500..1500);
        let gain_db = 20.0 * gain.log10();
        assert!(
            (gain_db + 3.0103).abs() < 0.5,
            "gain at cutoff {gain_db:.3} dB"
        );
        let lag_samples = phase / (2.0 * PI * fc) * fs;
        assert!(
            lag_samples.abs() < 1.0,
            "phase lag {lag_samples:.4} samples"
        );
        assert!(
            lag_samples.abs() < 0.01,
            "zero-phase lag should vanish, got {lag_samples:.4} samples"
        );
    }

    #[test]
    fn passband_passes_and_stopband_is_attenuated() {
        let fs = 30.0;
        let filter = ZeroPhaseButterworth::design(4, 6.0, fs).unwrap();
        let tone = |f: f64| -> Vec<f64> {
            (0..900)
                .map(|i| (2.0 * PI * f * i as f64 / fs).sin())
                .collect()
        };
        let (low, _) = fit_sine(&filter.filtfilt(&tone(1.0)).unwrap(), fs, 1.0, 150..750);
        let (high, _) = fit_sine(&filter.filtfilt(&tone(12.0)).unwrap(), fs, 12.0, 150..750);
        assert!((low - 1.0).abs() < 0.01, "1 Hz gain {low}");
        assert!(high < 0.1, "12 Hz gain {high}");
    }

    #[test]
    fn odd_order_per_pass_designs_and_keeps_the_cutoff() {
        let (fs, fc) = (100.0, 10.0);
        let filter = ZeroPhaseButterworth::design(6, fc, fs).unwrap();
        let x: Vec<f64> = (0..2000)
            .map(|i| (2.0 * PI * fc * i as f64 / fs).sin())
            .collect();
        let (gain, _) = fit_sine(&filter.filtfilt(&x).unwrap(), fs, fc, 500..1500);
        assert!((20.0 * gain.log10() + 3.0103).abs() < 0.5);
    }

    #[test]
    fn linear_trend_passes_without_edge_ringing() {
        let filter = ZeroPhaseButterworth::design(4, 6.0, 30.0).unwrap();
        let x: Vec<f64> = (0..40).map(|i| 3.0 + 0.5 * i as f64).collect();
        let y = filter.filtfilt(&x).unwrap();
        for (a, b) in x.iter().zip(&y) {
            assert!((a - b).abs() < 1e-3, "{a} vs {b}");
        }
    }

    #[test]
    fn constant_and_short_inputs_give_numbers_or_a_reason() {
        let filter = ZeroPhaseButterworth::design(4, 6.0, 30.0).unwrap();
        let y = filter.filtfilt(&[2.5; 12]).unwrap();
        assert!(y.iter().all(|v| (v - 2.5).abs() < 1e-12));
        assert_eq!(
            filter.filtfilt(&[1.0; 3]),
            Err(FilterError::TooShort {
                samples: 3,
                needed: 9
            })
        );
        assert!(matches!(
            ZeroPhaseButterworth::design(4, 20.0, 30.0),
            Err(FilterError::CutoffOutOfRange { .. })
        ));
        assert_eq!(
            ZeroPhaseButterworth::design(3, 6.0, 30.0).unwrap_err(),
            FilterError::BadOrder(3)
        );
    }
}
