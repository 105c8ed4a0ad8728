//! Kinematics: angle time series, calibration and view, from a tracked subject's keypoints.
//!
//! [`compute`] runs the signal stage ([`crate::signal`]) and then, per frame, the joint and
//! segment angles of [`angles`], on the passes and facing of [`passes`], the views of
//! [`view`] and the scale of [`calibration`]. The result, [`Kinematics`], is what every
//! movement analyzer reads; [`export`] writes it as JSON, CSV, OpenSim `.mot` and `.trc`.
//!
//! Nothing here returns NaN: a value that cannot be measured is `None`, and a channel with no
//! value at all says why in `cannot_compute`.

pub mod angles;
pub mod calibration;
pub mod export;
pub mod geometry;
pub mod landmarks;
pub mod passes;
pub mod spine;
pub mod view;

use crate::error::{Error, Result};
use crate::signal::swap::SwapRepair;
use crate::signal::{clean_track, CleanTrack, CleaningSummary, SignalOptions};
use crate::skeleton::Joint;
use crate::source::SourceInfo;
use crate::track::PoseTrack;
use angles::{all_specs, AngleKind, Missing};
use calibration::{Calibration, KnownDistance};
use landmarks::{locate, DerivedPoint, Landmark};
use passes::{Facing, FacingEvidence, Travel};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use view::{View, ViewEstimate};

/// Version of the kinematics JSON (`kinematics.json`).
pub const KINEMATICS_SCHEMA_VERSION: u32 = 1;

/// Settings of the kinematics stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KinematicsOptions {
    pub signal: SignalOptions,
    /// The subject's height in metres; `None` assumes 1.65 m and says so.
    pub subject_height_m: Option<f64>,
    /// Scale from two image points a known distance apart (overrides the height).
    pub known_distance: Option<KnownDistance>,
    /// Fewest frames with a confidently seen torso (both shoulders and hips) to compute
    /// anything (default 5).
    pub min_confident_frames: usize,
}

impl Default for KinematicsOptions {
    fn default() -> Self {
        KinematicsOptions {
            signal: SignalOptions::default(),
            subject_height_m: None,
            known_distance: None,
            min_confident_frames: 5,
        }
    }
}

/// One angle over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AngleChannel {
    /// e.g. `left_knee_flexion`, `trunk`.
    pub name: String,
    pub kind: AngleKind,
    /// Always `deg`.
    pub unit: String,
    /// How the value is computed (formula, reference, sign convention).
    pub method: String,
    /// Points the angle is measured between.
    pub keypoints: Vec<String>,
    /// One per frame; `None` where it cannot be measured.
    pub values: Vec<Option<f64>>,
    /// One per frame, 0..1: the lowest confidence of the points used; 0 where no value.
    pub confidence: Vec<f64>,
    /// Frames without a value, counted by reason.
    pub missing: BTreeMap<String, usize>,
    /// Set when no frame has a value: the main reason.
    pub cannot_compute: Option<String>,
}

/// One cleaned keypoint or derived point over time, image pixels (y down).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointChannel {
    pub name: String,
    /// Always `px`.
    pub unit: String,
    pub x: Vec<Option<f64>>,
    pub y: Vec<Option<f64>>,
    pub confidence: Vec<f64>,
}

/// A continuous stretch travelling one way (or staying put), with its facing and view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pass {
    /// Track positions `start..end` (indices into `times_s`).
    pub start: usize,
    pub end: usize,
    pub start_s: f64,
    pub end_s: f64,
    pub travel: Travel,
    pub facing: Option<Facing>,
    pub facing_confidence: f64,
    pub facing_evidence: FacingEvidence,
    pub view: ViewEstimate,
}

