//! Synthetic subject with exact ground truth: a rendered person performing the hip hinge,
//! sit-to-stand, gait and thoracic rotation, good or with scripted faults.
//!
//! The pipeline of one clip: a `Body` scaled by height (`body`), a motion script that gives
//! the subject's intent at any instant (`motion`), inverse and forward kinematics to segment
//! frames (`motion::realise`, `pose`), a triangle mesh of the soft-tissue surface (`mesh`), a
//! z-buffer rasterizer (`raster`) seen through a pinhole camera (`camera`) over a floor and
//! wall (`scene`), an MP4 through OpenCV (`video`) and the ground-truth JSON (`truth`) with the
//! clinical angles defined in `angles`.
//!
//! World axes: metres, x forward (the way the feet face at the start), y up, z to the
//! subject's right; the floor is y = 0.

pub mod angles;
pub mod body;
pub mod camera;
pub mod cli;
pub mod detection;
pub mod math;
pub mod mesh;
pub mod motion;
pub mod pose;
pub mod raster;
pub mod rng;
pub mod scene;
pub mod truth;
pub mod video;

use crate::error::{Error, Result};
use crate::skeleton::Joint;
use angles::clinical_angles;
use body::Body;
use camera::Camera;
use math::Vec3;
use mesh::{body_mesh, chair_mesh, Mesh};
use motion::{realise, MotionScript, Movement, RepSpec};
use pose::{pose_body, Landmark, Posed, Segment};
use raster::{rasterize, Canvas, Lighting};
use rng::Rng;
use scene::{Backdrop, CameraSetup, Sensor, View};
use std::path::Path;

/// Everything that decides a clip.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipSpec {
    pub movement: Movement,
    pub fault: String,
    pub camera: CameraSetup,
    pub reps: usize,
    /// Seconds per repetition (gait: per stride); `None`: the movement's usual tempo.
    pub tempo_s: Option<f64>,
    /// Fraction of the full range (per repetition when more than one value is given).
    pub range: Vec<f64>,
    /// Standing height of the subject, metres.
    pub height_m: f64,
    pub seed: u64,
    pub fps: f64,
    pub width: u32,
    pub height: u32,
    /// Irregular frame intervals (as phones record).
    pub variable_frame_rate: bool,
    pub sensor: Sensor,
    pub backdrop: Backdrop,
    /// Seat height of the chair for sit-to-stand, metres.
    pub chair_height_m: f64,
    /// Thoracic rotation on a stool instead of standing.
    pub seated: bool,
}

impl ClipSpec {
    /// A 640×360, 30 frames/s clip of `reps` repetitions with every other choice at its default.
    pub fn new(movement: Movement, fault: &str, view: View, reps: usize) -> ClipSpec {
        ClipSpec {
            movement,
            fault: fault.to_string(),
            camera: CameraSetup {
                view,
                horizontal_fov_deg: 60.0,
                height_m: None,
                distance_m: None,
            },
            reps,
            tempo_s: None,
            range: vec![1.0],
            height_m: 1.70,
            seed: 0,
            fps: 30.0,
            width: 640,
            height: 360,
            variable_frame_rate: false,
            sensor: Sensor {
                noise: 0.0,
                blur: 0.0,
                exposure_drift: 0.0,
            },
            backdrop: Backdrop::Plain,
            chair_height_m: 0.46,
            seated: false,
        }
    }

