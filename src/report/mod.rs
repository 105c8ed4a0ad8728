//! Everything ugoki writes: keypoint tables, overlays, and the HTML report.

pub mod annotated;
pub mod atomic;
pub mod html;
pub mod keyframes;
pub mod keypoints;
pub mod overlay;
pub mod svg;
