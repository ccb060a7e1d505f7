//! A plain CPU image: the one image type shared by jobs, the GPU display and the command line.

use crate::{Error, Result};

/// 8-bit image, row-major, interleaved channels (1 = grey, 3 = RGB, 4 = RGBA).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raster {
    pub width: usize,
    pub height: usize,
    pub channels: usize,
    pub pixels: Vec<u8>,
}

impl Raster {
    pub fn new(width: usize, height: usize, channels: usize, pixels: Vec<u8>) -> Result<Self> {
        if !(matches!(channels, 1 | 3 | 4)) || pixels.len() != width * height * channels {
            return Err(Error::Invalid(format!(
                "raster of {width}x{height}x{channels} needs {} bytes, got {}",
                width * height * channels,
                pixels.len()
            )));
        }
        Ok(Self { width, height, channels, pixels })
    }

    /// The pixel at (x, y) as RGBA (grey is replicated, alpha is 255 unless present).
    pub fn rgba_at(&self, x: usize, y: usize) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y * self.width + x) * self.channels;
        let p = &self.pixels[i..i + self.channels];
        Some(match self.channels {
            1 => [p[0], p[0], p[0], 255],
            3 => [p[0], p[1], p[2], 255],
            _ => [p[0], p[1], p[2], p[3]],
        })
    }

    /// The image as tightly packed RGBA8.
    pub fn to_rgba(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.width * self.height * 4);
        for px in self.pixels.chunks_exact(self.channels) {
            match self.channels {
                1 => out.extend_from_slice(&[px[0], px[0], px[0], 255]),
                3 => out.extend_from_slice(&[px[0], px[1], px[2], 255]),
                _ => out.extend_from_slice(px),
            }
        }
        out
    }

    /// Writes a PNG (grey, RGB or RGBA as stored).
    pub fn save_png(&self, path: &std::path::Path) -> Result<()> {
        let color = match self.channels {
            1 => image::ExtendedColorType::L8,
            3 => image::ExtendedColorType::Rgb8,
            _ => image::ExtendedColorType::Rgba8,
        };
        image::save_buffer_with_format(
            path,
            &self.pixels,
            self.width as u32,
            self.height as u32,
            color,
            image::ImageFormat::Png,
        )
        .map_err(|e| Error::Invalid(format!("cannot write PNG: {e}")).in_file(path))
    }
}
