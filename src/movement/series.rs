//! Per-frame series the analyzers build from [`Kinematics`]: gated by confidence, short gaps
//! filled, derivatives over real timestamps, robust statistics.

use crate::kinematics::geometry::wrap_deg;
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;

/// Values whose confidence is below this are treated as missing.
pub const MIN_POINT_CONFIDENCE: f64 = 0.3;
/// Longest gap (seconds) bridged by linear interpolation before segmentation.
pub const MAX_FILL_S: f64 = 0.5;

/// A point's (x, y) per frame, gated by confidence.
pub fn point(k: &Kinematics, name: &str) -> Vec<Option<(f64, f64)>> {
    let Some(p) = k.points.iter().find(|p| p.name == name) else {
        return vec![None; k.times_s.len()];
    };
    (0..k.times_s.len())
        .map(|i| match (p.x[i], p.y[i]) {
            (Some(x), Some(y)) if p.confidence[i] >= MIN_POINT_CONFIDENCE => Some((x, y)),
            _ => None,
        })
        .collect()
}

/// An angle channel per frame, gated by confidence; all `None` when the channel is absent.
pub fn angle(k: &Kinematics, name: &str) -> Vec<Option<f64>> {
    match k.angle(name) {
        Some(c) => c
            .values
            .iter()
            .zip(&c.confidence)
            .map(|(v, c)| v.filter(|_| *c >= MIN_POINT_CONFIDENCE))
            .collect(),
        None => vec![None; k.times_s.len()],
    }
}

/// Mean of the available values of two series, frame by frame.
pub fn mean_of(a: &[Option<f64>], b: &[Option<f64>]) -> Vec<Option<f64>> {
    a.iter()
        .zip(b)
        .map(|(a, b)| match (a, b) {
            (Some(a), Some(b)) => Some(0.5 * (a + b)),
            (x, y) => x.or(*y),
        })
        .collect()
}

/// Per frame, the mean x of a left/right pair of points (`name` = "ankle" → left_ankle and
/// right_ankle), or of the one seen.
pub fn pair_mean_x(k: &Kinematics, name: &str) -> Vec<Option<f64>> {
    pair_mean(k, name, |p| p.0)
}

/// Per frame, the mean y of a left/right pair of points, or of the one seen.
pub fn pair_mean_y(k: &Kinematics, name: &str) -> Vec<Option<f64>> {
    pair_mean(k, name, |p| p.1)
}

fn pair_mean(k: &Kinematics, name: &str, coordinate: fn((f64, f64)) -> f64) -> Vec<Option<f64>> {
    let side = |side: &str| -> Vec<Option<f64>> {
        point(k, &format!("{side}_{name}"))
            .iter()
            .map(|p| p.map(coordinate))
            .collect()
    };
    mean_of(&side("left"), &side("right"))
}

/// Inclination from the vertical (0..180°) of a segment whose upright direction is `upright`
/// degrees (trunk: 90, thigh: -90), whatever the facing.
pub fn inclination(segment: &[Option<f64>], upright: f64) -> Vec<Option<f64>> {
    segment
        .iter()
        .map(|v| v.map(|a| wrap_deg(a - upright).abs()))
        .collect()
}

/// Whether the subject faces the camera or turns their back to it: a bend towards or away
/// from the camera does not show as an angle there.
pub fn frontal(view: View) -> bool {
    matches!(view, View::Front | View::Back)
}

/// How long (seconds, each side) the neighbourhood is over which a segment's upright length
/// is read: longer than the bottom of a held bend, shorter than the time over which the pose
/// model's reading of the upright segment drifts (a few pixels over a clip).
pub const UPRIGHT_WINDOW_S: f64 = 4.0;

/// How much shorter (fraction, 0 upright, 1 − cos of the tilt) the segment from point `from`
/// to point `to` looks than when upright, per frame. For a segment that tilts towards or away
/// from the camera (the trunk in a front view), where the 2-D angle does not show the tilt. The
/// upright length is the 90th percentile of its length within [`UPRIGHT_WINDOW_S`], so it
/// assumes the segment stands upright within a few seconds of every frame. In this linear
/// measure the pose model's pixel noise is the same at every tilt; it is distorted by
/// perspective: fit for finding and timing a movement, not for measuring its angle.
pub fn foreshortening(k: &Kinematics, from: &str, to: &str) -> Vec<Option<f64>> {
    let lengths = distances(k, from, to);
    let t = &k.times_s;
    (0..lengths.len())
        .map(|i| {
            let l = lengths[i]?;
            let first = t.partition_point(|&s| s < t[i] - UPRIGHT_WINDOW_S);
            let last = t.partition_point(|&s| s <= t[i] + UPRIGHT_WINDOW_S);
            let upright = percentile(&lengths[first..last], 90.0).filter(|u| *u > 1.0)?;
            Some((1.0 - l / upright).max(0.0))
        })
        .collect()
}

