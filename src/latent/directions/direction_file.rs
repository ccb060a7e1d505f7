//! Direction files: `.npy` import (InterFaceGAN boundaries and our own exports) and export.
//!
//! Accepted shapes, float32 or float64:
//! - `(w_dim,)` and `(1, w_dim)`: one W direction;
//! - `(k, w_dim)`: k W directions (our export format, strongest first), except that a file of
//!   exactly `num_ws` rows with no sidecar JSON is read as one W+ direction (one row per W+
//!   row, as InterFaceGAN's per-layer boundaries);
//! - `(1, num_ws, w_dim)` and `(k, num_ws, w_dim)`: W+ directions.
//!
//! A width that is not the network's `w_dim` is rejected with a message naming the file and
//! both widths. A sidecar `FILE.json` (written by [`write_direction_set`]) supplies σ per row
//! (`"sigma"`) and names (`"names"`); without it σ is measured from samples by the caller.

use std::path::{Path, PathBuf};

use crate::error::ResultExt;
use crate::latent::directions::direction::Direction;
use crate::latent::directions::npy::{read_npy, write_npy_f32};
use crate::{Error, Result};

/// `FILE.npy[:ROW]` → (path, row).
pub fn parse_direction_spec(spec: &str) -> (PathBuf, Option<usize>) {
    if let Some((path, row)) = spec.rsplit_once(':')
        && !row.is_empty()
        && row.bytes().all(|b| b.is_ascii_digit())
        && let Ok(r) = row.parse()
    {
        return (PathBuf::from(path), Some(r));
    }
    (PathBuf::from(spec), None)
}

/// The sidecar path of a direction file: `x.npy` → `x.json`.
pub fn sidecar_path(path: &Path) -> PathBuf {
    path.with_extension("json")
}

