//! The synthetic subject's ground truth: self-consistent (angles recomputed from the stored 3-D
//! joints and frames, projections inside the rendered mask), faults that differ from the good
//! variant by the scripted amount and only there, byte-identical for a seed, and clear errors
//! for bad requests.

use std::process::Command;
use ugoki::synth::motion::Movement;
use ugoki::synth::scene::View;
use ugoki::synth::truth::{FrameTruth, Truth};
use ugoki::synth::{write_clip, Clip, ClipSpec};

type M3 = [[f64; 3]; 3];

/// Rotation matrix of a unit quaternion [w, x, y, z].
fn m3(q: &[f64; 4]) -> M3 {
    let [w, x, y, z] = *q;
    [
        [
            1.0 - 2.0 * (y * y + z * z),
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
        ],
        [
            2.0 * (x * y + w * z),
            1.0 - 2.0 * (x * x + z * z),
            2.0 * (y * z - w * x),
        ],
        [
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            1.0 - 2.0 * (x * x + y * y),
        ],
    ]
}
fn mul_t(a: &M3, b: &M3) -> M3 {
    // aᵀ·b
    let mut m = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            m[i][j] = (0..3).map(|k| a[k][i] * b[k][j]).sum();
        }
    }
    m
}
/// Rz(a)·Rx(b)·Ry(c) → (a, b, c) in degrees, written out independently of the library.
fn zxy(m: &M3) -> (f64, f64, f64) {
    let b = m[2][1].asin();
    let a = (-m[0][1]).atan2(m[1][1]);
    let c = (-m[2][0]).atan2(m[2][2]);
    (a.to_degrees(), b.to_degrees(), c.to_degrees())
}
fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

