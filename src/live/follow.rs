//! One person followed frame by frame with MoveNet's own cropping, and their keypoints
//! smoothed causally (One-Euro) for the screen.
//!
//! The raw keypoints go to the repetition analysis, which filters them exactly as
//! `ugoki analyze` does; the smoothed ones are only drawn, so that the skeleton on screen does
//! not jitter.

use crate::error::Result;
use crate::pose::{PoseEstimator, Region};
use crate::signal::one_euro::{OneEuroFilter, OneEuroOptions};
use crate::skeleton::{Keypoint, Skeleton, JOINT_COUNT};
use crate::source::Frame;
use crate::track::candidates::MIN_PRESENCE;
use opencv::core::{Mat, Scalar, CV_8UC3};

/// What the follower saw in one frame.
pub struct Seen {
    pub raw: Skeleton,
    pub smoothed: Skeleton,
}

/// Follows the person in front of the camera.
pub struct Follower {
    estimator: Box<dyn PoseEstimator>,
    width: u32,
    height: u32,
    region: Option<Region>,
    filters: Vec<[OneEuroFilter; 2]>,
}

impl Follower {
    pub fn new(estimator: Box<dyn PoseEstimator>, width: u32, height: u32) -> Follower {
        let filter = OneEuroFilter::new(OneEuroOptions::default());
        Follower {
            estimator,
            width,
            height,
            region: None,
            filters: vec![[filter.clone(), filter]; JOINT_COUNT],
        }
    }

    /// Runs the model once on a blank frame: the first run of a session is several times
    /// slower than the others, and would otherwise make the first frames of the session drop.
    pub fn warm_up(&mut self) -> Result<()> {
        let blank = Mat::new_rows_cols_with_default(
            self.height as i32,
            self.width as i32,
            CV_8UC3,
            Scalar::all(0.0),
        )?;
        self.estimator
            .estimate(&blank, &Region::whole_frame(self.width, self.height))?;
        Ok(())
    }

    /// The person in this frame, or `None` when nobody is seen (the next frame is then
    /// searched whole, and the smoothing starts afresh).
    pub fn step(&mut self, frame: &Frame) -> Result<Option<Seen>> {
        let region = self
            .region
            .unwrap_or_else(|| Region::whole_frame(self.width, self.height));
        let estimate = self.estimator.estimate(&frame.image, &region)?;
        if estimate.presence < MIN_PRESENCE {
            self.region = None;
            self.filters
                .iter_mut()
                .flatten()
                .for_each(OneEuroFilter::reset);
            return Ok(None);
        }
        self.region = estimate.next_region;
        let raw = estimate.skeleton;
        let mut smoothed = Skeleton::default();
        for (i, point) in raw.points.iter().enumerate() {
            smoothed.points[i] = point.map(|k| {
                let [fx, fy] = &mut self.filters[i];
                Keypoint::new(
                    fx.filter(frame.time_s, f64::from(k.x)) as f32,
                    fy.filter(frame.time_s, f64::from(k.y)) as f32,
                    k.score,
                )
            });
        }
        Ok(Some(Seen { raw, smoothed }))
    }
}