    /// Checks the request and says what is wrong in one line.
    pub fn validate(&self) -> Result<()> {
        let usage = |m: String| Err(Error::Usage(m));
        let faults = self.movement.faults();
        if !faults.contains(&self.fault.as_str()) {
            return usage(format!(
                "fault '{}' does not exist for {}; choose one of: {}",
                self.fault,
                self.movement.name(),
                faults.join(", ")
            ));
        }
        if self.reps == 0 || self.reps > 100 {
            return usage(format!(
                "--reps {} is out of range; give 1 to 100",
                self.reps
            ));
        }
        if !(1.0..=2.3).contains(&self.height_m) {
            return usage(format!(
                "--height {} m is not an adult height; give 1.0 to 2.3 metres",
                self.height_m
            ));
        }
        if !(5.0..=120.0).contains(&self.fps) {
            return usage(format!("--fps {} is out of range; give 5 to 120", self.fps));
        }
        if self.width < 64
            || self.height < 64
            || self.width > 7680
            || self.height > 4320
            || self.width % 2 == 1
            || self.height % 2 == 1
        {
            return usage(format!(
                "resolution {}x{} is not usable; give even sizes from 64x64 to 7680x4320",
                self.width, self.height
            ));
        }
        if let Some(t) = self.tempo_s {
            if !(0.5..=30.0).contains(&t) {
                return usage(format!(
                    "--tempo {t} s is out of range; give 0.5 to 30 seconds per repetition"
                ));
            }
        }
        if self.range.is_empty() || self.range.iter().any(|r| !(0.1..=1.5).contains(r)) {
            return usage("--range must be one or more fractions from 0.1 to 1.5".into());
        }
        if self.range.len() > 1 && self.range.len() != self.reps {
            return usage(format!(
                "--range gives {} values for {} repetitions; give one, or one per repetition",
                self.range.len(),
                self.reps
            ));
        }
        if !(0.3..=0.8).contains(&self.chair_height_m) {
            return usage(format!(
                "--chair-height {} m is out of range; give 0.3 to 0.8 metres",
                self.chair_height_m
            ));
        }
        if self.camera.view == View::SideOn && self.movement != Movement::Rotation {
            return usage(
                "--view side-on is the thoracic-rotation protocol; use it with --movement rotation"
                    .into(),
            );
        }
        if self.seated && self.movement != Movement::Rotation {
            return usage("--seated applies to --movement rotation only".into());
        }
        if self.sensor.noise < 0.0
            || self.sensor.blur < 0.0
            || !(0.0..1.0).contains(&self.sensor.exposure_drift)
        {
            return usage("--noise and --blur must be ≥ 0 and --exposure-drift in 0..1".into());
        }
        Ok(())
    }

    fn rep_specs(&self) -> Vec<RepSpec> {
        let usual = match self.movement {
            Movement::Hinge => 3.5,
            Movement::SitToStand => 4.5,
            // 108 steps per minute.
            Movement::Gait => 120.0 / 108.0,
            Movement::Rotation => 5.0,
        };
        (0..self.reps)
            .map(|i| RepSpec {
                duration_s: self.tempo_s.unwrap_or(usual),
                range: if self.range.len() == 1 {
                    self.range[0]
                } else {
                    self.range[i]
                },
            })
            .collect()
    }
}

/// A clip ready to render: body, script, camera and static background.
pub struct Clip {
    pub spec: ClipSpec,
    pub body: Body,
    pub script: Box<dyn MotionScript + Send + Sync>,
    pub camera: Camera,
    background: Vec<u8>,
    props: Mesh,
    lighting: Lighting,
}

/// One rendered frame with its pose.
pub struct RenderedFrame {
    pub canvas: Canvas,
    pub posed: Posed,
    pub stance_heading: f64,
}

impl Clip {
    /// Builds the clip (validates the spec first).
    pub fn new(spec: &ClipSpec) -> Result<Clip> {
        spec.validate()?;
        let body = Body::varied(spec.height_m, spec.seed);
        let reps = spec.rep_specs();
        let fault = spec.fault.as_str();
        let unknown = || Error::Internal(format!("no script for {fault}"));
        let script: Box<dyn MotionScript + Send + Sync> = match spec.movement {
            Movement::Hinge => Box::new(motion::hinge::Hinge::new(
                &body,
                reps,
                motion::hinge::shape(fault).ok_or_else(unknown)?,
            )),
            Movement::SitToStand => Box::new(motion::sit_to_stand::SitToStand::new(
                &body,
                reps,
                motion::sit_to_stand::shape(fault).ok_or_else(unknown)?,
                spec.chair_height_m,
            )),
            Movement::Gait => Box::new(motion::gait::Gait::new(
                &body,
                reps,
                motion::gait::shape(fault).ok_or_else(unknown)?,
            )),
            Movement::Rotation => Box::new(motion::rotation::Rotation::new(
                &body,
                reps,
                motion::rotation::shape(fault).ok_or_else(unknown)?,
                spec.seated,
                spec.camera.view == View::SideOn,
            )),
        };
        let (start, end) = script.path();
        let mut jitter = Rng::new(spec.seed.wrapping_mul(31).wrapping_add(7));
        let camera = place_camera_for(
            spec,
            &body,
            start,
            end,
            (spec.seed != 0).then_some(&mut jitter),
        );
        let background = scene::background(&camera, &spec.backdrop, start.lerp(end, 0.5))?;
        let props = script.chair().map_or_else(Mesh::default, |c| {
            chair_mesh(
                Vec3::new(c.front[0], c.front[1], c.front[2]),
                c.heading,
                c.seat_height_m,
                c.back_rest,
            )
        });
        let lighting = Lighting::studio(&camera);
        Ok(Clip {
            spec: spec.clone(),
            body,
            script,
            camera,
            background,
            props,
            lighting,
        })
    }

