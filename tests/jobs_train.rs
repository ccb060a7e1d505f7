//! Training as a job on the runner: tick lines in the job's log, kimg progress, live per-tick
//! statistics and sample grids, pause (no iterations while paused) and resume, and cancel — the
//! run stops, writes its final snapshot atomically (no temporary file left) and the snapshot
//! opens as a network.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/train_util.rs"]
mod train_util;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use candle_core::Device;
use stylescope::checkpoint::Checkpoint;
use stylescope::jobs::{JobRunner, JobStatus, TrainHandle, TrainJob};
use stylescope::progress::Silent;
use stylescope::train::TrainCfg;
use stylescope::train::datasets::ToyFaces;

fn wait_for(h: &TrainHandle, what: &str, cond: impl Fn(&TrainHandle) -> bool) {
    let start = Instant::now();
    while !cond(h) {
        let s = h.snapshot();
        assert!(!matches!(s.status, JobStatus::Failed(_)), "the run failed: {:?}", s.status);
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "timed out waiting for {what}: {:?}\n{}",
            s.status,
            s.log.join("\n")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Files in the run directory that are neither the run's own files nor complete snapshots.
fn stray_files(run_dir: &Path) -> Vec<String> {
    std::fs::read_dir(run_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !(n.ends_with(".safetensors")
                || n.ends_with(".png")
                || n.ends_with(".txt")
                || n.ends_with(".json")
                || n.ends_with(".jsonl"))
        })
        .collect()
}

/// 16 toy faces at 16², as a zip in NVIDIA's format.
pub fn toy_faces(dir: &Path) -> std::path::PathBuf {
    let zip = dir.join("toyfaces16.zip");
    ToyFaces { count: 16, resolution: 16, unaligned: false, seed: 1 }.write_zip(&zip, &Silent).unwrap();
    zip
}

#[test]
fn a_training_job_reports_pauses_resumes_and_stops_with_a_complete_snapshot() {
    let dir = common::temp_dir("test-jobs-train");
    let data = toy_faces(&dir);
    let mut o = train_util::tiny_options(TrainCfg::StyleGan2, &data, &dir.join("runs"), 4, 10.0);
    o.tick = 0.008; // two iterations per tick
    o.snap = 1000;
    let mut runner = JobRunner::new(1, Arc::new(|| {})).unwrap();
    let h = TrainJob { options: o, samples_every: 1 }.submit(&mut runner, Arc::new(|| {})).unwrap();
    assert_eq!(h.title, "train stylegan2 · toyfaces16.zip");

    wait_for(&h, "three ticks and a live grid", |h| {
        h.live.read(|s| s.ticks.len() >= 3 && s.samples.as_ref().is_some_and(|g| g.version >= 3))
    });
    let live = h.live.state();
    assert_eq!(live.total_kimg, 10.0);
    assert_eq!(live.reals.as_ref().map(|r| (r.width, r.height)), Some((64, 32)), "4x2 grid of 16² reals");
    let grid = &live.samples.as_ref().unwrap().grid;
    assert_eq!((grid.width, grid.height, grid.channels), (64, 32, 3));
    let kimgs: Vec<f64> = live.ticks.iter().map(|t| t.kimg).collect();
    assert_eq!(&kimgs[..3], &[0.004, 0.012, 0.020], "tick 0 after one iteration, then every 2");
    assert!(live.ticks.iter().all(|t| t.loss_g.is_finite() && t.loss_d.is_finite()));
    assert!(live.ticks[0].r1_penalty.is_some() && live.ticks[0].pl_penalty.is_some(), "R1 and PL run at iteration 0");
    assert_eq!(live.snapshots.len(), 1, "tick 0 is a snapshot tick");
    let snap = h.snapshot();
    assert_eq!(snap.status, JobStatus::Running);
    assert!(snap.fraction > 0.0 && snap.fraction < 0.01, "{}", snap.fraction);
    assert!(snap.log.iter().filter(|l| l.starts_with("tick ")).count() >= 3, "{:?}", snap.log);

    // Pause: the run logs it and no tick ends while paused.
    h.set_paused(true);
    wait_for(&h, "the pause", |h| h.snapshot().log.iter().any(|l| l.starts_with("Paused at")));
    let ticks = h.live.read(|s| s.ticks.len());
    let log_len = h.snapshot().log.len();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(h.live.read(|s| s.ticks.len()), ticks, "no ticks while paused");
    assert_eq!(h.snapshot().log.len(), log_len, "nothing logged while paused");
    h.set_paused(false);
    wait_for(&h, "a tick after resuming", |h| h.live.read(|s| s.ticks.len()) > ticks);
    assert!(h.snapshot().log.iter().any(|l| l == "Resumed"));

    // Cancel: a final snapshot, complete and readable; nothing half-written.
    h.cancel();
    wait_for(&h, "the end", |h| !h.status().is_active());
    let outcome = h.job.take_result().unwrap().unwrap();
    assert!(outcome.cancelled);
    assert!(outcome.kimg < 10.0);
    let live = h.live.state();
    assert_eq!(live.finished, Some(true));
    assert_eq!(live.latest_snapshot(), Some(&outcome.last_snapshot));
    assert_eq!(h.status(), JobStatus::Finished);
    assert!(h.snapshot().summary.unwrap().starts_with("stopped at"));
    let run_dir = live.run_dir.unwrap();
    assert_eq!(stray_files(&run_dir), Vec::<String>::new());
    let g = Checkpoint::open(&outcome.last_snapshot).unwrap().load_generator(&Device::Cpu).unwrap();
    assert_eq!(g.config().img_resolution(), 16);
}
