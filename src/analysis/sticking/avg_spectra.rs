//! The average power spectrum of many generated images, as `avg_spectra.py calc` computes it
//! (reference §1.5.3; the paper's Figure 15): 8-bit images whitened `(x − mean)/std`, times a
//! separable Kaiser window normalised to unit energy, zero-padded to `interp×` size, `|FFT|²`
//! averaged over images and channels. Whitened white noise comes out at 0 dB.
//!
//! The mean and std are those of the generated set itself (what `avg_spectra.py stats` would
//! report for it), taken in the same single pass: with `F = FFT(x·w)` and `W = FFT(w)`,
//! `|FFT((x − m)·w)|² = |F|² − 2m·Re(F·W̄) + m²|W|²`, so the sums of `|F|²` and `Re(F·W̄)`
//! suffice.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::analysis::sticking::fft2::{fft2, fftshift};
use crate::analysis::sticking::float_image::FloatImage;
use crate::analysis::sticking::kaiser::kaiser_window;
use crate::latent::z_tensor;
use crate::nn::generator::{Generator, SynthesisOptions};
use crate::nn::image::to_u8;
use crate::progress::Monitor;
use crate::{Error, Result};

/// Which images and how (defaults of `avg_spectra.py`: β = 8, 4× padding, ψ = 1).
#[derive(Clone, Debug, PartialEq)]
pub struct AvgSpectraOptions {
    /// Images: seeds `seed .. seed + num`.
    pub num: usize,
    pub seed: u64,
    pub psi: f64,
    pub beta: f64,
    pub interp: usize,
    pub batch: usize,
}

impl Default for AvgSpectraOptions {
    fn default() -> Self {
        Self { num: 100, seed: 0, psi: 1.0, beta: 8.0, interp: 4, batch: 8 }
    }
}

/// The mean power spectrum, unshifted (`size × size`, frequency 0 at index 0).
#[derive(Clone, Debug, PartialEq)]
pub struct AverageSpectrum {
    pub image_size: usize,
    pub size: usize,
    pub power: Vec<f64>,
    pub images: usize,
    /// Mean and std of the 8-bit pixel values used for whitening.
    pub mean: f64,
    pub std: f64,
}

/// Running sums of the single-pass computation.
struct Accumulator {
    n: usize,
    size: usize,
    window: Vec<f64>,
    /// `W = FFT(w)` padded.
    w_fft: Vec<Complex<f64>>,
    sum_f2: Vec<f64>,
    sum_cross: Vec<f64>,
    planes: usize,
    sum_x: f64,
    sum_x2: f64,
    count: f64,
    planner: FftPlanner<f64>,
}

impl Accumulator {
    fn new(n: usize, interp: usize, beta: f64) -> Self {
        let size = n * interp;
        let w1 = kaiser_window(n, beta);
        let energy = w1.iter().map(|v| v * v).sum::<f64>().sqrt();
        let w1: Vec<f64> = w1.iter().map(|v| v / energy).collect();
        let mut window = vec![0f64; n * n];
        for y in 0..n {
            for x in 0..n {
                window[y * n + x] = w1[y] * w1[x];
            }
        }
        let mut planner = FftPlanner::new();
        let mut w_fft = vec![Complex::new(0.0, 0.0); size * size];
        for y in 0..n {
            for x in 0..n {
                w_fft[y * size + x] = Complex::new(window[y * n + x], 0.0);
            }
        }
        fft2(&mut w_fft, size, size, &mut planner);
        Self {
            n,
            size,
            window,
            w_fft,
            sum_f2: vec![0.0; size * size],
            sum_cross: vec![0.0; size * size],
            planes: 0,
            sum_x: 0.0,
            sum_x2: 0.0,
            count: 0.0,
            planner,
        }
    }

    /// One 8-bit channel plane (values 0..255 as f64).
    fn add_plane(&mut self, plane: &[f64]) {
        let (n, size) = (self.n, self.size);
        let mut buf = vec![Complex::new(0.0, 0.0); size * size];
        for y in 0..n {
            for x in 0..n {
                let v = plane[y * n + x];
                self.sum_x += v;
                self.sum_x2 += v * v;
                buf[y * size + x] = Complex::new(v * self.window[y * n + x], 0.0);
            }
        }
        self.count += (n * n) as f64;
        fft2(&mut buf, size, size, &mut self.planner);
        for ((f2, cross), (f, w)) in
            self.sum_f2.iter_mut().zip(self.sum_cross.iter_mut()).zip(buf.iter().zip(&self.w_fft))
        {
            *f2 += f.norm_sqr();
            *cross += (f * w.conj()).re;
        }
        self.planes += 1;
    }

    fn finish(self, images: usize) -> Result<AverageSpectrum> {
        if self.planes == 0 {
            return Err(Error::Invalid("an average spectrum needs at least one image".into()));
        }
        let mean = self.sum_x / self.count;
        let var = (self.sum_x2 / self.count - mean * mean).max(0.0);
        let std = var.sqrt();
        if std == 0.0 {
            return Err(Error::Invalid("the images are constant: their spectrum cannot be whitened".into()));
        }
        let p = self.planes as f64;
        let power = (0..self.size * self.size)
            .map(|i| {
                let e = self.sum_f2[i] - 2.0 * mean * self.sum_cross[i] + p * mean * mean * self.w_fft[i].norm_sqr();
                (e / p / var).max(0.0)
            })
            .collect();
        Ok(AverageSpectrum { image_size: self.n, size: self.size, power, images, mean, std })
    }
}

