//! Forward bend from a side view: total flexion, its hip part and spinal part, their ratio and
//! rhythm, and the back's shape.
//!
//! Per frame (see [`super::outline`] for the back outline):
//! - trunk inclination θ: mid-hip → mid-shoulder from the vertical, forward positive;
//! - thigh inclination τ: knee → hip of the leg nearer the camera (the right leg of a
//!   subject facing right);
//! - pelvis inclination β: the mean of the back outline's local slopes at f = 0.05 and 0.15
//!   of the trunk axis (the lower back over the sacrum, which follows the pelvis);
//! - **hip part** = (β − τ) − standing: the pelvis on the thigh;
//! - **spinal part** = 2·((θ − β) − standing): how far the spine bends over the pelvis. The
//!   hip-to-shoulder chord of a uniformly bending spine turns by half the bend relative to its
//!   base, hence the factor 2 (on synthetic clips the chord alone read about half the scripted
//!   lumbar + thoracic flexion). It includes thoracic as well as lumbar flexion: one camera's
//!   outline cannot separate them, so the documents' "do not round the low back" (004 §3-2,
//!   H3) is judged from the spinal part and the back shape together, never from the spinal
//!   part alone;
//! - **total** = hip part + spinal part: the thorax on the thigh, relative to standing (the
//!   trunk–thigh angle θ − τ of the chord under-reads it by half the spinal part);
//! - **hip:spine ratio** = hip part / spinal part (when the spinal part is at least 2°);
//! - **back-shape curve angle**: absolute, not relative to standing (see
//!   [`super::outline::BackOutline::curve_angle_deg`]).
//!
//! The fractions 0.05/0.15 and the factor 2 were chosen on synthetic clips of two bodies
//! (`docs/validation.md` also reports a third body that took no part in the choice).
//!
//! "Standing" is the median over the least-flexed tenth of the frames (at least three).
//! Outline-based series are smoothed with a 5-frame running median against single-frame mask
//! glitches. Frames outside a side-view pass, with an unreliable mask or with an incomplete
//! outline have no value and are counted by reason.

use super::back_shape::{classify_bends, BackShapeThresholds, Bend};
use super::mask::{quality, subject_region, SubjectMasker};
use super::outline::{trace, BackOutline};
use super::rhythm::{rhythm, RhythmBin};
use super::sagittal::{point, segment_inclination_deg, Point};
use super::series::{median, running_median, Series};
use super::MEASURE_SCHEMA_VERSION;
use crate::error::Result;
use crate::kinematics::view::View;
use crate::kinematics::Kinematics;
use crate::skeleton::Joint;
use crate::text;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The fractions of the trunk axis whose mean back slope stands for the pelvis.
pub const PELVIS_FRACTIONS: [f64; 2] = [0.05, 0.15];
/// The hip-to-shoulder chord turns by 1/SPINE_CHORD_FACTOR of a uniform spinal bend.
pub const SPINE_CHORD_FACTOR: f64 = 2.0;
/// Smallest spinal part that gets a hip:spine ratio, degrees.
pub const MIN_SPINAL_FOR_RATIO_DEG: f64 = 2.0;
/// Share of the frames that make the standing reference.
const STANDING_SHARE: f64 = 0.1;

/// What the spinal part is, in the output's words.
pub const SPINAL_PART_NOTE: &str = "spinal_part = 2 × (trunk chord − pelvis surface angle), relative to standing (= total flexion − hip part): it includes thoracic as well as lumbar flexion; the documents' 'do not round or arch the low back' (004 §3-2 H3) is judged from the spinal part and the back shape together";

/// Settings of the forward-bend measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForwardBendOptions {
    /// ONNX Runtime intra-op threads for the mask model. Default 1: on a 2-core machine one
    /// thread was faster for this small model (`cargo bench --bench spine`: 11.9 ms against
    /// 15.0 ms per frame for mask and outline).
    pub threads: Option<usize>,
    /// Masks scoring below this (coverage × crispness) are not used.
    pub min_mask_quality: f64,
    /// Keypoints below this confidence do not count for the mask's coverage.
    pub min_keypoint_score: f64,
    pub back_shape: BackShapeThresholds,
}

