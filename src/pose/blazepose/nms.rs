//! Weighted non-maximum suppression (MediaPipe `NonMaxSuppressionCalculator`, algorithm
//! `WEIGHTED`): overlapping detections are averaged, weighted by score, instead of dropped,
//! which steadies the box and keypoints from frame to frame.

use super::detector::Detection;
use crate::skeleton::BoxPx;

/// Groups detections around the best remaining one (IoU above `iou_threshold`) and replaces
/// each group by its score-weighted mean box and keypoints, keeping the best score. The result
/// is sorted by score, best first.
pub fn weighted_nms(mut detections: Vec<Detection>, iou_threshold: f32) -> Vec<Detection> {
    detections.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept = Vec::new();
    let mut remaining = detections;
    while !remaining.is_empty() {
        let best = remaining[0];
        let mut cluster = vec![best];
        let mut rest = Vec::with_capacity(remaining.len());
        // The best one always leads its own group, even when its box is degenerate (IoU 0).
        for d in remaining.into_iter().skip(1) {
            if d.bbox.iou(&best.bbox) > iou_threshold {
                cluster.push(d);
            } else {
                rest.push(d);
            }
        }
        kept.push(weighted_mean(&cluster, best.score));
        remaining = rest;
    }
    kept
}

fn weighted_mean(cluster: &[Detection], score: f32) -> Detection {
    let total: f32 = cluster.iter().map(|d| d.score).sum();
    let mean =
        |f: &dyn Fn(&Detection) -> f32| cluster.iter().map(|d| f(d) * d.score).sum::<f32>() / total;
    Detection {
        score,
        bbox: BoxPx {
            x0: mean(&|d| d.bbox.x0),
            y0: mean(&|d| d.bbox.y0),
            x1: mean(&|d| d.bbox.x1),
            y1: mean(&|d| d.bbox.y1),
        },
        keypoints: std::array::from_fn(|k| {
            (mean(&|d| d.keypoints[k].0), mean(&|d| d.keypoints[k].1))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detection(score: f32, x0: f32, y0: f32, side: f32) -> Detection {
        Detection {
            score,
            bbox: BoxPx {
                x0,
                y0,
                x1: x0 + side,
                y1: y0 + side,
            },
            keypoints: [(x0, y0); 4],
        }
    }

    #[test]
    fn overlapping_boxes_are_averaged_by_score_and_keep_the_best_score() {
        // Boxes [0,10]² and [2,12]×[0,10]: intersection 80, union 120, IoU 2/3 > 0.3.
        let out = weighted_nms(
            vec![
                detection(0.6, 2.0, 0.0, 10.0),
                detection(0.9, 0.0, 0.0, 10.0),
            ],
            0.3,
        );
        assert_eq!(out.len(), 1);
        let d = out[0];
        assert_eq!(d.score, 0.9);
        // x0 = (0.9·0 + 0.6·2) / 1.5 = 0.8.
        assert!((d.bbox.x0 - 0.8).abs() < 1e-6, "{:?}", d.bbox);
        assert!((d.bbox.x1 - 10.8).abs() < 1e-6, "{:?}", d.bbox);
        assert!((d.bbox.y0).abs() < 1e-6 && (d.bbox.y1 - 10.0).abs() < 1e-6);
        assert!((d.keypoints[3].0 - 0.8).abs() < 1e-6);
    }

    #[test]
    fn only_boxes_overlapping_more_than_the_threshold_merge() {
        // [0,10]² and [5,15]×[0,10]: intersection 50, union 150, IoU 1/3 > 0.3: merged.
        // [0,10]² and [7,17]×[0,10]: intersection 30, union 170, IoU 0.18: kept apart.
        let merged = weighted_nms(
            vec![
                detection(0.8, 0.0, 0.0, 10.0),
                detection(0.7, 5.0, 0.0, 10.0),
            ],
            0.3,
        );
        assert_eq!(merged.len(), 1);
        let apart = weighted_nms(
            vec![
                detection(0.7, 0.0, 0.0, 10.0),
                detection(0.8, 7.0, 0.0, 10.0),
                detection(0.95, 100.0, 100.0, 5.0),
            ],
            0.3,
        );
        let scores: Vec<f32> = apart.iter().map(|d| d.score).collect();
        assert_eq!(scores, vec![0.95, 0.8, 0.7]);
        assert_eq!(apart[1].bbox.x0, 7.0);
    }

    #[test]
    fn degenerate_boxes_do_not_stall() {
        let out = weighted_nms(
            vec![detection(0.9, 1.0, 1.0, 0.0), detection(0.8, 1.0, 1.0, 0.0)],
            0.3,
        );
        assert_eq!(out.len(), 2);
    }
}
