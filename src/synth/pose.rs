//! Joint rotations → segment frames (forward kinematics), and the named anatomical points a
//! posed body carries.
//!
//! A `Pose` holds the pelvis's place in the world and, for every other joint, the rotation of the
//! distal segment's frame relative to the proximal one (identity = anatomical neutral). The
//! spine has three lumbar and three thoracic segments, each free to flex, bend and rotate.

use super::body::{Body, Side, SIDES};
use super::math::{Mat3, Vec3};
use crate::skeleton::Joint;

/// The rigid segments of the body, in the order of `Posed::frames`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Pelvis,
    /// Lumbar segment 0 (lowest) to 2 (ends at T12/L1).
    Lumbar(usize),
    /// Thoracic segment 0 (lowest) to 2 (ends at C7/T1).
    Thoracic(usize),
    Neck,
    Head,
    Thigh(Side),
    Shank(Side),
    Foot(Side),
    UpperArm(Side),
    Forearm(Side),
    Hand(Side),
}

/// Number of segments.
pub const SEGMENT_COUNT: usize = 21;

impl Segment {
    /// Every segment in frame order.
    pub fn all() -> [Segment; SEGMENT_COUNT] {
        use Segment::*;
        let (l, r) = (Side::Left, Side::Right);
        [
            Pelvis,
            Lumbar(0),
            Lumbar(1),
            Lumbar(2),
            Thoracic(0),
            Thoracic(1),
            Thoracic(2),
            Neck,
            Head,
            Thigh(l),
            Thigh(r),
            Shank(l),
            Shank(r),
            Foot(l),
            Foot(r),
            UpperArm(l),
            UpperArm(r),
            Forearm(l),
            Forearm(r),
            Hand(l),
            Hand(r),
        ]
    }

    /// Position in `Segment::all()`.
    pub fn index(self) -> usize {
        use Segment::*;
        match self {
            Pelvis => 0,
            Lumbar(i) => 1 + i,
            Thoracic(i) => 4 + i,
            Neck => 7,
            Head => 8,
            Thigh(s) => 9 + s.index(),
            Shank(s) => 11 + s.index(),
            Foot(s) => 13 + s.index(),
            UpperArm(s) => 15 + s.index(),
            Forearm(s) => 17 + s.index(),
            Hand(s) => 19 + s.index(),
        }
    }

    /// Name used in the ground-truth file.
    pub fn name(self) -> String {
        use Segment::*;
        match self {
            Pelvis => "pelvis".into(),
            Lumbar(i) => format!("lumbar_{i}"),
            Thoracic(i) => format!("thoracic_{i}"),
            Neck => "neck".into(),
            Head => "head".into(),
            Thigh(s) => format!("{}_thigh", s.name()),
            Shank(s) => format!("{}_shank", s.name()),
            Foot(s) => format!("{}_foot", s.name()),
            UpperArm(s) => format!("{}_upper_arm", s.name()),
            Forearm(s) => format!("{}_forearm", s.name()),
            Hand(s) => format!("{}_hand", s.name()),
        }
    }
}

/// A segment's frame in the world: its proximal joint and its orientation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub origin: Vec3,
    pub rotation: Mat3,
}

impl Frame {
    /// A point given in this frame, in world coordinates.
    pub fn point(&self, local: Vec3) -> Vec3 {
        self.origin + self.rotation * local
    }

    /// A direction given in this frame, in world coordinates.
    pub fn direction(&self, local: Vec3) -> Vec3 {
        self.rotation * local
    }
}

/// Joint rotations of the whole body plus the pelvis's world placement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    /// Midpoint of the hip joint centres, in the world.
    pub pelvis_position: Vec3,
    /// Pelvis orientation in the world.
    pub pelvis: Mat3,
    pub lumbar: [Mat3; 3],
    pub thoracic: [Mat3; 3],
    pub neck: Mat3,
    pub head: Mat3,
    /// Per side (left, right): thigh relative to pelvis.
    pub hip: [Mat3; 2],
    pub knee: [Mat3; 2],
    pub ankle: [Mat3; 2],
    /// Upper arm relative to the upper thoracic segment.
    pub shoulder: [Mat3; 2],
    pub elbow: [Mat3; 2],
    pub wrist: [Mat3; 2],
}

