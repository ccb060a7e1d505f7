//! The desktop window (eframe/egui on wgpu): real-time exploration of one network or two side by
//! side (StyleGAN2 and StyleGAN3), with the latent, style-mix, truncation/noise and equivariance
//! controls of NVIDIA's visualizer. Networks run on render workers ([`crate::jobs::render`]);
//! this thread only draws.
//!
//! [`app::ExplorerApp`] is the `eframe::App`; [`run`] opens the native window.

pub mod actions;
pub mod analysis_options;
pub mod app;
pub mod capture;
pub mod command;
pub mod controls;
pub mod difference;
pub mod equivariance;
pub mod gpu_display;
pub mod image_view;
pub mod jobs;
pub mod metric_row;
pub mod panels;
pub mod perf;
pub mod settings;
pub mod shortcuts;
pub mod side;
pub mod startup;
pub mod texture;
pub mod train_dialog;
pub mod train_form;
pub mod train_plot;
pub mod train_ui;
pub mod train_view;
pub mod view;

use std::path::PathBuf;
use std::sync::Arc;

pub use app::ExplorerApp;
pub use command::Command;
pub use side::Side;
pub use startup::AppOptions;

use crate::jobs::EngineLoader;
use crate::{Error, Result};

/// Why there is no window here, when the environment has no display at all.
pub fn missing_display() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    (!set("DISPLAY") && !set("WAYLAND_DISPLAY")).then(|| {
        "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); \
         run it in a desktop session, or use the command line (`stylescope --help`)"
            .to_string()
    })
}

/// The "Open…" dialog (rfd; native portal or zenity on Linux). Runs on a background task.
fn native_file_dialog() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Open a network")
        .add_filter("Networks", &["pkl", "safetensors"])
        .add_filter("All files", &["*"])
        .pick_file()
}

/// Opens the window with `files` (left, right) using `loader` to open networks; returns when
/// the window closes.
pub fn run(files: Vec<PathBuf>, loader: Arc<dyn EngineLoader>) -> Result<()> {
    if let Some(why) = missing_display() {
        return Err(Error::Invalid(format!("cannot open the window: {why}")));
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("stylescope")
            .with_inner_size([1400.0, 860.0])
            .with_min_inner_size([640.0, 420.0])
            .with_drag_and_drop(true),
        renderer: eframe::Renderer::Wgpu,
        wgpu_options: wgpu_options(),
        persist_window: true,
        ..Default::default()
    };
    let app_options = AppOptions {
        files,
        loader,
        settings: None,
        assets_dir: startup::default_assets_dir(),
        pick_file: Some(Arc::new(native_file_dialog)),
        gpu_engine: true,
    };
    eframe::run_native(
        "stylescope",
        options,
        Box::new(move |cc| Ok(Box::new(ExplorerApp::new(cc, app_options)?) as Box<dyn eframe::App>)),
    )
    .map_err(|e| Error::Invalid(format!("cannot open the window: {}", one_line(&e.to_string()))))
}

/// eframe's wgpu setup with the device asking for the adapter's own limits, so that the GPU
/// engine can share the window's device with networks whose buffers exceed wgpu's defaults.
fn wgpu_options() -> egui_wgpu::WgpuConfiguration {
    let mut setup = egui_wgpu::WgpuSetupCreateNew::without_display_handle();
    setup.device_descriptor = Arc::new(|adapter| {
        let mut d = crate::gpu::compute::device_descriptor(adapter);
        d.label = Some("stylescope window device");
        d
    });
    egui_wgpu::WgpuConfiguration { wgpu_setup: egui_wgpu::WgpuSetup::CreateNew(setup), ..Default::default() }
}

/// A one-line reason from a window-system error: its first line, without the source location
/// winit puts before the operating system's message, plus the display it tried.
fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    let reason = first.rsplit(": ").next().unwrap_or(first);
    let display = std::env::var("WAYLAND_DISPLAY")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| format!("WAYLAND_DISPLAY={v}"))
        .or_else(|| std::env::var("DISPLAY").ok().map(|v| format!("DISPLAY={v}")));
    match display {
        Some(d) => format!("{reason} ({d})"),
        None => reason.to_string(),
    }
}
