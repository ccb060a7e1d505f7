//! A 2-D point or vector in `f32`, for the procedural drawings.

use std::ops::{Add, Mul, Neg, Sub};

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct V2 {
    pub x: f32,
    pub y: f32,
}

impl V2 {
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    pub fn length(self) -> f32 {
        self.x.hypot(self.y)
    }

    pub fn dot(self, o: V2) -> f32 {
        self.x * o.x + self.y * o.y
    }

    /// Component-wise product.
    pub fn scale(self, s: V2) -> V2 {
        V2::new(self.x * s.x, self.y * s.y)
    }

    /// Component-wise quotient.
    pub fn div_each(self, s: V2) -> V2 {
        V2::new(self.x / s.x, self.y / s.y)
    }

    pub fn abs(self) -> V2 {
        V2::new(self.x.abs(), self.y.abs())
    }

    pub fn max(self, o: V2) -> V2 {
        V2::new(self.x.max(o.x), self.y.max(o.y))
    }

    /// Mirrored across the vertical axis.
    pub fn flip_x(self) -> V2 {
        V2::new(-self.x, self.y)
    }
}

impl Add for V2 {
    type Output = V2;
    fn add(self, o: V2) -> V2 {
        V2::new(self.x + o.x, self.y + o.y)
    }
}

impl Sub for V2 {
    type Output = V2;
    fn sub(self, o: V2) -> V2 {
        V2::new(self.x - o.x, self.y - o.y)
    }
}

impl Mul<f32> for V2 {
    type Output = V2;
    fn mul(self, s: f32) -> V2 {
        V2::new(self.x * s, self.y * s)
    }
}

impl Neg for V2 {
    type Output = V2;
    fn neg(self) -> V2 {
        V2::new(-self.x, -self.y)
    }
}
