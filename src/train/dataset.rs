//! Reading NVIDIA's dataset format (`training/dataset.py: ImageFolderDataset`, written by
//! `dataset_tool.py`): a folder or an uncompressed (or deflated) zip of square PNG images, all of
//! one size, with an optional `dataset.json` of labels:
//! `{"labels": [["00000/img00000000.png", 6], ...]}` (integer class labels become one-hot
//! vectors of `max + 1` classes; lists of numbers are used as they are) or `{"labels": null}`.
//!
//! Images are listed in sorted name order (as NVIDIA's `sorted(...)`); greyscale images have one
//! channel, RGB three, RGBA four.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::ResultExt;
use crate::{Error, Result};

/// Where the files are.
#[derive(Clone, Debug)]
enum Source {
    Folder(PathBuf),
    Zip(PathBuf),
}

/// An opened dataset: file names, labels and the image shape (read from the first image).
#[derive(Clone, Debug)]
pub struct ImageDataset {
    pub path: PathBuf,
    source: Source,
    /// Image file names relative to the dataset root, `/`-separated, sorted.
    pub names: Vec<String>,
    /// One label vector per image (`label_dim` values), or empty vectors when there are none.
    labels: Vec<Vec<f32>>,
    pub label_dim: usize,
    pub resolution: usize,
    pub channels: usize,
}

fn fail(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

fn is_png(name: &str) -> bool {
    name.rsplit('.').next().is_some_and(|e| e.eq_ignore_ascii_case("png"))
}

fn is_other_image(name: &str) -> bool {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "jpg" | "jpeg" | "bmp" | "webp" | "tif" | "tiff" | "gif")
}

fn list_folder(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).in_file(dir)? {
        let entry = entry.in_file(dir)?;
        let p = entry.path();
        if p.is_dir() {
            list_folder(root, &p, out)?;
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
        }
    }
    Ok(())
}

/// A PNG's bytes → `(width, height, channels, HWC bytes)`, 8 bits per sample.
pub fn decode_png(bytes: &[u8]) -> Result<(usize, usize, usize, Vec<u8>)> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .map_err(|e| fail(format!("not a readable PNG: {e}")))?;
    let (w, h) = (img.width() as usize, img.height() as usize);
    Ok(match img.color().channel_count() {
        1 | 2 if !img.color().has_alpha() => (w, h, 1, img.into_luma8().into_raw()),
        3 => (w, h, 3, img.into_rgb8().into_raw()),
        4 => (w, h, 4, img.into_rgba8().into_raw()),
        _ => return Err(fail(format!("{:?} images are not supported (grey, RGB or RGBA)", img.color()))),
    })
}

