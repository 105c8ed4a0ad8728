//! Kinematics against constructed truth: stick figures posed at known angles, a standing
//! subject of known height, the real VFR clip's timestamps, OpenSim file structure, and bad
//! input that must give reasons instead of NaN or a panic.

use std::f64::consts::PI;
use ugoki::kinematics::calibration::{CalibrationMethod, ANKLE_HEIGHT, EYE_HEIGHT};
use ugoki::kinematics::export::{self, opensim};
use ugoki::kinematics::passes::Facing;
use ugoki::kinematics::view::View;
use ugoki::kinematics::{compute, Kinematics, KinematicsOptions};
use ugoki::signal::resample::{lowpass_timestamped, median_interval};
use ugoki::signal::{SignalOptions, Smoothing};
use ugoki::skeleton::{Joint, Keypoint, Skeleton};
use ugoki::source::SourceInfo;
use ugoki::track::{PoseFrame, PoseTrack, TRACK_SCHEMA_VERSION};

/// Joint angles (degrees, ugoki's conventions) and trunk direction of one pose.
#[derive(Clone, Copy)]
struct Pose {
    trunk: f64,
    hip: [f64; 2],
    knee: [f64; 2],
    ankle: [f64; 2],
    shoulder: [f64; 2],
    elbow: [f64; 2],
}

/// Segment directions (degrees, anticlockwise from +x with y up) the pose implies.
struct Truth {
    thigh: [f64; 2],
    shank: [f64; 2],
    foot: [f64; 2],
    arm: [f64; 2],
    forearm: [f64; 2],
}

fn dir(deg: f64) -> (f64, f64) {
    (deg.to_radians().cos(), deg.to_radians().sin())
}

/// Places a side-view stick figure (y up internally, written y down) whose angles are exactly
/// `pose`. Index 0 is the left side. Left and right joints sit 4 px apart across the body.
fn figure(pose: &Pose, facing: f64, hip_at: (f64, f64)) -> (Skeleton, Truth) {
    let mut s = Skeleton::default();
    let mut put = |j: Joint, (x, y): (f64, f64)| {
        s.set(j, Some(Keypoint::new(x as f32, (1800.0 - y) as f32, 0.9)))
    };
    let add = |p: (f64, f64), d: f64, len: f64| (p.0 + len * dir(d).0, p.1 + len * dir(d).1);
    let neck = add(hip_at, pose.trunk, 200.0);
    let down = pose.trunk + 180.0;
    let mut truth = Truth {
        thigh: [0.0; 2],
        shank: [0.0; 2],
        foot: [0.0; 2],
        arm: [0.0; 2],
        forearm: [0.0; 2],
    };
    for side in 0..2 {
        let offset = if side == 0 { 2.0 } else { -2.0 };
        let across = add((0.0, 0.0), pose.trunk - 90.0, offset);
        let hip = (hip_at.0 + across.0, hip_at.1 + across.1);
        let shoulder = (neck.0 + across.0, neck.1 + across.1);
        let thigh = down + facing * pose.hip[side];
        let shank = thigh - facing * pose.knee[side];
        let foot = shank + facing * (pose.ankle[side] + 90.0);
        let arm = down + facing * pose.shoulder[side];
        let forearm = arm + facing * pose.elbow[side];
        let knee = add(hip, thigh, 180.0);
        let ankle = add(knee, shank, 175.0);
        let heel = add(ankle, shank, 25.0);
        let toe = add(heel, foot, 70.0);
        let elbow = add(shoulder, arm, 120.0);
        let wrist = add(elbow, forearm, 110.0);
        let l = side == 0;
        let pick = |left: Joint| if l { left } else { left.mirror() };
        put(pick(Joint::LeftHip), hip);
        put(pick(Joint::LeftShoulder), shoulder);
        put(pick(Joint::LeftKnee), knee);
        put(pick(Joint::LeftAnkle), ankle);
        put(pick(Joint::LeftHeel), heel);
        put(pick(Joint::LeftToe), toe);
        put(pick(Joint::LeftElbow), elbow);
        put(pick(Joint::LeftWrist), wrist);
        let ear = add(neck, pose.trunk, 40.0);
        put(pick(Joint::LeftEar), (ear.0 + across.0, ear.1 + across.1));
        put(
            pick(Joint::LeftEye),
            add(ear, pose.trunk - facing * 90.0, 14.0),
        );
        truth.thigh[side] = thigh;
        truth.shank[side] = shank;
        truth.foot[side] = foot;
        truth.arm[side] = arm;
        truth.forearm[side] = forearm;
    }
    let ear_mid = add(neck, pose.trunk, 40.0);
    put(Joint::Nose, add(ear_mid, pose.trunk - facing * 90.0, 25.0));
    (s, truth)
}

