//! Video files and cameras through OpenCV's FFmpeg and V4L2 back-ends.

use super::{Frame, FrameSource, SourceInfo};
use crate::error::{Error, Result};
use opencv::core::Mat;
use opencv::prelude::*;
use opencv::videoio::{self, VideoCapture};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A decoded video file.
pub struct VideoFile {
    path: PathBuf,
    capture: VideoCapture,
    info: SourceInfo,
    next_index: usize,
    ended_early: bool,
    /// Timestamp and interval of the previous frame, to fill in a missing timestamp.
    previous: Option<(f64, f64)>,
}

fn fourcc_string(code: f64) -> Option<String> {
    let c = code as u32;
    if c == 0 {
        return None;
    }
    let bytes = c.to_le_bytes();
    let s: String = bytes.iter().map(|&b| b as char).collect();
    s.chars().all(|ch| ch.is_ascii_graphic()).then_some(s)
}

/// Reads the stream's size, rate, count and rotation from an opened capture.
fn probe(name: String, capture: &VideoCapture, live: bool) -> Result<SourceInfo> {
    let width = capture.get(videoio::CAP_PROP_FRAME_WIDTH)?.max(0.0) as u32;
    let height = capture.get(videoio::CAP_PROP_FRAME_HEIGHT)?.max(0.0) as u32;
    let fps = capture.get(videoio::CAP_PROP_FPS)?;
    let count = capture.get(videoio::CAP_PROP_FRAME_COUNT)?;
    let rotation = capture
        .get(videoio::CAP_PROP_ORIENTATION_META)
        .unwrap_or(0.0)
        .round() as i32;
    // CAP_PROP_FRAME_WIDTH/HEIGHT report the coded size; frames are delivered upright.
    Ok(SourceInfo {
        name,
        width,
        height,
        fps: if fps.is_finite() && fps > 0.0 {
            fps
        } else {
            30.0
        },
        frame_count: (!live && count >= 1.0).then_some(count as usize),
        rotation_deg: rotation.rem_euclid(360),
        codec: fourcc_string(capture.get(videoio::CAP_PROP_FOURCC)?),
    })
}

/// FFmpeg prints its own diagnostics (e.g. "moov atom not found") straight to stderr; ugoki
/// reports those conditions itself in one line, so FFmpeg is made quiet unless the user asked
/// for its log (OpenCV reads these variables when its FFmpeg back-end starts).
fn quiet_ffmpeg() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("OPENCV_FFMPEG_LOGLEVEL").is_none()
            && std::env::var_os("OPENCV_FFMPEG_DEBUG").is_none()
        {
            std::env::set_var("OPENCV_FFMPEG_LOGLEVEL", "-8");
        }
        if std::env::var_os("OPENCV_LOG_LEVEL").is_none() {
            // OpenCV reads the variable before `main`; the call silences its back-end probing
            // ("GStreamer warning", "CAP_IMAGES: can't find starting number") as well.
            let _ = opencv::core::set_log_level(opencv::core::LogLevel::LOG_LEVEL_SILENT);
        }
    });
}

impl VideoFile {
    pub fn open(path: &Path) -> Result<Self> {
        quiet_ffmpeg();
        let meta = std::fs::metadata(path).map_err(|e| {
            Error::bad_input(path, format!("cannot read the file ({e}); check the path"))
        })?;
        if !meta.is_file() {
            return Err(Error::bad_input(path, "not a regular file"));
        }
        if meta.len() == 0 {
            return Err(Error::bad_input(
                path,
                "the file is empty (0 bytes); re-export or copy it again",
            ));
        }
        let name = path.to_string_lossy().into_owned();
        let mut capture = VideoCapture::from_file(&name, videoio::CAP_FFMPEG)?;
        if !capture.is_opened()? {
            return Err(Error::bad_input(
                path,
                "not a readable video (unknown format, or the file is truncated or corrupt); \
                 check that it plays in a media player",
            ));
        }
        // Honour rotation metadata (phone videos) so that keypoints are in upright pixels.
        capture.set(videoio::CAP_PROP_ORIENTATION_AUTO, 1.0)?;
        let info = probe(name, &capture, false)?;
        if info.width == 0 || info.height == 0 {
            return Err(Error::bad_input(path, "the file has no video stream"));
        }
        let mut source = VideoFile {
            path: path.to_path_buf(),
            capture,
            info,
            next_index: 0,
            ended_early: false,
            previous: None,
        };
        // A container that opens but yields no picture is as unusable as one that does not open.
        source.check_first_frame()?;
        Ok(source)
    }

