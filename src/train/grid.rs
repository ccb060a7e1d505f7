//! Image grids (NVIDIA's `save_image_grid`): samples of `G_ema` at fixed seeds, and real images.

use candle_core::{Device, Tensor};

use crate::latent::{class_label, z_tensor};
use crate::nn::generator::{Generator, NoiseMode, SynthesisOptions};
use crate::nn::image::to_u8;
use crate::raster::Raster;
use crate::{Error, Result};

/// Images per generator call when making a grid.
const GRID_BATCH: usize = 8;

/// Tiles `images` (CHW bytes, `channels`×`res`×`res` each, row-major order) into a
/// `cols`×`rows` grid; missing cells stay black.
pub fn tile(images: &[Vec<u8>], channels: usize, res: usize, cols: usize, rows: usize) -> Result<Raster> {
    let out_c = if channels == 1 { 1 } else { 3 };
    let (w, h) = (cols * res, rows * res);
    let mut px = vec![0u8; w * h * out_c];
    for (i, img) in images.iter().enumerate().take(cols * rows) {
        let (gx, gy) = ((i % cols) * res, (i / cols) * res);
        for y in 0..res {
            for x in 0..res {
                for k in 0..out_c {
                    let src = k.min(channels - 1);
                    px[((gy + y) * w + gx + x) * out_c + k] = img[(src * res + y) * res + x];
                }
            }
        }
    }
    Raster::new(w, h, out_c, px)
}

/// `cols·rows` samples of `g` at seeds `0, 1, …` (z exactly as `generate --seeds`), ψ = 1,
/// const noise, class `i mod c_dim` for conditional networks.
pub fn sample_grid(g: &Generator, cols: usize, rows: usize, device: &Device) -> Result<Raster> {
    let n = cols * rows;
    let cfg = g.config();
    let (res, ch) = (cfg.img_resolution(), cfg.img_channels());
    let mut images = Vec::with_capacity(n);
    let seeds: Vec<u64> = (0..n as u64).collect();
    for chunk in seeds.chunks(GRID_BATCH) {
        let z = z_tensor(chunk, cfg.z_dim(), device)?;
        let c = if cfg.c_dim() > 0 {
            let labels = chunk
                .iter()
                .map(|&s| class_label(cfg.c_dim(), s as usize % cfg.c_dim(), 1, device))
                .collect::<Result<Vec<_>>>()?;
            Some(Tensor::cat(&labels, 0)?)
        } else {
            None
        };
        let ws = g.mapping(&z, c.as_ref(), 1.0, None)?;
        let opts = SynthesisOptions { noise_mode: NoiseMode::Const, ..Default::default() };
        let img = g.synthesis(&ws, &opts)?.image;
        let v = img.flatten_all()?.to_vec1::<f32>()?;
        let per = ch * res * res;
        if v.len() != per * chunk.len() {
            return Err(Error::Invalid("the generator returned an unexpected image size".into()));
        }
        images.extend(v.chunks(per).map(|c| c.iter().map(|&x| to_u8(x)).collect::<Vec<u8>>()));
    }
    tile(&images, ch, res, cols, rows)
}
