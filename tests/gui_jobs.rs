//! The Jobs panel, the Analysis menu and the results table with NVIDIA's fixture networks: a
//! metric started from the menu runs on the job runner with progress and lands in the table (the
//! number is the one the metric job computes directly), the window keeps answering — and the
//! render worker keeps rendering — while a metric runs, a cancelled metric leaves no result line,
//! StyleGAN2 networks are greyed out with the reason, and the panel shows any job (progress,
//! log, summary, error), not only metrics.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "gui")]

mod common;
mod gui_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_support::{temp_dir, wait_until};
use stylescope::analysis::MetricId;
use stylescope::analysis::metric_result::MetricResult;
use stylescope::gui::analysis_options::AnalysisOptions;
use stylescope::gui::app::ExplorerApp;
use stylescope::gui::panels::analysis_menu::{self, Target, start_label};
use stylescope::gui::panels::{jobs as jobs_panel, results_table};
use stylescope::gui::settings::Settings;
use stylescope::gui::{AppOptions, Command, Side, panels};
use stylescope::jobs::generator_engine::GeneratorLoader;
use stylescope::jobs::{JobStatus, MetricJob, ResultsFolder};
use stylescope::progress::{Monitor, Silent};

fn harness(files: Vec<PathBuf>, analysis: AnalysisOptions) -> Harness<'static, ExplorerApp> {
    let mut o = AppOptions::new(GeneratorLoader::default().shared());
    o.files = files;
    o.settings = Some(Settings { analysis, ..Settings::default() });
    Harness::builder().with_size(vec2(1280.0, 900.0)).build_eframe(move |cc| ExplorerApp::new(cc, o).expect("app"))
}

fn wait_loaded(h: &mut Harness<'_, ExplorerApp>, sides: &[Side]) {
    wait_until(Duration::from_secs(120), "the networks to load", || {
        h.step();
        sides.iter().all(|s| h.state().view(*s).info().is_some() && h.state().view(*s).image_version >= 1)
    });
}

fn result_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    v.sort();
    v
}

/// Opens the Analysis menu and clicks the start button of `metric` for `target`.
fn start_from_menu(h: &mut Harness<'_, ExplorerApp>, metric: MetricId, target: Target) {
    h.get_by_label(analysis_menu::MENU).click();
    h.step();
    h.step();
    let label = start_label(metric, target);
    let button = h.get_by_label(&label);
    assert!(!button.accesskit_node().is_disabled(), "{label} is greyed out");
    button.click();
    h.step();
    h.step();
}

