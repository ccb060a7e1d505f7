//! Writes a data set in NVIDIA's format: an uncompressed ZIP of PNGs named
//! `00000/img00000000.png` (1000 per folder), plus `dataset.json` and any further files.
//!
//! The archive is written to a temporary file beside the destination and renamed into place
//! by [`DatasetZipWriter::finish`]; a writer dropped before that (an error, a cancellation)
//! removes the temporary file, so the destination is either the complete data set or untouched.
//! Every entry has a fixed time stamp and permissions: the same content gives the same bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::ResultExt;
use crate::raster::Raster;
use crate::{Error, Result};

/// The name of image `index` in NVIDIA's layout.
pub fn image_name(index: usize) -> String {
    format!("{:05}/img{:08}.png", index / 1000, index)
}

/// Encodes an 8-bit image as PNG (fast deflate, adaptive filters; deterministic).
pub fn encode_png(r: &Raster) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let color = match r.channels {
        1 => image::ExtendedColorType::L8,
        3 => image::ExtendedColorType::Rgb8,
        _ => image::ExtendedColorType::Rgba8,
    };
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&r.pixels, r.width as u32, r.height as u32, color)
        .map_err(|e| Error::Invalid(format!("cannot encode PNG: {e}")))?;
    Ok(out)
}

fn zip_error(e: zip::result::ZipError) -> Error {
    match e {
        zip::result::ZipError::Io(io) => Error::Io(io),
        other => Error::Invalid(format!("zip: {other}")),
    }
}

/// A data set archive being written.
pub struct DatasetZipWriter {
    path: PathBuf,
    temp: PathBuf,
    zip: Option<ZipWriter<BufWriter<File>>>,
    images: usize,
}

impl DatasetZipWriter {
    /// Starts the archive that [`finish`](Self::finish) will leave at `path` (which must end in
    /// `.zip`; its folder is created if missing).
    pub fn create(path: &Path) -> Result<Self> {
        let is_zip = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        let name = path.file_name().and_then(|n| n.to_str()).filter(|_| is_zip);
        let Some(name) = name else {
            return Err(Error::Invalid("the output must be a .zip file".into()).in_file(path));
        };
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).in_file(dir)?;
        let temp = dir.join(format!(".{name}.{}.partial", std::process::id()));
        let file = File::create(&temp).in_file(&temp)?;
        Ok(Self { path: path.to_path_buf(), temp, zip: Some(ZipWriter::new(BufWriter::new(file))), images: 0 })
    }

    /// How many images have been added.
    pub fn images(&self) -> usize {
        self.images
    }

    fn options() -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644)
    }

    /// Adds the next image (PNG bytes) as [`image_name`]`(self.images())`.
    pub fn add_image(&mut self, png: &[u8]) -> Result<()> {
        let name = image_name(self.images);
        self.add_file(&name, |w| w.write_all(png))?;
        self.images += 1;
        Ok(())
    }

    /// Adds a file whose content `write` produces.
    pub fn add_file(&mut self, name: &str, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let temp = self.temp.clone();
        let zip = self.zip.as_mut().ok_or_else(|| Error::Invalid("archive already finished".into()))?;
        zip.start_file(name, Self::options()).map_err(zip_error).in_file(&temp)?;
        write(zip).in_file(&temp)
    }

    /// Completes the archive and moves it to its destination (replacing any file there).
    pub fn finish(mut self) -> Result<()> {
        let zip = self.zip.take().ok_or_else(|| Error::Invalid("archive already finished".into()))?;
        let buffered = zip.finish().map_err(zip_error).in_file(&self.temp)?;
        let file = buffered.into_inner().map_err(|e| Error::Io(e.into_error())).in_file(&self.temp)?;
        file.sync_all().in_file(&self.temp)?;
        drop(file);
        std::fs::rename(&self.temp, &self.path).in_file(&self.path)?;
        Ok(())
    }
}

impl Drop for DatasetZipWriter {
    fn drop(&mut self) {
        if self.zip.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes `dataset.json`: `{"labels": [[name, label], ...]}` with the label JSON of each of the
/// `count` images, or `{"labels": null}` without labels (as NVIDIA's `dataset_tool.py` does),
/// followed by the `extra` keys (NVIDIA's loader reads only `labels`).
pub fn write_dataset_json(
    w: &mut dyn Write,
    count: usize,
    label: Option<&dyn Fn(usize) -> String>,
    extra: &[(&str, serde_json::Value)],
) -> std::io::Result<()> {
    match label {
        None => w.write_all(b"{\"labels\": null")?,
        Some(label) => {
            w.write_all(b"{\"labels\": [")?;
            for i in 0..count {
                let sep = if i == 0 { "\n" } else { ",\n" };
                write!(w, "{sep}[\"{}\", {}]", image_name(i), label(i))?;
            }
            w.write_all(b"\n]")?;
        }
    }
    for (key, value) in extra {
        write!(w, ",\n{}: {}", serde_json::Value::from(*key), value)?;
    }
    w.write_all(b"}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_nvidia_layout() {
        assert_eq!(image_name(0), "00000/img00000000.png");
        assert_eq!(image_name(999), "00000/img00000999.png");
        assert_eq!(image_name(1000), "00001/img00001000.png");
        assert_eq!(image_name(123_456), "00123/img00123456.png");
    }

    #[test]
    fn dataset_json_is_valid_json() {
        let mut buf = Vec::new();
        let label = |i: usize| format!("[{i}, 0.5]");
        write_dataset_json(&mut buf, 2, Some(&label), &[("note", serde_json::json!({"a": 1}))]).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["labels"][1][0], "00000/img00000001.png");
        assert_eq!(v["labels"][1][1][1], 0.5);
        assert_eq!(v["note"]["a"], 1);
        let mut buf = Vec::new();
        write_dataset_json(&mut buf, 2, None, &[]).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert!(v["labels"].is_null());
    }

    #[test]
    fn unfinished_archives_leave_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("stylescope-writer-{}", std::process::id()));
        let out = dir.join("a.zip");
        {
            let mut w = DatasetZipWriter::create(&out).unwrap();
            w.add_image(b"not really a png").unwrap();
        }
        assert!(!out.exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        assert!(DatasetZipWriter::create(&dir.join("a.tar")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
