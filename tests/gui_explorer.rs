//! The explorer window driven through its UI (egui_kittest) with a synthetic render engine:
//! opening files (typed path, drop, broken file), seed changes, linked and unlinked side-by-side
//! views, StyleGAN2-disabled equivariance controls, a slow render that does not stop the UI,
//! texture reuse, difference view, capture, shortcuts and persisted settings.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::{fake_image, fake_loader, fake_network, temp_dir, wait_until};
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::panels;
use stylescope::gui::settings::Settings;
use stylescope::gui::startup::StartSource;
use stylescope::gui::{AppOptions, Command, Side};

fn options(files: Vec<PathBuf>) -> (AppOptions, Arc<AtomicUsize>) {
    let renders = Arc::new(AtomicUsize::new(0));
    let mut o = AppOptions::new(fake_loader(Arc::clone(&renders)));
    o.files = files;
    (o, renders)
}

fn harness(options: AppOptions) -> Harness<'static, ExplorerApp> {
    Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, options).expect("app"))
}

/// Steps until the view has an image of `version` or newer.
fn wait_image(h: &mut Harness<'_, ExplorerApp>, side: Side, version: u64) {
    wait_until(Duration::from_secs(20), "a rendered image", || {
        h.step();
        h.state().view(side).image_version >= version && !h.state().view(side).busy()
    });
}

fn type_path(h: &mut Harness<'_, ExplorerApp>, path: &Path) {
    h.get_by_label(panels::network::PATH_FIELD).focus();
    h.step();
    h.get_by_label(panels::network::PATH_FIELD).type_text(&path.display().to_string());
    h.step();
    h.key_press(Key::Enter);
    h.step();
}

#[test]
fn typed_path_opens_a_network_and_a_seed_change_renders_a_new_image() {
    let dir = temp_dir("gui-open");
    let net = fake_network(&dir, "net.fake", "sg2", 32, 0);
    let (o, _) = options(vec![]);
    let mut h = harness(o);
    h.step();
    assert_eq!(h.state().start_source, StartSource::Welcome);
    assert!(h.query_by_label(panels::welcome::TITLE).is_some(), "welcome view");

    type_path(&mut h, &net);
    wait_image(&mut h, Side::Left, 1);
    let info = h.state().view(Side::Left).info().cloned().expect("loaded");
    let first = h.state().view(Side::Left).image.clone().expect("image");
    assert_eq!(*first, fake_image(&info, &h.state().controls(Side::Left).request(&info)));
    assert_eq!(h.state().settings.recent, vec![net.clone()]);

    // Change the seed through the Seed field.
    h.get_by_label(panels::latent::SEED).set_value_accesskit(85.0);
    h.step();
    assert_eq!(h.state().controls(Side::Left).plane.seed(), 85);
    wait_image(&mut h, Side::Left, 2);
    let second = h.state().view(Side::Left).image.clone().expect("image");
    assert_ne!(first, second, "a new seed gives a new image");
    assert_eq!(second.width, 32);
    assert_eq!(*second, fake_image(&info, &h.state().controls(Side::Left).request(&info)));
    assert_eq!(h.state().controls(Side::Left).request(&info).seeds[0].seed, 85);
}

#[test]
fn loading_is_shown_while_the_worker_opens_the_file() {
    // The fake loader is instant, so check the state right after the command, before any poll.
    let dir = temp_dir("gui-loading");
    let net = fake_network(&dir, "net.fake", "sg3", 16, 0);
    let (o, _) = options(vec![]);
    let mut h = harness(o);
    h.state_mut().execute(Command::Open { side: Side::Left, path: net.clone() });
    assert!(h.state().view(Side::Left).is_loading());
    h.step();
    // Either still loading (the overlay says so) or already loaded.
    let loading = h.state().view(Side::Left).is_loading();
    if loading {
        assert!(h.query_by_label("Loading net.fake …").is_some());
    }
    wait_image(&mut h, Side::Left, 1);
}

