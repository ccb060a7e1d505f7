//! Where a drawing sits in the image: a rotation about a centre, then that centre's position.
//!
//! Image coordinates: the image spans `[−1, 1]` on both axes, `x` to the right, `y` downwards (so
//! one unit is half the image). Pixel `i` of an `R`-pixel row covers `[i, i + 1)` in pixel
//! coordinates `(x + 1)·R/2`. Local coordinates are those of the drawing, in the same units.

use super::vec2::V2;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    /// The local origin, in image coordinates.
    pub centre: V2,
    /// Rotation of the drawing, in degrees, clockwise on screen (since `y` points down).
    pub rotation_deg: f32,
    cos: f32,
    sin: f32,
}

impl Pose {
    pub fn new(centre: V2, rotation_deg: f32) -> Self {
        let (sin, cos) = rotation_deg.to_radians().sin_cos();
        Self { centre, rotation_deg, cos, sin }
    }

    /// Image coordinates of a local point.
    pub fn to_image(&self, p: V2) -> V2 {
        V2::new(self.cos * p.x - self.sin * p.y, self.sin * p.x + self.cos * p.y) + self.centre
    }

    /// Local coordinates of an image point.
    pub fn to_local(&self, p: V2) -> V2 {
        let d = p - self.centre;
        V2::new(self.cos * d.x + self.sin * d.y, -self.sin * d.x + self.cos * d.y)
    }

    /// Pixel coordinates (continuous; pixel `i` covers `[i, i + 1)`) of a local point in an image
    /// of `resolution` pixels.
    pub fn to_pixel(&self, p: V2, resolution: usize) -> V2 {
        let q = self.to_image(p);
        let half = resolution as f32 * 0.5;
        V2::new((q.x + 1.0) * half, (q.y + 1.0) * half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_image_coordinates_round_trip() {
        let pose = Pose::new(V2::new(0.1, -0.2), 30.0);
        let p = V2::new(0.3, 0.4);
        let back = pose.to_local(pose.to_image(p));
        assert!((back - p).length() < 1e-6);
        // 90° clockwise on screen takes +x (right) to +y (down).
        let q = Pose::new(V2::default(), 90.0).to_image(V2::new(1.0, 0.0));
        assert!((q - V2::new(0.0, 1.0)).length() < 1e-6);
        let px = Pose::new(V2::default(), 0.0).to_pixel(V2::new(0.0, -1.0), 64);
        assert_eq!((px.x, px.y), (32.0, 0.0));
    }
}
