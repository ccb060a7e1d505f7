//! The visualizer's 2-D seed plane (reference §1.3.2, `viz/latent_widget.py`).
//!
//! A point `(x, y)` on a grid whose integer points are seeds: `seed = x + 100·y`. A fractional
//! point blends the four surrounding seeds bilinearly (in W, by the render step that consumes
//! [`SeedPlane::weights`]). Everything here is plain arithmetic on `f64`, as in the visualizer.

/// Seeds per row of the plane (`step_y` of the visualizer).
pub const ROW_STEP: i64 = 100;

/// Drag sensitivity: seeds per pixel of drag, divided by the font size.
pub const DRAG_SCALE: f64 = 0.04;

/// One seed of a blend and its weight (weights of one blend sum to 1).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeedWeight {
    pub seed: u32,
    pub weight: f64,
}

/// A position on the seed plane.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeedPlane {
    pub x: f64,
    pub y: f64,
}

/// Python's `round` (ties to even), which the visualizer uses for the seed and the snap.
fn py_round(v: f64) -> f64 {
    v.round_ties_even()
}

impl SeedPlane {
    pub fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// The point of a whole seed (`x = seed, y = 0`).
    pub fn at_seed(seed: i64) -> Self {
        Self { x: seed as f64, y: 0.0 }
    }

    /// The seed shown in the "Latent" field: `round(x) + round(y)·100`.
    pub fn seed(&self) -> i64 {
        py_round(self.x) as i64 + py_round(self.y) as i64 * ROW_STEP
    }

    /// Editing the seed field jumps to that seed (`x = seed, y = 0`).
    pub fn set_seed(&mut self, seed: i64) {
        *self = Self::at_seed(seed);
    }

    /// The fractional offsets shown in the fraction field: `(x - round(x), y - round(y))`.
    pub fn fraction(&self) -> (f64, f64) {
        (self.x - py_round(self.x), self.y - py_round(self.y))
    }

    /// Editing the fraction field shifts the point by the change.
    pub fn set_fraction(&mut self, fx: f64, fy: f64) {
        let (ox, oy) = self.fraction();
        self.x += fx - ox;
        self.y += fy - oy;
    }

    /// Dragging by `(dx, dy)` pixels with the given font size (the "Drag" button and the image).
    pub fn drag(&mut self, dx: f64, dy: f64, font_size: f64) {
        let font_size = if font_size > 0.0 { font_size } else { 1.0 };
        self.x += dx / font_size * DRAG_SCALE;
        self.y += dy / font_size * DRAG_SCALE;
    }

    /// Animation: `speed` seeds per second along x for `dt` seconds.
    pub fn animate(&mut self, dt: f64, speed: f64) {
        self.x += dt * speed;
    }

    /// Rounds the point to the nearest seed ("Snap").
    pub fn snap(&mut self) {
        self.x = py_round(self.x);
        self.y = py_round(self.y);
    }

    /// The seeds and bilinear weights of this point (`w0_seeds` of the visualizer): the four grid
    /// points around it, in the order (0,0), (1,0), (0,1), (1,1), keeping those with weight > 0.
    /// Seeds wrap modulo 2³² as NumPy seeds do.
    pub fn weights(&self) -> Vec<SeedWeight> {
        let mut out = Vec::with_capacity(4);
        for (ox, oy) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)] {
            let sx = self.x.floor() + ox;
            let sy = self.y.floor() + oy;
            let weight = (1.0 - (self.x - sx).abs()) * (1.0 - (self.y - sy).abs());
            if weight > 0.0 {
                let seed = (sx as i64 + sy as i64 * ROW_STEP).rem_euclid(1 << 32) as u32;
                out.push(SeedWeight { seed, weight });
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn whole_seed_is_a_single_weight() {
        let p = SeedPlane::at_seed(85);
        assert_eq!(p.seed(), 85);
        assert_eq!(p.weights(), vec![SeedWeight { seed: 85, weight: 1.0 }]);
    }

    #[test]
    fn fractional_point_blends_four_seeds_bilinearly() {
        let p = SeedPlane::new(2.25, 0.5);
        let w = p.weights();
        let seeds: Vec<u32> = w.iter().map(|s| s.seed).collect();
        assert_eq!(seeds, vec![2, 3, 102, 103]);
        let weights: Vec<f64> = w.iter().map(|s| s.weight).collect();
        assert_eq!(weights, vec![0.75 * 0.5, 0.25 * 0.5, 0.75 * 0.5, 0.25 * 0.5]);
        assert!((weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn seed_uses_python_rounding_and_row_step() {
        // round(2.5) = 2 and round(0.5) = 0 in Python (ties to even).
        assert_eq!(SeedPlane::new(2.5, 0.5).seed(), 2);
        assert_eq!(SeedPlane::new(3.5, 1.4).seed(), 104);
        assert_eq!(SeedPlane::new(-0.6, -1.0).seed(), -1 - 100);
    }

    #[test]
    fn negative_seeds_wrap_modulo_2_pow_32() {
        let w = SeedPlane::at_seed(-1).weights();
        assert_eq!(w, vec![SeedWeight { seed: u32::MAX, weight: 1.0 }]);
        let w = SeedPlane::new(0.0, -1.0).weights();
        assert_eq!(w[0].seed, u32::MAX - 99);
    }

    #[test]
    fn fraction_edit_shifts_by_the_change() {
        let mut p = SeedPlane::new(7.2, 3.0);
        let (fx, fy) = p.fraction();
        assert!((fx - 0.2).abs() < 1e-12 && fy == 0.0);
        p.set_fraction(-0.3, 0.25);
        assert!((p.x - 6.7).abs() < 1e-12, "{}", p.x);
        assert!((p.y - 3.25).abs() < 1e-12);
        assert_eq!(p.seed(), 7 + 300);
    }

    #[test]
    fn drag_animate_snap_and_set_seed() {
        let mut p = SeedPlane::default();
        p.drag(50.0, -25.0, 20.0);
        assert!((p.x - 0.1).abs() < 1e-12 && (p.y + 0.05).abs() < 1e-12);
        p.animate(2.0, 0.25);
        assert!((p.x - 0.6).abs() < 1e-12);
        p.snap();
        assert_eq!((p.x, p.y), (1.0, -0.0));
        p.set_seed(1234);
        assert_eq!(p, SeedPlane::new(1234.0, 0.0));
    }
}
