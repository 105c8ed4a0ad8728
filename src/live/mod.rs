//! `ugoki live`: real-time feedback while the person moves.
//!
//! Three threads: capture (camera or a file on its own clock; records everything, hands on
//! only the newest frame), the session loop here (pose, One-Euro smoothing, setup check,
//! drawing, keys), and the repetition analysis ([`reps`]), which judges each finished
//! repetition with `analyze`'s own code. At the end the session folder gets the recording,
//! `analysis.json` of the whole recording (same schema as `analyze`), the HTML report and
//! `session.json` with the latency figures.

pub mod back;
pub mod capture;
pub mod display;
pub mod follow;
pub mod reps;
pub mod screen;
pub mod session;
pub mod setup_check;

use crate::error::{Error, Result};
use crate::interrupt::StopFlag;
use crate::movement::Movement;
use crate::pose::PoseEstimator;
use crate::report::lettering::TextPainter;
use crate::source::FrameSource;
use crate::text::Lang;
use crate::track::PoseFrame;
use back::BackStore;
use capture::{CaptureEnd, CaptureHandle, Pacing, Taken};
use display::{Display, Key};
use follow::Follower;
use opencv::prelude::*;
use reps::{MediaClock, RepSettings, RepWatcher};
use session::{SessionRecord, Spread};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The recording's file name in the session folder.
pub const RECORDING_FILE: &str = "camera.mp4";
/// Setup must be clean for this long before the session counts as ready.
const READY_AFTER_S: f64 = 1.0;

/// How a session runs.
pub struct LiveOptions {
    pub settings: RepSettings,
    pub pacing: Pacing,
    /// Open a window (else headless, keys from standard input).
    pub window: bool,
    /// Print each repetition's verdicts as they come.
    pub print: bool,
    pub session_dir: PathBuf,
}

/// Mean luma of a BGR frame.
fn brightness(image: &opencv::core::Mat) -> Result<f64> {
    let m = opencv::core::mean_def(image)?;
    Ok(0.114 * m[0] + 0.587 * m[1] + 0.299 * m[2])
}

/// What the session loop gathered.
struct Loop {
    frames_processed: usize,
    latency_ms: Vec<f64>,
    processing_ms: Vec<f64>,
    ready_at_s: Option<f64>,
    problems_seen: Vec<setup_check::SetupProblem>,
    snapshots: Vec<PathBuf>,
    clean_since: Option<f64>,
}