#[test]
fn a_metric_from_the_analysis_menu_shows_progress_then_results_side_by_side() {
    let t = require_fixture!("sg3t_64");
    let r = require_fixture!("sg3r_64");
    let out = temp_dir("gui-jobs-result");
    let analysis = AnalysisOptions { num_samples: 8, batch_size: 4, seed: 3, results_dir: Some(out.to_path_buf()) };
    let (net_t, net_r) = (t.join("network.pkl"), r.join("network.pkl"));
    let mut h = harness(vec![net_t.clone(), net_r.clone()], analysis);
    wait_loaded(&mut h, &Side::BOTH);
    assert!(!h.state().jobs.panel_open);

    start_from_menu(&mut h, MetricId::Eqt50kFrac, Target::Both);
    assert!(h.state().jobs.panel_open, "starting a job opens the Jobs panel");
    let jobs = h.state().jobs.snapshots();
    assert_eq!(jobs.len(), 2, "one job per network");
    assert_eq!(jobs[0].title, "eqt50k_frac · network.pkl (left)");
    assert_eq!(jobs[1].title, "eqt50k_frac · network.pkl (right)");

    // Progress: the first job runs with a bar part-way while the second one waits.
    let mut seen_progress = false;
    let mut seen_queued = false;
    wait_until(Duration::from_secs(300), "both results", || {
        h.step();
        let s = h.state().jobs.snapshots();
        if s[0].status == JobStatus::Running && s[0].fraction > 0.0 && s[0].fraction < 1.0 {
            seen_progress = true;
            let bar = h.get_by_label_contains(" % · ");
            let text = bar.accesskit_node().label().unwrap_or_default();
            assert!(text.contains("elapsed"), "{text}");
            seen_queued |= s[1].status == JobStatus::Queued
                && h.query_by_label(jobs_panel::status_text(&JobStatus::Queued)).is_some();
        }
        for j in &s {
            assert!(!matches!(j.status, JobStatus::Failed(_)), "{}: {:?}", j.title, j.status);
        }
        h.state().jobs.results.len() == 2
    });
    assert!(seen_progress, "never saw the progress bar part-way");
    assert!(seen_queued, "the second job never showed as queued");
    h.step();
    h.step();

    // The table: both values side by side and their difference.
    let rows = h.state().jobs.results.clone();
    let left = rows.iter().find(|r| r.side == Side::Left).unwrap();
    let right = rows.iter().find(|r| r.side == Side::Right).unwrap();
    assert_eq!((left.network.as_path(), right.network.as_path()), (net_t.as_path(), net_r.as_path()));
    assert_eq!((left.num_samples, left.seed), (8, Some(3)));
    assert!(h.query_by_label(results_table::DIFFERENCE).is_some());
    assert!(h.query_by_label(&left.value_text()).is_some(), "no {} in the table", left.value_text());
    assert!(h.query_by_label(&right.value_text()).is_some(), "no {} in the table", right.value_text());
    assert!(h.query_by_label(&format!("{:+.4} dB", right.value - left.value)).is_some());
    assert_eq!(h.get_all_by_label(jobs_panel::status_text(&JobStatus::Finished)).count(), 2);

    // The number is the metric job's own, with the same settings (same seed → same result).
    let direct = MetricJob {
        num_samples: Some(8),
        batch_size: Some(4),
        seed: 3,
        results: ResultsFolder::Nowhere,
        ..MetricJob::new(&net_t, MetricId::Eqt50kFrac)
    }
    .run(&Silent)
    .unwrap();
    assert_eq!(direct.result.value(), Some(left.value));
    assert!(left.value.is_finite() && left.value > 20.0, "{}", left.value);

    // Both lines went to the chosen results folder, in NVIDIA's shape.
    let file = out.join("metric-eqt50k_frac.jsonl");
    assert_eq!(result_files(&out), vec![file.clone()]);
    let lines: Vec<MetricResult> =
        std::fs::read_to_string(&file).unwrap().lines().map(|l| MetricResult::from_json_line(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    let mut values: Vec<f64> = lines.iter().map(|l| l.value().unwrap()).collect();
    let mut want = vec![left.value, right.value];
    values.sort_by(f64::total_cmp);
    want.sort_by(f64::total_cmp);
    assert_eq!(values, want);
}

#[test]
fn the_window_answers_while_a_metric_runs_and_a_cancelled_metric_writes_nothing() {
    let t = require_fixture!("sg3t_64");
    let out = temp_dir("gui-jobs-cancel");
    let analysis =
        AnalysisOptions { num_samples: 50_000, batch_size: 4, seed: 0, results_dir: Some(out.to_path_buf()) };
    let mut h = harness(vec![t.join("network.pkl")], analysis);
    wait_loaded(&mut h, &[Side::Left]);
    start_from_menu(&mut h, MetricId::Eqt50kInt, Target::One(Side::Left));
    wait_until(Duration::from_secs(120), "the metric to make progress", || {
        h.step();
        let s = &h.state().jobs.snapshots()[0];
        s.status == JobStatus::Running && s.fraction > 0.02
    });

    // While it runs: frames keep coming, a control edit renders a new image, menus open.
    let frames = h.state().frames;
    let version = h.state().view(Side::Left).image_version;
    h.get_by_label(panels::latent::SEED).set_value_accesskit(85.0);
    wait_until(Duration::from_secs(120), "a new image while the metric runs", || {
        h.step();
        h.state().view(Side::Left).image_version > version
    });
    h.get_by_label("View").click();
    h.step();
    assert!(h.query_by_label("Zoom to fit").is_some(), "the View menu did not open");
    h.key_press(egui::Key::Escape);
    h.step();
    assert!(h.state().jobs.snapshots()[0].status == JobStatus::Running, "the metric ended before the checks");
    assert!(h.state().frames > frames + 3);

    // Cancel through the panel's button.
    h.get_by_label(jobs_panel::CANCEL).click();
    h.step();
    wait_until(Duration::from_secs(60), "the job to stop", || {
        h.step();
        !h.state().jobs.snapshots()[0].status.is_active()
    });
    h.step();
    assert_eq!(h.state().jobs.snapshots()[0].status, JobStatus::Cancelled);
    assert!(h.query_by_label(jobs_panel::status_text(&JobStatus::Cancelled)).is_some());
    assert!(h.query_by_label(jobs_panel::CANCEL).is_none(), "an ended job has no cancel button");
    assert!(h.state().jobs.results.is_empty());
    assert!(result_files(&out).is_empty(), "a cancelled metric wrote {:?}", result_files(&out));

    // Clear finished forgets it.
    h.get_by_label(jobs_panel::CLEAR).click();
    h.step();
    h.step();
    assert!(h.state().jobs.snapshots().is_empty());
}

#[test]
fn stylegan2_networks_are_greyed_out_with_the_reason() {
    let sg2 = require_fixture!("sg2_64");
    let t = require_fixture!("sg3t_64");
    let out = temp_dir("gui-jobs-sg2");
    let analysis = AnalysisOptions { results_dir: Some(out.to_path_buf()), ..AnalysisOptions::default() };
    let mut h = harness(vec![sg2.join("network.pkl"), t.join("network.pkl")], analysis);
    wait_loaded(&mut h, &Side::BOTH);
    h.ctx.all_styles_mut(|s| s.interaction.tooltip_delay = 0.0);
    h.get_by_label(analysis_menu::MENU).click();
    h.step();
    h.step();
    for metric in MetricId::ALL {
        let disabled = |h: &Harness<'_, ExplorerApp>, target| {
            h.get_by_label(&start_label(metric, target)).accesskit_node().is_disabled()
        };
        assert!(disabled(&h, Target::One(Side::Left)), "{metric} on StyleGAN2");
        assert!(disabled(&h, Target::Both), "{metric} on both");
        assert!(!disabled(&h, Target::One(Side::Right)), "{metric} on StyleGAN3");
    }
    let why = analysis_menu::why_not(h.state(), Target::One(Side::Left)).unwrap();
    assert!(why.contains("StyleGAN2") && why.contains(analysis_menu::WHY_STYLEGAN2), "{why}");
    // The tooltip says so.
    h.get_by_label(&start_label(MetricId::Eqr50k, Target::One(Side::Left))).hover();
    h.run_steps(3);
    assert!(h.query_by_label_contains("the equivariance metrics translate and rotate").is_some(), "no tooltip");

    // A command that gets past the menu is refused in the status bar; no job starts.
    h.key_press(egui::Key::Escape);
    h.state_mut().queue(Command::RunMetric { metric: MetricId::Eqr50k, side: Side::Left });
    h.run_steps(2);
    assert!(h.state().jobs.snapshots().is_empty());
    assert!(h.state().message.as_deref().is_some_and(|m| m.contains("StyleGAN2")), "{:?}", h.state().message);
    assert!(result_files(&out).is_empty());
}

#[test]
fn the_jobs_panel_shows_any_job_with_progress_log_result_and_error() {
    let mut h = harness(vec![], AnalysisOptions::default());
    h.step();
    assert!(h.query_by_label_contains("No jobs yet").is_none(), "the panel starts hidden");
    let gate = Arc::new(AtomicBool::new(false));
    let g = Arc::clone(&gate);
    let ok = h.state_mut().jobs.submit("toy job", move |m: &dyn Monitor| {
        m.log("step one of the toy job");
        m.set_fraction(0.5)?;
        while !g.load(Ordering::SeqCst) {
            m.check()?;
            std::thread::sleep(Duration::from_millis(2));
        }
        Ok(42_u32)
    });
    let failing = h.state_mut().jobs.submit("failing job", |_: &dyn Monitor| -> stylescope::Result<()> {
        Err(stylescope::Error::Invalid("the toy job's error".into()))
    });
    wait_until(Duration::from_secs(20), "the toy job at 50 %", || {
        h.step();
        ok.snapshot().fraction == 0.5
    });
    h.step();
    assert!(h.query_by_label("#1 toy job").is_some());
    assert!(h.query_by_label_contains("50 % · ").is_some(), "no progress bar");
    assert!(h.query_by_label("#2 failing job").is_some());
    assert!(h.query_by_label(jobs_panel::status_text(&JobStatus::Queued)).is_some());
    h.get_by_label("Log (1 lines)").click();
    h.step();
    h.step();
    assert!(h.query_by_label("step one of the toy job").is_some(), "the log line is not shown");

    gate.store(true, Ordering::SeqCst);
    wait_until(Duration::from_secs(20), "both jobs to end", || {
        h.step();
        !ok.status().is_active() && !failing.status().is_active()
    });
    h.step();
    h.step();
    assert_eq!(ok.take_result().unwrap().unwrap(), 42);
    assert!(h.query_by_label_contains("42 · took").is_some(), "no summary");
    assert!(h.query_by_label(jobs_panel::status_text(&JobStatus::Failed(String::new()))).is_some());
    assert!(h.query_by_label_contains("the toy job's error").is_some(), "no error text");
    assert!(h.state().jobs.results.is_empty(), "only metric jobs make result rows");
}

#[test]
fn earlier_results_of_an_opened_network_are_read_back_into_the_table() {
    let t = require_fixture!("sg3t_64");
    let net = t.join("network.pkl");
    let out = temp_dir("gui-jobs-earlier");
    let line = |snapshot: &str, value: f64, timestamp: f64| {
        MetricResult {
            metric: MetricId::Eqt50kInt,
            results: vec![("eqt50k_int".into(), value)],
            total_time: 12.0,
            num_gpus: 1,
            snapshot_pkl: Some(snapshot.into()),
            timestamp,
            settings: None,
        }
        .to_json_line()
    };
    let relative = stylescope::jobs::results::relative_path(&net, &out);
    let text = [
        line(&relative, 61.2345, 1.0e9),
        line("some/other-network.pkl", 12.5, 1.1e9),
        "{\"results\": oops".to_string(),
        line(&relative, 63.4567, 1.2e9),
    ]
    .join("\n");
    std::fs::write(out.join("metric-eqt50k_int.jsonl"), text + "\n").unwrap();

    let analysis = AnalysisOptions { results_dir: Some(out.to_path_buf()), ..AnalysisOptions::default() };
    let mut h = harness(vec![net.clone()], analysis);
    wait_loaded(&mut h, &[Side::Left]);
    h.step();
    let rows = h.state().jobs.results.clone();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.job.is_none() && r.network == net && r.side == Side::Left));
    assert_eq!(rows.iter().map(|r| r.value).collect::<Vec<_>>(), vec![61.2345, 63.4567]);
    h.state_mut().execute(Command::ShowJobs(true));
    h.step();
    h.step();
    // The table shows the newest; the unreadable line is reported with its file and line.
    assert!(h.query_by_label("63.4567 dB").is_some(), "the newest earlier result is not in the table");
    assert_eq!(h.state().jobs.read_problems.len(), 1);
    assert!(
        h.state().jobs.read_problems[0].contains("metric-eqt50k_int.jsonl:3"),
        "{:?}",
        h.state().jobs.read_problems
    );
}

