//! Per-call time of the BlazePose detector, the BlazePose landmark model and selfie
//! segmentation in ugoki's adapters (crop, tensor, inference and decoding), with one and two
//! intra-op threads, on a real frame of the walking clip.
//!
//! `cargo bench --bench blazepose`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use opencv::core::Mat;
use std::path::Path;
use std::time::Duration;
use ugoki::pose::blazepose::detector::PoseDetector;
use ugoki::pose::blazepose::landmarks::LandmarkModel;
use ugoki::pose::segmentation::SelfieSegmentation;
use ugoki::pose::Region;
use ugoki::source::{FrameSource, VideoFile};

const VIDEO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/videos/walk_side_sports2d.mp4"
);
const DETECTOR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/blazepose_detector.onnx"
);
const LANDMARKS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/blazepose_landmark_lite.onnx"
);
const SEGMENTATION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/selfie_segmentation.onnx"
);
/// The frame timed, and a square around the walking woman in it.
const FRAME: usize = 100;
const HER: Region = Region {
    cx: 1035.0,
    cy: 700.0,
    size: 560.0,
    rotation: 0.0,
};

fn her_frame() -> Mat {
    let mut video = VideoFile::open(Path::new(VIDEO)).expect("the walking clip opens");
    while let Some(frame) = video.next_frame().expect("the clip decodes") {
        if frame.index == FRAME {
            return frame.image;
        }
    }
    panic!("{VIDEO} has no frame {FRAME}");
}

fn adapters(c: &mut Criterion) {
    let image = her_frame();
    let mut group = c.benchmark_group("blazepose");
    group
        .sample_size(60)
        .measurement_time(Duration::from_secs(6));
    for threads in [1, 2] {
        let mut detector =
            PoseDetector::load(Path::new(DETECTOR), threads).expect("the detector loads");
        let mut landmarks =
            LandmarkModel::load(Path::new(LANDMARKS), threads).expect("the landmark model loads");
        let mut selfie =
            SelfieSegmentation::load(Path::new(SEGMENTATION), threads).expect("segmentation loads");
        let roi = detector
            .detect(&image, &HER)
            .expect("the detector runs")
            .first()
            .expect("she is found")
            .roi();
        group.bench_function(BenchmarkId::new("detector", threads), |b| {
            b.iter(|| detector.detect(&image, &HER).expect("the detector runs"))
        });
        group.bench_function(BenchmarkId::new("landmark", threads), |b| {
            b.iter(|| {
                landmarks
                    .infer(&image, &roi)
                    .expect("the landmark model runs")
            })
        });
        group.bench_function(BenchmarkId::new("segmentation", threads), |b| {
            b.iter(|| selfie.segment(&image, &HER).expect("segmentation runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, adapters);
criterion_main!(benches);
