//! `from-folder`: photos (PNG or JPEG, any size, in a folder and its subfolders) centre-cropped
//! to a square and resized with a Lanczos-3 filter into NVIDIA's dataset format.
//!
//! Files are taken in the order of their paths, so the same folder gives the same archive.
//! Grey, 16-bit and transparent images are converted to 8-bit RGB (alpha is dropped); JPEG EXIF
//! orientation is applied. A file that cannot be decoded is skipped and reported (by name,
//! with the reason, in the log and in the returned [`FolderReport`]): one broken photo should
//! not cost a long conversion. A folder with no readable image at all is an error.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader};
use rayon::prelude::*;

use super::folder_report::FolderReport;
use super::writer::{DatasetZipWriter, encode_png, write_dataset_json};
use crate::error::ResultExt;
use crate::progress::Monitor;
use crate::raster::Raster;
use crate::{Error, Result};

/// Files converted in parallel between two progress reports.
const CHUNK: usize = 64;

fn is_image_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["png", "jpg", "jpeg"].iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The image files under `dir` (recursively, not following links to folders), sorted by path.
pub fn list_images(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).in_file(&d)? {
            let entry = entry.in_file(&d)?;
            let path = entry.path();
            if entry.file_type().in_file(&path)?.is_dir() {
                stack.push(path);
            } else if is_image_file(&path) && path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads an image file, applies its EXIF orientation and converts it to 8-bit RGB.
pub fn read_rgb(path: &Path) -> Result<image::RgbImage> {
    let bad = |e: image::ImageError| Error::Invalid(format!("cannot read image: {e}")).in_file(path);
    let reader = ImageReader::open(path).in_file(path)?.with_guessed_format().in_file(path)?;
    let mut decoder = reader.into_decoder().map_err(bad)?;
    let orientation = decoder.orientation().map_err(bad)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(bad)?;
    img.apply_orientation(orientation);
    Ok(img.to_rgb8())
}

/// The largest centred square of `img`, resized to `resolution`² with Lanczos-3.
pub fn centre_crop_resize(img: &image::RgbImage, resolution: u32) -> Result<Raster> {
    let (w, h) = img.dimensions();
    let side = w.min(h);
    if side == 0 {
        return Err(Error::Invalid("image is empty".into()));
    }
    let square = image::imageops::crop_imm(img, (w - side) / 2, (h - side) / 2, side, side).to_image();
    let resized = if side == resolution {
        square
    } else {
        image::imageops::resize(&square, resolution, resolution, FilterType::Lanczos3)
    };
    Raster::new(resolution as usize, resolution as usize, 3, resized.into_raw())
}

/// Converts the images under `dir` into a data set at `out` (a `.zip`) of `resolution`²
/// images, unlabelled (`dataset.json` says `"labels": null`). Progress and cancellation go
/// through `monitor`; on an error or cancellation `out` is left as it was.
pub fn convert_folder(dir: &Path, resolution: usize, out: &Path, monitor: &dyn Monitor) -> Result<FolderReport> {
    if !resolution.is_power_of_two() || !(4..=8192).contains(&resolution) {
        return Err(Error::Invalid(format!("resolution must be a power of two from 4 to 8192, got {resolution}")));
    }
    let files = list_images(dir)?;
    if files.is_empty() {
        return Err(Error::Invalid("no PNG or JPEG images in this folder".into()).in_file(dir));
    }
    let mut writer = DatasetZipWriter::create(out)?;
    let mut report = FolderReport::default();
    monitor.set_count(0, files.len() as u64)?;
    for (chunk_index, chunk) in files.chunks(CHUNK).enumerate() {
        let results: Vec<Result<Vec<u8>>> = chunk
            .par_iter()
            .map(|path| {
                monitor.check()?;
                let img = read_rgb(path)?;
                encode_png(&centre_crop_resize(&img, resolution as u32).map_err(|e| e.in_file(path))?)
            })
            .collect();
        for (path, result) in chunk.iter().zip(results) {
            match result {
                Ok(png) => writer.add_image(&png)?,
                Err(Error::Cancelled) => return Err(Error::Cancelled),
                Err(e) => {
                    monitor.log(&format!("skipped {e}"));
                    report.skipped.push((path.clone(), e.root().to_string()));
                }
            }
        }
        monitor.set_count((chunk_index * CHUNK + chunk.len()) as u64, files.len() as u64)?;
    }
    report.written = writer.images();
    if report.written == 0 {
        return Err(Error::Invalid(format!("none of the {} image files could be read", files.len())).in_file(dir));
    }
    let meta = serde_json::json!({"generator": "from-folder", "resolution": resolution});
    writer.add_file("dataset.json", |w| write_dataset_json(w, report.written, None, &[("stylescope", meta)]))?;
    writer.finish()?;
    Ok(report)
}