fn source(frames: usize) -> SourceInfo {
    SourceInfo {
        name: "synthetic".into(),
        width: 4000,
        height: 2000,
        fps: 30.0,
        frame_count: Some(frames),
        rotation_deg: 0,
        codec: None,
    }
}

fn track_of(skeletons: Vec<Option<Skeleton>>, times: &[f64]) -> PoseTrack {
    PoseTrack {
        schema_version: TRACK_SCHEMA_VERSION,
        source: source(skeletons.len()),
        model: "synthetic".into(),
        frames: skeletons
            .into_iter()
            .enumerate()
            .map(|(index, skeleton)| PoseFrame {
                index,
                time_s: times[index],
                skeleton,
                world: None,
                relabelled_legs: false,
                relabelled_arms: false,
            })
            .collect(),
    }
}

fn unsmoothed() -> KinematicsOptions {
    KinematicsOptions {
        signal: SignalOptions {
            smoothing: Smoothing::None,
            ..SignalOptions::default()
        },
        ..KinematicsOptions::default()
    }
}

/// Same angle up to whole turns.
fn turn_error(a: f64, b: f64) -> f64 {
    ((a - b + 180.0).rem_euclid(360.0) - 180.0).abs()
}

fn values(k: &Kinematics, name: &str) -> Vec<Option<f64>> {
    k.angle(name)
        .unwrap_or_else(|| panic!("no channel {name}"))
        .values
        .clone()
}

fn walking_pose(t: f64) -> Pose {
    let w = 2.0 * PI * t;
    Pose {
        trunk: 90.0 + 8.0 * (0.5 * w).sin(),
        hip: [25.0 * w.sin(), -25.0 * w.sin()],
        knee: [35.0 - 30.0 * (w + 0.6).cos(), 35.0 + 30.0 * (w + 0.6).cos()],
        ankle: [12.0 * w.sin(), -12.0 * (w + 0.3).sin()],
        shoulder: [-20.0 * w.sin(), 20.0 * w.sin()],
        elbow: [30.0 + 15.0 * w.sin(), 30.0 - 15.0 * w.sin()],
    }
}

