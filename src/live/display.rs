//! Where the feedback goes and where keys come from: an OpenCV window, or, with
//! `--no-window`, nowhere on screen, with keys read from standard input (one per line).

use crate::error::{Error, Result};
use opencv::core::Mat;
use opencv::highgui;
use std::io::BufRead;
use std::sync::mpsc::{self, Receiver};

const WINDOW: &str = "ugoki live";

/// What a key press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Quit,
    Pause,
    Reset,
    Snapshot,
}

impl Key {
    fn from_char(c: char) -> Option<Key> {
        match c {
            'q' | 'Q' | '\u{1b}' => Some(Key::Quit),
            ' ' => Some(Key::Pause),
            'r' | 'R' => Some(Key::Reset),
            's' | 'S' => Some(Key::Snapshot),
            _ => None,
        }
    }

    /// The word standard input may also use (`space`, `quit`, …).
    fn from_line(line: &str) -> Option<Key> {
        match line.trim() {
            "space" | "pause" | "p" => Some(Key::Pause),
            "quit" => Some(Key::Quit),
            "reset" => Some(Key::Reset),
            "snapshot" => Some(Key::Snapshot),
            "" if !line.is_empty() => Some(Key::Pause),
            t => t.chars().next().and_then(Key::from_char),
        }
    }
}

/// The session's screen.
pub enum Display {
    Window,
    Headless(Receiver<Key>),
}

impl Display {
    /// Opens the window, or checks there is a display to open it on.
    pub fn window() -> Result<Display> {
        let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
        if !has_display {
            return Err(Error::Usage(
                "no display to open the live window on; run from a desktop session, or add \
                 --no-window (feedback is then printed in the terminal)"
                    .into(),
            ));
        }
        highgui::named_window(WINDOW, highgui::WINDOW_AUTOSIZE).map_err(|e| {
            Error::Usage(format!(
                "cannot open the live window ({e}); add --no-window"
            ))
        })?;
        Ok(Display::Window)
    }

    /// No window; keys (`q`, `space`, `r`, `s`, one per line) from standard input.
    pub fn headless() -> Display {
        let (tx, rx) = mpsc::channel();
        // The reader may block on a terminal until the process ends; it holds nothing else.
        let _ = std::thread::Builder::new()
            .name("keys".into())
            .spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { break };
                    if let Some(key) = Key::from_line(&line) {
                        if tx.send(key).is_err() {
                            break;
                        }
                    }
                }
            });
        Display::Headless(rx)
    }

    /// Shows a frame (window only) and returns a key pressed since the last call.
    pub fn show(&mut self, image: Option<&Mat>) -> Result<Option<Key>> {
        match self {
            Display::Window => {
                if let Some(image) = image {
                    highgui::imshow(WINDOW, image)?;
                }
                let code = highgui::wait_key(1)?;
                Ok(u32::try_from(code)
                    .ok()
                    .and_then(|c| char::from_u32(c & 0xff))
                    .and_then(Key::from_char))
            }
            Display::Headless(keys) => Ok(keys.try_recv().ok()),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if matches!(self, Display::Window) {
            let _ = highgui::destroy_all_windows();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_from_lines() {
        assert_eq!(Key::from_line("q"), Some(Key::Quit));
        assert_eq!(Key::from_line(" "), Some(Key::Pause));
        assert_eq!(Key::from_line("space"), Some(Key::Pause));
        assert_eq!(Key::from_line("r"), Some(Key::Reset));
        assert_eq!(Key::from_line("s"), Some(Key::Snapshot));
        assert_eq!(Key::from_line(""), None);
        assert_eq!(Key::from_line("x"), None);
    }
}
