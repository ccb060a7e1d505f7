//! Metric runs as jobs on the fixture networks: the same seed gives the same line, lines are
//! appended in NVIDIA's shape to the results folder, a replay reproduces the recorded batch, a
//! cancelled job stops promptly and leaves no line, and a StyleGAN2 network is refused clearly.
//! Few samples each (one batch of 4), so the file stays cheap.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stylescope::Error;
use stylescope::analysis::equivariance::psnr_from_sums;
use stylescope::analysis::metric_result::{DrawSource, MetricResult};
use stylescope::analysis::{MetricId, python_json};
use stylescope::jobs::results::{read_results, results_file};
use stylescope::jobs::{JobRunner, JobStatus, MetricJob, Replay, ResultsFolder};
use stylescope::progress::{Monitor, Silent};

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("jobs_metric_{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn same_seed_same_line_appended_in_nvidias_shape() {
    let dir = require_fixture!("sg3t_64");
    let out = scratch("seeded");
    let job = MetricJob {
        num_samples: Some(4),
        seed: 5,
        results: ResultsFolder::Folder(out.clone()),
        ..MetricJob::new(dir.join("network.pkl"), MetricId::Eqt50kFrac)
    };
    let a = job.run(&Silent).unwrap();
    let b = job.run(&Silent).unwrap();
    assert_eq!(a.result.value(), b.result.value(), "same seed, same number");
    let psnr = a.result.value().unwrap();
    assert!(psnr.is_finite() && (40.0..120.0).contains(&psnr), "{psnr}");
    let other = MetricJob { seed: 6, results: ResultsFolder::Nowhere, ..job.clone() }.run(&Silent).unwrap();
    assert_ne!(other.result.value(), a.result.value(), "another seed, other draws");
    assert_eq!(other.saved_to, None);

    let file = results_file(&out, MetricId::Eqt50kFrac);
    assert_eq!(a.saved_to.as_deref(), Some(file.as_path()));
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    let v = python_json::parse(lines[0]).unwrap();
    let python_json::PyJson::Object(items) = &v else { panic!("{v:?}") };
    let keys: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        ["results", "metric", "total_time", "total_time_str", "num_gpus", "snapshot_pkl", "timestamp", "stylescope"]
    );
    assert_eq!(v.get("metric").and_then(|m| m.as_str()), Some("eqt50k_frac"));
    assert_eq!(v.get("results").and_then(|r| r.get("eqt50k_frac")).and_then(|x| x.as_f64()), Some(psnr));
    let rel = v.get("snapshot_pkl").and_then(|s| s.as_str()).unwrap();
    assert!(out.join(rel).ends_with("sg3t_64/network.pkl"), "{rel}");
    let (back, problems) = read_results(&out).unwrap();
    assert!(problems.is_empty());
    assert_eq!(back.len(), 2);
    assert_eq!(back[0], a.result);
    let s = back[0].settings.as_ref().unwrap();
    assert_eq!((s.num_samples, s.batch_size, &s.draws), (4, 4, &DrawSource::Seed(5)));
}

#[test]
fn replaying_recorded_draws_reproduces_the_recorded_batch() {
    let dir = require_fixture!("sg3t_64");
    let job = MetricJob {
        num_samples: Some(4),
        replay: Some(Replay { z: dir.join("eq_eqt_frac_z.npy"), u: dir.join("eq_eqt_frac_u.npy") }),
        results: ResultsFolder::Nowhere,
        ..MetricJob::new(dir.join("network.pkl"), MetricId::Eqt50kFrac)
    };
    let got = job.run(&Silent).unwrap().result;
    let (sums, _) = common::read_npy_f64(&dir.join("eq_eqt_frac_sums.npy"));
    let want = psnr_from_sums(&[[sums[0], sums[1]]]);
    assert!((got.value().unwrap() - want).abs() < 0.01, "{:?} vs {want}", got.value());
    assert!(matches!(got.settings.unwrap().draws, DrawSource::Replay { .. }));
    // The recorded draws fix the batch size and hold 64 samples.
    let e = MetricJob { batch_size: Some(8), ..job.clone() }.run(&Silent).unwrap_err().to_string();
    assert!(e.contains("batch size 4"), "{e}");
    let e = MetricJob { num_samples: Some(100), ..job.clone() }.run(&Silent).unwrap_err().to_string();
    assert!(e.contains("hold 64 samples"), "{e}");
    // EQ-R draws one uniform per batch: the translation draws do not fit.
    let e = MetricJob { metric: MetricId::Eqr50k, ..job }.run(&Silent).unwrap_err().to_string();
    assert!(e.contains("draws 1 per batch"), "{e}");
}

#[test]
fn a_cancelled_metric_job_stops_promptly_and_writes_nothing() {
    let dir = require_fixture!("sg3t_64");
    let out = scratch("cancel");
    let mut runner = JobRunner::new(1, Arc::new(|| {})).unwrap();
    let job = MetricJob {
        num_samples: Some(50_000),
        results: ResultsFolder::Folder(out.clone()),
        ..MetricJob::new(dir.join("network.pkl"), MetricId::Eqt50kInt)
    };
    let h = runner.submit(job.title(), move |m: &dyn Monitor| job.run(m));
    assert_eq!(h.snapshot().title, "eqt50k_int · network.pkl");
    let start = Instant::now();
    // Wait for the first finished batch (past the 2 % of loading).
    while h.snapshot().fraction <= 0.02 {
        assert!(h.snapshot().status.is_active(), "{:?}", h.snapshot());
        assert!(start.elapsed() < Duration::from_secs(300));
        std::thread::sleep(Duration::from_millis(10));
    }
    let s = h.snapshot();
    assert!(s.log.iter().any(|l| l.contains("50000 samples in batches of 4, seed 0")), "{:?}", s.log);
    h.cancel();
    let cancelled_at = Instant::now();
    while h.status().is_active() {
        assert!(cancelled_at.elapsed() < Duration::from_secs(60), "cancel not noticed");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(h.status(), JobStatus::Cancelled);
    assert!(matches!(h.take_result(), Some(Err(Error::Cancelled))));
    assert!(h.snapshot().fraction < 0.5);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "no result line, no file");
}

#[test]
fn stylegan2_is_refused_with_a_clear_message() {
    let dir = require_fixture!("sg2_64");
    let out = scratch("sg2");
    let job = MetricJob {
        num_samples: Some(4),
        results: ResultsFolder::Folder(out.clone()),
        ..MetricJob::new(dir.join("network.pkl"), MetricId::Eqr50k)
    };
    let e = job.run(&Silent).unwrap_err();
    assert!(matches!(e.root(), Error::Unsupported(_)), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("does not support user-specified image transformations")
            && msg.contains("StyleGAN3 input transform"),
        "{msg}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    let missing = MetricJob { results: ResultsFolder::Folder(out.join("nope")), ..job };
    assert!(missing.run(&Silent).unwrap_err().to_string().contains("does not exist"));
    // A line NVIDIA wrote reads back too.
    let r = MetricResult::from_json_line(r#"{"results": {"eqt50k_int": 55.5}, "metric": "eqt50k_int", "total_time": 1.0, "total_time_str": "1s", "num_gpus": 1, "snapshot_pkl": "x.pkl", "timestamp": 1.0}"#).unwrap();
    assert_eq!(r.value(), Some(55.5));
}
