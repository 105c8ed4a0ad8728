use std::io::Write;
use ugoki::cli::pose::{track_video, PoseModel};
use ugoki::kinematics::spine::mask::{quality, subject_region, SubjectMasker};
use ugoki::kinematics::spine::outline::trace;
use ugoki::kinematics::spine::sagittal::{point, segment_inclination_deg, Point};
use ugoki::kinematics::spine::{measure_rotation, RotationOptions};
use ugoki::kinematics::{compute, KinematicsOptions};
use ugoki::skeleton::Joint;
use ugoki::source::FrameSource;
use ugoki::synth::motion::Movement;
use ugoki::synth::scene::View;
use ugoki::synth::truth::read;
use ugoki::synth::{truth_path, write_clip, ClipSpec};
use ugoki::track::SubjectOptions;

fn dump_hinge(fault: &str, seed: u64, h: f64) {
    let video = format!("/tmp/msyn/h_{fault}_{seed}.mp4");
    let mut spec = ClipSpec::new(Movement::Hinge, fault, View::Side, 3);
    spec.seed = seed;
    spec.height_m = h;
    write_clip(&spec, std::path::Path::new(&video), None).unwrap();
    let truth = read(&truth_path(std::path::Path::new(&video))).unwrap();
    let out = track_video(
        &video,
        PoseModel::Movenet,
        Some(2),
        &SubjectOptions::default(),
        true,
    )
    .unwrap();
    let k = compute(&out.track, &KinematicsOptions::default()).unwrap();
    let sign = k.passes[0].view.facing.unwrap().sign();
    let mut masker = SubjectMasker::load(2).unwrap();
    let mut src = ugoki::source::open(&video).unwrap();
    let mut f = std::fs::File::create(format!("/tmp/msyn/h_{fault}_{seed}.csv")).unwrap();
    writeln!(f, "t,thip,tlum,ttho,tpt,trunk,thighL,thighR,b15,b30,b50,b70,b85,chord,b00,b05,b10,b20,curve,q,err").unwrap();
    while let Some(fr) = src.next_frame().unwrap() {
        let i = fr.index;
        let a = &truth.frames[i].angles;
        let all: Vec<Point> = Joint::ALL
            .iter()
            .filter_map(|j| point(&k, j.name(), i))
            .collect();
        let torso: Vec<Point> = ["left_shoulder", "right_shoulder", "left_hip", "right_hip"]
            .iter()
            .filter_map(|n| point(&k, n, i))
            .collect();
        let (Some(hp), Some(sh)) = (point(&k, "mid_hip", i), point(&k, "neck", i)) else {
            continue;
        };
        let th = |s: &str, kn: &str| match (point(&k, kn, i), point(&k, s, i)) {
            (Some(a), Some(b)) => segment_inclination_deg(a, b, sign),
            _ => f64::NAN,
        };
        let region = subject_region(&all).unwrap();
        let mask = masker.mask(&fr.image, &region).unwrap();
        let q = quality(&mask, &torso).score();
        let trunk = segment_inclination_deg(hp, sh, sign);
        match trace(&mask, hp, sh, sign) {
            Ok(o) => {
                let b = |x: f64| o.back_inclination_deg(x).unwrap_or(f64::NAN);
                // chord angle from outline points 0.1 and 0.9
                let idx = |x: f64| {
                    o.fractions
                        .iter()
                        .position(|g| (g - x).abs() < 1e-6)
                        .unwrap()
                };
                let (d1, d9) = (o.offsets[idx(0.1)].unwrap(), o.offsets[idx(0.9)].unwrap());
                let dx = 0.8 * o.axis.0 + (d9 - d1) * o.normal.0;
                let dy = 0.8 * o.axis.1 + (d9 - d1) * o.normal.1;
                let chord = ugoki::kinematics::spine::sagittal::inclination_deg(dx, dy, sign);
                writeln!(
                    f,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},",
                    fr.time_s,
                    0.5 * (a.hip_flexion[0] + a.hip_flexion[1]),
                    a.lumbar_flexion,
                    a.thoracic_flexion,
                    a.pelvic_tilt,
                    trunk,
                    th("left_hip", "left_knee"),
                    th("right_hip", "right_knee"),
                    b(0.15),
                    b(0.3),
                    b(0.5),
                    b(0.7),
                    b(0.85),
                    chord,
                    b(0.0),
                    b(0.05),
                    b(0.1),
                    b(0.2),
                    o.curve_angle_deg().unwrap_or(f64::NAN),
                    q
                )
                .unwrap();
            }
            Err(e) => {
                writeln!(
                    f,
                    "{},{},{},{},{},{},,,,,,,,,,,,,,{},{:?}",
                    fr.time_s,
                    0.5 * (a.hip_flexion[0] + a.hip_flexion[1]),
                    a.lumbar_flexion,
                    a.thoracic_flexion,
                    a.pelvic_tilt,
                    trunk,
                    q,
                    e
                )
                .unwrap();
            }
        }
    }
}

