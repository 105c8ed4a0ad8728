//! Rendering speed of the synthetic subject at 720p: posing, meshing, rasterizing and shading
//! one frame (the issue asks for ≥ 20 frames/s on 2 cores).

use criterion::{criterion_group, criterion_main, Criterion};
use ugoki::synth::motion::Movement;
use ugoki::synth::scene::View;
use ugoki::synth::{Clip, ClipSpec};

fn render_720p(c: &mut Criterion) {
    let mut spec = ClipSpec::new(Movement::SitToStand, "good", View::Side, 1);
    (spec.width, spec.height) = (1280, 720);
    let clip = Clip::new(&spec).unwrap();
    let times = clip.frame_times();
    let mut i = 0;
    c.bench_function("synth_render_720p_frame", |b| {
        b.iter(|| {
            i = (i + 7) % times.len();
            clip.render(times[i], i).unwrap()
        })
    });
}

criterion_group!(benches, render_720p);
criterion_main!(benches);
