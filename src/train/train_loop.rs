//! The training loop (NVIDIA's `training/training_loop.py`): iterations, ticks, image grids,
//! snapshots, logging, pause and cancellation. See [`train`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use candle_core::Device;
use serde_json::json;

use crate::Result;
use crate::error::ResultExt;
use crate::progress::Monitor;
use crate::train::dataset::ImageDataset;
use crate::train::events::{TickStats, TrainEvent, TrainSink};
use crate::train::forward::build_generator;
use crate::train::grid::{sample_grid, tile};
use crate::train::loader::{self, SampleOrder, load_batch};
use crate::train::options::TrainOptions;
use crate::train::run_dir::{RunFiles, create_run_dir, fakes_name, snapshot_name};
use crate::train::setup::{Setup, setup};
use crate::train::snapshot::{Progress, write_snapshot};
use crate::train::stats::TickCollector;
use crate::train::trainer::{LabelSource, Trainer};

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOutcome {
    pub run_dir: PathBuf,
    /// The snapshot written at the end (every run ends with one).
    pub last_snapshot: PathBuf,
    /// Progress at the end, in kimg.
    pub kimg: f64,
    /// Iterations done in total (including those before a resume).
    pub batch_idx: u64,
    /// Stopped on request before `kimg` was reached.
    pub cancelled: bool,
}

/// Resident memory in GB (Linux), for the tick line.
fn cpumem_gb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0 / 1024.0)
}

fn run_name(options: &TrainOptions, ds: &ImageDataset) -> String {
    let mut name = format!("{}-{}-cpu-batch{}-gamma{}", options.cfg.name(), ds.name(), options.batch, options.gamma);
    if let Some(d) = options.desc.as_ref().filter(|d| !d.is_empty()) {
        name.push('-');
        name.push_str(d);
    }
    name.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect()
}

struct Run<'a> {
    options: &'a TrainOptions,
    monitor: &'a dyn Monitor,
    sink: &'a dyn TrainSink,
    files: RunFiles,
    setup: Setup,
    options_json: serde_json::Value,
    training_set_kwargs: serde_json::Value,
    device: Device,
}

impl Run<'_> {
    fn log(&mut self, line: &str) -> Result<()> {
        self.monitor.log(line);
        self.files.log(line)
    }

    fn trainer(&self) -> &Trainer {
        &self.setup.trainer
    }

    fn snapshot(&mut self, cur_tick: u64) -> Result<PathBuf> {
        let t = &self.setup.trainer;
        let path = self.files.dir.join(snapshot_name(t.cur_nimg));
        let progress = Progress { cur_nimg: t.cur_nimg, batch_idx: t.batch_idx, cur_tick };
        write_snapshot(
            &path,
            t,
            &progress,
            &self.setup.g_info,
            &self.setup.d_info,
            &self.options_json,
            Some(self.training_set_kwargs.clone()),
        )?;
        self.sink.event(TrainEvent::Snapshot { kimg: t.cur_nimg as f64 / 1000.0, path: path.clone() });
        Ok(path)
    }

    /// The sample grid of `G_ema`, written to `file` (when given) and sent to the sink.
    fn samples(&mut self, file: Option<&str>) -> Result<()> {
        let t = self.trainer();
        let g = build_generator(&t.g_config, &crate::nn::weights::Weights::new(t.g_ema.clone()), &self.device)?;
        let [cols, rows] = self.options.grid;
        let grid = sample_grid(&g, cols, rows, &self.device)?;
        if let Some(f) = file {
            grid.save_png(&self.files.dir.join(f))?;
        }
        let kimg = t.cur_nimg as f64 / 1000.0;
        self.sink.event(TrainEvent::Samples { kimg, grid, reals: false });
        Ok(())
    }
}

