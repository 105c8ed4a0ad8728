//! One error type for the whole pipeline, each kind mapped to a documented process exit code.

use std::path::PathBuf;

/// Process exit codes (documented in README.md, "Exit codes").
pub mod exit_code {
    /// Unexpected failure (a bug, or an I/O error writing results).
    pub const INTERNAL: i32 = 1;
    /// The input cannot be used: not a video, truncated, empty, bad arguments.
    pub const BAD_INPUT: i32 = 2;
    /// ONNX Runtime or a model file is missing or wrong.
    pub const SETUP: i32 = 3;
    /// The input is a valid video but holds nothing that can be analysed (no person).
    pub const NOTHING_TO_ANALYSE: i32 = 4;
    /// `ugoki batch` finished, but some videos could not be scored (see its summary.csv).
    pub const SOME_VIDEOS_FAILED: i32 = 5;
    /// `ugoki live`: the camera (or the played file) stopped mid-session; what was recorded up
    /// to then is saved and analysed.
    pub const CAPTURE_LOST: i32 = 6;
    /// Stopped by Ctrl-C (SIGINT) or SIGTERM before the work was done; a re-run finishes it.
    pub const INTERRUPTED: i32 = 130;
}

/// Everything that can go wrong in ugoki; messages are one line and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {reason}")]
    BadInput { path: PathBuf, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("ONNX Runtime: {0}")]
    Runtime(String),
    #[error("model {name}: {reason}")]
    Model { name: String, reason: String },
    #[error("{0}")]
    NoSubject(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("OpenCV: {0}")]
    OpenCv(String),
    #[error("{0}")]
    Internal(String),
    #[error("{0}")]
    SomeVideosFailed(String),
    #[error("{0}")]
    Interrupted(String),
    #[error("{0}")]
    CaptureLost(String),
}

impl Error {
    pub fn bad_input(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::BadInput {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::BadInput { .. } | Error::Usage(_) => exit_code::BAD_INPUT,
            Error::Runtime(_) | Error::Model { .. } => exit_code::SETUP,
            Error::NoSubject(_) => exit_code::NOTHING_TO_ANALYSE,
            Error::Io { .. } | Error::OpenCv(_) | Error::Internal(_) => exit_code::INTERNAL,
            Error::SomeVideosFailed(_) => exit_code::SOME_VIDEOS_FAILED,
            Error::Interrupted(_) => exit_code::INTERRUPTED,
            Error::CaptureLost(_) => exit_code::CAPTURE_LOST,
        }
    }
}

impl From<opencv::Error> for Error {
    fn from(e: opencv::Error) -> Self {
        Error::OpenCv(e.message)
    }
}

/// `ort::Error` is neither `Send` nor `Sync`, so it is carried by message.
impl From<ort::Error> for Error {
    fn from(e: ort::Error) -> Self {
        Error::Runtime(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