impl Default for ForwardBendOptions {
    fn default() -> Self {
        ForwardBendOptions {
            threads: None,
            min_mask_quality: 0.5,
            min_keypoint_score: 0.3,
            back_shape: BackShapeThresholds::default(),
        }
    }
}

/// The standing posture every relative angle is measured from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandingReference {
    /// Frames used (the least-flexed tenth).
    pub frames: usize,
    /// Their trunk–thigh angle θ − τ, degrees (ideally near 0).
    pub trunk_thigh_deg: f64,
    /// Their pelvis–thigh angle β − τ, degrees.
    pub pelvis_thigh_deg: f64,
    /// Their trunk–pelvis angle θ − β, degrees.
    pub trunk_pelvis_deg: f64,
}

/// One frame's traced back in image pixels, for drawing (the annotated video).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackLine {
    /// The back points, bottom to top.
    pub points: Vec<[f64; 2]>,
    /// The pelvis surface tangent whose inclination is β: a segment through the back point at
    /// the mean of [`PELVIS_FRACTIONS`], 0.4 trunk lengths long.
    pub pelvis_tangent: [[f64; 2]; 2],
}

/// Everything the forward-bend measurement found. Per-frame series follow the kinematics'
/// frames (`times_s`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForwardBend {
    pub schema_version: u32,
    pub times_s: Vec<f64>,
    /// Mask method, e.g. "MediaPipe Selfie Segmentation on a square crop around the subject".
    pub mask_method: String,
    /// Mask quality per frame, 0..1 (0 where no mask was made).
    pub mask_quality: Vec<f64>,
    /// The traced back per frame, where an outline was accepted.
    pub back_lines: Vec<Option<BackLine>>,
    pub trunk_inclination: Series,
    pub thigh_inclination: Series,
    pub total_flexion: Series,
    pub hip_part: Series,
    pub spinal_part: Series,
    /// hip part / spinal part.
    pub hip_spine_ratio: Series,
    pub back_curve: Series,
    pub standing: Option<StandingReference>,
    /// Lumbopelvic rhythm per trunk-angle bin.
    pub rhythm: Vec<RhythmBin>,
    /// Each bend past the flexion threshold and its back shape.
    pub bends: Vec<Bend>,
    /// How to read the spinal part.
    pub notes: Vec<Text>,
    /// Set when nothing could be assessed: why (e.g. "not a side view").
    pub cannot_assess: Option<Text>,
}

/// Per-frame outline measurements before smoothing.
#[derive(Debug, Clone)]
struct OutlineFrame {
    back_inclination: Option<f64>,
    curve: Option<f64>,
    confidence: f64,
    line: Option<BackLine>,
}

fn back_line(outline: &BackOutline) -> Option<BackLine> {
    let f = PELVIS_FRACTIONS.iter().sum::<f64>() / PELVIS_FRACTIONS.len() as f64;
    let (at, along) = outline.tangent_at(f)?;
    let half = 0.2 * outline.length;
    Some(BackLine {
        points: outline
            .image_points()
            .into_iter()
            .map(|(x, y)| [x, y])
            .collect(),
        pelvis_tangent: [
            [at.0 - half * along.0, at.1 - half * along.1],
            [at.0 + half * along.0, at.1 + half * along.1],
        ],
    })
}

/// The facing the clip's side-view passes agree on (confidence-weighted vote), for a side-view
/// pass that has no facing cue of its own: a subject doing a set of hinges in place does not
/// turn round between passes.
fn clip_facing(kinematics: &Kinematics) -> Option<f64> {
    let vote: f64 = kinematics
        .passes
        .iter()
        .filter(|p| p.view.view == View::Side)
        .filter_map(|p| {
            let facing = p.view.facing?;
            Some(facing.sign() * p.facing_confidence * (p.end - p.start) as f64)
        })
        .sum();
    (vote != 0.0).then_some(vote.signum())
}