impl Pose {
    /// Standing in anatomical neutral with the hips at `pelvis_position`.
    pub fn neutral(pelvis_position: Vec3) -> Pose {
        let i = Mat3::IDENTITY;
        Pose {
            pelvis_position,
            pelvis: i,
            lumbar: [i; 3],
            thoracic: [i; 3],
            neck: i,
            head: i,
            hip: [i; 2],
            knee: [i; 2],
            ankle: [i; 2],
            shoulder: [i; 2],
            elbow: [i; 2],
            wrist: [i; 2],
        }
    }
}

/// Face feature offsets in the head frame (origin at the skull base), as fractions of height.
pub mod face {
    /// Centre of the cranium ellipsoid.
    pub const CRANIUM: [f64; 3] = [0.012, 0.032, 0.0];
    /// Cranium semi-axes (front-back, up-down, side-side).
    pub const CRANIUM_RADII: [f64; 3] = [0.058, 0.066, 0.047];
    /// Right eye centre (the left mirrors z).
    pub const EYE: [f64; 3] = [0.0625, 0.036, 0.019];
    /// Right ear centre.
    pub const EAR: [f64; 3] = [0.0, 0.028, 0.047];
    /// Tip of the nose.
    pub const NOSE_TIP: [f64; 3] = [0.077, 0.014, 0.0];
}

/// A body in one pose: every segment's world frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Posed {
    pub frames: [Frame; SEGMENT_COUNT],
    /// Height the offsets were scaled by.
    pub height: f64,
    body_offsets: Offsets,
}

/// The body dimensions landmarks need, copied so a `Posed` stands alone.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Offsets {
    heel_back: f64,
    toe_front: f64,
    ankle_height: f64,
    hand: f64,
}

/// Named anatomical points of a posed body (joint centres and surface landmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landmark {
    /// Spinal joints from L5/S1 (0) through T12/L1 (3) to C7/T1 (6).
    Spine(usize),
    /// Occipital condyles (head on neck).
    SkullBase,
    HeadTop,
    Nose,
    Eye(Side),
    Ear(Side),
    /// Glenohumeral joint centre.
    Shoulder(Side),
    Elbow(Side),
    Wrist(Side),
    Fingertip(Side),
    /// Hip joint centre.
    Hip(Side),
    Knee(Side),
    Ankle(Side),
    /// Back of the heel, a little above the sole.
    Heel(Side),
    /// Tip of the shoe.
    Toe(Side),
    /// Sole under the heel (floor contact).
    HeelSole(Side),
    /// Sole under the ball of the foot (floor contact).
    ToeSole(Side),
}

impl Landmark {
    /// Every landmark, in ground-truth order.
    pub fn all() -> Vec<Landmark> {
        let mut out: Vec<Landmark> = (0..7).map(Landmark::Spine).collect();
        out.extend([Landmark::SkullBase, Landmark::HeadTop, Landmark::Nose]);
        for make in [
            Landmark::Eye,
            Landmark::Ear,
            Landmark::Shoulder,
            Landmark::Elbow,
            Landmark::Wrist,
            Landmark::Fingertip,
            Landmark::Hip,
            Landmark::Knee,
            Landmark::Ankle,
            Landmark::Heel,
            Landmark::Toe,
            Landmark::HeelSole,
            Landmark::ToeSole,
        ] {
            out.extend(SIDES.map(make));
        }
        out
    }

    /// The landmarks that are not also canonical keypoints (spine, skull base, head top,
    /// fingertips, soles): with the keypoints, every point of the body.
    pub fn beyond_keypoints() -> Vec<Landmark> {
        let keypoints: Vec<Landmark> = Joint::ALL
            .iter()
            .map(|&j| Landmark::of_keypoint(j))
            .collect();
        Landmark::all()
            .into_iter()
            .filter(|l| !keypoints.contains(l))
            .collect()
    }

    /// Name used in the ground-truth file.
    pub fn name(self) -> String {
        use Landmark::*;
        const SPINE: [&str; 7] = [
            "l5_s1", "l4_l5", "l2_l3", "t12_l1", "t8_t9", "t4_t5", "c7_t1",
        ];
        match self {
            Spine(i) => SPINE[i].into(),
            SkullBase => "skull_base".into(),
            HeadTop => "head_top".into(),
            Nose => "nose".into(),
            Eye(s) => format!("{}_eye", s.name()),
            Ear(s) => format!("{}_ear", s.name()),
            Shoulder(s) => format!("{}_shoulder", s.name()),
            Elbow(s) => format!("{}_elbow", s.name()),
            Wrist(s) => format!("{}_wrist", s.name()),
            Fingertip(s) => format!("{}_fingertip", s.name()),
            Hip(s) => format!("{}_hip", s.name()),
            Knee(s) => format!("{}_knee", s.name()),
            Ankle(s) => format!("{}_ankle", s.name()),
            Heel(s) => format!("{}_heel", s.name()),
            Toe(s) => format!("{}_toe", s.name()),
            HeelSole(s) => format!("{}_heel_sole", s.name()),
            ToeSole(s) => format!("{}_toe_sole", s.name()),
        }
    }

