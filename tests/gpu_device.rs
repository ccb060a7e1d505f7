//! The GPU engine's behaviour around the device: clear errors for adapters that cannot hold a
//! network, for bad input, for lost devices; the engine can move to a render worker thread.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on failure (clippy.toml)
#![cfg(feature = "gpu")]

mod gpu_common;

use stylescope::Error;
use stylescope::gpu::compute::bench::BenchFamily;
use stylescope::gpu::compute::{GpuContext, GpuEngine, check_support, largest_buffer};
use stylescope::nn::{Capture, SynthesisOptions};

/// A tiny StyleGAN3-T (16², channel base and max / 32, random weights): quick on lavapipe.
fn small_sg3() -> (stylescope::nn::config::GeneratorConfig, stylescope::nn::Weights) {
    BenchFamily::StyleGan3T.network_scaled(16, 3, 32).unwrap()
}

#[test]
fn the_engine_can_move_to_a_worker_thread() {
    fn send<T: Send + 'static>() {}
    send::<GpuEngine>();
    send::<GpuContext>();
}

#[test]
fn an_adapter_with_small_storage_buffers_gets_a_clear_message() {
    let ctx = require_gpu!();
    // A device limited to 1 MiB storage bindings, as a weak adapter would be.
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
    let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
        force_fallback_adapter: ctx.is_software(),
        ..Default::default()
    }))
    .unwrap();
    let limits = wgpu::Limits { max_storage_buffer_binding_size: 1 << 20, ..adapter.limits() };
    let (device, queue) = pollster::block_on(
        adapter.request_device(&wgpu::DeviceDescriptor { required_limits: limits, ..Default::default() }),
    )
    .unwrap();
    let small = GpuContext::from_device(device, queue);
    let (config, weights) = BenchFamily::StyleGan3T.network(256, 1).unwrap();
    let (len, what) = largest_buffer(&config);
    assert!(4 * len > 1 << 20, "{what}");
    let err = check_support(&small, &config).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Gpu(_)), "{msg}");
    assert!(msg.contains("MiB") && msg.contains(&what) && msg.contains("CPU engine"), "{msg}");
    let err = GpuEngine::new(&small, &config, &weights).unwrap_err();
    assert!(err.to_string().contains("CPU engine"), "{err}");
    // The same network's small sibling fits.
    let (config, weights) = small_sg3();
    GpuEngine::new(&small, &config, &weights).unwrap();
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let ctx = require_gpu!();
    let (config, weights) = small_sg3();
    let mut engine = GpuEngine::new(&ctx, &config, &weights).unwrap();
    let n = config.num_ws() * config.w_dim();
    let opts = SynthesisOptions::default();
    assert!(matches!(engine.render(&vec![0.0; n - 1], &opts), Err(Error::Invalid(_))));
    let mut ws = vec![0.1; n];
    ws[5] = f32::NAN;
    let err = engine.render(&ws, &opts).unwrap_err();
    assert!(err.to_string().contains("ws[5]"), "{err}");
    let singular = SynthesisOptions {
        input_transform: Some([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
        ..Default::default()
    };
    assert!(engine.render(&vec![0.1; n], &singular).unwrap_err().to_string().contains("singular"));
    let unknown = SynthesisOptions { capture: Capture::Until("L99".into()), ..Default::default() };
    assert!(engine.render(&vec![0.1; n], &unknown).unwrap_err().to_string().contains("no layer `L99`"));
    let layer = engine.layer_names()[3].0.clone();
    assert!(engine.read_back_layer(&layer).unwrap_err().to_string().contains("not captured"));
    assert!(engine.mapping(&[0.0; 3], None, 1.0, None).is_err());
    // After all that, it still renders.
    engine.render(&vec![0.1; n], &opts).unwrap();
    let img = engine.read_back_image().unwrap();
    assert_eq!(img.dims(), &[1, 3, 16, 16]);
    let v = img.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    assert!(v.iter().all(|x| x.is_finite()) && v.iter().any(|x| *x != 0.0));
}

#[test]
fn capture_until_stops_at_the_layer_and_keeps_the_texture() {
    let ctx = require_gpu!();
    let (config, weights) = small_sg3();
    let mut engine = GpuEngine::new(&ctx, &config, &weights).unwrap();
    let n = config.num_ws() * config.w_dim();
    let ws: Vec<f32> = (0..n).map(|i| ((i % 17) as f32 - 8.0) / 8.0).collect();
    engine.render(&ws, &SynthesisOptions { capture: Capture::All, ..Default::default() }).unwrap();
    let names = engine.layer_names();
    let (mid, shape) = names[5].clone();
    let all = engine.read_back_layer(&mid).unwrap();
    let rgba = engine.read_back_rgba().unwrap();
    engine.render(&ws, &SynthesisOptions { capture: Capture::Until(mid.clone()), ..Default::default() }).unwrap();
    let until = engine.read_back_layer(&mid).unwrap();
    assert_eq!(until.dims(), &[1, shape[0], shape[1], shape[2]]);
    let (a, b) =
        (all.flatten_all().unwrap().to_vec1::<f32>().unwrap(), until.flatten_all().unwrap().to_vec1::<f32>().unwrap());
    assert_eq!(a, b, "the same layer from a full and a stopped forward");
    assert!(engine.read_back_image().is_err(), "the image is stale after a stopped forward");
    assert!(engine.read_back_layer(&names[6].0).is_err(), "only the named layer is copied");
    engine.render(&ws, &SynthesisOptions::default()).unwrap();
    assert_eq!(engine.read_back_rgba().unwrap(), rgba);
}

#[test]
fn a_lost_device_is_reported_and_nothing_hangs() {
    let ctx = require_gpu!();
    let (config, weights) = small_sg3();
    let mut engine = GpuEngine::new(&ctx, &config, &weights).unwrap();
    let n = config.num_ws() * config.w_dim();
    engine.render(&vec![0.1; n], &SynthesisOptions::default()).unwrap();
    ctx.device().destroy();
    let _ = ctx.device().poll(wgpu::PollType::Poll);
    let err = engine.render(&vec![0.1; n], &SynthesisOptions::default()).unwrap_err();
    assert!(matches!(err, Error::DeviceLost(_)), "{err}");
    assert!(matches!(ctx.check(), Err(Error::DeviceLost(_))));
    assert!(engine.read_back_image().is_err());
}
