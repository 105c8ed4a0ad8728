//! Thoracic rotation relative to the pelvis, from one side-on camera (guided protocol).
//!
//! Method A (primary): with the camera side-on, a body line of true width W (shoulders or hips)
//! turned by θ from side-on shows a horizontal image extent dx = W·sin θ. So
//! θ = asin(clip(−f·dx / √(W² − dy²))), with dx, dy = left − right keypoint in pixels, f = +1
//! when the subject faces right (so + is a turn towards the subject's left), and √(W² − dy²)
//! removing the part of the width a sideways tilt puts into dy. W comes from a calibration
//! window where the subject faces the camera (protocol step 2), scaled frame by frame by the
//! trunk length (mid-hip to neck) over its calibration value so the subject may move nearer or
//! further. Angles are relative to a still side-on hold (protocol step 3): its median is
//! subtracted.
//!
//! Prototype accuracy (synthetic projection, 1.5 % keypoint noise): RMSE 2.4° shoulders, 2.9°
//! pelvis, 3.6° difference within ±60°; 5–8° beyond 60°, where asin flattens. There, and to
//! tell θ from 180° − θ, BlazePose world landmarks (when that model ran) give the yaw of each
//! line directly; their sign is checked against method A on the frames both measure well.
//!
//! Thoracic rotation = shoulder rotation − pelvis rotation: the shoulder girdle relative to the
//! pelvis, which includes the small lumbar rotation (one camera cannot separate them).
//!
//! Limits, stated rather than hidden: a front camera with widths (acos) gave 5–9° RMSE and no
//! usable sign near neutral, so it is refused; turns reaching 90° from side-on (e.g. the top of
//! a full golf backswing) are beyond what these models and one camera resolve and are refused
//! frame by frame; frames where a shoulder or hip is occluded (low keypoint score) or where the
//! world-landmark shoulders merge (arm across the chest) are flagged unreliable.

use super::sagittal::{point, Point};
use super::series::{median, Series};
use super::MEASURE_SCHEMA_VERSION;
use crate::kinematics::geometry::wrap_deg;
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::skeleton::Joint;
use crate::text;
use crate::text::Text;
use crate::track::PoseTrack;
use serde::{Deserialize, Serialize};

/// What `analyze` and `live` tell the user before a rotation test.
pub const ROTATION_PROTOCOL: [&str; 4] = [
    "Put the camera side-on to where you will stand or sit, at chest height, at least 3 m away.",
    "Face the camera, still, for 2 seconds (this measures your shoulder and hip widths).",
    "Turn side-on to the camera and hold still for 1 second (this is your neutral).",
    "Keeping the pelvis quiet, turn the upper body as far as is comfortable to each side, holding briefly at each end.",
];

/// Frontal keypoint widths over trunk length for adults, used only without a calibration
/// window (Drillis & Contini 1966, as in [`crate::kinematics::view`]).
const ASSUMED_SHOULDER_RATIO: f64 = 0.75;
const ASSUMED_HIP_RATIO: f64 = 0.5;
/// Why method A refuses a front or back view; BlazePose world yaw may still stand in.
pub fn not_side_on() -> Text {
    text!(
        "cannot assess: the camera is not side-on (front or back view) and no BlazePose world landmarks were given: a front camera cannot measure rotation reliably from 2-D keypoints",
        "評価不可: カメラが側方にありません（正面または後方からの撮影）。BlazePose のワールド座標もないため、正面のカメラでは 2 次元のキーポイントから回旋を正確には測れません"
    )
}
/// Confidence factor of world-yaw-only values (front camera): plausible but unvalidated.
const WORLD_ONLY_CONFIDENCE: f64 = 0.5;

/// Settings of the rotation measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RotationOptions {
    /// Keypoints below this confidence flag the frame unreliable.
    pub min_keypoint_score: f64,
    /// Shortest calibration window (facing the camera), seconds.
    pub min_calibration_s: f64,
    /// Shortest side-on neutral hold, seconds.
    pub min_neutral_s: f64,
    /// Beyond this (degrees) the world landmarks take over when present.
    pub world_above_deg: f64,
}

