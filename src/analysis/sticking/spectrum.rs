//! The layer inspector's FFT view (reference §1.2 step 11), a readable CPU reference: per
//! channel, subtract the spatial mean and multiply by a separable symmetric Kaiser window; power
//! `|FFT2|²` summed over channels; `fftshift`; divide by the mean power; `10·log10`; colour
//! `x = (dB/range + 1)/2` through the 1024-entry viridis table.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::analysis::sticking::fft2::{fft2, fftshift};
use crate::analysis::sticking::float_image::FloatImage;
use crate::analysis::sticking::kaiser::kaiser_window;
use crate::analysis::sticking::layer_view::{LayerViewOptions, layer_image, selection};
use crate::analysis::sticking::viridis;
use crate::raster::Raster;
use crate::{Error, Result};

/// FFT view settings (the visualizer's defaults: all channels, ±50 dB, β = 8).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FftOptions {
    /// Sum the spectrum over all channels instead of the selected ones.
    pub all_channels: bool,
    /// The colour range `±range_db`.
    pub range_db: f64,
    /// Kaiser β.
    pub beta: f64,
}

impl Default for FftOptions {
    fn default() -> Self {
        Self { all_channels: true, range_db: 50.0, beta: 8.0 }
    }
}

/// A centred power spectrum in dB relative to its mean (`width × height`, row-major).
#[derive(Clone, Debug, PartialEq)]
pub struct Spectrum {
    pub width: usize,
    pub height: usize,
    pub db: Vec<f64>,
}

/// The power spectrum of `sig` (all its channels) in dB, as step 11 computes it.
pub fn power_spectrum_db(sig: &FloatImage, beta: f64) -> Result<Spectrum> {
    if !beta.is_finite() || beta < 0.0 {
        return Err(Error::Invalid(format!("Kaiser beta {beta} must be finite and not negative")));
    }
    let (h, w) = (sig.height, sig.width);
    let (wy, wx) = (kaiser_window(h, beta), kaiser_window(w, beta));
    let mut planner = FftPlanner::new();
    let mut power = vec![0f64; h * w];
    let mut buf = vec![Complex::new(0.0, 0.0); h * w];
    for c in 0..sig.channels {
        let plane = sig.plane(c);
        let mean = plane.iter().map(|&v| v as f64).sum::<f64>() / (h * w) as f64;
        for y in 0..h {
            for x in 0..w {
                buf[y * w + x] = Complex::new((plane[y * w + x] as f64 - mean) * wy[y] * wx[x], 0.0);
            }
        }
        fft2(&mut buf, h, w, &mut planner);
        power.iter_mut().zip(&buf).for_each(|(p, z)| *p += z.norm_sqr());
    }
    let shifted = fftshift(&power, h, w);
    let mean = shifted.iter().sum::<f64>() / (h * w) as f64;
    let db = shifted.iter().map(|&p| 10.0 * (p / mean).log10()).collect();
    Ok(Spectrum { width: w, height: h, db })
}

impl Spectrum {
    /// Viridis over `±range_db` (what the window and the WGSL shader draw).
    pub fn to_raster(&self, range_db: f64) -> Result<Raster> {
        let px: Vec<u8> = self.db.iter().flat_map(|&d| viridis::colour_db(d as f32, range_db as f32)).collect();
        Raster::new(self.width, self.height, 3, px)
    }
}

/// The spectrum the view shows for `out` (one sample, all channels): of all channels, or of the
/// selection.
pub fn fft_view(out: &FloatImage, layer: &LayerViewOptions, fft: &FftOptions) -> Result<Spectrum> {
    if fft.all_channels {
        power_spectrum_db(out, fft.beta)
    } else {
        power_spectrum_db(&selection(out, layer).1, fft.beta)
    }
}

/// The visualizer's picture: `[image | spectrum]` side by side (width 2W).
pub fn layer_with_fft(out: &FloatImage, layer: &LayerViewOptions, fft: &FftOptions) -> Result<Raster> {
    let image = layer_image(out, layer)?;
    let spectrum = fft_view(out, layer, fft)?.to_raster(fft.range_db)?;
    crate::analysis::sticking::float_image::side_by_side(&[&image, &spectrum], 0)
}
