//! One view: a network file, its render worker, the latest image and its texture.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Result;
use crate::gui::controls::Controls;
use crate::gui::gpu_display::GpuDisplay;
use crate::gui::side::Side;
use crate::gui::texture::DisplayTexture;
use crate::jobs::EngineLoader;
use crate::jobs::render::{RenderWorker, Waker, WorkerEvent};
use crate::jobs::request::{GpuFrame, NetworkInfo, RenderRequest, RenderTimings};
use crate::raster::Raster;

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
    /// The latest image's pixels (kept while a newer one renders). With the GPU engine only
    /// when they were read back ([`View::fetch_pixels`]); the frame itself is in `frame`.
    pub image: Option<Arc<Raster>>,
    /// The GPU engine's texture holding the latest frame (shown without a read-back).
    pub frame: Option<Arc<GpuFrame>>,
    /// Registers GPU frames with the window's renderer (`None` without a wgpu window).
    gpu_display: Option<GpuDisplay>,
    /// The latest render error (cleared by the next image).
    pub render_error: Option<String>,
    pub texture: DisplayTexture,
    pub timings: Option<RenderTimings>,
    pub load_time: Option<Duration>,
    /// Incremented for every new image.
    pub image_version: u64,
    /// Latent-direction sliders for this view's network (set by the Directions panel), added
    /// to every request.
    pub directions: Vec<crate::latent::directions::DirectionEdit>,
    /// StyleSpace channel offsets for this view's network (set by the Directions panel).
    pub style_channels: Vec<crate::nn::style_offsets::StyleOffset>,
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
            frame: None,
            gpu_display: None,
            render_error: None,
            texture: DisplayTexture::new(format!("view-{}", side.name().to_lowercase())),
            timings: None,
            load_time: None,
            image_version: 0,
            directions: Vec::new(),
            style_channels: Vec::new(),
            last_request: None,
        })
    }

    /// Lets the view show GPU frames directly through the window's egui-wgpu renderer.
    pub fn set_render_state(&mut self, render_state: egui_wgpu::RenderState) {
        self.gpu_display = Some(GpuDisplay::new(render_state));
    }

    /// Drops the texture and any registration of a GPU frame.
    fn clear_texture(&mut self) {
        self.texture.clear();
        self.frame = None;
        if let Some(d) = &mut self.gpu_display {
            d.release();
        }
    }

    /// Whether there is an image to show (pixels or a GPU frame).
    pub fn has_image(&self) -> bool {
        self.image.is_some() || self.frame.is_some()
    }

    /// Makes sure [`View::image`] holds the pixels of the frame shown: with the GPU engine this
    /// reads the texture back (for saving, copying and the pixel readout; never for display).
    pub fn fetch_pixels(&mut self) -> Option<Arc<Raster>> {
        if self.image.is_none()
            && let Some(frame) = &self.frame
        {
            match frame.read_pixels() {
                Ok(r) => self.image = Some(Arc::new(r)),
                Err(e) => self.render_error = Some(e.to_string()),
            }
        }
        self.image.clone()
    }

    /// Switches between nearest and linear magnification.
    pub fn set_filter(&mut self, ctx: &egui::Context, nearest: bool) {
        if let (Some(frame), Some(display)) = (&self.frame, &mut self.gpu_display)
            && self.texture.native().is_some()
        {
            let id = display.show(frame, nearest);
            self.texture.set_native(id, [frame.width, frame.height], nearest);
            return;
        }
        let img = self.image.clone();
        self.texture.set_filter(img.as_deref(), ctx, nearest);
    }

    /// Starts loading `path` on the worker; the view shows "Loading …" until it answers.
    pub fn open(&mut self, path: &Path) {
        self.worker.load(path);
        self.status = ViewStatus::Loading { path: path.to_path_buf(), since: Instant::now() };
        self.directions.clear();
        self.style_channels.clear();
        self.image = None;
        self.render_error = None;
        self.timings = None;
        self.clear_texture();
        self.last_request = None;
    }

    /// Forgets the network (the worker keeps running, idle).
    pub fn close(&mut self) {
        self.worker.unload();
        self.status = ViewStatus::Empty;
        self.image = None;
        self.render_error = None;
        self.timings = None;
        self.clear_texture();
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
        let mut request = controls.request(info);
        request.directions = self.directions.clone();
        request.style_channels = self.style_channels.clone();
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
                WorkerEvent::Rendered { image, frame, timings, .. } => {
                    self.show(ctx, image.as_deref(), frame.as_deref(), nearest);
                    self.image = image;
                    self.frame = frame;
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

    /// Puts a new frame on screen: a GPU frame on the window's device through its registered
    /// texture, anything else by uploading its pixels.
    fn show(&mut self, ctx: &egui::Context, image: Option<&Raster>, frame: Option<&GpuFrame>, nearest: bool) {
        if let (Some(frame), Some(display)) = (frame, &mut self.gpu_display)
            && display.same_device(frame)
        {
            let id = display.show(frame, nearest);
            self.texture.set_native(id, [frame.width, frame.height], nearest);
            return;
        }
        if self.texture.take_native().is_some()
            && let Some(d) = &mut self.gpu_display
        {
            d.release();
        }
        let read;
        let pixels = match (image, frame) {
            (Some(img), _) => Some(img),
            (None, Some(f)) => {
                read = f.read_pixels();
                read.as_ref().ok()
            }
            (None, None) => None,
        };
        if let Some(img) = pixels {
            self.texture.upload(ctx, img, nearest);
        }
    }
}
