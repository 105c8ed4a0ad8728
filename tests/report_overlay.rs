//! `ugoki analyze --overlay` on a committed sample, through the real pose model: the annotated
//! video has the input's frame count, size and duration, and a sampled frame has the skeleton
//! drawn where the track's keypoints are (and nothing drawn in a corner the overlay leaves);
//! at 480p and at 1080p the rep counter's text and the timeline strip take the same share of
//! the frame's height; the red-flag notice is on the first seconds only.

use opencv::core::{Mat, Rect, Vec3b};
use opencv::prelude::*;
use opencv::videoio::{VideoCapture, CAP_ANY, CAP_PROP_FPS};
use std::path::Path;
use std::process::Command;
use ugoki::track::PoseTrack;

const SAMPLE: &str = "samples/hinge_lumbar_dominant_side.mp4";
/// A frame near the first repetition's bottom, with the subject bent over.
const SAMPLED_FRAME: usize = 29;

fn frames(path: &Path) -> (Vec<Mat>, f64) {
    let mut capture = VideoCapture::from_file(path.to_str().unwrap(), CAP_ANY).unwrap();
    assert!(capture.is_opened().unwrap(), "{}", path.display());
    let fps = capture.get(CAP_PROP_FPS).unwrap();
    let mut out = Vec::new();
    let mut frame = Mat::default();
    while capture.read(&mut frame).unwrap() && !frame.empty() {
        out.push(frame.clone());
    }
    (out, fps)
}

/// Mean absolute difference of two images over `region`, all channels.
fn difference(a: &Mat, b: &Mat, region: Rect) -> f64 {
    let (a, b) = (Mat::roi(a, region).unwrap(), Mat::roi(b, region).unwrap());
    let mut diff = Mat::default();
    opencv::core::absdiff(&a, &b, &mut diff).unwrap();
    let mean = opencv::core::mean(&diff, &opencv::core::no_array()).unwrap();
    (mean[0] + mean[1] + mean[2]) / 3.0
}

#[test]
fn annotated_video_keeps_every_frame_and_draws_the_skeleton_on_the_keypoints() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
    let video = dir.path().join("annotated.mp4");
    let output = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["analyze", "-q", "--movement", "hinge", "--overlay"])
        .arg(&video)
        .arg("-o")
        .arg(dir.path())
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let (original, fps_in) = frames(&input);
    let (annotated, fps_out) = frames(&video);
    assert_eq!(annotated.len(), original.len(), "frame count");
    let duration = |n: usize, fps: f64| n as f64 / fps;
    assert!(
        (duration(annotated.len(), fps_out) - duration(original.len(), fps_in)).abs() < 1e-6,
        "duration {fps_out} vs {fps_in} fps"
    );
    assert_eq!(annotated[0].size().unwrap(), original[0].size().unwrap());

    let track: PoseTrack =
        serde_json::from_slice(&std::fs::read(dir.path().join("keypoints.json")).unwrap()).unwrap();
    let skeleton = track.frames[SAMPLED_FRAME]
        .skeleton
        .as_ref()
        .expect("subject in frame");
    let (a, b) = (&original[SAMPLED_FRAME], &annotated[SAMPLED_FRAME]);
    let (w, h) = (a.cols(), a.rows());
    let confident: Vec<_> = skeleton
        .points
        .iter()
        .flatten()
        .filter(|k| k.score >= 0.3)
        .collect();
    assert!(
        confident.len() >= 8,
        "{} confident keypoints",
        confident.len()
    );
    let marked = confident
        .iter()
        .filter(|k| {
            let (x, y) = (k.x.round() as i32, k.y.round() as i32);
            let patch = Rect::new((x - 2).clamp(0, w - 5), (y - 2).clamp(0, h - 5), 5, 5);
            difference(a, b, patch) > 25.0
        })
        .count();
    assert!(
        marked * 10 >= confident.len() * 9,
        "skeleton drawn at {marked} of {} keypoints",
        confident.len()
    );
    // The top-right corner carries no annotation: only codec noise differs there.
    let corner = Rect::new(w - 80, 10, 60, 60);
    let noise = difference(a, b, corner);
    eprintln!(
        "frames {} = {}; skeleton at {marked}/{} keypoints; corner noise {noise:.2}",
        annotated.len(),
        original.len(),
        confident.len()
    );
    assert!(noise < 8.0, "corner differs by {noise:.1}");

    // The red-flag notice lies over the first seconds, on the left just above the timeline
    // strip, and is gone by the end (the clip runs past 4 s).
    let last = annotated.len() - 1;
    assert!(last as f64 / fps_out > ugoki::report::annotated::NOTICE_S);
    let strip_top = h - (f64::from(h) * 0.14).round() as i32;
    let band = Rect::new(10, strip_top - h / 10, w / 4, h / 10 - 4);
    let (at_start, at_end) = (
        difference(&original[0], &annotated[0], band),
        difference(&original[last], &annotated[last], band),
    );
    eprintln!("notice band: {at_start:.1} at the start, {at_end:.1} at the end");
    assert!(
        at_start > 20.0 && at_end < 8.0,
        "{at_start:.1} / {at_end:.1}"
    );
}

