//! Pixels to metres, and the floor line.
//!
//! **Subject height** (default; `--height`, 1.65 m flagged as *assumed* when not given): in
//! standing frames, the eyes' height above the feet is measured in pixels and scaled to full
//! stature with adult proportions (Drillis & Contini 1966, as tabulated in Winter, *Biomechanics
//! and Motor Control of Human Movement*, fig. 4.1): eyes at 0.936 of stature, ankle joints at
//! 0.039. With heels or toes the feet's lowest point is the floor; with ankles only, the
//! ankle's height is allowed for. When the eyes are not seen the ears are taken as eye level.
//! The stature in pixels is the median over standing frames. A standing frame: trunk within
//! 15° of vertical, and a leg whose thigh is within 15° of vertical and whose knee is straight
//! within 15° (in walking, mid-stance qualifies).
//!
//! **Known distance** (optional, overrides the height): two image points and the metres
//! between them.
//!
//! **Floor line**: a least-squares line through the feet's lowest points while they are still
//! (stance: moving slower than 0.3 statures per second); horizontal through their median when
//! they span less than half a stature across the image.

use super::geometry::UpVector;
use super::landmarks::{locate, DerivedPoint, Landmark, Located};
use super::passes::median_trunk_length;
use crate::signal::CleanTrack;
use crate::skeleton::Joint;
use serde::{Deserialize, Serialize};

/// Height assumed when the user gives none, metres.
pub const DEFAULT_HEIGHT_M: f64 = 1.65;
/// Eye height over stature.
pub const EYE_HEIGHT: f64 = 0.936;
/// Ankle joint height over stature.
pub const ANKLE_HEIGHT: f64 = 0.039;
/// Shoulder-to-hip keypoint distance over stature (0.818 - 0.530).
pub const TRUNK_HEIGHT: f64 = 0.288;
const MIN_STANDING_FRAMES: usize = 3;
const MIN_STANCE_SAMPLES: usize = 5;
const UPRIGHT_TOLERANCE_DEG: f64 = 15.0;
const STANCE_SPEED_STATURES_PER_S: f64 = 0.3;

/// Two image points a known distance apart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KnownDistance {
    /// Image pixels (x, y).
    pub a: [f64; 2],
    pub b: [f64; 2],
    pub metres: f64,
}

/// How the scale was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CalibrationMethod {
    SubjectHeight {
        height_m: f64,
        /// True when the height is the default, not the subject's.
        assumed: bool,
        /// Median stature in pixels over the standing frames.
        stature_px: f64,
        standing_frames: usize,
    },
    KnownDistance {
        distance: KnownDistance,
        pixels: f64,
    },
}

/// The floor in the image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloorLine {
    /// A point on the line, image pixels: the leftmost stance point.
    pub origin_px: [f64; 2],
    /// Slope angle, degrees anticlockwise from the image horizontal (y up).
    pub angle_deg: f64,
    pub stance_samples: usize,
    /// Which keypoints gave it.
    pub from: String,
}

/// Scale and floor for a clip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// `None` when no scale could be found (see `cannot_compute`).
    pub metres_per_pixel: Option<f64>,
    pub method: Option<CalibrationMethod>,
    pub cannot_compute: Option<String>,
    pub floor: Option<FloorLine>,
    pub floor_cannot_compute: Option<String>,
}

/// Stature estimate (pixels) in one frame, from its straightest upright leg.
fn standing_stature(clean: &CleanTrack, i: usize) -> Option<f64> {
    let find = |l: Landmark| locate(clean, l, i);
    let joint = |j: Joint| find(Landmark::Joint(j));
    let hip = find(Landmark::Derived(DerivedPoint::MidHip))?;
    let neck = find(Landmark::Derived(DerivedPoint::Neck))?;
    let trunk = UpVector::between(hip.xy(), neck.xy()).direction_deg()?;
    if (trunk - 90.0).abs() > UPRIGHT_TOLERANCE_DEG {
        return None;
    }
    let eye_y = mean_y(&[joint(Joint::LeftEye), joint(Joint::RightEye)])
        .or_else(|| mean_y(&[joint(Joint::LeftEar), joint(Joint::RightEar)]))?;
    let mut best: Option<f64> = None;
    for left in [true, false] {
        let side = |j: Joint| joint(if left { j } else { j.mirror() });
        let (Some(h), Some(k), Some(a)) = (
            side(Joint::LeftHip),
            side(Joint::LeftKnee),
            side(Joint::LeftAnkle),
        ) else {
            continue;
        };
        let thigh = UpVector::between(h.xy(), k.xy());
        let shank = UpVector::between(k.xy(), a.xy());
        let (Some(thigh_dir), Some(bend)) = (thigh.direction_deg(), thigh.angle_to_deg(&shank))
        else {
            continue;
        };
        if (thigh_dir + 90.0).abs() > UPRIGHT_TOLERANCE_DEG || bend.abs() > UPRIGHT_TOLERANCE_DEG {
            continue;
        }
        let sole = [side(Joint::LeftHeel), side(Joint::LeftToe)]
            .into_iter()
            .flatten()
            .map(|p| p.y)
            .reduce(f64::max);
        let stature = match sole {
            Some(floor_y) => (floor_y - eye_y) / EYE_HEIGHT,
            None => (a.y - eye_y) / (EYE_HEIGHT - ANKLE_HEIGHT),
        };
        if stature > 0.0 {
            best = Some(best.map_or(stature, |b: f64| b.max(stature)));
        }
    }
    best
}

