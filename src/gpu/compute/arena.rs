//! Activation buffers of a network, reused once their last reader has run (every step runs in
//! order in one submission, and wgpu orders the dispatches), so that a 1024² StyleGAN3 keeps
//! only a few layers alive instead of all of them.

use crate::Result;
use crate::gpu::compute::GpuContext;

/// Buffers handed out by [`Arena::alloc`] and returned by [`Arena::free`].
#[derive(Debug, Default)]
pub(crate) struct Arena {
    /// (buffer, capacity in f32 values, free)
    buffers: Vec<(wgpu::Buffer, usize, bool)>,
}

impl Arena {
    /// A buffer of at least `len` values: the smallest free one that fits, else a new one.
    pub(crate) fn alloc(&mut self, ctx: &GpuContext, label: &str, len: usize) -> Result<wgpu::Buffer> {
        let best = self.buffers.iter_mut().filter(|(_, cap, free)| *free && *cap >= len).min_by_key(|(_, cap, _)| *cap);
        if let Some(slot) = best {
            slot.2 = false;
            return Ok(slot.0.clone());
        }
        let buffer = ctx.storage(label, len)?;
        self.buffers.push((buffer.clone(), len.max(4), false));
        Ok(buffer)
    }

    /// Marks `buffer` free for later allocations (steps recorded after this point may overwrite it).
    pub(crate) fn free(&mut self, buffer: &wgpu::Buffer) {
        if let Some(slot) = self.buffers.iter_mut().find(|(b, _, _)| b == buffer) {
            slot.2 = true;
        }
    }

    /// Bytes held by all activation buffers.
    pub(crate) fn bytes(&self) -> u64 {
        self.buffers.iter().map(|(_, cap, _)| 4 * *cap as u64).sum()
    }
}
