//! Points the angles are measured between: cleaned keypoints and points derived from them.
//!
//! Derived points (the names Sports2D and OpenSim marker sets use):
//! - `mid_hip` ("Hip"): midpoint of the two hips.
//! - `neck`: midpoint of the two shoulders, the mid-shoulder point. COCO-layout models have no
//!   neck keypoint; OpenPose and Sports2D define it this way.
//! - `head`: midpoint of the two ears, or the one ear seen (side view hides the other). COCO
//!   has no head-top keypoint; the ears mark the head's centre.
//!
//! A derived point's confidence is the lowest of the points it is made from.

use crate::signal::CleanTrack;
use crate::skeleton::Joint;
use serde::{Deserialize, Serialize};

/// A point computed from keypoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DerivedPoint {
    MidHip,
    Neck,
    Head,
}

impl DerivedPoint {
    pub const ALL: [DerivedPoint; 3] =
        [DerivedPoint::MidHip, DerivedPoint::Neck, DerivedPoint::Head];

    pub fn name(self) -> &'static str {
        match self {
            DerivedPoint::MidHip => "mid_hip",
            DerivedPoint::Neck => "neck",
            DerivedPoint::Head => "head",
        }
    }
}

/// A keypoint or a derived point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landmark {
    Joint(Joint),
    Derived(DerivedPoint),
}

impl Landmark {
    pub fn name(self) -> &'static str {
        match self {
            Landmark::Joint(j) => j.name(),
            Landmark::Derived(d) => d.name(),
        }
    }
}

/// A landmark's position in one frame, image pixels (y down), with its confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located {
    pub x: f64,
    pub y: f64,
    pub confidence: f64,
}

impl Located {
    pub fn xy(&self) -> (f64, f64) {
        (self.x, self.y)
    }
}

fn midpoint(a: Located, b: Located) -> Located {
    Located {
        x: 0.5 * (a.x + b.x),
        y: 0.5 * (a.y + b.y),
        confidence: a.confidence.min(b.confidence),
    }
}

/// Where `landmark` is at track position `position`, if its keypoints are there.
pub fn locate(clean: &CleanTrack, landmark: Landmark, position: usize) -> Option<Located> {
    let joint = |j: Joint| {
        clean.point(j, position).map(|p| Located {
            x: p.x,
            y: p.y,
            confidence: p.confidence,
        })
    };
    match landmark {
        Landmark::Joint(j) => joint(j),
        Landmark::Derived(DerivedPoint::MidHip) => {
            Some(midpoint(joint(Joint::LeftHip)?, joint(Joint::RightHip)?))
        }
        Landmark::Derived(DerivedPoint::Neck) => Some(midpoint(
            joint(Joint::LeftShoulder)?,
            joint(Joint::RightShoulder)?,
        )),
        Landmark::Derived(DerivedPoint::Head) => {
            match (joint(Joint::LeftEar), joint(Joint::RightEar)) {
                (Some(l), Some(r)) => Some(midpoint(l, r)),
                (one, other) => one.or(other),
            }
        }
    }
}
