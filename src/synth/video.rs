//! Writing rendered frames as an MP4 through OpenCV's FFmpeg back-end, and masks as PNGs.

use crate::error::{Error, Result};
use opencv::core::{Mat, Vector};
use opencv::prelude::*;
use opencv::videoio::{self, VideoWriter};
use std::path::{Path, PathBuf};
use std::process::Command;

/// An open MP4 writer.
pub struct ClipWriter {
    writer: VideoWriter,
    /// The FourCC actually used.
    pub fourcc: &'static str,
}

impl ClipWriter {
    /// Opens `path` for `width`×`height` frames at `fps`; H.264 (`avc1`) when the FFmpeg build
    /// has an encoder for it (much smaller files), MPEG-4 part 2 (`mp4v`) otherwise.
    pub fn create(path: &Path, fps: f64, width: u32, height: u32) -> Result<ClipWriter> {
        let size = opencv::core::Size::new(width as i32, height as i32);
        for fourcc in ["avc1", "mp4v"] {
            let c: Vec<char> = fourcc.chars().collect();
            let code = VideoWriter::fourcc(c[0], c[1], c[2], c[3])?;
            let writer =
                VideoWriter::new_with_backend(path, videoio::CAP_FFMPEG, code, fps, size, true);
            if let Ok(writer) = writer {
                if writer.is_opened()? {
                    return Ok(ClipWriter { writer, fourcc });
                }
            }
        }
        Err(Error::OpenCv(format!(
            "cannot open {} for writing (neither avc1 nor mp4v encoders work)",
            path.display()
        )))
    }

    /// Appends one BGR frame.
    pub fn write(&mut self, frame: &Mat) -> Result<()> {
        self.writer.write(frame)?;
        Ok(())
    }

    /// Flushes and closes the file.
    pub fn finish(mut self) -> Result<()> {
        self.writer.release()?;
        Ok(())
    }
}

/// Writes a single-channel mask as a PNG.
pub fn write_mask(path: &Path, mask: &[u8], width: usize, height: usize) -> Result<()> {
    let mut mat = Mat::new_rows_cols_with_default(
        height as i32,
        width as i32,
        opencv::core::CV_8UC1,
        0.into(),
    )?;
    mat.data_bytes_mut()?.copy_from_slice(mask);
    let ok = opencv::imgcodecs::imwrite(path, &mat, &Vector::new())?;
    if !ok {
        return Err(Error::OpenCv(format!("cannot write {}", path.display())));
    }
    Ok(())
}

/// Where rendered frames go: straight into an MP4 at a constant rate, or, for a variable frame
/// rate, into numbered PNGs that FFmpeg then muxes with each frame's own duration (OpenCV's
/// writer only knows constant rates).
pub enum FrameSink {
    Constant {
        writer: ClipWriter,
        width: usize,
        height: usize,
    },
    Variable {
        dir: PathBuf,
        output: PathBuf,
        times: Vec<f64>,
        width: usize,
        height: usize,
    },
}

impl FrameSink {
    /// Opens a sink for `video`.
    pub fn create(
        video: &Path,
        fps: f64,
        width: u32,
        height: u32,
        variable: bool,
    ) -> Result<FrameSink> {
        if let Some(parent) = video.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
        }
        let (width, height) = (width as usize, height as usize);
        if variable {
            let dir = video.with_extension("frames.part");
            std::fs::create_dir_all(&dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
            return Ok(FrameSink::Variable {
                dir,
                output: video.to_path_buf(),
                times: Vec::new(),
                width,
                height,
            });
        }
        Ok(FrameSink::Constant {
            writer: ClipWriter::create(video, fps, width as u32, height as u32)?,
            width,
            height,
        })
    }

    /// Adds the BGR frame shown at `time_s`.
    pub fn push(&mut self, bgr: &[u8], time_s: f64) -> Result<()> {
        match self {
            FrameSink::Constant {
                writer,
                width,
                height,
            } => writer.write(&super::scene::to_mat(bgr, *width, *height)?),
            FrameSink::Variable {
                dir,
                times,
                width,
                height,
                ..
            } => {
                let mat = super::scene::to_mat(bgr, *width, *height)?;
                let path = dir.join(format!("{:06}.png", times.len()));
                let params = Vector::from_slice(&[opencv::imgcodecs::IMWRITE_PNG_COMPRESSION, 1]);
                if !opencv::imgcodecs::imwrite(&path, &mat, &params)? {
                    return Err(Error::OpenCv(format!("cannot write {}", path.display())));
                }
                times.push(time_s);
                Ok(())
            }
        }
    }

    /// Closes the video; returns the codec used.
    pub fn finish(self) -> Result<String> {
        match self {
            FrameSink::Constant { writer, .. } => {
                let fourcc = writer.fourcc.to_string();
                writer.finish()?;
                Ok(fourcc)
            }
            FrameSink::Variable {
                dir, output, times, ..
            } => {
                let mut list = String::from("ffconcat version 1.0\n");
                for (i, t) in times.iter().enumerate() {
                    let next = times
                        .get(i + 1)
                        .copied()
                        .unwrap_or(t + (times.get(1).copied().unwrap_or(0.033) - times[0]));
                    // A millisecond frame rate gives each image a fine enough time base for its
                    // own duration (the image demuxer's default of 25/s would quantise it).
                    list.push_str(&format!(
                        "file '{i:06}.png'\noption framerate 1000\nduration {:.3}\n",
                        next - t
                    ));
                }
                // The concat demuxer ignores the last entry's duration unless it is repeated.
                list.push_str(&format!(
                    "file '{:06}.png'\n",
                    times.len().saturating_sub(1)
                ));
                let list_path = dir.join("frames.ffconcat");
                std::fs::write(&list_path, list)
                    .map_err(|e| Error::io(format!("writing {}", list_path.display()), e))?;
                let status = Command::new("ffmpeg")
                    .args([
                        "-y",
                        "-loglevel",
                        "error",
                        "-f",
                        "concat",
                        "-safe",
                        "0",
                        "-i",
                    ])
                    .arg(&list_path)
                    .args([
                        "-fps_mode",
                        "vfr",
                        "-c:v",
                        "libx264",
                        "-pix_fmt",
                        "yuv420p",
                        "-crf",
                        "23",
                    ])
                    .arg(&output)
                    .status()
                    .map_err(|e| {
                        Error::io(
                            "running ffmpeg (needed for --vfr; install it with scripts/setup.sh)",
                            e,
                        )
                    })?;
                std::fs::remove_dir_all(&dir)
                    .map_err(|e| Error::io(format!("removing {}", dir.display()), e))?;
                if !status.success() {
                    return Err(Error::Internal(format!(
                        "ffmpeg could not write {} ({status})",
                        output.display()
                    )));
                }
                Ok("avc1".into())
            }
        }
    }
}
