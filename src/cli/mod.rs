//! Subcommands that run the pipeline (argument structs and their `run` functions).

pub mod analyze;
pub mod kinematics;
pub mod live;
pub mod measure;
pub mod pose;
pub mod report;
