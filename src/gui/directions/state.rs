//! What the Directions panel holds between frames (not persisted: directions belong to a loaded
//! network and are recomputed or re-imported).

use std::path::{Path, PathBuf};

use crate::Error;
use crate::gui::directions::labelling_state::LabellingState;
use crate::gui::jobs::Jobs;
use crate::jobs::direction_job::{DirectionSet, DirectionSource, compute_direction_set, strip_job};
use crate::jobs::svm_job::SvmOutcome;
use crate::jobs::{JobHandle, JobSnapshot};
use crate::latent::directions::{
    DirectionEdit, GanSpaceSettings, LayerSelection, StripSettings, StyleChannel, StyleStats,
};
use crate::nn::style_offsets::StyleOffset;

/// How the sliders' directions are found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    #[default]
    Sefa,
    GanSpace,
    Import,
}

pub struct DirectionsState {
    pub method: Method,
    /// SeFa's affine selection (ToRGB, StyleGAN3 input).
    pub selection: LayerSelection,
    pub ganspace: GanSpaceSettings,
    /// `FILE.npy[:ROW]` to import.
    pub import_path: String,
    /// Where "Save set" writes.
    pub save_path: String,
    /// The last error (a mismatched `.npy`, a failed job), shown in the panel.
    pub error: Option<String>,
    /// A one-line note (saved files, cancelled jobs).
    pub note: Option<String>,
    /// The current sliders' directions.
    pub set: Option<DirectionSet>,
    /// Slider values in σ, one per direction.
    pub strengths: Vec<f64>,
    /// Inclusive W+ rows the sliders move.
    pub layers: (usize, usize),
    /// How many sliders are shown.
    pub shown: usize,
    /// The network the last job was for (SeFa is recomputed when the active network changes).
    requested_for: Option<(PathBuf, Method)>,
    /// StyleSpace: the edited channel and its strength in σ.
    pub channel: StyleChannel,
    pub channel_strength: f64,
    /// Style statistics (σ per channel) of a network.
    pub style_stats: Option<(PathBuf, StyleStats)>,
    /// The labelling view (labelled SVM directions).
    pub labelling: LabellingState,
    job: Option<JobHandle<DirectionSet>>,
    strip: Option<JobHandle<String>>,
    stats_job: Option<JobHandle<StyleStatsOutput>>,
}

/// A finished style-statistics job.
pub struct StyleStatsOutput(pub PathBuf, pub StyleStats);

impl crate::jobs::JobOutput for StyleStatsOutput {
    fn summary(&self) -> String {
        format!("style statistics of {} layers", self.1.names.len())
    }
}

impl Default for DirectionsState {
    fn default() -> Self {
        Self {
            method: Method::Sefa,
            selection: LayerSelection::default(),
            ganspace: GanSpaceSettings::default(),
            import_path: String::new(),
            save_path: "directions.npy".into(),
            error: None,
            note: None,
            set: None,
            strengths: Vec::new(),
            layers: (0, 0),
            shown: 8,
            requested_for: None,
            channel: StyleChannel { layer: 1, channel: 0 },
            channel_strength: 0.0,
            style_stats: None,
            labelling: LabellingState::default(),
            job: None,
            strip: None,
            stats_job: None,
        }
    }
}

impl std::fmt::Debug for DirectionsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectionsState")
            .field("method", &self.method)
            .field("error", &self.error)
            .field("strengths", &self.strengths)
            .finish_non_exhaustive()
    }
}

impl DirectionsState {
    /// Starts computing the set for `network` with the current method (replacing a running job)
    /// on the window's runner (GANSpace opens the Jobs panel; SeFa and imports are quick).
    pub fn start(&mut self, jobs: &mut Jobs, network: &Path) {
        let source = match self.method {
            Method::Sefa => DirectionSource::Sefa(self.selection.clone()),
            Method::GanSpace => DirectionSource::GanSpace(self.ganspace.clone()),
            Method::Import => {
                if self.import_path.trim().is_empty() {
                    self.error = Some("type the path of a .npy direction file first".into());
                    return;
                }
                DirectionSource::Import(self.import_path.trim().to_string())
            }
        };
        if let Some(old) = self.job.take() {
            old.cancel();
        }
        let title = match self.method {
            Method::Sefa => "SeFa",
            Method::GanSpace => "GANSpace",
            Method::Import => "Import directions",
        };
        let path = network.to_path_buf();
        let work = move |m: &dyn crate::progress::Monitor| compute_direction_set(&path, &source, m);
        let job =
            if self.method == Method::GanSpace { jobs.submit(title, work) } else { jobs.submit_quiet(title, work) };
        self.job = Some(job);
        self.requested_for = Some((network.to_path_buf(), self.method));
        self.error = None;
        self.note = None;
    }

    /// Whether the last request was `method` for `network` (so SeFa is not recomputed every frame).
    pub fn requested(&self, network: &Path, method: Method) -> bool {
        self.requested_for.as_ref().is_some_and(|(p, m)| p == network && *m == method)
    }

    /// The running job's progress.
    pub fn progress(&self) -> Option<JobSnapshot> {
        self.job.as_ref().map(JobHandle::snapshot).filter(|s| s.status.is_active())
    }

    pub fn cancel(&self) {
        if let Some(j) = &self.job {
            j.cancel();
        }
    }