/// `ugoki analyze --overlay` on `input`; returns the annotated video's path.
fn annotate(input: &Path, dir: &Path, movement: &str) -> std::path::PathBuf {
    let video = dir.join("annotated.mp4");
    let output = Command::new(env!("CARGO_BIN_EXE_ugoki"))
        .args(["analyze", "-q", "--movement", movement, "--overlay"])
        .arg(&video)
        .arg("-o")
        .arg(dir)
        .arg(input)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    video
}

fn pixel(image: &Mat, x: i32, y: i32) -> [i32; 3] {
    let p = image.at_2d::<Vec3b>(y, x).unwrap();
    [i32::from(p[0]), i32::from(p[1]), i32::from(p[2])]
}

/// Rows of the rep counter's white text: pixels in the top-left corner that are white in the
/// annotated frame and were not in the original (the counter box sits at the top left, above
/// where the subject is).
fn counter_text_rows(original: &Mat, annotated: &Mat) -> Option<(i32, i32)> {
    let (w, h) = (annotated.cols(), annotated.rows());
    let mut rows: Option<(i32, i32)> = None;
    for y in 0..h * 15 / 100 {
        for x in 0..w * 35 / 100 {
            let (a, o) = (pixel(annotated, x, y), pixel(original, x, y));
            let white = a.iter().all(|c| *c >= 200);
            let changed = a.iter().zip(&o).map(|(a, o)| (a - o).abs()).sum::<i32>() > 90;
            if white && changed {
                rows = Some(rows.map_or((y, y), |(top, bottom)| (top.min(y), bottom.max(y))));
            }
        }
    }
    rows
}

/// Height of the timeline strip: the bottom rows that are mostly its dark grey.
fn strip_rows(annotated: &Mat) -> i32 {
    let (w, h) = (annotated.cols(), annotated.rows());
    let dark_row = |y: i32| {
        let dark = (0..w)
            .filter(|x| pixel(annotated, *x, y).iter().all(|c| (c - 30).abs() <= 14))
            .count();
        dark * 2 > w as usize
    };
    (0..h / 3).filter(|dy| dark_row(h - 1 - dy)).count() as i32
}

#[test]
fn annotation_scales_with_the_frame_from_480p_to_1080p() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hinge_good_side.mp4");
    let mut measured = Vec::new();
    for (width, height) in [(854, 480), (1920, 1080)] {
        let here = dir.path().join(format!("{height}p"));
        std::fs::create_dir_all(&here).unwrap();
        let input = here.join("clip.mp4");
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-y", "-i"])
            .arg(&sample)
            .args(["-vf", &format!("scale={width}:{height}"), "-crf", "12"])
            .arg(&input)
            .status()
            .expect("ffmpeg runs (scripts/setup.sh installs it)");
        assert!(status.success());
        let video = annotate(&input, &here, "hinge");
        let (original, _) = frames(&input);
        let (annotated, _) = frames(&video);
        assert_eq!(annotated.len(), original.len(), "{height}p: frame count");
        assert_eq!(
            (annotated[0].cols(), annotated[0].rows()),
            (width, height),
            "{height}p: size"
        );
        // Late in the clip, inside or after the last repetition: the counter shows "rep n/n".
        let at = original.len() * 3 / 4;
        let (top, bottom) = counter_text_rows(&original[at], &annotated[at])
            .unwrap_or_else(|| panic!("{height}p: no counter text at frame {at}"));
        let text = f64::from(bottom - top + 1) / f64::from(height);
        let strip = f64::from(strip_rows(&annotated[at])) / f64::from(height);
        eprintln!(
            "{height}p: {} frames; counter text rows {top}..={bottom} ({:.1} % of the height), timeline strip {:.1} %",
            annotated.len(),
            text * 100.0,
            strip * 100.0
        );
        // Readable on a phone: text at least 3 % of the picture's height.
        assert!(text >= 0.03, "{height}p: text {:.1} %", text * 100.0);
        measured.push((text, strip));
    }
    let [(text_480, strip_480), (text_1080, strip_1080)] = measured[..] else {
        unreachable!()
    };
    assert!(
        (text_1080 / text_480 - 1.0).abs() < 0.15,
        "text {:.2} % at 480p vs {:.2} % at 1080p of the height",
        text_480 * 100.0,
        text_1080 * 100.0
    );
    assert!(
        (strip_1080 / strip_480 - 1.0).abs() < 0.1 && strip_480 > 0.1,
        "timeline strip {:.2} % vs {:.2} %",
        strip_480 * 100.0,
        strip_1080 * 100.0
    );
}
