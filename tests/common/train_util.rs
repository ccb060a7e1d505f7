//! Helpers for training tests: options for tiny networks, monitors and sinks that record.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use stylescope::checkpoint::Checkpoint;
use stylescope::progress::Monitor;
use stylescope::train::params::is_generator_buffer;
use stylescope::train::{TrainCfg, TrainEvent, TrainOptions, TrainSink};

/// A tiny StyleGAN2 run: 16² (from the data), 8/16 channels, z/w 16, two mapping layers.
pub fn tiny_options(cfg: TrainCfg, data: &Path, outdir: &Path, batch: usize, kimg: f64) -> TrainOptions {
    let mut o = TrainOptions::new(cfg, data.to_path_buf(), outdir.to_path_buf(), batch, 0.1);
    o.kimg = kimg;
    o.cbase = 128;
    o.cmax = 16;
    o.z_dim = 16;
    o.w_dim = 16;
    o.map_depth = Some(2);
    o.grid = [4, 2];
    o
}

/// Distance between the parameters of network `ka` of `a` and `kb` of `b` (same tensors in the
/// same order; buffers such as `w_avg` or `magnitude_ema` skipped, as they follow the training
/// forwards): the Euclidean norm and the largest absolute difference. Every value of `b` must be
/// finite.
pub fn param_distance(a: &Checkpoint, ka: &str, b: &Checkpoint, kb: &str) -> (f64, f32) {
    let (na, nb) = (a.network(ka).unwrap(), b.network(kb).unwrap());
    assert_eq!(na.tensors.len(), nb.tensors.len(), "{ka} vs {kb}");
    let (mut sq, mut max) = (0.0f64, 0.0f32);
    for ((name, ta), (name_b, tb)) in na.tensors.iter().zip(&nb.tensors) {
        assert_eq!(name, name_b);
        if is_generator_buffer(name) {
            continue;
        }
        for (x, y) in ta.to_f32_vec().unwrap().iter().zip(tb.to_f32_vec().unwrap()) {
            assert!(y.is_finite(), "{kb}.{name_b} is not finite");
            sq += f64::from(x - y).powi(2);
            max = max.max((x - y).abs());
        }
    }
    (sq.sqrt(), max)
}

/// Records log lines; cancels once `cancel_after` progress reports were made.
pub struct TestMonitor {
    pub lines: Mutex<Vec<String>>,
    pub reports: AtomicUsize,
    pub cancel_after: Option<usize>,
    pub cancelled: AtomicBool,
}

impl TestMonitor {
    pub fn new(cancel_after: Option<usize>) -> Self {
        Self {
            lines: Mutex::new(Vec::new()),
            reports: AtomicUsize::new(0),
            cancel_after,
            cancelled: AtomicBool::new(false),
        }
    }
}

impl Monitor for TestMonitor {
    fn set_fraction(&self, _f: f64) -> stylescope::Result<()> {
        let n = self.reports.fetch_add(1, Ordering::SeqCst) + 1;
        if self.cancel_after.is_some_and(|c| n >= c) {
            self.cancelled.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
    fn log(&self, line: &str) {
        self.lines.lock().unwrap().push(line.to_string());
    }
    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Keeps every event.
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<TrainEvent>>,
    pub live: bool,
}

impl TrainSink for Recorder {
    fn event(&self, e: TrainEvent) {
        self.events.lock().unwrap().push(e);
    }
    fn wants_live_samples(&self, _tick: u64) -> bool {
        self.live
    }
}
