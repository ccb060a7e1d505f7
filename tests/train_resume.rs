//! Stopping a run and resuming from its last snapshot continues exactly: after the first resumed
//! iteration (and after the next) every parameter, buffer, G_ema tensor, optimiser moment and
//! step count, the path-length mean and the progress counters are bit-identical to those of an
//! uninterrupted run. Regularisation runs every second iteration here, so the resumed steps
//! include R1 and path-length steps.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/toy_data.rs"]
mod toy_data;
#[path = "common/train_util.rs"]
mod train_util;

use std::path::Path;

use stylescope::checkpoint::Checkpoint;
use stylescope::train::{NoSink, TrainCfg, TrainOptions, train};
use train_util::{TestMonitor, tiny_options};

fn options(data: &Path, out: &Path, iterations: usize) -> TrainOptions {
    let mut o = tiny_options(TrainCfg::StyleGan2, data, out, 4, 0.004 * iterations as f64);
    o.tick = 0.004;
    o.snap = 1;
    o.r1_interval = 2;
    o.pl_interval = 2;
    o.mirror = true;
    o.seed = 5;
    o
}

/// Every tensor byte and the counters of two snapshots are equal.
fn assert_identical(a: &Path, b: &Path, what: &str) {
    let (a, b) = (Checkpoint::open(a).unwrap(), Checkpoint::open(b).unwrap());
    let keys: Vec<&str> = a.networks.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["G", "D", "G_ema", "G_opt", "D_opt", "training_state"]);
    for na in &a.networks {
        let nb = b.network(&na.key).unwrap();
        assert_eq!(na.tensors.len(), nb.tensors.len(), "{what}: {}", na.key);
        for ((name, ta), (name_b, tb)) in na.tensors.iter().zip(&nb.tensors) {
            assert_eq!(name, name_b);
            assert!(ta == tb, "{what}: {}.{name} differs", na.key);
        }
    }
    let (sa, sb) =
        (&a.network("training_state").unwrap().init_kwargs, &b.network("training_state").unwrap().init_kwargs);
    for k in ["cur_nimg", "batch_idx", "pl_mean", "seed"] {
        assert_eq!(sa[k], sb[k], "{what}: {k}");
    }
    for k in ["G_opt", "D_opt"] {
        assert_eq!(
            a.network(k).unwrap().init_kwargs,
            b.network(k).unwrap().init_kwargs,
            "{what}: {k} settings and step"
        );
    }
}

#[test]
fn resumed_run_is_bit_identical_to_an_uninterrupted_one() {
    let dir = common::temp_dir("test-resume");
    let data = dir.join("discs");
    toy_data::write_discs(&data, 12, 8, 3);
    let run = |o: &TrainOptions, cancel: Option<usize>| train(o, &TestMonitor::new(cancel), &NoSink).unwrap();

    let full4 = run(&options(&data, &dir.join("a4"), 4), None);
    let full5 = run(&options(&data, &dir.join("a5"), 5), None);
    assert_eq!((full4.batch_idx, full5.batch_idx), (4, 5));

    // Stopped (as by Ctrl-C) after three iterations: a final snapshot is written.
    let stopped = run(&options(&data, &dir.join("b"), 5), Some(3));
    assert!(stopped.cancelled);
    assert_eq!(stopped.batch_idx, 3);

    for (iterations, reference) in [(4, &full4), (5, &full5)] {
        let mut o = options(&data, &dir.join(format!("c{iterations}")), iterations);
        o.resume = Some(stopped.last_snapshot.clone());
        let resumed = run(&o, None);
        assert_eq!(resumed.batch_idx, iterations as u64);
        assert!(!resumed.cancelled);
        assert_identical(&resumed.last_snapshot, &reference.last_snapshot, &format!("after {iterations} iterations"));
    }
    // And a stop at a different point differs (the comparison can fail).
    let other = Checkpoint::open(&stopped.last_snapshot).unwrap();
    let end = Checkpoint::open(&full5.last_snapshot).unwrap();
    assert!(other.network("G").unwrap().tensors != end.network("G").unwrap().tensors);
}

/// Continuing an official run: `--resume` from NVIDIA's pickles (all three families) takes G, D
/// and G_ema from the file; one iteration moves D by about a learning rate and G_ema's parameters
/// barely (no EMA ramp-up after a pickle resume, as NVIDIA's).
#[test]
fn resumes_from_nvidia_pickles() {
    let dir = common::temp_dir("test-resume-pkl");
    let data = dir.join("discs64");
    toy_data::write_discs(&data, 4, 64, 8);
    for (net, cfg) in
        [("sg2_64", TrainCfg::StyleGan2), ("sg3t_64", TrainCfg::StyleGan3T), ("sg3r_64", TrainCfg::StyleGan3R)]
    {
        let fixture = require_fixture!(net);
        let pkl = fixture.join("network.pkl");
        let mut o = TrainOptions::new(cfg, data.clone(), dir.join(net), 2, 1.0);
        o.kimg = 0.002;
        o.grid = [2, 1];
        o.resume = Some(pkl.clone());
        let out = train(&o, &TestMonitor::new(None), &NoSink).unwrap();
        assert_eq!(out.batch_idx, 1);
        let (old, new) = (Checkpoint::open(&pkl).unwrap(), Checkpoint::open(&out.last_snapshot).unwrap());
        // Parameters only (buffers such as magnitude_ema follow G's training forwards, and the
        // fixtures' were set far from the layers' actual magnitudes).
        let (d_moved, d_max) = train_util::param_distance(&old, "D", &new, "D");
        assert!(d_moved > 0.0 && d_max < 0.02, "{net}: D moved by {d_moved} (max {d_max})");
        let (ema_moved, _) = train_util::param_distance(&old, "G_ema", &new, "G_ema");
        let (g_vs_ema, _) = train_util::param_distance(&old, "G", &old, "G_ema");
        eprintln!(
            "{net}: D moved {d_moved:.3e} (max {d_max:.2e}); G_ema moved {ema_moved:.3e} (G − G_ema in the pickle: {g_vs_ema:.3e})"
        );
        assert!(ema_moved > 0.0 && ema_moved < 0.02 * g_vs_ema, "{net}: G_ema moved by {ema_moved}");
    }
}
