//! `ugoki kinematics INPUT -o DIR`: angle channels, calibration and view from a keypoint track
//! (`keypoints.json`, or the folder holding it) or from a video, which is first run through
//! the pose pipeline (its `keypoints.json` is written beside the kinematics).

use crate::cli::pose::{track_video, PoseModel};
use crate::error::{Error, Result};
use crate::kinematics::calibration::{CalibrationMethod, KnownDistance};
use crate::kinematics::{compute, export, Kinematics, KinematicsOptions};
use crate::report::keypoints;
use crate::signal::one_euro::OneEuroOptions;
use crate::signal::Smoothing;
use crate::track::{PoseTrack, SubjectOptions, TRACK_SCHEMA_VERSION};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// Smoothing choices on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SmoothingChoice {
    /// Zero-phase Butterworth low-pass (batch; default).
    Butterworth,
    /// Causal One-Euro filter (what live mode uses).
    OneEuro,
    /// No smoothing.
    None,
}

/// Arguments of `ugoki kinematics`.
#[derive(Debug, Clone, Args)]
pub struct KinematicsArgs {
    /// A video, or a keypoint track (`keypoints.json` written by `ugoki pose`, or its folder).
    pub input: PathBuf,
    /// Output folder (created if needed).
    #[arg(short, long)]
    pub output: PathBuf,
    /// The subject's height in metres (1.65 m is assumed, and flagged so, when not given).
    #[arg(long)]
    pub height: Option<f64>,
    /// Scale from two image points a known distance apart: X1,Y1,X2,Y2,METRES (pixels, metres).
    #[arg(long, value_name = "X1,Y1,X2,Y2,METRES")]
    pub known_distance: Option<String>,
    /// Keypoints scoring below this are treated as missing.
    #[arg(long, default_value_t = 0.3)]
    pub min_score: f32,
    /// Longest gap, in frames, filled by interpolation.
    #[arg(long, default_value_t = 10)]
    pub max_gap_frames: usize,
    #[arg(long, value_enum, default_value_t = SmoothingChoice::Butterworth)]
    pub smoothing: SmoothingChoice,
    /// Butterworth cutoff in Hz (-3 dB point of the zero-phase response).
    #[arg(long, default_value_t = 6.0)]
    pub cutoff_hz: f64,
    /// Butterworth order of the zero-phase response (even).
    #[arg(long, default_value_t = 4)]
    pub order: usize,
    /// One-Euro minimum cutoff in Hz.
    #[arg(long, default_value_t = 1.0)]
    pub one_euro_min_cutoff: f64,
    /// One-Euro speed coefficient (0.007..1.5; raise it when fast moves lag).
    #[arg(long, default_value_t = 0.007)]
    pub one_euro_beta: f64,
    /// Do not repair left/right swaps.
    #[arg(long)]
    pub no_swap_repair: bool,
    /// No progress bar while tracking a video.
    #[arg(short, long)]
    pub quiet: bool,
}

fn parse_known_distance(text: &str) -> Result<KnownDistance> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| {
            Error::Usage(format!(
                "--known-distance '{text}': expected five numbers X1,Y1,X2,Y2,METRES"
            ))
        })?;
    match numbers[..] {
        [x1, y1, x2, y2, metres] if numbers.iter().all(|v| v.is_finite()) => Ok(KnownDistance {
            a: [x1, y1],
            b: [x2, y2],
            metres,
        }),
        _ => Err(Error::Usage(format!(
            "--known-distance '{text}': expected five numbers X1,Y1,X2,Y2,METRES"
        ))),
    }
}

impl KinematicsArgs {
    /// The library options these arguments ask for.
    pub fn options(&self) -> Result<KinematicsOptions> {
        let mut options = KinematicsOptions::default();
        options.signal.min_score = self.min_score;
        options.signal.gap_limit.max_frames = self.max_gap_frames;
        options.signal.smoothing = match self.smoothing {
            SmoothingChoice::Butterworth => Smoothing::Butterworth {
                order: self.order,
                cutoff_hz: self.cutoff_hz,
            },
            SmoothingChoice::OneEuro => Smoothing::OneEuro(OneEuroOptions {
                min_cutoff_hz: self.one_euro_min_cutoff,
                beta: self.one_euro_beta,
                ..OneEuroOptions::default()
            }),
            SmoothingChoice::None => Smoothing::None,
        };
        if self.no_swap_repair {
            options.signal.swap_repair = None;
        }
        options.subject_height_m = self.height;
        options.known_distance = self
            .known_distance
            .as_deref()
            .map(parse_known_distance)
            .transpose()?;
        if self.smoothing == SmoothingChoice::Butterworth
            && (self.order < 2 || !self.order.is_multiple_of(2))
        {
            return Err(Error::Usage(format!(
                "--order {} must be an even number ≥ 2",
                self.order
            )));
        }
        if !(self.cutoff_hz.is_finite() && self.cutoff_hz > 0.0) {
            return Err(Error::Usage(format!(
                "--cutoff-hz {} must be a positive number",
                self.cutoff_hz
            )));
        }
        Ok(options)
    }
}