fn index(names: &[String], name: &str) -> usize {
    names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

/// Renders a clip (every `stride`-th frame), returning its ground truth (through JSON, as a
/// reader sees it) and the masks.
fn truth_with_masks(spec: &ClipSpec, stride: usize) -> (Truth, Vec<Vec<u8>>) {
    let clip = Clip::new(spec).unwrap();
    let times = clip.frame_times();
    let mut frames = Vec::new();
    let mut masks = Vec::new();
    for (i, &t) in times.iter().enumerate().step_by(stride) {
        let r = clip.render(t, i).unwrap();
        frames.push(clip.truth_frame(i, t, &r.posed, r.stance_heading));
        masks.push(r.canvas.mask);
    }
    let truth = clip.truth(frames, &times, "none");
    let json = serde_json::to_string(&truth).unwrap();
    (serde_json::from_str(&json).unwrap(), masks)
}

fn seg(t: &Truth, f: &FrameTruth, name: &str) -> (M3, [f64; 3]) {
    let s = &f.segments[index(&t.segment_names, name)];
    (m3(&s.quaternion), s.origin)
}
/// A joint's world position, whether it is a keypoint or another landmark.
fn lm(t: &Truth, f: &FrameTruth, name: &str) -> [f64; 3] {
    match t.keypoint_names.iter().position(|n| n == name) {
        Some(i) => f.keypoints_3d[i],
        None => f.landmarks_3d[index(&t.landmark_names, name)],
    }
}

fn check_consistency(spec: &ClipSpec) {
    let (t, masks) = truth_with_masks(spec, 3);
    let (w, h) = (t.clip.width as usize, t.clip.height as usize);
    let mut worst: f64 = 0.0;
    let mut outside = Vec::new();
    for (f, mask) in t.frames.iter().zip(&masks) {
        let a = &f.angles;
        let (pelvis, _) = seg(&t, f, "pelvis");
        let (lumbar, _) = seg(&t, f, "lumbar_2");
        let (thorax, _) = seg(&t, f, "thoracic_2");
        let mut compare = |what: &str, stored: f64, recomputed: f64| {
            let d = (stored - recomputed).abs();
            worst = worst.max(d);
            assert!(
                d < 0.1,
                "frame {}: {what} stored {stored} recomputed {recomputed}",
                f.index
            );
        };
        // Pelvic tilt: the pelvis's forward axis below the horizontal.
        let fwd = [pelvis[0][0], pelvis[1][0], pelvis[2][0]];
        compare("pelvic_tilt", a.pelvic_tilt, (-fwd[1]).asin().to_degrees());
        compare(
            "lumbar_flexion",
            a.lumbar_flexion,
            -zxy(&mul_t(&pelvis, &lumbar)).0,
        );
        compare(
            "thoracic_flexion",
            a.thoracic_flexion,
            -zxy(&mul_t(&lumbar, &thorax)).0,
        );
        compare(
            "thoracic_rotation",
            a.thoracic_rotation,
            zxy(&mul_t(&pelvis, &thorax)).2,
        );
        for (i, side) in ["left", "right"].iter().enumerate() {
            let hip = lm(&t, f, &format!("{side}_hip"));
            let knee = lm(&t, f, &format!("{side}_knee"));
            let ankle = lm(&t, f, &format!("{side}_ankle"));
            // Knee flexion from the three joint centres alone.
            let (u, v) = (sub(hip, knee), sub(ankle, knee));
            let inner = (dot(u, v) / (norm(u) * norm(v)))
                .clamp(-1.0, 1.0)
                .acos()
                .to_degrees();
            compare("knee_flexion", a.knee_flexion[i], 180.0 - inner);
            // Hip flexion: the thigh (hip → knee) in the pelvis frame.
            let d = sub(knee, hip);
            let local =
                [0, 1, 2].map(|k| pelvis[0][k] * d[0] + pelvis[1][k] * d[1] + pelvis[2][k] * d[2]);
            compare(
                "hip_flexion",
                a.hip_flexion[i],
                local[0].atan2(-local[1]).to_degrees(),
            );
        }
        // The pelvis's lateral axis is the line through the hip joint centres.
        let hips = sub(lm(&t, f, "right_hip"), lm(&t, f, "left_hip"));
        let lateral = [pelvis[0][2], pelvis[1][2], pelvis[2][2]];
        assert!(
            dot(hips, lateral) / norm(hips) > 0.99999,
            "hip line off the pelvis axis"
        );
        // Projections: recomputed from the camera, and inside the rendered person.
        let c = &t.camera;
        for (p3, p2) in f.keypoints_3d.iter().zip(&f.keypoints_2d) {
            let rel = sub(*p3, c.position);
            let z = dot(rel, c.forward);
            let x = c.cx + c.focal_px * dot(rel, c.right) / z;
            let y = c.cy - c.focal_px * dot(rel, c.up) / z;
            assert!(
                (x - p2[0]).abs() < 0.06 && (y - p2[1]).abs() < 0.06,
                "projection {p2:?} vs {x} {y}"
            );
        }
        for (name, p2) in t.keypoint_names.iter().zip(&f.keypoints_2d) {
            let (x, y) = (p2[0].floor() as i64, p2[1].floor() as i64);
            let inside = (-1..=1).any(|dy| {
                (-1..=1).any(|dx| {
                    let (px, py) = (x + dx, y + dy);
                    px >= 0
                        && py >= 0
                        && (px as usize) < w
                        && (py as usize) < h
                        && mask[py as usize * w + px as usize] == 255
                })
            });
            if !inside {
                outside.push(format!("frame {} {name} at {p2:?}", f.index));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "{} keypoints outside the mask: {:?}",
        outside.len(),
        &outside[..outside.len().min(10)]
    );
    println!(
        "{} {} {}: worst angle mismatch {worst:.4}°",
        spec.movement.name(),
        spec.fault,
        spec.camera.view.name()
    );
}

fn short(movement: Movement, fault: &str, view: View, reps: usize) -> ClipSpec {
    let mut spec = ClipSpec::new(movement, fault, view, reps);
    spec.fps = 10.0;
    spec
}

#[test]
fn ground_truth_is_self_consistent_for_every_movement() {
    check_consistency(&short(Movement::Hinge, "lumbar-dominant", View::Side, 1));
    check_consistency(&short(Movement::SitToStand, "rounding", View::Side, 1));
    check_consistency(&short(
        Movement::SitToStand,
        "hands-on-thighs",
        View::Front,
        1,
    ));
    check_consistency(&short(Movement::Gait, "lateral-sway", View::Front, 2));
    check_consistency(&short(Movement::Rotation, "pelvis-driven", View::SideOn, 1));
    let mut seated = short(Movement::Rotation, "asymmetric", View::Oblique, 1);
    seated.seated = true;
    check_consistency(&seated);
}

/// The ground truth of every frame (no rendering).
fn angles_over(spec: &ClipSpec) -> (Clip, Vec<FrameTruth>) {
    let clip = Clip::new(spec).unwrap();
    let frames = clip
        .frame_times()
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let (posed, heading) = clip.pose_at(t);
            clip.truth_frame(i, t, &posed, heading)
        })
        .collect();
    (clip, frames)
}

fn at_event<'a>(clip: &Clip, frames: &'a [FrameTruth], kind: &str) -> Vec<&'a FrameTruth> {
    let truth = clip.truth(Vec::new(), &clip.frame_times(), "none");
    truth
        .events
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| &frames[e.frame])
        .collect()
}

