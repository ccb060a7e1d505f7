//! Data-parallel training steps (`--workers`): a StyleGAN3-T run whose batch is split over two
//! worker threads takes the steps of the whole-batch run up to float rounding (with minibatch
//! standard deviation groups of 1, so that the groups do not depend on the split), repeats
//! exactly, and a batch that cannot be split evenly is refused with a message naming the flags.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/toy_data.rs"]
mod toy_data;
#[path = "common/train_util.rs"]
mod train_util;

use std::path::Path;

use stylescope::checkpoint::Checkpoint;
use stylescope::train::{NoSink, TrainCfg, train};
use train_util::{TestMonitor, param_distance, tiny_options};

fn run(data: &Path, out: &Path, workers: usize, kimg: f64) -> Checkpoint {
    let mut o = tiny_options(TrainCfg::StyleGan3T, data, out, 4, kimg);
    o.cmax = 8;
    o.tick = 0.004;
    o.mbstd_group = 1;
    o.r1_interval = 1;
    o.workers = workers;
    let monitor = TestMonitor::new(None);
    let outcome = train(&o, &monitor, &NoSink).unwrap();
    assert_eq!(outcome.batch_idx, (kimg * 250.0).round() as u64);
    let log = std::fs::read_to_string(outcome.run_dir.join("log.txt")).unwrap();
    assert_eq!(workers > 1, log.contains("in 2 slices of 2 on worker threads"), "{log}");
    Checkpoint::open(&outcome.last_snapshot).unwrap()
}

#[test]
fn two_workers_take_the_whole_batch_steps_and_repeat_exactly() {
    let dir = common::temp_dir("test-workers");
    let data = dir.join("discs");
    toy_data::write_discs(&data, 8, 16, 2);
    // The reference for "far apart": how far one step moves the networks.
    let first = run(&data, &dir.join("first"), 1, 0.004);
    let one = run(&data, &dir.join("one"), 1, 0.008);
    let two = run(&data, &dir.join("two"), 2, 0.008);
    let again = run(&data, &dir.join("again"), 2, 0.008);
    for net in ["G", "D"] {
        let (_, max) = param_distance(&two, net, &again, net);
        assert_eq!(max, 0.0, "{net}: two runs with two workers differ");
        let (moved, _) = param_distance(&first, net, &one, net);
        let (apart, apart_max) = param_distance(&one, net, &two, net);
        eprintln!(
            "{net}: moved {moved:.4e} in the second step; one vs two workers {apart:.3e} (largest {apart_max:.3e})"
        );
        assert!(moved > 1e-3, "{net} did not train: {moved}");
        assert!(apart < 1e-4 * moved, "{net}: two workers {apart} apart from one, which moved {moved}");
    }
}

#[test]
fn uneven_splits_are_refused() {
    let dir = common::temp_dir("test-workers-bad");
    let mut o = tiny_options(TrainCfg::StyleGan3T, &dir.join("none"), &dir.join("runs"), 6, 0.1);
    o.mbstd_group = 2;
    o.workers = 4;
    let e = train(&o, &TestMonitor::new(None), &NoSink).unwrap_err().to_string();
    assert!(e.contains("--batch 6 must be a multiple of --workers 4"), "{e}");
    o.workers = 0;
    let e = train(&o, &TestMonitor::new(None), &NoSink).unwrap_err().to_string();
    assert!(e.contains("--workers 0"), "{e}");
    o.workers = 2;
    o.batch = 12;
    o.mbstd_group = 4;
    let e = train(&o, &TestMonitor::new(None), &NoSink).unwrap_err().to_string();
    assert!(e.contains("slice of 6 images (--batch 12 / --workers 2) must be a multiple of --mbstd-group 4"), "{e}");
}
