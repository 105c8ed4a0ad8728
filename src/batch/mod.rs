//! `ugoki batch`: scores many videos, each into its own output folder, in parallel, resumably,
//! optionally split into shards run by an outside scheduler, and summarises them in
//! `summary.csv` and `index.html`.
//!
//! Per video folder (`<OUTDIR>/<name>/`, name from [`inputs::output_name`]):
//! `entry.json` (what was asked, written first), then either the outputs of `ugoki analyze
//! --report` (`keypoints.csv`, `keypoints.json`, the kinematics exports, `analysis.json`,
//! `report.html`, and `annotated.mp4` with `--overlay`) and `done.json` (written last: the video
//! is finished), or `error.json` (the one-line reason and its exit code class).

pub mod cli;
pub mod inputs;
pub mod run;
pub mod shard;
pub mod summary;

/// Written first in every video folder: the input as the batch was given it.
pub const ENTRY_FILE: &str = "entry.json";
/// Written last when a video was scored; its presence means "finished".
pub const DONE_FILE: &str = "done.json";
/// Written when a video could not be scored.
pub const ERROR_FILE: &str = "error.json";
/// The analysis, as `ugoki analyze` writes it.
pub const ANALYSIS_FILE: &str = "analysis.json";
/// The keypoint track as CSV.
pub const KEYPOINTS_CSV_FILE: &str = "keypoints.csv";
/// The keypoint track as JSON (what the report reads for its key frames).
pub const KEYPOINTS_JSON_FILE: &str = crate::report::keypoints::JSON_FILE;
/// The per-video report page, as `ugoki analyze --report` writes it.
pub const REPORT_FILE: &str = crate::cli::report::HTML_FILE;
/// The annotated video, with `--overlay`.
pub const OVERLAY_FILE: &str = "annotated.mp4";