#[test]
fn a_broken_file_shows_its_error_in_the_view_and_the_app_keeps_running() {
    let dir = temp_dir("gui-broken");
    let broken = dir.join("broken.pkl");
    std::fs::write(&broken, b"\x80\x04\x95 not really a pickle").unwrap();
    let good = fake_network(&dir, "good.fake", "sg2", 16, 0);
    let (o, _) = options(vec![broken.clone()]);
    let mut h = harness(o);
    wait_until(Duration::from_secs(10), "the load error", || {
        h.step();
        !h.state().view(Side::Left).is_loading()
    });
    h.step();
    let shown = h.get_by_label_contains("Could not open the network.");
    // A label keeps its text in the AccessKit value.
    let text = shown.accesskit_node().value().unwrap_or_default();
    assert!(text.contains("broken.pkl") && text.contains("not a network"), "{text}");

    // Still alive: open a good file in the same view.
    type_path(&mut h, &good);
    wait_image(&mut h, Side::Left, 1);
    assert!(h.query_by_label_contains("Could not open the network.").is_none());
}

#[test]
fn stylegan2_and_stylegan3_side_by_side_with_linked_seeds() {
    let dir = temp_dir("gui-compare");
    let sg2 = fake_network(&dir, "sg2.fake", "sg2", 32, 0);
    let sg3 = fake_network(&dir, "sg3.fake", "sg3", 32, 0);
    let (o, _) = options(vec![sg2, sg3]);
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    assert!(h.state().settings.compare && h.state().settings.linked);

    h.key_press(Key::ArrowRight);
    h.key_press(Key::ArrowRight);
    h.step();
    wait_image(&mut h, Side::Left, 2);
    wait_image(&mut h, Side::Right, 2);
    for side in Side::BOTH {
        let app = h.state();
        let info = app.view(side).info().unwrap();
        let req = app.controls(side).request(info);
        assert_eq!(req.seeds[0].seed, 2, "{side:?}");
        assert_eq!(**app.view(side).image.as_ref().unwrap(), fake_image(info, &req));
    }
    // The StyleGAN3 view gets the transform, the StyleGAN2 view does not.
    let app = h.state();
    assert!(app.controls(Side::Right).request(app.view(Side::Right).info().unwrap()).input_transform.is_some());
    assert!(app.controls(Side::Left).request(app.view(Side::Left).info().unwrap()).input_transform.is_none());

    // Unlink: each view keeps its own seed.
    h.get_by_label("Link controls").click();
    h.step();
    assert!(!h.state().settings.linked);
    // Move the pointer away first: the tooltip of "Link controls" covers the row below it.
    h.remove_cursor();
    h.step();
    h.get_by_label("Right").click();
    h.step();
    assert_eq!(h.state().active, Side::Right);
    h.get_by_label(panels::latent::SEED).set_value_accesskit(40.0);
    h.step();
    wait_image(&mut h, Side::Right, 3);
    assert_eq!(h.state().controls(Side::Left).plane.seed(), 2);
    assert_eq!(h.state().controls(Side::Right).plane.seed(), 40);
}

