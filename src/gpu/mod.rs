//! wgpu: WGSL compute for the generators and the image display. Serves the window and the render
//! worker.
//!
//! - [`spectrum_colormap`]: the FFT view's dB → viridis mapping (`shaders/spectrum_colormap.wgsl`).

pub mod spectrum_colormap;
