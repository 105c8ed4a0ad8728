//! Angle channels as CSV: one row per frame, units in the header, empty cells where a value
//! cannot be measured.
//!
//! Columns: `frame`, `time [s]`, then for each channel `<name> [deg]` and
//! `<name> confidence [0-1]`.

use crate::kinematics::Kinematics;
use std::fmt::Write;

/// The CSV text of every angle channel.
pub fn angles_csv(kinematics: &Kinematics) -> String {
    let mut out = String::from("frame,time [s]");
    for channel in &kinematics.angles {
        let _ = write!(
            out,
            ",{0} [{1}],{0} confidence [0-1]",
            channel.name, channel.unit
        );
    }
    out.push('\n');
    for (position, (&frame, &time)) in kinematics
        .frame_indices
        .iter()
        .zip(&kinematics.times_s)
        .enumerate()
    {
        let _ = write!(out, "{frame},{time:.6}");
        for channel in &kinematics.angles {
            match channel.values[position] {
                Some(value) => {
                    let _ = write!(out, ",{value:.3},{:.3}", channel.confidence[position]);
                }
                None => out.push_str(",,"),
            }
        }
        out.push('\n');
    }
    out
}