#[test]
fn analytic_joint_and_segment_angles_are_within_half_a_degree_facing_either_way() {
    for facing in [Facing::Right, Facing::Left] {
        let f = facing.sign();
        let times: Vec<f64> = (0..90).map(|i| i as f64 / 30.0).collect();
        let mut truths = Vec::new();
        let mut poses = Vec::new();
        let skeletons = times
            .iter()
            .map(|&t| {
                let pose = walking_pose(t);
                let (s, truth) = figure(&pose, f, (2000.0 + f * 150.0 * t, 800.0));
                poses.push(pose);
                truths.push(truth);
                Some(s)
            })
            .collect();
        let k = compute(&track_of(skeletons, &times), &unsmoothed()).unwrap();
        assert_eq!(k.passes.len(), 1, "one pass");
        assert_eq!(k.passes[0].view.view, View::Side);
        assert_eq!(k.passes[0].facing, Some(facing));
        let mut worst = 0.0f64;
        for (i, (pose, truth)) in poses.iter().zip(&truths).enumerate() {
            for (side, name) in [(0, "left"), (1, "right")] {
                let expected = [
                    ("hip_flexion", pose.hip[side]),
                    ("knee_flexion", pose.knee[side]),
                    ("ankle_dorsiflexion", pose.ankle[side]),
                    ("shoulder_flexion", pose.shoulder[side]),
                    ("elbow_flexion", pose.elbow[side]),
                    ("thigh", truth.thigh[side]),
                    ("shank", truth.shank[side]),
                    ("foot", truth.foot[side]),
                    ("arm", truth.arm[side]),
                    ("forearm", truth.forearm[side]),
                ];
                for (channel, truth_deg) in expected {
                    let got = values(&k, &format!("{name}_{channel}"))[i].expect("value");
                    let error = if channel.ends_with("flexion") || channel.ends_with("dorsiflexion")
                    {
                        (got - truth_deg).abs()
                    } else {
                        turn_error(got, truth_deg)
                    };
                    worst = worst.max(error);
                    assert!(
                        error < 0.5,
                        "{facing:?} frame {i} {name}_{channel}: {got:.3} vs {truth_deg:.3}"
                    );
                }
            }
            let trunk = values(&k, "trunk")[i].unwrap();
            assert!(
                turn_error(trunk, pose.trunk) < 0.5,
                "trunk {trunk} vs {}",
                pose.trunk
            );
            let head = values(&k, "head")[i].unwrap();
            assert!(
                turn_error(head, pose.trunk) < 0.5,
                "head {head} vs {}",
                pose.trunk
            );
            // Right hip → left hip points across the body, 90° clockwise of the trunk.
            let pelvis = values(&k, "pelvis")[i].unwrap();
            assert!(
                turn_error(pelvis, pose.trunk - 90.0) < 0.5,
                "pelvis {pelvis}"
            );
            let shoulders = values(&k, "shoulders")[i].unwrap();
            assert!(
                turn_error(shoulders, pose.trunk - 90.0) < 0.5,
                "shoulders {shoulders}"
            );
        }
        eprintln!("facing {facing:?}: worst error {worst:.2e} deg");
    }
}

/// Reads one channel's true value from a pose and its segment directions.
type TruthOf = fn(&Pose, &Truth) -> f64;

#[test]
fn a_full_rotation_unwraps_without_jumps() {
    // The whole figure turns a full circle (a cartwheel) while the right knee bends to 150° and
    // straightens: segment angles run 90 → 450° with no 180/360° jumps, and the joint angles,
    // relative to their own segments, stay what the joints do.
    let n = 120;
    let times: Vec<f64> = (0..n).map(|i| i as f64 / 30.0).collect();
    let mut truths = Vec::new();
    let skeletons = (0..n)
        .map(|i| {
            let turn = 360.0 * i as f64 / (n - 1) as f64;
            let pose = Pose {
                trunk: 90.0 + turn,
                hip: [10.0, -10.0],
                knee: [20.0, 150.0 * (std::f64::consts::PI * turn / 360.0).sin()],
                ankle: [0.0, 0.0],
                shoulder: [0.0, 0.0],
                elbow: [20.0, 20.0],
            };
            let (s, truth) = figure(&pose, 1.0, (1000.0 + 8.0 * i as f64, 1000.0));
            truths.push((pose, truth));
            Some(s)
        })
        .collect();
    let k = compute(&track_of(skeletons, &times), &unsmoothed()).unwrap();
    assert_eq!(k.passes[0].facing, Some(Facing::Right));
    let checks: [(&str, TruthOf); 4] = [
        ("trunk", |p: &Pose, _: &Truth| p.trunk),
        ("left_thigh", |_: &Pose, t: &Truth| t.thigh[0] - 360.0),
        ("right_knee_flexion", |p: &Pose, _: &Truth| p.knee[1]),
        ("left_knee_flexion", |p: &Pose, _: &Truth| p.knee[0]),
    ];
    for (name, truth_of) in checks {
        let v = values(&k, name);
        let truth: Vec<f64> = truths.iter().map(|(p, t)| truth_of(p, t)).collect();
        // Unwrapped series are compared as they are, after aligning the first value's turn.
        let first = v[0].unwrap();
        let shift = 360.0 * ((truth[0] - first) / 360.0).round();
        for (i, (got, want)) in v.iter().zip(&truth).enumerate() {
            let got = got.unwrap() + shift;
            assert!(
                (got - want).abs() < 0.5,
                "{name} frame {i}: {got:.3} vs {want:.3}"
            );
        }
        let biggest_step = v
            .windows(2)
            .map(|w| (w[1].unwrap() - w[0].unwrap()).abs())
            .fold(0.0, f64::max);
        assert!(biggest_step < 10.0, "{name} jumps by {biggest_step}");
    }
}

