//! A training run as a job on the [`JobRunner`]: progress in kimg, NVIDIA's tick line in the
//! job's log, cancellation (the run stops after its current iteration and writes a final
//! snapshot atomically), pause and resume, and [`TrainLive`]: what the window polls while the run
//! works — every tick's losses and regularisers, the newest sample grid of `G_ema` at fixed
//! seeds, the real images, and the newest snapshot.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::Result;
use crate::jobs::job::{JobHandle, JobId, JobOutput, JobSnapshot, JobStatus, Wake};
use crate::jobs::runner::JobRunner;
use crate::raster::Raster;
use crate::train::{TickStats, TrainEvent, TrainOptions, TrainOutcome, TrainSink, train};

impl JobOutput for TrainOutcome {
    fn summary(&self) -> String {
        let end = if self.cancelled { "stopped" } else { "finished" };
        format!("{end} at {:.3} kimg; {}", self.kimg, self.last_snapshot.display())
    }
}

/// A sample grid and when it was made.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveGrid {
    pub kimg: f64,
    pub grid: Raster,
    /// Counts up with every new grid (the window uploads a grid once per version).
    pub version: u64,
}

/// What a running (or ended) training run has reported so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveState {
    pub run_dir: Option<PathBuf>,
    pub start_kimg: f64,
    pub total_kimg: f64,
    /// Statistics of every tick so far, in order.
    pub ticks: Vec<TickStats>,
    /// The newest grid of generated samples.
    pub samples: Option<LiveGrid>,
    /// The grid of real images (sent once at the start).
    pub reals: Option<Raster>,
    /// Snapshots written so far, `(kimg, file)`, oldest first.
    pub snapshots: Vec<(f64, PathBuf)>,
    /// `Some(cancelled)` once the run has ended with its final snapshot.
    pub finished: Option<bool>,
}

impl LiveState {
    /// The newest snapshot file.
    pub fn latest_snapshot(&self) -> Option<&PathBuf> {
        self.snapshots.last().map(|(_, p)| p)
    }

    /// Progress in kimg: the last tick's, else where the run started.
    pub fn kimg(&self) -> f64 {
        self.ticks.last().map_or(self.start_kimg, |t| t.kimg)
    }

    fn apply(&mut self, event: TrainEvent) {
        match event {
            TrainEvent::Started { run_dir, start_kimg, total_kimg } => {
                self.run_dir = Some(run_dir);
                self.start_kimg = start_kimg;
                self.total_kimg = total_kimg;
            }
            TrainEvent::Tick(stats) => self.ticks.push(stats),
            TrainEvent::Samples { grid, reals: true, .. } => self.reals = Some(grid),
            TrainEvent::Samples { kimg, grid, reals: false } => {
                let version = self.samples.as_ref().map_or(1, |s| s.version + 1);
                self.samples = Some(LiveGrid { kimg, grid, version });
            }
            TrainEvent::Snapshot { kimg, path } => self.snapshots.push((kimg, path)),
            TrainEvent::Finished { cancelled, .. } => self.finished = Some(cancelled),
        }
    }
}

/// The shared state between a training job and the window: the run's reports and the pause flag.
pub struct TrainLive {
    paused: AtomicBool,
    /// A sample grid every this many ticks (besides every snapshot); 0: only at snapshots.
    samples_every: u64,
    state: Mutex<LiveState>,
    wake: Wake,
}

impl std::fmt::Debug for TrainLive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainLive").field("paused", &self.is_paused()).finish_non_exhaustive()
    }
}

impl TrainLive {
    /// `wake` is called after every report (e.g. "repaint the window").
    pub fn new(samples_every: u64, wake: Wake) -> Self {
        Self { paused: AtomicBool::new(false), samples_every, state: Mutex::new(LiveState::default()), wake }
    }

    fn lock(&self) -> MutexGuard<'_, LiveState> {
        // Plain data: a panic while it was held cannot leave it inconsistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads the state without copying it (keep `f` short: the training thread waits meanwhile).
    pub fn read<R>(&self, f: impl FnOnce(&LiveState) -> R) -> R {
        f(&self.lock())
    }

    /// A copy of the whole state.
    pub fn state(&self) -> LiveState {
        self.lock().clone()
    }

    /// A copy of the state without the sample grids (cheap enough for every frame).
    pub fn state_without_grids(&self) -> LiveState {
        let s = self.lock();
        LiveState {
            run_dir: s.run_dir.clone(),
            start_kimg: s.start_kimg,
            total_kimg: s.total_kimg,
            ticks: s.ticks.clone(),
            samples: None,
            reals: None,
            snapshots: s.snapshots.clone(),
            finished: s.finished,
        }
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        (self.wake)();
    }
}

impl TrainSink for TrainLive {
    fn event(&self, event: TrainEvent) {
        self.lock().apply(event);
        (self.wake)();
    }

    fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    fn wants_live_samples(&self, tick: u64) -> bool {
        self.samples_every > 0 && tick % self.samples_every == 0
    }
}

/// One training run to start.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainJob {
    pub options: TrainOptions,
    /// A live sample grid every this many ticks (snapshot ticks always have one); 0: only at snapshots.
    pub samples_every: u64,
}

/// The window's side of a submitted training run.
#[derive(Debug)]
pub struct TrainHandle {
    pub job: JobHandle<TrainOutcome>,
    pub live: Arc<TrainLive>,
    pub title: String,
}

impl TrainJob {
    pub fn new(options: TrainOptions) -> Self {
        Self { options, samples_every: 1 }
    }

    /// `train stylegan2 · ffhq.zip`.
    pub fn title(&self) -> String {
        let data = &self.options.data;
        let name = data.file_name().map_or_else(|| data.display().to_string(), |n| n.to_string_lossy().into_owned());
        format!("train {} · {name}", self.options.cfg.name())
    }

    /// Queues the run on `runner`; `wake` is called whenever the run reports.
    pub fn submit(self, runner: &mut JobRunner, wake: Wake) -> Result<TrainHandle> {
        self.options.validate()?;
        let title = self.title();
        let live = Arc::new(TrainLive::new(self.samples_every, wake));
        let sink = Arc::clone(&live);
        let options = self.options;
        let job = runner.submit(title.clone(), move |monitor| train(&options, monitor, sink.as_ref()));
        Ok(TrainHandle { job, live, title })
    }
}

impl TrainHandle {
    pub fn id(&self) -> JobId {
        self.job.id()
    }

    pub fn status(&self) -> JobStatus {
        self.job.status()
    }

    pub fn snapshot(&self) -> JobSnapshot {
        self.job.snapshot()
    }

    /// Stops the run after its current iteration (a paused run stops too); it still writes its
    /// final snapshot.
    pub fn cancel(&self) {
        self.job.cancel();
    }

    pub fn set_paused(&self, paused: bool) {
        self.live.set_paused(paused);
    }

    pub fn is_paused(&self) -> bool {
        self.live.is_paused()
    }
}
