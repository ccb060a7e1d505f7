//! The neighbourhood average (the StyleGAN3 paper's Figure 1, left): the mean of many images
//! generated from small random perturbations of one latent in W. Details glued to pixel
//! coordinates (texture sticking) stay sharp in the average; details that move with the content
//! blur.
//!
//! Perturbation `k`: a direction `d_k ~ N(0, I)` in W (`w_dim` values from NumPy's
//! `RandomState(seed)`, drawn in order), scaled to length `radius`, added to every row of the
//! central `ws`. Radius 0 gives `count` copies of the central image.

use candle_core::{DType, Tensor};

use crate::analysis::sticking::float_image::FloatImage;
use crate::nn::generator::{Generator, SynthesisOptions};
use crate::nn::random_state::RandomState;
use crate::progress::Monitor;
use crate::{Error, Result};

/// How the neighbourhood is sampled.
#[derive(Clone, Debug, PartialEq)]
pub struct NeighbourhoodOptions {
    /// Images averaged (K).
    pub count: usize,
    /// Length of each perturbation in W (default 4: on the built-in models, whose samples lie
    /// about 14 apart in W, radius 2 moves the content too little for the averages to differ).
    pub radius: f64,
    /// Seed of the perturbation directions.
    pub seed: u32,
    /// Images per synthesis call.
    pub batch: usize,
}

impl Default for NeighbourhoodOptions {
    fn default() -> Self {
        Self { count: 64, radius: 4.0, seed: 0, batch: 8 }
    }
}

/// The average and the central image it is compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbourhood {
    pub center: FloatImage,
    pub average: FloatImage,
}

/// The `count` perturbed ws, each `[1, num_ws, w_dim]` (float32), around `center [1, num_ws, w_dim]`.
pub fn perturbed_ws(center: &Tensor, opts: &NeighbourhoodOptions) -> Result<Vec<Tensor>> {
    let (one, num_ws, w_dim) = center.dims3()?;
    if one != 1 {
        return Err(Error::Invalid(format!(
            "the central latent must be one ws [1, num_ws, w_dim], got a batch of {one}"
        )));
    }
    if !opts.radius.is_finite() || opts.radius < 0.0 {
        return Err(Error::Invalid(format!("neighbourhood radius {} must be finite and not negative", opts.radius)));
    }
    let center = center.to_dtype(DType::F32)?;
    let mut rng = RandomState::new(opts.seed);
    (0..opts.count)
        .map(|_| {
            let d = rng.randn(w_dim);
            let norm = d.iter().map(|v| v * v).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
            let step: Vec<f32> = d.iter().map(|v| (v / norm * opts.radius) as f32).collect();
            let step = Tensor::from_vec(step, (1, 1, w_dim), center.device())?.broadcast_as((1, num_ws, w_dim))?;
            Ok(center.broadcast_add(&step)?)
        })
        .collect()
}

/// The mean image of `ws` (each `[1, num_ws, w_dim]`), in batches of `batch`; progress per batch.
pub fn average_images(
    g: &Generator,
    ws: &[Tensor],
    synth: &SynthesisOptions,
    batch: usize,
    monitor: &dyn Monitor,
) -> Result<FloatImage> {
    if ws.is_empty() {
        return Err(Error::Invalid("an average needs at least one image".into()));
    }
    let batch = batch.max(1);
    let scale = 1.0 / ws.len() as f32;
    let mut sum: Option<FloatImage> = None;
    for (i, chunk) in ws.chunks(batch).enumerate() {
        monitor.set_count((i * batch) as u64, ws.len() as u64)?;
        let out = g.synthesis(&Tensor::cat(chunk, 0)?, synth)?.image;
        for j in 0..chunk.len() {
            let img = FloatImage::from_tensor(&out, j)?;
            match &mut sum {
                Some(s) => s.add_scaled(&img, scale)?,
                None => {
                    let mut s = FloatImage::zeros(img.channels, img.height, img.width);
                    s.add_scaled(&img, scale)?;
                    sum = Some(s);
                }
            }
        }
    }
    monitor.set_fraction(1.0)?;
    sum.ok_or_else(|| Error::Invalid("no image was generated".into()))
}

/// The neighbourhood average around `center` and the central image itself.
pub fn neighbourhood_average(
    g: &Generator,
    center: &Tensor,
    opts: &NeighbourhoodOptions,
    synth: &SynthesisOptions,
    monitor: &dyn Monitor,
) -> Result<Neighbourhood> {
    if opts.count == 0 {
        return Err(Error::Invalid("a neighbourhood average needs a count of at least 1".into()));
    }
    let center_img = FloatImage::from_tensor(&g.synthesis(&center.to_dtype(DType::F32)?, synth)?.image, 0)?;
    let ws = perturbed_ws(center, opts)?;
    let average = average_images(g, &ws, synth, opts.batch, monitor)?;
    Ok(Neighbourhood { center: center_img, average })
}
