//! The WGSL colour mapping of the FFT view (`shaders/spectrum_colormap.wgsl`) against the CPU
//! reference, on the fixture layers' spectra (software Vulkan in CI: mesa lavapipe).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gpu")]

mod common;

use candle_core::Tensor;
use stylescope::analysis::sticking::FloatImage;
use stylescope::analysis::sticking::spectrum::power_spectrum_db;
use stylescope::analysis::sticking::viridis;
use stylescope::gpu::spectrum_colormap::SpectrumColormap;

#[test]
fn the_shader_colours_fixture_spectra_as_the_cpu_reference() {
    let dir = require_fixture!("sg3t_64");
    let gpu = SpectrumColormap::new().expect("a wgpu adapter (install mesa-vulkan-drivers for lavapipe)");
    eprintln!("adapter: {}", gpu.adapter_name());
    for layer in ["layer_L4_52_32", "layer_L12_84_16", "layer_output"] {
        let img = FloatImage::from_tensor(&Tensor::read_npy(dir.join(format!("{layer}.npy"))).unwrap(), 0).unwrap();
        let spec = power_spectrum_db(&img, 8.0).unwrap();
        for range in [50.0f32, 10.0, 100.0] {
            let cpu = spec.to_raster(range as f64).unwrap();
            let levels: Vec<f32> = spec.db.iter().map(|&d| d as f32).collect();
            let ours = gpu.colour(&levels, spec.width, spec.height, range).unwrap();
            let differ = cpu.pixels.iter().zip(&ours.pixels).filter(|(a, b)| a != b).count();
            assert_eq!(differ, 0, "{layer} ±{range} dB: {differ} bytes differ");
        }
    }
    // Edges: the range ends, beyond them, infinities and NaN.
    let levels = [-50.0f32, 50.0, -1e9, 1e9, f32::NEG_INFINITY, f32::INFINITY, f32::NAN, 0.0];
    let ours = gpu.colour(&levels, levels.len(), 1, 50.0).unwrap();
    for (i, &l) in levels.iter().enumerate() {
        assert_eq!(ours.pixels[i * 3..i * 3 + 3], viridis::colour_db(l, 50.0), "level {l}");
    }
    assert_eq!(ours.pixels[0..3], [68, 1, 84]);
    assert_eq!(ours.pixels[3..6], [253, 231, 37]);
}