/// A knee read as bent backwards by 120° for three frames (a hidden knee put on the wrong
/// side of the hip–ankle line) is a keypoint error: those frames say so, and the frames after
/// it read what the knee does, not a whole turn away.
#[test]
fn a_knee_bent_backwards_is_refused_and_does_not_shift_the_rest() {
    let n = 30;
    let times: Vec<f64> = (0..n).map(|i| i as f64 / 30.0).collect();
    let knee_at = |i: usize| {
        if (10..13).contains(&i) {
            -120.0
        } else {
            130.0 + i as f64 * 0.5
        }
    };
    let skeletons = (0..n)
        .map(|i| {
            let pose = Pose {
                trunk: 80.0,
                hip: [100.0, 100.0],
                knee: [knee_at(i), knee_at(i)],
                ankle: [0.0, 0.0],
                shoulder: [0.0, 0.0],
                elbow: [20.0, 20.0],
            };
            Some(figure(&pose, 1.0, (1000.0, 1000.0)).0)
        })
        .collect();
    // As the pose model gives it: a longer or subtler glitch than the outlier filter removes.
    let mut raw = unsmoothed();
    raw.signal.hampel = None;
    let k = compute(&track_of(skeletons, &times), &raw).unwrap();
    let knee = k.angle("left_knee_flexion").unwrap();
    for i in 0..n {
        match knee.values[i] {
            Some(v) => assert!((v - knee_at(i)).abs() < 0.5, "frame {i}: {v}"),
            None => assert!((10..13).contains(&i), "frame {i} not measured"),
        }
    }
    assert_eq!(knee.values.iter().filter(|v| v.is_none()).count(), 3);
    assert!(
        knee.missing.keys().any(|r| r.contains("cannot reach")),
        "{:?}",
        knee.missing
    );
}

/// A subject of stature `stature_px` standing with feet on the floor at image y `floor_y`.
fn standing(stature_px: f64, floor_y: f64, x: f64, feet: bool) -> Skeleton {
    // Drillis & Contini proportions (fractions of stature above the floor).
    let at = |fraction: f64| floor_y - fraction * stature_px;
    let mut s = Skeleton::default();
    let mut put =
        |j: Joint, dx: f64, y: f64| s.set(j, Some(Keypoint::new((x + dx) as f32, y as f32, 0.9)));
    for (side, dx) in [(Joint::LeftEye, 6.0), (Joint::RightEye, -6.0)] {
        put(side, dx, at(EYE_HEIGHT));
    }
    put(Joint::Nose, 0.0, at(0.91));
    put(Joint::LeftEar, 15.0, at(0.925));
    put(Joint::RightEar, -15.0, at(0.925));
    for (left, dx) in [(true, 25.0), (false, -25.0)] {
        let j = |joint: Joint| if left { joint } else { joint.mirror() };
        put(j(Joint::LeftShoulder), 1.6 * dx, at(0.818));
        put(j(Joint::LeftElbow), 1.8 * dx, at(0.63));
        put(j(Joint::LeftWrist), 1.8 * dx, at(0.485));
        put(j(Joint::LeftHip), dx, at(0.53));
        put(j(Joint::LeftKnee), dx, at(0.285));
        put(j(Joint::LeftAnkle), dx, at(ANKLE_HEIGHT));
        if feet {
            put(j(Joint::LeftHeel), dx, at(0.0));
            put(j(Joint::LeftToe), dx + 0.4 * dx, at(0.0));
        }
    }
    s
}

