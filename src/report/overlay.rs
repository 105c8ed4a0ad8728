//! The video with the subject's skeleton drawn on it.

use super::atomic;
use crate::error::{Error, Result};
use crate::skeleton::{Skeleton, BONES};
use crate::source::{Frame, FrameSource, SourceInfo};
use crate::track::PoseTrack;
use opencv::core::{Mat, Point, Scalar, Size};
use opencv::imgproc;
use opencv::prelude::*;
use opencv::videoio::{VideoWriter, VideoWriterTrait};
use std::path::{Path, PathBuf};

const MIN_SCORE: f32 = 0.3;

/// BGR colours: the subject's left side orange, right side blue, midline green.
fn side_colour(name: &str) -> Scalar {
    if name.starts_with("left") {
        Scalar::new(0.0, 140.0, 255.0, 0.0)
    } else if name.starts_with("right") {
        Scalar::new(255.0, 120.0, 0.0, 0.0)
    } else {
        Scalar::new(80.0, 220.0, 80.0, 0.0)
    }
}

/// Draws bones and joints, with line widths that stay readable from 480p to 1080p.
pub fn draw_skeleton(image: &mut Mat, skeleton: &Skeleton) -> Result<()> {
    let scale = (image.rows().max(image.cols()) as f32 / 720.0).max(0.6);
    let thickness = (2.5 * scale).round() as i32;
    let radius = (4.0 * scale).round() as i32;
    let p = |k: crate::skeleton::Keypoint| Point::new(k.x.round() as i32, k.y.round() as i32);
    for (a, b) in BONES {
        if let (Some(ka), Some(kb)) = (
            skeleton.confident(a, MIN_SCORE),
            skeleton.confident(b, MIN_SCORE),
        ) {
            let colour = if a.name().starts_with("left") && b.name().starts_with("left") {
                side_colour("left")
            } else if a.name().starts_with("right") && b.name().starts_with("right") {
                side_colour("right")
            } else {
                side_colour("mid")
            };
            imgproc::line(image, p(ka), p(kb), colour, thickness, imgproc::LINE_AA, 0)?;
        }
    }
    for (i, k) in skeleton.points.iter().enumerate() {
        if let Some(k) = k.filter(|k| k.score >= MIN_SCORE) {
            let colour = side_colour(crate::skeleton::Joint::ALL[i].name());
            imgproc::circle(image, p(k), radius, colour, -1, imgproc::LINE_AA, 0)?;
        }
    }
    Ok(())
}

/// An MP4 being written; the file appears under its name only when finished.
pub struct VideoOut {
    writer: VideoWriter,
    tmp: PathBuf,
    out: PathBuf,
}

impl VideoOut {
    /// Starts `out` with the size and frame rate of `info`.
    pub fn create(out: &Path, info: &SourceInfo) -> Result<VideoOut> {
        let tmp = atomic::partial_path(out).with_extension("part.mp4");
        let fourcc = VideoWriter::fourcc('m', 'p', '4', 'v')?;
        let writer = VideoWriter::new(
            &tmp,
            fourcc,
            info.fps,
            Size::new(info.width as i32, info.height as i32),
            true,
        )?;
        if !writer.is_opened()? {
            return Err(Error::io(
                format!("cannot write {}", out.display()),
                std::io::Error::other("no mp4 encoder"),
            ));
        }
        Ok(VideoOut {
            writer,
            tmp,
            out: out.to_path_buf(),
        })
    }

    pub fn write(&mut self, image: &Mat) -> Result<()> {
        Ok(self.writer.write(image)?)
    }

    /// Closes the file and gives it its name.
    pub fn finish(mut self) -> Result<PathBuf> {
        self.writer.release()?;
        atomic::commit(&self.tmp, &self.out)?;
        Ok(self.out)
    }
}

/// Re-reads the video and writes it again frame for frame (same size, rate and count), each
/// frame passed to `draw` first; the file appears only when complete.
pub fn rewrite_video(
    mut source: Box<dyn FrameSource>,
    out: &Path,
    mut draw: impl FnMut(&mut Frame) -> Result<()>,
) -> Result<()> {
    let mut video = VideoOut::create(out, source.info())?;
    while let Some(mut frame) = source.next_frame()? {
        draw(&mut frame)?;
        video.write(&frame.image)?;
    }
    video.finish().map(|_| ())
}

/// Re-reads the video and writes it with the track's skeletons drawn, frame for frame.
pub fn write_overlay(source: Box<dyn FrameSource>, track: &PoseTrack, out: &Path) -> Result<()> {
    rewrite_video(source, out, |frame| {
        match track
            .frames
            .get(frame.index)
            .and_then(|f| f.skeleton.as_ref())
        {
            Some(s) => draw_skeleton(&mut frame.image, s),
            None => Ok(()),
        }
    })
}
