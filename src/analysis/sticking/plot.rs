//! Minimal line plots into a raster (for the average-spectra slices): white background, grey
//! grid, one coloured polyline per series. No text: captions go beside the picture.

use crate::Result;
use crate::raster::Raster;

/// A series: colour and points `(x, y)`.
pub type Series = ([u8; 3], Vec<(f64, f64)>);

/// Distinguishable series colours (first StyleGAN2 blue, then StyleGAN3 orange, …).
pub const COLOURS: [[u8; 3]; 4] = [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40]];

/// Plots `series` into `width × height` over `x ∈ [x0, x1]`, `y ∈ [y0, y1]`, with grid lines
/// every `grid` units on each axis.
pub fn line_plot(
    series: &[Series],
    width: usize,
    height: usize,
    x: [f64; 2],
    y: [f64; 2],
    grid: [f64; 2],
) -> Result<Raster> {
    let mut px = vec![255u8; width * height * 3];
    let margin = 8usize;
    let (pw, ph) = ((width - 2 * margin) as f64, (height - 2 * margin) as f64);
    let to_px = |xv: f64, yv: f64| -> (f64, f64) {
        (margin as f64 + (xv - x[0]) / (x[1] - x[0]) * pw, margin as f64 + (y[1] - yv) / (y[1] - y[0]) * ph)
    };
    let put = |px: &mut Vec<u8>, xi: i64, yi: i64, c: [u8; 3]| {
        if xi >= 0 && yi >= 0 && (xi as usize) < width && (yi as usize) < height {
            let i = (yi as usize * width + xi as usize) * 3;
            px[i..i + 3].copy_from_slice(&c);
        }
    };
    let grey = [215, 215, 215];
    if grid[0] > 0.0 {
        let mut g = (x[0] / grid[0]).ceil() * grid[0];
        while g <= x[1] {
            let (gx, _) = to_px(g, y[0]);
            (margin..height - margin).for_each(|yy| put(&mut px, gx.round() as i64, yy as i64, grey));
            g += grid[0];
        }
    }
    if grid[1] > 0.0 {
        let mut g = (y[0] / grid[1]).ceil() * grid[1];
        while g <= y[1] {
            let (_, gy) = to_px(x[0], g);
            (margin..width - margin).for_each(|xx| put(&mut px, xx as i64, gy.round() as i64, grey));
            g += grid[1];
        }
    }
    let black = [0, 0, 0];
    for i in margin..width - margin {
        put(&mut px, i as i64, (height - margin) as i64, black);
    }
    for i in margin..height - margin {
        put(&mut px, margin as i64, i as i64, black);
    }
    for (colour, points) in series {
        for pair in points.windows(2) {
            let (a, b) = (to_px(pair[0].0, pair[0].1), to_px(pair[1].0, pair[1].1));
            let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil() as usize).max(1) * 2;
            for s in 0..=steps {
                let t = s as f64 / steps as f64;
                let (xx, yy) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                for (dx, dy) in [(0, 0), (1, 0), (0, 1)] {
                    put(&mut px, xx.round() as i64 + dx, yy.round() as i64 + dy, *colour);
                }
            }
        }
    }
    Raster::new(width, height, 3, px)
}

/// The 1-D slices of several average spectra overlaid (series `i` in `COLOURS[i]`): horizontal
/// (solid) and diagonal (every other point) from 0 to √2·Nyquist, dB on a grid of 10 dB.
pub fn spectrum_slices_plot(
    spectra: &[&crate::analysis::sticking::avg_spectra::AverageSpectrum],
    width: usize,
    height: usize,
) -> Result<Raster> {
    let mut series: Vec<Series> = Vec::new();
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for (i, s) in spectra.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let [h, d] = s.slices();
        for p in h.iter().chain(&d) {
            lo = lo.min(p.1);
            hi = hi.max(p.1);
        }
        series.push((colour, h));
        // Diagonal: a lighter shade of the same colour.
        series.push((colour.map(|c| ((c as u16 + 255) / 2) as u8), d));
    }
    let lo = (lo.max(hi - 100.0) / 10.0).floor() * 10.0;
    let hi = (hi / 10.0).ceil() * 10.0;
    line_plot(&series, width, height, [0.0, 0.5 * 2f64.sqrt()], [lo, hi.max(lo + 10.0)], [0.1, 10.0])
}
