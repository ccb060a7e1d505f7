//! A small training run on a tiny synthetic dataset (16² discs on a plain background): the
//! discriminator's logits of real and generated images separate, and the generator's samples
//! move toward the data (their mean colour approaches the dataset's). Also checks the run
//! directory, the events and that the snapshot opens like any network file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/toy_data.rs"]
mod toy_data;
#[path = "common/train_util.rs"]
mod train_util;

use stylescope::checkpoint::{Checkpoint, NetworkKind};
use stylescope::raster::Raster;
use stylescope::train::dataset::ImageDataset;
use stylescope::train::{TrainCfg, TrainEvent, train};
use train_util::{Recorder, TestMonitor, tiny_options};

/// Mean colour of a grid of samples, in [-1, 1] units.
fn mean_colour(r: &Raster) -> [f64; 3] {
    let mut m = [0.0; 3];
    for px in r.pixels.chunks(3) {
        for k in 0..3 {
            m[k] += f64::from(px[k]) / 127.5 - 1.0;
        }
    }
    m.map(|v| v / (r.width * r.height) as f64)
}

fn distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt()
}

#[test]
fn logits_separate_and_samples_move_toward_the_data() {
    let dir = common::temp_dir("test-run");
    let data = dir.join("discs");
    toy_data::write_discs(&data, 64, 16, 1);
    let ds = ImageDataset::open(&data).unwrap();
    let mut reader = ds.reader().unwrap();
    let mut data_mean = [0.0; 3];
    for i in 0..ds.len() {
        let img = reader.image(i, false).unwrap();
        for k in 0..3 {
            data_mean[k] += img[k * 256..(k + 1) * 256].iter().map(|&b| f64::from(b) / 127.5 - 1.0).sum::<f64>()
                / 256.0
                / ds.len() as f64;
        }
    }

    let iterations = 100;
    let mut o = tiny_options(TrainCfg::StyleGan2, &data, &dir.join("runs"), 8, 0.008 * iterations as f64);
    o.tick = 0.08;
    o.snap = 1000;
    o.grid = [8, 4];
    o.mirror = true;
    let sink = Recorder { live: true, ..Default::default() };
    let monitor = TestMonitor::new(None);
    let out = train(&o, &monitor, &sink).unwrap();
    assert_eq!(out.batch_idx, iterations as u64);

    let events = sink.events.lock().unwrap();
    let ticks: Vec<_> =
        events.iter().filter_map(|e| if let TrainEvent::Tick(t) = e { Some(t.clone()) } else { None }).collect();
    let grids: Vec<(f64, [f64; 3])> = events
        .iter()
        .filter_map(|e| {
            if let TrainEvent::Samples { kimg, grid, reals: false } = e {
                Some((*kimg, mean_colour(grid)))
            } else {
                None
            }
        })
        .collect();
    for (t, g) in ticks.iter().zip(grids.iter().skip(1)) {
        eprintln!(
            "tick {:>2} kimg {:.3}: D(real) {:+.3} D(fake) {:+.3}, samples' mean colour {:.3?} (data {:.3?}), distance {:.3}",
            t.tick,
            t.kimg,
            t.scores_real,
            t.scores_fake,
            g.1,
            data_mean,
            distance(g.1, data_mean)
        );
    }
    // Logits separate: real above fake by a clear margin at some tick, and at the end.
    let first = &ticks[0];
    assert!((first.scores_real - first.scores_fake).abs() < 0.5, "at the start D cannot tell: {first:?}");
    let best = ticks.iter().map(|t| t.scores_real - t.scores_fake).fold(f64::MIN, f64::max);
    assert!(best > 1.0, "D's logits never separated (best margin {best})");
    // Samples move toward the data: the distance of their mean colour from the data's, averaged
    // over the second half of the run, is well below the initial one (GAN training oscillates, so
    // not a single tick is used).
    let dist: Vec<f64> = grids.iter().map(|g| distance(g.1, data_mean)).collect();
    let d0 = dist[0];
    let half = &dist[dist.len() / 2..];
    let late = half.iter().sum::<f64>() / half.len() as f64;
    eprintln!("mean colour distance: {d0:.3} at the start, {late:.3} on average over the second half");
    assert!(late < 0.6 * d0, "samples did not move toward the data: {d0} → {late}");

    // Files of the run directory.
    for f in ["log.txt", "training_options.json", "stats.jsonl", "reals.png", "fakes_init.png", "fakes000000.png"] {
        assert!(out.run_dir.join(f).is_file(), "{f} missing");
    }
    let name = out.run_dir.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("00000-stylegan2-discs-"), "{name}");
    let stats = std::fs::read_to_string(out.run_dir.join("stats.jsonl")).unwrap();
    assert_eq!(stats.lines().count(), ticks.len());
    let line: serde_json::Value = serde_json::from_str(stats.lines().last().unwrap()).unwrap();
    assert!(
        line["Loss/G/loss"]["mean"].as_f64().unwrap() > 0.0 && line["Progress/kimg"]["mean"].as_f64().unwrap() > 0.7
    );
    let log = std::fs::read_to_string(out.run_dir.join("log.txt")).unwrap();
    assert_eq!(log.lines().filter(|l| l.starts_with("tick ")).count(), ticks.len());
    assert!(log.contains("sec/kimg") && log.contains("loss/G"));

    // The snapshot is a network file: G_ema generates, D is typed.
    let ckpt = Checkpoint::open(&out.last_snapshot).unwrap();
    assert!(matches!(ckpt.network("D").unwrap().kind, NetworkKind::Discriminator(_)));
    let g = ckpt.load_generator(&candle_core::Device::Cpu).unwrap();
    assert_eq!(g.config().img_resolution(), 16);
    assert!(matches!(events.last(), Some(TrainEvent::Finished { cancelled: false, .. })));
    drop(events);
}