/// Reads every direction in `path` for a network of `w_dim` / `num_ws`. σ comes from the
/// sidecar when there is one, else it is 0 ("unknown"; [`Direction`] turns it into 1) and
/// `needs_sigma` is true.
pub fn read_directions(path: &Path, w_dim: usize, num_ws: usize) -> Result<(Vec<Direction>, bool)> {
    let arr = read_npy(path)?;
    let sidecar = read_sidecar(path)?;
    let width = arr.shape.last().copied().unwrap_or(0);
    let mismatch = |w: usize| {
        Error::Invalid(format!(
            "direction width {w} does not match the network's w_dim {w_dim} (array shape {:?})",
            arr.shape
        ))
        .in_file(path)
    };
    if arr.shape.is_empty() || arr.shape.len() > 3 {
        return Err(Error::Invalid(format!(
            "a direction must have shape (w_dim,), (k, w_dim), (num_ws, w_dim) or (k, num_ws, w_dim); this array has shape {:?}",
            arr.shape
        ))
        .in_file(path));
    }
    if width != w_dim {
        return Err(mismatch(width));
    }
    let (count, rows) = match arr.shape.as_slice() {
        [_] => (1, 1),
        [k, _] if *k == num_ws && num_ws > 1 && sidecar.is_none() => (1, num_ws),
        [k, _] => (*k, 1),
        [k, r, _] if *r == num_ws || *r == 1 => (*k, *r),
        [_, r, _] => {
            return Err(Error::Invalid(format!(
                "a W+ direction needs {num_ws} rows (the network's num_ws), this one has {r} (shape {:?})",
                arr.shape
            ))
            .in_file(path));
        }
        _ => unreachable_shape(&arr.shape).in_file(path)?,
    };
    if count == 0 {
        return Err(Error::Invalid("the file holds no direction (zero rows)".into()).in_file(path));
    }
    let stem = path.file_stem().map_or_else(|| "direction".to_string(), |s| s.to_string_lossy().into_owned());
    let sigmas = sidecar.as_ref().and_then(|s| f64_list(s, "sigma"));
    let names = sidecar.as_ref().and_then(|s| s.get("names")).and_then(|n| n.as_array()).cloned();
    let per = rows * w_dim;
    let dirs = (0..count)
        .map(|i| {
            let name = names
                .as_ref()
                .and_then(|n| n.get(i))
                .and_then(|n| n.as_str())
                .map_or_else(|| if count == 1 { stem.clone() } else { format!("{stem}[{i}]") }, str::to_string);
            let sigma = sigmas.as_ref().and_then(|s| s.get(i)).copied().unwrap_or(0.0);
            Direction::with_rows(name, &arr.data[i * per..(i + 1) * per], rows, w_dim, sigma).in_file(path)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((dirs, sigmas.is_none()))
}

/// Reads `FILE.npy[:ROW]`: every direction, or only row `ROW`.
pub fn read_direction_spec(spec: &str, w_dim: usize, num_ws: usize) -> Result<(Vec<Direction>, bool)> {
    let (path, row) = parse_direction_spec(spec);
    let (dirs, needs_sigma) = read_directions(&path, w_dim, num_ws)?;
    match row {
        None => Ok((dirs, needs_sigma)),
        Some(r) if r < dirs.len() => Ok((vec![dirs[r].clone()], needs_sigma)),
        Some(r) => Err(Error::Invalid(format!("row {r} does not exist: the file holds {} direction(s)", dirs.len()))
            .in_file(&path)),
    }
}

/// Writes `directions` (each `w_dim` values) as float32 `[k, w_dim]` and the sidecar JSON
/// `meta` (an object; `"w_dim"` and `"count"` are added).
pub fn write_direction_set(path: &Path, directions: &[Vec<f64>], meta: serde_json::Value) -> Result<()> {
    let w_dim = directions.first().map_or(0, Vec::len);
    if directions.is_empty() || directions.iter().any(|d| d.len() != w_dim) {
        return Err(Error::Invalid("a direction set needs at least one direction, all of the same width".into()));
    }
    let data: Vec<f32> = directions.iter().flatten().map(|&x| x as f32).collect();
    write_npy_f32(path, &[directions.len(), w_dim], &data)?;
    let mut meta = match meta {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    meta.insert("w_dim".into(), w_dim.into());
    meta.insert("count".into(), directions.len().into());
    let side = sidecar_path(path);
    let text = serde_json::to_string_pretty(&serde_json::Value::Object(meta))
        .map_err(|e| Error::Invalid(format!("cannot write the sidecar JSON: {e}")))?;
    std::fs::write(&side, text + "\n").in_file(&side)
}

fn read_sidecar(path: &Path) -> Result<Option<serde_json::Value>> {
    let side = sidecar_path(path);
    if !side.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&side).in_file(&side)?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Invalid(format!("the sidecar JSON does not parse: {e}")))
        .in_file(&side)?;
    Ok(Some(v))
}

fn f64_list(v: &serde_json::Value, key: &str) -> Option<Vec<f64>> {
    v.get(key)?.as_array()?.iter().map(serde_json::Value::as_f64).collect()
}

fn unreachable_shape(shape: &[usize]) -> Result<(usize, usize)> {
    Err(Error::Invalid(format!("unsupported direction shape {shape:?}")))
}

/// Samples used to measure σ of directions that come without one.
pub const SIGMA_SAMPLES: usize = 5000;

/// Reads `FILE.npy[:ROW]` for `generator`; directions without a σ in a sidecar get σ measured
/// from [`SIGMA_SAMPLES`] sampled w (seed 0), so that sliders are in σ units either way.
pub fn load_directions_for(generator: &crate::nn::generator::Generator, spec: &str) -> Result<Vec<Direction>> {
    let cfg = generator.config();
    let (mut dirs, needs_sigma) = read_direction_spec(spec, cfg.w_dim(), cfg.num_ws())?;
    if needs_sigma {
        let vecs: Vec<Vec<f64>> = dirs.iter().map(Direction::mean_vector).collect();
        let sig = crate::latent::directions::w_sampler::projection_sigmas(generator, &vecs, SIGMA_SAMPLES, 0)?;
        for (d, s) in dirs.iter_mut().zip(sig) {
            d.sigma = if s > 0.0 { s } else { 1.0 };
        }
    }
    Ok(dirs)
}