impl Default for RotationOptions {
    fn default() -> Self {
        RotationOptions {
            min_keypoint_score: 0.3,
            min_calibration_s: 1.0,
            min_neutral_s: 0.7,
            world_above_deg: 60.0,
        }
    }
}

/// A stretch of the clip used as a reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub start_s: f64,
    pub end_s: f64,
}

/// How close (seconds) to the clip's end a facing window must reach for the subject to have
/// faced the camera throughout.
const TO_THE_END_S: f64 = 0.5;

impl Window {
    /// Whether the subject still faces the camera this close to the clip's end: they never
    /// turned side-on, so the clip is a front view (a drill done facing the camera), not the
    /// side-on protocol.
    pub fn reaches_the_end(&self, times: &[f64]) -> bool {
        times
            .last()
            .is_some_and(|end| end - self.end_s <= TO_THE_END_S)
    }
}

/// The true widths method A divides by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Widths {
    /// The facing-the-camera window, or `None` when the widths are assumed.
    pub window: Option<Window>,
    pub shoulder_px: f64,
    pub hip_px: f64,
    /// Trunk length in the same frames; widths scale with the trunk length frame by frame.
    pub trunk_px: f64,
    pub method: String,
}

/// The largest turn to each side and their symmetry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SidePeaks {
    /// 95th percentile of the turns towards the subject's left, degrees (positive).
    pub left_deg: Option<f64>,
    /// 95th percentile of the turns towards the subject's right, degrees (positive).
    pub right_deg: Option<f64>,
    /// Smaller peak over larger, 0..1 (1 = symmetric).
    pub symmetry: Option<f64>,
}

/// Everything the rotation measurement found. Per-frame series follow the kinematics' frames;
/// positive angles are turns towards the subject's left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rotation {
    pub schema_version: u32,
    pub times_s: Vec<f64>,
    /// The guided protocol the measurement expects.
    pub protocol: Vec<String>,
    pub widths: Option<Widths>,
    /// The still side-on hold subtracted as neutral; `None` when the clip's median was used.
    pub neutral: Option<Window>,
    pub shoulder_rotation: Series,
    pub pelvis_rotation: Series,
    /// Shoulder rotation − pelvis rotation.
    pub thoracic_rotation: Series,
    /// Per frame: why the frame's values are less reliable, if they are.
    pub unreliable: Vec<Option<String>>,
    pub shoulder_peaks: SidePeaks,
    pub pelvis_peaks: SidePeaks,
    pub thoracic_peaks: SidePeaks,
    /// What this measurement cannot do, and what this clip lacked.
    pub limits: Vec<String>,
    /// Set when nothing could be assessed: why.
    pub cannot_assess: Option<Text>,
    /// The subject faced the camera where frames were refused (a front or back view, or a
    /// drill done facing the camera): there the turns can still be read from the head.
    #[serde(default)]
    pub faced_the_camera: bool,
}

struct Lines {
    shoulders: Option<(Point, Point)>,
    hips: Option<(Point, Point)>,
    trunk: Option<f64>,
}

fn lines(kinematics: &Kinematics, i: usize) -> Lines {
    let pair = |l: &str, r: &str| Some((point(kinematics, l, i)?, point(kinematics, r, i)?));
    let trunk = point(kinematics, "mid_hip", i)
        .zip(point(kinematics, "neck", i))
        .map(|(h, n)| h.distance(n))
        .filter(|t| *t > 0.0);
    Lines {
        shoulders: pair("left_shoulder", "right_shoulder"),
        hips: pair("left_hip", "right_hip"),
        trunk,
    }
}

/// Facing the camera: both lines wide against the trunk, the subject's left on the image's
/// right.
fn faces_camera(l: &Lines) -> bool {
    let (Some((ls, rs)), Some((lh, rh)), Some(t)) = (l.shoulders, l.hips, l.trunk) else {
        return false;
    };
    ls.x > rs.x
        && lh.x > rh.x
        && ls.distance(rs) / t >= 0.7 * ASSUMED_SHOULDER_RATIO
        && lh.distance(rh) / t >= 0.6 * ASSUMED_HIP_RATIO
}

