//! Colours of the procedural datasets: sRGB triples in `[0, 1]`, palettes and HSV.

/// An sRGB colour with channels in `[0, 1]`.
pub type Rgb = [f32; 3];

/// From 8-bit sRGB.
pub const fn rgb8(r: u8, g: u8, b: u8) -> Rgb {
    [r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0]
}

/// Piecewise-linear interpolation along `stops` at `t ∈ [0, 1]`.
pub fn palette(stops: &[Rgb], t: f32) -> Rgb {
    let n = stops.len();
    if n == 0 {
        return [0.0; 3];
    }
    let x = t.clamp(0.0, 1.0) * (n - 1) as f32;
    let i = (x.floor() as usize).min(n.saturating_sub(2));
    let f = x - i as f32;
    let (a, b) = (stops[i], stops[(i + 1).min(n - 1)]);
    [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]
}

/// Every channel times `k`.
pub fn shade(c: Rgb, k: f32) -> Rgb {
    [c[0] * k, c[1] * k, c[2] * k]
}

/// `a + (b − a)·t`.
pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/// From hue (turns), saturation and value in `[0, 1]`.
pub fn hsv(h: f32, s: f32, v: f32) -> Rgb {
    let h6 = h.rem_euclid(1.0) * 6.0;
    let f = |n: f32| {
        let k = (n + h6) % 6.0;
        v - v * s * k.min(4.0 - k).clamp(0.0, 1.0)
    };
    [f(5.0), f(3.0), f(1.0)]
}

/// To 8-bit sRGB (rounded, clamped).
pub fn to_u8(c: Rgb) -> [u8; 3] {
    c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palettes_and_hsv() {
        let stops = [rgb8(0, 0, 0), rgb8(255, 255, 255), rgb8(255, 0, 0)];
        assert_eq!(to_u8(palette(&stops, 0.0)), [0, 0, 0]);
        assert_eq!(to_u8(palette(&stops, 0.25)), [128, 128, 128]);
        assert_eq!(to_u8(palette(&stops, 1.0)), [255, 0, 0]);
        assert_eq!(to_u8(hsv(0.0, 1.0, 1.0)), [255, 0, 0]);
        assert_eq!(to_u8(hsv(1.0 / 3.0, 1.0, 1.0)), [0, 255, 0]);
        assert_eq!(to_u8(hsv(2.0 / 3.0, 1.0, 1.0)), [0, 0, 255]);
        assert_eq!(to_u8(hsv(0.5, 0.0, 0.5)), [128, 128, 128]);
    }
}