#[test]
fn lumbar_dominant_hinge_differs_from_good_in_lumbar_and_hip_flexion_only() {
    let (gc, good) = angles_over(&ClipSpec::new(Movement::Hinge, "good", View::Side, 2));
    let (fc, bad) = angles_over(&ClipSpec::new(
        Movement::Hinge,
        "lumbar-dominant",
        View::Side,
        2,
    ));
    let (gp, fp) = (at_event(&gc, &good, "peak"), at_event(&fc, &bad, "peak"));
    assert_eq!(gp.len(), 2);
    for (g, f) in gp.iter().zip(&fp) {
        assert!(
            f.angles.lumbar_flexion >= 25.0,
            "lumbar-dominant: {}",
            f.angles.lumbar_flexion
        );
        assert!(
            g.angles.lumbar_flexion <= 8.0,
            "good: {}",
            g.angles.lumbar_flexion
        );
        for s in 0..2 {
            // Scripted: 35° less anterior pelvic tilt, so 35° less hip flexion; same knees.
            let dh = g.angles.hip_flexion[s] - f.angles.hip_flexion[s];
            assert!((dh - 35.0).abs() < 0.1, "hip flexion difference {dh}");
            assert!((g.angles.knee_flexion[s] - f.angles.knee_flexion[s]).abs() < 0.01);
        }
        assert!((g.angles.pelvic_tilt - f.angles.pelvic_tilt - 35.0).abs() < 0.1);
    }
    // Away from the bend the two are the same standing body.
    assert_eq!(good[0].angles, bad[0].angles);
}