    /// Takes finished results.
    pub fn poll(&mut self) {
        if let Some(result) = self.job.as_ref().and_then(JobHandle::take_result) {
            self.job = None;
            match result {
                Ok(set) => {
                    self.strengths = vec![0.0; set.directions.len()];
                    self.layers = set.default_layers;
                    self.set = Some(set);
                    self.error = None;
                }
                Err(e) if matches!(e.root(), Error::Cancelled) => self.note = Some("cancelled".into()),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        if let Some(result) = self.stats_job.as_ref().and_then(JobHandle::take_result) {
            self.stats_job = None;
            match result {
                Ok(StyleStatsOutput(p, s)) => self.style_stats = Some((p, s)),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        if let Some(result) = self.strip.as_ref().and_then(JobHandle::take_result) {
            self.strip = None;
            match result {
                Ok(msg) => self.note = Some(msg),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
    }

    /// Whether a job is queued or running.
    pub fn busy(&self) -> bool {
        self.job.is_some() || self.strip.is_some() || self.stats_job.is_some() || self.labelling.busy()
    }

    /// Adds a trained direction as a slider: first in the current set when it belongs to the
    /// same network (replacing a slider of the same name in place), else as a new set.
    pub fn add_direction(&mut self, o: SvmOutcome) {
        let note = o.accuracy_text();
        match &mut self.set {
            Some(set) if set.network == o.network => {
                if let Some(i) = set.directions.iter().position(|d| d.name == o.direction.name) {
                    set.directions[i] = o.direction;
                    if let Some(n) = set.notes.get_mut(i) {
                        *n = note;
                    }
                    if let Some(s) = self.strengths.get_mut(i) {
                        *s = 0.0;
                    }
                } else {
                    // First, so that the new slider is shown however many the set holds.
                    set.directions.insert(0, o.direction);
                    set.notes.insert(0, note);
                    self.strengths.insert(0, 0.0);
                }
            }
            _ => {
                self.strengths = vec![0.0];
                self.layers = o.default_layers;
                self.set = Some(DirectionSet {
                    network: o.network,
                    method: "SVM".into(),
                    w_dim: o.w_dim,
                    num_ws: o.num_ws,
                    default_layers: o.default_layers,
                    directions: vec![o.direction],
                    notes: vec![note],
                });
            }
        }
        self.error = None;
    }

    /// Starts computing the style statistics of `network` (2000 samples) unless they are there
    /// or on their way.
    pub fn ensure_style_stats(&mut self, jobs: &mut Jobs, network: &Path) {
        if self.stats_job.is_some() || self.style_stats.as_ref().is_some_and(|(p, _)| p == network) {
            return;
        }
        let path = network.to_path_buf();
        let job = jobs.submit_quiet("Style statistics", move |m| {
            let g = crate::checkpoint::Checkpoint::open(&path)
                .and_then(|c| c.load_generator(&candle_core::Device::Cpu))
                .map_err(|e| e.in_file(&path))?;
            Ok(StyleStatsOutput(path, StyleStats::compute(&g, 2000, 0, m)?))
        });
        self.stats_job = Some(job);
    }

    /// The StyleSpace offset of the channel slider and the network it belongs to; an invalid
    /// channel gives none (the panel shows why).
    pub fn style_offset(&self) -> (Option<PathBuf>, Option<StyleOffset>) {
        match &self.style_stats {
            Some((p, stats)) if self.channel_strength != 0.0 => {
                (Some(p.clone()), stats.offset(self.channel, self.channel_strength).ok())
            }
            _ => (None, None),
        }
    }

    /// The active sliders as edits.
    pub fn edits(&self) -> Vec<DirectionEdit> {
        let Some(set) = &self.set else { return Vec::new() };
        set.directions
            .iter()
            .zip(&self.strengths)
            .filter(|(_, s)| **s != 0.0)
            .map(|(d, s)| DirectionEdit { direction: d.clone(), strength: *s, layers: Some(self.layers) })
            .collect()
    }

    pub fn reset(&mut self) {
        self.strengths.iter_mut().for_each(|s| *s = 0.0);
    }

    /// Writes the set (float32 `[k, w_dim]` + sidecar with names and σ) to `save_path`.
    pub fn save(&mut self) {
        let Some(set) = &self.set else { return };
        let path = PathBuf::from(self.save_path.trim());
        let flat: Vec<&crate::latent::directions::Direction> = set.directions.iter().filter(|d| d.rows == 1).collect();
        let vecs: Vec<Vec<f64>> = flat.iter().map(|d| d.values.iter().map(|&x| f64::from(x)).collect()).collect();
        let meta = serde_json::json!({
            "method": set.method,
            "network": set.network.display().to_string(),
            "names": flat.iter().map(|d| d.name.clone()).collect::<Vec<_>>(),
            "sigma": flat.iter().map(|d| d.sigma).collect::<Vec<_>>(),
            "notes": set.notes,
            "default_layers": set.default_layers,
        });
        match crate::latent::directions::write_direction_set(&path, &vecs, meta) {
            Ok(()) => self.note = Some(format!("saved {} directions to {}", vecs.len(), path.display())),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Starts a −3σ…+3σ strip of the first moved slider (or the first direction) over seeds
    /// `seed..seed+4`, written beside the save path as `<stem>_strip.png`.
    pub fn start_strip(&mut self, jobs: &mut Jobs, seed: u64, psi: f64) {
        let Some(set) = self.set.clone() else { return };
        let i = self.strengths.iter().position(|s| *s != 0.0).unwrap_or(0);
        let Some(direction) = set.directions.get(i).cloned() else { return };
        let out = PathBuf::from(self.save_path.trim()).with_extension("").with_extension("strip.png");
        let settings = StripSettings {
            seeds: (seed..seed + 4).collect(),
            psi,
            steps: 7,
            max_sigma: 3.0,
            layers: Some(self.layers),
        };
        let net = set.network.clone();
        let job = jobs.submit("Direction strip", move |m| strip_job(&net, &direction, &settings, &out, m));
        self.strip = Some(job);
    }
}