#[test]
fn the_results_folder_is_typed_in_the_analysis_menu_and_a_missing_one_is_refused() {
    use stylescope::gui::panels::results_folder;
    let out = temp_dir("gui-jobs-folder");
    let mut h = harness(Vec::new(), AnalysisOptions::default());
    h.step();
    h.get_by_label(analysis_menu::MENU).click();
    h.step();
    h.step();
    // A folder that does not exist: refused, with the reason; the choice stays.
    let missing = out.join("no-such-folder");
    let field = h.get_by_label(results_folder::FIELD);
    field.focus();
    h.step();
    h.get_by_label(results_folder::FIELD).type_text(&missing.display().to_string());
    h.step();
    h.key_press(egui::Key::Enter);
    h.step();
    h.step();
    assert_eq!(h.state().settings.analysis.results_dir, None);
    if h.query_by_label(results_folder::FIELD).is_none() {
        // Enter may close the menu: the refusal is shown when it opens again.
        h.get_by_label(analysis_menu::MENU).click();
        h.step();
        h.step();
    }
    let field_text = h.get_by_label(results_folder::FIELD).accesskit_node().value().unwrap_or_default();
    assert!(
        h.query_by_label(&format!("{}: no such folder", missing.display())).is_some(),
        "no refusal shown (field holds {field_text:?})"
    );
    // An existing folder is taken.
    assert_eq!(results_folder::parse(&out.display().to_string()), Ok(Some(out.to_path_buf())));
    assert_eq!(results_folder::parse("  "), Ok(None));
    h.state_mut().settings.analysis.results_dir = Some(out.to_path_buf());
    h.step();
    h.step();
    h.get_by_label(results_folder::NETWORK_FOLDER).click();
    h.step();
    assert_eq!(
        h.state().settings.analysis.results_dir,
        None,
        "the reset button did not go back to each network's folder"
    );
}
