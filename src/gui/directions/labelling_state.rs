//! What the labelling view holds: the labels (`seed → positive`), the page of seeds shown, its
//! thumbnails (rendered as a job, never on this thread), the label file, and the SVM job.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::gui::jobs::Jobs;
use crate::gui::texture::{color_image, texture_options};
use crate::jobs::EngineLoader;
use crate::jobs::svm_job::{SvmOutcome, SvmRequest, train_svm};
use crate::jobs::task::Task;
use crate::jobs::thumbnail_job::{ThumbnailPage, render_thumbnails};
use crate::jobs::{JobHandle, JobSnapshot};
use crate::latent::directions::{SvmSettings, labels_csv_text, read_labels_csv};
use crate::{Error, Result};

/// Seeds per page of the grid.
pub const PAGE: u64 = 16;
/// Thumbnails are shrunk to at most this many pixels a side.
pub const THUMB_SIDE: usize = 128;

/// What one page of thumbnails is (or is being) rendered for.
#[derive(Clone, Debug, PartialEq)]
struct PageKey {
    network: PathBuf,
    first: u64,
    psi: f64,
}

pub struct LabellingState {
    pub open: bool,
    /// The page shown: seeds `page·16 …`.
    pub page: u64,
    /// `seed → positive`; unlabelled seeds are absent.
    pub labels: BTreeMap<u64, bool>,
    /// The label file the CSV buttons read and write.
    pub csv_path: String,
    /// The trained slider's name.
    pub name: String,
    /// SVM penalty C.
    pub c: f64,
    /// Names of the sliders the trained direction is conditioned on (projected out).
    pub conditions: BTreeSet<String>,
    pub error: Option<String>,
    pub note: Option<String>,
    /// The last training's accuracy line.
    pub result: Option<String>,
    /// The page's seeds and their textures (none until rendered).
    pub thumbnails: Vec<(u64, Option<egui::TextureHandle>)>,
    shown_for: Option<PageKey>,
    thumb_job: Option<JobHandle<ThumbnailPage>>,
    train_job: Option<JobHandle<SvmOutcome>>,
    csv_dialog: Option<Task<Option<PathBuf>>>,
}

impl Default for LabellingState {
    fn default() -> Self {
        Self {
            open: false,
            page: 0,
            labels: BTreeMap::new(),
            csv_path: String::new(),
            name: "SVM 1".into(),
            c: 1.0,
            conditions: BTreeSet::new(),
            error: None,
            note: None,
            result: None,
            thumbnails: Vec::new(),
            shown_for: None,
            thumb_job: None,
            train_job: None,
            csv_dialog: None,
        }
    }
}

