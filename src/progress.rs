//! Progress and cancellation for long computations, usable from every layer.
//!
//! Lower layers (`analysis`, `train`, …) take a `&dyn Monitor` and report how far they are; the
//! job system (`crate::jobs`) implements it with progress bars, ETA, logs and a cancel button; the
//! command line implements it with a terminal progress bar and Ctrl-C. Reporting progress is also
//! where cancellation is noticed: [`Monitor::set_fraction`] returns [`Error::Cancelled`] once the
//! user has cancelled, so a loop stops promptly with `?`.

use crate::{Error, Result};

/// Receives progress and log lines from a long computation and says whether it should stop.
pub trait Monitor: Sync {
    /// Sets the completed fraction (0..=1) of the whole task. Returns [`Error::Cancelled`] when
    /// the task has been cancelled.
    fn set_fraction(&self, fraction: f64) -> Result<()>;

    /// A line for the task's log.
    fn log(&self, line: &str);

    /// Whether the task has been cancelled.
    fn is_cancelled(&self) -> bool;

    /// `done` of `total` units finished.
    fn set_count(&self, done: u64, total: u64) -> Result<()> {
        self.set_fraction(if total == 0 { 1.0 } else { done as f64 / total as f64 })
    }

    /// Returns [`Error::Cancelled`] when the task has been cancelled.
    fn check(&self) -> Result<()> {
        if self.is_cancelled() { Err(Error::Cancelled) } else { Ok(()) }
    }
}

/// Reports nothing and never cancels.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Monitor for Silent {
    fn set_fraction(&self, _fraction: f64) -> Result<()> {
        Ok(())
    }
    fn log(&self, _line: &str) {}
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// The sub-range `[start, end]` of a parent monitor: fraction `f` of the sub-task is reported as
/// `start + f·(end − start)` of the parent. Nest them for nested stages.
pub struct SubRange<'a> {
    parent: &'a dyn Monitor,
    start: f64,
    end: f64,
}

impl<'a> SubRange<'a> {
    pub fn new(parent: &'a dyn Monitor, start: f64, end: f64) -> Self {
        Self { parent, start, end }
    }
}

impl Monitor for SubRange<'_> {
    fn set_fraction(&self, fraction: f64) -> Result<()> {
        let f = fraction.clamp(0.0, 1.0);
        self.parent.set_fraction(self.start + f * (self.end - self.start))
    }
    fn log(&self, line: &str) {
        self.parent.log(line)
    }
    fn is_cancelled(&self) -> bool {
        self.parent.is_cancelled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    struct Recorder {
        last: Mutex<f64>,
        cancelled: AtomicBool,
    }
    impl Monitor for Recorder {
        fn set_fraction(&self, f: f64) -> Result<()> {
            *self.last.lock().unwrap() = f;
            self.check()
        }
        fn log(&self, _line: &str) {}
        fn is_cancelled(&self) -> bool {
            self.cancelled.load(Ordering::Relaxed)
        }
    }

    #[test]
    fn nested_ranges_map_to_the_parent() {
        let r = Recorder { last: Mutex::new(0.0), cancelled: AtomicBool::new(false) };
        let a = SubRange::new(&r, 0.5, 1.0);
        let b = SubRange::new(&a, 0.0, 0.5);
        b.set_fraction(0.5).unwrap();
        assert!((*r.last.lock().unwrap() - 0.625).abs() < 1e-12);
        b.set_count(3, 4).unwrap();
        assert!((*r.last.lock().unwrap() - 0.6875).abs() < 1e-12);
    }

    #[test]
    fn cancellation_is_reported_through_progress() {
        let r = Recorder { last: Mutex::new(0.0), cancelled: AtomicBool::new(true) };
        let sub = SubRange::new(&r, 0.0, 0.1);
        assert!(matches!(sub.set_fraction(0.3), Err(Error::Cancelled)));
        assert!(matches!(sub.check(), Err(Error::Cancelled)));
        assert!(Silent.set_fraction(0.3).is_ok());
    }
}
