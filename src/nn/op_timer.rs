//! Per-op accounting for `stylescope bench`: the synthesis layers wrap their modulated
//! convolution and filtered leaky ReLU calls in [`timed`], which adds the call's wall time and
//! the process's CPU time during it (all threads, [`crate::nn::bench::process_stats::cpu_time`]).
//! Off by default; when off, [`timed`] costs one relaxed atomic load. Timers sit around op
//! calls (about thirty per image), never inside kernels.
//!
//! The totals are process-wide (one forward at a time is what the bench runs).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::nn::bench::process_stats::cpu_time;

/// The ops the bench splits time into (everything else is "other").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimedOp {
    /// Modulated convolution, including weight modulation/demodulation and, for StyleGAN2,
    /// the up-sampling transposed convolution and its FIR filter.
    ModConv,
    /// StyleGAN3's filtered leaky ReLU (bias, up-sampling, activation, down-sampling).
    FilteredLrelu,
}

static ENABLED: AtomicBool = AtomicBool::new(false);
static NANOS: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];
static CPU_NANOS: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

/// Switches the accounting on or off (and clears the totals).
pub fn enable(on: bool) {
    reset();
    ENABLED.store(on, Ordering::Relaxed);
}

/// Clears the totals.
pub fn reset() {
    for n in NANOS.iter().chain(&CPU_NANOS) {
        n.store(0, Ordering::Relaxed);
    }
}

/// The wall-time totals since the last [`reset`]: `(modulated conv, filtered lrelu)`.
pub fn totals() -> (Duration, Duration) {
    let get = |op: TimedOp| Duration::from_nanos(NANOS[op as usize].load(Ordering::Relaxed));
    (get(TimedOp::ModConv), get(TimedOp::FilteredLrelu))
}

/// The CPU-time totals since the last [`reset`]: `(modulated conv, filtered lrelu)`.
pub fn cpu_totals() -> (Duration, Duration) {
    let get = |op: TimedOp| Duration::from_nanos(CPU_NANOS[op as usize].load(Ordering::Relaxed));
    (get(TimedOp::ModConv), get(TimedOp::FilteredLrelu))
}

/// Runs `f`, adding its wall time to `op` when accounting is on.
#[inline]
pub fn timed<T>(op: TimedOp, f: impl FnOnce() -> T) -> T {
    if !ENABLED.load(Ordering::Relaxed) {
        return f();
    }
    let c0 = cpu_time();
    let t0 = Instant::now();
    let out = f();
    let ns = u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX);
    NANOS[op as usize].fetch_add(ns, Ordering::Relaxed);
    if let (Some(c0), Some(c1)) = (c0, cpu_time()) {
        let ns = u64::try_from(c1.saturating_sub(c0).as_nanos()).unwrap_or(u64::MAX);
        CPU_NANOS[op as usize].fetch_add(ns, Ordering::Relaxed);
    }
    out
}
