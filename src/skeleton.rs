//! The canonical skeleton every stage speaks: COCO-17 names plus heels and toes.
//!
//! Coordinates are source-frame pixels, origin top-left, y down. A point the model did not
//! place is absent (`None`), never (0, 0).

use serde::{Deserialize, Serialize};

/// Canonical keypoints, in output order. COCO-17 first (same indices as COCO), then the feet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Joint {
    Nose,
    LeftEye,
    RightEye,
    LeftEar,
    RightEar,
    LeftShoulder,
    RightShoulder,
    LeftElbow,
    RightElbow,
    LeftWrist,
    RightWrist,
    LeftHip,
    RightHip,
    LeftKnee,
    RightKnee,
    LeftAnkle,
    RightAnkle,
    LeftHeel,
    RightHeel,
    LeftToe,
    RightToe,
}

pub const JOINT_COUNT: usize = 21;

impl Joint {
    pub const ALL: [Joint; JOINT_COUNT] = [
        Joint::Nose,
        Joint::LeftEye,
        Joint::RightEye,
        Joint::LeftEar,
        Joint::RightEar,
        Joint::LeftShoulder,
        Joint::RightShoulder,
        Joint::LeftElbow,
        Joint::RightElbow,
        Joint::LeftWrist,
        Joint::RightWrist,
        Joint::LeftHip,
        Joint::RightHip,
        Joint::LeftKnee,
        Joint::RightKnee,
        Joint::LeftAnkle,
        Joint::RightAnkle,
        Joint::LeftHeel,
        Joint::RightHeel,
        Joint::LeftToe,
        Joint::RightToe,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Joint::Nose => "nose",
            Joint::LeftEye => "left_eye",
            Joint::RightEye => "right_eye",
            Joint::LeftEar => "left_ear",
            Joint::RightEar => "right_ear",
            Joint::LeftShoulder => "left_shoulder",
            Joint::RightShoulder => "right_shoulder",
            Joint::LeftElbow => "left_elbow",
            Joint::RightElbow => "right_elbow",
            Joint::LeftWrist => "left_wrist",
            Joint::RightWrist => "right_wrist",
            Joint::LeftHip => "left_hip",
            Joint::RightHip => "right_hip",
            Joint::LeftKnee => "left_knee",
            Joint::RightKnee => "right_knee",
            Joint::LeftAnkle => "left_ankle",
            Joint::RightAnkle => "right_ankle",
            Joint::LeftHeel => "left_heel",
            Joint::RightHeel => "right_heel",
            Joint::LeftToe => "left_toe",
            Joint::RightToe => "right_toe",
        }
    }

    pub fn from_name(name: &str) -> Option<Joint> {
        Joint::ALL.into_iter().find(|j| j.name() == name)
    }

    /// The same joint on the other side of the body (the nose is its own mirror).
    pub fn mirror(self) -> Joint {
        use Joint::*;
        match self {
            Nose => Nose,
            LeftEye => RightEye,
            RightEye => LeftEye,
            LeftEar => RightEar,
            RightEar => LeftEar,
            LeftShoulder => RightShoulder,
            RightShoulder => LeftShoulder,
            LeftElbow => RightElbow,
            RightElbow => LeftElbow,
            LeftWrist => RightWrist,
            RightWrist => LeftWrist,
            LeftHip => RightHip,
            RightHip => LeftHip,
            LeftKnee => RightKnee,
            RightKnee => LeftKnee,
            LeftAnkle => RightAnkle,
            RightAnkle => LeftAnkle,
            LeftHeel => RightHeel,
            RightHeel => LeftHeel,
            LeftToe => RightToe,
            RightToe => LeftToe,
        }
    }
}

