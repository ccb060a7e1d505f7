//! Frame and render time history for the performance panel (reference §1.3.5: the last 60
//! frame times and the last 30 render times, with means and rates).

use std::collections::VecDeque;
use std::time::Duration;

/// A fixed-length history of durations (seconds).
#[derive(Clone, Debug)]
pub struct History {
    values: VecDeque<f64>,
    capacity: usize,
}

impl History {
    pub fn new(capacity: usize) -> Self {
        Self { values: VecDeque::with_capacity(capacity), capacity: capacity.max(1) }
    }

    pub fn push(&mut self, d: Duration) {
        if self.values.len() == self.capacity {
            self.values.pop_front();
        }
        self.values.push_back(d.as_secs_f64());
    }

    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Mean in seconds, `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        (!self.values.is_empty()).then(|| self.values.iter().sum::<f64>() / self.values.len() as f64)
    }

    pub fn max(&self) -> Option<f64> {
        self.values.iter().copied().reduce(f64::max)
    }

    /// Events per second implied by the mean.
    pub fn rate(&self) -> Option<f64> {
        self.mean().filter(|m| *m > 0.0).map(|m| 1.0 / m)
    }
}

/// Everything the performance panel shows.
#[derive(Clone, Debug)]
pub struct Perf {
    /// Time between frames of the window.
    pub frames: History,
    /// Render times reported by the workers (both views).
    pub renders: History,
    /// The longest gap between two frames seen so far (how long the window was unresponsive).
    pub worst_frame: Duration,
}

impl Default for Perf {
    fn default() -> Self {
        Self { frames: History::new(60), renders: History::new(30), worst_frame: Duration::ZERO }
    }
}

impl Perf {
    pub fn frame(&mut self, dt: Duration) {
        self.frames.push(dt);
        self.worst_frame = self.worst_frame.max(dt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_values_and_reports_means() {
        let mut h = History::new(3);
        assert_eq!(h.mean(), None);
        for ms in [10, 20, 30, 40] {
            h.push(Duration::from_millis(ms));
        }
        assert_eq!(h.len(), 3);
        assert!((h.mean().unwrap() - 0.03).abs() < 1e-12);
        assert!((h.rate().unwrap() - 33.333).abs() < 1e-2);
        assert_eq!(h.max(), Some(0.04));
    }
}
