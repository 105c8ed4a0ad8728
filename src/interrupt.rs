//! Ctrl-C: the first asks the running command to stop cleanly (the batch starts no more
//! videos, a live session ends and is saved); a second ends the process at once, leaving at
//! most `.part` files, which are never counted as output.

use crate::error::exit_code;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Set once Ctrl-C (SIGINT or SIGTERM) was received.
#[derive(Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag set by Ctrl-C; `what_happens` is printed on the first. Installing the handler can fail only when another one was
    /// installed in this process; then Ctrl-C keeps its default (ending the process), which
    /// is still safe because every file is written atomically.
    pub fn on_ctrl_c(what_happens: &'static str) -> StopFlag {
        let flag = StopFlag::default();
        let handler_flag = flag.clone();
        let installed = ctrlc::set_handler(move || {
            if handler_flag.0.swap(true, Ordering::SeqCst) {
                std::process::exit(exit_code::INTERRUPTED);
            }
            eprintln!("ugoki: {what_happens} (Ctrl-C again to stop now)");
        });
        if let Err(e) = installed {
            tracing::warn!("Ctrl-C handler not installed: {e}");
        }
        flag
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
