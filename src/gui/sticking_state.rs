//! The Inspect window's state (issue #8): the view settings, the jobs computing them on a
//! [`JobRunner`] (never on the UI thread), and their results as textures, per explorer side.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::analysis::sticking::avg_spectra::AvgSpectraOptions;
use crate::analysis::sticking::layer_view::LayerViewOptions;
use crate::analysis::sticking::neighbourhood::NeighbourhoodOptions;
use crate::analysis::sticking::plot::spectrum_slices_plot;
use crate::analysis::sticking::spectrum::FftOptions;
use crate::analysis::sticking::time_space::SliceLine;
use crate::gpu::spectrum_colormap::SpectrumColormap;
use crate::gui::side::Side;
use crate::gui::texture::{color_image, texture_options};
use crate::jobs::request::RenderRequest;
use crate::jobs::sticking_job::{StickingJob, StickingView};
use crate::jobs::sticking_outcome::StickingOutcome;
use crate::jobs::{JobHandle, JobRunner, JobStatus};
use crate::nn::stylegan3::transform::make_transform;
use crate::raster::Raster;
use crate::{Error, Result};

/// The views, one tab each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StickingTab {
    Average,
    Slice,
    Residual,
    ErrorMap,
    Layers,
    Spectrum,
}

impl StickingTab {
    pub const ALL: [StickingTab; 6] =
        [Self::Average, Self::Slice, Self::Residual, Self::ErrorMap, Self::Layers, Self::Spectrum];

    pub fn label(self) -> &'static str {
        match self {
            Self::Average => "Average",
            Self::Slice => "Time–space slice",
            Self::Residual => "Untransform residual",
            Self::ErrorMap => "Equivariance error",
            Self::Layers => "Layers & FFT",
            Self::Spectrum => "Average spectrum",
        }
    }

    /// Whether the view needs a StyleGAN3 network.
    pub fn needs_sg3(self) -> bool {
        matches!(self, Self::Residual | Self::ErrorMap)
    }
}

/// Settings of every tab.
#[derive(Clone, Debug, PartialEq)]
pub struct StickingSettings {
    pub average: NeighbourhoodOptions,
    pub frames: usize,
    /// Pixels per frame (StyleGAN3).
    pub speed: [f64; 2],
    pub rotate_per_frame: f64,
    pub interpolate: bool,
    pub to_seed: u32,
    pub line_is_row: bool,
    /// `None`: the middle.
    pub line_at: Option<usize>,
    pub translate: [f64; 2],
    pub rotate: f64,
    pub layer: Option<String>,
    pub layer_view: LayerViewOptions,
    pub fft_on: bool,
    pub fft: FftOptions,
    pub spectrum: AvgSpectraOptions,
}

impl Default for StickingSettings {
    fn default() -> Self {
        Self {
            average: NeighbourhoodOptions { count: 32, ..Default::default() },
            frames: 48,
            speed: [0.5, 0.0],
            rotate_per_frame: 0.0,
            interpolate: true,
            to_seed: 1,
            line_is_row: false,
            line_at: None,
            translate: [0.05, 0.02],
            rotate: 0.0,
            layer: None,
            layer_view: LayerViewOptions::default(),
            fft_on: true,
            fft: FftOptions::default(),
            spectrum: AvgSpectraOptions { num: 32, ..Default::default() },
        }
    }
}

/// A finished view on one side, with its pictures uploaded.
pub struct SideResult {
    pub tab: StickingTab,
    pub outcome: StickingOutcome,
    pub textures: Vec<(String, egui::TextureHandle)>,
}

/// A job in flight for one side.
pub struct Running {
    pub side: Side,
    pub tab: StickingTab,
    pub handle: JobHandle<StickingOutcome>,
}

/// Everything the Inspect window keeps.
#[derive(Default)]
pub struct StickingState {
    pub open: bool,
    pub tab: Option<StickingTab>,
    pub settings: StickingSettings,
    /// Run on both shown views (else the active one).
    pub both: bool,
    runner: Option<JobRunner>,
    pub running: Vec<Running>,
    pub results: [Option<SideResult>; 2],
    pub errors: [Option<String>; 2],
    /// The slices plot of the last average-spectrum results (networks overlaid).
    pub slices_plot: Option<egui::TextureHandle>,
    pub message: Option<String>,
    /// The WGSL colour mapping of the FFT view, made on first use on a job thread (`None`
    /// inside when no adapter opened: the CPU colours stay).
    gpu: Arc<OnceLock<Option<SpectrumColormap>>>,
}

/// Recolours the layer inspector's FFT panel with the WGSL shader (the CPU picture stays when no
/// GPU adapter is available; the label says which drew it).
fn colour_fft_on_gpu(gpu: &OnceLock<Option<SpectrumColormap>>, out: &mut StickingOutcome) {
    let Some((spec, range, k)) = &out.fft else {
        return;
    };
    let Some(colormap) = gpu.get_or_init(|| SpectrumColormap::new().ok()) else {
        return;
    };
    let levels: Vec<f32> = spec.db.iter().map(|&d| d as f32).collect();
    if let (Ok(image), Some(panel)) =
        (colormap.colour(&levels, spec.width, spec.height, *range as f32), out.panels.get_mut(*k))
    {
        panel.image = image;
        panel.label.push_str(" (WGSL)");
    }
}