/// Everything the movement analyzers read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kinematics {
    pub schema_version: u32,
    pub source: SourceInfo,
    pub model: String,
    /// Decode index of each frame.
    pub frame_indices: Vec<usize>,
    /// Timestamp of each frame, seconds.
    pub times_s: Vec<f64>,
    pub angles: Vec<AngleChannel>,
    /// Cleaned keypoints, then the derived points.
    pub points: Vec<PointChannel>,
    pub passes: Vec<Pass>,
    pub calibration: Calibration,
    pub swaps: Vec<SwapRepair>,
    pub cleaning: CleaningSummary,
    pub options: KinematicsOptions,
    /// Set when the track as a whole cannot be analysed.
    pub cannot_compute: Option<String>,
}

impl Kinematics {
    /// The channel called `name`.
    pub fn angle(&self, name: &str) -> Option<&AngleChannel> {
        self.angles.iter().find(|c| c.name == name)
    }

    /// The pass containing track position `position`.
    pub fn pass_at(&self, position: usize) -> Option<&Pass> {
        self.passes
            .iter()
            .find(|p| (p.start..p.end).contains(&position))
    }
}

fn check_options(options: &KinematicsOptions) -> Result<()> {
    if let Some(h) = options.subject_height_m {
        if !(h.is_finite() && (0.5..=2.6).contains(&h)) {
            return Err(Error::Usage(format!(
                "subject height {h} m is not between 0.5 and 2.6 m"
            )));
        }
    }
    if !(0.0..=1.0).contains(&options.signal.min_score) {
        return Err(Error::Usage(format!(
            "minimum score {} is not between 0 and 1",
            options.signal.min_score
        )));
    }
    Ok(())
}

fn check_times(track: &PoseTrack) -> Result<()> {
    for (i, w) in track.frames.windows(2).enumerate() {
        let forwards = w[1]
            .time_s
            .partial_cmp(&w[0].time_s)
            .is_some_and(|o| o.is_ge());
        if !forwards {
            return Err(Error::bad_input(
                &track.source.name,
                format!(
                    "frame timestamps go backwards (or are not numbers) at frame {}",
                    i + 1
                ),
            ));
        }
    }
    match track.frames.first() {
        Some(f) if !f.time_s.is_finite() => Err(Error::bad_input(
            &track.source.name,
            "first timestamp is not a number",
        )),
        _ => Ok(()),
    }
}

/// Turns a pose track into kinematics. Errors only for unusable options or timestamps that go
/// backwards; a track too poor to measure gives a result whose `cannot_compute` says why.
pub fn compute(track: &PoseTrack, options: &KinematicsOptions) -> Result<Kinematics> {
    check_options(options)?;
    check_times(track)?;
    let clean = clean_track(track, &options.signal);
    let torso = [
        Joint::LeftShoulder,
        Joint::RightShoulder,
        Joint::LeftHip,
        Joint::RightHip,
    ];
    let confident_frames = track
        .frames
        .iter()
        .filter(|f| {
            f.skeleton.as_ref().is_some_and(|s| {
                torso
                    .iter()
                    .all(|j| s.confident(*j, options.signal.min_score).is_some())
            })
        })
        .count();
    let too_few = (confident_frames < options.min_confident_frames).then(|| {
        format!(
            "{confident_frames} of {} frames show the torso (both shoulders and hips at score ≥ {}); at least {} are needed",
            track.frames.len(),
            options.signal.min_score,
            options.min_confident_frames
        )
    });

    let passes = match &too_few {
        Some(_) => Vec::new(),
        None => find_passes_with_views(track, &clean),
    };
    let facing_sign: Vec<Option<f64>> = (0..clean.times.len())
        .map(|i| {
            let pass = passes.iter().find(|p| (p.start..p.end).contains(&i))?;
            matches!(pass.view.view, View::Side | View::Oblique).then_some(pass.facing?.sign())
        })
        .collect();
    let angles = all_specs()
        .into_iter()
        .map(|spec| angle_channel(&clean, spec, &facing_sign, too_few.as_deref()))
        .collect();
    let calibration = match &too_few {
        Some(reason) => Calibration {
            metres_per_pixel: None,
            method: None,
            cannot_compute: Some(reason.clone()),
            floor: None,
            floor_cannot_compute: Some(reason.clone()),
        },
        None => calibration::calibrate(
            &clean,
            options.subject_height_m,
            options.known_distance.as_ref(),
        ),
    };
    Ok(Kinematics {
        schema_version: KINEMATICS_SCHEMA_VERSION,
        source: track.source.clone(),
        model: track.model.clone(),
        frame_indices: clean.frame_indices.clone(),
        times_s: clean.times.clone(),
        angles,
        points: point_channels(&clean),
        passes,
        calibration,
        swaps: clean.swaps.clone(),
        cleaning: clean.summary.clone(),
        options: *options,
        cannot_compute: too_few,
    })
}

