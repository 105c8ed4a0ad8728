//! The signal stage: a raw pose track in, trustworthy keypoint time series out.
//!
//! Order of operations, each on the output of the one before:
//! 1. **Confidence gating**: keypoints scoring below `min_score` are dropped, and so are
//!    keypoints outside the picture (a model's guess at a limb out of view).
//! 2. **Left/right swap repair** on the gated skeletons ([`super::swap`]).
//! 3. **Hampel** outlier replacement on each coordinate, within runs of consecutive samples.
//! 4. **Gap filling** by linear interpolation in time, for gaps within [`GapLimit`].
//! 5. **Smoothing** within each run of consecutive samples (gaps never bridged): the
//!    zero-phase Butterworth on a uniform time grid (batch), One-Euro (live), or none. A run
//!    too short to filter keeps its unfiltered values, each point flagged `filtered: false`,
//!    and the run is listed with its reason in [`CleaningSummary::unfiltered_runs`].
//!
//! Confidence of a cleaned point: the model's score for a measured point; half the lower
//! score of the two bracketing samples for an interpolated one; half the model's score for a
//! point whose position was replaced as an outlier.

use super::gaps::{fill_gaps, present_runs, GapLimit};
use super::hampel::{hampel, HampelOptions};
use super::one_euro::{OneEuroFilter, OneEuroOptions};
use super::resample::{lowpass_timestamped, median_interval};
use super::swap::{repair_swaps, SwapOptions, SwapRepair};
use crate::skeleton::{Joint, Skeleton};
use crate::track::PoseTrack;
use serde::{Deserialize, Serialize};

/// How keypoint series are smoothed after gap filling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Smoothing {
    /// Zero-phase Butterworth low-pass (batch). `order` is the combined order (default 4) and
    /// the combined response is -3 dB at `cutoff_hz` (default 6 Hz, as Sports2D).
    Butterworth { order: usize, cutoff_hz: f64 },
    /// Causal One-Euro filter (live).
    OneEuro(OneEuroOptions),
    /// No smoothing.
    None,
}

impl Default for Smoothing {
    fn default() -> Self {
        Smoothing::Butterworth {
            order: 4,
            cutoff_hz: 6.0,
        }
    }
}

/// Settings of the signal stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SignalOptions {
    /// Keypoints scoring below this are treated as missing (default 0.3, as Sports2D).
    pub min_score: f32,
    pub gap_limit: GapLimit,
    /// `None` turns the outlier filter off.
    pub hampel: Option<HampelOptions>,
    pub smoothing: Smoothing,
    /// `None` turns swap repair off.
    pub swap_repair: Option<SwapOptions>,
}

impl Default for SignalOptions {
    fn default() -> Self {
        SignalOptions {
            min_score: 0.3,
            gap_limit: GapLimit::default(),
            hampel: Some(HampelOptions::default()),
            smoothing: Smoothing::default(),
            swap_repair: Some(SwapOptions::default()),
        }
    }
}

/// Where a cleaned point's position came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointOrigin {
    Measured,
    Interpolated,
    OutlierReplaced,
}

/// One cleaned keypoint in source pixels (y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CleanPoint {
    pub x: f64,
    pub y: f64,
    /// 0..1, see the module notes.
    pub confidence: f64,
    pub origin: PointOrigin,
    /// False when the point's run was too short (or the frame rate too low) to smooth.
    pub filtered: bool,
}

/// A run of samples left unsmoothed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnfilteredRun {
    pub joint: Joint,
    /// Positions in the track of the run's first and one-past-last samples.
    pub start: usize,
    pub end: usize,
    pub reason: String,
}

/// Counts of what the signal stage did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CleaningSummary {
    /// Keypoints dropped for low confidence or for lying outside the picture.
    pub gated: usize,
    /// Positions filled by interpolation.
    pub interpolated: usize,
    /// Positions replaced by the Hampel filter.
    pub outliers_replaced: usize,
    pub unfiltered_runs: Vec<UnfilteredRun>,
}

/// Cleaned keypoint series for one track.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanTrack {
    pub times: Vec<f64>,
    pub frame_indices: Vec<usize>,
    /// `points[joint.index()][position]`.
    pub points: Vec<Vec<Option<CleanPoint>>>,
    pub swaps: Vec<SwapRepair>,
    pub summary: CleaningSummary,
}

impl CleanTrack {
    /// The cleaned point of `joint` at track position `position`.
    pub fn point(&self, joint: Joint, position: usize) -> Option<CleanPoint> {
        self.points[joint.index()][position]
    }
}

