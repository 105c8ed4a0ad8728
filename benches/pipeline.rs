//! Pose pipeline throughput, measured in one run on the real walking (1768x994 VP9) and
//! front-squat (620x720 H.264) clips: decode only, crop preprocessing, MoveNet inference with 1
//! and with all cores' intra-op threads, and end-to-end tracking as `ugoki pose` runs it, with
//! one frame in flight (the default) and with two (`--frames-in-flight 2`).
//!
//! The CPU-work bound is cores ÷ (decode + preprocessing + single-threaded inference per
//! frame), each measured alone here in CPU time: FFmpeg decodes on every core, so decoding's
//! wall time alone understates the work it takes from inference. End-to-end follows every
//! person in view (the walking clip has three), so a second bound counts the work actually
//! needed: decode and motion analysis plus preprocessing and inference for each model run.
//!
//! The reference, a straightforward Python pipeline (scripts/python_reference.py: OpenCV
//! decode, onnxruntime, MoveNet's crop tracking, one thread of control), runs on the same clips
//! in the same run when its environment exists (`scripts/python_reference.sh`, which `make bench`
//! calls).
//!
//! Run: `cargo bench --bench pipeline` (or `make bench`). Prints a Markdown table.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use ugoki::cli::pose::movenet_inference;
use ugoki::pose::movenet::{MoveNet, INPUT_SIDE};
use ugoki::pose::preprocess::{crop_rgb, pixels};
use ugoki::pose::Region;
use ugoki::source::{FrameSource, VideoFile};
use ugoki::track::motion::MotionDetector;
use ugoki::track::{track_source, SubjectOptions};

/// Per-frame times in ms: CPU time of the process's threads together, unless a field says
/// wall time.
struct Row {
    clip: String,
    frames: usize,
    decode_ms: f64,
    /// Decoding's wall time per frame (FFmpeg decodes on several threads).
    decode_wall_ms: f64,
    motion_ms: f64,
    preprocess_ms: f64,
    infer1_ms: f64,
    /// Wall time of inference with every core's intra-op thread.
    infer_n_ms: f64,
    /// Single-threaded inference with one session per core all running at once (how two frames
    /// in flight use the cores): the wall time each inference then takes.
    infer_concurrent_ms: f64,
    /// (frames in flight, model runs per frame, end-to-end frames per second).
    end_to_end: Vec<(usize, f64, f64)>,
}

/// The frames-in-flight settings measured end to end.
const FRAMES_IN_FLIGHT: [usize; 2] = [1, 2];

fn clip(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/videos")
        .join(name);
    assert!(p.is_file(), "missing {}", p.display());
    p
}

fn ms_per(total: Duration, n: usize) -> f64 {
    total.as_secs_f64() * 1e3 / n.max(1) as f64
}

/// CPU time used so far by all of the process's threads.
fn process_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill in.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The wall time and the CPU time of `work`: nothing else runs in the process meanwhile.
fn timed(work: impl FnOnce()) -> (Duration, Duration) {
    let (wall, cpu) = (Instant::now(), process_cpu_time());
    work();
    (wall.elapsed(), process_cpu_time() - cpu)
}