fn is_track_file(path: &Path) -> bool {
    path.is_dir()
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Reads a pose track from `keypoints.json` (or a folder holding one).
pub fn read_track(path: &Path) -> Result<PoseTrack> {
    let file = if path.is_dir() {
        path.join("keypoints.json")
    } else {
        path.to_path_buf()
    };
    let track = keypoints::read_json(&file)?;
    if track.schema_version != TRACK_SCHEMA_VERSION {
        return Err(Error::bad_input(
            &file,
            format!(
                "keypoint track schema {} (this ugoki reads {TRACK_SCHEMA_VERSION})",
                track.schema_version
            ),
        ));
    }
    Ok(track)
}

fn summary(kinematics: &Kinematics) -> String {
    let mut lines = Vec::new();
    for pass in &kinematics.passes {
        let facing = pass
            .view
            .facing
            .map_or(String::new(), |f| format!(", facing {f:?}").to_lowercase());
        lines.push(format!(
            "pass {:.2}-{:.2} s: {:?} view{facing} (confidence {:.2}), travel {:?}",
            pass.start_s, pass.end_s, pass.view.view, pass.view.confidence, pass.travel
        ));
    }
    let calibration = &kinematics.calibration;
    match (&calibration.method, &calibration.cannot_compute) {
        (
            Some(CalibrationMethod::SubjectHeight {
                height_m,
                assumed,
                stature_px,
                ..
            }),
            _,
        ) => lines.push(format!(
            "scale: {:.5} m/px from a {height_m} m subject{} ({stature_px:.0} px tall)",
            calibration.metres_per_pixel.unwrap_or_default(),
            if *assumed {
                " (assumed height: pass --height)"
            } else {
                ""
            }
        )),
        (Some(CalibrationMethod::KnownDistance { pixels, distance }), _) => lines.push(format!(
            "scale: {:.5} m/px from {} m over {pixels:.1} px",
            calibration.metres_per_pixel.unwrap_or_default(),
            distance.metres
        )),
        (None, Some(reason)) => lines.push(format!("scale: cannot compute: {reason}")),
        (None, None) => {}
    }
    if !kinematics.swaps.is_empty() {
        lines.push(format!(
            "left/right swaps repaired: {}",
            kinematics.swaps.len()
        ));
    }
    lines.join("\n")
}

/// The subject's track from a video, with the pose pipeline's defaults (MoveNet, automatic
/// subject choice); its `keypoints.json` is written into `output`.
fn track_from_video(video: &Path, output: &Path, quiet: bool) -> Result<PoseTrack> {
    let spec = video.to_string_lossy();
    let outcome = track_video(
        &spec,
        PoseModel::Movenet,
        None,
        1,
        &SubjectOptions::default(),
        quiet,
    )?;
    std::fs::create_dir_all(output)
        .map_err(|e| Error::io(format!("creating {}", output.display()), e))?;
    keypoints::write_json(&outcome.track, &output.join("keypoints.json"))?;
    Ok(outcome.track)
}

/// Runs `ugoki kinematics`.
pub fn run(args: KinematicsArgs) -> Result<()> {
    let options = args.options()?;
    let track = if is_track_file(&args.input) {
        read_track(&args.input)?
    } else {
        track_from_video(&args.input, &args.output, args.quiet)?
    };
    let kinematics = compute(&track, &options)?;
    let written = export::write_all(&kinematics, &args.output)?;
    println!("{}", summary(&kinematics));
    for file in &written.files {
        println!("wrote {}", file.display());
    }
    for (name, reason) in &written.skipped {
        println!("not written: {name}: {reason}");
    }
    match kinematics.cannot_compute {
        Some(reason) => Err(Error::NoSubject(format!(
            "{}: cannot compute kinematics: {reason}",
            args.input.display()
        ))),
        None => Ok(()),
    }
}
