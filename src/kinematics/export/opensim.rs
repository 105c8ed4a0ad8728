//! OpenSim files: angles as a `.mot` (Storage, version 1) and keypoints as a `.trc`.
//!
//! Both follow the fields OpenSim's readers check (`STOFileAdapter`/`Storage` for `.mot`:
//! a name line, `version`, `nRows`, `nColumns`, `inDegrees`, `endheader`, then a `time`
//! column; `TRCFileAdapter` for `.trc`: `PathFileType`, the eight metadata keys `DataRate
//! CameraRate NumFrames NumMarkers Units OrigDataRate OrigDataStartFrame OrigNumFrames` in that
//! order, `Frame#` and `Time` then one label per marker, `X1 Y1 Z1 …` labels, a blank line,
//! tab-separated rows of exactly 2 + 3 × markers fields).
//!
//! OpenSim has no missing-value marker that every version reads (older readers drop empty
//! fields, newer ones read them as NaN), and ugoki writes no NaN. So each file holds the
//! channels (markers) present in at least half the frames, and only the frames in which all
//! of them are present; the JSON and CSV keep every frame.
//!
//! `.trc` coordinates are metres in the floor's frame: X along the floor line (image right),
//! Y up from the floor, Z = 0 (one camera gives no depth). Without a scale no `.trc` is
//! written (pixels are not a unit OpenSim scales by); without a floor line the origin is the
//! image's bottom-left corner and X is the image horizontal.

use crate::kinematics::{Kinematics, PointChannel};
use std::fmt::Write;

/// A channel or marker must be present in at least this share of frames to be written.
const MIN_COVERAGE: f64 = 0.5;

fn coverage(present: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        present as f64 / total as f64
    }
}

/// The `.mot` text, or why none can be written. `name` is written on the first line.
pub fn angles_mot(kinematics: &Kinematics, name: &str) -> Result<String, String> {
    let n = kinematics.times_s.len();
    let channels: Vec<_> = kinematics
        .angles
        .iter()
        .filter(|c| coverage(c.values.iter().flatten().count(), n) >= MIN_COVERAGE)
        .collect();
    if channels.is_empty() {
        return Err(format!(
            "no angle channel has values in at least {:.0} % of the frames",
            MIN_COVERAGE * 100.0
        ));
    }
    let rows: Vec<usize> = (0..n)
        .filter(|&i| channels.iter().all(|c| c.values[i].is_some()))
        .collect();
    if rows.is_empty() {
        return Err("no frame has every written angle channel".into());
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "{name}\nversion=1\nnRows={}\nnColumns={}\ninDegrees=yes\nendheader\ntime",
        rows.len(),
        channels.len() + 1
    );
    for c in &channels {
        let _ = write!(out, "\t{}", c.name);
    }
    out.push('\n');
    for &i in &rows {
        let _ = write!(out, "{:.6}", kinematics.times_s[i]);
        for c in &channels {
            let _ = write!(out, "\t{:.4}", c.values[i].unwrap_or_default());
        }
        out.push('\n');
    }
    Ok(out)
}

/// The `.trc` text, or why none can be written. `file_name` goes on the first line.
pub fn keypoints_trc(kinematics: &Kinematics, file_name: &str) -> Result<String, String> {
    let scale = kinematics.calibration.metres_per_pixel.ok_or_else(|| {
        format!(
            "no scale to metres ({})",
            kinematics
                .calibration
                .cannot_compute
                .as_deref()
                .unwrap_or("not calibrated")
        )
    })?;
    let n = kinematics.times_s.len();
    let markers: Vec<&PointChannel> = kinematics
        .points
        .iter()
        .filter(|p| coverage(p.x.iter().flatten().count(), n) >= MIN_COVERAGE)
        .collect();
    if markers.is_empty() {
        return Err(format!(
            "no keypoint is present in at least {:.0} % of the frames",
            MIN_COVERAGE * 100.0
        ));
    }
    let rows: Vec<usize> = (0..n)
        .filter(|&i| markers.iter().all(|m| m.x[i].is_some() && m.y[i].is_some()))
        .collect();
    if rows.is_empty() {
        return Err("no frame has every written keypoint".into());
    }
    let (origin, angle) = match &kinematics.calibration.floor {
        Some(floor) => (floor.origin_px, floor.angle_deg.to_radians()),
        None => ([0.0, kinematics.source.height as f64], 0.0),
    };
    let (sin, cos) = angle.sin_cos();
    let to_floor_frame = |x: f64, y: f64| {
        let (u, v) = (x - origin[0], origin[1] - y);
        ((u * cos + v * sin) * scale, (-u * sin + v * cos) * scale)
    };
    let rate =
        crate::signal::resample::median_interval(&kinematics.times_s).map_or(0.0, |dt| 1.0 / dt);
    let first_frame = kinematics.frame_indices[rows[0]] + 1;
    let mut out = String::new();
    let _ = writeln!(out, "PathFileType\t4\t(X/Y/Z)\t{file_name}");
    out.push_str("DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n");
    let _ = writeln!(
        out,
        "{rate:.4}\t{rate:.4}\t{}\t{}\tm\t{rate:.4}\t{first_frame}\t{n}",
        rows.len(),
        markers.len()
    );
    out.push_str("Frame#\tTime");
    for m in &markers {
        let _ = write!(out, "\t{}\t\t", m.name);
    }
    out.push_str("\n\t");
    for k in 1..=markers.len() {
        let _ = write!(out, "\tX{k}\tY{k}\tZ{k}");
    }
    out.push_str("\n\n");
    for &i in &rows {
        let _ = write!(
            out,
            "{}\t{:.6}",
            kinematics.frame_indices[i] + 1,
            kinematics.times_s[i]
        );
        for m in &markers {
            let (x, y) = to_floor_frame(m.x[i].unwrap_or_default(), m.y[i].unwrap_or_default());
            let _ = write!(out, "\t{x:.5}\t{y:.5}\t0.00000");
        }
        out.push('\n');
    }
    Ok(out)
}
