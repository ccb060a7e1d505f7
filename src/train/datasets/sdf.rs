//! Signed distances of the shapes the procedural datasets draw, and the pixel coverage they give.
//!
//! Distances are negative inside. Filled shapes may return a distance that is only correct up to
//! a smooth factor near the edge (the canvas normalises it by the numerical gradient there);
//! stroke centre lines return true (unsigned) distances.
//!
//! Coverage is the exact box-filter coverage of a pixel by a straight edge or a straight band at
//! the given distance: what an analytic rasteriser computes. It is what keeps the edges free of
//! jaggies: the data sets exist to study aliasing, so they must not contain any.

use super::vec2::V2;

/// Circle of radius `r` around `c`.
pub fn circle(p: V2, c: V2, r: f32) -> f32 {
    (p - c).length() - r
}

/// Axis-aligned ellipse with radii `r` around `c` (first-order distance, exact on the boundary).
pub fn ellipse(p: V2, c: V2, r: V2) -> f32 {
    let q = p - c;
    let k0 = q.div_each(r).length();
    let k1 = q.div_each(r.scale(r)).length();
    if k1 < 1e-12 { -r.x.min(r.y) } else { k0 * (k0 - 1.0) / k1 }
}

/// Axis-aligned box with half-size `h` and corner radius `radius` around `c` (exact).
pub fn rounded_box(p: V2, c: V2, h: V2, radius: f32) -> f32 {
    let q = (p - c).abs() - h + V2::new(radius, radius);
    q.max(V2::default()).length() + q.x.max(q.y).min(0.0) - radius
}

/// Distance to the segment from `a` to `b`.
pub fn segment(p: V2, a: V2, b: V2) -> f32 {
    let pa = p - a;
    let ba = b - a;
    let len2 = ba.dot(ba);
    let t = if len2 > 0.0 { (pa.dot(ba) / len2).clamp(0.0, 1.0) } else { 0.0 };
    (pa - ba * t).length()
}

/// Distance to the parabola arc `y = c.y + k·(x − c.x)²`, `|x − c.x| ≤ half_width`.
/// Positive `k` bends the ends down (y grows downwards): `∩`; negative `k` bends them up: `‿`.
pub fn parabola_arc(p: V2, c: V2, half_width: f32, k: f32) -> f32 {
    let x = p.x - c.x;
    let ends = {
        let end_y = c.y + k * half_width * half_width;
        (p - V2::new(c.x - half_width, end_y)).length().min((p - V2::new(c.x + half_width, end_y)).length())
    };
    if x.abs() > half_width {
        return ends;
    }
    let f = p.y - c.y - k * x * x;
    let slope = 2.0 * k * x;
    (f.abs() / (1.0 + slope * slope).sqrt()).min(ends)
}

/// Coverage of a pixel by a filled shape whose edge is `d_px` pixels away (negative inside).
pub fn fill_coverage(d_px: f32) -> f32 {
    (0.5 - d_px).clamp(0.0, 1.0)
}

/// Coverage of a pixel by a band `width_px` pixels wide whose centre line is `d_px` pixels away
/// (`d_px ≥ 0`): the overlap of the pixel `[d − ½, d + ½]` with the band `[−w/2, w/2]`.
pub fn band_coverage(d_px: f32, width_px: f32) -> f32 {
    let half = 0.5 * width_px;
    ((d_px + 0.5).min(half) - (d_px - 0.5).max(-half)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_of_simple_shapes() {
        let o = V2::default();
        assert!((circle(V2::new(3.0, 4.0), o, 2.0) - 3.0).abs() < 1e-6);
        assert!((ellipse(V2::new(2.0, 0.0), o, V2::new(1.0, 0.5)) - 1.0).abs() < 0.6);
        assert!(ellipse(V2::new(1.0, 0.0), o, V2::new(1.0, 0.5)).abs() < 1e-6);
        assert!(ellipse(V2::new(0.0, 0.4), o, V2::new(1.0, 0.5)) < 0.0);
        assert!((rounded_box(V2::new(3.0, 0.0), o, V2::new(1.0, 1.0), 0.2) - 2.0).abs() < 1e-6);
        assert!((segment(V2::new(0.5, 1.0), o, V2::new(1.0, 0.0)) - 1.0).abs() < 1e-6);
        // Points on the arc are at distance 0; beyond the ends the distance is to the end point.
        assert!(parabola_arc(V2::new(0.5, 2.0 * 0.25), o, 1.0, 2.0).abs() < 1e-6);
        assert!((parabola_arc(V2::new(2.0, 2.0), o, 1.0, 2.0) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn coverage_is_the_box_filter_of_an_edge_and_a_band() {
        assert_eq!(fill_coverage(-1.0), 1.0);
        assert_eq!(fill_coverage(0.0), 0.5);
        assert_eq!(fill_coverage(0.25), 0.25);
        assert_eq!(fill_coverage(2.0), 0.0);
        assert_eq!(band_coverage(0.0, 3.0), 1.0);
        assert_eq!(band_coverage(0.0, 0.5), 0.5);
        assert_eq!(band_coverage(1.5, 3.0), 0.5);
        assert_eq!(band_coverage(3.0, 2.0), 0.0);
    }
}