impl std::fmt::Debug for LabellingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabellingState")
            .field("page", &self.page)
            .field("labels", &self.labels.len())
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl LabellingState {
    /// The seeds of the current page.
    pub fn page_seeds(&self) -> Vec<u64> {
        let first = self.page.saturating_mul(PAGE);
        (first..first.saturating_add(PAGE)).collect()
    }

    /// A click on a thumbnail: unlabelled → positive → negative → unlabelled.
    pub fn cycle(&mut self, seed: u64) {
        match self.labels.get(&seed) {
            None => {
                self.labels.insert(seed, true);
            }
            Some(true) => {
                self.labels.insert(seed, false);
            }
            Some(false) => {
                self.labels.remove(&seed);
            }
        }
    }

    /// (positive, negative) labels over all pages.
    pub fn counts(&self) -> (usize, usize) {
        let pos = self.labels.values().filter(|l| **l).count();
        (pos, self.labels.len() - pos)
    }

    /// Asks for the current page's thumbnails of `network` at `psi` unless they are there or on
    /// their way (a request for another page replaces a running one).
    pub fn ensure_thumbnails(&mut self, jobs: &mut Jobs, loader: &Arc<dyn EngineLoader>, network: &Path, psi: f64) {
        let key = PageKey { network: network.to_path_buf(), first: self.page.saturating_mul(PAGE), psi };
        if self.shown_for.as_ref() == Some(&key) {
            return;
        }
        if let Some(old) = self.thumb_job.take() {
            old.cancel();
        }
        let seeds = self.page_seeds();
        self.thumbnails = seeds.iter().map(|s| (*s, None)).collect();
        let loader = Arc::clone(loader);
        let net = key.network.clone();
        let title = format!("Thumbnails, seeds {}-{}", key.first, key.first + PAGE - 1);
        let job =
            jobs.submit_quiet(title, move |m| render_thumbnails(loader.as_ref(), &net, &seeds, psi, THUMB_SIDE, m));
        self.thumb_job = Some(job);
        self.shown_for = Some(key);
    }

    /// Takes finished jobs: thumbnails become textures; a trained direction is returned (for the
    /// Directions panel to add as a slider). Also takes the file dialog's answer.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<SvmOutcome> {
        if let Some(result) = self.thumb_job.as_ref().and_then(JobHandle::take_result) {
            self.thumb_job = None;
            match result {
                Ok(page) => {
                    let current =
                        self.shown_for.as_ref().is_some_and(|k| k.network == page.network && k.psi == page.psi);
                    for (seed, image) in page.seeds.iter().zip(&page.images) {
                        if let Some(slot) = self.thumbnails.iter_mut().find(|(s, _)| s == seed).filter(|_| current) {
                            let name = format!("label-thumb-{seed}");
                            slot.1 = Some(ctx.load_texture(name, color_image(image), texture_options(false)));
                        }
                    }
                }
                Err(e) if matches!(e.root(), Error::Cancelled) => {}
                Err(e) => self.error = Some(format!("thumbnails: {e}")),
            }
        }
        if let Some(task) = &mut self.csv_dialog
            && let Some(answer) = task.poll()
        {
            self.csv_dialog = None;
            if let Some(path) = answer {
                self.csv_path = path.display().to_string();
                self.load_csv();
            }
        }
        let result = self.train_job.as_ref().and_then(JobHandle::take_result)?;
        self.train_job = None;
        match result {
            Ok(outcome) => {
                self.result = Some(format!("{}: {}", outcome.direction.name, outcome.accuracy_text()));
                self.error = None;
                Some(outcome)
            }
            Err(e) if matches!(e.root(), Error::Cancelled) => {
                self.note = Some("training cancelled".into());
                None
            }
            Err(e) => {
                self.error = Some(e.to_string());
                None
            }
        }
    }

    /// Reads `csv_path` (`seed,label`, label 0/1 or -1/1) into the labels (its labels win over
    /// clicked ones); a bad line leaves the labels as they were and shows the file and line.
    pub fn load_csv(&mut self) {
        let path = PathBuf::from(self.csv_path.trim());
        match read_labels_csv(&path) {
            Ok(labels) => {
                let n = labels.len();
                self.labels.extend(labels);
                self.note = Some(format!("loaded {n} labels from {}", path.display()));
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Opens a native file dialog for the label file (where the window has dialogs).
    pub fn browse_csv(&mut self, ctx: &egui::Context) -> Result<()> {
        if self.csv_dialog.is_some() {
            return Ok(());
        }
        let ctx = ctx.clone();
        let pick = || {
            rfd::FileDialog::new()
                .set_title("Load labels")
                .add_filter("Labels", &["csv", "txt"])
                .add_filter("All files", &["*"])
                .pick_file()
        };
        self.csv_dialog = Some(Task::spawn("labels-dialog", pick, move || ctx.request_repaint())?);
        Ok(())
    }

    /// Writes the labels to `csv_path`.
    pub fn save_csv(&mut self) {
        let path = PathBuf::from(self.csv_path.trim());
        let labels: Vec<(u64, bool)> = self.labels.iter().map(|(s, l)| (*s, *l)).collect();
        match std::fs::write(&path, labels_csv_text(&labels)) {
            Ok(()) => self.note = Some(format!("saved {} labels to {}", labels.len(), path.display())),
            Err(e) => self.error = Some(Error::from(e).in_file(&path).to_string()),
        }
    }

    /// Starts training on the labels (opens the Jobs panel); `conditions` are the chosen
    /// sliders' W vectors.
    pub fn start_training(&mut self, jobs: &mut Jobs, network: &Path, conditions: Vec<(String, Vec<f64>)>) {
        let (pos, neg) = self.counts();
        if pos < 2 || neg < 2 {
            self.error = Some(format!("label at least 2 positive and 2 negative samples (now {pos} and {neg})"));
            return;
        }
        if let Some(old) = self.train_job.take() {
            old.cancel();
        }
        let name = if self.name.trim().is_empty() { "SVM".to_string() } else { self.name.trim().to_string() };
        let request = SvmRequest {
            network: network.to_path_buf(),
            name: name.clone(),
            labels: self.labels.iter().map(|(s, l)| (*s, *l)).collect(),
            settings: SvmSettings { c: self.c, ..Default::default() },
            conditions,
        };
        self.train_job = Some(jobs.submit(format!("Train SVM `{name}`"), move |m| train_svm(&request, m)));
        self.error = None;
        self.note = None;
        self.result = None;
    }

    /// The training job's progress while it runs.
    pub fn training(&self) -> Option<JobSnapshot> {
        self.train_job.as_ref().map(JobHandle::snapshot).filter(|s| s.status.is_active())
    }

    pub fn cancel_training(&self) {
        if let Some(j) = &self.train_job {
            j.cancel();
        }
    }

    /// Whether a job or dialog of the view is on its way.
    pub fn busy(&self) -> bool {
        self.thumb_job.is_some() || self.train_job.is_some() || self.csv_dialog.is_some()
    }
}
