//! The explorer with the GPU engine: NVIDIA's fixture networks open on the WGSL compute engine,
//! which shares the window's wgpu device (software Vulkan here); the frame is painted from the
//! engine's own texture (registered with egui-wgpu, no read-back), and what the window shows
//! matches the CPU engine within one level of the 8-bit image. Also: the CPU fallback with its
//! one-line reason, and the layer read-back of the GPU render engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use candle_core::Device;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_support::wait_until;
use stylescope::gpu::compute::GpuContext;
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::{AppOptions, Command, Side, panels};
use stylescope::jobs::RenderEngine;
use stylescope::jobs::engine_switch::EngineChoice;
use stylescope::jobs::generator_engine::{GeneratorEngine, GeneratorLoader};
use stylescope::jobs::gpu_generator_engine::GpuGeneratorEngine;
use stylescope::jobs::request::RenderRequest;
use stylescope::nn::{Capture, SynthesisOptions};
use stylescope::raster::Raster;

fn harness(files: Vec<PathBuf>, wgpu: bool) -> Harness<'static, ExplorerApp> {
    let mut o = AppOptions::new(GeneratorLoader::default().shared());
    o.files = files;
    o.gpu_engine = true;
    let b = Harness::builder().with_size(vec2(1000.0, 640.0));
    let b = if wgpu { b.wgpu() } else { b };
    b.build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"))
}

/// Steps until every open view shows an image of the current network and nothing is pending.
fn settle(h: &mut Harness<'_, ExplorerApp>) {
    wait_until(Duration::from_secs(300), "the views to render", || {
        h.step();
        let views = &h.state().views;
        for v in views {
            assert!(v.render_error.is_none(), "render failed: {:?}", v.render_error);
            if let stylescope::gui::view::ViewStatus::Failed { error, .. } = &v.status {
                panic!("load failed: {error}");
            }
        }
        views.iter().all(|v| v.path().is_none() || (v.info().is_some() && v.has_image() && !v.busy()))
    });
    h.remove_cursor();
    h.run_steps(3);
}

/// The screen pixels of `side`'s image as the window shows them.
fn shown(h: &mut Harness<'_, ExplorerApp>, side: Side) -> Raster {
    let shot = h.render().expect("render the window");
    let app = h.state();
    let size = app.view(side).texture.size();
    let pane = app.pane_rects[side.index()].expect("pane");
    let body = egui::Rect::from_min_max(pane.min + vec2(0.0, 22.0), pane.max);
    let rect = app.zoom.image_rect(body, size);
    let ppp = h.ctx.pixels_per_point();
    let (x0, y0) = ((rect.min.x * ppp).round() as u32, (rect.min.y * ppp).round() as u32);
    let (w, hh) = ((rect.width() * ppp).round() as u32, (rect.height() * ppp).round() as u32);
    let mut pixels = Vec::with_capacity((w * hh * 3) as usize);
    for y in y0..y0 + hh {
        for x in x0..x0 + w {
            let p = shot.get_pixel(x, y);
            pixels.extend_from_slice(&p.0[..3]);
        }
    }
    Raster::new(w as usize, hh as usize, 3, pixels).unwrap()
}

fn max_level_difference(a: &Raster, b: &Raster) -> u8 {
    assert_eq!((a.width, a.height), (b.width, b.height));
    a.to_rgba().iter().zip(&b.to_rgba()).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0)
}