#[test]
fn calibration_from_a_standing_subject_is_within_one_percent() {
    for feet in [true, false] {
        let (height_m, stature_px, floor_y) = (1.80, 540.0, 1500.0);
        let times: Vec<f64> = (0..40).map(|i| i as f64 / 30.0).collect();
        let skeletons = times
            .iter()
            .map(|t| {
                Some(standing(
                    stature_px,
                    floor_y,
                    900.0 + 2.0 * (5.0 * t).sin(),
                    feet,
                ))
            })
            .collect();
        let options = KinematicsOptions {
            subject_height_m: Some(height_m),
            ..KinematicsOptions::default()
        };
        let k = compute(&track_of(skeletons, &times), &options).unwrap();
        let scale = k.calibration.metres_per_pixel.expect("calibrated");
        let truth = height_m / stature_px;
        assert!(
            (scale / truth - 1.0).abs() < 0.01,
            "feet {feet}: {scale} m/px vs {truth}"
        );
        match &k.calibration.method {
            Some(CalibrationMethod::SubjectHeight {
                assumed,
                standing_frames,
                ..
            }) => {
                assert!(!assumed);
                assert_eq!(*standing_frames, 40);
            }
            other => panic!("calibration method {other:?}"),
        }
        // A known length in metres: hip height 0.53 × 1.80 m.
        let hip_px =
            floor_y - (k.points.iter().find(|p| p.name == "left_hip").unwrap().y[20].unwrap());
        assert!((hip_px * scale / (0.53 * height_m) - 1.0).abs() < 0.01);
        let floor = k.calibration.floor.as_ref().expect("floor");
        assert!(
            (floor.origin_px[1] - floor_y).abs() < 0.01 * stature_px,
            "floor at {}",
            floor.origin_px[1]
        );
        assert!(floor.angle_deg.abs() < 1.0);

        let assumed = compute(
            &track_of(
                times
                    .iter()
                    .map(|_| Some(standing(stature_px, floor_y, 900.0, feet)))
                    .collect(),
                &times,
            ),
            &KinematicsOptions::default(),
        )
        .unwrap();
        assert!(
            matches!(assumed.calibration.method, Some(CalibrationMethod::SubjectHeight { assumed: true, height_m, .. }) if height_m == 1.65)
        );
    }
}

#[test]
fn known_distance_calibration_overrides_the_height() {
    let times: Vec<f64> = (0..20).map(|i| i as f64 / 30.0).collect();
    let skeletons = times
        .iter()
        .map(|_| Some(standing(540.0, 1500.0, 900.0, true)))
        .collect();
    let options = KinematicsOptions {
        known_distance: Some(ugoki::kinematics::calibration::KnownDistance {
            a: [100.0, 100.0],
            b: [400.0, 500.0],
            metres: 2.0,
        }),
        ..KinematicsOptions::default()
    };
    let k = compute(&track_of(skeletons, &times), &options).unwrap();
    assert!((k.calibration.metres_per_pixel.unwrap() - 2.0 / 500.0).abs() < 1e-12);
}

fn read_vfr_timestamps() -> Vec<f64> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/vfr_walk_clip_frame_times.txt"
    ))
    .expect("VFR timestamp fixture");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().parse().unwrap())
        .collect()
}

