//! Where the features of a toy face are: the layout the renderer draws and the tests measure.
//!
//! All lengths are in local coordinates of [`FaceGeometry::pose`] (image half-widths, origin at
//! the face centre, `y` down); the right-hand feature of a pair is given, its partner is the
//! mirror image (`V2::flip_x`).

use super::factors::ToyFaceFactors;
use super::pose::Pose;
use super::vec2::V2;

/// Where the face centre sits in an aligned image with no offset.
pub const FACE_CENTRE: V2 = V2::new(0.0, -0.06);

#[derive(Clone, Debug)]
pub struct FaceGeometry {
    pub pose: Pose,
    /// Half-width and half-height of the face.
    pub face: V2,
    /// Narrowing of the face towards the chin.
    pub jaw: f32,
    /// Centre and radii of the eye (white).
    pub eye: V2,
    pub eye_radii: V2,
    pub iris_radius: f32,
    /// Centre of the eyebrow arc.
    pub brow: V2,
    /// Centre (middle of the upper lip line), half-width, rise of the corners (negative: up)
    /// and opening (depth of the open mouth below the lip line).
    pub mouth: V2,
    pub mouth_half_width: f32,
    pub mouth_lift: f32,
    pub mouth_open: f32,
    pub nose: V2,
    /// Half-size of a lens of the glasses (centred on the eye) and the frame's stroke width.
    pub lens_half: V2,
    pub frame_width: f32,
    /// Top of the forehead: where the hair starts.
    pub hairline: f32,
    /// The point the hair strands radiate from (the parting).
    pub parting: V2,
    /// Lowest point of the long hair behind the head.
    pub hair_bottom: f32,
}

impl FaceGeometry {
    pub fn new(f: &ToyFaceFactors) -> Self {
        let (a, b) = (f.face_width, f.face_length);
        let centre = FACE_CENTRE + V2::new(f.offset_x, f.offset_y);
        let eye = V2::new(0.44 * a, -0.03);
        let mouth_half_width = 0.11 + 0.05 * f.smile;
        Self {
            pose: Pose::new(centre, f.rotation_deg),
            face: V2::new(a, b),
            jaw: f.jaw,
            eye,
            eye_radii: V2::new(0.084, 0.06),
            iris_radius: 0.047,
            brow: V2::new(eye.x, eye.y - 0.125),
            mouth: V2::new(0.0, 0.5 * b),
            mouth_half_width,
            mouth_lift: 0.012 + (-0.075 - 0.012) * f.smile,
            mouth_open: ((f.smile - 0.5) / 0.5).clamp(0.0, 1.0) * 0.09,
            nose: V2::new(0.0, 0.11),
            lens_half: V2::new(0.12, 0.094),
            frame_width: 0.034,
            hairline: -0.5 * b,
            parting: V2::new(0.08, -b - 0.12),
            hair_bottom: -0.05 + (b + 0.45) * f.hair_length,
        }
    }

    /// The face's half-width scale at height `y` (1 at the top, `1 − jaw` at the chin).
    pub fn jaw_scale(&self, y: f32) -> f32 {
        let t = ((y / self.face.y + 0.1) / 1.1).clamp(0.0, 1.0);
        1.0 - self.jaw * t * t
    }

    /// Pixel coordinates of a local point in an image of `resolution` pixels.
    pub fn pixel(&self, p: V2, resolution: usize) -> V2 {
        self.pose.to_pixel(p, resolution)
    }
}