/// Longest run of frames where `test` holds, if it lasts at least `min_s`.
fn longest_run(times: &[f64], test: impl Fn(usize) -> bool, min_s: f64) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = None;
    for i in 0..=times.len() {
        if i < times.len() && test(i) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let longer =
                best.is_none_or(|(bs, be)| times[i - 1] - times[s] > times[be - 1] - times[bs]);
            if times[i - 1] - times[s] >= min_s && longer {
                best = Some((s, i));
            }
        }
    }
    best
}

fn calibrate(kinematics: &Kinematics, all: &[Lines], options: &RotationOptions) -> Option<Widths> {
    let times = &kinematics.times_s;
    let (s, e) = longest_run(times, |i| faces_camera(&all[i]), options.min_calibration_s)?;
    let frames = &all[s..e];
    Some(Widths {
        window: Some(Window {
            start_s: times[s],
            end_s: times[e - 1],
        }),
        shoulder_px: median(
            frames
                .iter()
                .filter_map(|l| l.shoulders.map(|(a, b)| a.distance(b))),
        )?,
        hip_px: median(
            frames
                .iter()
                .filter_map(|l| l.hips.map(|(a, b)| a.distance(b))),
        )?,
        trunk_px: median(frames.iter().filter_map(|l| l.trunk))?,
        method: "medians over the longest window (≥ 1 s) facing the camera".into(),
    })
}

fn assumed_widths(all: &[Lines]) -> Option<Widths> {
    let trunk = median(all.iter().filter_map(|l| l.trunk))?;
    Some(Widths {
        window: None,
        shoulder_px: ASSUMED_SHOULDER_RATIO * trunk,
        hip_px: ASSUMED_HIP_RATIO * trunk,
        trunk_px: trunk,
        method: format!("assumed adult proportions (shoulders {ASSUMED_SHOULDER_RATIO}, hips {ASSUMED_HIP_RATIO} × trunk length): no window facing the camera was found"),
    })
}

/// The sine of the turn of a line of true width `width`, or `None` when the tilt exceeds it.
fn turn_sine(line: (Point, Point), width: f64, facing_sign: f64) -> Option<f64> {
    let (l, r) = line;
    let (dx, dy) = (l.x - r.x, l.y - r.y);
    let span = width * width - dy * dy;
    (span > 0.0).then(|| -facing_sign * dx / span.sqrt())
}

/// Yaw of the world-landmark line from `right` to `left` about the vertical, degrees.
fn world_yaw(world: &[Option<[f32; 3]>], left: Joint, right: Joint) -> Option<(f64, f64)> {
    let l = world.get(left.index()).copied().flatten()?;
    let r = world.get(right.index()).copied().flatten()?;
    let (dx, dz) = ((l[0] - r[0]) as f64, (l[2] - r[2]) as f64);
    let length = dx.hypot(dz);
    (length > 0.0).then(|| (dx.atan2(dz).to_degrees(), length))
}

fn peaks(values: &[Option<f64>]) -> SidePeaks {
    let percentile95 = |mut v: Vec<f64>| {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(v[((v.len() - 1) as f64 * 0.95).round() as usize])
    };
    let left = percentile95(
        values
            .iter()
            .flatten()
            .filter(|v| **v > 0.0)
            .copied()
            .collect(),
    );
    let right = percentile95(
        values
            .iter()
            .flatten()
            .filter(|v| **v < 0.0)
            .map(|v| -v)
            .collect(),
    );
    let symmetry = match (left, right) {
        (Some(a), Some(b)) if a.max(b) > 0.0 => Some(a.min(b) / a.max(b)),
        _ => None,
    };
    SidePeaks {
        left_deg: left,
        right_deg: right,
        symmetry,
    }
}