#[test]
fn sit_to_stand_faults_differ_where_scripted() {
    let (gc, good) = angles_over(&ClipSpec::new(Movement::SitToStand, "good", View::Side, 1));
    let (rc, round) = angles_over(&ClipSpec::new(
        Movement::SitToStand,
        "rounding",
        View::Side,
        1,
    ));
    let (g, r) = (
        at_event(&gc, &good, "seat_off")[0],
        at_event(&rc, &round, "seat_off")[0],
    );
    assert!(
        r.angles.lumbar_flexion - g.angles.lumbar_flexion > 27.0,
        "{} vs {}",
        r.angles.lumbar_flexion,
        g.angles.lumbar_flexion
    );
    assert!(
        (g.angles.knee_flexion[0] - r.angles.knee_flexion[0]).abs() < 0.01,
        "knees unchanged"
    );
    assert!(
        (g.angles.hip_flexion[0] - r.angles.hip_flexion[0] - 28.0).abs() < 0.1,
        "hip flexion by the pelvic difference"
    );
    let (nc, noext) = angles_over(&ClipSpec::new(
        Movement::SitToStand,
        "no-hip-extension",
        View::Side,
        1,
    ));
    let (g, n) = (
        at_event(&gc, &good, "full_stand")[0],
        at_event(&nc, &noext, "full_stand")[0],
    );
    assert!(
        g.angles.hip_flexion[0].abs() < 3.0,
        "good stands tall: {}",
        g.angles.hip_flexion[0]
    );
    assert!(
        n.angles.hip_flexion[0] > 15.0,
        "no full hip extension: {}",
        n.angles.hip_flexion[0]
    );
    let (fc, forward) = angles_over(&ClipSpec::new(
        Movement::SitToStand,
        "feet-forward",
        View::Side,
        1,
    ));
    let ankle_x = |c: &Clip, f: &FrameTruth| {
        let t = c.truth(Vec::new(), &[0.0], "none");
        lm(&t, f, "left_ankle")[0] - lm(&t, f, "left_knee")[0]
    };
    assert!(ankle_x(&gc, &good[0]) < 0.0, "good: feet under the knees");
    assert!(
        ankle_x(&fc, &forward[0]) > 0.05,
        "feet forward of the knees"
    );
}

#[test]
fn pelvis_driven_rotation_turns_the_pelvis_instead_of_the_thorax() {
    let (gc, good) = angles_over(&ClipSpec::new(Movement::Rotation, "good", View::SideOn, 1));
    let (pc, pelvic) = angles_over(&ClipSpec::new(
        Movement::Rotation,
        "pelvis-driven",
        View::SideOn,
        1,
    ));
    let (g, p) = (at_event(&gc, &good, "peak"), at_event(&pc, &pelvic, "peak"));
    // Left peak: thorax 45° over a still pelvis vs 20° over a pelvis turned 25°.
    assert!(
        (g[0].angles.thoracic_rotation - 45.0).abs() < 0.5
            && g[0].angles.pelvis_rotation.abs() < 0.01
    );
    assert!(
        (p[0].angles.thoracic_rotation - 20.0).abs() < 0.5
            && (p[0].angles.pelvis_rotation - 25.0).abs() < 0.01
    );
    assert!((g[1].angles.thoracic_rotation + 45.0).abs() < 0.5);
    let (ac, asym) = angles_over(&ClipSpec::new(
        Movement::Rotation,
        "asymmetric",
        View::Side,
        1,
    ));
    let a = at_event(&ac, &asym, "peak");
    assert!(
        (a[0].angles.thoracic_rotation - 45.0).abs() < 0.5
            && (a[1].angles.thoracic_rotation + 25.0).abs() < 0.5
    );
    // The protocol: facing the camera for the first 2 s, side-on after the turn.
    assert!(good[0].stance_heading_deg.abs() < 1e-9);
    let side_on = ugoki::synth::motion::rotation::SIDE_ON_TURN_DEG;
    assert!((at_event(&gc, &good, "rep_start")[0].stance_heading_deg - side_on).abs() < 1e-6);
}

