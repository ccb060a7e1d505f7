//! One background job as both sides see it: the worker reports through it (it is the job's
//! [`Monitor`]), the window and the command line read [`JobSnapshot`]s of it and cancel it, and
//! the submitter takes the typed result from its [`JobHandle`].

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::jobs::progress_state::ProgressState;
use crate::progress::Monitor;
use crate::{Error, Result};

/// Called after a job changes (e.g. "request a repaint"); never blocks.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// Log lines kept per job.
const MAX_LOG_LINES: usize = 200;
/// Progress reports closer together than this wake the window only once.
const WAKE_INTERVAL: Duration = Duration::from_millis(50);

/// Identifies a job within its runner (submission order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

/// Where a job is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    Running,
    /// Done; the result is in the handle (and summarised in the snapshot).
    Finished,
    /// Stopped with an error (the message).
    Failed(String),
    /// Stopped on request, before or while running.
    Cancelled,
}

impl JobStatus {
    /// Whether the job can still change.
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

/// What the window shows of a job at one moment.
#[derive(Clone, Debug)]
pub struct JobSnapshot {
    pub id: JobId,
    pub title: String,
    pub status: JobStatus,
    /// Completed fraction, 0..=1.
    pub fraction: f64,
    pub elapsed: Duration,
    /// Estimated time left while running.
    pub eta: Option<Duration>,
    /// The newest log lines (at most 200), oldest first.
    pub log: Vec<String>,
    /// A one-line summary of the result once finished.
    pub summary: Option<String>,
    /// Set to the user's request even before the worker noticed it.
    pub cancel_requested: bool,
}

#[derive(Debug)]
struct JobState {
    status: JobStatus,
    progress: ProgressState,
    log: VecDeque<String>,
    summary: Option<String>,
    last_wake: Option<Instant>,
}

/// The shared core of one job.
pub struct JobCore {
    id: JobId,
    title: String,
    cancel: AtomicBool,
    state: Mutex<JobState>,
    wake: Wake,
}

impl std::fmt::Debug for JobCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobCore").field("id", &self.id).field("title", &self.title).finish_non_exhaustive()
    }
}

impl JobCore {
    pub(crate) fn new(id: JobId, title: String, wake: Wake) -> Self {
        let state = JobState {
            status: JobStatus::Queued,
            progress: ProgressState::default(),
            log: VecDeque::new(),
            summary: None,
            last_wake: None,
        };
        Self { id, title, cancel: AtomicBool::new(false), state: Mutex::new(state), wake }
    }

    fn lock(&self) -> MutexGuard<'_, JobState> {
        // The state is plain data: a panic while it was held cannot leave it inconsistent.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn id(&self) -> JobId {
        self.id
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    /// Asks the job to stop; a queued job will not start, a running one stops at its next
    /// progress report.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        (self.wake)();
    }

    pub fn status(&self) -> JobStatus {
        self.lock().status.clone()
    }

    /// The job as the window shows it now.
    pub fn snapshot(&self) -> JobSnapshot {
        let now = Instant::now();
        let s = self.lock();
        JobSnapshot {
            id: self.id,
            title: self.title.clone(),
            status: s.status.clone(),
            fraction: s.progress.fraction(),
            elapsed: s.progress.elapsed(now),
            eta: if s.status == JobStatus::Running { s.progress.eta(now) } else { None },
            log: s.log.iter().cloned().collect(),
            summary: s.summary.clone(),
            cancel_requested: self.cancel.load(Ordering::SeqCst),
        }
    }

    /// The worker starts the job. Returns `false` when it was cancelled while queued (the
    /// worker then ends it as cancelled without running it).
    pub(crate) fn begin(&self) -> bool {
        if self.is_cancelled() {
            return false;
        }
        {
            let mut s = self.lock();
            s.status = JobStatus::Running;
            s.progress.start(Instant::now());
        }
        (self.wake)();
        true
    }

    /// The worker ends the job with `outcome` (a summary, or the error).
    pub(crate) fn end(&self, outcome: std::result::Result<String, Error>) {
        {
            let mut s = self.lock();
            s.progress.end(Instant::now());
            s.status = match outcome {
                Ok(summary) => {
                    s.progress.set_fraction(1.0);
                    s.summary = Some(summary);
                    JobStatus::Finished
                }
                Err(e) if matches!(e.root(), Error::Cancelled) || self.is_cancelled() => JobStatus::Cancelled,
                Err(e) => JobStatus::Failed(e.to_string()),
            };
        }
        (self.wake)();
    }

    fn wake_throttled(&self, force: bool) {
        let now = Instant::now();
        let due = {
            let mut s = self.lock();
            let due = force || s.last_wake.is_none_or(|t| now.duration_since(t) >= WAKE_INTERVAL);
            if due {
                s.last_wake = Some(now);
            }
            due
        };
        if due {
            (self.wake)();
        }
    }
}

impl Monitor for JobCore {
    fn set_fraction(&self, fraction: f64) -> Result<()> {
        self.lock().progress.set_fraction(fraction);
        self.wake_throttled(false);
        self.check()
    }

    fn log(&self, line: &str) {
        {
            let mut s = self.lock();
            if s.log.len() == MAX_LOG_LINES {
                s.log.pop_front();
            }
            s.log.push_back(line.to_string());
        }
        self.wake_throttled(true);
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// A job's result type: its one-line summary for job lists.
pub trait JobOutput: Send + 'static {
    fn summary(&self) -> String;
}

impl JobOutput for () {
    fn summary(&self) -> String {
        "done".into()
    }
}

macro_rules! display_output {
    ($($t:ty),*) => {$(
        impl JobOutput for $t {
            fn summary(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_output!(String, u8, u16, u32, u64, usize, i32, i64, f32, f64);

/// The submitter's side of a job with result type `T`.
pub struct JobHandle<T> {
    pub(crate) core: Arc<JobCore>,
    pub(crate) slot: Arc<Mutex<Option<Result<T>>>>,
}

impl<T> std::fmt::Debug for JobHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle").field("core", &self.core).finish_non_exhaustive()
    }
}

impl<T> JobHandle<T> {
    pub fn id(&self) -> JobId {
        self.core.id()
    }

    pub fn cancel(&self) {
        self.core.cancel();
    }

    pub fn status(&self) -> JobStatus {
        self.core.status()
    }

    pub fn snapshot(&self) -> JobSnapshot {
        self.core.snapshot()
    }

    /// The result once the job has ended (returned once): `Ok` with the value, or the error
    /// ([`Error::Cancelled`] for a cancelled job). `None` while queued or running.
    pub fn take_result(&self) -> Option<Result<T>> {
        if self.core.status().is_active() {
            return None;
        }
        self.slot.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}
