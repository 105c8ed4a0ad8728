//! The subject's keypoints per frame as JSON (`keypoints.json`, the `PoseTrack` itself) and as a
//! flat CSV table (`keypoints.csv`, one row per frame).

use super::atomic;
use crate::error::{Error, Result};
use crate::skeleton::Joint;
use crate::track::PoseTrack;
use std::fmt::Write as _;
use std::path::Path;

/// The track's file name in an output folder.
pub const JSON_FILE: &str = "keypoints.json";

pub fn write_json(track: &PoseTrack, path: &Path) -> Result<()> {
    let json = serde_json::to_vec(track)
        .map_err(|e| Error::Internal(format!("cannot encode keypoints: {e}")))?;
    atomic::write(path, &json)
}

pub fn read_json(path: &Path) -> Result<PoseTrack> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::bad_input(path, format!("cannot read ({e})")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::bad_input(path, format!("not a ugoki keypoints file ({e})")))
}

/// CSV: `frame,time_s,present,<joint>_x,<joint>_y,<joint>_score...`; units in a leading comment
/// line; absent values are empty cells.
pub fn to_csv(track: &PoseTrack) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# ugoki keypoints; source={}; model={}; x,y in source pixels (origin top-left, y down); score 0..1; time in s",
        track.source.name, track.model
    );
    out.push_str("frame,time_s,present");
    for j in Joint::ALL {
        let n = j.name();
        let _ = write!(out, ",{n}_x,{n}_y,{n}_score");
    }
    out.push('\n');
    for f in &track.frames {
        let _ = write!(
            out,
            "{},{:.6},{}",
            f.index,
            f.time_s,
            u8::from(f.skeleton.is_some())
        );
        for j in Joint::ALL {
            match f.skeleton.as_ref().and_then(|s| s.get(j)) {
                Some(k) => {
                    let _ = write!(out, ",{:.2},{:.2},{:.3}", k.x, k.y, k.score);
                }
                None => out.push_str(",,,"),
            }
        }
        out.push('\n');
    }
    out
}

pub fn write_csv(track: &PoseTrack, path: &Path) -> Result<()> {
    atomic::write(path, to_csv(track).as_bytes())
}
