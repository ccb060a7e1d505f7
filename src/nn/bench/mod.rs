//! Library side of `stylescope bench`: the benchmark networks (official full-size
//! configurations with random weights), the engine interface, the runner and its report.
//!
//! | file | content |
//! |---|---|
//! | [`config`] | [`BenchConfig`]: the networks, their multiply-accumulate counts, PyTorch's figures |
//! | [`engine`] | [`Engine`] (what is timed) and [`CpuEngine`] |
//! | [`runner`] | [`run`]: warm-up, timed runs, medians, per-op split, peak memory |
//! | [`report`] | [`BenchReport`], one JSON line per configuration |
//! | [`process_stats`] | CPU time, peak RSS and load average from `/proc` |
//! | [`layer_ops`] | per-op timing of one StyleGAN3 layer, fast path against the reference |
//! | [`calibrate`] | the in-run reference matrix product and a nominal FP32 peak |
//!
//! Only synthesis is timed (the mapping network runs once per configuration to make `ws`; it is
//! well under a millisecond).

pub mod calibrate;
pub mod config;
pub mod engine;
pub mod layer_ops;
pub mod process_stats;
pub mod report;
pub mod runner;

pub use config::{BenchConfig, Macs, macs};
pub use engine::{CpuEngine, Engine, OpSplit};
pub use report::BenchReport;
pub use runner::{BenchOptions, run};