fn spread(r: &Raster) -> u8 {
    let (lo, hi) = r.pixels.iter().fold((255u8, 0u8), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    hi - lo
}

#[test]
fn gpu_engine_shows_fixture_networks_as_the_cpu_engine_does() {
    let (Some(sg2), Some(sg3)) = (common::fixture("sg2_64"), common::fixture("sg3t_64")) else {
        return;
    };
    let files = vec![sg2.join("network.pkl"), sg3.join("network.pkl")];
    let mut h = harness(files, true);
    h.state_mut().settings.shared.plane.set_seed(3);
    settle(&mut h);

    let engines = h.state().engines.clone().expect("the GPU engine is offered");
    assert_eq!(engines.choice(), EngineChoice::Gpu);
    assert_eq!(engines.note(), None, "the GPU engine runs on the window's device");
    assert!(engines.gpu_description().is_some());
    let mut on_gpu = Vec::new();
    for side in Side::BOTH {
        let v = h.state().view(side);
        let frame = v.frame.as_ref().expect("a GPU frame");
        assert_eq!((frame.width, frame.height), (64, 64));
        assert!(v.image.is_none(), "no read-back for display");
        assert_eq!(v.texture.native(), v.texture.id(), "the registered engine texture is what is painted");
        assert!(v.texture.native().is_some());
        let pixels = frame.read_pixels().unwrap();
        on_gpu.push((shown(&mut h, side), pixels));
    }

    h.state_mut().queue(Command::SetEngine(EngineChoice::Cpu));
    h.step();
    settle(&mut h);
    for (side, (gpu_shown, gpu_pixels)) in Side::BOTH.into_iter().zip(on_gpu) {
        let v = h.state().view(side);
        assert!(v.frame.is_none(), "the CPU engine has no GPU frame");
        let cpu_image = v.image.clone().expect("CPU pixels");
        let cpu_shown = shown(&mut h, side);
        if std::env::var_os("STYLESCOPE_DUMP").is_some() {
            h.render().unwrap().save(format!("/tmp/gpu-shot-{side:?}.png")).unwrap();
            cpu_shown.save_png(Path::new(&format!("/tmp/gpu-cpu-{side:?}.png"))).unwrap();
            gpu_shown.save_png(Path::new(&format!("/tmp/gpu-gpu-{side:?}.png"))).unwrap();
        }
        assert!(spread(&cpu_shown) > 30, "{side:?}: the window shows an image, not a flat area");
        let d_shown = max_level_difference(&gpu_shown, &cpu_shown);
        let d_pixels = max_level_difference(&gpu_pixels, &cpu_image);
        println!("{side:?}: shown GPU vs CPU max {d_shown} levels, engine textures max {d_pixels} levels");
        assert!(d_shown <= 1, "{side:?}: the shown GPU and CPU images differ by {d_shown} levels");
        assert!(d_pixels <= 1, "{side:?}: GPU texture and CPU image differ by {d_pixels} levels");
    }
}

#[test]
fn difference_view_and_save_work_with_gpu_frames() {
    let Some(sg3) = common::fixture("sg3r_64") else {
        return;
    };
    let file = sg3.join("network.pkl");
    let mut h = harness(vec![file.clone(), file], true);
    settle(&mut h);
    assert!(h.state().view(Side::Left).frame.is_some());
    h.state_mut().queue(Command::SetDifference(true));
    h.step();
    settle(&mut h);
    let d = h.state().difference.result.clone().expect("a difference from the GPU frames' pixels");
    assert_eq!(d.max, 0, "the same network and request on both sides");
    let dir = gui_support::temp_dir("gpu-save");
    h.state_mut().settings.capture_dir = dir.to_path_buf();
    h.state_mut().queue(Command::SaveImage(Side::Left));
    h.step();
    let saved: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(saved.len(), 1, "{:?}", h.state().message);
}

#[test]
fn without_a_wgpu_window_the_cpu_engine_renders_and_the_window_says_why() {
    let Some(sg2) = common::fixture("sg2_64") else {
        return;
    };
    let mut h = harness(vec![sg2.join("network.pkl")], false);
    settle(&mut h);
    let v = h.state().view(Side::Left);
    assert!(v.frame.is_none() && v.image.is_some(), "the CPU engine rendered");
    let note = h.state().engines.as_ref().unwrap().note().expect("a note");
    assert_eq!(note, "GPU engine unavailable: the window does not draw with wgpu; using the CPU engine");
    assert!(h.query_by_label(&note).is_some(), "the window shows the reason");
    assert!(h.query_by_label(panels::engine::LABEL).is_some());
    // Choosing the CPU engine reopens the file with it; the note goes.
    h.state_mut().queue(Command::SetEngine(EngineChoice::Cpu));
    h.step();
    assert_eq!(h.state().settings.engine, EngineChoice::Cpu);
    assert_eq!(h.state().engines.as_ref().unwrap().choice(), EngineChoice::Cpu);
    settle(&mut h);
    assert_eq!(h.state().engines.as_ref().unwrap().note(), None);
}

fn request(seed: u64) -> RenderRequest {
    RenderRequest {
        seeds: vec![stylescope::latent::seed_plane::SeedWeight { seed: seed as u32, weight: 1.0 }],
        psi: 0.7,
        ..RenderRequest::default()
    }
}

fn layer_matches_cpu(dir: &Path, layer: &str) {
    let ctx = GpuContext::headless().unwrap();
    let path = dir.join("network.pkl");
    let mut gpu = GpuGeneratorEngine::open(&path, &ctx, Arc::new(AtomicBool::new(false))).unwrap();
    let cpu = GeneratorEngine::open(&path, &Device::Cpu).unwrap();
    let req = request(5);
    let got = gpu.render_layer(&req, layer).unwrap();
    let ws = cpu.ws(&req).unwrap();
    let opts = SynthesisOptions { capture: Capture::Until(layer.to_string()), ..SynthesisOptions::default() };
    let want = cpu.generator().synthesis(&ws, &opts).unwrap().image;
    assert_eq!(got.dims(), want.dims(), "{layer}");
    let a = got.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let b = want.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let d = common::max_abs_diff(&a, &b);
    let scale = common::max_abs(&b).max(1.0);
    println!("{layer}: max |GPU − CPU| = {d:.2e} (max |CPU| {scale:.2})");
    assert!(d <= 1e-3 * scale, "{layer}: GPU and CPU differ by {d}");
    // The frame rendered afterwards is a full image again.
    let out = gpu.render(&req).unwrap();
    assert!(out.frame.is_some() && out.image.is_none());
}

#[test]
fn gpu_render_engine_reads_back_an_intermediate_layer_as_the_cpu_engine_computes_it() {
    if let Some(d) = common::fixture("sg2_64") {
        layer_matches_cpu(&d, "b16.conv1");
    }
    if let Some(d) = common::fixture("sg3t_64") {
        layer_matches_cpu(&d, "L4_52_32");
    }
}
