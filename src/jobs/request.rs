//! What the render worker is asked for and what it answers: plain data, no GUI types.

use std::path::PathBuf;
use std::time::Duration;

use crate::latent::directions::DirectionEdit;
use crate::latent::seed_plane::SeedWeight;
use crate::latent::style_mix::StyleMix;
use crate::nn::generator::{Mat3, NoiseMode};
use crate::raster::Raster;

/// The class label of a conditional network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ClassChoice {
    /// As NVIDIA's visualizer: each seed draws its own class (`RandomState(seed).randint(c_dim)`
    /// after z).
    #[default]
    PerSeed,
    /// The same class for every seed.
    Fixed(usize),
}

/// One render: the visualizer's argument dict (reference §1.2) for one view.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderRequest {
    /// Seeds blended bilinearly in W (weights sum to 1).
    pub seeds: Vec<SeedWeight>,
    /// Truncation psi (1 = none).
    pub psi: f64,
    /// Truncate W rows `[0, cutoff)`; `None` = all rows.
    pub cutoff: Option<usize>,
    /// Class of a conditional network (ignored when `c_dim == 0`).
    pub class: ClassChoice,
    /// Rows of W taken from another seed.
    pub stylemix: Option<StyleMix>,
    /// StyleGAN3: replace W row 0 by `w_avg` (keeps the learned pose fixed).
    pub pseudo_align: bool,
    pub noise_mode: NoiseMode,
    pub noise_seed: u64,
    /// StyleGAN3: forward transform of the image content (translation in image units).
    pub input_transform: Option<Mat3>,
    /// StyleGAN3: resample the output back into the untransformed frame.
    pub untransform: bool,
    /// Latent-direction sliders: `w_l += α·σ·v_l` on each edit's W+ rows (before pseudo-align).
    pub directions: Vec<DirectionEdit>,
    /// StyleSpace channel offsets (absolute, in affine-output units).
    pub style_channels: Vec<crate::nn::style_offsets::StyleOffset>,
}

impl Default for RenderRequest {
    fn default() -> Self {
        Self {
            seeds: vec![SeedWeight { seed: 0, weight: 1.0 }],
            psi: 1.0,
            cutoff: None,
            class: ClassChoice::PerSeed,
            stylemix: None,
            pseudo_align: false,
            noise_mode: NoiseMode::Const,
            noise_seed: 0,
            input_transform: None,
            untransform: false,
            directions: Vec::new(),
            style_channels: Vec::new(),
        }
    }
}

/// What the window needs to know about a loaded network.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkInfo {
    pub path: PathBuf,
    /// `StyleGAN2`, `StyleGAN3-T`, `StyleGAN3-R`, or an engine's own name.
    pub family: String,
    pub resolution: usize,
    pub img_channels: usize,
    pub z_dim: usize,
    pub w_dim: usize,
    pub c_dim: usize,
    pub num_ws: usize,
    pub has_noise: bool,
    pub has_input_transform: bool,
    /// The display name stored with the model (`convert --title`), if any.
    pub title: Option<String>,
}

impl NetworkInfo {
    /// The model's stored title, else the file name, for titles.
    pub fn name(&self) -> String {
        if let Some(title) = &self.title {
            return title.clone();
        }
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }
}

/// The GPU engine's output texture ([`crate::gpu::compute::GpuFrame`]).
#[cfg(feature = "gpu")]
pub type GpuFrame = crate::gpu::compute::GpuFrame;

/// Without the `gpu` feature there are no GPU frames.
#[cfg(not(feature = "gpu"))]
#[derive(Clone, Debug)]
pub enum GpuFrame {}

/// What an engine returns for one render: the image's pixels, or a texture on the window's GPU
/// device (then pixels only when they were asked for), or both.
#[derive(Clone, Debug)]
pub struct EngineOutput {
    pub image: Option<Raster>,
    /// The GPU engine's texture holding this frame (shown without a read-back).
    pub frame: Option<std::sync::Arc<GpuFrame>>,
    /// Named stages and their durations (e.g. `mapping`, `synthesis`), for the performance panel.
    pub stages: Vec<(&'static str, Duration)>,
}

impl EngineOutput {
    /// An image computed on the CPU (or read back).
    pub fn pixels(image: Raster, stages: Vec<(&'static str, Duration)>) -> Self {
        Self { image: Some(image), frame: None, stages }
    }
}

/// Timings that come with every result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderTimings {
    /// From the request being sent to the worker starting on it.
    pub wait: Duration,
    /// The render itself (engine call, including conversion to an image).
    pub render: Duration,
    pub stages: Vec<(&'static str, Duration)>,
}