fn find_passes_with_views(track: &PoseTrack, clean: &CleanTrack) -> Vec<Pass> {
    let Some(trunk) = passes::median_trunk_length(clean) else {
        return Vec::new();
    };
    let world: Vec<Option<Vec<Option<[f32; 3]>>>> =
        track.frames.iter().map(|f| f.world.clone()).collect();
    passes::find_passes(clean, 0.5 * trunk)
        .into_iter()
        .map(|span| {
            let evidence = passes::facing_evidence(clean, &span);
            let (facing, facing_confidence) = evidence.decide();
            let view = view::classify(clean, &world, span.frames.clone(), facing);
            Pass {
                start: span.frames.start,
                end: span.frames.end,
                start_s: clean.times[span.frames.start],
                end_s: clean.times[span.frames.end - 1],
                travel: span.travel,
                facing,
                facing_confidence,
                facing_evidence: evidence,
                view,
            }
        })
        .collect()
}

fn angle_channel(
    clean: &CleanTrack,
    spec: angles::AngleSpec,
    facing_sign: &[Option<f64>],
    too_few: Option<&str>,
) -> AngleChannel {
    let n = clean.times.len();
    let mut values = vec![None; n];
    let mut confidence = vec![0.0; n];
    let mut missing: BTreeMap<Missing, usize> = BTreeMap::new();
    if too_few.is_none() {
        for i in 0..n {
            let find = |l: Landmark| locate(clean, l, i);
            match spec.formula.evaluate(&find, facing_sign[i]) {
                Ok((value, c)) => {
                    values[i] = Some(value);
                    confidence[i] = c;
                }
                Err(reason) => *missing.entry(reason).or_default() += 1,
            }
        }
    }
    geometry::unwrap_deg(&mut values);
    let cannot_compute = match too_few {
        Some(reason) => Some(reason.to_string()),
        None if values.iter().all(Option::is_none) => {
            Some(match missing.iter().max_by_key(|(_, count)| **count) {
                Some((reason, count)) => format!("{reason} ({count} of {n} frames)"),
                None => "the track has no frames".into(),
            })
        }
        None => None,
    };
    let mut keypoints: Vec<String> = Vec::new();
    for l in spec.formula.landmarks() {
        if !keypoints.iter().any(|k| k == l.name()) {
            keypoints.push(l.name().into());
        }
    }
    let method = spec.formula.method();
    AngleChannel {
        name: spec.name,
        kind: spec.kind,
        unit: "deg".into(),
        method,
        keypoints,
        values,
        confidence,
        missing: missing
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        cannot_compute,
    }
}

fn point_channels(clean: &CleanTrack) -> Vec<PointChannel> {
    let landmarks = Joint::ALL
        .iter()
        .map(|j| Landmark::Joint(*j))
        .chain(DerivedPoint::ALL.iter().map(|d| Landmark::Derived(*d)));
    landmarks
        .map(|landmark| {
            let located: Vec<_> = (0..clean.times.len())
                .map(|i| locate(clean, landmark, i))
                .collect();
            PointChannel {
                name: landmark.name().into(),
                unit: "px".into(),
                x: located.iter().map(|p| p.map(|p| p.x)).collect(),
                y: located.iter().map(|p| p.map(|p| p.y)).collect(),
                confidence: located
                    .iter()
                    .map(|p| p.map_or(0.0, |p| p.confidence))
                    .collect(),
            }
        })
        .collect()
}
