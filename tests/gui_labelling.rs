//! The labelling view: thumbnails rendered as jobs (never on the UI thread) that a click labels
//! positive, negative, then clears; label files (a bad line shows the file and the line); and
//! "Train SVM" on a planted labelling, which adds a named slider with its held-out accuracy,
//! optionally conditioned on other sliders (and refuses a direction inside their span).
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use candle_core::Device;
use egui::accesskit::Role;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::{fake_loader, fake_network, temp_dir, wait_until};
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::directions::labelling::{self, counts_text, seed_label};
use stylescope::gui::{AppOptions, Side};
use stylescope::jobs::EngineLoader;
use stylescope::jobs::generator_engine::GeneratorLoader;
use stylescope::latent::directions::{GanSpace, GanSpaceSettings};

fn harness(loader: Arc<dyn EngineLoader>, files: Vec<std::path::PathBuf>) -> Harness<'static, ExplorerApp> {
    let mut o = AppOptions::new(loader);
    o.files = files;
    let mut h = Harness::builder()
        .with_size(vec2(1300.0, 1400.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"));
    wait_until(Duration::from_secs(120), "the network to load", || {
        h.step();
        h.state().view(Side::Left).image_version >= 1
    });
    h
}

/// Opens the Directions section and, from it, the labelling window; waits for the thumbnails.
fn open_labelling(h: &mut Harness<'_, ExplorerApp>) {
    h.get_by_label(stylescope::gui::panels::controls_pane::DIRECTIONS).click();
    h.run_steps(2);
    h.get_by_label(labelling::OPEN).click();
    h.run_steps(2);
    wait_until(Duration::from_secs(120), "the thumbnails", || {
        h.step();
        let l = &h.state().directions.labelling;
        assert!(l.error.is_none(), "labelling error: {:?}", l.error);
        l.thumbnails.len() == 16 && l.thumbnails.iter().all(|(_, t)| t.is_some())
    });
    h.run_steps(2);
}

fn counts_shown(h: &Harness<'_, ExplorerApp>, pos: usize, neg: usize) {
    assert!(h.query_by_label(&counts_text(pos, neg)).is_some(), "the window does not show {}", counts_text(pos, neg));
}

#[test]
fn clicking_thumbnails_labels_them_and_pages_move_on() {
    let tmp = temp_dir("gui-labelling-click");
    let renders = Arc::new(AtomicUsize::new(0));
    let net = fake_network(&tmp, "fake.net", "sg2", 32, 0);
    let mut h = harness(fake_loader(Arc::clone(&renders)), vec![net]);
    let before = renders.load(Ordering::SeqCst);
    open_labelling(&mut h);
    // The 16 thumbnails were rendered by the engine (on the job's thread), one render each.
    assert!(renders.load(Ordering::SeqCst) >= before + 16);
    let l = &h.state().directions.labelling;
    assert_eq!(l.thumbnails.iter().map(|(s, _)| *s).collect::<Vec<_>>(), (0..16).collect::<Vec<_>>());
    assert_eq!(l.thumbnails[0].1.as_ref().unwrap().size(), [32, 32]);
    counts_shown(&h, 0, 0);

    h.get_by_label(&seed_label(3)).click();
    h.run_steps(2);
    counts_shown(&h, 1, 0);
    assert_eq!(h.state().directions.labelling.labels.get(&3), Some(&true));
    h.get_by_label(&seed_label(3)).click();
    h.run_steps(2);
    counts_shown(&h, 0, 1);
    assert_eq!(h.state().directions.labelling.labels.get(&3), Some(&false));
    h.get_by_label(&seed_label(12)).click();
    h.run_steps(2);
    counts_shown(&h, 1, 1);
    h.get_by_label(&seed_label(3)).click();
    h.run_steps(2);
    counts_shown(&h, 1, 0);
    assert_eq!(h.state().directions.labelling.labels.keys().copied().collect::<Vec<_>>(), vec![12]);

    // The next page: seeds 16-31, labels of other pages kept in the counts.
    h.get_by_label(labelling::MORE).click();
    wait_until(Duration::from_secs(60), "the next page", || {
        h.step();
        let l = &h.state().directions.labelling;
        l.thumbnails.first().map(|t| t.0) == Some(16) && l.thumbnails.iter().all(|(_, t)| t.is_some())
    });
    h.run_steps(2);
    assert!(h.query_by_label(&seed_label(3)).is_none());
    h.get_by_label(&seed_label(20)).click();
    h.run_steps(2);
    counts_shown(&h, 2, 0);
    // Training needs both classes: the window says so instead of starting a job.
    h.get_by_label(labelling::TRAIN).click();
    h.run_steps(2);
    assert!(h.get_by_label_contains("at least 2 positive and 2 negative").accesskit_node().value().is_some());
}

#[test]
fn a_label_file_with_a_bad_line_shows_its_error() {
    let tmp = temp_dir("gui-labelling-csv");
    let net = fake_network(&tmp, "fake.net", "sg3", 32, 0);
    let mut h = harness(fake_loader(Arc::new(AtomicUsize::new(0))), vec![net]);
    open_labelling(&mut h);
    h.get_by_label(&seed_label(1)).click();
    h.run_steps(2);
    let bad = tmp.join("bad_labels.csv");
    std::fs::write(&bad, "seed,label\n4,1\n5,-1\n6,maybe\n").unwrap();
    h.get_by_label(labelling::CSV_PATH).focus();
    h.step();
    h.get_by_label(labelling::CSV_PATH).type_text(&bad.display().to_string());
    h.step();
    h.get_by_label(labelling::LOAD_CSV).click();
    h.run_steps(2);
    let e = h.get_by_label_contains("line 4").accesskit_node().value().unwrap_or_default();
    assert!(e.contains("bad_labels.csv") && e.contains("6,maybe"), "{e}");
    // Nothing was taken from the bad file.
    counts_shown(&h, 1, 0);

    let good = tmp.join("good.csv");
    std::fs::write(&good, "4,1\n5,-1\n6,0\n1,-1\n").unwrap();
    h.state_mut().directions.labelling.csv_path = good.display().to_string();
    h.step();
    h.get_by_label(labelling::LOAD_CSV).click();
    h.run_steps(2);
    assert!(h.state().directions.labelling.error.is_none());
    counts_shown(&h, 1, 3);
    let labels: Vec<(u64, bool)> = h.state().directions.labelling.labels.iter().map(|(s, l)| (*s, *l)).collect();
    assert_eq!(labels, vec![(1, false), (4, true), (5, false), (6, false)]);
}

#[test]
fn train_svm_on_planted_labels_adds_a_slider_with_its_accuracy() {
    let dir = require_fixture!("sg2_64");
    let net = dir.join("network.pkl");
    let tmp = temp_dir("gui-labelling-svm");
    // Labels planted along the first GANSpace component: the 150 most extreme of 800 seeds on
    // each side (as InterFaceGAN keeps the extremes).
    let g = stylescope::checkpoint::Checkpoint::open(&net).unwrap().load_generator(&Device::Cpu).unwrap();
    let settings = GanSpaceSettings { samples: 4000, components: 1, seed: 1, batch: 1000 };
    let planted = GanSpace::compute(&g, &settings, &stylescope::progress::Silent).unwrap().components[0].clone();
    let seeds: Vec<u64> = (0..800).collect();
    let w =
        stylescope::latent::directions::labelled::seeds_to_w(&g, &seeds, 1.0, &stylescope::progress::Silent).unwrap();
    let proj: Vec<f64> = w.chunks(64).map(|r| r.iter().zip(&planted).map(|(a, b)| a * b).sum()).collect();
    let mut sorted = proj.clone();
    sorted.sort_by(f64::total_cmp);
    let (low, high) = (sorted[149], sorted[650]);
    let mut csv = String::from("seed,label\n");
    for (seed, p) in seeds.iter().zip(&proj) {
        if *p <= low || *p >= high {
            csv.push_str(&format!("{seed},{}\n", if *p >= high { "1" } else { "-1" }));
        }
    }
    let labels = tmp.join("planted.csv");
    std::fs::write(&labels, csv).unwrap();

    let mut h = harness(GeneratorLoader::default().shared(), vec![net.clone()]);
    open_labelling(&mut h);
    // The Directions section computed SeFa on opening; its sliders are the conditions offered.
    wait_until(Duration::from_secs(120), "the SeFa sliders", || {
        h.step();
        h.state().directions.set.as_ref().is_some_and(|s| s.method == "SeFa") && !h.state().directions.busy()
    });
    {
        let l = &mut h.state_mut().directions.labelling;
        l.csv_path = labels.display().to_string();
        l.name = "planted".into();
        l.c = 10.0;
    }
    h.step();
    h.get_by_label(labelling::LOAD_CSV).click();
    h.run_steps(2);
    counts_shown(&h, 150, 150);
    let train = |h: &mut Harness<'_, ExplorerApp>| {
        h.get_by_label(labelling::TRAIN).click();
        h.run_steps(2);
        wait_until(Duration::from_secs(180), "the SVM job", || {
            h.step();
            !h.state().directions.labelling.busy()
        });
        h.run_steps(2);
    };
    train(&mut h);
    let l = &h.state().directions.labelling;
    assert!(l.error.is_none(), "{:?}", l.error);
    // The job ran on the window's runner, so the Jobs panel lists it.
    assert!(h.state().jobs.snapshots().iter().any(|j| j.title.contains("Train SVM")));
    let set = h.state().directions.set.clone().unwrap();
    assert_eq!(set.directions[0].name, "planted");
    assert_eq!(set.directions.len(), 65, "the SVM slider joins the 64 SeFa sliders");
    let found: Vec<f64> = set.directions[0].values.iter().map(|&x| f64::from(x)).collect();
    let cos: f64 = found.iter().zip(&planted).map(|(a, b)| a * b).sum();
    assert!(cos > 0.9, "cos with the planted direction {cos}");
    // (The Jobs panel shows the same line as the job's summary.)
    let acc = h.query_all_by_label_contains("held-out accuracy").next().unwrap().accesskit_node().value().unwrap();
    let pct: f64 = acc.split("held-out accuracy ").nth(1).and_then(|t| t.split(' ').next()).unwrap().parse().unwrap();
    assert!(pct > 95.0 && pct <= 100.0, "{acc}");
    // The slider moves the image like any other direction.
    let v = h.state().view(Side::Left).image_version;
    h.get_by_role_and_label(Role::Slider, "planted").set_value_accesskit(3.0);
    wait_until(Duration::from_secs(60), "the edited image", || {
        h.step();
        h.state().view(Side::Left).image_version > v && !h.state().view(Side::Left).busy()
    });

    // Conditioned on SeFa 0: orthogonal to it, unit length, a second slider.
    let sefa0: Vec<f64> = set.directions.iter().find(|d| d.name == "SeFa 0").unwrap().mean_vector();
    h.state_mut().directions.labelling.name = "planted | SeFa 0".into();
    h.step();
    h.get_by_role_and_label(Role::CheckBox, "SeFa 0").click();
    h.step();
    train(&mut h);
    let set = h.state().directions.set.clone().unwrap();
    assert_eq!(set.directions[0].name, "planted | SeFa 0");
    let v: Vec<f64> = set.directions[0].values.iter().map(|&x| f64::from(x)).collect();
    let dot: f64 = v.iter().zip(&sefa0).map(|(a, b)| a * b).sum();
    let norm: f64 = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    assert!(dot.abs() < 1e-6 && (norm - 1.0).abs() < 1e-6, "dot {dot}, norm {norm}");
    assert!(h.query_all_by_label_contains("conditioned on SeFa 0").next().is_some());

    // The same labels conditioned on the first trained slider (the same boundary): nothing is
    // left, and the window says so.
    h.state_mut().directions.labelling.name = "nothing left".into();
    h.step();
    h.get_by_role_and_label(Role::CheckBox, "planted").click();
    h.step();
    train(&mut h);
    let e = h.state().directions.labelling.error.clone().unwrap_or_default();
    assert!(e.contains("span"), "{e}");
    assert!(h.query_all_by_label_contains("span").next().is_some());
    assert_eq!(h.state().directions.set.as_ref().unwrap().directions.len(), 66);
}
