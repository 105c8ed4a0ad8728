//! Per-frame cost of the forward-bend measurement's image step: the subject's crop, Selfie
//! Segmentation on it, the mask's quality and the back outline (ray casting, pelvis slope and
//! curve angle), on a real frame of the side-view deadlift at the bottom of the first pull.
//! The issue asks for ≤ 15 ms per frame on 2 cores.
//!
//! `cargo bench --bench spine`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use opencv::core::Mat;
use std::path::Path;
use std::time::Duration;
use ugoki::cli::pose::{track_video, PoseModel};
use ugoki::kinematics::spine::mask::{quality, subject_region, SubjectMasker};
use ugoki::kinematics::spine::outline::trace;
use ugoki::kinematics::spine::sagittal::{point, Point};
use ugoki::kinematics::{compute, Kinematics, KinematicsOptions};
use ugoki::skeleton::Joint;
use ugoki::source::{FrameSource, VideoFile};
use ugoki::track::SubjectOptions;

const VIDEO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/videos/hinge_formfit_barbell_deadlift_side.mp4"
);
/// Bottom of the first pull (≈0.9 s).
const FRAME: usize = 21;

fn frame(index: usize) -> Mat {
    let mut video = VideoFile::open(Path::new(VIDEO)).expect("the deadlift clip opens");
    while let Some(frame) = video.next_frame().expect("the clip decodes") {
        if frame.index == index {
            return frame.image;
        }
    }
    panic!("{VIDEO} has no frame {index}");
}

fn subject(k: &Kinematics, i: usize) -> (Vec<Point>, Vec<Point>, Point, Point) {
    let all: Vec<Point> = Joint::ALL
        .iter()
        .filter_map(|j| point(k, j.name(), i))
        .collect();
    let torso: Vec<Point> = ["left_shoulder", "right_shoulder", "left_hip", "right_hip"]
        .iter()
        .filter_map(|n| point(k, n, i))
        .collect();
    let hip = point(k, "mid_hip", i).expect("mid-hip at the bottom of the pull");
    let shoulder = point(k, "neck", i).expect("mid-shoulder at the bottom of the pull");
    (all, torso, hip, shoulder)
}

fn mask_and_outline(c: &mut Criterion) {
    let outcome = track_video(
        VIDEO,
        PoseModel::Movenet,
        Some(2),
        1,
        &SubjectOptions::default(),
        true,
    )
    .expect("the deadlift is tracked");
    let k = compute(&outcome.track, &KinematicsOptions::default()).expect("kinematics");
    let position = k
        .frame_indices
        .iter()
        .position(|f| *f == FRAME)
        .expect("the frame is in the track");
    let facing = k
        .pass_at(position)
        .and_then(|p| p.view.facing)
        .expect("a side view with a facing");
    let (all, torso, hip, shoulder) = subject(&k, position);
    let image = frame(FRAME);
    let mut group = c.benchmark_group("spine");
    group
        .sample_size(60)
        .measurement_time(Duration::from_secs(6));
    for threads in [1, 2] {
        let mut masker = SubjectMasker::load(threads).expect("selfie segmentation loads");
        group.bench_function(BenchmarkId::new("mask_and_outline", threads), |b| {
            b.iter(|| {
                let region = subject_region(&all).expect("a crop");
                let mask = masker.mask(&image, &region).expect("segmentation runs");
                let q = quality(&mask, &torso).score();
                let outline = trace(&mask, hip, shoulder, facing.sign()).expect("an outline");
                (
                    q,
                    outline.back_inclination_deg(0.15),
                    outline.curve_angle_deg(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, mask_and_outline);
criterion_main!(benches);
