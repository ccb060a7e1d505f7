//! The desktop window (eframe/egui on wgpu).
