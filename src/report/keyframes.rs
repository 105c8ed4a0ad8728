//! Key-frame thumbnails for the HTML report: chosen frames of the clip with the subject's
//! skeleton and the measured hip and knee angles drawn on, as small base64 JPEGs.

use super::overlay::draw_skeleton;
use crate::error::{Error, Result};
use crate::kinematics::Kinematics;
use crate::skeleton::Joint;
use crate::track::PoseTrack;
use opencv::core::{Mat, Point, Scalar, Size, Vector};
use opencv::imgcodecs;
use opencv::imgproc;
use opencv::prelude::*;

/// Thumbnail width in pixels: sharp on a phone, small enough that a dozen stay well under
/// the report's 5 MB.
pub const THUMB_WIDTH: i32 = 480;
const JPEG_QUALITY: i32 = 80;

/// A frame to show: its position in the track (the analysis' event `position`) and a caption.
#[derive(Debug, Clone)]
pub struct KeyFrameRequest {
    pub position: usize,
    pub caption: String,
}

/// A rendered key frame.
#[derive(Debug, Clone)]
pub struct KeyFrame {
    pub caption: String,
    pub time_s: f64,
    /// JPEG bytes, base64 (for a `data:` URL).
    pub jpeg_base64: String,
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes the hip and knee angle values beside their joints (the side the kinematics measured).
fn draw_angles(
    image: &mut Mat,
    kinematics: &Kinematics,
    position: usize,
    track: &PoseTrack,
    frame: usize,
) -> Result<()> {
    let Some(skeleton) = track.frames.get(frame).and_then(|f| f.skeleton.as_ref()) else {
        return Ok(());
    };
    let scale = (image.rows().max(image.cols()) as f64 / 720.0).max(0.6);
    let labels = [
        ("left_hip_flexion", Joint::LeftHip),
        ("right_hip_flexion", Joint::RightHip),
        ("left_knee_flexion", Joint::LeftKnee),
        ("right_knee_flexion", Joint::RightKnee),
    ];
    for (channel, joint) in labels {
        let value = kinematics
            .angle(channel)
            .and_then(|c| c.values.get(position).copied().flatten());
        if let (Some(v), Some(k)) = (value, skeleton.confident(joint, 0.3)) {
            let at = Point::new(
                k.x.round() as i32 + (10.0 * scale) as i32,
                k.y.round() as i32,
            );
            let text = format!("{v:.0} deg");
            for (colour, thickness) in [(0.0, 4), (255.0, 1)] {
                imgproc::put_text(
                    image,
                    &text,
                    at,
                    imgproc::FONT_HERSHEY_SIMPLEX,
                    0.6 * scale,
                    Scalar::new(colour, colour, colour, 0.0),
                    (f64::from(thickness) * scale).round().max(1.0) as i32,
                    imgproc::LINE_AA,
                    false,
                )?;
            }
        }
    }
    Ok(())
}

/// Decodes the clip once and renders the requested frames, in clip order.
pub fn render(
    clip: &str,
    track: &PoseTrack,
    kinematics: &Kinematics,
    requests: &[KeyFrameRequest],
) -> Result<Vec<KeyFrame>> {
    let mut wanted: Vec<(usize, &KeyFrameRequest)> = requests
        .iter()
        .filter_map(|r| Some((*kinematics.frame_indices.get(r.position)?, r)))
        .collect();
    wanted.sort_by_key(|(frame, _)| *frame);
    let mut source = crate::source::open(clip)?;
    let mut out = Vec::new();
    let mut next = wanted.iter().peekable();
    while let Some(frame) = source.next_frame()? {
        while let Some((index, request)) = next.next_if(|(index, _)| *index == frame.index) {
            let mut image = frame.image.clone();
            if let Some(s) = track.frames.get(*index).and_then(|f| f.skeleton.as_ref()) {
                draw_skeleton(&mut image, s)?;
            }
            draw_angles(&mut image, kinematics, request.position, track, *index)?;
            let height = (f64::from(image.rows()) * f64::from(THUMB_WIDTH)
                / f64::from(image.cols().max(1)))
            .round() as i32;
            let mut thumb = Mat::default();
            imgproc::resize(
                &image,
                &mut thumb,
                Size::new(THUMB_WIDTH, height.max(1)),
                0.0,
                0.0,
                imgproc::INTER_AREA,
            )?;
            let mut jpeg = Vector::<u8>::new();
            let params = Vector::from_slice(&[imgcodecs::IMWRITE_JPEG_QUALITY, JPEG_QUALITY]);
            if !imgcodecs::imencode(".jpg", &thumb, &mut jpeg, &params)? {
                return Err(Error::Internal(format!(
                    "{clip}: frame {index} could not be encoded as JPEG"
                )));
            }
            out.push(KeyFrame {
                caption: request.caption.clone(),
                time_s: frame.time_s,
                jpeg_base64: base64(jpeg.as_slice()),
            });
        }
        if next.peek().is_none() {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
