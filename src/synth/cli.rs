//! `ugoki synth`: renders a synthetic clip and its ground truth.

use super::motion::Movement;
use super::scene::{Backdrop, CameraSetup, Sensor, View};
use super::{truth_path, write_clip, ClipSpec};
use crate::error::{Error, Result};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `ugoki synth`.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// hinge | sts | gait | rotation
    #[arg(long)]
    pub movement: String,
    /// Variant to perform. hinge: good, lumbar-dominant, arched, shallow. sts: good, rounding,
    /// feet-forward, no-hip-extension, hands-on-thighs. gait: good, lateral-sway,
    /// lumbar-arching, heel-slam, asymmetric, head-bob. rotation: good, pelvis-driven,
    /// asymmetric.
    #[arg(long, default_value = "good")]
    pub fault: String,
    /// side | front | back | oblique | side-on (rotation protocol: face the camera 2 s, turn
    /// side-on, hold 1 s, rotate)
    #[arg(long, default_value = "side")]
    pub view: String,
    /// Repetitions (gait: strides).
    #[arg(long, default_value_t = 5)]
    pub reps: usize,
    /// Seconds per repetition (gait: per stride); default: the movement's usual tempo.
    #[arg(long)]
    pub tempo: Option<f64>,
    /// Fraction of the full range, one value or one per repetition (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1.0")]
    pub range: Vec<f64>,
    /// Subject's standing height in metres.
    #[arg(long, default_value_t = 1.70)]
    pub height: f64,
    /// Seed for body shape, clothing and camera jitter (0: the average body, no jitter).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Nominal frames per second.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
    /// Frame size as WIDTHxHEIGHT (overrides --width/--height-px).
    #[arg(long)]
    pub resolution: Option<String>,
    /// Frame width in pixels.
    #[arg(long, default_value_t = 1280)]
    pub width: u32,
    /// Frame height in pixels.
    #[arg(long = "height-px", default_value_t = 720)]
    pub height_px: u32,
    /// Irregular frame intervals (0.6–1.4 × nominal), written with FFmpeg.
    #[arg(long)]
    pub vfr: bool,
    /// Sensor noise, standard deviation in 8-bit levels.
    #[arg(long, default_value_t = 0.0)]
    pub noise: f64,
    /// Gaussian blur sigma in pixels.
    #[arg(long, default_value_t = 0.0)]
    pub blur: f64,
    /// Slow exposure drift amplitude (0.2 = ±20 %).
    #[arg(long, default_value_t = 0.0)]
    pub exposure_drift: f64,
    /// plain | textured | path to an image
    #[arg(long, default_value = "plain")]
    pub background: String,
    /// Horizontal field of view in degrees.
    #[arg(long, default_value_t = 60.0)]
    pub fov: f64,
    /// Camera distance to the subject in metres (default: the subject fills ~70 % of the height).
    #[arg(long)]
    pub camera_distance: Option<f64>,
    /// Camera height in metres (default: 0.55 × subject height).
    #[arg(long)]
    pub camera_height: Option<f64>,
    /// Seat height for sit-to-stand, metres.
    #[arg(long, default_value_t = 0.46)]
    pub chair_height: f64,
    /// Thoracic rotation seated on a stool.
    #[arg(long)]
    pub seated: bool,
    /// Also write one person-mask PNG per frame into this folder.
    #[arg(long)]
    pub mask_dir: Option<PathBuf>,
    /// Output video (MP4); the ground truth goes beside it as <name>.truth.json.
    #[arg(short, long)]
    pub output: PathBuf,
}

fn parse_movement(name: &str) -> Result<Movement> {
    [
        Movement::Hinge,
        Movement::SitToStand,
        Movement::Gait,
        Movement::Rotation,
    ]
    .into_iter()
    .find(|m| m.name() == name)
    .ok_or_else(|| {
        Error::Usage(format!(
            "unknown movement '{name}'; choose hinge, sts, gait or rotation"
        ))
    })
}

/// Turns the arguments into a clip specification.
pub fn spec_from(args: &SynthArgs) -> Result<ClipSpec> {
    let movement = parse_movement(&args.movement)?;
    let view = View::parse(&args.view).ok_or_else(|| {
        Error::Usage(format!(
            "unknown view '{}'; choose side, front, back, oblique or side-on",
            args.view
        ))
    })?;
    let (width, height) = match &args.resolution {
        Some(r) => {
            let parsed = r
                .split_once('x')
                .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
            parsed.ok_or_else(|| {
                Error::Usage(format!(
                    "--resolution '{r}' is not WIDTHxHEIGHT (e.g. 1280x720)"
                ))
            })?
        }
        None => (args.width, args.height_px),
    };
    let backdrop = match args.background.as_str() {
        "plain" => Backdrop::Plain,
        "textured" => Backdrop::Textured,
        path => Backdrop::Image(PathBuf::from(path)),
    };
    if !(20.0..=120.0).contains(&args.fov) {
        return Err(Error::Usage(format!(
            "--fov {} is out of range; give 20 to 120 degrees",
            args.fov
        )));
    }
    let spec = ClipSpec {
        movement,
        fault: args.fault.clone(),
        camera: CameraSetup {
            view,
            horizontal_fov_deg: args.fov,
            height_m: args.camera_height,
            distance_m: args.camera_distance,
        },
        reps: args.reps,
        tempo_s: args.tempo,
        range: args.range.clone(),
        height_m: args.height,
        seed: args.seed,
        fps: args.fps,
        width,
        height,
        variable_frame_rate: args.vfr,
        sensor: Sensor {
            noise: args.noise,
            blur: args.blur,
            exposure_drift: args.exposure_drift,
        },
        backdrop,
        chair_height_m: args.chair_height,
        seated: args.seated,
    };
    spec.validate()?;
    Ok(spec)
}

/// Runs `ugoki synth`.
pub fn run(args: &SynthArgs) -> Result<()> {
    let spec = spec_from(args)?;
    let written = write_clip(&spec, &args.output, args.mask_dir.as_deref())?;
    eprintln!(
        "ugoki synth: {} frames ({}, {}) in {:.1} s → {} and {}",
        written.frames,
        written.fourcc,
        if spec.variable_frame_rate {
            "variable frame rate"
        } else {
            "constant frame rate"
        },
        written.seconds_rendering,
        args.output.display(),
        truth_path(&args.output).display()
    );
    Ok(())
}