/// Runs the signal stage over a track.
pub fn clean_track(track: &PoseTrack, options: &SignalOptions) -> CleanTrack {
    let times: Vec<f64> = track.frames.iter().map(|f| f.time_s).collect();
    let frame_indices: Vec<usize> = track.frames.iter().map(|f| f.index).collect();
    let mut summary = CleaningSummary::default();
    let (width, height) = (track.source.width as f32, track.source.height as f32);
    // A source of unknown size (0 × 0) puts no bound on the points.
    let bounded = width > 0.0 && height > 0.0;
    let in_picture = |k: &crate::skeleton::Keypoint| {
        k.x.is_finite()
            && k.y.is_finite()
            && (!bounded || ((0.0..=width).contains(&k.x) && (0.0..=height).contains(&k.y)))
    };
    let mut skeletons: Vec<Option<Skeleton>> = track
        .frames
        .iter()
        .map(|f| {
            f.skeleton.as_ref().map(|s| {
                let mut gated = s.clone();
                for slot in gated.points.iter_mut() {
                    if slot.is_some_and(|k| !(k.score >= options.min_score && in_picture(&k))) {
                        *slot = None;
                        summary.gated += 1;
                    }
                }
                gated
            })
        })
        .collect();
    let swaps = match &options.swap_repair {
        Some(swap_options) => {
            let swap_options = SwapOptions {
                min_score: options.min_score,
                ..*swap_options
            };
            repair_swaps(&mut skeletons, &times, &frame_indices, &swap_options)
        }
        None => Vec::new(),
    };
    let nominal_step = median_interval(&times);
    let points = Joint::ALL
        .iter()
        .map(|&joint| {
            clean_joint(
                joint,
                &skeletons,
                &times,
                nominal_step,
                options,
                &mut summary,
            )
        })
        .collect();
    CleanTrack {
        times,
        frame_indices,
        points,
        swaps,
        summary,
    }
}

fn clean_joint(
    joint: Joint,
    skeletons: &[Option<Skeleton>],
    times: &[f64],
    nominal_step: Option<f64>,
    options: &SignalOptions,
    summary: &mut CleaningSummary,
) -> Vec<Option<CleanPoint>> {
    let raw: Vec<Option<crate::skeleton::Keypoint>> = skeletons
        .iter()
        .map(|s| s.as_ref().and_then(|s| s.get(joint)))
        .collect();
    let mut xs: Vec<Option<f64>> = raw.iter().map(|k| k.map(|k| k.x as f64)).collect();
    let mut ys: Vec<Option<f64>> = raw.iter().map(|k| k.map(|k| k.y as f64)).collect();
    let mut confidence: Vec<f64> = raw
        .iter()
        .map(|k| k.map_or(0.0, |k| k.score as f64))
        .collect();
    let mut origin: Vec<PointOrigin> = vec![PointOrigin::Measured; raw.len()];

    if let Some(hampel_options) = &options.hampel {
        for run in present_runs(&xs) {
            for series in [&mut xs, &mut ys] {
                let mut values: Vec<f64> = series[run.clone()].iter().flatten().copied().collect();
                for i in hampel(&mut values, hampel_options) {
                    let position = run.start + i;
                    series[position] = Some(values[i]);
                    if origin[position] == PointOrigin::Measured {
                        origin[position] = PointOrigin::OutlierReplaced;
                        confidence[position] *= 0.5;
                        summary.outliers_replaced += 1;
                    }
                }
            }
        }
    }

    fill_gaps(times, &mut ys, &options.gap_limit);
    for gap in fill_gaps(times, &mut xs, &options.gap_limit) {
        let bracket = confidence[gap.start - 1].min(confidence[gap.end]);
        for position in gap {
            confidence[position] = 0.5 * bracket;
            origin[position] = PointOrigin::Interpolated;
            summary.interpolated += 1;
        }
    }

    let mut filtered = vec![false; raw.len()];
    for run in present_runs(&xs) {
        let run_times = &times[run.clone()];
        let outcome = match options.smoothing {
            Smoothing::None => continue,
            Smoothing::Butterworth { order, cutoff_hz } => {
                let Some(step) = nominal_step else {
                    summary.unfiltered_runs.push(UnfilteredRun {
                        joint,
                        start: run.start,
                        end: run.end,
                        reason: "a single timestamp: no sample rate".into(),
                    });
                    continue;
                };
                let mut smoothed = Vec::with_capacity(2);
                for series in [&xs, &ys] {
                    let values: Vec<f64> = series[run.clone()].iter().flatten().copied().collect();
                    smoothed.push(lowpass_timestamped(
                        run_times, &values, order, cutoff_hz, step,
                    ));
                }
                match (smoothed.remove(0), smoothed.remove(0)) {
                    (Ok(x), Ok(y)) => Ok((x, y)),
                    (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
                }
            }
            Smoothing::OneEuro(one_euro) => {
                let mut fx = OneEuroFilter::new(one_euro);
                let mut fy = OneEuroFilter::new(one_euro);
                let x = run
                    .clone()
                    .map(|i| fx.filter(times[i], xs[i].unwrap_or_default()))
                    .collect();
                let y = run
                    .clone()
                    .map(|i| fy.filter(times[i], ys[i].unwrap_or_default()))
                    .collect();
                Ok((x, y))
            }
        };
        match outcome {
            Ok((x, y)) => {
                for (k, position) in run.enumerate() {
                    xs[position] = Some(x[k]);
                    ys[position] = Some(y[k]);
                    filtered[position] = true;
                }
            }
            Err(reason) => summary.unfiltered_runs.push(UnfilteredRun {
                joint,
                start: run.start,
                end: run.end,
                reason,
            }),
        }
    }

    (0..raw.len())
        .map(|i| {
            let (x, y) = (xs[i]?, ys[i]?);
            (x.is_finite() && y.is_finite()).then_some(CleanPoint {
                x,
                y,
                confidence: confidence[i],
                origin: origin[i],
                filtered: filtered[i],
            })
        })
        .collect()
}
