//! A folder of still images played as a clip, in file-name order, at a given frame rate.

use super::{Frame, FrameSource, SourceInfo};
use crate::error::{Error, Result};
use opencv::imgcodecs;
use opencv::prelude::*;
use std::path::{Path, PathBuf};

const IMAGE_EXTENSIONS: [&str; 6] = ["jpg", "jpeg", "png", "bmp", "tif", "tiff"];

pub struct ImageFolder {
    files: Vec<PathBuf>,
    info: SourceInfo,
    next_index: usize,
}

impl ImageFolder {
    pub fn open(dir: &Path, fps: f64) -> Result<Self> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::bad_input(dir, format!("cannot list the folder ({e})")))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        files.sort();
        let first = files.first().ok_or_else(|| {
            Error::bad_input(
                dir,
                "the folder holds no images (jpg, png, bmp, tif); pass a video file instead",
            )
        })?;
        let image = read_image(first)?;
        let info = SourceInfo {
            name: dir.to_string_lossy().into_owned(),
            width: image.cols() as u32,
            height: image.rows() as u32,
            fps,
            frame_count: Some(files.len()),
            rotation_deg: 0,
            codec: None,
        };
        Ok(ImageFolder {
            files,
            info,
            next_index: 0,
        })
    }
}

fn read_image(path: &Path) -> Result<opencv::core::Mat> {
    let image = imgcodecs::imread(path, imgcodecs::IMREAD_COLOR)?;
    if image.empty() {
        return Err(Error::bad_input(path, "not a readable image"));
    }
    Ok(image)
}

impl FrameSource for ImageFolder {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_frame(&mut self) -> Result<Option<Frame>> {
        let Some(path) = self.files.get(self.next_index) else {
            return Ok(None);
        };
        let image = read_image(path)?;
        let frame = Frame {
            index: self.next_index,
            time_s: self.next_index as f64 / self.info.fps,
            image,
        };
        self.next_index += 1;
        Ok(Some(frame))
    }
}
