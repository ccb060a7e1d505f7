//! The window's training state: the Train… dialog's fields and file pickers, the training run
//! (a [`TrainJob`] on a runner of its own, so that a run of hours never queues other jobs behind
//! it), its live sample-grid texture, and the commands its buttons produce. Drawing is in
//! `train_dialog` and `train_view`; [`show`] draws both each frame.

use std::path::PathBuf;
use std::sync::Arc;

use crate::gui::app::ExplorerApp;
use crate::gui::command::Command;
use crate::gui::texture::DisplayTexture;
use crate::gui::train_form::TrainForm;
use crate::jobs::job::Wake;
use crate::jobs::task::Task;
use crate::jobs::{JobRunner, TrainHandle, TrainJob};
use crate::Result;

/// What a file picker of the dialog asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// A dataset zip.
    DatasetZip,
    /// A dataset folder.
    DatasetFolder,
    /// The folder run directories go to.
    Outdir,
    /// A snapshot or NVIDIA pickle to resume from.
    Resume,
}

/// Shows a file dialog for `kind` (runs on a background task).
pub type PickPath = Arc<dyn Fn(PathKind) -> Option<PathBuf> + Send + Sync>;

/// The native dialogs (rfd).
pub fn native_pick(kind: PathKind) -> Option<PathBuf> {
    let d = rfd::FileDialog::new();
    match kind {
        PathKind::DatasetZip => d.set_title("Training data (zip)").add_filter("Datasets", &["zip"]).pick_file(),
        PathKind::DatasetFolder => d.set_title("Training data (folder of PNGs)").pick_folder(),
        PathKind::Outdir => d.set_title("Output folder for run directories").pick_folder(),
        PathKind::Resume => d
            .set_title("Resume from")
            .add_filter("Snapshots and pickles", &["safetensors", "pkl"])
            .add_filter("All files", &["*"])
            .pick_file(),
    }
}

/// The training part of the window.
pub struct TrainUi {
    pub form: TrainForm,
    pub dialog_open: bool,
    /// The training window (shown once a run was started).
    pub view_open: bool,
    /// Why Start did not start (shown in the dialog).
    pub error: Option<String>,
    /// The current (or last) run.
    pub run: Option<TrainHandle>,
    /// Line segments of the curves drawn last frame (for tests).
    pub curve_segments: usize,
    pub grid_texture: DisplayTexture,
    /// The sample-grid version in the texture.
    pub grid_version: u64,
    pub(crate) browse: Option<(PathKind, Task<Option<PathBuf>>)>,
    pick: Option<PickPath>,
    runner: JobRunner,
    wake: Wake,
}

impl std::fmt::Debug for TrainUi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainUi").field("form", &self.form).field("run", &self.run).finish_non_exhaustive()
    }
}

impl TrainUi {
    /// With the native file dialogs; `ctx` is repainted whenever the run reports.
    pub fn new(ctx: &egui::Context) -> Result<Self> {
        let c = ctx.clone();
        let wake: Wake = Arc::new(move || c.request_repaint());
        Ok(Self {
            form: TrainForm::default(),
            dialog_open: false,
            view_open: false,
            error: None,
            run: None,
            curve_segments: 0,
            grid_texture: DisplayTexture::new("training samples"),
            grid_version: 0,
            browse: None,
            pick: Some(Arc::new(native_pick)),
            runner: JobRunner::new(1, Arc::clone(&wake))?,
            wake,
        })
    }

    /// Replaces the file dialogs (`None`: no dialogs, paths are typed).
    pub fn set_picker(&mut self, pick: Option<PickPath>) {
        self.pick = pick;
    }

    /// The runner training jobs run on (for a jobs list).
    pub fn runner(&self) -> &JobRunner {
        &self.runner
    }

    pub fn open_dialog(&mut self) {
        self.dialog_open = true;
        self.error = None;
    }

    /// Whether the current run is queued or running.
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.status().is_active())
    }

    /// Starts a run with the dialog's fields (one run at a time).
    pub fn start(&mut self) -> Result<()> {
        if self.running() {
            return Err(crate::Error::Invalid("a training run is already going; cancel it first".into()));
        }
        let options = self.form.to_options()?;
        let job = TrainJob { options, samples_every: self.form.samples_every };
        let handle = job.submit(&mut self.runner, Arc::clone(&self.wake))?;
        self.run = Some(handle);
        self.grid_texture.clear();
        self.grid_version = 0;
        self.view_open = true;
        self.dialog_open = false;
        self.error = None;
        Ok(())
    }

    /// Shows a file dialog for `kind` off the UI thread (one at a time).
    pub fn browse(&mut self, kind: PathKind) {
        if self.browse.is_some() {
            return;
        }
        let Some(pick) = self.pick.clone() else {
            self.error = Some("No file dialog here: type the path".into());
            return;
        };
        let wake = Arc::clone(&self.wake);
        match Task::spawn("train-file-dialog", move || pick(kind), move || wake()) {
            Ok(task) => self.browse = Some((kind, task)),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// The newest snapshot of the current run.
    pub fn latest_snapshot(&self) -> Option<PathBuf> {
        self.run.as_ref().and_then(|r| r.live.read(|s| s.latest_snapshot().cloned()))
    }

    /// Takes what the file dialog and the run delivered since last frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        if let Some((kind, task)) = &mut self.browse
            && let Some(result) = task.poll()
        {
            let kind = *kind;
            self.browse = None;
            if let Some(p) = result {
                let text = p.display().to_string();
                match kind {
                    PathKind::DatasetZip | PathKind::DatasetFolder => self.form.data = text,
                    PathKind::Outdir => self.form.outdir = text,
                    PathKind::Resume => self.form.resume = text,
                }
            }
        } else if self.browse.as_ref().is_some_and(|(_, t)| !t.running()) {
            self.browse = None;
        }
        let Some(run) = &self.run else { return };
        let seen = self.grid_version;
        let newer = run.live.read(|s| s.samples.as_ref().filter(|g| g.version > seen).map(|g| (g.version, g.grid.clone())));
        if let Some((version, grid)) = newer {
            self.grid_texture.upload(ctx, &grid, true);
            self.grid_version = version;
        }
    }
}

/// Draws the dialog and the training window, and runs what their buttons asked for.
pub fn show(ui: &mut egui::Ui, app: &mut ExplorerApp) {
    let ctx = ui.ctx().clone();
    app.train.poll(&ctx);
    crate::gui::train_dialog::show(&ctx, &mut app.train);
    if let Some((side, path)) = crate::gui::train_view::show(&ctx, &mut app.train) {
        app.queue(Command::Open { side, path });
    }
    if app.train.browse.is_some() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
}