/// The average spectrum of `images` (one sample each; the output rule to 8 bits first).
pub fn spectrum_of_images(images: &[FloatImage], interp: usize, beta: f64) -> Result<AverageSpectrum> {
    let first = images.first().ok_or_else(|| Error::Invalid("an average spectrum needs at least one image".into()))?;
    if first.height != first.width {
        return Err(Error::Invalid(format!("square images needed, got {}x{}", first.width, first.height)));
    }
    let mut acc = Accumulator::new(first.width, interp.max(1), beta);
    for img in images {
        if (img.height, img.width) != (first.height, first.width) {
            return Err(Error::Invalid("images of different sizes".into()));
        }
        for c in 0..img.channels {
            let plane: Vec<f64> = img.plane(c).iter().map(|&v| to_u8(v) as f64).collect();
            acc.add_plane(&plane);
        }
    }
    acc.finish(images.len())
}

/// Generates seeds `seed .. seed + num` (ψ, const noise) and averages their spectra; progress per
/// batch.
pub fn average_spectrum(g: &Generator, opts: &AvgSpectraOptions, monitor: &dyn Monitor) -> Result<AverageSpectrum> {
    if opts.num == 0 || opts.interp == 0 {
        return Err(Error::Invalid("an average spectrum needs at least one image and an interp of at least 1".into()));
    }
    if !opts.beta.is_finite() || opts.beta < 0.0 {
        return Err(Error::Invalid(format!("Kaiser beta {} must be finite and not negative", opts.beta)));
    }
    let c = g.config();
    if c.c_dim() > 0 {
        return Err(Error::Invalid("average spectra of conditional networks are not supported".into()));
    }
    let res = c.img_resolution();
    let mut acc = Accumulator::new(res, opts.interp, opts.beta);
    let device = g.w_avg().device().clone();
    let seeds: Vec<u64> = (opts.seed..opts.seed + opts.num as u64).collect();
    let batch = opts.batch.max(1);
    for (i, chunk) in seeds.chunks(batch).enumerate() {
        monitor.set_count((i * batch) as u64, opts.num as u64)?;
        let z = z_tensor(chunk, c.z_dim(), &device)?;
        let ws = g.mapping(&z, None, opts.psi, None)?;
        let out = g.synthesis(&ws, &SynthesisOptions::default())?.image;
        for j in 0..chunk.len() {
            let img = FloatImage::from_tensor(&out, j)?;
            for ch in 0..img.channels {
                let plane: Vec<f64> = img.plane(ch).iter().map(|&v| to_u8(v) as f64).collect();
                acc.add_plane(&plane);
            }
        }
    }
    monitor.set_fraction(1.0)?;
    acc.finish(opts.num)
}

impl AverageSpectrum {
    /// `10·log10` of the centred spectrum smoothed by a Gaussian of `sigma` padded pixels
    /// (`avg_spectra.py heatmap`, default 1.25); `size × size`.
    pub fn heatmap_db(&self, sigma: f64) -> Vec<f64> {
        let s = self.size;
        let db: Vec<f64> = fftshift(&self.power, s, s).iter().map(|&p| 10.0 * p.max(1e-30).log10()).collect();
        if sigma <= 0.0 {
            return db;
        }
        let r = (sigma * 3.0).ceil() as i64;
        let k: Vec<f64> = (-r..=r).map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp()).collect();
        let ks: f64 = k.iter().sum();
        let k: Vec<f64> = k.iter().map(|v| v / ks).collect();
        let clamp = |v: i64| v.clamp(0, s as i64 - 1) as usize;
        let mut tmp = vec![0f64; s * s];
        for y in 0..s {
            for x in 0..s {
                tmp[y * s + x] =
                    k.iter().enumerate().map(|(j, kv)| kv * db[y * s + clamp(x as i64 + j as i64 - r)]).sum();
            }
        }
        let mut out = vec![0f64; s * s];
        for y in 0..s {
            for x in 0..s {
                out[y * s + x] =
                    k.iter().enumerate().map(|(j, kv)| kv * tmp[clamp(y as i64 + j as i64 - r) * s + x]).sum();
            }
        }
        out
    }

    /// 1-D slices in dB from frequency 0 to Nyquist (`avg_spectra.py slices`): along the
    /// horizontal axis and along the diagonal; `x` in cycles per image width, normalised so
    /// that Nyquist is 0.5.
    pub fn slices(&self) -> [Vec<(f64, f64)>; 2] {
        let s = self.size;
        let db = |p: f64| 10.0 * p.max(1e-30).log10();
        let half = s / 2;
        let horizontal = (0..=half).map(|i| (i as f64 / s as f64, db(self.power[i % s]))).collect();
        let diagonal =
            (0..=half).map(|i| (i as f64 / s as f64 * 2f64.sqrt(), db(self.power[(i % s) * s + i % s]))).collect();
        [horizontal, diagonal]
    }
}
