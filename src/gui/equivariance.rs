//! State and arithmetic of the equivariance controls (reference §1.3.8): a user translation and
//! rotation of a StyleGAN3 generator's input, with the visualizer's drags, animations and
//! pixel rounding.

use crate::nn::generator::Mat3;

/// "Drag fast": image units (or turns) per pixel of drag, divided by the font size.
pub const DRAG_FAST: f64 = 0.02;
/// "Drag slow".
pub const DRAG_SLOW: f64 = 0.0004;

/// Equivariance widget state. Translation is in image units (1.0 = one image width), rotation in
/// turns (1.0 = 360°).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Equivariance {
    pub x: f64,
    pub y: f64,
    pub translate_anim: bool,
    /// Snap the translation to whole pixels of the output.
    pub round: bool,
    /// Image units per second of the translation animation.
    pub translate_speed: f64,
    pub rotate: f64,
    pub rotate_anim: bool,
    /// Turns per second.
    pub rotate_speed: f64,
    pub untransform: bool,
}

impl Default for Equivariance {
    fn default() -> Self {
        Self {
            x: 0.0,
            y: 0.0,
            translate_anim: false,
            round: false,
            translate_speed: 1e-2,
            rotate: 0.0,
            rotate_anim: false,
            rotate_speed: 5e-3,
            untransform: false,
        }
    }
}

impl Equivariance {
    pub fn reset_translate(&mut self) {
        let d = Self::default();
        (self.x, self.y, self.translate_anim, self.round, self.translate_speed) =
            (d.x, d.y, d.translate_anim, d.round, d.translate_speed);
    }

    pub fn reset_rotate(&mut self) {
        let d = Self::default();
        (self.rotate, self.rotate_anim, self.rotate_speed) = (d.rotate, d.rotate_anim, d.rotate_speed);
    }

    pub fn is_animating(&self) -> bool {
        self.translate_anim || self.rotate_anim
    }

    /// Drags the translation by `(dx, dy)` pixels.
    pub fn drag_translate(&mut self, dx: f64, dy: f64, font_size: f64, fast: bool) {
        let k = if fast { DRAG_FAST } else { DRAG_SLOW } / font_size.max(1.0);
        self.x += dx * k;
        self.y += dy * k;
    }

    /// Drags the rotation by `dx` pixels (horizontal drag only).
    pub fn drag_rotate(&mut self, dx: f64, font_size: f64, fast: bool) {
        let k = if fast { DRAG_FAST } else { DRAG_SLOW } / font_size.max(1.0);
        self.rotate += dx * k;
    }

    /// Advances the animations by `dt` seconds. The translation spirals onto, then orbits, a
    /// circle of radius 0.1 image units, at `translate_speed` units per second.
    pub fn animate(&mut self, dt: f64) {
        if self.translate_anim {
            let (cx, cy) = (self.x, self.y);
            let (mut tx, mut ty) = (cx, cy);
            if tx.abs().max(ty.abs()) < 1e-4 {
                tx += 1.0;
                ty += 1.0;
            }
            let len = tx.hypot(ty);
            tx *= 0.1 / len;
            ty *= 0.1 / len;
            tx += cy;
            ty -= cx;
            let (dx, dy) = (tx - cx, ty - cy);
            let dlen = dx.hypot(dy);
            if dlen > 0.0 {
                let k = dt * self.translate_speed / dlen;
                self.x += dx * k;
                self.y += dy * k;
            }
        }
        if self.rotate_anim {
            self.rotate += dt * self.rotate_speed;
        }
    }

    /// The translation actually used for an output of `resolution` pixels (rounded to whole
    /// pixels when `round` is on).
    pub fn translation(&self, resolution: usize) -> (f64, f64) {
        if self.round && resolution > 0 {
            let r = resolution as f64;
            ((self.x * r).round_ties_even() / r, (self.y * r).round_ties_even() / r)
        } else {
            (self.x, self.y)
        }
    }

    /// The forward transform of the image content for an output of `resolution` pixels:
    /// `[[cos a, sin a, x], [-sin a, cos a, y], [0, 0, 1]]` with `a = rotate·2π`.
    pub fn transform(&self, resolution: usize) -> Mat3 {
        let (x, y) = self.translation(resolution);
        let a = self.rotate * std::f64::consts::TAU;
        let (s, c) = a.sin_cos();
        [[c, s, x], [-s, c, y], [0.0, 0.0, 1.0]]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn transform_matches_the_visualizer_layout() {
        let e = Equivariance { x: 0.13, y: -0.21, rotate: 0.25, ..Default::default() };
        let m = e.transform(64);
        assert!((m[0][0]).abs() < 1e-12 && (m[0][1] - 1.0).abs() < 1e-12 && m[0][2] == 0.13);
        assert!((m[1][0] + 1.0).abs() < 1e-12 && (m[1][1]).abs() < 1e-12 && m[1][2] == -0.21);
        assert_eq!(m[2], [0.0, 0.0, 1.0]);
        assert_eq!(Equivariance::default().transform(64), [[1.0, 0.0, 0.0], [-0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]);
    }

    #[test]
    fn round_snaps_to_whole_output_pixels() {
        let e = Equivariance { x: 0.13, y: -0.21, round: true, ..Default::default() };
        assert_eq!(e.translation(64), (8.0 / 64.0, -13.0 / 64.0));
        assert_eq!(e.translation(256), (33.0 / 256.0, -54.0 / 256.0));
    }

    #[test]
    fn translation_animation_moves_at_speed_and_settles_on_radius_0_1() {
        let mut e = Equivariance { translate_anim: true, translate_speed: 0.05, ..Default::default() };
        e.animate(0.1);
        let step = e.x.hypot(e.y);
        assert!((step - 0.005).abs() < 1e-12, "{step}");
        for _ in 0..2000 {
            e.animate(0.1);
        }
        let r = e.x.hypot(e.y);
        assert!((r - 0.1).abs() < 0.01, "orbit radius {r}");
    }

    #[test]
    fn drags_and_rotation_animation() {
        let mut e = Equivariance::default();
        e.drag_translate(10.0, -5.0, 20.0, true);
        assert!((e.x - 0.01).abs() < 1e-12 && (e.y + 0.005).abs() < 1e-12);
        e.drag_rotate(100.0, 20.0, false);
        assert!((e.rotate - 0.002).abs() < 1e-12);
        e.rotate_anim = true;
        e.rotate_speed = 0.5;
        e.animate(0.5);
        assert!((e.rotate - 0.252).abs() < 1e-12);
        e.reset_rotate();
        e.reset_translate();
        assert_eq!(e, Equivariance::default());
    }
}
