//! The explorer window (`eframe::App`): two views, the control pane, menus and status bar.
//!
//! Every frame: take what the render workers sent, draw, run the commands that drawing and the
//! keyboard produced, advance animations, and send each view the render request its controls
//! now describe (only when it changed). The UI thread never runs a network.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::gui::command::Command;
use crate::gui::controls::Controls;
use crate::gui::difference::Difference;
use crate::gui::image_view::Zoom;
use crate::gui::jobs::Jobs;
use crate::gui::panels;
use crate::gui::perf::Perf;
use crate::gui::settings::Settings;
use crate::gui::shortcuts;
use crate::gui::side::Side;
use crate::gui::startup::{self, AppOptions, PickFile, StartSource};
use crate::gui::texture::DisplayTexture;
use crate::gui::view::View;
use crate::jobs::EngineLoader;
use crate::jobs::engine_switch::{EngineChoice, EngineSwitch};
use crate::jobs::task::Task;
use crate::{Error, Result};

/// How often the window redraws while a job runs (for its elapsed time and ETA).
const JOBS_REPAINT: Duration = Duration::from_millis(250);

/// The pixel under the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Readout {
    /// `None` for the difference view.
    pub side: Option<Side>,
    pub x: usize,
    pub y: usize,
    pub rgba: [u8; 4],
}

/// The difference view's state.
pub struct DifferenceView {
    pub texture: DisplayTexture,
    pub result: Option<Difference>,
    /// Image versions (left, right) and normalisation the result was made from.
    made_from: Option<(u64, u64, bool)>,
}

pub struct ExplorerApp {
    pub views: [View; 2],
    pub settings: Settings,
    /// The view the controls edit when unlinked, and where Open goes.
    pub active: Side,
    pub zoom: Zoom,
    pub perf: Perf,
    /// The path field's text.
    pub path_input: String,
    /// A one-line message in the status bar (saved files, errors of actions).
    pub message: Option<String>,
    pub readout: Option<Readout>,
    pub help_open: bool,
    pub difference: DifferenceView,
    /// Screen rectangles of the two view panes last frame (for drops).
    pub pane_rects: [Option<egui::Rect>; 2],
    pub start_source: StartSource,
    /// The Train… dialog and the training window.
    pub train: crate::gui::train_ui::TrainUi,
    /// The Directions panel (latent-direction sliders).
    pub directions: crate::gui::directions::DirectionsState,
    pub frames: u64,
    /// Background jobs (metrics, and whatever else the window starts) and their results.
    pub jobs: Jobs,
    /// The GPU/CPU engine switch, when the window offers the GPU engine
    /// ([`AppOptions::gpu_engine`]).
    pub engines: Option<Arc<EngineSwitch>>,
    pub(crate) focus_path: bool,
    /// The Inspect window (texture sticking, layers, spectra).
    pub sticking: crate::gui::sticking_state::StickingState,
    /// The CPU loader, for pictures rendered as jobs (the labelling view's thumbnails).
    cpu_loader: Arc<dyn EngineLoader>,
    pending: Vec<Command>,
    dialog: Option<(Side, Task<Option<PathBuf>>)>,
    screenshot: Option<std::sync::mpsc::Receiver<Arc<egui::ColorImage>>>,
    pick_file: Option<PickFile>,
    last_frame: Option<Instant>,
    ctx: egui::Context,
}

impl std::fmt::Debug for ExplorerApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExplorerApp").field("views", &self.views).field("active", &self.active).finish_non_exhaustive()
    }
}

impl ExplorerApp {
    /// Builds the window state and starts loading the first files.
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Result<Self> {
        let ctx = cc.egui_ctx.clone();
        let settings = match options.settings {
            Some(s) => s,
            None => cc.storage.and_then(|s| eframe::get_value(s, Settings::KEY)).unwrap_or_default(),
        };
        let waker_ctx = ctx.clone();
        let waker: crate::jobs::render::Waker = Arc::new(move || waker_ctx.request_repaint());
        let jobs_ctx = ctx.clone();
        let jobs = Jobs::new(Arc::new(move || jobs_ctx.request_repaint()))?;
        let cpu_loader = Arc::clone(&options.loader);
        let engines = options.gpu_engine.then(|| Arc::new(engine_switch(cc, &options.loader, settings.engine)));
        let loader: Arc<dyn EngineLoader> = match &engines {
            Some(e) => Arc::clone(e) as Arc<dyn EngineLoader>,
            None => Arc::clone(&options.loader),
        };
        let mut views =
            [View::new(Side::Left, Arc::clone(&loader), Arc::clone(&waker))?, View::new(Side::Right, loader, waker)?];
        if let Some(rs) = &cc.wgpu_render_state {
            for v in &mut views {
                v.set_render_state(rs.clone());
            }
        }
        let start = startup::startup(&options.files, options.assets_dir.as_deref(), &settings);
        let mut app = Self {
            views,
            settings,
            active: Side::Left,
            zoom: Zoom::default(),
            perf: Perf::default(),
            path_input: String::new(),
            message: None,
            readout: None,
            help_open: false,
            difference: DifferenceView { texture: DisplayTexture::new("difference"), result: None, made_from: None },
            pane_rects: [None, None],
            start_source: start.source,
            train: crate::gui::train_ui::TrainUi::new(&ctx)?,
            directions: Default::default(),
            frames: 0,
            jobs,
            engines,
            focus_path: false,
            sticking: Default::default(),
            cpu_loader,
            pending: Vec::new(),
            dialog: None,
            screenshot: None,
            pick_file: options.pick_file,
            last_frame: None,
            ctx,
        };
        if let Some(p) = start.left {
            app.execute(Command::Open { side: Side::Left, path: p });
        }
        if let Some(p) = start.right {
            app.execute(Command::Open { side: Side::Right, path: p });
            app.settings.compare = true;
        }
        Ok(app)
    }

