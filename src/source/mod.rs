//! Frame sources: video files, folders of images, webcams.
//!
//! Every frame carries the container's timestamp in seconds (variable-frame-rate safe), measured
//! from the start of the video stream, and its decode index.

mod image_folder;
mod video;

pub use image_folder::ImageFolder;
pub use video::{VideoFile, Webcam};

use crate::error::{Error, Result};
use opencv::core::Mat;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One decoded picture, BGR 8-bit as OpenCV delivers it, already upright.
pub struct Frame {
    pub index: usize,
    pub time_s: f64,
    pub image: Mat,
}

/// What is known about a source before decoding it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceInfo {
    /// File path, folder path or camera name.
    pub name: String,
    /// Upright size in pixels (after applying rotation metadata).
    pub width: u32,
    pub height: u32,
    /// Nominal frames per second from the container (variable-frame-rate clips differ from it).
    pub fps: f64,
    /// Frame count from the container; `None` for live sources or when the container omits it.
    pub frame_count: Option<usize>,
    /// Rotation metadata in degrees clockwise, already applied to the frames.
    pub rotation_deg: i32,
    /// Codec as a FourCC string, when known.
    pub codec: Option<String>,
}

/// A stream of frames.
pub trait FrameSource: Send {
    fn info(&self) -> &SourceInfo;
    /// The next frame, or `None` at the end of the stream.
    fn next_frame(&mut self) -> Result<Option<Frame>>;
    /// After the stream ended: true when it stopped before the container said it would
    /// (a truncated file, or a camera that went away).
    fn ended_early(&self) -> bool {
        false
    }
}

/// File extensions treated as videos when scanning folders.
pub const VIDEO_EXTENSIONS: [&str; 9] = [
    "mp4", "mov", "m4v", "avi", "mkv", "webm", "mpg", "mpeg", "wmv",
];

/// Opens a camera: `cam:N`, a device (`/dev/video0`) or a stream URL; `None` when `spec`
/// names none of those.
pub fn open_camera(spec: &str) -> Option<Result<Webcam>> {
    if let Some(index) = spec.strip_prefix("cam:") {
        return Some(
            index
                .parse()
                .map_err(|_| {
                    Error::Usage(format!(
                        "camera index '{index}' is not a number (use cam:0)"
                    ))
                })
                .and_then(Webcam::open_index),
        );
    }
    (spec.starts_with("/dev/video") || spec.contains("://")).then(|| Webcam::open_device(spec))
}

/// Opens a video file, an image folder, or a camera (`cam:0`, `/dev/video0`, or an URL).
pub fn open(spec: &str) -> Result<Box<dyn FrameSource>> {
    if let Some(camera) = open_camera(spec) {
        return Ok(Box::new(camera?));
    }
    let path = Path::new(spec);
    if path.is_dir() {
        return Ok(Box::new(ImageFolder::open(path, 30.0)?));
    }
    Ok(Box::new(VideoFile::open(path)?))
}
