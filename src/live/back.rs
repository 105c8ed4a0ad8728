//! The back outline of each frame, for the hip / spinal split, without re-reading the video.
//!
//! `analyze` traces the back on a person mask made on a crop around the clip's filtered
//! keypoints. Live, those keypoints are final only once the frame is [`SETTLE_S`] old (the
//! zero-phase low-pass needs a little of the future), so each frame is kept until then and
//! traced by the repetition analysis exactly as `analyze` traces it; then the frame is
//! dropped. Memory stays flat however long the session: a fraction of a second of frames.
//!
//! When the analysis falls behind, the oldest kept frames are dropped untraced (gaps in the
//! outline, as frames with an unreliable mask are), so memory stays bounded.

use crate::error::Result;
use crate::kinematics::spine::mask::SubjectMasker;
use crate::kinematics::spine::{trace_frames, ForwardBendOptions, TracedBack};
use crate::kinematics::Kinematics;
use opencv::core::Mat;
use opencv::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Age after which a frame's zero-phase filtered keypoints no longer move (the 6 Hz
/// fourth-order low-pass has settled to well under a pixel).
pub const SETTLE_S: f64 = 0.3;
/// Most frames kept waiting (about 2 s at 30 frames/s).
const MAX_KEPT: usize = 60;

/// Frames waiting to be traced, and the outlines traced so far.
pub struct BackStore {
    masker: SubjectMasker,
    /// (time, frame) by frame index.
    kept: BTreeMap<usize, (f64, Mat)>,
    traced: HashMap<usize, TracedBack>,
    /// Frames dropped untraced because the analysis was behind.
    pub skipped: usize,
}

/// The store shared by the session loop and the repetition analysis.
pub type Backs = Arc<Mutex<BackStore>>;

impl BackStore {
    /// Loads the mask model (one ONNX Runtime thread: the pose model has the other core).
    pub fn start() -> Result<Backs> {
        Ok(Arc::new(Mutex::new(BackStore {
            masker: SubjectMasker::load(1)?,
            kept: BTreeMap::new(),
            traced: HashMap::new(),
            skipped: 0,
        })))
    }

    /// Keeps a frame with the subject in it until it can be traced.
    pub fn keep(&mut self, index: usize, time_s: f64, image: &Mat) -> Result<()> {
        self.kept.insert(index, (time_s, image.try_clone()?));
        while self.kept.len() > MAX_KEPT {
            self.kept.pop_first();
            self.skipped += 1;
        }
        Ok(())
    }

    /// Traces the kept frames at least [`SETTLE_S`] older than `newest_s` with `kinematics`
    /// (computed on the frames up to `newest_s`; all of them when `everything`) and returns
    /// every outline traced so far.
    pub fn outlines(
        &mut self,
        kinematics: &Kinematics,
        newest_s: f64,
        everything: bool,
    ) -> Result<&HashMap<usize, TracedBack>> {
        let ready: Vec<usize> = self
            .kept
            .iter()
            .filter(|(_, (time_s, _))| everything || *time_s <= newest_s - SETTLE_S)
            .map(|(index, _)| *index)
            .collect();
        let frames: Vec<(usize, Mat)> = ready
            .into_iter()
            .filter_map(|index| self.kept.remove(&index).map(|(_, image)| (index, image)))
            .collect();
        let traced = trace_frames(
            kinematics,
            frames.iter().map(|(index, image)| (*index, image)),
            &mut self.masker,
            &ForwardBendOptions::default(),
        )?;
        self.traced.extend(traced);
        Ok(&self.traced)
    }
}
