//! Saving what the views show: file naming as the visualizer's capture widget (`NNNNN.png`, one
//! more than the largest leading number in the folder) and the side-by-side composite.

use std::path::{Path, PathBuf};

use crate::raster::Raster;
use crate::{Error, Result};

/// The next free capture path in `dir`: `{n:05}{suffix}.png` with `n` one more than the largest
/// leading integer of any file name in `dir` (1 in an empty or missing folder).
pub fn next_capture_path(dir: &Path, suffix: &str) -> PathBuf {
    let mut last = 0u64;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u64>() {
                last = last.max(n);
            }
        }
    }
    dir.join(format!("{:05}{suffix}.png", last + 1))
}

/// Images placed left to right, top-aligned, with `gap` black pixels between them (RGB).
pub fn side_by_side(images: &[&Raster], gap: usize) -> Result<Raster> {
    if images.is_empty() {
        return Err(Error::Invalid("nothing to put side by side".into()));
    }
    let height = images.iter().map(|r| r.height).max().unwrap_or(0);
    let width = images.iter().map(|r| r.width).sum::<usize>() + gap * (images.len() - 1);
    let mut pixels = vec![0u8; width * height * 3];
    let mut x0 = 0;
    for img in images {
        let rgba = img.to_rgba();
        for y in 0..img.height {
            for x in 0..img.width {
                let s = (y * img.width + x) * 4;
                let d = (y * width + x0 + x) * 3;
                pixels[d..d + 3].copy_from_slice(&rgba[s..s + 3]);
            }
        }
        x0 += img.width + gap;
    }
    Raster::new(width, height, 3, pixels)
}

/// Writes `raster` as the next capture in `dir` (creating the folder); returns the path.
pub fn save_capture(dir: &Path, suffix: &str, raster: &Raster) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::from(e).in_file(dir))?;
    let path = next_capture_path(dir, suffix);
    raster.save_png(&path)?;
    Ok(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn numbering_follows_the_largest_leading_integer() {
        let dir = std::env::temp_dir().join(format!("stylescope-capture-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(next_capture_path(&dir, ""), dir.join("00001.png"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("00007-compare.png"), b"x").unwrap();
        std::fs::write(dir.join("notes.txt"), b"x").unwrap();
        std::fs::write(dir.join("3.png"), b"x").unwrap();
        assert_eq!(next_capture_path(&dir, ""), dir.join("00008.png"));
        let r = Raster::new(1, 1, 3, vec![1, 2, 3]).unwrap();
        let p = save_capture(&dir, "-compare", &r).unwrap();
        assert_eq!(p, dir.join("00008-compare.png"));
        assert!(p.is_file());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn composite_places_images_side_by_side() {
        let a = Raster::new(1, 2, 3, vec![1, 1, 1, 2, 2, 2]).unwrap();
        let b = Raster::new(2, 1, 1, vec![9, 8]).unwrap();
        let c = side_by_side(&[&a, &b], 1).unwrap();
        assert_eq!((c.width, c.height), (4, 2));
        assert_eq!(c.rgba_at(0, 1), Some([2, 2, 2, 255]));
        assert_eq!(c.rgba_at(1, 0), Some([0, 0, 0, 255]));
        assert_eq!(c.rgba_at(3, 0), Some([8, 8, 8, 255]));
        assert_eq!(c.rgba_at(3, 1), Some([0, 0, 0, 255]));
    }
}