/// The frame's facing sign, or why the frame is outside the measurement's reach.
fn view_refusal(
    kinematics: &Kinematics,
    i: usize,
    clip_facing: Option<f64>,
) -> std::result::Result<f64, Text> {
    let Some(pass) = kinematics.pass_at(i) else {
        return Err(text!(
            "cannot assess: subject not seen",
            "評価不可: 対象者が映っていません"
        ));
    };
    let view = &pass.view;
    if view.view != View::Side {
        let (yaw, yaw_ja) = view.yaw_deg.map_or((String::new(), String::new()), |y| {
            (format!(", yaw {y:.0}°"), format!("、ヨー角 {y:.0}°"))
        });
        let (name, why, name_ja, why_ja) = match view.view {
            View::Oblique => (
                "oblique",
                "an oblique view measures the flank, not the spine",
                "斜めからの撮影",
                "斜めからでは背骨ではなく脇腹の輪郭を測ることになります",
            ),
            View::Front => (
                "front",
                "a front view shows no back outline",
                "正面からの撮影",
                "正面からは背中の輪郭が見えません",
            ),
            View::Back => (
                "back",
                "a back view shows no back outline",
                "後方からの撮影",
                "後方からは背中の輪郭が見えません",
            ),
            _ => (
                "unknown",
                "the view could not be determined",
                "撮影方向が不明",
                "撮影方向を判定できませんでした",
            ),
        };
        return Err(text!(
            "cannot assess: not a side view ({name} view{yaw}; {why})",
            "評価不可: 側方からの撮影ではありません（{name_ja}{yaw_ja}。{why_ja}）"
        ));
    }
    match view.facing.map(|f| f.sign()).or(clip_facing) {
        Some(sign) => Ok(sign),
        None => Err(text!(
            "cannot assess: facing direction unknown in this side view",
            "評価不可: 側方からの撮影ですが、体が左右どちらを向いているかわかりません"
        )),
    }
}

fn all_points(kinematics: &Kinematics, i: usize) -> Vec<Point> {
    Joint::ALL
        .iter()
        .filter_map(|j| point(kinematics, j.name(), i))
        .collect()
}

/// The hip and knee nearer the camera: a subject facing right (+x) in a side view shows the
/// camera their right side, facing left their left side. The far leg's keypoints are the
/// model's guesses behind the near leg.
fn near_thigh(facing_sign: f64) -> (Joint, Joint) {
    if facing_sign > 0.0 {
        (Joint::RightHip, Joint::RightKnee)
    } else {
        (Joint::LeftHip, Joint::LeftKnee)
    }
}

/// One frame's back, traced while the video was captured (`ugoki live`).
#[derive(Debug, Clone)]
pub struct TracedBack {
    outline: std::result::Result<OutlineFrame, Text>,
    mask_quality: f64,
    /// The facing the outline was traced for (+1 facing +x).
    facing_sign: f64,
}

/// Where the forward bend's back outlines come from.
#[derive(Debug, Clone, Copy)]
pub enum BackOutlines<'a> {
    /// Decode this video and trace every side-view frame.
    Video(&'a str),
    /// Already traced, by frame index (`ugoki live` traces each frame as it comes).
    Traced(&'a HashMap<usize, TracedBack>),
}

/// The points the tracing needs in one frame.
struct FramePoints {
    hip: Option<Point>,
    neck: Option<Point>,
    all: Vec<Point>,
    /// Shoulders and hips.
    torso: Vec<Point>,
}

const TORSO: [Joint; 4] = [
    Joint::LeftShoulder,
    Joint::RightShoulder,
    Joint::LeftHip,
    Joint::RightHip,
];

impl FramePoints {
    fn of_kinematics(kinematics: &Kinematics, i: usize) -> FramePoints {
        FramePoints {
            hip: point(kinematics, "mid_hip", i),
            neck: point(kinematics, "neck", i),
            all: all_points(kinematics, i),
            torso: TORSO
                .iter()
                .filter_map(|j| point(kinematics, j.name(), i))
                .collect(),
        }
    }

    fn torso(&self, min_confidence: f64) -> Vec<Point> {
        self.torso
            .iter()
            .copied()
            .filter(|p| p.confidence >= min_confidence)
            .collect()
    }
}

/// Track position of each frame index.
fn positions(kinematics: &Kinematics) -> HashMap<usize, usize> {
    kinematics
        .frame_indices
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, i))
        .collect()
}

