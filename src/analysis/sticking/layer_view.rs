//! The layer inspector's image and statistics (reference §1.2 steps 8–10, §1.3.7): channel
//! selection on one sample, statistics of all and of the selected channels, and the 8-bit image
//! (optional per-channel normalisation, a gain in dB).

use crate::analysis::sticking::float_image::FloatImage;
use crate::raster::Raster;
use crate::{Error, Result};

/// The inspector's settings (the visualizer's defaults: RGB, base channel 0, no normalisation,
/// 0 dB).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerViewOptions {
    /// Three channels (`sel_channels = 3`) or one.
    pub rgb: bool,
    pub base_channel: usize,
    /// Divide each selected channel by its max |value| (clipped to [1e-8, 1e8]).
    pub normalize: bool,
    /// Gain `10^(dB/20)`.
    pub scale_db: f32,
}

impl Default for LayerViewOptions {
    fn default() -> Self {
        Self { rgb: true, base_channel: 0, normalize: false, scale_db: 0.0 }
    }
}

/// `[mean, std, max|·|]` of all channels and of the selection (`std` unbiased, as PyTorch's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerStats {
    pub mean_all: f64,
    pub mean_sel: f64,
    pub std_all: f64,
    pub std_sel: f64,
    pub max_all: f64,
    pub max_sel: f64,
}

/// Step 8: `(base, selection)`. More channels asked than there are → one channel; the base
/// channel is clamped to `[0, C − sel]`.
pub fn select_channels(out: &FloatImage, rgb: bool) -> usize {
    let sel = if rgb { 3 } else { 1 };
    if sel > out.channels { 1 } else { sel }
}

/// The selected channels `[base, base + sel)` with the clamped base.
pub fn selection(out: &FloatImage, opts: &LayerViewOptions) -> (usize, FloatImage) {
    let sel = select_channels(out, opts.rgb);
    let base = opts.base_channel.min(out.channels - sel);
    let n = out.height * out.width;
    let data = out.data[base * n..(base + sel) * n].to_vec();
    (base, FloatImage { channels: sel, height: out.height, width: out.width, data })
}

fn moments(v: &[f32]) -> (f64, f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var =
        if v.len() > 1 { v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { f64::NAN };
    let max = v.iter().fold(0f64, |m, &x| m.max((x as f64).abs()));
    (mean, var.sqrt(), max)
}

/// Step 9.
pub fn layer_stats(out: &FloatImage, opts: &LayerViewOptions) -> LayerStats {
    let (_, sel) = selection(out, opts);
    let (mean_all, std_all, max_all) = moments(&out.data);
    let (mean_sel, std_sel, max_sel) = moments(&sel.data);
    LayerStats { mean_all, mean_sel, std_all, std_sel, max_all, max_sel }
}

/// Step 10: the selected channels as float values ready for the uint8 rule.
pub fn layer_values(out: &FloatImage, opts: &LayerViewOptions) -> Result<FloatImage> {
    if !opts.scale_db.is_finite() {
        return Err(Error::Invalid(format!("scale {} dB is not finite", opts.scale_db)));
    }
    let (_, mut sel) = selection(out, opts);
    let gain = 10f32.powf(opts.scale_db / 20.0);
    let n = sel.height * sel.width;
    for c in 0..sel.channels {
        let plane = &mut sel.data[c * n..(c + 1) * n];
        let div = if opts.normalize { plane.iter().fold(0f32, |m, v| m.max(v.abs())).clamp(1e-8, 1e8) } else { 1.0 };
        plane.iter_mut().for_each(|v| *v = *v / div * gain);
    }
    Ok(sel)
}

/// Step 10 to 8 bits: `clamp(img·127.5 + 128, 0, 255)` truncated, 1 or 3 channels.
pub fn layer_image(out: &FloatImage, opts: &LayerViewOptions) -> Result<Raster> {
    layer_values(out, opts)?.to_raster()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_clamps_as_the_visualizer() {
        let img = FloatImage::new(5, 1, 2, (0..10).map(|v| v as f32).collect()).unwrap();
        let (base, sel) = selection(&img, &LayerViewOptions { base_channel: 4, ..Default::default() });
        assert_eq!((base, sel.channels), (2, 3));
        assert_eq!(sel.data, vec![4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        let two = FloatImage::new(2, 1, 1, vec![1.0, -3.0]).unwrap();
        let (base, sel) = selection(&two, &LayerViewOptions { base_channel: 1, ..Default::default() });
        assert_eq!((base, sel.data.clone()), (1, vec![-3.0]));
        let s = layer_stats(&two, &LayerViewOptions { base_channel: 1, ..Default::default() });
        assert_eq!((s.mean_all, s.max_all, s.max_sel), (-1.0, 3.0, 3.0));
        assert!((s.std_all - 8f64.sqrt()).abs() < 1e-12);
        let v = layer_values(&two, &LayerViewOptions { rgb: false, normalize: true, scale_db: 20.0, base_channel: 0 })
            .unwrap();
        assert_eq!(v.data, vec![10.0]);
    }
}
