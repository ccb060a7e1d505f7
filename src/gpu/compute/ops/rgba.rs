//! The final conversion of a float image to the RGBA8 texture the window displays.

use crate::gpu::compute::GpuContext;
use crate::gpu::compute::step::Step;
use crate::raster::Raster;
use crate::{Error, Result};

/// `u8 = clamp(trunc(x·127.5 + 128), 0, 255)` per channel (grey for one channel), alpha 255,
/// written to an `Rgba8Unorm` storage texture of `width × height`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaSpec {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
}

impl RgbaSpec {
    /// The texture the engine renders into: storage-writable, sampleable by egui, copyable.
    pub fn create_texture(&self, ctx: &GpuContext, label: &str) -> Result<wgpu::Texture> {
        let max = ctx.limits().max_texture_dimension_2d as usize;
        if self.width > max || self.height > max {
            return Err(Error::Gpu(format!("a {}×{} texture exceeds this adapter's {max}", self.width, self.height)));
        }
        ctx.scoped("creating the output texture", || {
            Ok(ctx.device().create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: wgpu::Extent3d { width: self.width as u32, height: self.height as u32, depth_or_array_layers: 1 },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: wgpu::TextureFormat::Rgba8Unorm,
                usage: wgpu::TextureUsages::STORAGE_BINDING
                    | wgpu::TextureUsages::TEXTURE_BINDING
                    | wgpu::TextureUsages::COPY_SRC,
                view_formats: &[],
            }))
        })
    }

    pub(crate) fn step(
        &self,
        ctx: &GpuContext,
        label: &str,
        img: &wgpu::Buffer,
        view: &wgpu::TextureView,
    ) -> Result<Step> {
        Step::new(
            ctx,
            label,
            "to_rgba8",
            "main",
            &[],
            &[self.channels as u32, self.height as u32, self.width as u32, 0],
            &[(1, img.as_entire_binding()), (2, wgpu::BindingResource::TextureView(view))],
            [self.width.div_ceil(16) as u32, self.height.div_ceil(16) as u32, 1],
        )
    }

    /// Copies `texture` (this spec's size) to the CPU.
    pub fn read_texture(&self, ctx: &GpuContext, texture: &wgpu::Texture) -> Result<Raster> {
        let row = 4 * self.width as u32;
        let padded = row.div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT) * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
        let bytes = padded as u64 * self.height as u64;
        let staging = ctx.staging("texture read-back", bytes);
        let mut encoder =
            ctx.device().create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("texture read-back") });
        encoder.copy_texture_to_buffer(
            texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &staging,
                layout: wgpu::TexelCopyBufferLayout { offset: 0, bytes_per_row: Some(padded), rows_per_image: None },
            },
            wgpu::Extent3d { width: self.width as u32, height: self.height as u32, depth_or_array_layers: 1 },
        );
        ctx.scoped("reading the output texture", || ctx.submit_and_wait(encoder))?;
        let data = ctx.map_bytes(&staging, bytes)?;
        let mut pixels = Vec::with_capacity(self.width * self.height * 4);
        for y in 0..self.height {
            let start = y * padded as usize;
            pixels.extend_from_slice(&data[start..start + row as usize]);
        }
        Raster::new(self.width, self.height, 4, pixels)
    }

    /// Converts a host image `[channels, height, width]` and reads the texture back.
    pub fn run(&self, ctx: &GpuContext, img: &[f32]) -> Result<Raster> {
        if img.len() != self.channels * self.height * self.width {
            return Err(Error::Invalid(format!("to_rgba8: {} values for {self:?}", img.len())));
        }
        let texture = self.create_texture(ctx, "rgba test texture")?;
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let ib = ctx.storage_init("rgba img", img)?;
        self.step(ctx, "to_rgba8", &ib, &view)?.run(ctx)?;
        self.read_texture(ctx, &texture)
    }
}