impl ImageDataset {
    /// Lists the images of a zip or folder, reads `dataset.json` and the first image's shape.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_inner(path).map_err(|e| e.in_file(path))
    }

    fn open_inner(path: &Path) -> Result<Self> {
        let (source, mut all) = if path.is_dir() {
            let mut all = Vec::new();
            list_folder(path, path, &mut all)?;
            (Source::Folder(path.to_path_buf()), all)
        } else if path.is_file() {
            let archive = zip::ZipArchive::new(File::open(path)?)
                .map_err(|e| fail(format!("neither a folder nor a readable zip archive: {e}")))?;
            let names = archive
                .file_names()
                .map(|n| n.map(|n| n.into_owned()))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| fail(format!("unreadable zip archive: {e}")))?;
            (Source::Zip(path.to_path_buf()), names)
        } else {
            return Err(Error::Io(std::io::Error::new(std::io::ErrorKind::NotFound, "no such dataset file or folder")));
        };
        all.sort();
        let names: Vec<String> = all.iter().filter(|n| is_png(n)).cloned().collect();
        if names.is_empty() {
            let other = all.iter().find(|n| is_other_image(n));
            return Err(fail(match other {
                Some(o) => format!(
                    "no PNG images (found `{o}`; convert the dataset with NVIDIA's dataset_tool.py, which writes PNGs)"
                ),
                None => "no PNG images in the dataset".to_string(),
            }));
        }
        let mut ds = Self {
            path: path.to_path_buf(),
            source,
            names,
            labels: Vec::new(),
            label_dim: 0,
            resolution: 0,
            channels: 0,
        };
        let mut reader = ds.reader()?;
        if all.iter().any(|n| n == "dataset.json") {
            let text = reader.read("dataset.json")?;
            ds.read_labels(&text)?;
        }
        let first = reader.read(&ds.names[0])?;
        let (w, h, c, _) = decode_png(&first).map_err(|e| fail(format!("{}: {e}", ds.names[0])))?;
        if w != h || w < 4 || !w.is_power_of_two() {
            return Err(fail(format!(
                "images must be square with a power-of-two size ≥ 4; `{}` is {w}×{h}",
                ds.names[0]
            )));
        }
        ds.resolution = w;
        ds.channels = c;
        Ok(ds)
    }

    fn read_labels(&mut self, text: &[u8]) -> Result<()> {
        let json: serde_json::Value = serde_json::from_slice(text).map_err(|e| fail(format!("dataset.json: {e}")))?;
        let list = match json.get("labels") {
            None | Some(serde_json::Value::Null) => return Ok(()),
            Some(serde_json::Value::Array(a)) => a,
            Some(_) => return Err(fail("dataset.json: `labels` must be a list of [file name, label] pairs or null")),
        };
        let mut by_name: HashMap<String, &serde_json::Value> = HashMap::new();
        for pair in list {
            match pair.as_array().map(Vec::as_slice) {
                Some([serde_json::Value::String(n), v]) => {
                    by_name.insert(n.replace('\\', "/"), v);
                }
                _ => return Err(fail(format!("dataset.json: expected a [file name, label] pair, found {pair}"))),
            }
        }
        let raw: Vec<&serde_json::Value> = self
            .names
            .iter()
            .map(|n| by_name.get(n).copied().ok_or_else(|| fail(format!("dataset.json has no label for `{n}`"))))
            .collect::<Result<_>>()?;
        if raw.iter().all(|v| v.is_u64()) {
            let classes: Vec<usize> = raw.iter().filter_map(|v| v.as_u64()).map(|v| v as usize).collect();
            let dim = classes.iter().max().map_or(0, |m| m + 1);
            if dim > 100_000 {
                return Err(fail(format!("dataset.json: class label {} is implausibly large", dim - 1)));
            }
            self.labels = classes.iter().map(|&k| (0..dim).map(|i| if i == k { 1.0 } else { 0.0 }).collect()).collect();
            self.label_dim = dim;
        } else {
            let vecs: Vec<Vec<f32>> = raw
                .iter()
                .map(|v| {
                    v.as_array()
                        .and_then(|a| a.iter().map(|x| x.as_f64().map(|f| f as f32)).collect::<Option<Vec<_>>>())
                        .ok_or_else(|| {
                            fail(format!(
                                "dataset.json: labels must all be class numbers or all lists of numbers, found {v}"
                            ))
                        })
                })
                .collect::<Result<_>>()?;
            let dim = vecs.first().map_or(0, Vec::len);
            if vecs.iter().any(|v| v.len() != dim) {
                return Err(fail("dataset.json: label vectors of different lengths"));
            }
            self.labels = vecs;
            self.label_dim = dim;
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The dataset's name as NVIDIA's run directories use it (file or folder name without extension).
    pub fn name(&self) -> String {
        self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "dataset".into())
    }

    /// The label of image `i` (`label_dim` values; empty without labels).
    pub fn label(&self, i: usize) -> &[f32] {
        self.labels.get(i).map_or(&[], Vec::as_slice)
    }

    /// A reader with its own file handle (one per thread).
    pub fn reader(&self) -> Result<DatasetReader> {
        let archive = match &self.source {
            Source::Folder(_) => None,
            Source::Zip(p) => Some(
                zip::ZipArchive::new(File::open(p).in_file(p)?)
                    .map_err(|e| fail(format!("not a readable zip archive: {e}")).in_file(p))?,
            ),
        };
        Ok(DatasetReader {
            source: self.source.clone(),
            archive,
            names: self.names.clone(),
            shape: (self.resolution, self.channels),
        })
    }
}

/// Reads and decodes images of one dataset.
pub struct DatasetReader {
    source: Source,
    archive: Option<zip::ZipArchive<File>>,
    names: Vec<String>,
    /// (resolution, channels) every image must have (0 before the first one is known).
    shape: (usize, usize),
}

impl DatasetReader {
    /// The raw bytes of file `name` of the dataset.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>> {
        match (&self.source, &mut self.archive) {
            (Source::Folder(root), _) => {
                let p = root.join(name);
                std::fs::read(&p).in_file(&p)
            }
            (Source::Zip(p), Some(archive)) => {
                let mut f = archive.by_name(name).map_err(|e| fail(format!("`{name}`: {e}")).in_file(p))?;
                let mut out = Vec::with_capacity(f.size() as usize);
                f.read_to_end(&mut out).map_err(|e| fail(format!("`{name}`: {e}")).in_file(p))?;
                Ok(out)
            }
            (Source::Zip(p), None) => Err(fail("the zip archive is not open").in_file(p)),
        }
    }

    /// Image `i` as CHW bytes, x-flipped when `xflip`.
    pub fn image(&mut self, i: usize, xflip: bool) -> Result<Vec<u8>> {
        let name = self.names.get(i).cloned().ok_or_else(|| fail(format!("image {i} of {}", self.names.len())))?;
        let bytes = self.read(&name)?;
        let (w, h, c, hwc) = decode_png(&bytes).map_err(|e| fail(format!("`{name}`: {e}")))?;
        let (res, ch) = self.shape;
        if (w, h, c) != (res, res, ch) {
            return Err(fail(format!(
                "`{name}` is {w}×{h} with {c} channels; the dataset's images are {res}×{res} with {ch}"
            )));
        }
        let mut chw = vec![0u8; c * h * w];
        for y in 0..h {
            for x in 0..w {
                let sx = if xflip { w - 1 - x } else { x };
                for k in 0..c {
                    chw[(k * h + y) * w + x] = hwc[(y * w + sx) * c + k];
                }
            }
        }
        Ok(chw)
    }
}
