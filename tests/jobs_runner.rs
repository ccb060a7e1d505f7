//! The job runner with synthetic jobs: progress through nested ranges, log lines, typed results
//! and errors, prompt cancellation (running and queued), a panicking job, and the wake-up hook.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use stylescope::Error;
use stylescope::jobs::{JobHandle, JobRunner, JobStatus};
use stylescope::progress::{Monitor, SubRange};

fn wake_counter() -> (Arc<AtomicUsize>, Arc<dyn Fn() + Send + Sync>) {
    let n = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&n);
    (
        n,
        Arc::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        }),
    )
}

/// Waits (up to 20 s) until the job has ended and returns its result.
fn wait<T>(h: &JobHandle<T>) -> stylescope::Result<T> {
    let start = Instant::now();
    loop {
        if let Some(r) = h.take_result() {
            return r;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "job {:?} never ended: {:?}", h.id(), h.status());
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_job_reports_nested_progress_logs_and_a_typed_result() {
    let (wakes, wake) = wake_counter();
    let mut runner = JobRunner::new(1, wake).unwrap();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let h = runner.submit("sum", move |m: &dyn Monitor| {
        m.log("starting");
        let second_half = SubRange::new(m, 0.5, 1.0);
        let stage = SubRange::new(&second_half, 0.0, 0.5);
        stage.set_count(1, 2)?; // 0.5 + 0.5·(0.5·0.5) = 0.625
        go_rx.recv().map_err(|_| Error::Invalid("no go".into()))?;
        Ok(21u32 * 2)
    });
    wait_until("progress 0.625", || (h.snapshot().fraction - 0.625).abs() < 1e-12);
    let s = h.snapshot();
    assert_eq!(s.status, JobStatus::Running);
    assert_eq!(s.log, vec!["starting".to_string()]);
    assert_eq!(s.title, "sum");
    assert!(h.take_result().is_none(), "no result while running");
    go_tx.send(()).unwrap();
    assert_eq!(wait(&h).unwrap(), 42);
    let s = h.snapshot();
    assert_eq!((s.status, s.fraction, s.summary.as_deref(), s.eta), (JobStatus::Finished, 1.0, Some("42"), None));
    assert!(h.take_result().is_none(), "the result is handed out once");
    assert!(wakes.load(Ordering::SeqCst) >= 3, "queued, started, progress and finished wake the window");
    assert_eq!(runner.jobs().len(), 1);
    runner.clear_finished();
    assert!(runner.jobs().is_empty());
}

#[test]
fn errors_and_panics_fail_only_their_job() {
    let (_, wake) = wake_counter();
    let mut runner = JobRunner::new(1, wake).unwrap();
    let bad = runner
        .submit("bad", |_m: &dyn Monitor| -> stylescope::Result<u8> { Err(Error::Invalid("broken input".into())) });
    let crash = runner.submit("crash", |_m: &dyn Monitor| -> stylescope::Result<u8> { panic!("boom") });
    let ok = runner.submit("ok", |_m: &dyn Monitor| Ok(String::from("fine")));
    assert!(matches!(wait(&bad), Err(Error::Invalid(m)) if m == "broken input"));
    assert_eq!(bad.status(), JobStatus::Failed("broken input".into()));
    assert!(wait(&crash).unwrap_err().to_string().contains("boom"));
    assert!(matches!(crash.status(), JobStatus::Failed(m) if m.contains("crashed: boom")));
    assert_eq!(wait(&ok).unwrap(), "fine", "the worker survived the panic");
}

#[test]
fn cancelling_stops_a_running_job_promptly_and_queued_jobs_never_start() {
    let (_, wake) = wake_counter();
    let mut runner = JobRunner::new(1, wake).unwrap();
    let steps = Arc::new(AtomicUsize::new(0));
    let s2 = Arc::clone(&steps);
    let long = runner.submit("long", move |m: &dyn Monitor| -> stylescope::Result<()> {
        for i in 0..1_000_000u64 {
            std::thread::sleep(Duration::from_millis(1));
            s2.fetch_add(1, Ordering::SeqCst);
            m.set_count(i, 1_000_000)?;
        }
        Ok(())
    });
    let ran = Arc::new(AtomicUsize::new(0));
    let r2 = Arc::clone(&ran);
    let queued = runner.submit("queued", move |_m: &dyn Monitor| {
        r2.fetch_add(1, Ordering::SeqCst);
        Ok(1u8)
    });
    wait_until("the long job to run", || steps.load(Ordering::SeqCst) > 5);
    assert_eq!(queued.status(), JobStatus::Queued);
    runner.cancel(queued.id());
    long.cancel();
    assert!(long.snapshot().cancel_requested);
    assert!(matches!(wait(&long), Err(Error::Cancelled)));
    let at_cancel = steps.load(Ordering::SeqCst);
    assert!(matches!(wait(&queued), Err(Error::Cancelled)));
    assert_eq!(long.status(), JobStatus::Cancelled);
    assert_eq!(queued.status(), JobStatus::Cancelled);
    assert_eq!(ran.load(Ordering::SeqCst), 0, "a job cancelled while queued never runs");
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(steps.load(Ordering::SeqCst), at_cancel, "the job stopped at its next progress report");
    assert!(!runner.busy());
}

#[test]
fn dropping_the_runner_cancels_and_joins_everything() {
    let (_, wake) = wake_counter();
    let mut runner = JobRunner::new(2, wake).unwrap();
    let started = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let st = Arc::clone(&started);
            runner.submit(format!("spin {k}"), move |m: &dyn Monitor| -> stylescope::Result<()> {
                st.fetch_add(1, Ordering::SeqCst);
                loop {
                    std::thread::sleep(Duration::from_millis(1));
                    m.set_fraction(0.5)?;
                }
            })
        })
        .collect();
    wait_until("two workers to start", || started.load(Ordering::SeqCst) == 2);
    assert_eq!(
        runner.jobs().iter().filter(|j| j.status == JobStatus::Running).count(),
        2,
        "two workers, two running jobs"
    );
    drop(runner);
    for h in &handles {
        assert_eq!(h.status(), JobStatus::Cancelled);
        assert!(matches!(h.take_result(), Some(Err(Error::Cancelled))));
    }
    assert_eq!(started.load(Ordering::SeqCst), 2, "queued jobs did not start after the drop");
}
