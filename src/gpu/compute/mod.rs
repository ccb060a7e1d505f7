//! The WGSL compute engine: StyleGAN2 and StyleGAN3 inference on any GPU through wgpu.
//!
//! [`GpuContext`] holds a device (headless, or the window's); [`GpuEngine`] builds every GPU
//! buffer of a generator once and then renders a frame per request into an `Rgba8Unorm` texture
//! that the window can show without a read-back. The kernels live in `shaders/compute/*.wgsl`,
//! one per file, each runnable alone through [`ops`].

mod context;
pub mod ops;
mod pipelines;
mod step;

pub use context::{DEFAULT_TIMEOUT, GpuContext, device_descriptor, supports_compute};

mod arena;
mod builder;
mod engine;
mod layer_slot;
mod mapping_plan;
mod network;
mod noise_slot;
mod requirements;
mod sg2_plan;
mod sg3_plan;

pub mod bench;

pub use engine::GpuEngine;
pub use requirements::{check_support, largest_buffer};
