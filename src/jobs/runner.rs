//! The job runner: a queue of submitted jobs and a fixed set of worker threads that take them in
//! order. The only place (besides the render worker) that creates threads.
//!
//! - [`JobRunner::submit`] queues a closure `FnOnce(&dyn Monitor) -> Result<T>` and returns a
//!   typed [`JobHandle<T>`]; the closure reports progress (nested ranges with
//!   [`crate::progress::SubRange`]) and log lines through the monitor, and notices cancellation
//!   there (`set_fraction` returns [`Error::Cancelled`]).
//! - [`JobRunner::jobs`] lists every job, running and finished, as [`JobSnapshot`]s.
//! - A panic inside a job fails that job; the worker lives on.
//! - Dropping the runner cancels every job and joins the workers (each stops at its next
//!   progress report).
//!
//! With one worker (the default) jobs run one after another: candle already spreads a forward
//! pass over the cores, so two metric jobs side by side would only share them.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::jobs::job::{JobCore, JobHandle, JobId, JobOutput, JobSnapshot, Wake};
use crate::progress::Monitor;
use crate::{Error, Result};

type Work = Box<dyn FnOnce(&JobCore) + Send>;

#[derive(Default)]
struct Queue {
    pending: VecDeque<(Arc<JobCore>, Work)>,
    shutdown: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Runs jobs on worker threads.
pub struct JobRunner {
    shared: Arc<Shared>,
    jobs: Vec<Arc<JobCore>>,
    workers: Vec<JoinHandle<()>>,
    next_id: u64,
    wake: Wake,
}

impl std::fmt::Debug for JobRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobRunner").field("jobs", &self.jobs.len()).field("workers", &self.workers.len()).finish()
    }
}

fn worker_loop(shared: &Shared) {
    loop {
        let (core, work) = {
            let mut q = shared.lock();
            loop {
                if q.shutdown {
                    return;
                }
                if let Some(job) = q.pending.pop_front() {
                    break job;
                }
                q = shared.ready.wait(q).unwrap_or_else(|p| p.into_inner());
            }
        };
        work(&core);
    }
}

impl JobRunner {
    /// A runner with `workers` threads (at least one); `wake` is called whenever a job changes.
    pub fn new(workers: usize, wake: Wake) -> Result<Self> {
        let shared = Arc::new(Shared::default());
        let mut handles = Vec::new();
        for i in 0..workers.max(1) {
            let s = Arc::clone(&shared);
            let h = std::thread::Builder::new()
                .name(format!("job-worker-{i}"))
                .spawn(move || worker_loop(&s))
                .map_err(|e| Error::Invalid(format!("cannot start a job worker thread: {e}")))?;
            handles.push(h);
        }
        Ok(Self { shared, jobs: Vec::new(), workers: handles, next_id: 1, wake })
    }

    /// Queues `work` under `title`; [`JobOutput::summary`] of its result is what job lists show.
    pub fn submit<T, F>(&mut self, title: impl Into<String>, work: F) -> JobHandle<T>
    where
        T: JobOutput,
        F: FnOnce(&dyn Monitor) -> Result<T> + Send + 'static,
    {
        let id = JobId(self.next_id);
        self.next_id += 1;
        let core = Arc::new(JobCore::new(id, title.into(), Arc::clone(&self.wake)));
        let slot = Arc::new(Mutex::new(None));
        let handle = JobHandle { core: Arc::clone(&core), slot: Arc::clone(&slot) };
        let run: Work = Box::new(move |core: &JobCore| {
            let outcome = if core.begin() {
                match catch_unwind(AssertUnwindSafe(|| work(core))) {
                    Ok(r) => r,
                    Err(panic) => {
                        let msg = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "unknown panic".into());
                        Err(Error::Invalid(format!("the job crashed: {msg}")))
                    }
                }
            } else {
                Err(Error::Cancelled)
            };
            let summary = match &outcome {
                Ok(v) => Ok(v.summary()),
                Err(e) if matches!(e.root(), Error::Cancelled) => Err(Error::Cancelled),
                Err(e) => Err(Error::Invalid(e.to_string())),
            };
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
            core.end(summary);
        });
        self.jobs.push(Arc::clone(&core));
        self.shared.lock().pending.push_back((core, run));
        self.shared.ready.notify_one();
        (self.wake)();
        handle
    }

    /// Every job in submission order.
    pub fn jobs(&self) -> Vec<JobSnapshot> {
        self.jobs.iter().map(|j| j.snapshot()).collect()
    }

    /// Whether any job is queued or running.
    pub fn busy(&self) -> bool {
        self.jobs.iter().any(|j| j.status().is_active())
    }

    /// Cancels job `id` (no effect on a finished job or an unknown id).
    pub fn cancel(&self, id: JobId) {
        if let Some(j) = self.jobs.iter().find(|j| j.id() == id) {
            j.cancel();
        }
    }

    /// Cancels every queued and running job.
    pub fn cancel_all(&self) {
        for j in self.jobs.iter().filter(|j| j.status().is_active()) {
            j.cancel();
        }
    }

    /// Forgets finished, failed and cancelled jobs (their handles keep working).
    pub fn clear_finished(&mut self) {
        self.jobs.retain(|j| j.status().is_active());
    }
}

impl Drop for JobRunner {
    fn drop(&mut self) {
        let pending = {
            let mut q = self.shared.lock();
            q.shutdown = true;
            std::mem::take(&mut q.pending)
        };
        for j in &self.jobs {
            j.cancel();
        }
        // Queued jobs end as cancelled without running (their closures see the cancel flag).
        for (core, run) in pending {
            run(&core);
        }
        self.shared.ready.notify_all();
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
    }
}
