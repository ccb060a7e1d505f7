//! The WGSL compute engine: StyleGAN2 and StyleGAN3 inference on any GPU through wgpu.
//!
//! [`GpuContext`] holds a device (headless, or the window's); [`GpuEngine`] builds every GPU
//! buffer of a generator once and then renders a frame per request into an `Rgba8Unorm` texture
//! that the window can show without a read-back. The kernels live in `shaders/compute/*.wgsl`,
//! one per file, each runnable alone through [`ops`]; [`bench`](mod@bench) measures frames per second.
//!
//! | kernel | what it computes |
//! |---|---|
//! | `fc.wgsl` | fully connected layers (mapping, every affine), with lrelu |
//! | `mapping.wgsl` | `normalize_2nd_moment`; broadcast to `num_ws` rows with truncation |
//! | `modconv_styles.wgsl` | modulation `s'` and demodulation/input-gain scales per output channel |
//! | `modconv.wgsl` | modulated convolution as a tiled implicit GEMM (modulation on the weight loads, demodulation, noise, bias, activation, clamp, residual in the epilogue); StyleGAN2's up-sampling conv as four phase convolutions |
//! | `upfirdn2d.wgsl` | upfirdn2d with a 2-D filter and the same epilogue (StyleGAN2 image skips) |
//! | `filtered_lrelu.wgsl` | StyleGAN3's up-filter → lrelu/clamp → down-filter fused per tile in workgroup memory |
//! | `bias_act.wgsl` | element-wise bias and activation (StyleGAN3 output scale) |
//! | `fourier_input.wgsl` | StyleGAN3 Fourier features under the learned and the user transform |
//! | `to_rgba8.wgsl` | float image → `Rgba8Unorm` texture with PyTorch's uint8 rule |
//!
//! # Use from the window
//! The explorer does this (`gui::run`, `gui::app`, `jobs::engine_switch`,
//! `jobs::gpu_generator_engine`, `gui::gpu_display`):
//! 1. eframe's device is created with the adapter's limits ([`device_descriptor`] in
//!    `NativeOptions::wgpu_options`), so that the engine can share it: eframe's default limits cap
//!    storage buffers at 128 MiB, too small for large networks.
//! 2. [`GpuContext::from_device`] on `CreationContext::wgpu_render_state`'s device and queue
//!    (after [`supports_compute`] on its adapter), handed to the views' render workers.
//! 3. On a render worker: [`check_support`] (else the CPU engine opens the file and the window
//!    shows the reason), then [`GpuEngine::new`] from `Checkpoint::generator_network()` /
//!    `Checkpoint::weights`. Encoding and submission happen on the worker thread only.
//! 4. Per request: ws as the CPU engine computes them (mapping on the GPU with
//!    [`GpuEngine::mapping`], then blend, style mix and pseudo-align), then [`GpuEngine::render`];
//!    the engine's texture then holds the new frame, and the worker sends a [`GpuFrame`].
//! 5. On the UI thread, once per engine: `egui_wgpu::Renderer::register_native_texture` on
//!    [`GpuFrame::view`] (a new engine re-points the id with `update_egui_texture_from_wgpu_texture`);
//!    the view paints that id, so no frame is copied back. [`GpuFrame::read_pixels`] reads the
//!    texture only for saving, copying, the pixel readout and the difference view.
//! 6. `untransform` reads the float image back ([`GpuEngine::read_back_image`]) and resamples on
//!    the CPU. Layer inspector: render with `Capture::Until(name)` and call
//!    [`GpuEngine::read_back_layer`] (`GpuGeneratorEngine::render_layer` does both).
//! 7. [`crate::Error::DeviceLost`] means: drop the engine, make a new context, or use the CPU.

mod context;
pub mod ops;
mod pipelines;
mod step;

pub use context::{DEFAULT_TIMEOUT, GpuContext, device_descriptor, supports_compute};

mod arena;
mod builder;
mod engine;
mod frame;
mod layer_slot;
mod mapping_plan;
mod network;
mod noise_slot;
mod requirements;
mod sg2_plan;
mod sg3_plan;

pub mod bench;

pub use engine::GpuEngine;
pub use frame::GpuFrame;
pub use requirements::{check_support, largest_buffer};
