//! Reading NVIDIA-format datasets for training: zip archives (as our writer and NVIDIA's
//! `dataset_tool.py` make them) and folders, labels from `dataset.json`, x-flips, and clear
//! errors naming the file for broken input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use stylescope::raster::Raster;
use stylescope::train::dataset::ImageDataset;
use stylescope::train::datasets::writer::{DatasetZipWriter, encode_png, image_name, write_dataset_json};

fn image(res: usize, channels: usize, seed: usize) -> Raster {
    let px = (0..res * res * channels).map(|i| ((i * 37 + seed * 101) % 256) as u8).collect();
    Raster::new(res, res, channels, px).unwrap()
}

#[test]
fn zip_with_class_labels_reads_back() {
    let dir = common::temp_dir("test-ds-zip");
    let path = dir.join("data.zip");
    let mut w = DatasetZipWriter::create(&path).unwrap();
    let images: Vec<Raster> = (0..5).map(|i| image(8, 3, i)).collect();
    for r in &images {
        w.add_image(&encode_png(r).unwrap()).unwrap();
    }
    let classes = [2, 0, 1, 2, 0];
    w.add_file("dataset.json", |out| write_dataset_json(out, 5, Some(&|i| classes[i].to_string()), &[])).unwrap();
    w.finish().unwrap();

    let ds = ImageDataset::open(&path).unwrap();
    assert_eq!((ds.len(), ds.resolution, ds.channels, ds.label_dim), (5, 8, 3, 3));
    assert_eq!(ds.names[1], image_name(1));
    assert_eq!(ds.label(0), [0.0, 0.0, 1.0]);
    assert_eq!(ds.label(1), [1.0, 0.0, 0.0]);
    assert_eq!(ds.name(), "data");
    let mut reader = ds.reader().unwrap();
    let chw = reader.image(3, false).unwrap();
    let src = &images[3];
    for (y, x, k) in [(0, 0, 0), (7, 2, 1), (3, 5, 2)] {
        assert_eq!(chw[(k * 8 + y) * 8 + x], src.pixels[(y * 8 + x) * 3 + k]);
    }
    let flipped = reader.image(3, true).unwrap();
    assert_eq!(flipped[(2 * 8 + 3) * 8 + 1], src.pixels[(3 * 8 + 6) * 3 + 2], "x-flip mirrors columns");
}

#[test]
fn folder_with_vector_labels_and_grey_images() {
    let dir = common::temp_dir("test-ds-folder");
    let data = dir.join("grey");
    std::fs::create_dir_all(data.join("00000")).unwrap();
    for i in 0..3 {
        image(4, 1, i).save_png(&data.join(format!("00000/img{i:08}.png"))).unwrap();
    }
    std::fs::write(data.join("notes.txt"), "not an image").unwrap();
    std::fs::write(
        data.join("dataset.json"),
        r#"{"labels": [["00000/img00000000.png", [0.5, 1]], ["00000/img00000001.png", [0, 0]], ["00000/img00000002.png", [1, -1]]]}"#,
    )
    .unwrap();
    let ds = ImageDataset::open(&data).unwrap();
    assert_eq!((ds.len(), ds.resolution, ds.channels, ds.label_dim), (3, 4, 1, 2));
    assert_eq!(ds.label(2), [1.0, -1.0]);
    let img = ds.reader().unwrap().image(2, false).unwrap();
    assert_eq!(img, image(4, 1, 2).pixels);
}

#[test]
fn broken_datasets_give_errors_that_name_the_file() {
    let dir = common::temp_dir("test-ds-bad");
    let err = |p: &std::path::Path| ImageDataset::open(p).unwrap_err().to_string();

    let missing = dir.join("nope.zip");
    assert!(err(&missing).contains("nope.zip"));

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(err(&empty).contains("no PNG images"), "{}", err(&empty));

    let jpg = dir.join("jpg");
    std::fs::create_dir_all(&jpg).unwrap();
    std::fs::write(jpg.join("a.jpg"), b"\xff\xd8").unwrap();
    assert!(err(&jpg).contains("dataset_tool"), "{}", err(&jpg));

    let wide = dir.join("wide");
    std::fs::create_dir_all(&wide).unwrap();
    Raster::new(8, 4, 3, vec![0; 96]).unwrap().save_png(&wide.join("a.png")).unwrap();
    let e = err(&wide);
    assert!(e.contains("wide") && e.contains("8×4"), "{e}");

    let mixed = dir.join("mixed");
    std::fs::create_dir_all(&mixed).unwrap();
    image(8, 3, 0).save_png(&mixed.join("a.png")).unwrap();
    image(4, 3, 0).save_png(&mixed.join("b.png")).unwrap();
    let ds = ImageDataset::open(&mixed).unwrap();
    let e = ds.reader().unwrap().image(1, false).unwrap_err().to_string();
    assert!(e.contains("b.png") && e.contains("4×4"), "{e}");

    let labels = dir.join("labels");
    std::fs::create_dir_all(&labels).unwrap();
    image(4, 3, 0).save_png(&labels.join("a.png")).unwrap();
    std::fs::write(labels.join("dataset.json"), r#"{"labels": [["other.png", 1]]}"#).unwrap();
    assert!(err(&labels).contains("no label for `a.png`"), "{}", err(&labels));
    std::fs::write(labels.join("dataset.json"), "{not json").unwrap();
    assert!(err(&labels).contains("dataset.json"), "{}", err(&labels));

    let corrupt = dir.join("corrupt");
    std::fs::create_dir_all(&corrupt).unwrap();
    std::fs::write(corrupt.join("a.png"), b"\x89PNG\r\n\x1a\ngarbage").unwrap();
    let e = err(&corrupt);
    assert!(e.contains("corrupt") && e.contains("a.png") && e.contains("PNG"), "{e}");
}