fn measure(name: &str, cores: usize) -> Row {
    let path = clip(name);
    let model =
        ugoki::models::resolve("movenet_lightning").expect("model present (scripts/setup.sh)");

    // The frames for the next steps, decoded untimed: keeping them all makes the process grow
    // by up to 1.2 GB, and faulting in that memory tripled the decode time of the walking clip.
    let mut source = VideoFile::open(&path).unwrap();
    let (w, h) = (source.info().width, source.info().height);
    let mut frames = Vec::new();
    while let Some(f) = source.next_frame().unwrap() {
        frames.push(f.image);
    }
    let n = frames.len();
    // Decode only, each frame dropped as the pipeline drops it once inferred.
    let mut source = VideoFile::open(&path).unwrap();
    let (decode_wall, decode) = timed(|| while source.next_frame().unwrap().is_some() {});

    let mut motion = MotionDetector::new();
    let (_, motion_time) = timed(|| {
        for f in &frames {
            motion.update(f).unwrap();
        }
    });

    // A person-sized crop, as the tracker cuts once it follows someone.
    let region = Region {
        cx: w as f32 * 0.5,
        cy: h as f32 * 0.6,
        size: h as f32 * 0.8,
        rotation: 0.0,
    };
    let mut crops = Vec::new();
    let (_, preprocess) = timed(|| {
        for f in &frames {
            crops.push(crop_rgb(f, &region, INPUT_SIDE, 0.0).unwrap().0);
        }
    });

    // A session's first runs are several times slower than the rest: not what is timed.
    let warmed = |threads: usize| {
        let mut net = MoveNet::load(&model, threads).unwrap();
        for c in crops.iter().take(10) {
            net.infer(pixels(c).unwrap()).unwrap();
        }
        net
    };
    // (wall, CPU) per frame.
    let infer_ms = |threads: usize| {
        let mut net = warmed(threads);
        let (wall, cpu) = timed(|| {
            for c in &crops {
                net.infer(pixels(c).unwrap()).unwrap();
            }
        });
        (ms_per(wall, crops.len()), ms_per(cpu, crops.len()))
    };
    let (_, infer1) = infer_ms(1);
    let (infer_n, _) = infer_ms(cores);
    let infer_concurrent = {
        let mut nets: Vec<MoveNet> = (0..cores).map(|_| warmed(1)).collect();
        let crops = &crops;
        let t = Instant::now();
        std::thread::scope(|scope| {
            for net in &mut nets {
                scope.spawn(move || {
                    for c in crops {
                        net.infer(pixels(c).unwrap()).unwrap();
                    }
                });
            }
        });
        ms_per(t.elapsed(), crops.len())
    };
    drop(frames);
    drop(crops);

    // As `ugoki pose` runs it.
    let end_to_end = FRAMES_IN_FLIGHT
        .iter()
        .map(|&in_flight| {
            let mut inference = movenet_inference(cores, in_flight).unwrap();
            let source = Box::new(VideoFile::open(&path).unwrap());
            let outcome =
                track_source(source, &mut inference, &SubjectOptions::default(), None).unwrap();
            (
                in_flight,
                outcome.inferences as f64 / n as f64,
                n as f64 / outcome.wall_time.as_secs_f64(),
            )
        })
        .collect();
    Row {
        clip: name.to_string(),
        frames: n,
        decode_ms: ms_per(decode, n),
        decode_wall_ms: ms_per(decode_wall, n),
        motion_ms: ms_per(motion_time, n),
        preprocess_ms: ms_per(preprocess, n),
        infer1_ms: infer1,
        infer_n_ms: infer_n,
        infer_concurrent_ms: infer_concurrent,
        end_to_end,
    }
}

/// Frames per second of the Python reference on each clip, or why it was not measured.
fn python_reference(clips: &[PathBuf]) -> Result<Vec<f64>, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".runtime/python-reference/bin/python");
    if !python.is_file() {
        return Err("its environment is missing: run scripts/python_reference.sh".into());
    }
    let model = ugoki::models::resolve("movenet_lightning").map_err(|e| e.to_string())?;
    let out = Command::new(python)
        .arg(root.join("scripts/python_reference.py"))
        .arg(model)
        .args(clips)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v["fps"].as_f64())
                .ok_or_else(|| format!("unreadable result: {line}"))
        })
        .collect()
}

fn main() {
    let cores = ugoki::runtime::default_threads();
    let names = [
        "walk_side_sports2d.mp4",
        "squat_formfit_front_squat_side.mp4",
    ];
    let rows: Vec<Row> = names.iter().map(|c| measure(c, cores)).collect();
    let reference = python_reference(&names.map(clip));
    println!(
        "\nPose pipeline on {cores} cores (ms per frame unless stated: CPU time, and wall time for \
         decoding and for the runs that use several cores)\n"
    );
    println!(
        "| clip | frames | decode | decode wall | motion | crop | MoveNet 1 thread | MoveNet {cores} threads (wall) | \
         MoveNet 1 thread, {cores} at once (wall) | CPU-work bound fps | frames in flight | model runs/frame | end-to-end fps | % of bound | \
         work-adjusted bound fps | % of work-adjusted | Python reference fps | ugoki ÷ Python |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (i, r) in rows.iter().enumerate() {
        let bound = cores as f64 * 1e3 / (r.decode_ms + r.preprocess_ms + r.infer1_ms);
        for &(in_flight, runs_per_frame, fps) in &r.end_to_end {
            let (python, ratio) = match &reference {
                Ok(reference) => (
                    format!("{:.0}", reference[i]),
                    format!("{:.2}", fps / reference[i]),
                ),
                Err(_) => ("–".into(), "–".into()),
            };
            let work = r.decode_ms + r.motion_ms + runs_per_frame * (r.preprocess_ms + r.infer1_ms);
            let adjusted = cores as f64 * 1e3 / work;
            println!(
                "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {in_flight} | {:.2} | {:.0} | {:.0} % | {:.0} | {:.0} % | {python} | {ratio} |",
                r.clip,
                r.frames,
                r.decode_ms,
                r.decode_wall_ms,
                r.motion_ms,
                r.preprocess_ms,
                r.infer1_ms,
                r.infer_n_ms,
                r.infer_concurrent_ms,
                bound,
                runs_per_frame,
                fps,
                100.0 * fps / bound,
                adjusted,
                100.0 * fps / adjusted
            );
        }
    }
    if let Err(why) = reference {
        println!("\nThe Python reference was not measured: {why}");
    }
}