#[test]
fn scratch_hinge() {
    for (fault, seed, h) in [
        ("good", 11, 1.62),
        ("good", 23, 1.86),
        ("lumbar-dominant", 11, 1.62),
        ("arched", 11, 1.62),
        ("arched", 23, 1.86),
    ] {
        dump_hinge(fault, seed, h);
    }
}

#[test]
fn scratch_rotation() {
    for (fault, seed, h) in [("good", 11, 1.62), ("pelvis-driven", 11, 1.62)] {
        let video = format!("/tmp/msyn/r_{fault}_{seed}.mp4");
        let mut spec = ClipSpec::new(Movement::Rotation, fault, View::SideOn, 2);
        spec.seed = seed;
        spec.height_m = h;
        write_clip(&spec, std::path::Path::new(&video), None).unwrap();
        let truth = read(&truth_path(std::path::Path::new(&video))).unwrap();
        let out = track_video(
            &video,
            PoseModel::Blazepose,
            Some(2),
            &SubjectOptions::default(),
            true,
        )
        .unwrap();
        let k = compute(&out.track, &KinematicsOptions::default()).unwrap();
        let r = measure_rotation(&out.track, &k, &RotationOptions::default());
        eprintln!(
            "{fault}: widths {:?} neutral {:?} passes {:?}",
            r.widths,
            r.neutral,
            k.passes
                .iter()
                .map(|p| (p.view.view, p.view.facing, p.start_s, p.end_s))
                .collect::<Vec<_>>()
        );
        eprintln!(
            "events {:?}",
            truth
                .events
                .iter()
                .map(|e| (e.kind.clone(), e.time_s))
                .collect::<Vec<_>>()
        );
        let mut f = std::fs::File::create(format!("/tmp/msyn/r_{fault}_{seed}.csv")).unwrap();
        writeln!(f, "t,wsh,whip,tpel,ttho,sh,pel,lsx,lsy,rsx,rsy,lhx,lhy,rhx,rhy,lss,rss,tlsx,trsx,tlhx,trhx").unwrap();
        let kp = |i: usize, n: &str| {
            point(&k, n, i).map_or((f64::NAN, f64::NAN, 0.0), |p| (p.x, p.y, p.confidence))
        };
        let names: Vec<String> = truth.keypoint_names.clone();
        let ti = |n: &str| names.iter().position(|x| x == n).unwrap();
        for i in 0..k.times_s.len() {
            let a = &truth.frames[i].angles;
            let t2 = &truth.frames[i].keypoints_2d;
            let (ls, rs, lh, rh) = (
                kp(i, "left_shoulder"),
                kp(i, "right_shoulder"),
                kp(i, "left_hip"),
                kp(i, "right_hip"),
            );
            let wy = |l: Joint, r: Joint| {
                out.track.frames[i]
                    .world
                    .as_ref()
                    .and_then(|w| {
                        let a = w[l.index()]?;
                        let b = w[r.index()]?;
                        Some(
                            ((a[0] - b[0]) as f64)
                                .atan2((a[2] - b[2]) as f64)
                                .to_degrees(),
                        )
                    })
                    .unwrap_or(f64::NAN)
            };
            writeln!(
                f,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                k.times_s[i],
                wy(Joint::LeftShoulder, Joint::RightShoulder),
                wy(Joint::LeftHip, Joint::RightHip),
                a.pelvis_rotation,
                a.thoracic_rotation,
                r.shoulder_rotation.values[i].unwrap_or(f64::NAN),
                r.pelvis_rotation.values[i].unwrap_or(f64::NAN),
                ls.0,
                ls.1,
                rs.0,
                rs.1,
                lh.0,
                lh.1,
                rh.0,
                rh.1,
                ls.2,
                rs.2,
                t2[ti("left_shoulder")][0],
                t2[ti("right_shoulder")][0],
                t2[ti("left_hip")][0],
                t2[ti("right_hip")][0]
            )
            .unwrap();
        }
    }
}