#[test]
fn butterworth_on_the_real_vfr_timestamps_keeps_the_signal_and_the_cutoff() {
    let times = read_vfr_timestamps();
    assert_eq!(times.len(), 124);
    let step = median_interval(&times).unwrap();
    let first_step = times[1] - times[0];
    assert!(
        (first_step - step).abs() > 0.3 * step,
        "the clip's frame intervals are irregular"
    );
    // A 1 Hz movement passes (gain > 0.99), with no lag and no NaN.
    let slow: Vec<f64> = times.iter().map(|t| (2.0 * PI * 1.0 * t).sin()).collect();
    let filtered = lowpass_timestamped(&times, &slow, 4, 6.0, step).unwrap();
    assert_eq!(filtered.len(), times.len());
    assert!(filtered.iter().all(|v| v.is_finite()));
    for (i, (a, b)) in slow
        .iter()
        .zip(&filtered)
        .enumerate()
        .skip(5)
        .take(times.len() - 10)
    {
        assert!((a - b).abs() < 0.015, "sample {i}: {a} vs {b}");
    }
    // At the 6 Hz cutoff the zero-phase response is -3 dB (Winter-corrected), measured by a
    // least-squares sine fit at the VFR timestamps away from the ends.
    let at_cutoff: Vec<f64> = times.iter().map(|t| (2.0 * PI * 6.0 * t).sin()).collect();
    let out = lowpass_timestamped(&times, &at_cutoff, 4, 6.0, step).unwrap();
    let (mut s, mut c, mut ss, mut cc, mut sc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (t, y) in times.iter().zip(&out).skip(20).take(times.len() - 40) {
        let (si, co) = (2.0 * PI * 6.0 * t).sin_cos();
        s += y * si;
        c += y * co;
        ss += si * si;
        cc += co * co;
        sc += si * co;
    }
    let det = ss * cc - sc * sc;
    let (a, b) = ((s * cc - c * sc) / det, (c * ss - s * sc) / det);
    let gain_db = 20.0 * a.hypot(b).log10();
    let lag_s = b.atan2(a) / (2.0 * PI * 6.0);
    eprintln!("VFR: gain at 6 Hz {gain_db:.3} dB, lag {lag_s:.2e} s");
    assert!(
        (gain_db + 3.01).abs() < 0.5,
        "gain at cutoff on VFR timestamps {gain_db:.2} dB"
    );
    assert!(lag_s.abs() < step, "lag {lag_s} s");
}

/// Checks a `.trc` the way OpenSim's TRCFileAdapter reads it; returns (markers, rows).
fn check_trc(text: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("PathFileType\t4\t(X/Y/Z)\t"));
    let keys: Vec<&str> = lines[1].split('\t').filter(|k| !k.is_empty()).collect();
    assert_eq!(
        keys,
        [
            "DataRate",
            "CameraRate",
            "NumFrames",
            "NumMarkers",
            "Units",
            "OrigDataRate",
            "OrigDataStartFrame",
            "OrigNumFrames"
        ]
    );
    let values: Vec<&str> = lines[2].split('\t').filter(|k| !k.is_empty()).collect();
    assert_eq!(values.len(), keys.len());
    assert_eq!(values[4], "m");
    let num_frames: usize = values[2].parse().unwrap();
    let num_markers: usize = values[3].parse().unwrap();
    let labels: Vec<&str> = lines[3].split('\t').filter(|k| !k.is_empty()).collect();
    assert_eq!(labels.len(), num_markers + 2);
    assert_eq!(&labels[..2], ["Frame#", "Time"]);
    let xyz: Vec<&str> = lines[4].split('\t').filter(|k| !k.is_empty()).collect();
    for i in 1..=num_markers {
        assert_eq!(
            &xyz[3 * (i - 1)..3 * i],
            [format!("X{i}"), format!("Y{i}"), format!("Z{i}")]
        );
    }
    assert!(lines[5].is_empty());
    let rows: Vec<Vec<f64>> = lines[6..]
        .iter()
        .map(|l| {
            let fields: Vec<f64> = l
                .split('\t')
                .map(|f| f.parse::<f64>().expect("number"))
                .collect();
            assert_eq!(fields.len(), 2 + 3 * num_markers);
            assert!(fields.iter().all(|v| v.is_finite()));
            fields
        })
        .collect();
    assert_eq!(rows.len(), num_frames);
    (labels[2..].iter().map(|s| s.to_string()).collect(), rows)
}

/// Checks a `.mot` the way OpenSim's Storage reader reads it; returns (columns, rows).
fn check_mot(text: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let (header, body) = text.split_once("endheader\n").expect("endheader");
    let field = |key: &str| -> String {
        header
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key}"))
            .to_string()
    };
    assert_eq!(field("version"), "1");
    assert_eq!(field("inDegrees"), "yes");
    let mut lines = body.lines();
    let columns: Vec<String> = lines
        .next()
        .unwrap()
        .split('\t')
        .map(String::from)
        .collect();
    assert_eq!(columns[0], "time");
    assert_eq!(field("nColumns").parse::<usize>().unwrap(), columns.len());
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            let r: Vec<f64> = l.split('\t').map(|f| f.parse().expect("number")).collect();
            assert_eq!(r.len(), columns.len());
            assert!(r.iter().all(|v| v.is_finite()));
            r
        })
        .collect();
    assert_eq!(field("nRows").parse::<usize>().unwrap(), rows.len());
    (columns, rows)
}

