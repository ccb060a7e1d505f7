//! The progress of one job as the window shows it: completed fraction, elapsed time and an
//! estimate of the time left. Pure bookkeeping; every method takes the current instant so it can
//! be tested with a fixed clock.

use std::time::{Duration, Instant};

/// Progress of a job over its lifetime.
#[derive(Clone, Debug, Default)]
pub struct ProgressState {
    fraction: f64,
    started: Option<Instant>,
    ended: Option<Instant>,
}

impl ProgressState {
    /// The job starts running at `now`.
    pub fn start(&mut self, now: Instant) {
        self.started = Some(now);
        self.ended = None;
        self.fraction = 0.0;
    }

    /// The job stops (finished, failed or cancelled) at `now`.
    pub fn end(&mut self, now: Instant) {
        if self.ended.is_none() {
            self.ended = Some(now);
        }
    }

    /// Sets the completed fraction (clamped to 0..=1; NaN counts as 0).
    pub fn set_fraction(&mut self, fraction: f64) {
        self.fraction = if fraction.is_nan() { 0.0 } else { fraction.clamp(0.0, 1.0) };
    }

    pub fn fraction(&self) -> f64 {
        self.fraction
    }

    /// Time spent running: until `now`, or until the end.
    pub fn elapsed(&self, now: Instant) -> Duration {
        match self.started {
            Some(s) => self.ended.unwrap_or(now).saturating_duration_since(s),
            None => Duration::ZERO,
        }
    }

    /// Estimated time left, from the average rate so far: `elapsed·(1 − f)/f`. `None` before
    /// any progress, after the end, or before the job has run for a second (too early to tell).
    pub fn eta(&self, now: Instant) -> Option<Duration> {
        if self.ended.is_some() || self.started.is_none() {
            return None;
        }
        let f = self.fraction;
        let elapsed = self.elapsed(now).as_secs_f64();
        if f <= 0.0 || elapsed < 1.0 {
            return None;
        }
        if f >= 1.0 {
            return Some(Duration::ZERO);
        }
        Duration::try_from_secs_f64(elapsed * (1.0 - f) / f).ok()
    }
}

/// `"1:02:03"` / `"2:03"` / `"5s"`: a duration for progress bars.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}:{:02}", s / 60, s % 60)
    } else {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_follows_the_average_rate() {
        let t0 = Instant::now();
        let at = |s: f64| t0 + Duration::from_secs_f64(s);
        let mut p = ProgressState::default();
        assert_eq!(p.eta(t0), None);
        p.start(t0);
        p.set_fraction(0.1);
        assert_eq!(p.eta(at(0.5)), None, "too early to tell");
        // 10 % in 10 s → 90 s left.
        assert_eq!(p.eta(at(10.0)), Some(Duration::from_secs(90)));
        p.set_fraction(0.5);
        assert_eq!(p.eta(at(20.0)), Some(Duration::from_secs(20)));
        p.set_fraction(f64::NAN);
        assert_eq!(p.fraction(), 0.0);
        p.set_fraction(2.0);
        assert_eq!(p.eta(at(30.0)), Some(Duration::ZERO));
        p.end(at(30.0));
        assert_eq!(p.eta(at(40.0)), None);
        assert_eq!(p.elapsed(at(99.0)), Duration::from_secs(30));
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(format_duration(Duration::from_secs(5)), "5s");
        assert_eq!(format_duration(Duration::from_secs(123)), "2:03");
        assert_eq!(format_duration(Duration::from_secs(3723)), "1:02:03");
    }
}
