//! The difference view: a per-pixel absolute-difference heatmap of two same-size images.

use crate::raster::Raster;

/// Control points of the heatmap colour map (black → purple → orange → pale yellow, after
/// matplotlib's "inferno"), evenly spaced over [0, 1].
const INFERNO: [[f32; 3]; 9] = [
    [0.0, 0.0, 4.0],
    [31.0, 12.0, 72.0],
    [85.0, 15.0, 109.0],
    [136.0, 34.0, 106.0],
    [186.0, 54.0, 85.0],
    [227.0, 89.0, 51.0],
    [249.0, 140.0, 10.0],
    [249.0, 201.0, 50.0],
    [252.0, 255.0, 164.0],
];

/// The heatmap colour of `t` in [0, 1] (clamped).
pub fn heat_color(t: f32) -> [u8; 3] {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let pos = t * (INFERNO.len() - 1) as f32;
    let i = (pos.floor() as usize).min(INFERNO.len() - 2);
    let f = pos - i as f32;
    let (a, b) = (INFERNO[i], INFERNO[i + 1]);
    [0, 1, 2].map(|c| (a[c] + (b[c] - a[c]) * f).round() as u8)
}

/// The heatmap and the largest per-pixel difference it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub heatmap: Raster,
    /// Largest per-pixel difference (0–255).
    pub max: u8,
    /// Mean per-pixel difference (0–255).
    pub mean: f64,
}

/// Per pixel: the largest absolute difference over the colour channels (0–255), mapped through
/// the heatmap colours. With `normalize`, the largest difference present maps to the top colour
/// (so small differences stay visible); otherwise 255 does. `None` when the sizes differ.
pub fn difference(a: &Raster, b: &Raster, normalize: bool) -> Option<Difference> {
    if (a.width, a.height) != (b.width, b.height) {
        return None;
    }
    let (pa, pb) = (a.to_rgba(), b.to_rgba());
    let d: Vec<u8> = pa
        .chunks_exact(4)
        .zip(pb.chunks_exact(4))
        .map(|(x, y)| (0..3).map(|c| x[c].abs_diff(y[c])).max().unwrap_or(0))
        .collect();
    let max = d.iter().copied().max().unwrap_or(0);
    let mean = if d.is_empty() { 0.0 } else { d.iter().map(|v| *v as f64).sum::<f64>() / d.len() as f64 };
    let scale = if normalize && max > 0 { 1.0 / max as f32 } else { 1.0 / 255.0 };
    let mut pixels = Vec::with_capacity(d.len() * 3);
    for v in &d {
        pixels.extend_from_slice(&heat_color(*v as f32 * scale));
    }
    let heatmap = Raster::new(a.width, a.height, 3, pixels).ok()?;
    Some(Difference { heatmap, max, mean })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn identical_images_are_black_and_differences_are_bright() {
        let a = Raster::new(2, 1, 3, vec![10, 20, 30, 200, 200, 200]).unwrap();
        let b = Raster::new(2, 1, 3, vec![10, 20, 30, 100, 250, 200]).unwrap();
        let d = difference(&a, &b, false).unwrap();
        assert_eq!(d.max, 100);
        assert_eq!(d.mean, 50.0);
        assert_eq!(d.heatmap.rgba_at(0, 0), Some([0, 0, 4, 255]));
        let n = difference(&a, &b, true).unwrap();
        assert_eq!(n.heatmap.rgba_at(1, 0), Some([252, 255, 164, 255]));
        assert_ne!(d.heatmap.rgba_at(1, 0), n.heatmap.rgba_at(1, 0));
    }

    #[test]
    fn sizes_must_match() {
        let a = Raster::new(2, 1, 3, vec![0; 6]).unwrap();
        let b = Raster::new(1, 2, 3, vec![0; 6]).unwrap();
        assert!(difference(&a, &b, true).is_none());
    }

    #[test]
    fn colour_map_is_monotone_in_brightness() {
        let lum = |c: [u8; 3]| c.iter().map(|v| *v as u32).sum::<u32>();
        let mut prev = 0;
        for i in 0..=100 {
            let l = lum(heat_color(i as f32 / 100.0));
            assert!(l >= prev, "{i}");
            prev = l;
        }
        assert_eq!(heat_color(f32::NAN), heat_color(0.0));
    }
}
