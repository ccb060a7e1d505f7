//! The render worker: a thread that owns one loaded network and renders requests for one view.
//!
//! - The window sends requests without waiting; only the newest pending request is rendered
//!   ([`Inbox`]), so a slow network never builds a queue.
//! - Results come back over a channel with their timings. Results of a previous network (an
//!   older epoch) or older than one already delivered are stale and dropped.
//! - Errors (a file that does not load, a render that fails) come back as data.
//! - After each event the worker calls the waker (the window passes its repaint request), so
//!   the window wakes up without polling.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use crate::jobs::engine::{EngineLoader, RenderEngine};
use crate::jobs::inbox::{Inbox, Job};
use crate::jobs::request::{GpuFrame, NetworkInfo, RenderRequest, RenderTimings};
use crate::raster::Raster;
use crate::{Error, Result};

/// Called by the worker after it sends an event (e.g. "request a repaint").
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What the worker reports.
#[derive(Clone, Debug)]
pub enum WorkerEvent {
    Loaded {
        epoch: u64,
        info: NetworkInfo,
        load_time: Duration,
    },
    LoadFailed {
        epoch: u64,
        path: PathBuf,
        error: String,
    },
    /// A new frame: its pixels, or the GPU texture that holds it, or both.
    Rendered {
        epoch: u64,
        seq: u64,
        image: Option<Arc<Raster>>,
        frame: Option<Arc<GpuFrame>>,
        timings: RenderTimings,
    },
    RenderFailed {
        epoch: u64,
        seq: u64,
        error: String,
    },
}

impl WorkerEvent {
    pub fn epoch(&self) -> u64 {
        match self {
            Self::Loaded { epoch, .. }
            | Self::LoadFailed { epoch, .. }
            | Self::Rendered { epoch, .. }
            | Self::RenderFailed { epoch, .. } => *epoch,
        }
    }
}

/// The window side of a render worker thread.
pub struct RenderWorker {
    inbox: Arc<Inbox>,
    events: Receiver<WorkerEvent>,
    epoch: u64,
    next_seq: u64,
    /// Highest render seq delivered by [`RenderWorker::poll`] in the current epoch.
    delivered_seq: u64,
    /// Highest render seq sent in the current epoch.
    sent_seq: u64,
    dropped: u64,
}

impl std::fmt::Debug for RenderWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderWorker")
            .field("epoch", &self.epoch)
            .field("sent_seq", &self.sent_seq)
            .field("delivered_seq", &self.delivered_seq)
            .finish_non_exhaustive()
    }
}

impl RenderWorker {
    /// Starts the worker thread. `name` names the thread (e.g. `render-left`).
    pub fn spawn(name: &str, loader: Arc<dyn EngineLoader>, waker: Waker) -> Result<Self> {
        let inbox = Arc::new(Inbox::default());
        let (tx, rx) = mpsc::channel();
        let worker_inbox = Arc::clone(&inbox);
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || worker_loop(&worker_inbox, loader.as_ref(), &tx, &waker))
            .map_err(|e| Error::Invalid(format!("cannot start the render thread `{name}`: {e}")))?;
        Ok(Self { inbox, events: rx, epoch: 0, next_seq: 1, delivered_seq: 0, sent_seq: 0, dropped: 0 })
    }

    /// Loads a network (replacing the current one). Pending renders are dropped.
    pub fn load(&mut self, path: &Path) -> u64 {
        self.reset_epoch(Some(path.to_path_buf()))
    }

    /// Drops the current network (and pending renders); later renders fail until a load.
    pub fn unload(&mut self) -> u64 {
        self.reset_epoch(None)
    }

    fn reset_epoch(&mut self, path: Option<PathBuf>) -> u64 {
        self.epoch = self.inbox.push_load(path);
        self.delivered_seq = 0;
        self.sent_seq = 0;
        self.epoch
    }

    /// Asks for a render; returns its sequence number. Never blocks.
    pub fn request(&mut self, request: RenderRequest) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.inbox.push_render(seq, request);
        self.sent_seq = seq;
        seq
    }

    /// Every event that arrived since the last call, stale ones removed.
    pub fn poll(&mut self) -> Vec<WorkerEvent> {
        let mut out = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            if event.epoch() != self.epoch {
                self.dropped += 1;
                continue;
            }
            match &event {
                WorkerEvent::Rendered { seq, .. } | WorkerEvent::RenderFailed { seq, .. } => {
                    if *seq <= self.delivered_seq {
                        self.dropped += 1;
                        continue;
                    }
                    self.delivered_seq = *seq;
                }
                WorkerEvent::Loaded { .. } | WorkerEvent::LoadFailed { .. } => {}
            }
            out.push(event);
        }
        out
    }

    /// Whether a render was requested whose answer (or a newer one) has not been delivered yet.
    pub fn busy(&self) -> bool {
        self.sent_seq > self.delivered_seq
    }

    /// The current epoch (one per load).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Requests replaced by a newer one before the worker started them.
    pub fn superseded(&self) -> u64 {
        self.inbox.superseded()
    }

    /// Results dropped as stale.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

impl Drop for RenderWorker {
    /// Tells the thread to stop; it finishes the job it is on and exits (never joined, so a slow
    /// render does not block the window).
    fn drop(&mut self) {
        self.inbox.quit();
    }
}

fn worker_loop(inbox: &Inbox, loader: &dyn EngineLoader, tx: &Sender<WorkerEvent>, waker: &Waker) {
    let mut engine: Option<Box<dyn RenderEngine>> = None;
    loop {
        let event = match inbox.wait() {
            Job::Quit => return,
            Job::Load { path: None, .. } => {
                engine = None;
                continue;
            }
            Job::Load { epoch, path: Some(path) } => {
                engine = None; // free the previous network first
                let start = Instant::now();
                match loader.load(&path) {
                    Ok(e) => {
                        let info = e.info();
                        engine = Some(e);
                        WorkerEvent::Loaded { epoch, info, load_time: start.elapsed() }
                    }
                    Err(e) => WorkerEvent::LoadFailed { epoch, path, error: e.to_string() },
                }
            }
            Job::Render { epoch, seq, request, sent } => {
                let start = Instant::now();
                let wait = start.duration_since(sent);
                let result = match engine.as_mut() {
                    Some(engine) => engine.render(&request),
                    None => Err(Error::Invalid("no network is loaded".into())),
                };
                let render = start.elapsed();
                if inbox.epoch() != epoch {
                    continue; // a new network is on its way: this result is stale
                }
                match result {
                    Ok(out) => WorkerEvent::Rendered {
                        epoch,
                        seq,
                        image: out.image.map(Arc::new),
                        frame: out.frame,
                        timings: RenderTimings { wait, render, stages: out.stages },
                    },
                    Err(e) => WorkerEvent::RenderFailed { epoch, seq, error: e.to_string() },
                }
            }
        };
        if tx.send(event).is_err() {
            return; // the window side is gone
        }
        waker();
    }
}
