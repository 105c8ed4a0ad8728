//! The spine measurements the analyzers read: the forward bend (hip part, spinal part, their
//! rhythm and the back's shape, [`crate::kinematics::spine::measure_forward_bend`]) and the
//! thoracic rotation ([`crate::kinematics::spine::measure_rotation`]), carried next to the
//! [`Kinematics`] of the same clip.
//!
//! Only the movement that needs a measurement gets it: the forward bend runs a mask model on
//! every side-view frame (about 12 ms a frame), so it is made for the hip hinge and
//! sit-to-stand only, and the rotation for thoracic rotation only. Every other criterion that
//! would need one is "cannot assess" with the reason kept here.

use crate::error::Result;
use crate::kinematics::spine::{
    measure_forward_bend, measure_rotation, Assessment, BackOutlines, ForwardBend,
    ForwardBendOptions, Rotation, RotationOptions, Series,
};
use crate::kinematics::Kinematics;
use crate::text;
use crate::text::{Lang, Text};
use crate::track::PoseTrack;
use std::ops::RangeInclusive;

use super::Movement;

/// The spine measurements of one clip, each made or with the reason it was not.
#[derive(Debug, Clone, PartialEq)]
pub struct SpineMeasures {
    pub forward_bend: Assessment<ForwardBend>,
    pub rotation: Assessment<Rotation>,
}

impl SpineMeasures {
    /// Neither measurement, for `reason`.
    pub fn unmeasured(reason: Text) -> SpineMeasures {
        SpineMeasures {
            forward_bend: Assessment::CannotAssess(reason.clone()),
            rotation: Assessment::CannotAssess(reason),
        }
    }

    /// The measurements `movement` needs, from `track` (the kinematics' pose track) and, for
    /// the forward bend, the back `outlines` (`None` for a keypoint-track input without video).
    /// Errors only when the mask model or the video cannot be opened or decoded.
    pub fn for_movement(
        movement: Movement,
        kinematics: &Kinematics,
        track: &PoseTrack,
        outlines: Option<BackOutlines>,
        threads: Option<usize>,
    ) -> Result<SpineMeasures> {
        let not_for = |what: &str, what_ja: &str| {
            let (name, name_ja) = (movement.title(), movement.name(Lang::Ja));
            text!(
                "the {what} is not measured for {name}",
                "{name_ja}では{what_ja}を測定しません"
            )
        };
        Ok(match movement {
            Movement::Hinge | Movement::Sts => SpineMeasures {
                forward_bend: match outlines {
                    Some(outlines) => {
                        let options = ForwardBendOptions {
                            threads,
                            ..ForwardBendOptions::default()
                        };
                        Assessment::Assessed(measure_forward_bend(outlines, kinematics, &options)?)
                    }
                    None => Assessment::CannotAssess(text!(
                        "cannot assess: the input is a keypoint track (keypoints.json) without its video, and the back outline is traced on the video's frames; analyse the video itself",
                        "評価不可: 入力が動画のないキーポイントの記録（keypoints.json）です。背中の輪郭は動画のフレームから抽出するため、動画そのものを解析してください"
                    )),
                },
                rotation: Assessment::CannotAssess(not_for("rotation", "回旋")),
            },
            Movement::Rotation => SpineMeasures {
                forward_bend: Assessment::CannotAssess(not_for("forward bend", "前屈")),
                rotation: Assessment::Assessed(measure_rotation(
                    track,
                    kinematics,
                    &RotationOptions::default(),
                )),
            },
            Movement::Gait => SpineMeasures {
                forward_bend: Assessment::CannotAssess(text!(
                    "the spinal part in gait is not measured: on synthetic walks the back outline read it with 15° of noise, more than the 14° an arching back adds (docs/measurements.md)",
                    "歩行中の脊柱部分は測定しません: 合成した歩行では背中の輪郭による値に 15° のばらつきがあり、腰が反る誤りの 14° より大きいためです（docs/measurements.md）"
                )),
                rotation: Assessment::CannotAssess(not_for("rotation", "回旋")),
            },
        })
    }

    /// The forward bend, or why there is none (not measured, or refused for the whole clip).
    pub fn forward_bend(&self) -> std::result::Result<&ForwardBend, &Text> {
        match &self.forward_bend {
            Assessment::Assessed(b) => b.cannot_assess.as_ref().map_or(Ok(b), Err),
            Assessment::CannotAssess(reason) => Err(reason),
        }
    }

    /// The rotation measurement, even one that refused the whole clip, or why none was made.
    pub fn rotation_measurement(&self) -> std::result::Result<&Rotation, &Text> {
        match &self.rotation {
            Assessment::Assessed(r) => Ok(r),
            Assessment::CannotAssess(reason) => Err(reason),
        }
    }

    /// The rotation, or why there is none (not measured, or refused for the whole clip).
    pub fn rotation(&self) -> std::result::Result<&Rotation, &Text> {
        self.rotation_measurement()
            .and_then(|r| r.cannot_assess.as_ref().map_or(Ok(r), Err))
    }
}

/// The largest value of `series` over `range`, at its frame, with that frame's confidence; or
/// why there is none (the clip's most frequent reason for a missing value).
pub fn peak(
    series: &Series,
    range: RangeInclusive<usize>,
) -> std::result::Result<(usize, f64, f64), Text> {
    range
        .filter_map(|i| Some((i, series.values[i]?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, v)| (i, v, series.confidence[i]))
        .ok_or_else(|| {
            let name = &series.name;
            let why = series.why_missing();
            let (why, why_ja) = (&why.en, &why.ja);
            text!(
                "{name} not measured here ({why})",
                "ここでは {name} を測れていません（{why_ja}）"
            )
        })
}
