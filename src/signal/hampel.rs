//! Hampel outlier filter: a sample further than `n_sigma` robust standard deviations from the
//! median of its window is replaced by that median.
//!
//! The robust standard deviation is 1.4826 × the median absolute deviation. A floor on it
//! (`min_sigma`) keeps sub-pixel jitter on an otherwise still keypoint from being called an
//! outlier (with a zero MAD every deviation would be one).

/// Hampel filter settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HampelOptions {
    /// Window length in samples, odd (default 7: three samples each side).
    pub window: usize,
    /// Threshold in robust standard deviations (default 3).
    pub n_sigma: f64,
    /// Smallest robust standard deviation used, in the signal's units (default 0.5 px).
    pub min_sigma: f64,
}

impl Default for HampelOptions {
    fn default() -> Self {
        HampelOptions {
            window: 7,
            n_sigma: 3.0,
            min_sigma: 0.5,
        }
    }
}

/// A normal distribution's standard deviation per median absolute deviation.
pub const MAD_TO_SIGMA: f64 = 1.4826;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        0.5 * (values[mid - 1] + values[mid])
    }
}

/// Filters one run of consecutive samples in place; returns the indices replaced. Windows
/// always read the unfiltered input. Samples closer than half a window to an end of the run
/// are not judged: their window would be one-sided, and a trend there looks like an outlier.
pub fn hampel(values: &mut [f64], options: &HampelOptions) -> Vec<usize> {
    let half = options.window / 2;
    let n = values.len();
    if n < 2 * half + 1 || half == 0 {
        return Vec::new();
    }
    let input = values.to_vec();
    let mut replaced = Vec::new();
    let mut window = Vec::with_capacity(2 * half + 1);
    for i in half..n - half {
        window.clear();
        window.extend_from_slice(&input[i - half..=i + half]);
        let centre = median(&mut window);
        for w in window.iter_mut() {
            *w = (*w - centre).abs();
        }
        let sigma = (MAD_TO_SIGMA * median(&mut window)).max(options.min_sigma);
        if (input[i] - centre).abs() > options.n_sigma * sigma {
            values[i] = centre;
            replaced.push(i);
        }
    }
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spikes_are_replaced_and_a_smooth_signal_is_untouched() {
        let mut values: Vec<f64> = (0..50)
            .map(|i| 100.0 + 20.0 * (i as f64 * 0.2).sin())
            .collect();
        let clean = values.clone();
        values[10] += 60.0;
        values[30] -= 45.0;
        let replaced = hampel(&mut values, &HampelOptions::default());
        assert_eq!(replaced, vec![10, 30]);
        assert!(
            (values[10] - clean[10]).abs() < 6.0,
            "{} vs {}",
            values[10],
            clean[10]
        );
        for i in (0..50).filter(|i| *i != 10 && *i != 30) {
            assert_eq!(values[i], clean[i]);
        }
    }

    #[test]
    fn constant_signal_and_a_clean_step_stay_as_they_are() {
        let mut constant = vec![5.0; 20];
        assert!(hampel(&mut constant, &HampelOptions::default()).is_empty());
        let mut step: Vec<f64> = (0..20).map(|i| if i < 10 { 0.0 } else { 0.3 }).collect();
        assert!(hampel(&mut step, &HampelOptions::default()).is_empty());
    }
}
