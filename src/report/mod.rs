//! Everything ugoki writes: keypoint tables, overlays (and the lettering on them), and the HTML
//! report.

pub mod annotated;
pub mod atomic;
pub mod html;
pub mod keyframes;
pub mod keypoints;
pub mod lettering;
pub mod overlay;
pub mod svg;
