//! The capture thread: reads the camera (or plays a file on its own clock, as if it were a
//! camera), records every frame it gets, and hands the processing loop only the newest one.
//!
//! A frame that is still waiting when a newer one arrives is dropped, never queued: feedback
//! about the movement the person is making now is worth more than feedback about every frame.

use crate::error::{Error, Result};
use crate::report::overlay::VideoOut;
use crate::source::{Frame, FrameSource};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A frame as the capture thread got it.
pub struct Captured {
    pub frame: Frame,
    /// When it was captured (or, for a file played in real time, when it was due).
    pub at: Instant,
}

/// Why capture stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureEnd {
    /// A file played to its end.
    Finished,
    /// The session asked it to stop (`q`, Ctrl-C).
    Stopped,
    /// The camera went away, or the stream broke off mid-way; the reason in one line.
    Lost(String),
}

/// How frames are paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// A camera delivers frames at its own rate; each is stamped with the session clock.
    Camera,
    /// A file is played at its own frame rate: each frame is released at its timestamp.
    Realtime,
    /// A file is played as fast as frames are processed, none dropped (replaying a recording).
    EveryFrame,
}

#[derive(Default)]
struct SlotState {
    latest: Option<Captured>,
    /// (index, time) of frames replaced before anyone took them.
    dropped: Vec<(usize, f64)>,
    end: Option<CaptureEnd>,
}

/// What the processing loop gets from [`CaptureHandle::next`].
pub enum Taken {
    /// The newest frame, and the frames dropped since the previous one was taken.
    Frame(Captured, Vec<(usize, f64)>),
    /// Nothing new within the wait.
    Nothing,
    /// Capture has stopped and every frame was handed out.
    Ended(CaptureEnd),
}

/// The running capture thread.
pub struct CaptureHandle {
    slot: Arc<(Mutex<SlotState>, Condvar)>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<Option<PathBuf>>>>,
    dropped_total: usize,
}

impl CaptureHandle {
    /// Starts capturing from `source`, recording into `record` when given.
    pub fn start(
        mut source: Box<dyn FrameSource>,
        pacing: Pacing,
        record: Option<&Path>,
    ) -> Result<CaptureHandle> {
        // Every frame the camera delivers is recorded, so a session can be analysed again.
        let mut recorder = record
            .map(|out| VideoOut::create(out, source.info()))
            .transpose()?;
        let slot: Arc<(Mutex<SlotState>, Condvar)> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        // Media time `t` of a file played in real time is due at `origin + (t − first t)`.
        let origin = Instant::now();
        let thread = {
            let (slot, stop) = (Arc::clone(&slot), Arc::clone(&stop));
            std::thread::Builder::new()
                .name("capture".into())
                .spawn(move || -> Result<Option<PathBuf>> {
                    let mut first_time = None;
                    let end = loop {
                        if stop.load(Ordering::Relaxed) {
                            break CaptureEnd::Stopped;
                        }
                        let mut frame = match source.next_frame() {
                            Ok(Some(frame)) => frame,
                            Ok(None) if source.ended_early() => {
                                break CaptureEnd::Lost(match pacing {
                                    Pacing::Camera => "the camera stopped delivering frames (unplugged or taken by another program)".into(),
                                    Pacing::Realtime | Pacing::EveryFrame => "the video breaks off before its end (truncated or damaged file)".into(),
                                })
                            }
                            Ok(None) => break CaptureEnd::Finished,
                            Err(e) => break CaptureEnd::Lost(e.to_string()),
                        };
                        let at = match pacing {
                            Pacing::Camera => {
                                frame.time_s = origin.elapsed().as_secs_f64();
                                Instant::now()
                            }
                            Pacing::EveryFrame => Instant::now(),
                            Pacing::Realtime => {
                                let t0 = *first_time.get_or_insert(frame.time_s);
                                let due = origin
                                    + Duration::from_secs_f64((frame.time_s - t0).max(0.0));
                                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                                    std::thread::sleep(wait);
                                }
                                due
                            }
                        };
                        if let Some(r) = recorder.as_mut() {
                            if let Err(e) = r.write(&frame.image) {
                                break CaptureEnd::Lost(format!("cannot record the session: {e}"));
                            }
                        }
                        let (lock, ready) = &*slot;
                        let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
                        while pacing == Pacing::EveryFrame
                            && state.latest.is_some()
                            && !stop.load(Ordering::Relaxed)
                        {
                            state = ready
                                .wait_timeout(state, Duration::from_millis(50))
                                .map(|(s, _)| s)
                                .unwrap_or_else(|p| p.into_inner().0);
                        }
                        if let Some(old) = state.latest.replace(Captured { frame, at }) {
                            state.dropped.push((old.frame.index, old.frame.time_s));
                        }
                        ready.notify_one();
                    };
                    let recorded = recorder.take().map(VideoOut::finish).transpose();
                    let (lock, ready) = &*slot;
                    lock.lock().unwrap_or_else(|p| p.into_inner()).end = Some(end);
                    ready.notify_one();
                    recorded
                })
                .map_err(|e| Error::Internal(format!("cannot start the capture thread: {e}")))?
        };
        Ok(CaptureHandle {
            slot,
            stop,
            thread: Some(thread),
            dropped_total: 0,
        })
    }

    /// Waits up to `wait` for the newest frame.
    pub fn next(&mut self, wait: Duration) -> Taken {
        let (lock, ready) = &*self.slot;
        let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
        if state.latest.is_none() && state.end.is_none() {
            state = ready
                .wait_timeout(state, wait)
                .map(|(s, _)| s)
                .unwrap_or_else(|p| p.into_inner().0);
        }
        match state.latest.take() {
            Some(c) => {
                // Wakes a capture thread waiting for the slot to empty (`Pacing::EveryFrame`).
                ready.notify_one();
                let dropped = std::mem::take(&mut state.dropped);
                self.dropped_total += dropped.len();
                Taken::Frame(c, dropped)
            }
            None => match &state.end {
                Some(end) => Taken::Ended(end.clone()),
                None => Taken::Nothing,
            },
        }
    }

    /// Asks the capture thread to stop after the frame it is reading.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Frames dropped so far (handed out as dropped by [`Self::next`]).
    pub fn dropped(&self) -> usize {
        self.dropped_total
    }

    /// Stops capture and returns the recording's path, once it is complete on disk.
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        self.stop();
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| Error::Internal("the capture thread stopped unexpectedly".into()))?,
            None => Ok(None),
        }
    }
}

impl Drop for CaptureHandle {
    fn drop(&mut self) {
        self.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
