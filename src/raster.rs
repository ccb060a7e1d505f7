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

    /// The image shrunk by the smallest whole factor that makes both sides at most `max_side`
    /// (box filter: each output pixel is the mean of a factor×factor block); unchanged when it fits.
    pub fn shrunk(&self, max_side: usize) -> Raster {
        let f = self.width.max(self.height).div_ceil(max_side.max(1)).max(1);
        if f == 1 {
            return self.clone();
        }
        let (w, h, c) = ((self.width / f).max(1), (self.height / f).max(1), self.channels);
        let mut pixels = Vec::with_capacity(w * h * c);
        for y in 0..h {
            for x in 0..w {
                for ch in 0..c {
                    let mut sum = 0u32;
                    let mut n = 0u32;
                    for yy in y * f..((y + 1) * f).min(self.height) {
                        for xx in x * f..((x + 1) * f).min(self.width) {
                            sum += u32::from(self.pixels[(yy * self.width + xx) * c + ch]);
                            n += 1;
                        }
                    }
                    pixels.push(((sum + n / 2) / n.max(1)) as u8);
                }
            }
        }
        Raster { width: w, height: h, channels: c, pixels }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinking_averages_blocks() {
        let r = Raster::new(4, 2, 1, vec![0, 10, 20, 30, 2, 12, 22, 33]).unwrap();
        let s = r.shrunk(2);
        assert_eq!((s.width, s.height, s.pixels.clone()), (2, 1, vec![6, 26]));
        assert_eq!(r.shrunk(4), r);
    }
}