/// Traces the backs of frames kept while the video was captured (`ugoki live` keeps each
/// frame until its filtered keypoints have settled), exactly as [`measure_forward_bend`]
/// traces a video's frames: same crop, points and facing. Frames outside a side-view pass are
/// left out.
pub fn trace_frames<'a>(
    kinematics: &Kinematics,
    frames: impl IntoIterator<Item = (usize, &'a opencv::core::Mat)>,
    masker: &mut SubjectMasker,
    options: &ForwardBendOptions,
) -> Result<HashMap<usize, TracedBack>> {
    let clip = clip_facing(kinematics);
    let position = positions(kinematics);
    let mut traced = HashMap::new();
    for (index, image) in frames {
        let Some(&i) = position.get(&index) else {
            continue;
        };
        let Ok(facing_sign) = view_refusal(kinematics, i, clip) else {
            continue;
        };
        let mut mask_quality = 0.0;
        let outline = outline_frame(
            &FramePoints::of_kinematics(kinematics, i),
            facing_sign,
            image,
            masker,
            options,
            &mut mask_quality,
        )?;
        traced.insert(
            index,
            TracedBack {
                outline,
                mask_quality,
                facing_sign,
            },
        );
    }
    Ok(traced)
}

/// Measures a forward bend, whose subject `kinematics` describes, on the back outlines of
/// `outlines` (a video is decoded once, with the mask model run only on side-view frames).
/// Errors only when the model or the video cannot be opened or decoded; an unsuitable clip
/// gives a result whose `cannot_assess` says why.
pub fn measure_forward_bend(
    outlines: BackOutlines,
    kinematics: &Kinematics,
    options: &ForwardBendOptions,
) -> Result<ForwardBend> {
    let n = kinematics.times_s.len();
    let facing: Vec<std::result::Result<f64, Text>> = {
        let clip = clip_facing(kinematics);
        (0..n).map(|i| view_refusal(kinematics, i, clip)).collect()
    };
    let mut outline_frames: Vec<std::result::Result<OutlineFrame, Text>> = facing
        .iter()
        .map(|f| match f {
            Ok(_) => Err(text!(
                "cannot assess: frame not decoded",
                "評価不可: このフレームを読み込めませんでした"
            )),
            Err(reason) => Err(reason.clone()),
        })
        .collect();
    let mut mask_quality = vec![0.0; n];
    match outlines {
        BackOutlines::Video(video) if facing.iter().any(|f| f.is_ok()) => {
            let position = positions(kinematics);
            let threads = options
                .threads
                .unwrap_or_else(crate::runtime::default_threads);
            let mut masker = SubjectMasker::load(threads)?;
            let mut source = crate::source::open(video)?;
            while let Some(frame) = source.next_frame()? {
                let Some(&i) = position.get(&frame.index) else {
                    continue;
                };
                let Ok(facing_sign) = facing[i] else { continue };
                outline_frames[i] = outline_frame(
                    &FramePoints::of_kinematics(kinematics, i),
                    facing_sign,
                    &frame.image,
                    &mut masker,
                    options,
                    &mut mask_quality[i],
                )?;
            }
        }
        BackOutlines::Video(_) => {}
        BackOutlines::Traced(traced) => {
            for (i, index) in kinematics.frame_indices.iter().enumerate() {
                let (Ok(facing_sign), Some(t)) = (&facing[i], traced.get(index)) else {
                    continue;
                };
                mask_quality[i] = t.mask_quality;
                outline_frames[i] = if t.facing_sign == *facing_sign {
                    t.outline.clone()
                } else {
                    Err(text!(
                        "cannot assess: traced for the other facing direction",
                        "評価不可: 逆の向きとして輪郭を抽出したフレームです"
                    ))
                };
            }
        }
    }
    Ok(assemble(
        kinematics,
        outline_frames,
        mask_quality,
        &facing,
        options,
    ))
}

