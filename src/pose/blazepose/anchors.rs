//! SSD anchors of the BlazePose detector (MediaPipe `SsdAnchorsCalculator`).
//!
//! The detector uses `fixed_anchor_size = true`, so every anchor is 1×1 and only its centre
//! matters; `min_scale`/`max_scale` therefore have no effect on the result and are not modelled.

/// Side of the detector's square input, in pixels.
pub const INPUT_SIDE: usize = 224;

/// Feature-map strides of the five SSD layers (`num_layers = 5`).
const STRIDES: [usize; 5] = [8, 16, 32, 32, 32];

/// Anchors per cell contributed by one layer: one per aspect ratio (`aspect_ratios = [1.0]`)
/// plus one for `interpolated_scale_aspect_ratio = 1.0`.
const ANCHORS_PER_LAYER_CELL: usize = 2;

/// Where inside its cell an anchor centre sits (`anchor_offset_x/y = 0.5`).
const OFFSET: f32 = 0.5;

/// Number of anchors the detector's outputs are aligned with.
pub const ANCHOR_COUNT: usize = 2254;

/// Centre of one anchor, normalised to the detector input (0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    /// Horizontal centre, 0 at the left edge of the input.
    pub x: f32,
    /// Vertical centre, 0 at the top edge of the input.
    pub y: f32,
}

/// All anchors in output order: consecutive layers with the same stride share one grid, then
/// rows, then columns, then the anchors of each cell.
pub fn ssd_anchors() -> Vec<Anchor> {
    let mut anchors = Vec::with_capacity(ANCHOR_COUNT);
    let mut layer = 0;
    while layer < STRIDES.len() {
        let stride = STRIDES[layer];
        let same_stride = STRIDES[layer..]
            .iter()
            .take_while(|&&s| s == stride)
            .count();
        let per_cell = same_stride * ANCHORS_PER_LAYER_CELL;
        let cells = INPUT_SIDE.div_ceil(stride);
        for row in 0..cells {
            for col in 0..cells {
                let x = (col as f32 + OFFSET) / cells as f32;
                let y = (row as f32 + OFFSET) / cells as f32;
                anchors.extend(std::iter::repeat_n(Anchor { x, y }, per_cell));
            }
        }
        layer += same_stride;
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Anchor, x: f32, y: f32) -> bool {
        (a.x - x).abs() < 1e-6 && (a.y - y).abs() < 1e-6
    }

    #[test]
    fn count_matches_the_detector_output() {
        assert_eq!(ssd_anchors().len(), ANCHOR_COUNT);
    }

    #[test]
    fn layers_are_28_by_28_by_2_then_14_by_14_by_2_then_7_by_7_by_6() {
        let a = ssd_anchors();
        // First cell of the stride-8 grid, both anchors.
        assert!(close(a[0], 0.5 / 28.0, 0.5 / 28.0), "{:?}", a[0]);
        assert!(close(a[1], 0.5 / 28.0, 0.5 / 28.0), "{:?}", a[1]);
        // Second column of the first row.
        assert!(close(a[2], 1.5 / 28.0, 0.5 / 28.0), "{:?}", a[2]);
        // Last anchor of the stride-8 grid, then the first of the stride-16 grid.
        assert!(close(a[1567], 27.5 / 28.0, 27.5 / 28.0), "{:?}", a[1567]);
        assert!(close(a[1568], 0.5 / 14.0, 0.5 / 14.0), "{:?}", a[1568]);
        // The merged stride-32 grid starts at 1568 + 392 with six anchors per cell.
        for (i, anchor) in a.iter().enumerate().skip(1960).take(6) {
            assert!(close(*anchor, 0.5 / 7.0, 0.5 / 7.0), "{i}: {anchor:?}");
        }
        assert!(close(a[1966], 1.5 / 7.0, 0.5 / 7.0), "{:?}", a[1966]);
        assert!(
            close(a[ANCHOR_COUNT - 1], 6.5 / 7.0, 6.5 / 7.0),
            "{:?}",
            a[ANCHOR_COUNT - 1]
        );
    }
}