    /// Decodes the first frame once and rewinds, so a corrupt stream is reported at open time;
    /// the upright size is taken from that frame, whatever the container's fields say.
    fn check_first_frame(&mut self) -> Result<()> {
        let mut probe_frame = Mat::default();
        let ok = self.capture.read(&mut probe_frame)?;
        if !ok || probe_frame.empty() {
            return Err(Error::bad_input(
                &self.path,
                "the video stream cannot be decoded (corrupt or truncated file)",
            ));
        }
        self.info.width = probe_frame.cols() as u32;
        self.info.height = probe_frame.rows() as u32;
        self.capture.set(videoio::CAP_PROP_POS_FRAMES, 0.0)?;
        Ok(())
    }
}

impl FrameSource for VideoFile {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Result<Option<Frame>> {
        let mut image = Mat::default();
        let ok = self.capture.read(&mut image)?;
        if !ok || image.empty() {
            if let Some(expected) = self.info.frame_count {
                // Containers round their counts; a real shortfall is a truncated file.
                self.ended_early = self.next_index + 2 < expected * 95 / 100;
            }
            return Ok(None);
        }
        let reported = self.capture.get(videoio::CAP_PROP_POS_MSEC)? / 1000.0;
        let time_s = self.timestamp(reported);
        let frame = Frame {
            index: self.next_index,
            time_s,
            image,
        };
        self.next_index += 1;
        Ok(Some(frame))
    }

    fn ended_early(&self) -> bool {
        self.ended_early
    }
}

impl VideoFile {
    /// FFmpeg gives frames flushed from the decoder at the end of a stream no timestamp, which
    /// OpenCV reports as 0: such a frame (any that does not move forward) is placed one frame
    /// interval after the previous one, so time always increases.
    fn timestamp(&mut self, reported: f64) -> f64 {
        let time = match self.previous {
            Some((last, _)) if reported.is_finite() && reported > last => reported,
            Some((last, interval)) => last + interval,
            None => reported.max(0.0),
        };
        let interval = match self.previous {
            Some((last, _)) => time - last,
            None => 1.0 / self.info.fps,
        };
        self.previous = Some((time, interval));
        time
    }
}

/// A live camera. Timestamps come from the wall clock at capture, since cameras report none
/// that is reliable.
pub struct Webcam {
    capture: VideoCapture,
    info: SourceInfo,
    started: Instant,
    next_index: usize,
    lost: bool,
}

impl Webcam {
    pub fn open_index(index: i32) -> Result<Self> {
        quiet_ffmpeg();
        let capture = VideoCapture::new(index, videoio::CAP_ANY)?;
        Self::from_capture(capture, format!("camera {index}"))
    }

    pub fn open_device(device: &str) -> Result<Self> {
        quiet_ffmpeg();
        // A device node is V4L2's; anything else (a stream URL) FFmpeg's. Probing every
        // back-end would only add their complaints to a missing device's one-line error.
        let backend = if device.starts_with("/dev/video") {
            videoio::CAP_V4L2
        } else {
            videoio::CAP_FFMPEG
        };
        let capture = VideoCapture::from_file(device, backend)?;
        Self::from_capture(capture, device.to_string())
    }

    fn from_capture(capture: VideoCapture, name: String) -> Result<Self> {
        if !capture.is_opened()? {
            return Err(Error::bad_input(
                &name,
                "no camera there (is it plugged in, and not used by another program?)",
            ));
        }
        let info = probe(name, &capture, true)?;
        Ok(Webcam {
            capture,
            info,
            started: Instant::now(),
            next_index: 0,
            lost: false,
        })
    }
}

impl Webcam {
    /// Asks the camera for `width`×`height`; a camera that cannot deliver it is an error that
    /// names the size it gives instead (cameras silently fall back to a size they support).
    pub fn request_size(&mut self, width: u32, height: u32) -> Result<()> {
        self.capture
            .set(videoio::CAP_PROP_FRAME_WIDTH, f64::from(width))?;
        self.capture
            .set(videoio::CAP_PROP_FRAME_HEIGHT, f64::from(height))?;
        let got = (
            self.capture.get(videoio::CAP_PROP_FRAME_WIDTH)? as u32,
            self.capture.get(videoio::CAP_PROP_FRAME_HEIGHT)? as u32,
        );
        if got != (width, height) {
            return Err(Error::bad_input(
                &self.info.name,
                format!(
                    "the camera does not support {width}x{height} (it gives {}x{}); leave out --size or ask for a size it supports",
                    got.0, got.1
                ),
            ));
        }
        self.info.width = width;
        self.info.height = height;
        Ok(())
    }
}

impl FrameSource for Webcam {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Result<Option<Frame>> {
        let mut image = Mat::default();
        let ok = self.capture.read(&mut image).unwrap_or(false);
        if !ok || image.empty() {
            self.lost = true;
            return Ok(None);
        }
        let frame = Frame {
            index: self.next_index,
            time_s: self.started.elapsed().as_secs_f64(),
            image,
        };
        self.next_index += 1;
        Ok(Some(frame))
    }

    fn ended_early(&self) -> bool {
        self.lost
    }
}
