//! wgpu: WGSL compute for the generators and the image display. Serves the window and the render
//! worker.
//!
//! - [`compute`]: the generators on the GPU (WGSL compute engine).
//! - [`spectrum_colormap`]: the FFT view's dB → viridis mapping (`shaders/spectrum_colormap.wgsl`).

pub mod compute;
pub mod spectrum_colormap;
