//! Lumbopelvic rhythm: how the hip part and the spinal part share a bend, trunk-angle bin by
//! bin (0–30°, 30–60°, 60–90° of trunk inclination from the vertical).
//!
//! Within a bin, the hip part and the spinal part are each regressed on the trunk inclination
//! over the bin's frames (all bends together); the slopes times the bin's width are the degrees
//! each part contributes over that bin, and their quotient is the bin's hip:spine ratio. A bin
//! needs at least [`MIN_FRAMES`] frames spread over at least [`MIN_SPREAD_DEG`] of trunk
//! inclination; a ratio needs a spinal contribution of at least [`MIN_SPINAL_DEG`].

use super::series::Assessment;
use crate::text;
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// Trunk-inclination bins, degrees.
pub const BINS: [(f64, f64); 3] = [(0.0, 30.0), (30.0, 60.0), (60.0, 90.0)];
pub const MIN_FRAMES: usize = 5;
pub const MIN_SPREAD_DEG: f64 = 10.0;
pub const MIN_SPINAL_DEG: f64 = 1.0;

/// One bin's share of the bend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RhythmBin {
    pub trunk_from_deg: f64,
    pub trunk_to_deg: f64,
    pub frames: usize,
    /// Degrees of hip part gained across the bin.
    pub hip_change_deg: Option<f64>,
    /// Degrees of spinal part gained across the bin.
    pub spinal_change_deg: Option<f64>,
    /// hip change : spinal change.
    pub ratio: Assessment<f64>,
}

fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The rhythm bins from per-frame trunk inclination, hip part and spinal part.
pub fn rhythm(
    trunk: &[Option<f64>],
    hip: &[Option<f64>],
    spinal: &[Option<f64>],
) -> Vec<RhythmBin> {
    BINS.iter()
        .map(|&(from, to)| {
            let (mut hip_points, mut spinal_points) = (Vec::new(), Vec::new());
            for i in 0..trunk.len() {
                if let (Some(t), Some(h), Some(s)) = (trunk[i], hip[i], spinal[i]) {
                    if (from..to).contains(&t) {
                        hip_points.push((t, h));
                        spinal_points.push((t, s));
                    }
                }
            }
            let frames = hip_points.len();
            let spread = hip_points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max)
                - hip_points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
            let width = to - from;
            let mut bin = RhythmBin {
                trunk_from_deg: from,
                trunk_to_deg: to,
                frames,
                hip_change_deg: None,
                spinal_change_deg: None,
                ratio: Assessment::CannotAssess(Text::new("", "")),
            };
            if frames < MIN_FRAMES || spread < MIN_SPREAD_DEG {
                let spread = spread.max(0.0);
                bin.ratio = Assessment::CannotAssess(text!(
                    "too little of the bend in this bin ({frames} frames over {spread:.0}° of trunk inclination; {MIN_FRAMES} frames over {MIN_SPREAD_DEG}° needed)",
                    "この区間の曲げが少なすぎます（体幹の傾き {spread:.0}° にわたり {frames} フレーム。{MIN_SPREAD_DEG}° にわたり {MIN_FRAMES} フレームが必要です）"
                ));
                return bin;
            }
            let hip_change = slope(&hip_points).map(|s| s * width);
            let spinal_change = slope(&spinal_points).map(|s| s * width);
            bin.hip_change_deg = hip_change;
            bin.spinal_change_deg = spinal_change;
            bin.ratio = match (hip_change, spinal_change) {
                (Some(h), Some(s)) if s >= MIN_SPINAL_DEG => Assessment::Assessed(h / s),
                (Some(_), Some(s)) => Assessment::CannotAssess(text!(
                    "the spinal part changes by {s:.1}° across this bin (under {MIN_SPINAL_DEG}°): the bin's bend is all hip, a ratio is not meaningful",
                    "この区間で脊柱部分の変化は {s:.1}°（{MIN_SPINAL_DEG}° 未満）: この区間の曲げはすべて股関節からで、比は意味を持ちません"
                )),
                _ => Assessment::CannotAssess(text!(
                    "no spread of trunk inclination",
                    "体幹の傾きに幅がありません"
                )),
            };
            bin
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bend_split_three_to_one_gives_ratio_three_in_every_bin() {
        let trunk: Vec<Option<f64>> = (0..90).map(|i| Some(i as f64)).collect();
        let hip: Vec<Option<f64>> = trunk.iter().map(|t| t.map(|t| 0.75 * t)).collect();
        let spinal: Vec<Option<f64>> = trunk.iter().map(|t| t.map(|t| 0.25 * t)).collect();
        let bins = rhythm(&trunk, &hip, &spinal);
        assert_eq!(bins.len(), 3);
        for bin in &bins {
            let ratio = *bin.ratio.value().unwrap();
            assert!((ratio - 3.0).abs() < 1e-9, "{bin:?}");
            assert!((bin.hip_change_deg.unwrap() - 22.5).abs() < 1e-9);
        }
    }

    #[test]
    fn empty_or_all_hip_bins_say_why() {
        let trunk: Vec<Option<f64>> = (0..40).map(|i| Some(i as f64)).collect();
        let hip = trunk.clone();
        let spinal = vec![Some(0.0); 40];
        let bins = rhythm(&trunk, &hip, &spinal);
        assert!(bins[0].ratio.reason().unwrap().en.contains("all hip"));
        assert!(bins[2].ratio.reason().unwrap().en.contains("too little"));
    }
}