    /// The instants the frames show, seconds: regular, or (variable frame rate) with intervals
    /// drawn between 0.6 and 1.4 of the nominal one.
    pub fn frame_times(&self) -> Vec<f64> {
        let dt = 1.0 / self.spec.fps;
        let end = self.script.duration();
        let mut rng = Rng::new(self.spec.seed ^ 0xF4A3);
        let mut times = Vec::new();
        let mut t = 0.0;
        // Variable-rate clips keep millisecond timestamps, as their container does.
        let decimals = if self.spec.variable_frame_rate { 3 } else { 6 };
        while t <= end + 1e-9 {
            times.push(truth::round(t, decimals));
            t += if self.spec.variable_frame_rate {
                dt * rng.range(0.6, 1.4)
            } else {
                dt
            };
        }
        times
    }

    /// The posed body at `t` and the direction its feet face.
    pub fn pose_at(&self, t: f64) -> (Posed, f64) {
        let intent = self.script.intent(t);
        (
            pose_body(&self.body, &realise(&self.body, &intent)),
            intent.stance_heading,
        )
    }

    /// Renders the frame at `t` (frame number `index` seeds the sensor noise).
    pub fn render(&self, t: f64, index: usize) -> Result<RenderedFrame> {
        let (posed, stance_heading) = self.pose_at(t);
        let mut mesh = body_mesh(&self.body, &posed);
        mesh.extend(&self.props);
        let (w, h) = (self.camera.width as usize, self.camera.height as usize);
        let mut canvas = Canvas::from_background(w, h, &self.background);
        rasterize(&mesh, &self.camera, &self.lighting, &mut canvas);
        let noise_seed = self
            .spec
            .seed
            .wrapping_mul(0x9E37)
            .wrapping_add(index as u64);
        scene::apply_sensor(&self.spec.sensor, &mut canvas.bgr, w, h, t, noise_seed)?;
        Ok(RenderedFrame {
            canvas,
            posed,
            stance_heading,
        })
    }

    /// The ground truth of one frame.
    pub fn truth_frame(
        &self,
        index: usize,
        t: f64,
        posed: &Posed,
        stance_heading: f64,
    ) -> truth::FrameTruth {
        let project = |p: Vec3| {
            let q = self.camera.project(p);
            q.map_or([f64::NAN; 2], |q| truth::point2(q.x, q.y))
        };
        let landmarks: Vec<Vec3> = Landmark::beyond_keypoints()
            .into_iter()
            .map(|l| posed.landmark(l))
            .collect();
        let keypoints: Vec<Vec3> = Joint::ALL
            .iter()
            .map(|&j| posed.landmark(Landmark::of_keypoint(j)))
            .collect();
        let angles = clinical_angles(posed, stance_heading);
        let deg = |v: f64| truth::round(v, 3);
        let degs = |v: [f64; 2]| v.map(deg);
        truth::FrameTruth {
            index,
            time_s: truth::round(t, 6),
            stance_heading_deg: deg(stance_heading.to_degrees()),
            landmarks_3d: landmarks.iter().map(|&p| truth::point3(p)).collect(),
            landmarks_2d: landmarks.iter().map(|&p| project(p)).collect(),
            keypoints_3d: keypoints.iter().map(|&p| truth::point3(p)).collect(),
            keypoints_2d: keypoints.iter().map(|&p| project(p)).collect(),
            segments: posed
                .frames
                .iter()
                .map(|f| truth::SegmentTruth {
                    origin: truth::point3(f.origin),
                    quaternion: f.rotation.to_quaternion().map(|v| truth::round(v, 6)),
                })
                .collect(),
            angles: angles::ClinicalAngles {
                pelvic_tilt: deg(angles.pelvic_tilt),
                pelvic_obliquity: deg(angles.pelvic_obliquity),
                pelvis_rotation: deg(angles.pelvis_rotation),
                lumbar_flexion: deg(angles.lumbar_flexion),
                lumbar_lateral_bend: deg(angles.lumbar_lateral_bend),
                lumbar_rotation: deg(angles.lumbar_rotation),
                thoracic_flexion: deg(angles.thoracic_flexion),
                thoracic_rotation: deg(angles.thoracic_rotation),
                trunk_inclination: deg(angles.trunk_inclination),
                hip_flexion: degs(angles.hip_flexion),
                hip_abduction: degs(angles.hip_abduction),
                knee_flexion: degs(angles.knee_flexion),
                ankle_dorsiflexion: degs(angles.ankle_dorsiflexion),
            },
        }
    }

