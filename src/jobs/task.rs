//! A one-shot background task: runs a closure on its own thread; the caller polls for the result
//! without blocking (used e.g. for a native file dialog, so the window keeps drawing).

use std::sync::mpsc::{self, Receiver, TryRecvError};

use crate::{Error, Result};

/// A running (or finished) one-shot task.
#[derive(Debug)]
pub struct Task<T> {
    rx: Option<Receiver<T>>,
}

impl<T: Send + 'static> Task<T> {
    /// Starts `work` on a new thread named `name`; `done` is called after the result is sent.
    pub fn spawn(
        name: &str,
        work: impl FnOnce() -> T + Send + 'static,
        done: impl FnOnce() + Send + 'static,
    ) -> Result<Self> {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let _ = tx.send(work());
                done();
            })
            .map_err(|e| Error::Invalid(format!("cannot start the task `{name}`: {e}")))?;
        Ok(Self { rx: Some(rx) })
    }

    /// The result once it is there (returned once); `None` while running or after it was taken.
    /// A task whose thread died without a result counts as finished with no result.
    pub fn poll(&mut self) -> Option<T> {
        let rx = self.rx.as_ref()?;
        match rx.try_recv() {
            Ok(v) => {
                self.rx = None;
                Some(v)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.rx = None;
                None
            }
        }
    }

    /// Whether the task may still deliver a result.
    pub fn running(&self) -> bool {
        self.rx.is_some()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn result_arrives_once() {
        let mut t = Task::spawn("test-task", || 6 * 7, || {}).unwrap();
        let start = Instant::now();
        let v = loop {
            if let Some(v) = t.poll() {
                break v;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "task never finished");
            std::thread::sleep(Duration::from_millis(1));
        };
        assert_eq!(v, 42);
        assert!(!t.running());
        assert_eq!(t.poll(), None);
    }
}
