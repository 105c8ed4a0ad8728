//! Which of BlazePose's 33 landmarks each canonical joint is.

use crate::skeleton::{Joint, JOINT_COUNT};

/// BlazePose landmark index of every canonical joint, in `Joint::ALL` order. BlazePose has
/// inner/outer eye corners; the eye centre (2, 5) is the one that matches COCO's eye.
const LANDMARK_OF_JOINT: [usize; JOINT_COUNT] = [
    0,  // nose
    2,  // left eye
    5,  // right eye
    7,  // left ear
    8,  // right ear
    11, // left shoulder
    12, // right shoulder
    13, // left elbow
    14, // right elbow
    15, // left wrist
    16, // right wrist
    23, // left hip
    24, // right hip
    25, // left knee
    26, // right knee
    27, // left ankle
    28, // right ankle
    29, // left heel
    30, // right heel
    31, // left foot index (toe)
    32, // right foot index (toe)
];

/// The BlazePose landmark index of `joint`.
pub fn landmark_of(joint: Joint) -> usize {
    LANDMARK_OF_JOINT[joint.index()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feet_and_sides_follow_the_mediapipe_order() {
        assert_eq!(landmark_of(Joint::LeftHeel), 29);
        assert_eq!(landmark_of(Joint::RightToe), 32);
        // Every left joint's landmark is odd-numbered from 11 on, every right one even.
        for j in Joint::ALL.into_iter().filter(|j| landmark_of(*j) >= 11) {
            let left = j.name().starts_with("left");
            assert_eq!(landmark_of(j) % 2 == 1, left, "{}", j.name());
        }
    }
}