/// Measures shoulder, pelvis and thoracic rotation. `track` is the pose track the kinematics
/// came from (for raw keypoint scores and BlazePose world landmarks). Never fails: an
/// unsuitable clip gives a result whose `cannot_assess` says why.
pub fn measure_rotation(
    track: &PoseTrack,
    kinematics: &Kinematics,
    options: &RotationOptions,
) -> Rotation {
    let n = kinematics.times_s.len();
    let times = &kinematics.times_s;
    let all: Vec<Lines> = (0..n).map(|i| lines(kinematics, i)).collect();
    let mut limits = vec![
        "thoracic rotation = shoulder girdle relative to the pelvis; it includes the small lumbar rotation".to_string(),
        "a front camera gives no reliable 2-D rotation (no sign near neutral): there only BlazePose world yaw is reported, at half confidence, and it fails when an arm crosses the chest".to_string(),
        "turns of 90° or more from side-on (e.g. the top of a full golf backswing) are beyond one camera with these models and are refused".to_string(),
    ];
    let calibrated = calibrate(kinematics, &all, options);
    if calibrated.is_none() {
        limits.push("no 2-s window facing the camera: widths assumed from adult proportions, so angles are less accurate (follow the protocol)".into());
    }
    let widths = calibrated.or_else(|| assumed_widths(&all));
    let window = widths.as_ref().and_then(|w| w.window.as_ref());
    let calibration_end = window.map_or(f64::NEG_INFINITY, |w| w.end_s);
    let front_drill = window.is_some_and(|w| w.reaches_the_end(times));

    // A frame is measured when its pass is seen side-on (or obliquely) with a facing.
    let facing: Vec<Result<f64, Text>> = (0..n)
        .map(|i| {
            let Some(pass) = kinematics.pass_at(i) else {
                return Err(text!(
                    "cannot assess: subject not seen",
                    "評価不可: 対象者が映っていません"
                ));
            };
            match (pass.view.view, pass.view.facing.or(pass.facing)) {
                // A drill done facing the camera: its turns make the pass look oblique.
                (View::Side | View::Oblique, _) if front_drill => Err(not_side_on()),
                (View::Side | View::Oblique, _) if times[i] <= calibration_end => Err(text!(
                    "calibration window (facing the camera)",
                    "較正の時間帯（カメラの方を向いています）"
                )),
                (View::Side | View::Oblique, Some(f)) => Ok(f.sign()),
                (View::Side | View::Oblique, None) => Err(text!(
                    "cannot assess: facing direction unknown",
                    "評価不可: 体が左右どちらを向いているかわかりません"
                )),
                (View::Front | View::Back, _) => Err(not_side_on()),
                (View::Unknown, _) => Err(text!(
                    "cannot assess: view unknown",
                    "評価不可: 撮影方向が不明です"
                )),
            }
        })
        .collect();

    let mut unreliable: Vec<Option<String>> = vec![None; n];
    for (i, frame) in track.frames.iter().enumerate().take(n) {
        let occluded = frame.skeleton.as_ref().is_none_or(|s| {
            [
                Joint::LeftShoulder,
                Joint::RightShoulder,
                Joint::LeftHip,
                Joint::RightHip,
            ]
            .iter()
            .any(|j| s.confident(*j, options.min_keypoint_score as f32).is_none())
        });
        if occluded {
            unreliable[i] = Some(format!(
                "a shoulder or hip is occluded (keypoint score below {})",
                options.min_keypoint_score
            ));
        }
    }
    let world: Vec<Option<&Vec<Option<[f32; 3]>>>> = (0..n)
        .map(|i| track.frames.get(i).and_then(|f| f.world.as_ref()))
        .collect();
    let world_shoulder_median = median(world.iter().flatten().filter_map(|w| {
        world_yaw(w, Joint::LeftShoulder, Joint::RightShoulder).map(|(_, length)| length)
    }));
    for i in 0..n {
        let merged = world[i]
            .and_then(|w| world_yaw(w, Joint::LeftShoulder, Joint::RightShoulder))
            .zip(world_shoulder_median)
            .is_some_and(|((_, length), typical)| length < 0.6 * typical);
        if merged && unreliable[i].is_none() {
            unreliable[i] = Some("the shoulders merge (an arm across the chest?)".into());
        }
    }

    let Some(widths) = widths else {
        let empty = |name: &str| Series::new(name, "deg", "", n);
        return Rotation {
            schema_version: MEASURE_SCHEMA_VERSION,
            times_s: times.clone(),
            protocol: ROTATION_PROTOCOL.iter().map(|s| s.to_string()).collect(),
            widths: None,
            neutral: None,
            shoulder_rotation: empty("shoulder_rotation"),
            pelvis_rotation: empty("pelvis_rotation"),
            thoracic_rotation: empty("thoracic_rotation"),
            unreliable,
            shoulder_peaks: peaks(&[]),
            pelvis_peaks: peaks(&[]),
            thoracic_peaks: peaks(&[]),
            limits,
            cannot_assess: Some(text!(
                "cannot assess: the trunk is never seen",
                "評価不可: 体幹が一度も映っていません"
            )),
            faced_the_camera: false,
        };
    };

    let raw = |width: f64,
               pick: &dyn Fn(&Lines) -> Option<(Point, Point)>|
     -> Vec<Result<(f64, bool), Text>> {
        (0..n)
            .map(|i| {
                let sign = facing[i].clone()?;
                let l = &all[i];
                let (Some(line), Some(trunk)) = (pick(l), l.trunk) else {
                    return Err(text!(
                        "cannot assess: shoulders, hips or trunk not seen",
                        "評価不可: 肩、腰または体幹が見えません"
                    ));
                };
                let w = width * trunk / widths.trunk_px;
                let sine = turn_sine(line, w, sign).ok_or_else(|| {
                    text!(
                        "cannot assess: the line is tilted more than its width (lateral bend or keypoint error)",
                        "評価不可: 線の傾きがその幅を超えています（体の側屈か、キーポイントの誤り）"
                    )
                })?;
                Ok((sine.clamp(-1.0, 1.0).asin().to_degrees(), sine.abs() >= 1.0))
            })
            .collect()
    };
    let mut shoulder_raw = raw(widths.shoulder_px, &|l: &Lines| l.shoulders);
    let mut hip_raw = raw(widths.hip_px, &|l: &Lines| l.hips);

    // Neutral: the longest still side-on hold (both lines within 15° of side-on).
    let near_side_on =
        |v: &Result<(f64, bool), Text>| v.as_ref().is_ok_and(|(a, _)| a.abs() < 15.0);
    let neutral_run = longest_run(
        times,
        |i| near_side_on(&shoulder_raw[i]) && near_side_on(&hip_raw[i]),
        options.min_neutral_s,
    );
    let neutral = neutral_run.map(|(s, e)| Window {
        start_s: times[s],
        end_s: times[e - 1],
    });
    if neutral.is_none() {
        limits.push("no still side-on hold (≥ 0.7 s): neutral taken as the clip's median, so angles are relative to the average posture (follow the protocol)".into());
    }
    let neutral_range = neutral_run.unwrap_or((0, n));
    // Between facing the camera and the side-on hold the subject turns a quarter turn
    // (protocol step 3): that turn is not a rotation of the trunk over the pelvis.
    if let Some((hold_start, _)) = neutral_run {
        for i in (0..hold_start).filter(|&i| times[i] > calibration_end) {
            for raw in [&mut shoulder_raw[i], &mut hip_raw[i]] {
                *raw = Err(text!(
                    "turning side-on after the calibration (protocol step 3)",
                    "較正のあと、横向きに向き直っているところ（手順 3）"
                ));
            }
        }
    }

    let shoulders = line_rotation(
        "shoulder_rotation",
        &shoulder_raw,
        &world,
        (Joint::LeftShoulder, Joint::RightShoulder),
        neutral_range,
        &widths,
        &all,
        &unreliable,
        options,
    );
    let pelvis = line_rotation(
        "pelvis_rotation",
        &hip_raw,
        &world,
        (Joint::LeftHip, Joint::RightHip),
        neutral_range,
        &widths,
        &all,
        &unreliable,
        options,
    );
    let mut thoracic = Series::new(
        "thoracic_rotation",
        "deg",
        "shoulder rotation − pelvis rotation: the shoulder girdle relative to the pelvis (includes the small lumbar rotation)",
        n,
    );
    for i in 0..n {
        match (shoulders.values[i], pelvis.values[i]) {
            (Some(s), Some(p)) => {
                thoracic.set(i, s - p, shoulders.confidence[i].min(pelvis.confidence[i]))
            }
            (None, _) => thoracic.miss(i, &reason_at(&shoulder_raw[i])),
            (_, None) => thoracic.miss(i, &reason_at(&hip_raw[i])),
        }
    }
    let main_missing = shoulders.main_missing_reason();
    let faced_the_camera = main_missing == Some(&not_side_on());
    let cannot_assess = (shoulders.count() == 0).then(|| {
        main_missing
            .cloned()
            .unwrap_or_else(|| text!("cannot assess: no frames", "評価不可: フレームがありません"))
    });
    Rotation {
        schema_version: MEASURE_SCHEMA_VERSION,
        times_s: times.clone(),
        protocol: ROTATION_PROTOCOL.iter().map(|s| s.to_string()).collect(),
        shoulder_peaks: peaks(&shoulders.values),
        pelvis_peaks: peaks(&pelvis.values),
        thoracic_peaks: peaks(&thoracic.values),
        widths: Some(widths),
        neutral,
        shoulder_rotation: shoulders,
        pelvis_rotation: pelvis,
        thoracic_rotation: thoracic,
        unreliable,
        limits,
        cannot_assess,
        faced_the_camera,
    }
}

