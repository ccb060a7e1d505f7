//! `SynthesisInput`: StyleGAN3's Fourier-feature input (reference §2.3.2).
//!
//! For each sample, `ws[:, 0]` gives a learned rotation and translation (`affine`, normalised by
//! the length of its rotation part), composed with the user transform (the `transform` buffer,
//! the inverse of the content transform). The transformed frequencies and phases are sampled on
//! the `size × size` canvas at `sampling_rate` (the unit image plus the margin), band-limited by
//! an amplitude ramp, and mixed by `weight / sqrt(C)`.

use candle_core::{DType, Device, Tensor};

use crate::nn::config::Sg3InputConfig;
use crate::nn::ops::fully_connected::FullyConnectedLayer;
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct SynthesisInput {
    pub config: Sg3InputConfig,
    pub affine: FullyConnectedLayer,
    /// `[C, C]`.
    pub weight: Tensor,
    /// The stored user transform, row-major (float32 as the buffer).
    pub transform: [[f32; 3]; 3],
    /// `[C, 2]`, kept on the host: the per-sample transform is applied there.
    pub freqs: Vec<[f32; 2]>,
    /// `[C]`.
    pub phases: Vec<f32>,
    /// Sample coordinates `[size_y·size_x, 2]` (x, y), as `affine_grid` computes them.
    grid: Tensor,
}

/// `torch.linspace(-1, 1, n) · (n−1)/n` in float32 (`affine_grid`'s base coordinates,
/// `align_corners=False`): pixel centres in normalised units.
fn base_coords(n: usize) -> Vec<f32> {
    if n == 1 {
        return vec![0.0];
    }
    let step = 2.0f32 / (n - 1) as f32;
    let half = n / 2;
    (0..n)
        .map(|i| {
            let v = if i < half { -1.0 + step * i as f32 } else { 1.0 - step * (n - 1 - i) as f32 };
            v * (n - 1) as f32 / n as f32
        })
        .collect()
}

fn host_vec(t: &Tensor) -> Result<Vec<f32>> {
    Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?)
}

impl SynthesisInput {
    pub fn new(config: &Sg3InputConfig, weights: &Weights, prefix: &str, device: &Device) -> Result<Self> {
        let c = config.channels;
        let [sx, sy] = config.size;
        if c == 0 || sx == 0 || sy == 0 || !config.sampling_rate.is_finite() || config.sampling_rate <= 0.0 {
            return Err(Error::Format(format!(
                "{prefix}: {c} channels, size {:?}, sampling rate {}",
                config.size, config.sampling_rate
            )));
        }
        if config.affine.in_features != config.w_dim || config.affine.out_features != 4 {
            return Err(Error::Format(format!("{prefix}.affine must map w_dim {} to 4", config.w_dim)));
        }
        let affine = FullyConnectedLayer::new(&config.affine, weights, &format!("{prefix}.affine"))?;
        let weight = weights.get(&format!("{prefix}.weight"), &[c, c])?;
        let t = host_vec(&weights.get(&format!("{prefix}.transform"), &[3, 3])?)?;
        let transform = [[t[0], t[1], t[2]], [t[3], t[4], t[5]], [t[6], t[7], t[8]]];
        let f = host_vec(&weights.get(&format!("{prefix}.freqs"), &[c, 2])?)?;
        let freqs = f.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
        let phases = host_vec(&weights.get(&format!("{prefix}.phases"), &[c])?)?;
        if t.iter().chain(&f).chain(&phases).any(|v| !v.is_finite()) {
            return Err(Error::Format(format!("{prefix}: non-finite transform, freqs or phases")));
        }
        // theta = diag(0.5·size/sampling_rate) applied to the base grid.
        let tx = (0.5 * sx as f64 / config.sampling_rate) as f32;
        let ty = (0.5 * sy as f64 / config.sampling_rate) as f32;
        let (bx, by) = (base_coords(sx), base_coords(sy));
        let mut g = Vec::with_capacity(sx * sy * 2);
        for &y in &by {
            for &x in &bx {
                g.push(x * tx);
                g.push(y * ty);
            }
        }
        let grid = Tensor::from_vec(g, (sx * sy, 2), device)?;
        let weight = weight.to_device(device)?;
        Ok(Self { config: config.clone(), affine, weight, transform, freqs, phases, grid })
    }

