//! `construct_affine_bandlimit_filter` (`metrics/equivariance.py`, reference §1.6.3 step 6): the
//! 2-D FIR filter that band-limits an image both in its own frame and in the frame of an affine
//! map, for resampling through that map without aliasing.
//!
//! On a circular grid of `2·aflt·up − 1` tap positions per axis at spacing `1/up` (index 0 at
//! position 0), with input coordinates `(xi, yi)` and output coordinates
//! `(xo, yo) = M·(xi, yi)` (`M = mat[:2, :2]`):
//! `filter = (sinc(xi)sinc(yi) ⊛ sinc(xo)sinc(yo)) · (L(xi)L(yi) ⊛ L(xo)L(yo))`, with circular
//! convolutions computed by FFT and the Lanczos window `L(x) = sinc(x/a)` for `|x| < a`. The
//! centre `2·amax·up − 1` taps are kept; each of the `up × up` polyphase components is normalised
//! to sum `1/up²`.

use candle_core::{Device, Tensor};
use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::nn::filter_design::sinc;
use crate::{Error, Result};

/// Parameters of the band-limit filter (NVIDIA's keyword arguments and defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BandlimitFilter {
    /// Lanczos window radius (3).
    pub a: f64,
    /// Half-width of the kept taps in input samples (16; the visualizer and EQ-R use 6).
    pub amax: usize,
    /// Half-width of the construction grid in input samples (64).
    pub aflt: usize,
    /// Up-sampling factor of the resampler (4; 1 for the pseudo-rotation filter).
    pub up: usize,
    pub cutoff_in: f64,
    pub cutoff_out: f64,
}

impl Default for BandlimitFilter {
    fn default() -> Self {
        Self { a: 3.0, amax: 16, aflt: 64, up: 4, cutoff_in: 1.0, cutoff_out: 1.0 }
    }
}

fn lanczos_window(x: f64, a: f64) -> f64 {
    let x = x.abs() / a;
    if x < 1.0 { sinc(x) } else { 0.0 }
}

/// In-place 2-D FFT of a row-major `n × n` array.
fn fft2(data: &mut [Complex<f64>], n: usize, inverse: bool, planner: &mut FftPlanner<f64>) {
    let fft = if inverse { planner.plan_fft_inverse(n) } else { planner.plan_fft_forward(n) };
    fft.process(data);
    let mut col = vec![Complex::new(0.0, 0.0); n];
    for c in 0..n {
        for r in 0..n {
            col[r] = data[r * n + c];
        }
        fft.process(&mut col);
        for r in 0..n {
            data[r * n + c] = col[r];
        }
    }
}

/// Real part of the circular convolution of two real `n × n` arrays.
fn circular_convolve(a: &[f64], b: &[f64], n: usize, planner: &mut FftPlanner<f64>) -> Vec<f64> {
    let mut fa: Vec<Complex<f64>> = a.iter().map(|&v| Complex::new(v, 0.0)).collect();
    let mut fb: Vec<Complex<f64>> = b.iter().map(|&v| Complex::new(v, 0.0)).collect();
    fft2(&mut fa, n, false, planner);
    fft2(&mut fb, n, false, planner);
    for (x, y) in fa.iter_mut().zip(&fb) {
        *x *= y;
    }
    fft2(&mut fa, n, true, planner);
    let scale = 1.0 / (n * n) as f64;
    fa.iter().map(|v| v.re * scale).collect()
}

impl BandlimitFilter {
    fn validate(&self) -> Result<()> {
        let ok = self.a > 0.0
            && self.a <= self.amax as f64
            && self.amax < self.aflt
            && self.up >= 1
            && self.cutoff_in > 0.0
            && self.cutoff_out > 0.0
            && self.cutoff_in.is_finite()
            && self.cutoff_out.is_finite();
        if ok {
            Ok(())
        } else {
            Err(Error::Invalid(format!("band-limit filter parameters {self:?} (need a ≤ amax < aflt, up ≥ 1)")))
        }
    }

    /// Side of the resulting square filter: `2·amax·up − 1`.
    pub fn size(&self) -> usize {
        2 * self.amax * self.up - 1
    }

    /// The filter for `mat` (its upper-left 2×2 is used, as float32), row-major
    /// `[size, size]`, float32.
    pub fn taps(&self, mat: &[[f32; 3]; 3]) -> Result<Vec<f32>> {
        self.validate()?;
        if mat.iter().flatten().any(|v| !v.is_finite()) {
            return Err(Error::Invalid(format!("transform {mat:?} is not finite")));
        }
        let (up, aflt, amax) = (self.up, self.aflt, self.amax);
        let n = 2 * aflt * up - 1;
        let pos: Vec<f64> = (0..n)
            .map(|j| if j < aflt * up { j as f64 / up as f64 } else { (j as f64 - n as f64) / up as f64 })
            .collect();
        let m = [[mat[0][0] as f64, mat[0][1] as f64], [mat[1][0] as f64, mat[1][1] as f64]];
        let (mut fi, mut fo, mut wi, mut wo) = (vec![0.0; n * n], vec![0.0; n * n], vec![0.0; n * n], vec![0.0; n * n]);
        for (r, &yi) in pos.iter().enumerate() {
            for (c, &xi) in pos.iter().enumerate() {
                let xo = xi * m[0][0] + yi * m[0][1];
                let yo = xi * m[1][0] + yi * m[1][1];
                let k = r * n + c;
                fi[k] = sinc(xi * self.cutoff_in) * sinc(yi * self.cutoff_in);
                fo[k] = sinc(xo * self.cutoff_out) * sinc(yo * self.cutoff_out);
                wi[k] = lanczos_window(xi, self.a) * lanczos_window(yi, self.a);
                wo[k] = lanczos_window(xo, self.a) * lanczos_window(yo, self.a);
            }
        }
        let mut planner = FftPlanner::new();
        let f = circular_convolve(&fi, &fo, n, &mut planner);
        let w = circular_convolve(&wi, &wo, n, &mut planner);
        // Centre taps q = 0..2·amax·up (the last one a zero pad), at position (q − (amax·up − 1))/up.
        let s = 2 * amax * up;
        let centre = amax * up - 1;
        let at = |q: usize| (q + n - centre) % n;
        let mut out = vec![0f64; s * s];
        for qy in 0..s - 1 {
            for qx in 0..s - 1 {
                let k = at(qy) * n + at(qx);
                out[qy * s + qx] = f[k] * w[k];
            }
        }
        // Normalise each polyphase component (p, r) = (qy mod up, qx mod up) to 1/up².
        let mut sums = vec![0f64; up * up];
        for qy in 0..s {
            for qx in 0..s {
                sums[(qy % up) * up + qx % up] += out[qy * s + qx];
            }
        }
        let mut taps = Vec::with_capacity((s - 1) * (s - 1));
        for qy in 0..s - 1 {
            for qx in 0..s - 1 {
                let sum = sums[(qy % up) * up + qx % up];
                taps.push((out[qy * s + qx] / sum / (up * up) as f64) as f32);
            }
        }
        Ok(taps)
    }

    /// [`BandlimitFilter::taps`] as a `[size, size]` tensor on `device`.
    pub fn tensor(&self, mat: &[[f32; 3]; 3], device: &Device) -> Result<Tensor> {
        let s = self.size();
        Ok(Tensor::from_vec(self.taps(mat)?, (s, s), device)?)
    }
}