fn reason_at(raw: &Result<(f64, bool), Text>) -> Text {
    match raw {
        Err(reason) => reason.clone(),
        Ok(_) => text!(
            "cannot assess: turned 90° or more from side-on (e.g. the top of a golf backswing): beyond what one side-on camera measures",
            "評価不可: 横向きから 90° 以上回っています（ゴルフのバックスイングのトップなど）。側方のカメラ 1 台で測れる範囲を超えています"
        ),
    }
}

/// The lower confidence of a line's two keypoints.
fn world_line_confidence(lines: &Lines, shoulders: bool) -> f64 {
    let line = if shoulders {
        lines.shoulders
    } else {
        lines.hips
    };
    line.map_or(0.0, |(l, r)| l.confidence.min(r.confidence))
}

/// One body line's rotation per frame: method A, with the world yaw beyond its range.
#[allow(clippy::too_many_arguments)]
fn line_rotation(
    name: &str,
    raw: &[Result<(f64, bool), Text>],
    world: &[Option<&Vec<Option<[f32; 3]>>>],
    (left, right): (Joint, Joint),
    (neutral_start, neutral_end): (usize, usize),
    widths: &Widths,
    all: &[Lines],
    unreliable: &[Option<String>],
    options: &RotationOptions,
) -> Series {
    let n = raw.len();
    let angle: Vec<Option<f64>> = raw
        .iter()
        .map(|r| r.as_ref().ok().map(|(a, _)| *a))
        .collect();
    let zero = median((neutral_start..neutral_end).filter_map(|i| angle[i])).unwrap_or(0.0);

    // World yaw relative to its own neutral, sign matched to method A where both are good.
    let yaw: Vec<Option<f64>> = (0..n)
        .map(|i| {
            world[i]
                .and_then(|w| world_yaw(w, left, right))
                .map(|(y, _)| y)
        })
        .collect();
    let world_zero = median((neutral_start..neutral_end).filter_map(|i| yaw[i]));
    let relative: Vec<Option<f64>> = yaw
        .iter()
        .map(|y| Some(wrap_deg(world_zero? - (*y)?)))
        .collect();
    let agreement: f64 = (0..n)
        .filter_map(|i| {
            let a = angle[i]? - zero;
            (a.abs() < 45.0 && a.abs() > 5.0).then_some(a * relative[i]?)
        })
        .sum();
    let world_sign = if agreement < 0.0 { -1.0 } else { 1.0 };

    let method = format!(
        "method A: asin(−f·dx / √(W² − dy²)) of the {} line, W = {:.1} px × trunk length / {:.1} px ({}), minus the side-on neutral; BlazePose world yaw (relative to the same neutral) beyond ±{}° when present, and alone (confidence × 0.5) in a front view",
        if left == Joint::LeftShoulder { "shoulder" } else { "hip" },
        if left == Joint::LeftShoulder { widths.shoulder_px } else { widths.hip_px },
        widths.trunk_px,
        widths.method,
        options.world_above_deg
    );
    let mut series = Series::new(name, "deg", method, n);
    let base_confidence = if widths.window.is_some() { 1.0 } else { 0.5 };
    let front_view = not_side_on();
    for i in 0..n {
        let (a, clipped) = match (&raw[i], relative[i]) {
            (Ok(v), _) => *v,
            (Err(reason), Some(w)) if *reason == front_view && w.abs() < 90.0 => {
                let keypoints = world_line_confidence(&all[i], left == Joint::LeftShoulder);
                let flagged = if unreliable[i].is_some() { 0.5 } else { 1.0 };
                series.set(
                    i,
                    world_sign * w,
                    WORLD_ONLY_CONFIDENCE * keypoints * flagged,
                );
                continue;
            }
            (Err(reason), _) => {
                series.miss(i, reason);
                continue;
            }
        };
        let method_a = a - zero;
        let from_world = relative[i].map(|w| world_sign * w);
        let value = match from_world {
            Some(w) if clipped || method_a.abs() > options.world_above_deg => {
                if w.abs() >= 90.0 {
                    None
                } else {
                    Some(w)
                }
            }
            _ if clipped => None,
            _ => Some(method_a),
        };
        let Some(value) = value else {
            series.miss(i, &reason_at(&Ok((a, true))));
            continue;
        };
        let keypoints = all[i]
            .shoulders
            .map_or(0.0, |(l, r)| l.confidence.min(r.confidence))
            .min(
                all[i]
                    .hips
                    .map_or(0.0, |(l, r)| l.confidence.min(r.confidence)),
            );
        let beyond = if value.abs() > options.world_above_deg && from_world.is_none() {
            0.5
        } else {
            1.0
        };
        let flagged = if unreliable[i].is_some() { 0.5 } else { 1.0 };
        series.set(i, value, base_confidence * keypoints * beyond * flagged);
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point {
            x,
            y,
            confidence: 1.0,
        }
    }

    #[test]
    fn the_turn_sine_recovers_a_projected_turn_and_its_direction() {
        // Subject facing right, shoulders 40 px wide, turned 30° to their left: the left
        // shoulder, away from the camera, moves back (to -x) by 40·sin 30°.
        let w = 40.0;
        let theta: f64 = 30.0;
        let dx = -w * theta.to_radians().sin();
        let sine = turn_sine((p(100.0 + dx, 50.0), p(100.0, 50.0)), w, 1.0).unwrap();
        assert!((sine.asin().to_degrees() - 30.0).abs() < 1e-9);
        // Facing left, the same turn moves the left shoulder (now nearer the camera) to +x.
        let sine = turn_sine((p(100.0 - dx, 50.0), p(100.0, 50.0)), w, -1.0).unwrap();
        assert!((sine.asin().to_degrees() - 30.0).abs() < 1e-9);
        // A tilt (dy) shortens the horizontal width available: √(W² − dy²).
        let dy: f64 = 24.0;
        let span = (w * w - dy * dy).sqrt();
        let sine = turn_sine((p(100.0 - 0.5 * span, 50.0 + dy), p(100.0, 50.0)), w, 1.0).unwrap();
        assert!((sine - 0.5).abs() < 1e-9);
        assert!(turn_sine((p(100.0, 100.0), p(100.0, 50.0)), w, 1.0).is_none());
    }

    #[test]
    fn side_peaks_and_symmetry() {
        let values: Vec<Option<f64>> = (0..200)
            .map(|i| {
                Some(
                    40.0 * (i as f64 * 0.1).sin()
                        - 10.0 * ((i as f64 * 0.1).sin() < 0.0) as i32 as f64,
                )
            })
            .collect();
        let peaks = peaks(&values);
        assert!((peaks.left_deg.unwrap() - 40.0).abs() < 1.0, "{peaks:?}");
        assert!((peaks.right_deg.unwrap() - 50.0).abs() < 1.0, "{peaks:?}");
        assert!((peaks.symmetry.unwrap() - 0.8).abs() < 0.03);
    }

    #[test]
    fn the_longest_qualifying_run_is_chosen() {
        let times: Vec<f64> = (0..100).map(|i| i as f64 * 0.1).collect();
        let run = longest_run(
            &times,
            |i| (10..25).contains(&i) || (40..80).contains(&i),
            1.0,
        );
        assert_eq!(run, Some((40, 80)));
        assert_eq!(longest_run(&times, |i| (10..15).contains(&i), 1.0), None);
    }
}
