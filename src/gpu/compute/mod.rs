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
//! 1. Create eframe's device with the adapter's limits, so that the engine can share it:
//!    `NativeOptions { renderer: eframe::Renderer::Wgpu, wgpu_options: egui_wgpu::WgpuConfiguration {
//!    wgpu_setup: egui_wgpu::WgpuSetup::CreateNew(egui_wgpu::WgpuSetupCreateNew { device_descriptor:
//!    Arc::new(|a| stylescope::gpu::compute::device_descriptor(a)), ..WgpuSetupCreateNew::without_display_handle() }),
//!    ..Default::default() }, .. }`.
//! 2. `let ctx = GpuContext::from_device(rs.device.clone(), rs.queue.clone())` from
//!    `CreationContext::wgpu_render_state` (or [`GpuContext::headless`] for a device of its own).
//! 3. On the render worker: [`check_support`] (falls back to the CPU engine with its message),
//!    then `GpuEngine::new(&ctx, &config, &weights)` from `Checkpoint::generator_network()` /
//!    `Checkpoint::weights`.
//! 4. Once per engine, on the UI thread: `renderer.write().register_native_texture(&device,
//!    engine.texture_view(), wgpu::FilterMode::Nearest)` → an `egui::TextureId` to paint.
//! 5. Per request: compute ws as for the CPU engine (mapping, blend, style mix, pseudo-align; or
//!    [`GpuEngine::mapping`]), then `engine.render(&ws, &SynthesisOptions { noise_mode,
//!    noise_seed, input_transform, capture })`; the texture then holds the new frame. With
//!    `untransform`, read the float image back ([`GpuEngine::read_back_image`]) and resample
//!    on the CPU. Layer inspector: render with `Capture::Until(name)` and call
//!    [`GpuEngine::read_back_layer`].
//! 6. [`crate::Error::DeviceLost`] means: drop the engine, make a new context, or use the CPU.

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
