//! `toyfaces` archives: NVIDIA's dataset format, labels aligned with files, deterministic bytes,
//! cancellation that leaves nothing behind, and the command line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::temp_dir;
use stylescope::progress::{Monitor, Silent};
use stylescope::train::datasets::{FACTORS, ToyFaceFactors, ToyFaces};
use stylescope::{Error, Result};

/// A minimal reader of NVIDIA's format: every entry of the archive by name, in archive order.
fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            assert_eq!(f.compression(), zip::CompressionMethod::Stored, "{name} is compressed");
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

fn decode_png(bytes: &[u8]) -> image::DynamicImage {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Png).unwrap()
}

#[test]
fn archive_is_nvidia_format_with_aligned_labels_and_factors() {
    let dir = temp_dir("toyfaces-format");
    let out = dir.join("toy.zip");
    let toy = ToyFaces { count: 1005, resolution: 16, unaligned: true, seed: 4 };
    toy.write_zip(&out, &Silent).unwrap();
    let entries = read_zip(&out);
    let pngs: Vec<&(String, Vec<u8>)> = entries.iter().filter(|(n, _)| n.ends_with(".png")).collect();
    assert_eq!(pngs.len(), 1005);
    assert_eq!(entries.len(), 1005 + 2, "images, dataset.json and factors.csv only");

    let json: serde_json::Value =
        serde_json::from_slice(&entries.iter().find(|(n, _)| n == "dataset.json").unwrap().1).unwrap();
    let labels = json["labels"].as_array().unwrap();
    let csv = String::from_utf8(entries.iter().find(|(n, _)| n == "factors.csv").unwrap().1.clone()).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], ToyFaceFactors::csv_header());
    assert_eq!(labels.len(), 1005);
    assert_eq!(rows.len(), 1 + 1005);
    let names: Vec<&str> =
        json["stylescope"]["label_factors"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(names, FACTORS.iter().map(|f| f.0).collect::<Vec<_>>());

    for (i, (name, bytes)) in pngs.iter().enumerate() {
        assert_eq!(*name, format!("{:05}/img{:08}.png", i / 1000, i));
        // Label and CSV row name this file, in the same order.
        assert_eq!(labels[i][0], *name);
        let cols: Vec<&str> = rows[i + 1].split(',').collect();
        assert_eq!(cols[0], name);
        // The label is the normalised raw factor of the CSV, all in [0, 1].
        let label: Vec<f64> = labels[i][1].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        assert_eq!(label.len(), FACTORS.len());
        for (k, (fname, lo, hi, _)) in FACTORS.iter().enumerate() {
            let raw: f64 = cols[1 + k].parse().unwrap();
            assert!((0.0..=1.0).contains(&label[k]));
            assert!(
                ((raw - lo) / (hi - lo) - label[k]).abs() < 1e-4,
                "image {i} factor {fname}: raw {raw}, label {}",
                label[k]
            );
        }
        // The image: 16x16, 8-bit RGB, and exactly the in-memory render (round trip).
        let img = decode_png(bytes);
        assert_eq!(img.color(), image::ColorType::Rgb8);
        assert_eq!((img.width(), img.height()), (16, 16));
        if i % 97 == 0 {
            assert_eq!(img.to_rgb8().into_raw(), toy.render(i).unwrap().pixels, "image {i} differs from its render");
        }
    }
}

