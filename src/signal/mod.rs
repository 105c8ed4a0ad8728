//! Signal processing: from raw keypoints to trustworthy time series.
//!
//! One operation per file: confidence gating and the whole chain in [`clean`], gap filling in
//! [`gaps`], the Hampel outlier filter in [`hampel`], the zero-phase Butterworth in
//! [`butterworth`] (applied on a uniform time grid by [`resample`]), the causal One-Euro filter
//! in [`one_euro`], and left/right swap repair in [`swap`].

pub mod butterworth;
pub mod clean;
pub mod gaps;
pub mod hampel;
pub mod one_euro;
pub mod resample;
pub mod swap;

pub use clean::{
    clean_track, CleanPoint, CleanTrack, CleaningSummary, PointOrigin, SignalOptions, Smoothing,
};
