//! A StyleGAN2 noise input: `[gain, 0, 0, 0, plane…]` on the GPU, rewritten only when the noise
//! mode or seed changes.

use crate::gpu::compute::GpuContext;
use crate::nn::NoiseMode;
use crate::nn::random_state::RandomState;

/// One layer's noise buffer and what it currently holds.
#[derive(Debug)]
pub(crate) struct NoiseSlot {
    pub buffer: wgpu::Buffer,
    pub strength: f32,
    /// `noise_const` (`[res, res]`).
    pub constant: Vec<f32>,
    /// `None`: the plane holds `noise_const`; `Some(seed)`: random noise of that seed.
    pub holds_random: Option<u64>,
    /// The gain written last.
    pub gain: f32,
}

impl NoiseSlot {
    /// Makes every layer's buffer match `mode`: gain `strength` (const, random) or 0 (none), and
    /// the constant plane, or random planes drawn in forward order from one NumPy-compatible
    /// generator seeded as the CPU engine seeds it (so both engines add the same noise).
    pub(crate) fn apply_all(slots: &mut [NoiseSlot], ctx: &GpuContext, mode: NoiseMode, seed: u64) {
        let wanted = (mode == NoiseMode::Random).then_some(seed);
        let redraw = mode == NoiseMode::Random && slots.iter().any(|s| s.holds_random != wanted);
        let mut rng = redraw.then(|| RandomState::new((seed ^ (seed >> 32)) as u32));
        for slot in slots {
            let gain = if mode == NoiseMode::None { 0.0 } else { slot.strength };
            if gain != slot.gain {
                ctx.queue().write_buffer(&slot.buffer, 0, bytemuck::bytes_of(&gain));
                slot.gain = gain;
            }
            let plane = match (&mut rng, mode) {
                (Some(rng), _) => {
                    Some(rng.randn(slot.constant.len()).into_iter().map(|v| v as f32).collect::<Vec<f32>>())
                }
                (None, NoiseMode::Const) if slot.holds_random.is_some() => Some(slot.constant.clone()),
                _ => None,
            };
            if let Some(plane) = plane {
                ctx.queue().write_buffer(&slot.buffer, 16, bytemuck::cast_slice(&plane));
                slot.holds_random = wanted;
            }
        }
    }
}
