//! Cutting a (rotated) square region out of a frame into a model's input, and mapping model
//! coordinates back to the frame.

use super::Region;
use crate::error::Result;
use opencv::core::{Mat, Scalar, Size, BORDER_CONSTANT, CV_64F};
use opencv::imgproc;
use opencv::prelude::*;

/// The affine map from crop pixels (u, v) to source pixels: `src = A · [u, v, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CropTransform {
    pub a: [[f64; 3]; 2],
}

impl CropTransform {
    pub fn new(region: &Region, side: usize) -> Self {
        let n = side as f64;
        let k = region.size as f64 / n;
        let (s, c) = (region.rotation as f64).sin_cos();
        let h = n * 0.5;
        let (cx, cy) = (region.cx as f64, region.cy as f64);
        CropTransform {
            a: [
                [k * c, -k * s, cx - h * k * c + h * k * s],
                [k * s, k * c, cy - h * k * s - h * k * c],
            ],
        }
    }

    /// Source-frame pixel of a crop pixel.
    pub fn to_source(&self, u: f32, v: f32) -> (f32, f32) {
        let (u, v) = (u as f64, v as f64);
        let a = &self.a;
        (
            (a[0][0] * u + a[0][1] * v + a[0][2]) as f32,
            (a[1][0] * u + a[1][1] * v + a[1][2]) as f32,
        )
    }
}

/// Cuts `region` out of a BGR frame into a `side`×`side` RGB 8-bit image; outside the frame is
/// filled with `pad` (per channel).
pub fn crop_rgb(
    image: &Mat,
    region: &Region,
    side: usize,
    pad: f64,
) -> Result<(Mat, CropTransform)> {
    let transform = CropTransform::new(region, side);
    let a = &transform.a;
    let m = Mat::from_slice_2d(&[[a[0][0], a[0][1], a[0][2]], [a[1][0], a[1][1], a[1][2]]])?;
    let mut m64 = Mat::default();
    m.convert_to(&mut m64, CV_64F, 1.0, 0.0)?;
    let mut bgr = Mat::default();
    imgproc::warp_affine(
        image,
        &mut bgr,
        &m64,
        Size::new(side as i32, side as i32),
        imgproc::INTER_LINEAR | imgproc::WARP_INVERSE_MAP,
        BORDER_CONSTANT,
        Scalar::all(pad),
    )?;
    let mut rgb = Mat::default();
    imgproc::cvt_color_def(&bgr, &mut rgb, imgproc::COLOR_BGR2RGB)?;
    Ok((rgb, transform))
}

/// The pixels of a continuous 8-bit 3-channel image as a flat HWC slice.
pub fn pixels(image: &Mat) -> Result<&[u8]> {
    Ok(image.data_bytes()?)
}

/// HWC u8 → HWC f32 with `value * scale + offset`.
pub fn to_f32(pixels: &[u8], scale: f32, offset: f32) -> Vec<f32> {
    pixels.iter().map(|&p| p as f32 * scale + offset).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unrotated_region_maps_corners_to_region_corners() {
        let region = Region {
            cx: 100.0,
            cy: 50.0,
            size: 40.0,
            rotation: 0.0,
        };
        let t = CropTransform::new(&region, 20);
        assert_eq!(t.to_source(0.0, 0.0), (80.0, 30.0));
        assert_eq!(t.to_source(20.0, 20.0), (120.0, 70.0));
    }

    #[test]
    fn rotated_region_points_up_along_rotation() {
        // A quarter turn clockwise: the crop's "up" (v decreasing) points to +x in the frame.
        let region = Region {
            cx: 0.0,
            cy: 0.0,
            size: 10.0,
            rotation: std::f32::consts::FRAC_PI_2,
        };
        let t = CropTransform::new(&region, 10);
        let (x, y) = t.to_source(5.0, 0.0);
        assert!((x - 5.0).abs() < 1e-4 && y.abs() < 1e-4, "{x} {y}");
    }
}