/// The tilt (degrees from vertical) a [`foreshortening`] implies: coarse near 0, where the arc
/// cosine is steep.
pub fn foreshortened_tilt(shortening: &[Option<f64>]) -> Vec<Option<f64>> {
    shortening
        .iter()
        .map(|s| s.map(|s| (1.0 - s).clamp(0.0, 1.0).acos().to_degrees()))
        .collect()
}

/// Fills interior gaps up to `max_s` seconds long by linear interpolation.
pub fn fill_gaps(values: &[Option<f64>], times: &[f64], max_s: f64) -> Vec<Option<f64>> {
    let mut out = values.to_vec();
    let mut last: Option<usize> = None;
    for i in 0..values.len() {
        if let Some(v) = values[i] {
            if let Some(j) = last {
                if i > j + 1 && times[i] - times[j] <= max_s {
                    let a = values[j].unwrap_or(v);
                    for (k, slot) in out.iter_mut().enumerate().take(i).skip(j + 1) {
                        let f = (times[k] - times[j]) / (times[i] - times[j]);
                        *slot = Some(a + f * (v - a));
                    }
                }
            }
            last = Some(i);
        }
    }
    out
}

/// Central-difference derivative per second over real timestamps.
pub fn derivative(values: &[Option<f64>], times: &[f64]) -> Vec<Option<f64>> {
    (0..values.len())
        .map(|i| {
            let a = i.saturating_sub(1);
            let b = (i + 1).min(values.len() - 1);
            let dt = times[b] - times[a];
            match (values[a], values[b]) {
                (Some(x), Some(y)) if b > a && dt > 0.0 => Some((y - x) / dt),
                _ => None,
            }
        })
        .collect()
}

/// The `p`-th percentile (0..100) of the present values.
pub fn percentile(values: &[Option<f64>], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().flatten().copied().collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    Some(v[i.min(v.len() - 1)])
}

/// Median of plain values.
pub fn median(values: &[f64]) -> Option<f64> {
    let as_options: Vec<Option<f64>> = values.iter().map(|v| Some(*v)).collect();
    percentile(&as_options, 50.0)
}

/// Per frame, the image distance (px) between points `from` and `to` where both are seen.
pub fn distances(k: &Kinematics, from: &str, to: &str) -> Vec<Option<f64>> {
    point(k, from)
        .iter()
        .zip(&point(k, to))
        .map(|(a, b)| {
            let (a, b) = ((*a)?, (*b)?);
            Some((a.0 - b.0).hypot(a.1 - b.1))
        })
        .collect()
}

/// Range of the present values, 5th to 95th percentile.
pub fn percentile_range(values: &[Option<f64>]) -> Option<f64> {
    Some(percentile(values, 95.0)? - percentile(values, 5.0)?)
}

/// Median length (px) of the trunk (mid-hip to neck) over the clip.
pub fn trunk_length(k: &Kinematics) -> Option<f64> {
    let lengths: Vec<f64> = distances(k, "mid_hip", "neck")
        .into_iter()
        .flatten()
        .filter(|l| *l > 1.0)
        .collect();
    median(&lengths)
}

/// Stature in pixels estimated from the trunk length (trunk ≈ 0.288 of stature, Drillis &
/// Contini segment proportions as used by the calibration).
pub fn stature_px(k: &Kinematics) -> Option<f64> {
    trunk_length(k).map(|t| t / crate::kinematics::calibration::TRUNK_HEIGHT)
}

/// Mean confidence of a point over `range`.
pub fn mean_confidence(k: &Kinematics, names: &[&str], range: std::ops::Range<usize>) -> f64 {
    let mut sum = 0.0;
    let mut n = 0usize;
    for name in names {
        if let Some(p) = k.points.iter().find(|p| p.name == *name) {
            for i in range.clone() {
                sum += p.confidence[i];
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// The view at track position `i` (from its pass), `Unknown` outside passes.
pub fn view_at(k: &Kinematics, i: usize) -> View {
    k.pass_at(i).map_or(View::Unknown, |p| p.view.view)
}

/// The most common view over `range` (ignoring unknown), `Unknown` if none.
pub fn main_view(k: &Kinematics, range: std::ops::Range<usize>) -> View {
    let mut counts: Vec<(View, usize)> = Vec::new();
    for i in range {
        let v = view_at(k, i);
        if v == View::Unknown {
            continue;
        }
        match counts.iter_mut().find(|(w, _)| *w == v) {
            Some((_, c)) => *c += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, c)| *c)
        .map_or(View::Unknown, |(v, _)| v)
}
