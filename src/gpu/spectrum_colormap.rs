//! The FFT view's dB → viridis colour mapping as a WGSL compute shader
//! (`shaders/spectrum_colormap.wgsl`); the CPU reference is
//! [`crate::analysis::sticking::viridis::colour_db`] and a test compares the two.

use wgpu::util::DeviceExt;

use crate::analysis::sticking::viridis;
use crate::raster::Raster;
use crate::{Error, Result};

const SHADER: &str = include_str!("../../shaders/spectrum_colormap.wgsl");
const WORKGROUP: u32 = 64;

/// A device with the colour-mapping pipeline.
pub struct SpectrumColormap {
    device: wgpu::Device,
    queue: wgpu::Queue,
    pipeline: wgpu::ComputePipeline,
    lut: wgpu::Buffer,
    adapter_name: String,
}

impl std::fmt::Debug for SpectrumColormap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpectrumColormap").field("adapter", &self.adapter_name).finish_non_exhaustive()
    }
}

fn gpu_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("GPU {what}: {e}"))
}

impl SpectrumColormap {
    /// Opens the first adapter wgpu offers (backends from `WGPU_BACKEND`, e.g. `vulkan` for
    /// lavapipe) and builds the pipeline.
    pub fn new() -> Result<Self> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions::default()))
            .map_err(|e| gpu_error("adapter", e))?;
        let adapter_name = adapter.get_info().name;
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor::default()))
            .map_err(|e| gpu_error("device", e))?;
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("spectrum_colormap.wgsl"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("spectrum colormap"),
            layout: None,
            module: &module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            cache: None,
        });
        let table: Vec<f32> = viridis::lut().iter().flat_map(|c| [c[0], c[1], c[2], 1.0]).collect();
        let lut = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("viridis lut"),
            contents: bytemuck::cast_slice(&table),
            usage: wgpu::BufferUsages::STORAGE,
        });
        Ok(Self { device, queue, pipeline, lut, adapter_name })
    }

    /// The adapter's name (e.g. `llvmpipe (LLVM …)`).
    pub fn adapter_name(&self) -> &str {
        &self.adapter_name
    }

    /// Colours `levels` (dB, row-major `width × height`) over `±range_db` into an RGB raster.
    pub fn colour(&self, levels: &[f32], width: usize, height: usize, range_db: f32) -> Result<Raster> {
        let count = levels.len();
        if count != width * height || count == 0 {
            return Err(Error::Invalid(format!("{width}x{height} levels needed, got {count}")));
        }
        let groups = (count as u32).div_ceil(WORKGROUP);
        let (gx, gy) = (groups.min(65_535), groups.div_ceil(65_535));
        let params: [u32; 4] = [count as u32, range_db.to_bits(), gx * WORKGROUP, 0];
        let d = &self.device;
        let uniform = d.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("params"),
            contents: bytemuck::cast_slice(&params),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let input = d.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("levels"),
            contents: bytemuck::cast_slice(levels),
            usage: wgpu::BufferUsages::STORAGE,
        });
        let size = (count * 4) as u64;
        let output = d.create_buffer(&wgpu::BufferDescriptor {
            label: Some("rgba"),
            size,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let readback = d.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind = d.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("spectrum colormap"),
            layout: &self.pipeline.get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: input.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: self.lut.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: output.as_entire_binding() },
            ],
        });
        let mut enc = d.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("spectrum colormap") });
        {
            let mut pass = enc
                .begin_compute_pass(&wgpu::ComputePassDescriptor { label: Some("colormap"), timestamp_writes: None });
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups(gx, gy, 1);
        }
        enc.copy_buffer_to_buffer(&output, 0, &readback, 0, size);
        self.queue.submit([enc.finish()]);
        let slice = readback.slice(..);
        let (tx, rx) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        d.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| gpu_error("poll", e))?;
        rx.recv().map_err(|e| gpu_error("map", e))?.map_err(|e| gpu_error("map", e))?;
        let words: Vec<u32> = {
            let view = slice.get_mapped_range().map_err(|e| gpu_error("map", e))?;
            view.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
        };
        readback.unmap();
        let px: Vec<u8> =
            words.iter().flat_map(|w| [(w & 255) as u8, ((w >> 8) & 255) as u8, ((w >> 16) & 255) as u8]).collect();
        Raster::new(width, height, 3, px)
    }
}