fn outline_frame(
    points: &FramePoints,
    facing_sign: f64,
    image: &opencv::core::Mat,
    masker: &mut SubjectMasker,
    options: &ForwardBendOptions,
    mask_quality: &mut f64,
) -> Result<std::result::Result<OutlineFrame, Text>> {
    let (Some(hip), Some(shoulder)) = (points.hip, points.neck) else {
        return Ok(Err(hips_or_shoulders_unseen()));
    };
    let Some(region) = subject_region(&points.all) else {
        return Ok(Err(text!(
            "cannot assess: subject too small",
            "評価不可: 対象者が小さく映りすぎています"
        )));
    };
    let mask = masker.mask(image, &region)?;
    let q = quality(&mask, &points.torso(options.min_keypoint_score)).score();
    *mask_quality = q;
    if q < options.min_mask_quality {
        let min = options.min_mask_quality;
        return Ok(Err(text!(
            "cannot assess: mask unreliable (quality below {min})",
            "評価不可: 人物マスクが不確かです（品質が {min} 未満）"
        )));
    }
    Ok(match trace(&mask, hip, shoulder, facing_sign) {
        Ok(outline) => Ok(OutlineFrame {
            back_inclination: PELVIS_FRACTIONS
                .iter()
                .map(|f| outline.back_inclination_deg(*f))
                .sum::<Option<f64>>()
                .map(|sum| sum / PELVIS_FRACTIONS.len() as f64),
            curve: outline.curve_angle_deg(),
            confidence: q * hip.confidence.min(shoulder.confidence),
            line: back_line(&outline),
        }),
        Err(rejection) => Err(rejection
            .describe()
            .after(&text!("cannot assess: ", "評価不可: "))),
    })
}