#[test]
fn equivariance_controls_are_disabled_for_stylegan2_with_a_reason() {
    let dir = temp_dir("gui-equivariance");
    let sg2 = fake_network(&dir, "sg2.fake", "sg2", 16, 0);
    let sg3 = fake_network(&dir, "sg3.fake", "sg3", 16, 0);
    let (o, _) = options(vec![sg2]);
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    for label in [panels::equivariance::TRANSLATE_X, panels::equivariance::ROTATE, panels::equivariance::UNTRANSFORM] {
        assert!(h.get_by_label(label).accesskit_node().is_disabled(), "{label} should be disabled for StyleGAN2");
    }
    assert!(h.get_by_label("Pseudo-align").accesskit_node().is_disabled());
    // Hovering the disabled controls says why.
    h.get_by_label(panels::equivariance::UNTRANSFORM).hover();
    h.run_steps(6);
    assert!(h.query_by_label_contains("StyleGAN2 has no input transform").is_some(), "tooltip");
    // Setting a translation on StyleGAN2 never reaches its requests.
    h.state_mut().settings.shared.eq.x = 0.25;
    h.step();
    let app = h.state();
    assert!(app.controls(Side::Left).request(app.view(Side::Left).info().unwrap()).input_transform.is_none());

    type_path(&mut h, &sg3);
    wait_image(&mut h, Side::Left, 2); // image versions count on across networks
    assert_eq!(h.state().view(Side::Left).info().unwrap().family, "StyleGAN3-T");
    for label in [panels::equivariance::TRANSLATE_X, panels::equivariance::ROTATE, panels::equivariance::UNTRANSFORM] {
        assert!(!h.get_by_label(label).accesskit_node().is_disabled(), "{label} should be enabled for StyleGAN3");
    }
    h.get_by_label(panels::equivariance::TRANSLATE_X).set_value_accesskit(0.125);
    h.step();
    wait_image(&mut h, Side::Left, 3);
    let app = h.state();
    let req = app.controls(Side::Left).request(app.view(Side::Left).info().unwrap());
    assert_eq!(req.input_transform.map(|m| m[0][2]), Some(0.125));
}