/// Runs a session until the source ends, `q`, or `interrupted`; writes the session folder.
pub fn run(
    source: Box<dyn FrameSource>,
    estimator: Box<dyn PoseEstimator>,
    options: LiveOptions,
    interrupted: &StopFlag,
) -> Result<SessionRecord> {
    let mut display = if options.window {
        Display::window()?
    } else {
        Display::headless()
    };
    std::fs::create_dir_all(&options.session_dir).map_err(|e| {
        Error::io(
            format!("cannot create {}", options.session_dir.display()),
            e,
        )
    })?;
    let source_name = source.info().name.clone();
    let recording = options.session_dir.join(RECORDING_FILE);
    let mut text = TextPainter::new();
    let lang_on_screen = if options.settings.lang == Lang::Ja && !text.has_japanese() {
        eprintln!(
            "ugoki: no Japanese font found (install fonts-noto-cjk): the screen shows English"
        );
        Lang::En
    } else {
        options.settings.lang
    };
    let info = source.info().clone();
    let mut follower = Follower::new(estimator, info.width, info.height);
    follower.warm_up()?;
    // The hip / spinal split is needed for the forward bends only (as in `analyze`).
    let backs = match options.settings.movement {
        Movement::Hinge | Movement::Sts => Some(BackStore::start()?),
        Movement::Gait | Movement::Rotation => None,
    };
    let mut capture = CaptureHandle::start(source, options.pacing, Some(&recording))?;
    let mut settings = options.settings;
    settings.source = crate::source::SourceInfo {
        name: recording.to_string_lossy().into_owned(),
        frame_count: None,
        ..info.clone()
    };
    let mut watcher: Option<RepWatcher> = None;
    let mut state = Loop {
        frames_processed: 0,
        latency_ms: Vec::new(),
        processing_ms: Vec::new(),
        ready_at_s: None,
        problems_seen: Vec::new(),
        snapshots: Vec::new(),
        clean_since: None,
    };
    let (mut paused, mut counted_from_s, mut printed) = (false, f64::NEG_INFINITY, 0usize);
    let mut waiting_keys: Vec<Key> = Vec::new();
    let mut last_time_s = 0.0;
    let end = loop {
        if interrupted.is_set() {
            capture.stop();
        }
        let (captured, dropped) = match capture.next(Duration::from_millis(30)) {
            Taken::Ended(end) => break end,
            Taken::Nothing => {
                // Keys pressed before the first frame (or between frames) wait for the next.
                match display.show(None)? {
                    Some(Key::Quit) => capture.stop(),
                    Some(key) => waiting_keys.push(key),
                    None => {}
                }
                continue;
            }
            Taken::Frame(c, dropped) => (c, dropped),
        };
        let frame = &captured.frame;
        last_time_s = frame.time_s;
        let watch = match &mut watcher {
            Some(w) => w,
            None => {
                let clock = match options.pacing {
                    Pacing::EveryFrame => MediaClock::Frames,
                    Pacing::Camera | Pacing::Realtime => MediaClock::Wall {
                        at: captured.at,
                        time_s: frame.time_s,
                    },
                };
                watcher.insert(RepWatcher::start(settings.clone(), clock, backs.clone())?)
            }
        };
        let mut new_frames: Vec<PoseFrame> = dropped
            .into_iter()
            .map(|(index, time_s)| PoseFrame::unseen(index, time_s))
            .collect();
        if paused {
            new_frames.push(PoseFrame::unseen(frame.index, frame.time_s));
            watch.push(new_frames);
            // A snapshot while paused would show no feedback: only the other keys count.
            waiting_keys.extend(display.show(Some(&frame.image))?);
            let keys = std::mem::take(&mut waiting_keys);
            for key in keys.into_iter().filter(|k| *k != Key::Snapshot) {
                handle_key(
                    key,
                    &mut paused,
                    &mut counted_from_s,
                    frame.time_s,
                    &capture,
                );
            }
            continue;
        }
        let started = Instant::now();
        let seen = follower.step(frame)?;
        let problems = setup_check::check(
            seen.as_ref().map(|s| &s.raw),
            brightness(&frame.image)?,
            info.width,
            info.height,
            settings.movement,
        );
        track_setup(&mut state, &problems, frame.time_s);
        if let (Some(b), Some(_)) = (&backs, &seen) {
            b.lock().unwrap_or_else(|p| p.into_inner()).keep(
                frame.index,
                frame.time_s,
                &frame.image,
            )?;
        }
        new_frames.push(PoseFrame {
            skeleton: seen.as_ref().map(|s| s.raw.clone()),
            ..PoseFrame::unseen(frame.index, frame.time_s)
        });
        watch.push(new_frames);
        let announced = watch.announced();
        if options.print {
            let mut out = std::io::stdout().lock();
            for a in &announced[printed..] {
                let _ = writeln!(out, "{}", session::describe(a, settings.lang));
            }
        }
        printed = announced.len();
        let counted: Vec<_> = announced
            .into_iter()
            .filter(|a| a.start_s >= counted_from_s)
            .collect();
        let mut image = frame.image.try_clone()?;
        screen::draw(
            &mut image,
            &screen::ScreenState {
                skeleton: seen.as_ref().map(|s| &s.smoothed),
                counted: &counted,
                setup: if state.ready_at_s.is_some() {
                    &[]
                } else {
                    &problems
                },
                paused,
                lang: lang_on_screen,
                movement: settings.movement,
            },
            &mut text,
        )?;
        state.frames_processed += 1;
        state
            .processing_ms
            .push(started.elapsed().as_secs_f64() * 1e3);
        state
            .latency_ms
            .push(captured.at.elapsed().as_secs_f64() * 1e3);
        let pressed = display.show(Some(&image))?;
        for key in waiting_keys.drain(..).chain(pressed) {
            if key == Key::Snapshot {
                state.snapshots.push(session::snapshot(
                    &options.session_dir,
                    &image,
                    state.snapshots.len() + 1,
                )?);
            }
            handle_key(
                key,
                &mut paused,
                &mut counted_from_s,
                frame.time_s,
                &capture,
            );
        }
    };
    drop(display);
    let dropped = capture.dropped();
    let recorded = capture.finish()?;
    let Some(watch) = watcher else {
        return Err(match end {
            CaptureEnd::Lost(reason) => {
                Error::CaptureLost(format!("{source_name}: {reason}; no frame was captured"))
            }
            _ => Error::bad_input(&source_name, "no frame was captured"),
        });
    };
    let finished = watch.finish(last_time_s);
    let frames = &finished.track.frames;
    let frames_captured = frames.len();
    let duration_s = last_time_s - frames.first().map_or(0.0, |f| f.time_s);
    let record = SessionRecord {
        schema_version: session::SESSION_SCHEMA_VERSION,
        source: source_name,
        movement: settings.movement,
        lang: settings.lang,
        started_utc: session::started_utc(),
        duration_s,
        frames_captured,
        frames_processed: state.frames_processed,
        processed_fps: state.frames_processed as f64 / duration_s.max(1e-9),
        frames_dropped: dropped,
        back_outlines_skipped: 0,
        latency_ms: Spread::of(&state.latency_ms),
        processing_ms: Spread::of(&state.processing_ms),
        analysis_run_ms: Spread::of(&finished.analysis_runs_ms),
        verdict_delay_s: Spread::of(
            &finished
                .announcements
                .iter()
                .filter(|a| !a.verdicts.is_empty())
                .map(|a| a.available_s - a.end_s)
                .collect::<Vec<_>>(),
        ),
        announcements: finished.announcements.clone(),
        ready_at_s: state.ready_at_s,
        setup_problems_seen: state.problems_seen,
        end: session::end_text(&end),
        recording: recorded,
        snapshots: state.snapshots,
        analysis: None,
        report: None,
    };
    session::finish(
        record,
        finished.track,
        finished.analysis,
        backs.as_ref(),
        &options.session_dir,
        end,
    )
}

fn handle_key(
    key: Key,
    paused: &mut bool,
    counted_from_s: &mut f64,
    time_s: f64,
    capture: &CaptureHandle,
) {
    match key {
        Key::Quit => capture.stop(),
        Key::Pause => *paused = !*paused,
        Key::Reset => *counted_from_s = time_s,
        Key::Snapshot => {}
    }
}

/// Notes the problems seen and when the setup became ready (clean for [`READY_AFTER_S`]).
fn track_setup(state: &mut Loop, problems: &[setup_check::SetupProblem], time_s: f64) {
    for p in problems {
        if !state.problems_seen.contains(p) {
            state.problems_seen.push(*p);
        }
    }
    if state.ready_at_s.is_some() {
        return;
    }
    if problems.is_empty() {
        let since = *state.clean_since.get_or_insert(time_s);
        if time_s - since >= READY_AFTER_S {
            state.ready_at_s = Some(time_s);
        }
    } else {
        state.clean_since = None;
    }
}