    pub fn view(&self, side: Side) -> &View {
        &self.views[side.index()]
    }

    pub fn view_mut(&mut self, side: Side) -> &mut View {
        &mut self.views[side.index()]
    }

    /// The sides shown: the left one, and the right one when comparing.
    pub fn shown_sides(&self) -> Vec<Side> {
        if self.settings.compare { Side::BOTH.to_vec() } else { vec![Side::Left] }
    }

    /// The controls that drive `side`.
    pub fn controls(&self, side: Side) -> &Controls {
        if self.settings.linked { &self.settings.shared } else { &self.settings.own[side.index()] }
    }

    /// The controls the control pane edits.
    pub fn edited_controls_mut(&mut self) -> &mut Controls {
        if self.settings.linked { &mut self.settings.shared } else { &mut self.settings.own[self.active.index()] }
    }

    /// Queues a command for the next frame (what menus, buttons and tests use).
    pub fn queue(&mut self, command: Command) {
        self.pending.push(command);
        self.ctx.request_repaint();
    }

    /// Runs a command now.
    pub fn execute(&mut self, command: Command) {
        crate::gui::actions::execute(self, command);
    }

    /// The loader that opens networks on the CPU engine (thumbnails are rendered with it as jobs).
    pub fn thumbnail_loader(&self) -> Arc<dyn EngineLoader> {
        Arc::clone(&self.cpu_loader)
    }

    pub(crate) fn pick_file(&self) -> Option<PickFile> {
        self.pick_file.clone()
    }

    pub(crate) fn set_dialog(&mut self, side: Side, task: Task<Option<PathBuf>>) {
        self.dialog = Some((side, task));
    }

    pub(crate) fn set_screenshot(&mut self, rx: std::sync::mpsc::Receiver<Arc<egui::ColorImage>>) {
        self.screenshot = Some(rx);
    }