#[test]
fn same_seed_same_bytes_whatever_the_threads_other_seed_other_images() {
    let dir = temp_dir("toyfaces-determinism");
    let toy = ToyFaces { count: 300, resolution: 32, unaligned: false, seed: 7 };
    let (a, b, c) = (dir.join("a.zip"), dir.join("b.zip"), dir.join("c.zip"));
    toy.write_zip(&a, &Silent).unwrap();
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    one_thread.install(|| toy.write_zip(&b, &Silent)).unwrap();
    let three_threads = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    three_threads.install(|| ToyFaces { seed: 8, ..toy.clone() }.write_zip(&c, &Silent)).unwrap();
    let (a, b, c) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), std::fs::read(&c).unwrap());
    assert_eq!(a, b, "same arguments, different bytes");
    assert_ne!(a, c);
    let (za, zc) = (read_zip(&dir.join("a.zip")), read_zip(&dir.join("c.zip")));
    let mut same = 0;
    for ((na, ba), (nc, bc)) in za.iter().zip(&zc).filter(|((n, _), _)| n.ends_with(".png")) {
        assert_eq!(na, nc);
        same += (decode_png(ba).to_rgb8() == decode_png(bc).to_rgb8()) as usize;
    }
    assert_eq!(same, 0, "{same} images identical across seeds");
}

/// Cancels at the `after`-th progress report.
struct CancelAfter {
    reports: AtomicUsize,
    after: usize,
}

impl Monitor for CancelAfter {
    fn set_fraction(&self, _f: f64) -> Result<()> {
        self.reports.fetch_add(1, Ordering::SeqCst);
        self.check()
    }
    fn log(&self, _line: &str) {}
    fn is_cancelled(&self) -> bool {
        self.reports.load(Ordering::SeqCst) > self.after
    }
}

#[test]
fn cancelling_leaves_no_partial_file_and_keeps_an_existing_one() {
    let dir = temp_dir("toyfaces-cancel");
    let out = dir.join("toy.zip");
    let toy = ToyFaces { count: 2000, resolution: 16, unaligned: false, seed: 0 };
    let monitor = CancelAfter { reports: AtomicUsize::new(0), after: 2 };
    assert!(matches!(toy.write_zip(&out, &monitor), Err(Error::Cancelled)));
    assert!(monitor.reports.load(Ordering::SeqCst) < 8, "kept going after the cancellation");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "something was left behind");

    std::fs::write(&out, b"previous data set").unwrap();
    let monitor = CancelAfter { reports: AtomicUsize::new(0), after: 3 };
    assert!(matches!(toy.write_zip(&out, &monitor), Err(Error::Cancelled)));
    assert_eq!(std::fs::read(&out).unwrap(), b"previous data set");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn bad_settings_are_refused_before_anything_is_written() {
    let dir = temp_dir("toyfaces-bad");
    let bad = [
        (ToyFaces { count: 4, resolution: 48, unaligned: false, seed: 0 }, dir.join("a.zip"), "power of two"),
        (ToyFaces { count: 0, resolution: 32, unaligned: false, seed: 0 }, dir.join("a.zip"), "count"),
        (
            ToyFaces { count: 4, resolution: 32, unaligned: false, seed: 0 },
            dir.join("a.tar"),
            "a.tar: the output must be a .zip",
        ),
    ];
    for (toy, out, message) in bad {
        let e = toy.write_zip(&out, &Silent).unwrap_err();
        assert!(e.to_string().contains(message), "{e}");
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn command_line_writes_the_archive_and_a_preview() {
    let dir = temp_dir("toyfaces-cli");
    let out = dir.join("faces.zip");
    let preview = dir.join("sheet.png");
    let bin = env!("CARGO_BIN_EXE_stylescope");
    let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().unwrap();
    let o = run(&[
        "dataset",
        "toyfaces",
        "--count",
        "10",
        "--resolution",
        "32",
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "3",
        "--unaligned",
        "--preview",
        preview.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let toy = ToyFaces { count: 10, resolution: 32, unaligned: true, seed: 3 };
    let api = dir.join("api.zip");
    toy.write_zip(&api, &Silent).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&api).unwrap());
    let sheet = image::open(&preview).unwrap();
    // 8 columns and 2 rows of 32-pixel images with 2-pixel gaps.
    assert_eq!((sheet.width(), sheet.height()), (8 * 34 + 2, 2 * 34 + 2));

    let o = run(&["dataset", "toyfaces", "--count", "10", "--resolution", "30", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("power of two"));
}
