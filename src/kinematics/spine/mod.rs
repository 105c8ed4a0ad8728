//! The two headline measurements from one camera: how a forward bend splits between the hips
//! and the spine (with the back's shape), and how far the shoulder girdle turns relative to the
//! pelvis.
//!
//! No available pose model has spine keypoints, so the back is read from the person's outline
//! ([`mask`], [`outline`]) and the rotation from careful geometry on the shoulder and hip lines
//! ([`rotation`]). Every value carries its method and a confidence; where the camera view, the
//! mask or the movement cannot support a value, the result says "cannot assess" with the reason
//! instead of guessing, and never holds NaN.
//!
//! - [`measure_forward_bend`] (side view): total trunk–thigh flexion, its hip (pelvic–femoral)
//!   part and spinal part, the hip:spine ratio over time and by trunk-angle bin (lumbopelvic
//!   rhythm, [`rhythm`]), and the back-shape curve angle with a rounded / neutral / hollow
//!   classification that needs persistence ([`back_shape`]).
//! - [`measure_rotation`] (side-on camera, guided protocol): shoulder and pelvis rotation and
//!   their difference, per side, with symmetry.

pub mod back_shape;
pub mod forward_bend;
pub mod mask;
pub mod outline;
pub mod rhythm;
pub mod rotation;
pub mod sagittal;
pub mod series;

pub use forward_bend::{
    measure_forward_bend, trace_frames, BackOutlines, ForwardBend, ForwardBendOptions, TracedBack,
};
pub use rotation::{measure_rotation, Rotation, RotationOptions, ROTATION_PROTOCOL};
pub use series::{Assessment, Series};

/// Version of the forward-bend and rotation JSON written by `ugoki measure`.
pub const MEASURE_SCHEMA_VERSION: u32 = 2;