/// Bones drawn in overlays and used for limb-length checks.
pub const BONES: [(Joint, Joint); 20] = [
    (Joint::LeftShoulder, Joint::RightShoulder),
    (Joint::LeftHip, Joint::RightHip),
    (Joint::LeftShoulder, Joint::LeftHip),
    (Joint::RightShoulder, Joint::RightHip),
    (Joint::LeftShoulder, Joint::LeftElbow),
    (Joint::LeftElbow, Joint::LeftWrist),
    (Joint::RightShoulder, Joint::RightElbow),
    (Joint::RightElbow, Joint::RightWrist),
    (Joint::LeftHip, Joint::LeftKnee),
    (Joint::LeftKnee, Joint::LeftAnkle),
    (Joint::RightHip, Joint::RightKnee),
    (Joint::RightKnee, Joint::RightAnkle),
    (Joint::LeftAnkle, Joint::LeftHeel),
    (Joint::LeftHeel, Joint::LeftToe),
    (Joint::LeftAnkle, Joint::LeftToe),
    (Joint::RightAnkle, Joint::RightHeel),
    (Joint::RightHeel, Joint::RightToe),
    (Joint::RightAnkle, Joint::RightToe),
    (Joint::Nose, Joint::LeftEye),
    (Joint::Nose, Joint::RightEye),
];

/// One keypoint in source-frame pixels with the model's confidence in 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Keypoint {
    pub x: f32,
    pub y: f32,
    pub score: f32,
}

impl Keypoint {
    pub fn new(x: f32, y: f32, score: f32) -> Self {
        Keypoint { x, y, score }
    }

    pub fn distance(&self, other: &Keypoint) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// Axis-aligned box in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoxPx {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BoxPx {
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn center(&self) -> (f32, f32) {
        ((self.x0 + self.x1) * 0.5, (self.y0 + self.y1) * 0.5)
    }
    pub fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }
    pub fn iou(&self, other: &BoxPx) -> f32 {
        let ix = (self.x1.min(other.x1) - self.x0.max(other.x0)).max(0.0);
        let iy = (self.y1.min(other.y1) - self.y0.max(other.y0)).max(0.0);
        let inter = ix * iy;
        let union = self.area() + other.area() - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    }
}

/// A full canonical skeleton for one person in one frame.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Skeleton {
    pub points: [Option<Keypoint>; JOINT_COUNT],
}

impl Skeleton {
    pub fn get(&self, joint: Joint) -> Option<Keypoint> {
        self.points[joint.index()]
    }

    /// The point only when its confidence reaches `min_score`.
    pub fn confident(&self, joint: Joint, min_score: f32) -> Option<Keypoint> {
        self.get(joint).filter(|k| k.score >= min_score)
    }

    pub fn set(&mut self, joint: Joint, point: Option<Keypoint>) {
        self.points[joint.index()] = point;
    }

    /// Midpoint of two confident joints; its score is the lower of the two.
    pub fn midpoint(&self, a: Joint, b: Joint, min_score: f32) -> Option<Keypoint> {
        let (p, q) = (self.confident(a, min_score)?, self.confident(b, min_score)?);
        Some(Keypoint::new(
            (p.x + q.x) * 0.5,
            (p.y + q.y) * 0.5,
            p.score.min(q.score),
        ))
    }

    /// Box around the confident points.
    pub fn bbox(&self, min_score: f32) -> Option<BoxPx> {
        let mut it = self
            .points
            .iter()
            .flatten()
            .filter(|k| k.score >= min_score);
        let first = it.next()?;
        let mut b = BoxPx {
            x0: first.x,
            y0: first.y,
            x1: first.x,
            y1: first.y,
        };
        for k in it {
            b.x0 = b.x0.min(k.x);
            b.y0 = b.y0.min(k.y);
            b.x1 = b.x1.max(k.x);
            b.y1 = b.y1.max(k.y);
        }
        Some(b)
    }

    /// Mean confidence over the torso joints (shoulders and hips); 0 when they are absent.
    pub fn torso_score(&self) -> f32 {
        let torso = [
            Joint::LeftShoulder,
            Joint::RightShoulder,
            Joint::LeftHip,
            Joint::RightHip,
        ];
        torso
            .iter()
            .map(|j| self.get(*j).map_or(0.0, |k| k.score))
            .sum::<f32>()
            / 4.0
    }

    /// Swap every left joint with its right twin.
    pub fn mirrored(&self) -> Skeleton {
        let mut out = Skeleton::default();
        for j in Joint::ALL {
            out.set(j.mirror(), self.get(j));
        }
        out
    }

    /// Vertical extent from the highest head point to the lowest foot point, in pixels.
    pub fn body_height_px(&self, min_score: f32) -> Option<f32> {
        self.bbox(min_score).map(|b| b.height())
    }
}