    /// The sample coordinates `[size_y·size_x, 2]` (x, y) the Fourier features are evaluated at.
    pub fn grid(&self) -> &Tensor {
        &self.grid
    }

    /// `w [N, w_dim]` → `[N, C, size_y, size_x]`, with `transform` (the buffer value, i.e. the
    /// inverse content transform) or the stored buffer when `None`.
    pub fn forward(&self, w: &Tensor, transform: Option<&[[f32; 3]; 3]>) -> Result<Tensor> {
        let user = transform.unwrap_or(&self.transform);
        if self.weight.dtype() == DType::F64 {
            return self.forward_f64(w, user);
        }
        let n = w.dim(0)?;
        let c = self.config.channels;
        let t = host_vec(&self.affine.forward(w)?)?;
        let bandwidth = self.config.bandwidth as f32;
        let half_rate = (self.config.sampling_rate / 2.0) as f32;
        let mut freqs_t = Vec::with_capacity(n * 2 * c);
        let mut phases_t = Vec::with_capacity(n * c);
        let mut amps = Vec::with_capacity(n * c);
        for s in 0..n {
            let m = sample_transform(&t[s * 4..s * 4 + 4], user)?;
            let mut fx = Vec::with_capacity(c);
            let mut fy = Vec::with_capacity(c);
            for (f, &ph) in self.freqs.iter().zip(&self.phases) {
                // phases + freqs·T[:2, 2]; freqs·T[:2, :2] (row vector times matrix).
                phases_t.push(ph + (f[0] * m[0][2] + f[1] * m[1][2]));
                let (gx, gy) = (f[0] * m[0][0] + f[1] * m[1][0], f[0] * m[0][1] + f[1] * m[1][1]);
                fx.push(gx);
                fy.push(gy);
                let norm = (gx * gx + gy * gy).sqrt();
                amps.push((1.0 - (norm - bandwidth) / (half_rate - bandwidth)).clamp(0.0, 1.0));
            }
            freqs_t.extend(fx);
            freqs_t.extend(fy);
        }
        let dev = self.grid.device();
        let freqs_t = Tensor::from_vec(freqs_t, (n, 2, c), dev)?;
        let phases_t = Tensor::from_vec(phases_t, (n, 1, c), dev)?;
        let amps = Tensor::from_vec(amps, (n, 1, c), dev)?;
        // [N, HW, 2] × [N, 2, C] + phases, sin(2π·), amplitude, channel mixing.
        self.features(&self.grid, n, freqs_t, phases_t, amps)
    }

    /// Grid `[HW, 2]` × `freqs_t [N, 2, C]` + `phases_t [N, 1, C]`, `sin(2π·)`, amplitudes `[N, 1, C]`,
    /// channel mixing → `[N, C, size_y, size_x]`.
    fn features(&self, grid: &Tensor, n: usize, freqs_t: Tensor, phases_t: Tensor, amps: Tensor) -> Result<Tensor> {
        let c = self.config.channels;
        let [sx, sy] = self.config.size;
        let grid = grid.unsqueeze(0)?.broadcast_as((n, sx * sy, 2))?.contiguous()?;
        let x = grid.matmul(&freqs_t)?.broadcast_add(&phases_t)?;
        let x = x.affine(std::f64::consts::TAU, 0.0)?.sin()?.broadcast_mul(&amps)?;
        let weight_t = (&self.weight / (c as f64).sqrt())?.t()?.contiguous()?;
        let x = x.reshape((n * sy * sx, c))?.matmul(&weight_t)?;
        Ok(x.reshape((n, sy, sx, c))?.permute((0, 3, 1, 2))?.contiguous()?)
    }

