//! The scene around the subject: where the camera stands for each view, the floor and wall or
//! a background image, and what the sensor adds (noise, blur, exposure changes).

use super::camera::Camera;
use super::math::Vec3;
use super::rng::Rng;
use crate::error::{Error, Result};
use opencv::core::{Mat, Size, Vec3b};
use opencv::imgproc;
use opencv::prelude::*;
use rayon::prelude::*;
use std::path::PathBuf;

/// Where the camera looks from, relative to the way the subject's feet face at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// From the subject's right, 12° towards the front (a camera set up by eye is never exactly
    /// square; exactly square, the far ankle hides behind the near one).
    Side,
    Front,
    Back,
    /// 45° between front and right side.
    Oblique,
    /// In front of the subject, who turns a quarter turn to stand side-on (the rotation
    /// protocol).
    SideOn,
}

impl View {
    /// The CLI name.
    pub fn name(self) -> &'static str {
        match self {
            View::Side => "side",
            View::Front => "front",
            View::Back => "back",
            View::Oblique => "oblique",
            View::SideOn => "side-on",
        }
    }

    /// Parses a CLI name.
    pub fn parse(name: &str) -> Option<View> {
        [
            View::Side,
            View::Front,
            View::Back,
            View::Oblique,
            View::SideOn,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }
}

/// What is behind the subject.
#[derive(Debug, Clone, PartialEq)]
pub enum Backdrop {
    /// A light wall and a grey floor.
    Plain,
    /// Wallpaper stripes, a skirting board and a wooden floor.
    Textured,
    /// A picture filling the frame.
    Image(PathBuf),
}

/// How far the side view turns from square towards the subject's front, degrees.
pub const SIDE_TOWARDS_FRONT: f64 = 12.0;

/// Lens and placement choices for a clip's camera.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraSetup {
    pub view: View,
    /// Horizontal field of view, degrees (a phone's main camera is about 65°).
    pub horizontal_fov_deg: f64,
    /// Camera height above the floor, metres; `None`: 0.55 × body height.
    pub height_m: Option<f64>,
    /// Distance to the subject, metres; `None`: the subject fills about 70 % of the frame height.
    pub distance_m: Option<f64>,
}

/// A camera for `setup` framing a subject of `body_height` whose pelvis travels from `start`
/// to `end`; `rng` (if any) moves it a little (seeded jitter).
pub fn place_camera(
    setup: &CameraSetup,
    body_height: f64,
    start: Vec3,
    end: Vec3,
    width: u32,
    height: u32,
    rng: Option<&mut Rng>,
) -> Camera {
    let mut jitter = [0.0; 5];
    if let Some(rng) = rng {
        jitter = [
            rng.range(-0.1, 0.1),
            rng.range(-0.05, 0.05),
            rng.range(-0.04, 0.04),
            rng.range(-3.0, 3.0),
            rng.range(-0.05, 0.05),
        ];
    }
    let fov = setup.horizontal_fov_deg + jitter[3];
    let aspect = height as f64 / width as f64;
    let vertical_half = ((fov.to_radians() * 0.5).tan() * aspect).atan();
    let fill = 0.7;
    let framing = body_height * 1.1 / fill * 0.5 / vertical_half.tan();
    let travel = (end - start).norm();
    let centre = start.lerp(end, 0.5);
    let cam_height = setup.height_m.unwrap_or(0.55 * body_height) + jitter[1];
    let direction = match setup.view {
        View::Side => Vec3::new(
            SIDE_TOWARDS_FRONT.to_radians().sin(),
            0.0,
            SIDE_TOWARDS_FRONT.to_radians().cos(),
        ),
        View::Front | View::SideOn => Vec3::new(1.0, 0.0, 0.0),
        View::Back => Vec3::new(-1.0, 0.0, 0.0),
        View::Oblique => Vec3::new(1.0, 0.0, 1.0).normalized(),
    };
    // Walking across the view: keep the whole path in frame, with room for the leading foot
    // (half a step and a foot ahead of the pelvis) and for the near end of a path seen a little
    // from the front. Walking towards the camera: stop the subject at the framing distance.
    let across = (travel * 0.5 + 0.9) / (fov.to_radians() * 0.5).tan();
    let along = direction.dot((end - start).normalized()).abs() > 0.7 && travel > 0.1;
    let distance = setup
        .distance_m
        .unwrap_or(if along { framing } else { framing.max(across) })
        * (1.0 + jitter[2]);
    let anchor = if along {
        if direction.dot(end - start) > 0.0 {
            end
        } else {
            start
        }
    } else {
        centre
    };
    let sideways = Vec3::new(-direction.z, 0.0, direction.x) * jitter[0];
    let position = Vec3::new(anchor.x, cam_height, anchor.z) + direction * distance + sideways;
    let target = Vec3::new(
        if along { centre.x } else { anchor.x },
        body_height * (0.5 + jitter[4]),
        anchor.z,
    );
    let target = if along {
        Vec3::new(anchor.x, target.y, anchor.z)
    } else {
        target
    };
    Camera::look_at(position, target, fov, width, height)
}