impl std::fmt::Debug for StickingState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StickingState").field("open", &self.open).field("tab", &self.tab).finish_non_exhaustive()
    }
}

impl StickingState {
    pub fn tab(&self) -> StickingTab {
        self.tab.unwrap_or(StickingTab::Average)
    }

    /// The job of the current tab for a network and its latent.
    pub fn job(&self, network: PathBuf, latent: RenderRequest, resolution: usize) -> StickingJob {
        let s = &self.settings;
        let view = match self.tab() {
            StickingTab::Average => StickingView::Average(s.average.clone()),
            StickingTab::Slice => {
                let at = s.line_at.unwrap_or(resolution / 2).min(resolution.saturating_sub(1));
                StickingView::Slice {
                    frames: s.frames,
                    translate_px: s.speed,
                    rotate_deg: s.rotate_per_frame,
                    to_seed: s.interpolate.then_some(s.to_seed),
                    line: Some(if s.line_is_row { SliceLine::Row(at) } else { SliceLine::Column(at) }),
                }
            }
            StickingTab::Residual => StickingView::Residual(make_transform(s.translate, s.rotate)),
            StickingTab::ErrorMap => StickingView::ErrorMap(make_transform(s.translate, s.rotate)),
            StickingTab::Layers => {
                StickingView::Layer { name: s.layer.clone(), view: s.layer_view, fft: s.fft_on.then_some(s.fft) }
            }
            StickingTab::Spectrum => StickingView::Spectrum(s.spectrum.clone()),
        };
        StickingJob { network, latent, view }
    }

    /// Queues `job` for `side` (a job already running there is cancelled).
    pub fn submit(&mut self, ctx: &egui::Context, side: Side, job: StickingJob) -> Result<()> {
        if self.runner.is_none() {
            let c = ctx.clone();
            self.runner = Some(JobRunner::new(1, Arc::new(move || c.request_repaint()))?);
        }
        let tab = self.tab();
        for r in self.running.iter().filter(|r| r.side == side) {
            r.handle.cancel();
        }
        let runner = self.runner.as_mut().ok_or_else(|| Error::Invalid("no job runner".into()))?;
        let gpu = Arc::clone(&self.gpu);
        let handle = runner.submit(job.title(), move |m| {
            let mut out = job.run(m)?;
            colour_fft_on_gpu(&gpu, &mut out);
            Ok(out)
        });
        self.running.push(Running { side, tab, handle });
        self.errors[side.index()] = None;
        Ok(())
    }

    /// Whether a job is queued or running.
    pub fn busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// Cancels every job.
    pub fn cancel_all(&mut self) {
        for r in &self.running {
            r.handle.cancel();
        }
    }

    /// Takes finished jobs' results and uploads their pictures.
    pub fn poll(&mut self, ctx: &egui::Context, nearest: bool) {
        let mut still = Vec::new();
        let mut spectra_changed = false;
        for r in std::mem::take(&mut self.running) {
            if r.handle.status().is_active() {
                still.push(r);
                continue;
            }
            let i = r.side.index();
            match r.handle.take_result() {
                Some(Ok(outcome)) => {
                    let textures = outcome
                        .panels
                        .iter()
                        .enumerate()
                        .map(|(k, p)| {
                            let t = ctx.load_texture(
                                format!("sticking-{i}-{k}"),
                                color_image(&p.image),
                                texture_options(nearest),
                            );
                            (p.label.clone(), t)
                        })
                        .collect();
                    spectra_changed |= outcome.spectrum.is_some();
                    self.results[i] = Some(SideResult { tab: r.tab, outcome, textures });
                }
                Some(Err(Error::Cancelled)) => {}
                Some(Err(e)) => self.errors[i] = Some(e.to_string()),
                None => {
                    if r.handle.status() == JobStatus::Cancelled {
                        continue;
                    }
                    self.errors[i] = Some("the job ended without a result".into());
                }
            }
        }
        self.running = still;
        if spectra_changed {
            let spectra: Vec<_> = self.results.iter().flatten().filter_map(|r| r.outcome.spectrum.as_ref()).collect();
            self.slices_plot = spectrum_slices_plot(&spectra, 480, 300)
                .ok()
                .map(|p| ctx.load_texture("sticking-slices", color_image(&p), texture_options(false)));
        }
    }

    /// The animation frames of both sides' slice results, side by side (for GIF export).
    pub fn animation(&self) -> Result<Vec<Raster>> {
        let with: Vec<&StickingOutcome> =
            self.results.iter().flatten().map(|r| &r.outcome).filter(|o| !o.frames.is_empty()).collect();
        let n = with.iter().map(|o| o.frames.len()).min().unwrap_or(0);
        if n == 0 {
            return Err(Error::Invalid("compute a time–space slice first: its animation is what is saved".into()));
        }
        (0..n)
            .map(|f| {
                let parts: Vec<&Raster> = with.iter().map(|o| &o.frames[f]).collect();
                crate::analysis::sticking::float_image::side_by_side(&parts, 4)
            })
            .collect()
    }
}