#[test]
fn the_ui_keeps_answering_while_a_slow_network_renders() {
    let dir = temp_dir("gui-slow");
    let slow = fake_network(&dir, "slow.fake", "sg2", 16, 1500);
    let (o, renders) = options(vec![slow]);
    let mut h = harness(o);
    wait_until(Duration::from_secs(10), "the slow network to load", || {
        h.step();
        h.state().view(Side::Left).busy()
    });
    // The render takes 1.5 s. Meanwhile, frames keep coming and input takes effect at once.
    let start = Instant::now();
    let mut frames = 0;
    let mut longest = Duration::ZERO;
    while h.state().view(Side::Left).image.is_none() && start.elapsed() < Duration::from_secs(1) {
        let t = Instant::now();
        h.step();
        longest = longest.max(t.elapsed());
        frames += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(h.state().view(Side::Left).busy(), "the render is still running");
    assert!(frames >= 10, "only {frames} frames in one second of rendering");
    assert!(longest < Duration::from_millis(500), "a frame took {longest:?}: the UI waited for the render");
    assert!(h.query_by_label("Rendering …").is_some());
    h.get_by_label("Compare").click();
    h.step();
    assert!(h.state().settings.compare, "a click during the render took effect in the next frame");
    // Several seed changes during the render: only the newest one is rendered next.
    for _ in 0..5 {
        h.key_press(Key::ArrowRight);
        h.step();
    }
    wait_until(Duration::from_secs(20), "the newest render", || {
        h.step();
        h.state().view(Side::Left).image_version >= 2 && !h.state().view(Side::Left).busy()
    });
    assert_eq!(renders.load(Ordering::SeqCst), 2, "the first render and the newest; the rest superseded");
    assert_eq!(h.state().view(Side::Left).worker().superseded(), 4);
    let app = h.state();
    let info = app.view(Side::Left).info().unwrap();
    assert_eq!(
        **app.view(Side::Left).image.as_ref().unwrap(),
        fake_image(info, &app.controls(Side::Left).request(info))
    );
}

/// The wgpu test renderer, counting full (allocating) and partial (in-place) texture updates.
struct CountingRenderer {
    inner: egui_kittest::wgpu::WgpuTestRenderer,
    updates: Arc<std::sync::Mutex<Vec<(egui::TextureId, bool)>>>,
}

impl egui_kittest::TestRenderer for CountingRenderer {
    fn setup_eframe(&self, cc: &mut eframe::CreationContext<'_>, frame: &mut eframe::Frame) {
        self.inner.setup_eframe(cc, frame);
    }
    fn handle_delta(&mut self, delta: &mut egui::TexturesDelta) {
        let mut u = self.updates.lock().unwrap();
        for (id, images) in &delta.set {
            for image in images {
                u.push((*id, image.pos.is_none()));
            }
        }
        drop(u);
        self.inner.handle_delta(delta);
    }
    fn render(&mut self, ctx: &egui::Context, output: &egui::FullOutput) -> Result<image::RgbaImage, String> {
        self.inner.render(ctx, output)
    }
}

#[test]
fn same_size_images_reuse_one_gpu_texture() {
    let dir = temp_dir("gui-texture");
    let net = fake_network(&dir, "net.fake", "sg2", 24, 0);
    let (o, _) = options(vec![net]);
    let render_state = egui_kittest::wgpu::create_render_state(
        egui_kittest::wgpu::default_wgpu_setup(),
        egui_wgpu::RendererOptions::PREDICTABLE,
    );
    let updates = Arc::new(std::sync::Mutex::new(Vec::new()));
    let renderer = CountingRenderer {
        inner: egui_kittest::wgpu::WgpuTestRenderer::from_render_state(render_state.clone()),
        updates: Arc::clone(&updates),
    };
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .renderer(renderer)
        .build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"));
    wait_image(&mut h, Side::Left, 1);
    let id = h.state().view(Side::Left).texture.id().unwrap();
    let gpu_texture = |rs: &egui_wgpu::RenderState| rs.renderer.read().texture(&id).and_then(|t| t.texture.clone());
    let first = gpu_texture(&render_state).expect("the image is on the GPU");
    for i in 2..=5 {
        h.key_press(Key::ArrowRight);
        wait_image(&mut h, Side::Left, i);
        h.step();
        assert!(gpu_texture(&render_state).as_ref() == Some(&first), "frame {i} got a new GPU texture");
    }
    let ours: Vec<bool> = updates.lock().unwrap().iter().filter(|(t, _)| *t == id).map(|(_, full)| *full).collect();
    assert_eq!(ours, vec![true, false, false, false, false], "one allocation, then in-place writes");
    let t = &h.state().view(Side::Left).texture;
    assert_eq!((t.allocations(), t.uploads()), (1, 5));
}

#[test]
fn difference_view_compares_same_size_images() {
    let dir = temp_dir("gui-difference");
    let a = fake_network(&dir, "a.fake", "sg2", 16, 0);
    let b = fake_network(&dir, "b.fake", "sg2", 16, 0);
    let c = fake_network(&dir, "c.fake", "sg2", 20, 0);
    let (o, _) = options(vec![a, b]);
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    h.get_by_label(panels::display::DIFFERENCE).click();
    h.step();
    h.step();
    let d = h.state().difference.result.clone().expect("difference");
    assert_eq!((d.heatmap.width, d.max), (16, 0), "same network, same seed: no difference");

    h.state_mut().execute(Command::SetLinked(false));
    h.state_mut().settings.own[1].plane.set_seed(9);
    wait_image(&mut h, Side::Right, 2);
    h.step();
    let d = h.state().difference.result.clone().expect("difference");
    assert!(d.max > 0 && d.mean > 0.0);

    h.state_mut().execute(Command::Open { side: Side::Right, path: c });
    wait_image(&mut h, Side::Right, 3);
    h.step();
    assert!(h.state().difference.result.is_none());
    assert!(h.query_by_label_contains("The images differ in size").is_some());
}

#[test]
fn capture_saves_pngs_and_copies() {
    let dir = temp_dir("gui-capture");
    let a = fake_network(&dir, "a.fake", "sg2", 16, 0);
    let b = fake_network(&dir, "b.fake", "sg3", 16, 0);
    let (mut o, _) = options(vec![a, b]);
    let shots = dir.join("shots");
    o.settings = Some(Settings { capture_dir: shots.clone(), ..Default::default() });
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    let single = image::open(shots.join("00001.png")).expect("saved image").to_rgb8();
    assert_eq!(single.dimensions(), (16, 16));
    assert_eq!(single.as_raw(), &h.state().view(Side::Left).image.as_ref().unwrap().pixels);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.step();
    let both = image::open(shots.join("00002-compare.png")).expect("saved composite").to_rgb8();
    assert_eq!(both.dimensions(), (16 + 4 + 16, 16));
    assert!(h.state().message.as_deref().unwrap_or("").contains("00002-compare.png"));

    // One event per frame, so that this frame's output still holds the copy command.
    h.event(egui::Event::Key {
        key: Key::C,
        pressed: true,
        modifiers: Modifiers::COMMAND | Modifiers::SHIFT,
        repeat: false,
        physical_key: None,
    });
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .any(|c| matches!(c, egui::OutputCommand::CopyImage(img) if img.size == [16, 16]));
    assert!(copied, "copy puts the image on the clipboard");
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_file_on_a_view_opens_it_there() {
    let dir = temp_dir("gui-drop");
    let a = fake_network(&dir, "a.fake", "sg2", 16, 0);
    let b = fake_network(&dir, "b.fake", "sg3", 16, 0);
    let (o, _) = options(vec![a]);
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    h.state_mut().execute(Command::SetCompare(true));
    h.step();
    let right = h.state().pane_rects[1].expect("right pane");
    h.hover_at(right.center());
    h.input_mut().dropped_files.push(Arc::new(Dropped(b.clone())));
    h.step();
    wait_image(&mut h, Side::Right, 1);
    assert_eq!(h.state().view(Side::Right).path(), Some(b.as_path()));
    assert_eq!(h.state().view(Side::Left).info().unwrap().family, "StyleGAN2");
}

#[test]
fn dragging_on_the_image_moves_on_the_seed_plane_and_the_cursor_reads_pixels() {
    let dir = temp_dir("gui-drag");
    let net = fake_network(&dir, "net.fake", "sg2", 64, 0);
    let (o, _) = options(vec![net]);
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    let pane = h.state().pane_rects[0].unwrap();
    let c = pane.center();
    h.hover_at(c);
    h.step();
    let r = h.state().readout.expect("pixel read-out");
    let img = h.state().view(Side::Left).image.clone().unwrap();
    assert_eq!(Some(r.rgba), img.rgba_at(r.x, r.y));
    assert!(r.x.abs_diff(32) <= 1 && r.y.abs_diff(32) <= 1, "the centre of a fitted image: {r:?}");

    h.drag_at(c);
    h.step();
    h.hover_at(c + vec2(70.0, 0.0));
    h.step();
    h.drop_at(c + vec2(70.0, 0.0));
    h.step();
    let x = h.state().controls(Side::Left).plane.x;
    assert!(x > 0.05, "dragging right moves along x (x = {x})");

    // The wheel zooms about the cursor and leaves fit mode; F fits again.
    h.hover_at(c);
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: vec2(0.0, 120.0),
        modifiers: Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    h.run_steps(3);
    assert!(!h.state().zoom.fit);
    h.key_press(Key::F);
    h.step();
    assert!(h.state().zoom.fit);
}

#[test]
fn shortcuts_act_and_are_listed_in_help() {
    let dir = temp_dir("gui-shortcuts");
    let net = fake_network(&dir, "net.fake", "sg2", 16, 0);
    let (o, _) = options(vec![net]);
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    h.key_press(Key::ArrowDown);
    h.key_press(Key::ArrowRight);
    h.step();
    assert_eq!(h.state().controls(Side::Left).plane.seed(), 101);
    h.key_press(Key::Space);
    h.step();
    assert!(h.state().controls(Side::Left).latent_anim);
    h.key_press(Key::Space);
    h.key_press(Key::N);
    h.step();
    assert!(!h.state().controls(Side::Left).latent_anim);
    assert!(!h.state().settings.nearest);
    h.key_press(Key::F1);
    h.step();
    h.step();
    assert!(h.state().help_open);
    assert!(!h.query_all_by_label(panels::help::TITLE).collect::<Vec<_>>().is_empty());
    assert!(h.query_by_label("Save the side-by-side image (PNG)").is_some());
    // Keys without Ctrl do nothing while typing in a text field.
    h.get_by_label(panels::network::PATH_FIELD).focus();
    h.step();
    h.key_press(Key::ArrowRight);
    h.step();
    assert_eq!(h.state().controls(Side::Left).plane.seed(), 101);
}

#[derive(Default)]
struct Memory(std::collections::HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn settings_persist_and_the_last_session_reopens() {
    let dir = temp_dir("gui-persist");
    let a = fake_network(&dir, "a.fake", "sg2", 16, 0);
    let b = fake_network(&dir, "b.fake", "sg3", 16, 0);
    let (o, _) = options(vec![a.clone(), b.clone()]);
    let mut h = harness(o);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    h.get_by_label(panels::latent::SEED).set_value_accesskit(123.0);
    h.key_press(Key::N);
    h.step();
    let mut storage = Memory::default();
    eframe::App::save(h.state_mut(), &mut storage);
    drop(h);

    let saved: Settings = eframe::get_value(&storage, Settings::KEY).expect("settings stored");
    let (mut o, _) = options(vec![]);
    o.settings = Some(saved);
    let mut h = harness(o);
    assert_eq!(h.state().start_source, StartSource::LastSession);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    let app = h.state();
    assert_eq!(app.view(Side::Left).path(), Some(a.as_path()));
    assert_eq!(app.view(Side::Right).path(), Some(b.as_path()));
    assert!(app.settings.compare && !app.settings.nearest);
    assert_eq!(app.controls(Side::Left).plane.seed(), 123);
    assert_eq!(app.settings.recent.len(), 2);
}

#[test]
fn open_dialog_runs_off_the_ui_thread() {
    let dir = temp_dir("gui-dialog");
    let net = fake_network(&dir, "net.fake", "sg2", 16, 0);
    let (mut o, _) = options(vec![]);
    let picked = net.clone();
    o.pick_file = Some(Arc::new(move || {
        std::thread::sleep(Duration::from_millis(200)); // a user choosing a file
        Some(picked.clone())
    }));
    let mut h = harness(o);
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    let t = Instant::now();
    h.step();
    assert!(t.elapsed() < Duration::from_millis(200), "the dialog must not block the frame");
    wait_image(&mut h, Side::Left, 1);
    assert_eq!(h.state().view(Side::Left).path(), Some(net.as_path()));
}

#[test]
fn builtin_models_open_when_no_file_is_given() {
    let dir = temp_dir("gui-assets");
    let assets = dir.join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    fake_network(&assets, "stylegan2.safetensors", "sg2", 16, 0);
    fake_network(&assets, "stylegan3.safetensors", "sg3", 16, 0);
    let (mut o, _) = options(vec![]);
    o.assets_dir = Some(assets);
    let mut h = harness(o);
    assert_eq!(h.state().start_source, StartSource::Assets);
    wait_image(&mut h, Side::Left, 1);
    wait_image(&mut h, Side::Right, 1);
    assert!(h.state().settings.compare);
    assert_eq!(h.state().view(Side::Right).info().unwrap().family, "StyleGAN3-T");
}

#[test]
fn the_readme_lists_every_shortcut() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for s in stylescope::gui::shortcuts::SHORTCUTS {
        let row = format!("| {} | {} |", stylescope::gui::shortcuts::keys_text(s), s.description);
        assert!(readme.contains(&row), "README.md lacks the shortcut row `{row}`");
    }
}