#[test]
fn opensim_csv_and_json_files_are_written_and_well_formed() {
    let times: Vec<f64> = (0..60).map(|i| i as f64 / 30.0).collect();
    let (stature_px, floor_y) = (540.0, 1500.0);
    let skeletons = times
        .iter()
        .map(|t| {
            Some(standing(
                stature_px,
                floor_y,
                900.0 + 3.0 * (4.0 * t).sin(),
                true,
            ))
        })
        .collect();
    let options = KinematicsOptions {
        subject_height_m: Some(1.8),
        ..KinematicsOptions::default()
    };
    let k = compute(&track_of(skeletons, &times), &options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let written = export::write_all(&k, dir.path()).unwrap();
    assert!(written.skipped.is_empty(), "{:?}", written.skipped);
    assert_eq!(written.files.len(), 4);

    let trc = std::fs::read_to_string(dir.path().join(export::TRC_FILE)).unwrap();
    let (markers, rows) = check_trc(&trc);
    let hip = markers
        .iter()
        .position(|m| m == "mid_hip")
        .expect("mid_hip marker");
    // Y is metres above the floor: the hip at 0.53 × 1.80 m.
    let hip_y = rows[30][2 + 3 * hip + 1];
    assert!(
        (hip_y - 0.53 * 1.8).abs() < 0.01 * 0.53 * 1.8,
        "hip height {hip_y} m"
    );

    let mot = std::fs::read_to_string(dir.path().join(export::MOT_FILE)).unwrap();
    let (columns, rows) = check_mot(&mot);
    // Seen from the front: sagittal joint angles are refused, segment angles are written.
    assert!(!columns.iter().any(|c| c == "left_knee_flexion"));
    let shank = columns
        .iter()
        .position(|c| c == "left_shank")
        .expect("shank column");
    assert!(
        rows.iter().all(|r| (r[shank] + 90.0).abs() < 0.5),
        "standing shank points down"
    );

    let csv = std::fs::read_to_string(dir.path().join(export::CSV_FILE)).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header
        .starts_with("frame,time [s],left_hip_flexion [deg],left_hip_flexion confidence [0-1]"));
    assert_eq!(csv.lines().count(), 61);

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(export::JSON_FILE)).unwrap())
            .unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["angles"][0]["unit"], "deg");
    assert!(json["angles"][0]["method"]
        .as_str()
        .unwrap()
        .contains("anatomical neutral"));
    assert_eq!(opensim::keypoints_trc(&k, "x.trc").map(|_| ()), Ok(()));
}

/// No NaN or infinity anywhere: every measured number is finite, every confidence in 0..1.
fn assert_no_nan(k: &Kinematics) {
    for c in &k.angles {
        assert!(
            c.values.iter().flatten().all(|v| v.is_finite()),
            "{}",
            c.name
        );
        assert!(
            c.confidence
                .iter()
                .all(|v| v.is_finite() && (0.0..=1.0).contains(v)),
            "{}",
            c.name
        );
    }
    for p in &k.points {
        assert!(
            p.x.iter().chain(&p.y).flatten().all(|v| v.is_finite()),
            "{}",
            p.name
        );
    }
    assert!(k.calibration.metres_per_pixel.is_none_or(f64::is_finite));
    for pass in &k.passes {
        assert!(pass.view.confidence.is_finite() && pass.facing_confidence.is_finite());
    }
    let dir = tempfile::tempdir().unwrap();
    let written = export::write_all(k, dir.path()).unwrap();
    for file in &written.files {
        let text = std::fs::read_to_string(file).unwrap().to_lowercase();
        assert!(
            !text.contains("nan") && !text.contains("inf"),
            "{} holds NaN or inf",
            file.display()
        );
    }
}

/// Every angle channel cannot be computed, and says why.
fn assert_all_refused(k: &Kinematics, why: &str) {
    for c in &k.angles {
        assert!(
            c.values.iter().all(Option::is_none),
            "{} has values",
            c.name
        );
        let reason = c
            .cannot_compute
            .as_deref()
            .unwrap_or_else(|| panic!("{} gives no reason", c.name));
        assert!(
            reason.contains(why),
            "{}: '{reason}' does not mention '{why}'",
            c.name
        );
    }
}