fn assemble(
    kinematics: &Kinematics,
    outline_frames: Vec<std::result::Result<OutlineFrame, Text>>,
    mask_quality: Vec<f64>,
    facing: &[std::result::Result<f64, Text>],
    options: &ForwardBendOptions,
) -> ForwardBend {
    let n = kinematics.times_s.len();
    let back_lines: Vec<Option<BackLine>> = outline_frames
        .iter()
        .map(|o| o.as_ref().ok().and_then(|o| o.line.clone()))
        .collect();
    let mut trunk = Series::new(
        "trunk_inclination",
        "deg",
        "mid_hip→neck from the vertical, forward positive",
        n,
    );
    let mut thigh = Series::new(
        "thigh_inclination",
        "deg",
        "knee→hip of the leg nearer the camera (the right leg when facing right) from the vertical, forward positive",
        n,
    );
    let mut back = Series::new("back_inclination", "deg", "", n);
    let mut curve_raw = Series::new("back_curve", "deg", "", n);
    for i in 0..n {
        let sign = match &facing[i] {
            Ok(s) => *s,
            Err(reason) => {
                for s in [&mut trunk, &mut thigh, &mut back, &mut curve_raw] {
                    s.miss(i, reason);
                }
                continue;
            }
        };
        match (
            point(kinematics, "mid_hip", i),
            point(kinematics, "neck", i),
        ) {
            (Some(h), Some(s)) => trunk.set(
                i,
                segment_inclination_deg(h, s, sign),
                h.confidence.min(s.confidence),
            ),
            _ => trunk.miss(i, &hips_or_shoulders_unseen()),
        }
        let (hip_joint, knee_joint) = near_thigh(sign);
        match (
            point(kinematics, knee_joint.name(), i),
            point(kinematics, hip_joint.name(), i),
        ) {
            (Some(k), Some(h)) => thigh.set(
                i,
                segment_inclination_deg(k, h, sign),
                k.confidence.min(h.confidence),
            ),
            _ => thigh.miss(
                i,
                &text!(
                    "cannot assess: thigh (hip and knee) not seen",
                    "評価不可: 太もも（股関節と膝）が見えません"
                ),
            ),
        }
        match &outline_frames[i] {
            Ok(o) => {
                match o.back_inclination {
                    Some(b) => back.set(i, b, o.confidence),
                    None => back.miss(
                        i,
                        &text!(
                            "cannot assess: back slope undefined",
                            "評価不可: 背中の傾きが定まりません"
                        ),
                    ),
                }
                match o.curve {
                    Some(c) => curve_raw.set(i, c, o.confidence),
                    None => curve_raw.miss(
                        i,
                        &text!(
                            "cannot assess: back curve undefined",
                            "評価不可: 背中の曲がりが定まりません"
                        ),
                    ),
                }
            }
            Err(reason) => {
                back.miss(i, reason);
                curve_raw.miss(i, reason);
            }
        }
    }
    let back_values = running_median(&back.values, 2);
    let curve_values = running_median(&curve_raw.values, 2);
    let mut back_curve = Series::new(
        "back_curve",
        "deg",
        "signed mean offset m of the back outline (f 0.1–0.9 of mid_hip→neck) from its chord c, as 2·atan(6m/c); + rounded (kyphotic), − hollow (lordotic); absolute, not relative to standing; 5-frame running median",
        n,
    );
    back_curve.missing = curve_raw.missing.clone();
    for (i, value) in curve_values.iter().enumerate() {
        if let Some(c) = value {
            back_curve.set(i, *c, curve_raw.confidence[i]);
        }
    }

    let trunk_thigh: Vec<Option<f64>> = (0..n)
        .map(|i| Some(trunk.values[i]? - thigh.values[i]?))
        .collect();
    let pelvis_thigh: Vec<Option<f64>> = (0..n)
        .map(|i| Some(back_values[i]? - thigh.values[i]?))
        .collect();
    let trunk_pelvis: Vec<Option<f64>> = (0..n)
        .map(|i| Some(trunk.values[i]? - back_values[i]?))
        .collect();
    let standing = standing_reference(&trunk_thigh, &pelvis_thigh, &trunk_pelvis);

    let mut total = Series::new(
        "total_flexion",
        "deg",
        "thorax on thigh relative to standing: hip part + spinal part",
        n,
    );
    let mut hip = Series::new(
        "hip_part",
        "deg",
        format!("pelvic–femoral flexion: mean back-outline slope at f = {PELVIS_FRACTIONS:?} of mid_hip→neck minus thigh inclination, relative to standing"),
        n,
    );
    let mut spinal = Series::new("spinal_part", "deg", SPINAL_PART_NOTE, n);
    let mut ratio = Series::new(
        "hip_spine_ratio",
        "ratio",
        format!(
            "hip part / spinal part, where the spinal part is at least {MIN_SPINAL_FOR_RATIO_DEG}°"
        ),
        n,
    );
    for i in 0..n {
        let Some(reference) = &standing else {
            let reason = facing[i]
                .as_ref()
                .err()
                .cloned()
                .or_else(|| back.main_missing_reason().cloned())
                .unwrap_or_else(|| {
                    text!(
                        "cannot assess: no standing reference",
                        "評価不可: 立位の基準となるフレームがありません"
                    )
                });
            for s in [&mut total, &mut hip, &mut spinal, &mut ratio] {
                s.miss(i, &reason);
            }
            continue;
        };
        let (Some(p), Some(c)) = (pelvis_thigh[i], trunk_pelvis[i]) else {
            let reason = first_reason(&[&trunk, &thigh, &back], i);
            for s in [&mut total, &mut hip, &mut spinal, &mut ratio] {
                s.miss(i, &reason);
            }
            continue;
        };
        let confidence = trunk.confidence[i]
            .min(thigh.confidence[i])
            .min(back.confidence[i]);
        let h = p - reference.pelvis_thigh_deg;
        let sp = SPINE_CHORD_FACTOR * (c - reference.trunk_pelvis_deg);
        hip.set(i, h, confidence);
        spinal.set(i, sp, confidence);
        total.set(i, h + sp, confidence);
        if sp >= MIN_SPINAL_FOR_RATIO_DEG {
            ratio.set(i, h / sp, confidence);
        } else {
            ratio.miss(
                i,
                &text!(
                    "spinal part under {MIN_SPINAL_FOR_RATIO_DEG}°: no meaningful ratio",
                    "脊柱部分が {MIN_SPINAL_FOR_RATIO_DEG}° 未満のため、比は意味を持ちません"
                ),
            );
        }
    }
    let rhythm = rhythm(&trunk.values, &hip.values, &spinal.values);
    let curve_reason = back_curve
        .main_missing_reason()
        .cloned()
        .unwrap_or_else(|| text!("no back outline", "背中の輪郭がありません"));
    let bends = classify_bends(
        &kinematics.times_s,
        &total.values,
        &spinal.values,
        &back_curve.values,
        &curve_reason,
        &options.back_shape,
    );
    let cannot_assess = (back_curve.count() == 0).then(|| {
        back_curve
            .main_missing_reason()
            .cloned()
            .unwrap_or_else(|| {
                text!(
                    "cannot assess: the clip has no frames",
                    "評価不可: 動画にフレームがありません"
                )
            })
    });
    ForwardBend {
        schema_version: MEASURE_SCHEMA_VERSION,
        times_s: kinematics.times_s.clone(),
        mask_method: "MediaPipe Selfie Segmentation on a square crop (1.3 × the keypoint box) around the tracked subject; quality = torso keypoints inside the mask × share of sure cells".into(),
        mask_quality,
        back_lines,
        trunk_inclination: trunk,
        thigh_inclination: thigh,
        total_flexion: total,
        hip_part: hip,
        spinal_part: spinal,
        hip_spine_ratio: ratio,
        back_curve,
        standing,
        rhythm,
        bends,
        notes: vec![spinal_part_note()],
        cannot_assess,
    }
}