#[test]
fn gait_faults_differ_where_scripted() {
    let max_abs = |frames: &[FrameTruth], f: &dyn Fn(&FrameTruth) -> f64| {
        frames.iter().map(f).fold(0.0f64, |m, v| m.max(v.abs()))
    };
    let (_, normal) = angles_over(&ClipSpec::new(Movement::Gait, "good", View::Side, 2));
    let (_, sway) = angles_over(&ClipSpec::new(
        Movement::Gait,
        "lateral-sway",
        View::Front,
        2,
    ));
    let bend = |f: &FrameTruth| f.angles.lumbar_lateral_bend;
    assert!(max_abs(&sway, &bend) > 11.0 && max_abs(&normal, &bend) < 4.0);
    let hips = |f: &FrameTruth| f.angles.hip_flexion[1];
    assert!(
        (max_abs(&sway, &hips) - max_abs(&normal, &hips)).abs() < 0.01,
        "legs unchanged"
    );
    let (_, arch) = angles_over(&ClipSpec::new(
        Movement::Gait,
        "lumbar-arching",
        View::Side,
        2,
    ));
    let ext = |frames: &[FrameTruth]| {
        frames
            .iter()
            .map(|f| f.angles.lumbar_flexion)
            .fold(f64::INFINITY, f64::min)
    };
    assert!(
        ext(&arch) < -13.0 && ext(&normal) > -1.0,
        "{} {}",
        ext(&arch),
        ext(&normal)
    );
    // Heel strikes are where the walk's contacts put them; their step times differ by side
    // only when the legs do.
    let step_times = |fault: &str| {
        let clip = Clip::new(&ClipSpec::new(Movement::Gait, fault, View::Side, 3)).unwrap();
        let t = clip.truth(Vec::new(), &clip.frame_times(), "none");
        let strikes: Vec<(f64, String)> = t
            .events
            .iter()
            .filter(|e| e.kind == "heel_strike")
            .map(|e| (e.time_s, e.side.clone().unwrap()))
            .collect();
        assert!(
            strikes.windows(2).all(|w| w[0].1 != w[1].1),
            "strikes alternate: {strikes:?}"
        );
        let mut by_side = [Vec::new(), Vec::new()];
        for w in strikes.windows(2) {
            by_side[usize::from(w[1].1 == "right")].push(w[1].0 - w[0].0);
        }
        by_side.map(|v| v.iter().sum::<f64>() / v.len() as f64)
    };
    let [l, r] = step_times("good");
    assert!(
        (l - r).abs() < 0.01,
        "good: onto left {l:.3} s, right {r:.3} s"
    );
    let [l, r] = step_times("asymmetric");
    assert!(
        (l - r).abs() > 0.05,
        "asymmetric: onto left {l:.3} s, right {r:.3} s"
    );
}

#[test]
fn rounded_lumbar_spine_shows_on_the_silhouette() {
    // At the bottom of the hinge, side view (1280×720): the angle through which the back's
    // outline turns between the low lumbar region (L5–L4) and the lower thoracic region
    // (T12–T8), measured on the rendered mask alone. A rounded lumbar spine turns it; a
    // neutral one keeps the back nearly straight.
    let bend = |fault: &str| {
        let mut spec = ClipSpec::new(Movement::Hinge, fault, View::Side, 1);
        (spec.width, spec.height) = (1280, 720);
        let clip = Clip::new(&spec).unwrap();
        let truth = clip.truth(Vec::new(), &clip.frame_times(), "none");
        let peak = truth
            .events
            .iter()
            .find(|e| e.kind == "peak")
            .unwrap()
            .time_s;
        let r = clip.render(peak, 0).unwrap();
        let (w, h) = (r.canvas.width, r.canvas.height);
        let x_of = |name: &str| {
            let l = ugoki::synth::pose::Landmark::all()
                .into_iter()
                .find(|l| l.name() == name)
                .unwrap();
            clip.camera.project(r.posed.landmark(l)).unwrap().x
        };
        let top = |x: usize| {
            (0..h)
                .find(|&y| r.canvas.mask[y * w + x] == 255)
                .unwrap_or(h) as f64
        };
        // Least-squares slope of the outline between two columns, as an angle in degrees.
        let angle = |a: f64, b: f64| {
            let xs: Vec<usize> = (a.min(b).round() as usize..=a.max(b).round() as usize).collect();
            let n = xs.len() as f64;
            let mx = xs.iter().map(|&x| x as f64).sum::<f64>() / n;
            let my = xs.iter().map(|&x| top(x)).sum::<f64>() / n;
            let sxy: f64 = xs.iter().map(|&x| (x as f64 - mx) * (top(x) - my)).sum();
            let sxx: f64 = xs.iter().map(|&x| (x as f64 - mx).powi(2)).sum();
            (-sxy / sxx).atan().to_degrees()
        };
        angle(x_of("l5_s1"), x_of("l4_l5")) - angle(x_of("t12_l1"), x_of("t8_t9"))
    };
    let (good, rounded) = (bend("good"), bend("lumbar-dominant"));
    println!("back outline turns by: good {good:.1}°, lumbar-dominant {rounded:.1}°");
    assert!(
        rounded > good + 15.0,
        "good {good:.1}°, lumbar-dominant {rounded:.1}°"
    );
}

