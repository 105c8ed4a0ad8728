//! Moving-region boxes from a static camera: where people who move are, found cheaply on a
//! small greyscale copy of each frame, so that candidates are seeded where the pose model should
//! look instead of over the whole (possibly wide) frame.

use crate::error::Result;
use crate::skeleton::BoxPx;
use opencv::core::{self, Mat, Point, Size, CV_32F};
use opencv::imgproc;
use opencv::prelude::*;

/// Width of the analysis copy; motion is coarse, so a small copy is enough and cheap.
const ANALYSIS_WIDTH: i32 = 320;
/// Motion is analysed on every `STRIDE`-th frame only: it seeds new people, which can wait a
/// frame, and it would otherwise be a large share of the work on a small video.
const STRIDE: usize = 2;
/// Background adaptation per analysed frame (about a second's memory at 30 fps).
const BACKGROUND_RATE: f64 = 0.06;
/// Grey-level difference that counts as change.
const CHANGE_THRESHOLD: f64 = 22.0;
/// Analysed frames before the background is trusted.
const WARM_UP_FRAMES: usize = 4;

pub struct MotionDetector {
    background: Option<Mat>,
    scale: f32,
    frames_seen: usize,
    calls: usize,
}

impl Default for MotionDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl MotionDetector {
    pub fn new() -> Self {
        MotionDetector {
            background: None,
            scale: 1.0,
            frames_seen: 0,
            calls: 0,
        }
    }

    /// Boxes (in source pixels) of regions that changed against the running background, biggest
    /// first. Empty while the background is warming up, and on frames between analysed ones.
    pub fn update(&mut self, image: &Mat) -> Result<Vec<BoxPx>> {
        self.calls += 1;
        if !(self.calls - 1).is_multiple_of(STRIDE) {
            return Ok(Vec::new());
        }
        let size = image.size()?;
        self.scale = size.width as f32 / ANALYSIS_WIDTH as f32;
        let small_h = ((size.height as f32 / self.scale).round() as i32).max(1);
        let mut small = Mat::default();
        // Bilinear sampling is enough: the copy is blurred next, and area averaging over a wide
        // frame costs more than the rest of the motion step.
        imgproc::resize(
            image,
            &mut small,
            Size::new(ANALYSIS_WIDTH, small_h),
            0.0,
            0.0,
            imgproc::INTER_LINEAR,
        )?;
        let mut grey = Mat::default();
        imgproc::cvt_color_def(&small, &mut grey, imgproc::COLOR_BGR2GRAY)?;
        let mut blurred = Mat::default();
        imgproc::gaussian_blur_def(&grey, &mut blurred, Size::new(5, 5), 0.0)?;
        let mut current = Mat::default();
        blurred.convert_to(&mut current, CV_32F, 1.0, 0.0)?;
        self.frames_seen += 1;
        let Some(background) = self.background.as_mut() else {
            self.background = Some(current);
            return Ok(Vec::new());
        };
        let mut diff = Mat::default();
        core::absdiff(&current, background, &mut diff)?;
        imgproc::accumulate_weighted_def(&current, background, BACKGROUND_RATE)?;
        if self.frames_seen < WARM_UP_FRAMES {
            return Ok(Vec::new());
        }
        let mut changed = Mat::default();
        imgproc::threshold(
            &diff,
            &mut changed,
            CHANGE_THRESHOLD,
            255.0,
            imgproc::THRESH_BINARY,
        )?;
        let mut changed8 = Mat::default();
        changed.convert_to(&mut changed8, core::CV_8U, 1.0, 0.0)?;
        // Close small holes so a moving person is one blob, not a scatter of limbs.
        let kernel = imgproc::get_structuring_element(
            imgproc::MORPH_ELLIPSE,
            Size::new(7, 7),
            Point::new(-1, -1),
        )?;
        let mut closed = Mat::default();
        imgproc::morphology_ex(
            &changed8,
            &mut closed,
            imgproc::MORPH_CLOSE,
            &kernel,
            Point::new(-1, -1),
            2,
            core::BORDER_CONSTANT,
            imgproc::morphology_default_border_value()?,
        )?;
        let mut labels = Mat::default();
        let mut stats = Mat::default();
        let mut centroids = Mat::default();
        let n = imgproc::connected_components_with_stats(
            &closed,
            &mut labels,
            &mut stats,
            &mut centroids,
            8,
            core::CV_32S,
        )?;
        let min_area = (ANALYSIS_WIDTH * small_h) as f32 * 0.0015;
        let mut boxes = Vec::new();
        for label in 1..n {
            let stat = |c: i32| -> Result<f32> { Ok(*stats.at_2d::<i32>(label, c)? as f32) };
            let (x, y, w, h, area) = (
                stat(imgproc::CC_STAT_LEFT)?,
                stat(imgproc::CC_STAT_TOP)?,
                stat(imgproc::CC_STAT_WIDTH)?,
                stat(imgproc::CC_STAT_HEIGHT)?,
                stat(imgproc::CC_STAT_AREA)?,
            );
            if area < min_area {
                continue;
            }
            let s = self.scale;
            boxes.push(BoxPx {
                x0: x * s,
                y0: y * s,
                x1: (x + w) * s,
                y1: (y + h) * s,
            });
        }
        boxes.sort_by(|a, b| b.area().total_cmp(&a.area()));
        Ok(boxes)
    }
}