fn first_reason(series: &[&Series], i: usize) -> Text {
    series
        .iter()
        .find(|s| s.values[i].is_none())
        .and_then(|s| s.main_missing_reason())
        .cloned()
        .unwrap_or_else(|| text!("cannot assess", "評価不可"))
}

fn hips_or_shoulders_unseen() -> Text {
    text!(
        "cannot assess: hips or shoulders not seen",
        "評価不可: 腰または肩が見えません"
    )
}

/// [`SPINAL_PART_NOTE`] in both languages, for the analysis notes.
pub fn spinal_part_note() -> Text {
    Text::new(
        SPINAL_PART_NOTE,
        "spinal_part（脊柱部分）= 2 ×（体幹の弦 − 骨盤面の角度）の立位との差（= 全体の屈曲 − 股関節部分）。胸椎の屈曲も腰椎の屈曲も含みます。資料の「腰を丸めず反らさず」（004 §3-2 H3）は、脊柱部分と背中の形を合わせて判定しています",
    )
}

/// The least-flexed tenth (by trunk–thigh angle) of the frames that have all three angles.
fn standing_reference(
    trunk_thigh: &[Option<f64>],
    pelvis_thigh: &[Option<f64>],
    trunk_pelvis: &[Option<f64>],
) -> Option<StandingReference> {
    let mut all: Vec<[f64; 3]> = (0..trunk_thigh.len())
        .filter_map(|i| Some([trunk_thigh[i]?, pelvis_thigh[i]?, trunk_pelvis[i]?]))
        .collect();
    if all.len() < 3 {
        return None;
    }
    all.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let count = ((all.len() as f64 * STANDING_SHARE).ceil() as usize).max(3);
    let least = &all[..count.min(all.len())];
    Some(StandingReference {
        frames: least.len(),
        trunk_thigh_deg: median(least.iter().map(|p| p[0]))?,
        pelvis_thigh_deg: median(least.iter().map(|p| p[1]))?,
        trunk_pelvis_deg: median(least.iter().map(|p| p[2]))?,
    })
}
