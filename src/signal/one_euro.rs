//! One-Euro filter (Casiez, Roussel & Vogel, CHI 2012) for live, causal smoothing.
//!
//! An exponential smoother whose cutoff rises with speed: `min_cutoff_hz` sets the smoothing of
//! a still point (jitter), `beta` how fast the cutoff grows with speed (lag on fast moves).
//! Defaults: `min_cutoff_hz` 1.0 Hz and `d_cutoff_hz` 1.0 Hz (the paper's), `beta` 0.007 (the
//! low end of the useful range 0.007..1.5 for keypoints in pixels: raise it when fast
//! movements lag). Timestamps come from the samples, so variable frame rates are handled.

use std::f64::consts::PI;

/// One-Euro settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OneEuroOptions {
    /// Cutoff for a still signal, Hz (default 1.0).
    pub min_cutoff_hz: f64,
    /// Cutoff increase per unit of speed (default 0.007; useful range 0.007..1.5).
    pub beta: f64,
    /// Cutoff for the speed estimate, Hz (default 1.0).
    pub d_cutoff_hz: f64,
}

impl Default for OneEuroOptions {
    fn default() -> Self {
        OneEuroOptions {
            min_cutoff_hz: 1.0,
            beta: 0.007,
            d_cutoff_hz: 1.0,
        }
    }
}

/// The state of one One-Euro filter over one scalar signal.
#[derive(Debug, Clone)]
pub struct OneEuroFilter {
    options: OneEuroOptions,
    last: Option<(f64, f64, f64)>,
}

fn smoothing_factor(cutoff_hz: f64, dt: f64) -> f64 {
    let tau = 1.0 / (2.0 * PI * cutoff_hz);
    1.0 / (1.0 + tau / dt)
}

impl OneEuroFilter {
    pub fn new(options: OneEuroOptions) -> Self {
        OneEuroFilter {
            options,
            last: None,
        }
    }

    /// Forgets the history (after a gap, the next sample starts afresh).
    pub fn reset(&mut self) {
        self.last = None;
    }

    /// Smooths the sample `value` taken at `time_s`; a sample not later than the previous one
    /// returns the previous output unchanged.
    pub fn filter(&mut self, time_s: f64, value: f64) -> f64 {
        let Some((t_prev, x_prev, dx_prev)) = self.last else {
            self.last = Some((time_s, value, 0.0));
            return value;
        };
        let dt = time_s - t_prev;
        if dt <= 0.0 || !dt.is_finite() {
            return x_prev;
        }
        let speed = (value - x_prev) / dt;
        let a_d = smoothing_factor(self.options.d_cutoff_hz, dt);
        let dx = dx_prev + a_d * (speed - dx_prev);
        let cutoff = self.options.min_cutoff_hz + self.options.beta * dx.abs();
        let a = smoothing_factor(cutoff, dt);
        let x = x_prev + a * (value - x_prev);
        self.last = Some((time_s, x, dx));
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine_gain(options: OneEuroOptions, freq: f64, fs: f64) -> f64 {
        let mut filter = OneEuroFilter::new(options);
        let n = (fs * 20.0) as usize;
        let out: Vec<f64> = (0..n)
            .map(|i| {
                let t = i as f64 / fs;
                filter.filter(t, (2.0 * PI * freq * t).sin())
            })
            .collect();
        let tail = &out[n / 2..];
        tail.iter().fold(0.0f64, |m, v| m.max(v.abs()))
    }

    #[test]
    fn with_beta_zero_it_is_a_first_order_low_pass_at_min_cutoff() {
        let options = OneEuroOptions {
            min_cutoff_hz: 1.0,
            beta: 0.0,
            d_cutoff_hz: 1.0,
        };
        let gain_db = 20.0 * sine_gain(options, 1.0, 1000.0).log10();
        assert!(
            (gain_db + 3.0103).abs() < 0.2,
            "gain at min cutoff {gain_db:.3} dB"
        );
    }

    #[test]
    fn a_larger_beta_follows_fast_motion_more_closely() {
        let slow = sine_gain(OneEuroOptions::default(), 3.0, 30.0);
        let fast = sine_gain(
            OneEuroOptions {
                beta: 1.5,
                ..Default::default()
            },
            3.0,
            30.0,
        );
        assert!(
            fast > slow + 0.2,
            "beta 1.5 gain {fast} vs beta 0.007 gain {slow}"
        );
        let mut still = OneEuroFilter::new(OneEuroOptions::default());
        assert!((0..30)
            .map(|i| still.filter(i as f64 / 30.0, 4.0))
            .all(|v| v == 4.0));
    }
}