#[test]
fn bad_tracks_give_reasons_not_nan_or_panics() {
    let times: Vec<f64> = (0..40).map(|i| i as f64 / 30.0).collect();

    let empty = compute(&track_of(Vec::new(), &[]), &KinematicsOptions::default()).unwrap();
    assert!(empty
        .cannot_compute
        .as_deref()
        .unwrap()
        .contains("0 of 0 frames"));
    assert_all_refused(&empty, "frames show the torso");
    assert_no_nan(&empty);

    let (one, _) = figure(&walking_pose(0.0), 1.0, (1000.0, 800.0));
    let single = compute(
        &track_of(vec![Some(one)], &[0.0]),
        &KinematicsOptions::default(),
    )
    .unwrap();
    assert!(single
        .cannot_compute
        .as_deref()
        .unwrap()
        .contains("1 of 1 frames"));
    assert_all_refused(&single, "at least 5 are needed");
    assert_no_nan(&single);

    let unseen = compute(
        &track_of(vec![None; 40], &times),
        &KinematicsOptions::default(),
    )
    .unwrap();
    assert_all_refused(&unseen, "0 of 40 frames");
    assert_no_nan(&unseen);

    let low_confidence: Vec<Option<Skeleton>> = times
        .iter()
        .map(|&t| {
            let (mut s, _) = figure(&walking_pose(t), 1.0, (1000.0, 800.0));
            for k in s.points.iter_mut().flatten() {
                k.score = 0.1;
            }
            Some(s)
        })
        .collect();
    let faint = compute(
        &track_of(low_confidence, &times),
        &KinematicsOptions::default(),
    )
    .unwrap();
    assert_all_refused(&faint, "0 of 40 frames show the torso");
    assert_no_nan(&faint);

    // Joints that are never seen: the rest is measured, the missing ones say so.
    let no_legs: Vec<Option<Skeleton>> = times
        .iter()
        .map(|&t| {
            let (mut s, _) = figure(&walking_pose(t), 1.0, (1000.0 + 100.0 * t, 800.0));
            for j in [
                Joint::LeftKnee,
                Joint::RightKnee,
                Joint::LeftHeel,
                Joint::RightHeel,
                Joint::LeftToe,
                Joint::RightToe,
            ] {
                s.set(j, None);
            }
            Some(s)
        })
        .collect();
    let legless = compute(&track_of(no_legs, &times), &KinematicsOptions::default()).unwrap();
    assert!(legless.cannot_compute.is_none());
    let knee = legless.angle("left_knee_flexion").unwrap();
    assert!(
        knee.cannot_compute
            .as_deref()
            .unwrap()
            .contains("missing keypoints: left_knee"),
        "{:?}",
        knee.cannot_compute
    );
    assert!(legless
        .angle("trunk")
        .unwrap()
        .values
        .iter()
        .all(Option::is_some));
    assert_no_nan(&legless);

    // Constant signals: a perfectly still subject is measured (constant angles)...
    let still = vec![Some(standing(540.0, 1500.0, 900.0, true)); 40];
    let k = compute(&track_of(still, &times), &KinematicsOptions::default()).unwrap();
    let trunk = &k.angle("trunk").unwrap().values;
    assert!(trunk.iter().all(|v| (v.unwrap() - 90.0).abs() < 1e-6));
    assert_no_nan(&k);
    // ...while every keypoint on one spot has no directions at all.
    let dot: Vec<Option<Skeleton>> = (0..40)
        .map(|_| {
            let mut s = Skeleton::default();
            for j in Joint::ALL {
                s.set(j, Some(Keypoint::new(500.0, 500.0, 0.9)));
            }
            Some(s)
        })
        .collect();
    let collapsed = compute(&track_of(dot, &times), &KinematicsOptions::default()).unwrap();
    assert_all_refused(&collapsed, "keypoints coincide");
    assert!(
        collapsed.calibration.metres_per_pixel.is_none()
            && collapsed.calibration.cannot_compute.is_some()
    );
    assert_no_nan(&collapsed);

    // Timestamps that go backwards are a bad input, not a panic.
    let (a, _) = figure(&walking_pose(0.0), 1.0, (1000.0, 800.0));
    let backwards = track_of(vec![Some(a.clone()), Some(a)], &[1.0, 0.5]);
    assert!(matches!(
        compute(&backwards, &KinematicsOptions::default()),
        Err(ugoki::Error::BadInput { .. })
    ));
}