    /// [`Self::forward`] in float64 (weights cast to float64): the same steps with every host
    /// value, the grid and 2π in float64; the user transform is the given float32 buffer.
    fn forward_f64(&self, w: &Tensor, user: &[[f32; 3]; 3]) -> Result<Tensor> {
        let n = w.dim(0)?;
        let c = self.config.channels;
        let [sx, sy] = self.config.size;
        let t = self.affine.forward(&w.to_dtype(DType::F64)?)?.flatten_all()?.to_vec1::<f64>()?;
        let user = user.map(|r| r.map(f64::from));
        let (bandwidth, half_rate) = (self.config.bandwidth, self.config.sampling_rate / 2.0);
        let (mut freqs_t, mut phases_t, mut amps) =
            (Vec::with_capacity(n * 2 * c), Vec::with_capacity(n * c), Vec::with_capacity(n * c));
        for s in 0..n {
            let r = &t[s * 4..s * 4 + 4];
            let norm = (r[0] * r[0] + r[1] * r[1]).sqrt();
            if !norm.is_finite() || norm <= 0.0 {
                return Err(Error::Invalid(format!(
                    "StyleGAN3 input: degenerate learned rotation {:?} (bad w?)",
                    &r[..2]
                )));
            }
            let r: Vec<f64> = r.iter().map(|v| v / norm).collect();
            let m_r = [[r[0], -r[1], 0.0], [r[1], r[0], 0.0], [0.0, 0.0, 1.0]];
            let m_t = [[1.0, 0.0, -r[2]], [0.0, 1.0, -r[3]], [0.0, 0.0, 1.0]];
            let m = matmul3_f64(&matmul3_f64(&m_r, &m_t), &user);
            let (mut fx, mut fy) = (Vec::with_capacity(c), Vec::with_capacity(c));
            for (f, &ph) in self.freqs.iter().zip(&self.phases) {
                let f = [f64::from(f[0]), f64::from(f[1])];
                phases_t.push(f64::from(ph) + (f[0] * m[0][2] + f[1] * m[1][2]));
                let (gx, gy) = (f[0] * m[0][0] + f[1] * m[1][0], f[0] * m[0][1] + f[1] * m[1][1]);
                fx.push(gx);
                fy.push(gy);
                let norm = (gx * gx + gy * gy).sqrt();
                amps.push((1.0 - (norm - bandwidth) / (half_rate - bandwidth)).clamp(0.0, 1.0));
            }
            freqs_t.extend(fx);
            freqs_t.extend(fy);
        }
        let dev = self.grid.device();
        let (tx, ty) = (0.5 * sx as f64 / self.config.sampling_rate, 0.5 * sy as f64 / self.config.sampling_rate);
        let base = |len: usize| -> Vec<f64> {
            (0..len)
                .map(|i| {
                    if len == 1 {
                        0.0
                    } else {
                        (2.0 * i as f64 / (len - 1) as f64 - 1.0) * (len - 1) as f64 / len as f64
                    }
                })
                .collect()
        };
        let (bx, by) = (base(sx), base(sy));
        let grid: Vec<f64> = by.iter().flat_map(|&y| bx.iter().flat_map(move |&x| [x * tx, y * ty])).collect();
        let grid = Tensor::from_vec(grid, (sx * sy, 2), dev)?;
        let freqs_t = Tensor::from_vec(freqs_t, (n, 2, c), dev)?;
        let phases_t = Tensor::from_vec(phases_t, (n, 1, c), dev)?;
        let amps = Tensor::from_vec(amps, (n, 1, c), dev)?;
        self.features(&grid, n, freqs_t, phases_t, amps)
    }
}

fn matmul3_f64(a: &[[f64; 3]; 3], b: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut out = [[0f64; 3]; 3];
    for (r, row) in out.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
        }
    }
    out
}

/// `m_r · m_t · user` for one sample, from the affine output `t = (r_c, r_s, t_x, t_y)` divided by
/// the length of `(r_c, r_s)`; float32 as NVIDIA's code.
fn sample_transform(t: &[f32], user: &[[f32; 3]; 3]) -> Result<[[f32; 3]; 3]> {
    let norm = (t[0] * t[0] + t[1] * t[1]).sqrt();
    if !norm.is_finite() || norm <= 0.0 {
        return Err(Error::Invalid(format!("StyleGAN3 input: degenerate learned rotation {:?} (bad w?)", &t[..2])));
    }
    let t: Vec<f32> = t.iter().map(|v| v / norm).collect();
    let m_r = [[t[0], -t[1], 0.0], [t[1], t[0], 0.0], [0.0, 0.0, 1.0]];
    let m_t = [[1.0, 0.0, -t[2]], [0.0, 1.0, -t[3]], [0.0, 0.0, 1.0]];
    Ok(matmul3(&matmul3(&m_r, &m_t), user))
}

fn matmul3(a: &[[f32; 3]; 3], b: &[[f32; 3]; 3]) -> [[f32; 3]; 3] {
    let mut out = [[0f32; 3]; 3];
    for (r, row) in out.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
        }
    }
    out
}