fn mean_y(points: &[Option<Located>]) -> Option<f64> {
    let ys: Vec<f64> = points.iter().flatten().map(|p| p.y).collect();
    (!ys.is_empty()).then(|| ys.iter().sum::<f64>() / ys.len() as f64)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The lowest point of one foot in a frame, and whether it is a sole point (heel/toe).
fn foot_bottom(
    clean: &CleanTrack,
    i: usize,
    left: bool,
    stature_px: f64,
) -> Option<((f64, f64), bool)> {
    let joint = |j: Joint| locate(clean, Landmark::Joint(if left { j } else { j.mirror() }), i);
    let sole = [joint(Joint::LeftHeel), joint(Joint::LeftToe)]
        .into_iter()
        .flatten()
        .max_by(|a, b| a.y.total_cmp(&b.y));
    match sole {
        Some(p) => Some(((p.x, p.y), true)),
        None => joint(Joint::LeftAnkle).map(|a| ((a.x, a.y + ANKLE_HEIGHT * stature_px), false)),
    }
}

fn floor_line(clean: &CleanTrack, stature_px: f64) -> Result<FloorLine, String> {
    let mut samples = Vec::new();
    let mut sole_samples = 0;
    let n = clean.times.len();
    for i in 0..n.saturating_sub(1) {
        let dt = clean.times[i + 1] - clean.times[i];
        if dt <= 0.0 {
            continue;
        }
        for left in [true, false] {
            let (Some((p, sole)), Some((q, _))) = (
                foot_bottom(clean, i, left, stature_px),
                foot_bottom(clean, i + 1, left, stature_px),
            ) else {
                continue;
            };
            let speed = (q.0 - p.0).hypot(q.1 - p.1) / dt;
            if speed < STANCE_SPEED_STATURES_PER_S * stature_px {
                samples.push(p);
                sole_samples += sole as usize;
            }
        }
    }
    if samples.len() < MIN_STANCE_SAMPLES {
        return Err(format!(
            "{} still-foot samples; at least {MIN_STANCE_SAMPLES} are needed to place the floor",
            samples.len()
        ));
    }
    let min_x = samples.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let max_x = samples
        .iter()
        .map(|p| p.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let (slope, intercept) = if max_x - min_x < 0.5 * stature_px {
        (0.0, median(samples.iter().map(|p| p.1).collect()))
    } else {
        let count = samples.len() as f64;
        let mean_x = samples.iter().map(|p| p.0).sum::<f64>() / count;
        let mean_y = samples.iter().map(|p| p.1).sum::<f64>() / count;
        let sxx: f64 = samples.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        let sxy: f64 = samples
            .iter()
            .map(|p| (p.0 - mean_x) * (p.1 - mean_y))
            .sum();
        let slope = sxy / sxx;
        (slope, mean_y - slope * mean_x)
    };
    let from = if sole_samples * 2 >= samples.len() {
        "heels and toes"
    } else {
        "ankles (raised by the ankle height)"
    };
    Ok(FloorLine {
        origin_px: [min_x, intercept + slope * min_x],
        angle_deg: (-slope).atan().to_degrees(),
        stance_samples: samples.len(),
        from: from.into(),
    })
}

/// Finds the scale and the floor. `height_m` is the subject's height when known.
pub fn calibrate(
    clean: &CleanTrack,
    height_m: Option<f64>,
    known: Option<&KnownDistance>,
) -> Calibration {
    let statures: Vec<f64> = (0..clean.times.len())
        .filter_map(|i| standing_stature(clean, i))
        .collect();
    let stature_px = (statures.len() >= MIN_STANDING_FRAMES).then(|| median(statures.clone()));
    let mut calibration = Calibration {
        metres_per_pixel: None,
        method: None,
        cannot_compute: None,
        floor: None,
        floor_cannot_compute: None,
    };

    if let Some(distance) = known {
        let pixels = (distance.a[0] - distance.b[0]).hypot(distance.a[1] - distance.b[1]);
        if pixels > 0.0 && distance.metres > 0.0 && distance.metres.is_finite() {
            calibration.metres_per_pixel = Some(distance.metres / pixels);
            calibration.method = Some(CalibrationMethod::KnownDistance {
                distance: *distance,
                pixels,
            });
        } else {
            calibration.cannot_compute = Some(format!(
                "known distance unusable: {pixels} px apart for {} m",
                distance.metres
            ));
        }
    } else if let Some(stature_px) = stature_px {
        let (height_m, assumed) = match height_m {
            Some(h) => (h, false),
            None => (DEFAULT_HEIGHT_M, true),
        };
        calibration.metres_per_pixel = Some(height_m / stature_px);
        calibration.method = Some(CalibrationMethod::SubjectHeight {
            height_m,
            assumed,
            stature_px,
            standing_frames: statures.len(),
        });
    } else {
        calibration.cannot_compute = Some(format!(
            "{} standing frames (upright trunk, a straight vertical leg, eyes or ears seen); at least {MIN_STANDING_FRAMES} are needed to scale by the subject's height",
            statures.len()
        ));
    }

    let body_px = stature_px.or_else(|| median_trunk_length(clean).map(|t| t / TRUNK_HEIGHT));
    match body_px.map(|b| floor_line(clean, b)) {
        Some(Ok(floor)) => calibration.floor = Some(floor),
        Some(Err(reason)) => calibration.floor_cannot_compute = Some(reason),
        None => {
            calibration.floor_cannot_compute =
                Some("no body size to judge still feet by (no trunk seen)".into())
        }
    }
    calibration
}
