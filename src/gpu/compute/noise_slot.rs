//! A StyleGAN2 noise input: `[gain, 0, 0, 0, plane…]` on the GPU, rewritten only when the noise
//! mode or seed changes.

use crate::gpu::compute::GpuContext;
use crate::nn::NoiseMode;

/// One layer's noise buffer and what it currently holds.
#[derive(Debug)]
pub(crate) struct NoiseSlot {
    pub buffer: wgpu::Buffer,
    pub strength: f32,
    /// `noise_const` (`[res, res]`).
    pub constant: Vec<f32>,
    /// `None`: the plane holds `noise_const`; `Some(seed)`: random noise of that seed.
    pub holds_random: Option<u64>,
    /// Distinguishes the layers' random planes for one seed.
    pub index: u64,
    /// The gain written last.
    pub gain: f32,
}

impl NoiseSlot {
    /// Makes the buffer match `mode`: gain `strength` (const, random) or 0 (none), with the
    /// constant or a seeded Gaussian plane.
    pub(crate) fn apply(&mut self, ctx: &GpuContext, mode: NoiseMode, seed: u64) {
        let gain = if mode == NoiseMode::None { 0.0 } else { self.strength };
        if gain != self.gain {
            ctx.queue().write_buffer(&self.buffer, 0, bytemuck::bytes_of(&gain));
            self.gain = gain;
        }
        let wanted = if mode == NoiseMode::Random { Some(seed) } else { None };
        if mode != NoiseMode::None && wanted != self.holds_random {
            let plane = match wanted {
                Some(seed) => gaussian_plane(seed, self.index, self.constant.len()),
                None => self.constant.clone(),
            };
            ctx.queue().write_buffer(&self.buffer, 16, bytemuck::cast_slice(&plane));
            self.holds_random = wanted;
        }
    }
}

/// Standard normal values from splitmix64 and Box–Muller, a function of (seed, layer index).
/// PyTorch's generator cannot be reproduced, so random noise is only self-consistent.
pub(crate) fn gaussian_plane(seed: u64, index: u64, len: usize) -> Vec<f32> {
    let mut state = seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = Vec::with_capacity(len + 1);
    while out.len() < len {
        let u1 = ((next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let u2 = (next() >> 11) as f64 / (1u64 << 53) as f64;
        let r = (-2.0 * u1.ln()).sqrt();
        let a = 2.0 * std::f64::consts::PI * u2;
        out.push((r * a.cos()) as f32);
        out.push((r * a.sin()) as f32);
    }
    out.truncate(len);
    out
}