/// Renders the static background (floor and wall, or the image) once per clip, BGR.
pub fn background(camera: &Camera, backdrop: &Backdrop, subject: Vec3) -> Result<Vec<u8>> {
    let (w, h) = (camera.width as usize, camera.height as usize);
    if let Backdrop::Image(path) = backdrop {
        let image = opencv::imgcodecs::imread(path, opencv::imgcodecs::IMREAD_COLOR)?;
        if image.empty() {
            return Err(Error::bad_input(
                path,
                "not a readable image (use PNG or JPEG)",
            ));
        }
        let mut resized = Mat::default();
        imgproc::resize(
            &image,
            &mut resized,
            Size::new(w as i32, h as i32),
            0.0,
            0.0,
            imgproc::INTER_AREA,
        )?;
        return Ok(resized.data_bytes()?.to_vec());
    }
    let textured = matches!(backdrop, Backdrop::Textured);
    let origin = camera.origin();
    let view = Vec3::new(camera.forward[0], 0.0, camera.forward[2]).normalized();
    // The wall stands 2.5 m behind the subject, square to the camera.
    let wall_point = subject + view * 2.5;
    let mut out = vec![0u8; w * h * 3];
    out.par_chunks_mut(w * 3).enumerate().for_each(|(y, row)| {
        for x in 0..w {
            let ray = camera.ray(x as f64 + 0.5, y as f64 + 0.5);
            let t_floor = if ray.y < -1e-9 {
                -origin.y / ray.y
            } else {
                f64::INFINITY
            };
            let denom = ray.dot(view);
            let t_wall = if denom > 1e-9 {
                (wall_point - origin).dot(view) / denom
            } else {
                f64::INFINITY
            };
            let colour = if t_floor < t_wall {
                let p = origin + ray * t_floor;
                floor_colour(p, textured) * (1.0 - (t_floor / 40.0).min(0.3))
            } else if t_wall.is_finite() {
                let p = origin + ray * t_wall;
                wall_colour(p, view, textured)
            } else {
                Vec3::new(0.8, 0.8, 0.8)
            };
            let px = &mut row[x * 3..x * 3 + 3];
            px[0] = (colour.z * 255.0).clamp(0.0, 255.0) as u8;
            px[1] = (colour.y * 255.0).clamp(0.0, 255.0) as u8;
            px[2] = (colour.x * 255.0).clamp(0.0, 255.0) as u8;
        }
    });
    Ok(out)
}

/// A hash of integer coordinates to 0..1 (for plank and speckle variation).
fn hash(a: i64, b: i64) -> f64 {
    let mut z = (a as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (b as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (z >> 11) as f64 / (1u64 << 53) as f64
}

fn floor_colour(p: Vec3, textured: bool) -> Vec3 {
    if !textured {
        return Vec3::new(0.58, 0.57, 0.55);
    }
    let plank = (p.z / 0.18).floor() as i64;
    let offset = hash(plank, 7) * 1.5;
    let board = ((p.x + offset) / 1.2).floor() as i64;
    let tone = 0.85 + 0.2 * hash(plank, board);
    let grain = 0.04 * ((p.x * 40.0 + hash(plank, 3) * 10.0).sin());
    let seam = if (p.z / 0.18).fract() < 0.02 {
        0.75
    } else {
        1.0
    };
    Vec3::new(0.62, 0.45, 0.3) * ((tone + grain) * seam)
}

fn wall_colour(p: Vec3, normal: Vec3, textured: bool) -> Vec3 {
    let base = Vec3::new(0.86, 0.85, 0.8);
    if !textured {
        return base;
    }
    if p.y < 0.1 {
        return Vec3::new(0.95, 0.95, 0.93);
    }
    let across = p.x * normal.z - p.z * normal.x;
    let stripe = if (across / 0.25).rem_euclid(1.0) < 0.5 {
        1.0
    } else {
        0.94
    };
    base * stripe
}

/// Per-frame sensor effects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sensor {
    /// Standard deviation of additive noise, in 8-bit levels.
    pub noise: f64,
    /// Gaussian blur sigma in pixels (0 = none).
    pub blur: f64,
    /// Amplitude of a slow exposure drift (0.2 = ±20 %), period 6 s.
    pub exposure_drift: f64,
}

/// Applies exposure, noise and blur to a BGR frame in place; `seed` makes the noise repeatable.
pub fn apply_sensor(
    sensor: &Sensor,
    bgr: &mut [u8],
    width: usize,
    height: usize,
    time_s: f64,
    seed: u64,
) -> Result<()> {
    let gain = 1.0 + sensor.exposure_drift * (std::f64::consts::TAU * time_s / 6.0).sin();
    if sensor.noise > 0.0 || (gain - 1.0).abs() > 1e-9 {
        bgr.par_chunks_mut(width * 3)
            .enumerate()
            .for_each(|(y, row)| {
                let mut rng = Rng::new(seed ^ ((y as u64) << 32));
                for v in row.iter_mut() {
                    // Sum of uniforms: close enough to Gaussian sensor noise, and cheap.
                    let n = (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2.0 * sensor.noise;
                    *v = (*v as f64 * gain + n).round().clamp(0.0, 255.0) as u8;
                }
            });
    }
    if sensor.blur > 0.0 {
        let mut mat = Mat::new_rows_cols_with_default(
            height as i32,
            width as i32,
            opencv::core::CV_8UC3,
            0.into(),
        )?;
        mat.data_bytes_mut()?.copy_from_slice(bgr);
        let mut out = Mat::default();
        imgproc::gaussian_blur_def(&mat, &mut out, Size::new(0, 0), sensor.blur)?;
        bgr.copy_from_slice(out.data_bytes()?);
    }
    Ok(())
}

/// A BGR buffer as an OpenCV image.
pub fn to_mat(bgr: &[u8], width: usize, height: usize) -> Result<Mat> {
    let mut mat = Mat::new_rows_cols_with_default(
        height as i32,
        width as i32,
        Vec3b::opencv_type(),
        0.into(),
    )?;
    mat.data_bytes_mut()?.copy_from_slice(bgr);
    Ok(mat)
}