/// Trains as `options` say, reporting through `monitor` (progress, log lines, cancellation) and
/// `sink` (typed events). Creates the run directory, writes `log.txt`, `training_options.json`,
/// `stats.jsonl`, `reals.png`, `fakes_init.png`, `fakesNNNNNN.png` and
/// `network-snapshot-NNNNNN.safetensors` every `snap` ticks and at the end — also when cancelled,
/// which stops after the current iteration. Images are decoded by a loader thread that lives as
/// long as this call.
pub fn train(options: &TrainOptions, monitor: &dyn Monitor, sink: &dyn TrainSink) -> Result<TrainOutcome> {
    options.validate()?;
    let device = Device::Cpu;
    let ds = ImageDataset::open(&options.data)?;
    if options.cond && ds.label_dim == 0 {
        return Err(crate::Error::Invalid("--cond needs a dataset with labels (dataset.json)".into()).in_file(&ds.path));
    }
    let mut hyper = options.hyper();
    let setup = setup(options, &mut hyper, &ds, &device)?;
    let run_dir = create_run_dir(&options.outdir, &run_name(options, &ds))?;
    let training_set_kwargs = json!({
        "class_name": "training.dataset.ImageFolderDataset", "path": ds.path.to_string_lossy(), "use_labels": options.cond,
        "max_size": ds.len(), "xflip": options.mirror, "resolution": ds.resolution, "random_seed": setup.trainer.seed,
    });
    let options_json = json!({
        "options": options, "hyper": hyper, "training_set_kwargs": training_set_kwargs,
        "G_config": setup.trainer.g_config, "D_config": setup.trainer.d_config,
        "num_params_G": setup.trainer.g.num_params(), "num_params_D": setup.trainer.d.num_params(),
        "run_dir": run_dir.to_string_lossy(),
    });
    let text = serde_json::to_string_pretty(&options_json).map_err(|e| crate::Error::Format(e.to_string()))?;
    let opts_path = run_dir.join("training_options.json");
    std::fs::write(&opts_path, text).in_file(&opts_path)?;
    let files = RunFiles::open(&run_dir)?;
    let mut run =
        Run { options, monitor, sink, files, setup, options_json, training_set_kwargs, device: device.clone() };

    let notes = std::mem::take(&mut run.setup.notes);
    for n in &notes {
        run.log(n)?;
    }
    let t = run.trainer();
    let summary = format!(
        "Training {} on {} ({} images{}, {}x{}, {} channel(s){}): G {} and D {} parameters, batch {}{}, gamma {}, {} kimg; run directory {}",
        options.cfg.name(),
        ds.path.display(),
        ds.len(),
        if options.mirror { " + x-flips" } else { "" },
        ds.resolution,
        ds.resolution,
        ds.channels,
        if options.cond { format!(", {} label values", ds.label_dim) } else { String::new() },
        t.g.num_params(),
        t.d.num_params(),
        options.batch,
        if options.workers > 1 {
            format!(" in {} slices of {} on worker threads", options.workers, options.batch / options.workers)
        } else {
            String::new()
        },
        options.gamma,
        options.kimg,
        run_dir.display()
    );
    let start_nimg = t.cur_nimg;
    let seed = t.seed;
    run.log(&summary)?;
    let shared = candle_core::utils::get_num_threads();
    if options.workers > 1 && shared > 1 {
        run.log(&format!(
            "Note: the {} workers share candle's element-wise and matrix-product threads ({shared}, from RAYON_NUM_THREADS or the core count), which serialises them; RAYON_NUM_THREADS=1 with one worker per core lets each compute on its own (1.6x faster on 2 cores).",
            options.workers
        ))?;
    }
    sink.event(TrainEvent::Started {
        run_dir: run_dir.clone(),
        start_kimg: start_nimg as f64 / 1000.0,
        total_kimg: options.kimg,
    });

    // reals.png and fakes_init.png.
    let [cols, rows] = options.grid;
    let mut reader = ds.reader()?;
    let mut order = SampleOrder::new(seed, ds.len(), false);
    let reals_batch = load_batch(&ds, &mut reader, &mut order, 0, (cols * rows).min(ds.len()))?;
    let per = ds.channels * ds.resolution * ds.resolution;
    let reals: Vec<Vec<u8>> = reals_batch.images.chunks(per).map(<[u8]>::to_vec).collect();
    let reals = tile(&reals, ds.channels, ds.resolution, cols, rows)?;
    reals.save_png(&run_dir.join("reals.png"))?;
    sink.event(TrainEvent::Samples { kimg: start_nimg as f64 / 1000.0, grid: reals, reals: true });
    run.samples(Some("fakes_init.png"))?;

    let label_fn = |i: usize| ds.label(i).to_vec();
    let labels = LabelSource { dim: if options.cond { ds.label_dim } else { 0 }, len: ds.len(), label: &label_fn };
    let total_nimg = (options.kimg * 1000.0).round() as u64;
    let tick_nimg = (options.tick * 1000.0).round().max(1.0) as u64;
    let mut cur_tick = run.setup.resumed.as_ref().map_or(0, |p| p.cur_tick + 1);
    let mut tick_start_nimg = start_nimg;
    let start_time = Instant::now();
    let mut tick_start_time = Instant::now();
    let mut maintenance = Duration::ZERO;
    let mut collector = TickCollector::default();
    let mut last_snapshot = None;
    let mut cancelled = false;

    std::thread::scope(|scope| -> Result<()> {
        let feed = loader::spawn(scope, &ds, seed, options.mirror, options.batch, run.trainer().batch_idx);
        loop {
            if sink.is_paused() && !monitor.is_cancelled() {
                // The pause does not count towards the tick's timing.
                let paused_at = Instant::now();
                run.log(&format!("Paused at {:.3} kimg", run.trainer().cur_nimg as f64 / 1000.0))?;
                while sink.is_paused() && !monitor.is_cancelled() {
                    std::thread::sleep(Duration::from_millis(50));
                }
                tick_start_time += paused_at.elapsed();
                if !monitor.is_cancelled() {
                    run.log("Resumed")?;
                }
            }
            if monitor.is_cancelled() {
                cancelled = true;
            }
            let done_before = run.trainer().cur_nimg >= total_nimg && run.trainer().cur_nimg > start_nimg;
            if !cancelled && !done_before {
                let batch = feed.next()?;
                let t = &mut run.setup.trainer;
                if batch.index != t.batch_idx {
                    return Err(crate::Error::Invalid(format!(
                        "the loader sent batch {} for iteration {}",
                        batch.index, t.batch_idx
                    )));
                }
                let real = batch.tensor(ds.channels, ds.resolution, &device)?;
                let real_c = if labels.dim > 0 { batch.label_tensor(ds.label_dim, &device)? } else { None };
                let stats = t.step(&real, real_c.as_ref(), &labels)?;
                collector.add_step(&stats);
                let _ = monitor.set_fraction(if total_nimg == 0 { 1.0 } else { t.cur_nimg as f64 / total_nimg as f64 });
            }
            let cur_nimg = run.trainer().cur_nimg;
            let done = cur_nimg >= total_nimg || cancelled;
            if !done && cur_tick != 0 && cur_nimg < tick_start_nimg + tick_nimg {
                continue;
            }

            // End of a tick.
            let elapsed = tick_start_time.elapsed().as_secs_f64();
            let tick_kimg = (cur_nimg - tick_start_nimg) as f64 / 1000.0;
            let stats = TickStats {
                tick: cur_tick,
                kimg: cur_nimg as f64 / 1000.0,
                total_kimg: options.kimg,
                total_sec: start_time.elapsed().as_secs_f64(),
                sec_per_tick: elapsed,
                sec_per_kimg: if tick_kimg > 0.0 { elapsed / tick_kimg } else { 0.0 },
                maintenance_sec: maintenance.as_secs_f64(),
                loss_g: collector.mean("Loss/G/loss").unwrap_or(f64::NAN),
                loss_d: collector.mean("Loss/D/loss").unwrap_or(f64::NAN),
                scores_real: collector.mean("Loss/scores/real").unwrap_or(f64::NAN),
                scores_fake: collector.mean("Loss/scores/fake").unwrap_or(f64::NAN),
                r1_penalty: collector.mean("Loss/r1_penalty"),
                pl_penalty: collector.mean("Loss/pl_penalty"),
                cpumem_gb: cpumem_gb(),
            };
            let maintenance_start = Instant::now();
            run.log(&stats.line())?;
            let timestamp =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
            let extra = [
                ("Progress/tick", cur_tick as f64),
                ("Progress/kimg", stats.kimg),
                ("Timing/total_sec", stats.total_sec),
                ("Timing/sec_per_tick", stats.sec_per_tick),
                ("Timing/sec_per_kimg", stats.sec_per_kimg),
                ("Timing/maintenance_sec", stats.maintenance_sec),
            ];
            run.files.stats(&collector.json_line(&extra, timestamp))?;
            sink.event(TrainEvent::Tick(stats));
            collector = TickCollector::default();

            let snap_tick = done || cur_tick.is_multiple_of(options.snap as u64);
            if snap_tick {
                run.samples(Some(&fakes_name(cur_nimg)))?;
                last_snapshot = Some(run.snapshot(cur_tick)?);
            } else if sink.wants_live_samples(cur_tick) {
                run.samples(None)?;
            }
            cur_tick += 1;
            tick_start_nimg = cur_nimg;
            tick_start_time = Instant::now();
            maintenance = maintenance_start.elapsed();
            if done {
                return Ok(());
            }
        }
    })?;

    let t = run.trainer();
    let kimg = t.cur_nimg as f64 / 1000.0;
    let last_snapshot =
        last_snapshot.ok_or_else(|| crate::Error::Invalid("the run ended without a snapshot".into()))?;
    let end = if cancelled { "Stopped on request" } else { "Finished" };
    let line = format!("{end} at {kimg:.3} kimg; last snapshot {}", last_snapshot.display());
    run.log(&line)?;
    sink.event(TrainEvent::Finished { kimg, last_snapshot: last_snapshot.clone(), cancelled });
    Ok(TrainOutcome { run_dir, last_snapshot, kimg, batch_idx: run.trainer().batch_idx, cancelled })
}
