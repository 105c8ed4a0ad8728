//! ugoki (動き): watches a person move on video and says, in numbers and plain words, whether the
//! movement is made the way the source documents ask.
//!
//! The pipeline runs one way: `source` → `pose` → `track` → `signal` → `kinematics` → `movement`
//! → `criteria` → `report`. See README.md for the conventions every stage keeps.

pub mod batch;
pub mod cli;
pub mod criteria;
pub mod error;
pub mod interrupt;
pub mod kinematics;
pub mod live;
pub mod models;
pub mod movement;
pub mod pose;
pub mod report;
pub mod runtime;
pub mod signal;
pub mod skeleton;
pub mod source;
pub mod synth;
pub mod text;
pub mod track;

pub use error::{Error, Result};
