//! A host float image `[C, H, W]` (one sample of a network output or layer), the working type of
//! the texture-sticking views.

use candle_core::{DType, Tensor};

use crate::analysis::sticking::viridis;
use crate::nn::image::to_u8;
use crate::raster::Raster;
use crate::{Error, Result};

/// Planar float32 pixels, channel-major (`data[(c·H + y)·W + x]`).
#[derive(Clone, Debug, PartialEq)]
pub struct FloatImage {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    pub data: Vec<f32>,
}

impl FloatImage {
    /// Checks that `data` holds `channels·height·width` values.
    pub fn new(channels: usize, height: usize, width: usize, data: Vec<f32>) -> Result<Self> {
        if data.len() != channels * height * width || channels == 0 || height == 0 || width == 0 {
            return Err(Error::Invalid(format!(
                "an image of {channels}x{height}x{width} needs {} values, got {}",
                channels * height * width,
                data.len()
            )));
        }
        Ok(Self { channels, height, width, data })
    }

    /// Zeros.
    pub fn zeros(channels: usize, height: usize, width: usize) -> Self {
        Self { channels, height, width, data: vec![0.0; channels * height * width] }
    }

    /// Sample `index` of `t [N, C, H, W]` (any float dtype) as float32.
    pub fn from_tensor(t: &Tensor, index: usize) -> Result<Self> {
        let (n, c, h, w) = t.dims4()?;
        if index >= n {
            return Err(Error::Invalid(format!("sample {index} requested from a batch of {n}")));
        }
        let data = t.narrow(0, index, 1)?.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        Self::new(c, h, w, data)
    }

    /// `[1, C, H, W]` on the CPU.
    pub fn to_tensor(&self) -> Result<Tensor> {
        Ok(Tensor::from_vec(self.data.clone(), (1, self.channels, self.height, self.width), &candle_core::Device::Cpu)?)
    }

    /// One channel plane.
    pub fn plane(&self, c: usize) -> &[f32] {
        let n = self.height * self.width;
        &self.data[c * n..(c + 1) * n]
    }

    /// The value at channel `c`, row `y`, column `x`.
    pub fn at(&self, c: usize, y: usize, x: usize) -> f32 {
        self.data[(c * self.height + y) * self.width + x]
    }

    fn same_shape(&self, other: &Self) -> Result<()> {
        if (self.channels, self.height, self.width) != (other.channels, other.height, other.width) {
            return Err(Error::Invalid(format!(
                "images of different shapes: {}x{}x{} and {}x{}x{}",
                self.channels, self.height, self.width, other.channels, other.height, other.width
            )));
        }
        Ok(())
    }

    /// Adds `other` scaled by `scale` (accumulating an average).
    pub fn add_scaled(&mut self, other: &Self, scale: f32) -> Result<()> {
        self.same_shape(other)?;
        self.data.iter_mut().zip(&other.data).for_each(|(a, b)| *a += b * scale);
        Ok(())
    }

    /// Per pixel, the mean over channels of `|self − other|`, times `mask` where given (one
    /// channel, `H×W` values).
    pub fn abs_difference(&self, other: &Self, mask: Option<&[f32]>) -> Result<Vec<f32>> {
        self.same_shape(other)?;
        let n = self.height * self.width;
        let mut out = vec![0f32; n];
        for c in 0..self.channels {
            for (o, (a, b)) in out.iter_mut().zip(self.plane(c).iter().zip(other.plane(c))) {
                *o += (a - b).abs() / self.channels as f32;
            }
        }
        if let Some(m) = mask {
            out.iter_mut().zip(m).for_each(|(o, m)| *o *= m);
        }
        Ok(out)
    }

    /// The 8-bit image by the output rule `clamp(x·127.5 + 128, 0, 255)` (1 or 3 channels; other
    /// counts show the first channel).
    pub fn to_raster(&self) -> Result<Raster> {
        let c = if matches!(self.channels, 1 | 3) { self.channels } else { 1 };
        let n = self.height * self.width;
        let mut px = Vec::with_capacity(n * c);
        for i in 0..n {
            for ch in 0..c {
                px.push(to_u8(self.data[ch * n + i]));
            }
        }
        Raster::new(self.width, self.height, c, px)
    }
}

/// A one-channel map `values` (`width·height`) coloured with viridis over `[0, max]`
/// (`max ≤ 0` uses the map's own maximum).
pub fn heatmap(values: &[f32], width: usize, height: usize, max: f32) -> Result<Raster> {
    let top = if max > 0.0 { max } else { values.iter().copied().fold(0f32, f32::max).max(f32::MIN_POSITIVE) };
    let px: Vec<u8> = values.iter().flat_map(|v| viridis::colour(v / top)).collect();
    Raster::new(width, height, 3, px)
}

/// Rasters side by side (top-aligned, black fill), each converted to RGB.
pub fn side_by_side(parts: &[&Raster], gap: usize) -> Result<Raster> {
    let width = parts.iter().map(|r| r.width).sum::<usize>() + gap * parts.len().saturating_sub(1);
    let height = parts.iter().map(|r| r.height).max().unwrap_or(0);
    let mut px = vec![0u8; width * height * 3];
    let mut x0 = 0;
    for r in parts {
        let rgba = r.to_rgba();
        for y in 0..r.height {
            for x in 0..r.width {
                let s = (y * r.width + x) * 4;
                let d = (y * width + x0 + x) * 3;
                px[d..d + 3].copy_from_slice(&rgba[s..s + 3]);
            }
        }
        x0 += r.width + gap;
    }
    Raster::new(width, height, 3, px)
}

/// `r` enlarged `k` times by pixel repetition (for small fixture images in documents).
pub fn enlarge(r: &Raster, k: usize) -> Result<Raster> {
    let k = k.max(1);
    let (w, h, c) = (r.width * k, r.height * k, r.channels);
    let mut px = Vec::with_capacity(w * h * c);
    for y in 0..h {
        for x in 0..w {
            let s = ((y / k) * r.width + x / k) * c;
            px.extend_from_slice(&r.pixels[s..s + c]);
        }
    }
    Raster::new(w, h, c, px)
}

/// Rasters one above the other (left-aligned, black fill), each converted to RGB.
pub fn stacked(parts: &[&Raster], gap: usize) -> Result<Raster> {
    let width = parts.iter().map(|r| r.width).max().unwrap_or(0);
    let height = parts.iter().map(|r| r.height).sum::<usize>() + gap * parts.len().saturating_sub(1);
    let mut px = vec![0u8; width * height * 3];
    let mut y0 = 0;
    for r in parts {
        let rgba = r.to_rgba();
        for y in 0..r.height {
            for x in 0..r.width {
                let s = (y * r.width + x) * 4;
                let d = ((y0 + y) * width + x) * 3;
                px[d..d + 3].copy_from_slice(&rgba[s..s + 3]);
            }
        }
        y0 += r.height + gap;
    }
    Raster::new(width, height, 3, px)
}