    /// Where a pose model's keypoint sits on this body (COCO-17 + heels + toes).
    pub fn of_keypoint(joint: Joint) -> Landmark {
        use Side::{Left, Right};
        match joint {
            Joint::Nose => Landmark::Nose,
            Joint::LeftEye => Landmark::Eye(Left),
            Joint::RightEye => Landmark::Eye(Right),
            Joint::LeftEar => Landmark::Ear(Left),
            Joint::RightEar => Landmark::Ear(Right),
            Joint::LeftShoulder => Landmark::Shoulder(Left),
            Joint::RightShoulder => Landmark::Shoulder(Right),
            Joint::LeftElbow => Landmark::Elbow(Left),
            Joint::RightElbow => Landmark::Elbow(Right),
            Joint::LeftWrist => Landmark::Wrist(Left),
            Joint::RightWrist => Landmark::Wrist(Right),
            Joint::LeftHip => Landmark::Hip(Left),
            Joint::RightHip => Landmark::Hip(Right),
            Joint::LeftKnee => Landmark::Knee(Left),
            Joint::RightKnee => Landmark::Knee(Right),
            Joint::LeftAnkle => Landmark::Ankle(Left),
            Joint::RightAnkle => Landmark::Ankle(Right),
            Joint::LeftHeel => Landmark::Heel(Left),
            Joint::RightHeel => Landmark::Heel(Right),
            Joint::LeftToe => Landmark::Toe(Left),
            Joint::RightToe => Landmark::Toe(Right),
        }
    }
}

/// Forward kinematics: the world frame of every segment of `body` in `pose`.
pub fn pose_body(body: &Body, pose: &Pose) -> Posed {
    let mut frames = [Frame {
        origin: Vec3::ZERO,
        rotation: Mat3::IDENTITY,
    }; SEGMENT_COUNT];
    let pelvis = Frame {
        origin: pose.pelvis_position,
        rotation: pose.pelvis,
    };
    frames[Segment::Pelvis.index()] = pelvis;
    let child = |parent: &Frame, offset: Vec3, joint: Mat3| Frame {
        origin: parent.point(offset),
        rotation: parent.rotation * joint,
    };
    let mut below = child(&pelvis, body.sacrum, pose.lumbar[0]);
    frames[Segment::Lumbar(0).index()] = below;
    for i in 1..3 {
        below = child(&below, body.lumbar[i - 1], pose.lumbar[i]);
        frames[Segment::Lumbar(i).index()] = below;
    }
    below = child(&below, body.lumbar[2], pose.thoracic[0]);
    frames[Segment::Thoracic(0).index()] = below;
    for i in 1..3 {
        below = child(&below, body.thoracic[i - 1], pose.thoracic[i]);
        frames[Segment::Thoracic(i).index()] = below;
    }
    let upper_thorax = below;
    let neck = child(&upper_thorax, body.thoracic[2], pose.neck);
    frames[Segment::Neck.index()] = neck;
    frames[Segment::Head.index()] = child(&neck, body.neck, pose.head);
    for side in SIDES {
        let s = side.index();
        let thigh = child(
            &pelvis,
            Vec3::new(0.0, 0.0, side.sign() * body.hip_half_width),
            pose.hip[s],
        );
        let shank = child(&thigh, Vec3::new(0.0, -body.thigh, 0.0), pose.knee[s]);
        let foot = child(&shank, Vec3::new(0.0, -body.shank, 0.0), pose.ankle[s]);
        let shoulder = Vec3::new(
            body.shoulder.x,
            body.shoulder.y,
            side.sign() * body.shoulder.z,
        );
        let upper_arm = child(&upper_thorax, shoulder, pose.shoulder[s]);
        let forearm = child(
            &upper_arm,
            Vec3::new(0.0, -body.upper_arm, 0.0),
            pose.elbow[s],
        );
        let hand = child(&forearm, Vec3::new(0.0, -body.forearm, 0.0), pose.wrist[s]);
        frames[Segment::Thigh(side).index()] = thigh;
        frames[Segment::Shank(side).index()] = shank;
        frames[Segment::Foot(side).index()] = foot;
        frames[Segment::UpperArm(side).index()] = upper_arm;
        frames[Segment::Forearm(side).index()] = forearm;
        frames[Segment::Hand(side).index()] = hand;
    }
    Posed {
        frames,
        height: body.height,
        body_offsets: Offsets {
            heel_back: body.heel_back,
            toe_front: body.toe_front,
            ankle_height: body.ankle_height,
            hand: body.hand,
        },
    }
}