#[test]
fn same_seed_gives_byte_identical_ground_truth() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = ClipSpec::new(Movement::SitToStand, "good", View::Oblique, 1);
    spec.seed = 1234;
    spec.fps = 10.0;
    spec.sensor.noise = 3.0;
    let paths = ["a.mp4", "b.mp4"].map(|n| dir.path().join(n));
    for p in &paths {
        write_clip(&spec, p, None).unwrap();
    }
    let read = |p: &std::path::Path| std::fs::read(ugoki::synth::truth_path(p)).unwrap();
    assert_eq!(read(&paths[0]), read(&paths[1]));
    spec.seed = 1235;
    let other = dir.path().join("c.mp4");
    write_clip(&spec, &other, None).unwrap();
    assert_ne!(
        read(&paths[0]),
        read(&other),
        "another seed changes body and camera"
    );
    let truth: Truth = serde_json::from_slice(&read(&paths[0])).unwrap();
    assert_eq!(truth.schema_version, 1);
    assert!(truth.events.iter().all(|e| e.frame < truth.frames.len()));
}

#[test]
fn bad_requests_exit_with_code_2_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.mp4");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ugoki"))
            .arg("synth")
            .args(args)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap()
    };
    for (args, says) in [
        (
            vec!["--movement", "hinge", "--fault", "heel-slam"],
            "does not exist for hinge",
        ),
        (vec!["--movement", "hinge", "--reps", "0"], "--reps 0"),
        (
            vec!["--movement", "gait", "--height", "5"],
            "not an adult height",
        ),
        (vec!["--movement", "dance"], "unknown movement"),
        (vec!["--movement", "sts", "--view", "side-on"], "side-on"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(!out.exists());
}

#[test]
fn variable_frame_rate_video_carries_the_truth_timestamps_and_masks_match_frames() {
    let dir = tempfile::tempdir().unwrap();
    let mut spec = ClipSpec::new(Movement::Gait, "good", View::Side, 1);
    (spec.width, spec.height, spec.variable_frame_rate) = (320, 180, true);
    let video = dir.path().join("vfr.mp4");
    let masks = dir.path().join("masks");
    write_clip(&spec, &video, Some(&masks)).unwrap();
    let truth = ugoki::synth::truth::read(&ugoki::synth::truth_path(&video)).unwrap();
    // The container's own timestamps (ffprobe; OpenCV reports 0 ms for the last frames a
    // threaded decoder flushes, whatever the file says).
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v",
            "-show_entries",
            "frame=pts_time",
            "-of",
            "csv=p=0",
        ])
        .arg(&video)
        .output()
        .expect("ffprobe (installed by scripts/setup.sh with ffmpeg)");
    let decoded: Vec<f64> = String::from_utf8_lossy(&probe.stdout)
        .split(['\n', ','])
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    assert_eq!(decoded.len(), truth.frames.len());
    let intervals: Vec<f64> = truth
        .frames
        .windows(2)
        .map(|w| w[1].time_s - w[0].time_s)
        .collect();
    let spread = intervals.iter().cloned().fold(0.0, f64::max)
        - intervals.iter().cloned().fold(1.0, f64::min);
    assert!(spread > 0.01, "intervals vary: {intervals:?}");
    for (t, f) in decoded.iter().zip(&truth.frames) {
        assert!(
            (t - f.time_s).abs() < 0.0015,
            "decoded {t} vs truth {}",
            f.time_s
        );
    }
    assert_eq!(
        std::fs::read_dir(&masks).unwrap().count(),
        truth.frames.len()
    );
}
