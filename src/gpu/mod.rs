//! wgpu: WGSL compute for the generators and the image display. Serves the window and the render
//! worker.

pub mod compute;
