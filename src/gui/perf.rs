//! Frame and render time history for the performance panel (reference §1.3.5: the last 60
//! frame times and the last 30 render times, with means and rates).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

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
///
/// The window draws only when something changes (input, a result, an animation), so the time
/// between frames says little; the frame plot shows the time the UI thread spent on each frame
/// (what decides whether it stays responsive), and the rate counts the frames of the last second.
#[derive(Clone, Debug)]
pub struct Perf {
    /// UI-thread time per frame.
    pub frames: History,
    /// Render times reported by the workers (both views).
    pub renders: History,
    /// The longest UI-thread frame so far.
    pub worst_frame: Duration,
    /// When the frames of the last second started.
    recent: VecDeque<Instant>,
}

impl Default for Perf {
    fn default() -> Self {
        Self {
            frames: History::new(60),
            renders: History::new(30),
            worst_frame: Duration::ZERO,
            recent: VecDeque::new(),
        }
    }
}

impl Perf {
    /// Records a frame that started at `start` and took `work` on the UI thread.
    pub fn frame(&mut self, start: Instant, work: Duration) {
        self.frames.push(work);
        self.worst_frame = self.worst_frame.max(work);
        self.recent.push_back(start);
        while self.recent.front().is_some_and(|t| start.duration_since(*t) > Duration::from_secs(1)) {
            self.recent.pop_front();
        }
    }

    /// Frames drawn during the last second.
    pub fn fps(&self) -> usize {
        self.recent.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
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

    #[test]
    fn counts_the_frames_of_the_last_second() {
        let mut p = Perf::default();
        let t0 = Instant::now();
        for i in 0..30 {
            p.frame(t0 + Duration::from_millis(100 * i), Duration::from_millis(2));
        }
        assert_eq!(p.fps(), 11); // frames at 2.0 s … 2.9 s and 1.9 s (1.0 s before the last)
        assert_eq!(p.frames.len(), 30);
        assert_eq!(p.worst_frame, Duration::from_millis(2));
    }
}
