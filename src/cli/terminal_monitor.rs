//! A [`Monitor`] for the command line: a one-line progress bar on stderr (only when stderr is a
//! terminal) and cancellation by Ctrl-C.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::progress::Monitor;
use crate::{Error, Result};

pub struct TerminalMonitor {
    label: String,
    show: bool,
    cancelled: Arc<AtomicBool>,
    /// The last drawn percentage (redraw only when it changes).
    last: Mutex<Option<u32>>,
}

/// The process-wide Ctrl-C flag, with its handler installed once (the `ctrlc` crate allows one
/// handler per process; every monitor shares this flag, so none is left deaf).
fn ctrl_c_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = flag.clone();
        // `set_handler` replaces an inherited disposition too: a process started in the
        // background of a script inherits SIGINT *ignored*, and `try_set_handler` would refuse,
        // leaving `kill -INT` without effect.
        if let Err(e) = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        }) {
            eprintln!("warning: Ctrl-C cannot cancel cleanly (its handler could not be installed: {e})");
        }
        flag
    })
    .clone()
}

/// Installs the Ctrl-C handler now (commands call this first, so that a Ctrl-C during loading is
/// already a cancellation rather than an abrupt end).
pub fn install_ctrl_c() {
    ctrl_c_flag();
}

impl TerminalMonitor {
    /// A bar labelled `label`; Ctrl-C sets the cancel flag (a second Ctrl-C ends the process as
    /// usual).
    pub fn new(label: &str) -> Self {
        Self {
            label: label.to_string(),
            show: std::io::stderr().is_terminal(),
            cancelled: ctrl_c_flag(),
            last: Mutex::new(None),
        }
    }

    /// Ends the bar's line.
    pub fn finish(&self) {
        if self.show && self.last.lock().map(|l| l.is_some()).unwrap_or(false) {
            eprintln!();
        }
    }
}

impl Monitor for TerminalMonitor {
    fn set_fraction(&self, fraction: f64) -> Result<()> {
        if self.show {
            let pct = (fraction.clamp(0.0, 1.0) * 100.0).round() as u32;
            if let Ok(mut last) = self.last.lock()
                && *last != Some(pct)
            {
                *last = Some(pct);
                let filled = (pct as usize * 30) / 100;
                let bar: String = "#".repeat(filled) + &"-".repeat(30 - filled);
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r{} [{bar}] {pct:3}%", self.label);
                let _ = err.flush();
            }
        }
        if self.is_cancelled() { Err(Error::Cancelled) } else { Ok(()) }
    }

    fn log(&self, line: &str) {
        // Leave the bar's line; the next progress report draws a fresh bar below the message.
        if let Ok(mut last) = self.last.lock()
            && self.show
            && last.take().is_some()
        {
            eprintln!();
        }
        eprintln!("{line}");
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}