impl Posed {
    /// The world frame of a segment.
    pub fn frame(&self, segment: Segment) -> &Frame {
        &self.frames[segment.index()]
    }

    /// The world position of a landmark.
    pub fn landmark(&self, landmark: Landmark) -> Vec3 {
        use Landmark::*;
        let o = &self.body_offsets;
        let h = self.height;
        let head = |p: [f64; 3], side: f64| {
            self.frame(Segment::Head)
                .point(Vec3::new(p[0] * h, p[1] * h, p[2] * h * side))
        };
        let down = |len: f64| Vec3::new(0.0, -len, 0.0);
        match landmark {
            Spine(i @ 0..=2) => self.frame(Segment::Lumbar(i)).origin,
            Spine(i @ 3..=5) => self.frame(Segment::Thoracic(i - 3)).origin,
            Spine(_) => self.frame(Segment::Neck).origin,
            SkullBase => self.frame(Segment::Head).origin,
            HeadTop => head(
                [
                    face::CRANIUM[0],
                    face::CRANIUM[1] + face::CRANIUM_RADII[1],
                    0.0,
                ],
                1.0,
            ),
            Nose => head(face::NOSE_TIP, 1.0),
            Eye(s) => head(face::EYE, s.sign()),
            Ear(s) => head(face::EAR, s.sign()),
            Shoulder(s) => self.frame(Segment::UpperArm(s)).origin,
            Elbow(s) => self.frame(Segment::Forearm(s)).origin,
            Wrist(s) => self.frame(Segment::Hand(s)).origin,
            Fingertip(s) => self.frame(Segment::Hand(s)).point(down(o.hand)),
            Hip(s) => self.frame(Segment::Thigh(s)).origin,
            Knee(s) => self.frame(Segment::Shank(s)).origin,
            Ankle(s) => self.frame(Segment::Foot(s)).origin,
            Heel(s) => self.frame(Segment::Foot(s)).point(Vec3::new(
                -0.85 * o.heel_back,
                -0.6 * o.ankle_height,
                0.0,
            )),
            Toe(s) => self.frame(Segment::Foot(s)).point(Vec3::new(
                0.92 * o.toe_front,
                -0.6 * o.ankle_height,
                0.0,
            )),
            HeelSole(s) => self.frame(Segment::Foot(s)).point(Vec3::new(
                -0.8 * o.heel_back,
                -o.ankle_height,
                0.0,
            )),
            ToeSole(s) => self.frame(Segment::Foot(s)).point(Vec3::new(
                0.75 * o.toe_front,
                -o.ankle_height,
                0.0,
            )),
        }
    }

    /// The lowest point of either sole above the floor (negative: below it).
    pub fn lowest_sole(&self) -> f64 {
        SIDES
            .iter()
            .flat_map(|&s| [Landmark::HeelSole(s), Landmark::ToeSole(s)])
            .map(|l| self.landmark(l).y)
            .fold(f64::INFINITY, f64::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutral_standing_body_has_winter_proportions() {
        let body = Body::average(1.7);
        let posed = pose_body(
            &body,
            &Pose::neutral(Vec3::new(0.0, body.standing_hip_height(), 0.0)),
        );
        let h = |l: Landmark| posed.landmark(l).y / 1.7;
        assert!(posed.lowest_sole().abs() < 1e-9);
        assert!((h(Landmark::Knee(Side::Left)) - 0.285).abs() < 0.002);
        assert!(
            (h(Landmark::Shoulder(Side::Right)) - 0.818).abs() < 0.02,
            "{}",
            h(Landmark::Shoulder(Side::Right))
        );
        assert!(
            (h(Landmark::Eye(Side::Left)) - 0.936).abs() < 0.01,
            "{}",
            h(Landmark::Eye(Side::Left))
        );
        assert!(
            (h(Landmark::HeadTop) - 1.0).abs() < 0.01,
            "{}",
            h(Landmark::HeadTop)
        );
    }
}
