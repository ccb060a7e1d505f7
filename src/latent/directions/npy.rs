//! Minimal `.npy` reading and writing for direction files: little-endian float32/float64 in C
//! order, format versions 1–3 (what NumPy writes for these arrays). Everything else is a clear
//! error, never a panic.

use std::path::Path;

use crate::error::ResultExt;
use crate::{Error, Result};

/// A float array read from a `.npy` file, widened to float64.
#[derive(Clone, Debug, PartialEq)]
pub struct NpyArray {
    pub shape: Vec<usize>,
    pub data: Vec<f64>,
    /// `<f4` or `<f8`.
    pub descr: String,
}

const MAGIC: &[u8] = b"\x93NUMPY";

/// Reads `path`; errors name the file.
pub fn read_npy(path: &Path) -> Result<NpyArray> {
    let bytes = std::fs::read(path).in_file(path)?;
    parse_npy(&bytes).in_file(path)
}

/// Parses `.npy` bytes.
pub fn parse_npy(bytes: &[u8]) -> Result<NpyArray> {
    let bad = |m: &str| Error::Invalid(format!("not a readable .npy array: {m}"));
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err(bad("missing the \\x93NUMPY magic"));
    }
    let (header_len, start): (usize, usize) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        v => return Err(bad(&format!("format version {v} is unknown"))),
    };
    let end = start.checked_add(header_len).filter(|e| *e <= bytes.len()).ok_or_else(|| bad("truncated header"))?;
    let header = std::str::from_utf8(&bytes[start..end]).map_err(|_| bad("header is not text"))?;
    let descr = dict_value(header, "descr").ok_or_else(|| bad("header has no 'descr'"))?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"').to_string();
    let fortran = dict_value(header, "fortran_order").ok_or_else(|| bad("header has no 'fortran_order'"))?;
    let shape_text = dict_value(header, "shape").ok_or_else(|| bad("header has no 'shape'"))?;
    let shape = parse_shape(shape_text).ok_or_else(|| bad(&format!("cannot read the shape {shape_text}")))?;
    let width = match descr.as_str() {
        "<f4" => 4,
        "<f8" => 8,
        other => {
            return Err(Error::Invalid(format!(
                "element type {other} is not supported (directions are float32 `<f4` or float64 `<f8`)"
            )));
        }
    };
    let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).ok_or_else(|| bad("shape overflows"))?;
    let body = &bytes[end..];
    if body.len() != count * width {
        return Err(bad(&format!("shape {shape:?} needs {} data bytes, the file has {}", count * width, body.len())));
    }
    let mut data: Vec<f64> = if width == 4 {
        body.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64).collect()
    } else {
        body.chunks_exact(8).map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect()
    };
    if fortran.trim() == "True" && shape.len() > 1 {
        data = fortran_to_c(&data, &shape);
    }
    Ok(NpyArray { shape, data, descr })
}

/// Writes a float32 C-order array of `shape` (format 1.0).
pub fn write_npy_f32(path: &Path, shape: &[usize], data: &[f32]) -> Result<()> {
    let count: usize = shape.iter().product();
    if count != data.len() {
        return Err(Error::Invalid(format!("shape {shape:?} does not hold {} values", data.len())));
    }
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_text = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape_text}, }}");
    let total = MAGIC.len() + 4 + header.len() + 1;
    header.push_str(&" ".repeat((64 - total % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + 4 * data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, out).in_file(path)
}

/// The text of `'key': value` in a Python dict literal (values here contain no top-level commas
/// except inside a tuple).
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header.find(&format!("'{key}'")).or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = header[at + key.len() + 2..].trim_start().strip_prefix(':')?.trim_start();
    if rest.starts_with('(') {
        let close = rest.find(')')?;
        return Some(&rest[..=close]);
    }
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn parse_shape(text: &str) -> Option<Vec<usize>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    inner.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse().ok()).collect()
}

fn fortran_to_c(data: &[f64], shape: &[usize]) -> Vec<f64> {
    let n = data.len();
    let mut out = vec![0.0; n];
    let mut idx = vec![0usize; shape.len()];
    for (c_pos, slot) in out.iter_mut().enumerate() {
        let mut rem = c_pos;
        for d in (0..shape.len()).rev() {
            idx[d] = rem % shape[d];
            rem /= shape[d];
        }
        let mut f_pos = 0;
        for d in (0..shape.len()).rev() {
            f_pos = f_pos * shape[d] + idx[d];
        }
        *slot = data[f_pos];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let dir = std::env::temp_dir().join(format!("stylescope-npy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.npy");
        write_npy_f32(&p, &[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.5]).unwrap();
        let a = read_npy(&p).unwrap();
        assert_eq!(a.shape, vec![2, 3]);
        assert_eq!(a.data, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.5]);
        assert_eq!(std::fs::read(&p).unwrap().len() % 64, 24); // 64-aligned header + 24 data bytes
        write_npy_f32(&p, &[4], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(read_npy(&p).unwrap().shape, vec![4]);
        // Fortran order is reordered.
        let mut bytes = std::fs::read(&p).unwrap();
        let hdr = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }";
        bytes.clear();
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&[1, 0]);
        bytes.extend_from_slice(&(hdr.len() as u16).to_le_bytes());
        bytes.extend_from_slice(hdr.as_bytes());
        for v in [1.0f64, 3.0, 2.0, 4.0] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(parse_npy(&bytes).unwrap().data, vec![1.0, 2.0, 3.0, 4.0]);
        assert!(parse_npy(&bytes[..bytes.len() - 1]).unwrap_err().to_string().contains("data bytes"));
        assert!(parse_npy(b"garbage...").is_err());
        let e = read_npy(&dir.join("missing.npy")).unwrap_err().to_string();
        assert!(e.contains("missing.npy"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
