//! Everything ugoki writes: keypoint tables, overlays, and (later) analysis reports.

pub mod atomic;
pub mod keypoints;
pub mod overlay;
