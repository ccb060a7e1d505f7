//! [`GpuFrame`]: the texture a [`crate::gpu::compute::GpuEngine`] renders into, handed to the
//! window so that it can paint the image straight from GPU memory.

use crate::Result;
use crate::gpu::compute::GpuContext;
use crate::gpu::compute::ops::RgbaSpec;
use crate::raster::Raster;

/// The engine's output texture (`Rgba8Unorm`, image resolution). Every full render overwrites
/// it in place, so a window that registered it once shows each new frame without a copy; the
/// queue orders the engine's writes and the window's reads.
#[derive(Clone, Debug)]
pub struct GpuFrame {
    /// Unique per texture: a new engine (a new network) has a new key, so the window knows
    /// when to register the texture again.
    pub key: u64,
    pub width: usize,
    pub height: usize,
    pub texture: wgpu::Texture,
    pub view: wgpu::TextureView,
    ctx: GpuContext,
    spec: RgbaSpec,
}

impl GpuFrame {
    pub(crate) fn new(
        key: u64,
        texture: wgpu::Texture,
        view: wgpu::TextureView,
        ctx: GpuContext,
        spec: RgbaSpec,
    ) -> Self {
        Self { key, width: spec.width, height: spec.height, texture, view, ctx, spec }
    }

    /// The texture's pixels as they are now (a read-back: for saving, copying, the pixel readout
    /// and the difference view, never for display).
    pub fn read_pixels(&self) -> Result<Raster> {
        self.spec.read_texture(&self.ctx, &self.texture)
    }

    /// The device the texture lives on.
    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }
}
