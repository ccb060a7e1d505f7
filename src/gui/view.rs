//! One view: a network file, its render worker, the latest image and its texture.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::gui::controls::Controls;
use crate::gui::side::Side;
use crate::gui::texture::DisplayTexture;
use crate::jobs::render::{RenderWorker, Waker, WorkerEvent};
use crate::jobs::request::{NetworkInfo, RenderRequest, RenderTimings};
use crate::jobs::EngineLoader;
use crate::raster::Raster;
use crate::Result;

/// Where a view is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewStatus {
    /// No network.
    Empty,
    /// The worker is opening `path`.
    Loading { path: PathBuf, since: Instant },
    /// A network is loaded.
    Ready(NetworkInfo),
    /// Opening `path` failed; the message names the file and the problem.
    Failed { path: PathBuf, error: String },
}

/// What a render result did to the view (for the performance history).
#[derive(Clone, Debug, Default)]
pub struct PollOutcome {
    pub new_image: bool,
    pub render_times: Vec<Duration>,
    pub loaded: Option<PathBuf>,
}

pub struct View {
    pub side: Side,
    worker: RenderWorker,
    pub status: ViewStatus,
    /// The latest image (kept while a newer one renders).
    pub image: Option<Arc<Raster>>,
    /// The latest render error (cleared by the next image).
    pub render_error: Option<String>,
    pub texture: DisplayTexture,
    pub timings: Option<RenderTimings>,
    pub load_time: Option<Duration>,
    /// Incremented for every new image.
    pub image_version: u64,
    last_request: Option<RenderRequest>,
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("side", &self.side)
            .field("status", &self.status)
            .field("image_version", &self.image_version)
            .field("render_error", &self.render_error)
            .finish_non_exhaustive()
    }
}

impl View {
    pub fn new(side: Side, loader: Arc<dyn EngineLoader>, waker: Waker) -> Result<Self> {
        let name = format!("render-{}", side.name().to_lowercase());
        Ok(Self {
            side,
            worker: RenderWorker::spawn(&name, loader, waker)?,
            status: ViewStatus::Empty,
            image: None,
            render_error: None,
            texture: DisplayTexture::new(format!("view-{}", side.name().to_lowercase())),
            timings: None,
            load_time: None,
            image_version: 0,
            last_request: None,
        })
    }

    /// Starts loading `path` on the worker; the view shows "Loading …" until it answers.
    pub fn open(&mut self, path: &Path) {
        self.worker.load(path);
        self.status = ViewStatus::Loading { path: path.to_path_buf(), since: Instant::now() };
        self.image = None;
        self.render_error = None;
        self.timings = None;
        self.texture.clear();
        self.last_request = None;
    }

    /// Forgets the network (the worker keeps running, idle).
    pub fn close(&mut self) {
        self.worker.unload();
        self.status = ViewStatus::Empty;
        self.image = None;
        self.render_error = None;
        self.timings = None;
        self.texture.clear();
        self.last_request = None;
    }

    pub fn info(&self) -> Option<&NetworkInfo> {
        match &self.status {
            ViewStatus::Ready(info) => Some(info),
            _ => None,
        }
    }

    /// The file this view shows or tries to show.
    pub fn path(&self) -> Option<&Path> {
        match &self.status {
            ViewStatus::Empty => None,
            ViewStatus::Loading { path, .. } | ViewStatus::Failed { path, .. } => Some(path),
            ViewStatus::Ready(info) => Some(&info.path),
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.status, ViewStatus::Loading { .. })
    }

    /// Whether a render is on its way.
    pub fn busy(&self) -> bool {
        self.worker.busy()
    }

    pub fn worker(&self) -> &RenderWorker {
        &self.worker
    }

    /// Sends a render request when the controls changed what this view should show. Returns
    /// whether a request was sent.
    pub fn sync(&mut self, controls: &Controls) -> bool {
        let Some(info) = self.info() else { return false };
        let request = controls.request(info);
        if self.last_request.as_ref() == Some(&request) {
            return false;
        }
        self.last_request = Some(request.clone());
        self.worker.request(request);
        true
    }

    /// Takes what the worker sent and updates the view (and the texture, via `ctx`).
    pub fn poll(&mut self, ctx: &egui::Context, nearest: bool) -> PollOutcome {
        let mut outcome = PollOutcome::default();
        for event in self.worker.poll() {
            match event {
                WorkerEvent::Loaded { info, load_time, .. } => {
                    outcome.loaded = Some(info.path.clone());
                    self.status = ViewStatus::Ready(info);
                    self.load_time = Some(load_time);
                }
                WorkerEvent::LoadFailed { path, error, .. } => {
                    self.status = ViewStatus::Failed { path, error };
                }
                WorkerEvent::Rendered { image, timings, .. } => {
                    self.texture.upload(ctx, &image, nearest);
                    self.image = Some(image);
                    outcome.render_times.push(timings.render);
                    self.timings = Some(timings);
                    self.render_error = None;
                    self.image_version += 1;
                    outcome.new_image = true;
                }
                WorkerEvent::RenderFailed { error, .. } => {
                    self.render_error = Some(error);
                }
            }
        }
        outcome
    }
}
