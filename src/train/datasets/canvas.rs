//! An anti-aliased painter for procedural drawings: layers painted back to front, each with its
//! exact box-filter edge coverage (see `sdf`), plus a per-pixel ground-truth [`Part`] map.

use super::colour::{Rgb, to_u8};
use super::part::Part;
use super::pose::Pose;
use super::sdf::{band_coverage, fill_coverage};
use super::vec2::V2;
use crate::Result;
use crate::raster::Raster;

/// An image being painted, in floating-point sRGB.
pub struct Canvas {
    size: usize,
    /// Image units per pixel.
    pix: f32,
    rgb: Vec<Rgb>,
    parts: Vec<Part>,
}

impl Canvas {
    /// A `size`×`size` canvas filled with `background` (a function of image coordinates, which
    /// must vary slowly: it is sampled at pixel centres).
    pub fn new(size: usize, background: impl Fn(V2) -> Rgb) -> Self {
        let pix = 2.0 / size as f32;
        let mut rgb = Vec::with_capacity(size * size);
        for y in 0..size {
            for x in 0..size {
                rgb.push(background(V2::new((x as f32 + 0.5) * pix - 1.0, (y as f32 + 0.5) * pix - 1.0)));
            }
        }
        Self { size, pix, rgb, parts: vec![Part::Background; size * size] }
    }

    /// Image units per pixel.
    pub fn pixel_size(&self) -> f32 {
        self.pix
    }

    /// Paints a filled shape: `sdf` is its signed distance in local coordinates of `pose`
    /// (negative inside); the shape lies within the local box `lo..hi`. The edge is anti-aliased over one
    /// pixel, or blurred over `soft` image units when that is wider. `paint` gives the colour
    /// at a local point; `alpha` its opacity.
    #[allow(clippy::too_many_arguments)]
    pub fn fill(
        &mut self,
        pose: &Pose,
        part: Part,
        (lo, hi): (V2, V2),
        soft: f32,
        alpha: f32,
        sdf: impl Fn(V2) -> f32,
        paint: impl Fn(V2) -> Rgb,
    ) {
        let ramp = self.pix.max(soft);
        let h = 0.25 * self.pix;
        let coverage = |q: V2| {
            let d = sdf(q);
            if d >= 2.0 * ramp {
                return 0.0;
            }
            if d <= -2.0 * ramp {
                return 1.0;
            }
            // Near the edge: divide by the gradient's length, so that approximate distances
            // (deformed ellipses, intersections) give exact one-pixel ramps.
            let gx = (sdf(V2::new(q.x + h, q.y)) - d) / h;
            let gy = (sdf(V2::new(q.x, q.y + h)) - d) / h;
            let g = gx.hypot(gy).max(0.25);
            fill_coverage(d / g / ramp)
        };
        self.paint_region(pose, part, (lo, hi), alpha, coverage, paint);
    }

    /// Paints a stroke `width` image units wide along the centre line whose (unsigned, true)
    /// distance is `dist`; the centre line lies within the local box `lo..hi`.
    #[allow(clippy::too_many_arguments)]
    pub fn stroke(
        &mut self,
        pose: &Pose,
        part: Part,
        (lo, hi): (V2, V2),
        width: f32,
        alpha: f32,
        dist: impl Fn(V2) -> f32,
        paint: impl Fn(V2) -> Rgb,
    ) {
        let pix = self.pix;
        let coverage = |q: V2| band_coverage(dist(q) / pix, width / pix);
        let margin = V2::new(width, width);
        self.paint_region(pose, part, (lo - margin, hi + margin), alpha, coverage, paint);
    }

    fn paint_region(
        &mut self,
        pose: &Pose,
        part: Part,
        (lo, hi): (V2, V2),
        alpha: f32,
        coverage: impl Fn(V2) -> f32,
        paint: impl Fn(V2) -> Rgb,
    ) {
        // The pixel box of the transformed local box, one pixel wider for the anti-aliased edge.
        let corners = [lo, V2::new(hi.x, lo.y), hi, V2::new(lo.x, hi.y)].map(|c| pose.to_pixel(c, self.size));
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for c in corners {
            x0 = x0.min(c.x);
            y0 = y0.min(c.y);
            x1 = x1.max(c.x);
            y1 = y1.max(c.y);
        }
        let n = self.size as f32;
        let clamp = |v: f32| v.clamp(0.0, n) as usize;
        let (x0, y0, x1, y1) = (clamp(x0 - 2.0), clamp(y0 - 2.0), clamp(x1 + 3.0), clamp(y1 + 3.0));
        for y in y0..y1 {
            for x in x0..x1 {
                let p = V2::new((x as f32 + 0.5) * self.pix - 1.0, (y as f32 + 0.5) * self.pix - 1.0);
                let q = pose.to_local(p);
                let a = coverage(q) * alpha;
                if a <= 0.0 {
                    continue;
                }
                let c = paint(q);
                let i = y * self.size + x;
                let dst = &mut self.rgb[i];
                for k in 0..3 {
                    dst[k] += (c[k] - dst[k]) * a;
                }
                if a >= 0.5 {
                    self.parts[i] = part;
                }
            }
        }
    }

    /// The finished 8-bit RGB image and its part map (row-major, one entry per pixel).
    pub fn finish(self) -> Result<(Raster, Vec<Part>)> {
        let pixels: Vec<u8> = self.rgb.iter().flat_map(|&c| to_u8(c)).collect();
        Ok((Raster::new(self.size, self.size, 3, pixels)?, self.parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::datasets::sdf::circle;

    /// A disc's painted area equals its true area (the edge coverage is exact on average), and
    /// a straight edge through pixel centres gives half-covered pixels.
    #[test]
    fn coverage_integrates_to_the_true_area() {
        let mut c = Canvas::new(64, |_| [0.0; 3]);
        let pose = Pose::new(V2::new(0.013, -0.021), 0.0);
        let r = 0.5;
        c.fill(
            &pose,
            Part::Skin,
            (V2::new(-r, -r), V2::new(r, r)),
            0.0,
            1.0,
            |q| circle(q, V2::default(), r),
            |_| [1.0; 3],
        );
        let area_px: f32 = c.rgb.iter().map(|p| p[0]).sum();
        let true_px = std::f32::consts::PI * (r * 32.0) * (r * 32.0);
        assert!((area_px - true_px).abs() / true_px < 2e-3, "{area_px} vs {true_px}");

        let mut c = Canvas::new(8, |_| [0.0; 3]);
        // A half-plane x < 1/8 (local = image): its edge runs through the centres of column 4.
        let edge = 0.125;
        let pose = Pose::new(V2::default(), 0.0);
        c.fill(&pose, Part::Skin, (V2::new(-1.0, -1.0), V2::new(1.0, 1.0)), 0.0, 1.0, |q| q.x - edge, |_| [1.0; 3]);
        let row: Vec<f32> = (0..8).map(|x| c.rgb[8 * 3 + x][0]).collect();
        assert_eq!(row, vec![1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 0.0]);
        assert_eq!(c.parts[8 * 3 + 4], Part::Skin);
        assert_eq!(c.parts[8 * 3 + 5], Part::Background);
    }
}
