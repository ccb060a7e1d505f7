//! `from-folder`: photos of any size and kind become centre-cropped, resized RGB PNGs in NVIDIA's
//! format; unreadable files are skipped and named; nothing is written when nothing is readable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;
use std::path::Path;

use common::temp_dir;
use image::{ImageBuffer, Luma, Rgb, Rgba};
use stylescope::progress::{Monitor, Silent};
use stylescope::train::datasets::convert_folder;
use stylescope::{Error, Result};

fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

/// A 100×60 image: red left of x = 50, blue right of it (the centre crop is x 20..80).
fn split_image() -> ImageBuffer<Rgb<u8>, Vec<u8>> {
    ImageBuffer::from_fn(100, 60, |x, _| if x < 50 { Rgb([255, 0, 0]) } else { Rgb([0, 0, 255]) })
}

#[test]
fn photos_are_cropped_resized_and_listed_in_path_order() {
    let dir = temp_dir("folder-photos");
    let src = dir.join("photos");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    split_image().save(src.join("a_split.png")).unwrap();
    // A tall JPEG, a 16-bit grey PNG, a transparent PNG in a subfolder, a broken "photo", a text file.
    ImageBuffer::from_fn(40, 90, |_, y| if y < 45 { Rgb([250u8, 250, 250]) } else { Rgb([10, 10, 10]) })
        .save(src.join("b_tall.JPG"))
        .unwrap();
    ImageBuffer::from_pixel(20, 20, Luma([40000u16])).save(src.join("c_grey16.png")).unwrap();
    ImageBuffer::from_pixel(8, 8, Rgba([0u8, 200, 0, 10])).save(src.join("sub").join("d_rgba.png")).unwrap();
    std::fs::write(src.join("broken.jpg"), b"\xFF\xD8 this is not a JPEG").unwrap();
    std::fs::write(src.join("notes.txt"), b"not an image").unwrap();

    let out = dir.join("out.zip");
    let report = convert_folder(&src, 32, &out, &Silent).unwrap();
    assert_eq!(report.written, 4);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].0, src.join("broken.jpg"));
    assert!(report.skipped[0].1.contains("cannot read image"), "{}", report.skipped[0].1);

    let entries = read_zip(&out);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "00000/img00000000.png",
            "00000/img00000001.png",
            "00000/img00000002.png",
            "00000/img00000003.png",
            "dataset.json"
        ]
    );
    let json: serde_json::Value = serde_json::from_slice(&entries[4].1).unwrap();
    assert!(json["labels"].is_null());
    let imgs: Vec<image::DynamicImage> =
        entries[..4].iter().map(|(_, b)| image::load_from_memory(b).unwrap()).collect();
    for img in &imgs {
        assert_eq!(img.color(), image::ColorType::Rgb8);
        assert_eq!((img.width(), img.height()), (32, 32));
    }
    // Sorted paths: a_split.png, b_tall.JPG, c_grey16.png, sub/d_rgba.png.
    let split = imgs[0].to_rgb8();
    // The crop x 20..80 puts the red/blue edge at column 16 of 32; far from it the colours are pure.
    for y in 0..32 {
        for x in 0..12 {
            assert_eq!(split.get_pixel(x, y).0, [255, 0, 0], "({x}, {y})");
            assert_eq!(split.get_pixel(31 - x, y).0, [0, 0, 255], "({}, {y})", 31 - x);
        }
    }
    let tall = imgs[1].to_rgb8();
    // The crop y 25..65 of the 40×90 image puts the light/dark edge at row 16 (JPEG: near, not exact).
    assert!(tall.get_pixel(16, 4).0.iter().all(|&v| v > 235));
    assert!(tall.get_pixel(16, 28).0.iter().all(|&v| v < 25));
    let grey = imgs[2].to_rgb8();
    assert!(grey.pixels().all(|p| p.0 == [156, 156, 156]), "{:?}", grey.get_pixel(0, 0));
    let rgba = imgs[3].to_rgb8();
    assert!(rgba.pixels().all(|p| p.0 == [0, 200, 0]));

    // The same folder gives the same bytes.
    let again = dir.join("again.zip");
    convert_folder(&src, 32, &again, &Silent).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn nothing_readable_is_an_error_naming_the_folder_and_writes_nothing() {
    let dir = temp_dir("folder-empty");
    let src = dir.join("empty");
    std::fs::create_dir_all(&src).unwrap();
    let out = dir.join("out.zip");
    let e = convert_folder(&src, 32, &out, &Silent).unwrap_err();
    assert!(e.to_string().starts_with(&src.display().to_string()), "{e}");
    assert!(e.to_string().contains("no PNG or JPEG images"), "{e}");

    std::fs::write(src.join("x.png"), b"garbage").unwrap();
    let e = convert_folder(&src, 32, &out, &Silent).unwrap_err();
    assert!(e.to_string().contains("none of the 1 image files could be read"), "{e}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "a partial archive was left behind");

    let e = convert_folder(&dir.join("missing"), 32, &out, &Silent).unwrap_err();
    assert!(e.to_string().contains("missing"), "{e}");
    let e = convert_folder(&src, 100, &out, &Silent).unwrap_err();
    assert!(e.to_string().contains("power of two"), "{e}");
}

struct Cancelled;
impl Monitor for Cancelled {
    fn set_fraction(&self, _f: f64) -> Result<()> {
        Err(Error::Cancelled)
    }
    fn log(&self, _line: &str) {}
    fn is_cancelled(&self) -> bool {
        true
    }
}

#[test]
fn cancelling_writes_nothing() {
    let dir = temp_dir("folder-cancel");
    let src = dir.join("photos");
    std::fs::create_dir_all(&src).unwrap();
    split_image().save(src.join("a.png")).unwrap();
    let out = dir.join("out.zip");
    assert!(matches!(convert_folder(&src, 16, &out, &Cancelled), Err(Error::Cancelled)));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}
