//! The check before a session starts: is the whole body in the picture, does the camera see
//! the movement from a side that can be measured, is there enough light. Each problem says
//! what to change.

use crate::kinematics::view::{shoulder_yaw_deg, FRONTAL_MAX_YAW, SIDE_MIN_YAW};
use crate::movement::Movement;
use crate::skeleton::{Joint, Skeleton};
use crate::text::Lang;
use serde::Serialize;

/// Keypoints below this confidence count as not seen.
const MIN_SCORE: f32 = 0.3;
/// The body must stay this share of the frame away from its edges.
const EDGE_MARGIN: f32 = 0.02;
/// Mean luma (0..255) below which the picture is too dark for the pose model.
const MIN_BRIGHTNESS: f64 = 45.0;

/// One thing to fix before starting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupProblem {
    NobodySeen,
    HeadOutOfFrame,
    FeetOutOfFrame,
    TurnSideOn,
    FaceTheCamera,
    TooDark,
}

impl SetupProblem {
    /// What to do about it.
    pub fn advice(self, lang: Lang) -> &'static str {
        use SetupProblem::*;
        match (self, lang) {
            (NobodySeen, Lang::En) => "Step into view: nobody is seen yet",
            (NobodySeen, Lang::Ja) => "カメラの前に立ってください（まだ映っていません）",
            (HeadOutOfFrame, Lang::En) => "Step back or tilt the camera: your head is cut off",
            (HeadOutOfFrame, Lang::Ja) => {
                "少し下がるかカメラの角度を変えてください（頭が切れています）"
            }
            (FeetOutOfFrame, Lang::En) => "Step back or tilt the camera: your feet are cut off",
            (FeetOutOfFrame, Lang::Ja) => {
                "少し下がるかカメラの角度を変えてください（足が切れています）"
            }
            (TurnSideOn, Lang::En) => "Turn side-on to the camera",
            (TurnSideOn, Lang::Ja) => "カメラに対して横向きに立ってください",
            (FaceTheCamera, Lang::En) => "Face the camera for 2 s, then turn side-on",
            (FaceTheCamera, Lang::Ja) => "まず2秒カメラの方を向き、それから横向きになってください",
            (TooDark, Lang::En) => "Add light: the picture is too dark",
            (TooDark, Lang::Ja) => "部屋をもう少し明るくしてください",
        }
    }
}

/// What is needed to see `movement` well: the side view for the sagittal movements; for the
/// thoracic rotation, facing the camera first (the width calibration of its protocol).
fn view_problem(movement: Movement, yaw_deg: f64) -> Option<SetupProblem> {
    match movement {
        Movement::Hinge | Movement::Sts | Movement::Gait => {
            (yaw_deg < SIDE_MIN_YAW).then_some(SetupProblem::TurnSideOn)
        }
        Movement::Rotation => (yaw_deg > FRONTAL_MAX_YAW).then_some(SetupProblem::FaceTheCamera),
    }
}

/// The problems seen in one frame (empty when everything is ready).
pub fn check(
    skeleton: Option<&Skeleton>,
    brightness: f64,
    width: u32,
    height: u32,
    movement: Movement,
) -> Vec<SetupProblem> {
    let mut problems = Vec::new();
    if brightness < MIN_BRIGHTNESS {
        problems.push(SetupProblem::TooDark);
    }
    let Some(s) = skeleton else {
        problems.push(SetupProblem::NobodySeen);
        return problems;
    };
    let (w, h) = (width as f32, height as f32);
    let inside = |j: Joint| {
        s.confident(j, MIN_SCORE).is_some_and(|k| {
            k.x >= w * EDGE_MARGIN
                && k.x <= w * (1.0 - EDGE_MARGIN)
                && k.y >= h * EDGE_MARGIN
                && k.y <= h * (1.0 - EDGE_MARGIN)
        })
    };
    let head = [
        Joint::Nose,
        Joint::LeftEar,
        Joint::RightEar,
        Joint::LeftEye,
        Joint::RightEye,
    ];
    if !head.into_iter().any(inside) {
        problems.push(SetupProblem::HeadOutOfFrame);
    }
    if !(inside(Joint::LeftAnkle) || inside(Joint::RightAnkle)) {
        problems.push(SetupProblem::FeetOutOfFrame);
    }
    let shoulders = s
        .confident(Joint::LeftShoulder, MIN_SCORE)
        .zip(s.confident(Joint::RightShoulder, MIN_SCORE));
    let trunk = s
        .midpoint(Joint::LeftShoulder, Joint::RightShoulder, 0.0)
        .zip(s.midpoint(Joint::LeftHip, Joint::RightHip, 0.0))
        .map(|(a, b)| a.distance(&b));
    if let (Some((l, r)), Some(trunk)) = (shoulders, trunk.filter(|t| *t > 1.0)) {
        let yaw = shoulder_yaw_deg(f64::from((l.x - r.x).abs() / trunk));
        problems.extend(view_problem(movement, yaw));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skeleton::Keypoint;

    /// A standing person 200 px tall in a 640×480 frame; `shoulder_width` in pixels (the
    /// trunk is 60 px).
    fn standing(shoulder_width: f32, top: f32) -> Skeleton {
        let mut s = Skeleton::default();
        let cx = 320.0;
        let put = |s: &mut Skeleton, j, x: f32, y: f32| s.set(j, Some(Keypoint::new(x, y, 0.9)));
        put(&mut s, Joint::Nose, cx, top);
        put(
            &mut s,
            Joint::LeftShoulder,
            cx + shoulder_width / 2.0,
            top + 30.0,
        );
        put(
            &mut s,
            Joint::RightShoulder,
            cx - shoulder_width / 2.0,
            top + 30.0,
        );
        put(&mut s, Joint::LeftHip, cx + 10.0, top + 90.0);
        put(&mut s, Joint::RightHip, cx - 10.0, top + 90.0);
        put(&mut s, Joint::LeftAnkle, cx + 10.0, top + 200.0);
        put(&mut s, Joint::RightAnkle, cx - 10.0, top + 200.0);
        s
    }

    #[test]
    fn a_side_on_person_in_frame_in_light_is_ready_for_a_hinge() {
        let s = standing(6.0, 100.0);
        assert!(check(Some(&s), 120.0, 640, 480, Movement::Hinge).is_empty());
    }

    #[test]
    fn each_problem_is_named() {
        let side = standing(6.0, 100.0);
        let front = standing(48.0, 100.0);
        assert_eq!(
            check(Some(&front), 120.0, 640, 480, Movement::Sts),
            vec![SetupProblem::TurnSideOn]
        );
        assert!(check(Some(&front), 120.0, 640, 480, Movement::Rotation).is_empty());
        assert_eq!(
            check(Some(&side), 120.0, 640, 480, Movement::Rotation),
            vec![SetupProblem::FaceTheCamera]
        );
        assert_eq!(
            check(Some(&standing(6.0, 2.0)), 120.0, 640, 480, Movement::Hinge),
            vec![SetupProblem::HeadOutOfFrame]
        );
        assert_eq!(
            check(
                Some(&standing(6.0, 300.0)),
                120.0,
                640,
                480,
                Movement::Hinge
            ),
            vec![SetupProblem::FeetOutOfFrame]
        );
        assert_eq!(
            check(None, 20.0, 640, 480, Movement::Gait),
            vec![SetupProblem::TooDark, SetupProblem::NobodySeen]
        );
    }
}