    /// Whether a file dialog is open.
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }

    pub(crate) fn ctx(&self) -> &egui::Context {
        &self.ctx
    }

    /// Everything workers sent since last frame.
    fn poll_views(&mut self) {
        let nearest = self.settings.nearest;
        let ctx = self.ctx.clone();
        for side in Side::BOTH {
            let outcome = self.views[side.index()].poll(&ctx, nearest);
            for t in outcome.render_times {
                self.perf.renders.push(t);
            }
            if let Some(path) = outcome.loaded {
                self.jobs.read_back(side, &path, self.settings.analysis.results_dir.as_deref());
                self.settings.add_recent(&path);
                self.settings.session[side.index()] = Some(path);
                if let Some(info) = self.views[side.index()].info() {
                    let n = info.num_ws;
                    self.settings.shared.fit_rows(n);
                    self.settings.own[side.index()].fit_rows(n);
                }
            }
        }
        if let Some(dir) = self.jobs.poll() {
            self.settings.analysis.results_dir = Some(dir);
        }
        if let Some(rx) = &self.screenshot
            && let Ok(image) = rx.try_recv()
        {
            self.screenshot = None;
            crate::gui::actions::save_window(self, &image);
        }
        if let Some((side, task)) = &mut self.dialog
            && let Some(result) = task.poll()
        {
            let side = *side;
            self.dialog = None;
            if let Some(path) = result {
                self.execute(Command::Open { side, path });
            }
        }
    }

    /// Recomputes the difference heatmap when either image changed.
    fn update_difference(&mut self) {
        let wanted = self.settings.compare && self.settings.show_difference;
        if let Some(e) = &self.engines {
            // GPU frames come with their pixels only while the difference view needs them.
            e.set_read_back(wanted);
        }
        if !wanted {
            return;
        }
        for v in &mut self.views {
            v.fetch_pixels();
        }
        let [l, r] = &self.views;
        let key = (l.image_version, r.image_version, self.settings.normalize_difference);
        if self.difference.made_from == Some(key) {
            return;
        }
        self.difference.made_from = Some(key);
        self.difference.result = match (&l.image, &r.image) {
            (Some(a), Some(b)) => crate::gui::difference::difference(a, b, self.settings.normalize_difference),
            _ => None,
        };
        match &self.difference.result {
            Some(d) => self.difference.texture.upload(&self.ctx, &d.heatmap, self.settings.nearest),
            None => self.difference.texture.clear(),
        }
    }

    /// Animations, then one request per shown view if its controls changed.
    fn advance(&mut self, dt: f64) {
        let sides = self.shown_sides();
        if self.settings.linked {
            if self.settings.shared.is_animating() {
                self.settings.shared.animate(dt);
            }
        } else {
            for side in &sides {
                let c = &mut self.settings.own[side.index()];
                if c.is_animating() {
                    c.animate(dt);
                }
            }
        }
        for side in sides {
            let controls = self.controls(side).clone();
            self.views[side.index()].sync(&controls);
        }
    }

    fn animating(&self) -> bool {
        self.shown_sides().iter().any(|s| self.controls(*s).is_animating())
    }

    fn shortcut_state(&self) -> shortcuts::Context {
        shortcuts::Context {
            active: self.active,
            compare: self.settings.compare,
            linked: self.settings.linked,
            nearest: self.settings.nearest,
            difference: self.settings.show_difference,
            help: self.help_open,
        }
    }

    /// Files dropped on the window open in the view under the pointer (else the active one).
    fn take_dropped_files(&mut self, ui: &egui::Ui) {
        let (files, pos) = ui.input(|i| (i.raw.dropped_files.clone(), i.pointer.latest_pos()));
        let Some(path) = files.first().map(|f| f.path().to_path_buf()) else { return };
        let side = pos
            .and_then(|p| Side::BOTH.into_iter().find(|s| self.pane_rects[s.index()].is_some_and(|r| r.contains(p))))
            .unwrap_or(self.active);
        self.execute(Command::Open { side, path });
    }

    /// One frame; [`eframe::App::ui`] calls this.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let now = Instant::now();
        let dt = self.last_frame.map_or(Duration::ZERO, |t| now.duration_since(t));
        self.last_frame = Some(now);
        self.frames += 1;

        self.poll_views();
        self.take_dropped_files(ui);
        let keys = shortcuts::pressed(ui.ctx(), &self.shortcut_state());
        for c in keys.into_iter().chain(std::mem::take(&mut self.pending)) {
            self.execute(c);
        }

        panels::menu_bar::show(ui, self);
        panels::status_bar::show(ui, self);
        panels::jobs::show(ui, self);
        panels::controls_pane::show(ui, self);
        self.update_difference();
        panels::views::show(ui, self);
        panels::help::show(ui, self);
        crate::gui::train_ui::show(ui, self);
        panels::sticking::show(ui, self);
        crate::gui::directions::labelling::show(ui, self);

        for c in std::mem::take(&mut self.pending) {
            self.execute(c);
        }
        crate::gui::directions::update(self);
        // Animation steps use the real frame time, capped so that a stall does not jump.
        self.advance(dt.as_secs_f64().min(0.25));
        if self.animating()
            || self.views.iter().any(View::is_loading)
            || self.dialog.is_some()
            || self.directions.busy()
        {
            ui.ctx().request_repaint();
        }
        if self.jobs.busy() {
            // Progress arrives through the runner's wake; this keeps elapsed time and ETA moving.
            ui.ctx().request_repaint_after(JOBS_REPAINT);
        }
        self.perf.frame(now, now.elapsed());
    }

    /// The settings as they will be persisted (session files included).
    pub fn settings_to_save(&self) -> Settings {
        self.settings.clone()
    }
}

impl eframe::App for ExplorerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, Settings::KEY, &self.settings_to_save());
    }
}

/// The GPU/CPU switch around the CPU engine `cpu`, with the window's wgpu device for the GPU
/// engine when there is one that can run compute shaders.
fn engine_switch(cc: &eframe::CreationContext<'_>, cpu: &Arc<dyn EngineLoader>, choice: EngineChoice) -> EngineSwitch {
    let switch = EngineSwitch::new(Arc::clone(cpu), choice);
    match &cc.wgpu_render_state {
        None => switch.set_no_gpu("the window does not draw with wgpu"),
        Some(rs) if !crate::gpu::compute::supports_compute(&rs.adapter) => {
            let info = rs.adapter.get_info();
            switch.set_no_gpu(format!("the adapter {} ({:?}) cannot run compute shaders", info.name, info.backend));
        }
        Some(rs) => {
            switch.set_gpu(crate::gpu::compute::GpuContext::from_device(rs.device.clone(), rs.queue.clone()));
        }
    }
    switch
}

/// An error from a command that the status bar shows.
pub(crate) fn report(app: &mut ExplorerApp, what: &str, e: &Error) {
    app.message = Some(format!("{what}: {e}"));
}