    /// The ground truth of the whole clip for the given frames.
    pub fn truth(
        &self,
        frames: Vec<truth::FrameTruth>,
        frame_times: &[f64],
        video_codec: &str,
    ) -> truth::Truth {
        let b = &self.body;
        let strings = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(k, d)| (k.to_string(), d.to_string()))
                .collect()
        };
        truth::Truth {
            schema_version: truth::TRUTH_SCHEMA_VERSION,
            generator: format!("ugoki synth {}", env!("CARGO_PKG_VERSION")),
            clip: truth::ClipInfo {
                movement: self.spec.movement.name().into(),
                fault: self.spec.fault.clone(),
                view: self.spec.camera.view.name().into(),
                reps: self.spec.rep_specs().iter().map(|r| truth::RepInfo { duration_s: r.duration_s, range: r.range }).collect(),
                seed: self.spec.seed,
                nominal_fps: self.spec.fps,
                variable_frame_rate: self.spec.variable_frame_rate,
                width: self.spec.width,
                height: self.spec.height,
                seated: self.spec.seated,
                video_codec: video_codec.into(),
            },
            body: truth::BodyInfo {
                height_m: b.height,
                thigh_m: truth::round(b.thigh, 6),
                shank_m: truth::round(b.shank, 6),
                upper_arm_m: truth::round(b.upper_arm, 6),
                forearm_m: truth::round(b.forearm, 6),
                hip_joint_spacing_m: truth::round(2.0 * b.hip_half_width, 6),
                shoulder_joint_spacing_m: truth::round(2.0 * b.shoulder.z, 6),
                build: truth::round(b.build, 6),
                proportions_source: "Drillis & Contini (1966) via Winter (2009), Biomechanics and Motor Control of Human Movement, Fig. 4.1".into(),
            },
            camera: truth::CameraInfo::of(&self.camera),
            chair: self.script.chair().as_ref().map(truth::ChairInfo::of),
            conventions: truth::conventions(),
            definitions: strings(&angles::DEFINITIONS),
            landmark_names: Landmark::beyond_keypoints().into_iter().map(Landmark::name).collect(),
            keypoint_names: Joint::ALL.iter().map(|j| j.name().to_string()).collect(),
            segment_names: Segment::all().iter().map(|s| s.name()).collect(),
            events: truth::events(&self.script.events(), frame_times),
            frames,
        }
    }
}

fn place_camera_for(
    spec: &ClipSpec,
    body: &Body,
    start: Vec3,
    end: Vec3,
    rng: Option<&mut Rng>,
) -> Camera {
    scene::place_camera(
        &spec.camera,
        body.height,
        start,
        end,
        spec.width,
        spec.height,
        rng,
    )
}

/// What `write_clip` produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub frames: usize,
    pub fourcc: String,
    pub seconds_rendering: f64,
}

/// Renders a clip to `video` (MP4), its ground truth beside it (`<stem>.truth.json`) and, when
/// asked, one person-mask PNG per frame into `mask_dir`.
pub fn write_clip(spec: &ClipSpec, video: &Path, mask_dir: Option<&Path>) -> Result<Written> {
    let clip = Clip::new(spec)?;
    let times = clip.frame_times();
    if let Some(dir) = mask_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    let started = std::time::Instant::now();
    let mut sink = video::FrameSink::create(
        video,
        spec.fps,
        spec.width,
        spec.height,
        spec.variable_frame_rate,
    )?;
    let mut frames = Vec::with_capacity(times.len());
    for (i, &t) in times.iter().enumerate() {
        let rendered = clip.render(t, i)?;
        sink.push(&rendered.canvas.bgr, t)?;
        if let Some(dir) = mask_dir {
            video::write_mask(
                &dir.join(format!("{i:06}.png")),
                &rendered.canvas.mask,
                rendered.canvas.width,
                rendered.canvas.height,
            )?;
        }
        frames.push(clip.truth_frame(i, t, &rendered.posed, rendered.stance_heading));
    }
    let fourcc = sink.finish()?;
    let truth = clip.truth(frames, &times, &fourcc);
    truth::write(&truth, &truth_path(video))?;
    Ok(Written {
        frames: times.len(),
        fourcc,
        seconds_rendering: started.elapsed().as_secs_f64(),
    })
}

/// `clip.mp4` → `clip.truth.json`.
pub fn truth_path(video: &Path) -> std::path::PathBuf {
    let stem = video
        .file_stem()
        .map_or_else(|| "clip".into(), |s| s.to_string_lossy().into_owned());
    video.with_file_name(format!("{stem}.truth.json"))
}
