//! `ugoki analyze --overlay` on a committed sample, through the real pose model: the annotated
//! video has the input's frame count, size and duration, and a sampled frame has the skeleton
//! drawn where the track's keypoints are (and nothing drawn in a corner the overlay leaves).

use opencv::core::{Mat, Rect};
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
}
