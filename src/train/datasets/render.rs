//! Draws a toy face from its factors: anti-aliased layers on a [`Canvas`], back to front.
//!
//! Everything but the background is drawn in the face's local coordinates ([`FaceGeometry`]),
//! so a translated or rotated face — hair strands included — moves rigidly. The hair strands
//! are a band-limited procedural texture whose phase is fixed to the head: sinusoids whose
//! contrast fades out before their local frequency nears the pixel grid's Nyquist limit, so
//! they are as fine as the resolution allows and never alias.

use std::f32::consts::TAU;

use super::canvas::Canvas;
use super::colour::{Rgb, mix, rgb8, shade};
use super::factors::ToyFaceFactors;
use super::geometry::FaceGeometry;
use super::part::Part;
use super::sdf::{circle, ellipse, parabola_arc, rounded_box, segment};
use super::vec2::V2;
use crate::Result;
use crate::raster::Raster;

/// Contrast of the hair strands around the base colour (per channel, sRGB units).
pub const HAIR_TEXTURE_AMPLITUDE: f32 = 0.09;
/// Colour of the frames of the glasses.
pub const GLASSES_FRAME: Rgb = rgb8(34, 34, 40);
/// Colour of the eye whites.
pub const EYE_WHITE: Rgb = rgb8(250, 250, 247);
/// Colour of eyelid lines and closed eyes.
pub const LASH: Rgb = rgb8(45, 32, 30);
/// Colour of the lip line.
pub const LIP_LINE: Rgb = rgb8(122, 40, 48);

/// Strand angular frequency (strands per radian around the parting) and curl wavenumber.
const STRANDS: f32 = 18.0;
const CURL_WAVENUMBER: f32 = 38.0;

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The hair strand texture at local point `q`, in `[−1.7, 1.7]`, zero-mean (three octaves): strands radiate
/// from the parting and wave with `curl`. `pix` is the pixel size, for the band limit.
pub fn strands(q: V2, parting: V2, curl: f32, pix: f32) -> f32 {
    let d = q - parting;
    let r = d.length().max(1e-4);
    let theta = d.x.atan2(d.y);
    let c = 1.1 * curl;
    let (s_kr, c_kr) = (CURL_WAVENUMBER * r).sin_cos();
    let phase = STRANDS * theta + c * s_kr;
    // |∇phase| in radians per image unit (∇θ ⟂ ∇r, |∇θ| = 1/r), then cycles per pixel.
    let grad = (STRANDS / r).hypot(c * CURL_WAVENUMBER * c_kr);
    let f = grad / TAU * pix;
    let fade = |f: f32| 1.0 - smoothstep(0.2, 0.38, f);
    phase.sin() * fade(f)
        + 0.45 * (2.0 * phase + 1.3).sin() * fade(2.0 * f)
        + 0.25 * (4.0 * phase + 0.4).sin() * fade(4.0 * f)
}

/// The image (RGB, `resolution`²) and its part map.
pub fn render_toyface(f: &ToyFaceFactors, resolution: usize) -> Result<(Raster, Vec<Part>)> {
    let g = FaceGeometry::new(f);
    let pose = g.pose;
    let (a, b) = (g.face.x, g.face.y);
    let (bg_top, bg_bottom) = f.background_rgb();
    let mut c = Canvas::new(resolution, |p| mix(bg_top, bg_bottom, 0.5 * (p.y + 1.0)));
    let pix = c.pixel_size();
    let skin = f.skin_rgb();
    let hair = f.hair_rgb();
    let shadow_skin = shade(skin, 0.86);
    let hair_at = |q: V2, base: Rgb| {
        let t = HAIR_TEXTURE_AMPLITUDE * strands(q, g.parting, f.hair_curl, pix);
        [base[0] + t, base[1] + t, base[2] + t]
    };
    let v = V2::new;
    let o = V2::default();

    // Long hair behind the head.
    let head_back = move |q: V2| ellipse(q, v(0.0, -0.045), v(a + 0.075, b + 0.07));
    let bottom = g.hair_bottom.max(-0.1);
    let long_half = v(a + 0.07 + 0.03 * f.hair_length, 0.5 * (bottom + 0.1));
    let long = move |q: V2| rounded_box(q, v(0.0, 0.5 * (bottom - 0.1)), long_half, 0.1);
    c.fill(
        &pose,
        Part::BackHair,
        (v(-a - 0.15, -b - 0.15), v(a + 0.15, bottom.max(b) + 0.05)),
        0.0,
        1.0,
        |q| head_back(q).max(q.y - bottom).min(long(q)),
        |q| hair_at(q, shade(hair, 0.72)),
    );

    // Neck, shirt and the neckline.
    let neck_top = 0.4 * b;
    let neck_bottom = b + 0.3;
    let neck_centre = v(0.0, 0.5 * (neck_top + neck_bottom));
    let neck_half = v(0.34 * a, 0.5 * (neck_bottom - neck_top));
    c.fill(
        &pose,
        Part::Skin,
        (neck_centre - neck_half, neck_centre + neck_half),
        0.0,
        1.0,
        |q| rounded_box(q, neck_centre, neck_half, 0.04),
        |_| shadow_skin,
    );
    let shirt_centre = v(0.0, b + 0.6);
    let shirt_radii = v(0.9, 0.45);
    let shirt = move |q: V2| ellipse(q, shirt_centre, shirt_radii);
    c.fill(&pose, Part::Body, (shirt_centre - shirt_radii, shirt_centre + shirt_radii), 0.0, 1.0, shirt, |_| {
        f.shirt_rgb()
    });
    let collar_centre = v(0.0, b + 0.15);
    let collar_radii = v(neck_half.x + 0.01, 0.08);
    c.fill(
        &pose,
        Part::Skin,
        (collar_centre - collar_radii, collar_centre + collar_radii),
        0.0,
        1.0,
        |q| ellipse(q, collar_centre, collar_radii).max(shirt(q)),
        |_| shadow_skin,
    );

    // Ears, then the face.
    for side in [1.0f32, -1.0] {
        let ear = v(side * (a * g.jaw_scale(0.02) - 0.005), 0.02);
        let r = v(0.062, 0.095);
        c.fill(&pose, Part::Skin, (ear - r, ear + r), 0.0, 1.0, |q| ellipse(q, ear, r), |_| shade(skin, 0.95));
        let inner = v(side * (a * g.jaw_scale(0.02) + 0.018), 0.025);
        let ri = v(0.022, 0.05);
        c.fill(&pose, Part::Skin, (inner - ri, inner + ri), 0.0, 1.0, |q| ellipse(q, inner, ri), |_| shade(skin, 0.82));
    }
    let face = |q: V2| ellipse(v(q.x / g.jaw_scale(q.y), q.y), o, g.face);
    c.fill(&pose, Part::Skin, (-g.face, g.face), 0.0, 1.0, face, |_| skin);

    // Cheeks and nose.
    for side in [1.0f32, -1.0] {
        let cheek = v(side * 0.6 * a, 0.13);
        let r = v(0.065, 0.04);
        let soft = v(0.05, 0.05);
        c.fill(
            &pose,
            Part::Skin,
            (cheek - r - soft, cheek + r + soft),
            0.05,
            0.22,
            |q| ellipse(q, cheek, r),
            |_| rgb8(240, 110, 110),
        );
    }
    let nose_half = 0.03;
    let nose_k = -25.0;
    c.stroke(
        &pose,
        Part::Skin,
        (g.nose - v(nose_half, 0.03), g.nose + v(nose_half, 0.01)),
        0.02,
        1.0,
        |q| parabola_arc(q, g.nose, nose_half, nose_k),
        |_| shade(skin, 0.72),
    );

    // Eyes and brows.
    let r = g.eye_radii;
    for side in [1.0f32, -1.0] {
        let e = v(side * g.eye.x, g.eye.y);
        if f.eyes_open {
            let white = move |q: V2| ellipse(q, e, r);
            c.fill(&pose, Part::Eye, (e - r, e + r), 0.0, 1.0, white, |_| EYE_WHITE);
            let ri = v(g.iris_radius, g.iris_radius);
            c.fill(
                &pose,
                Part::Eye,
                (e - ri, e + ri),
                0.0,
                1.0,
                |q| circle(q, e, g.iris_radius).max(white(q)),
                |_| f.iris_rgb(),
            );
            let rp = 0.021;
            c.fill(
                &pose,
                Part::Eye,
                (e - v(rp, rp), e + v(rp, rp)),
                0.0,
                1.0,
                |q| circle(q, e, rp).max(white(q)),
                |_| rgb8(20, 16, 16),
            );
            let hl = e + v(-0.014, -0.016);
            let rh = 0.011;
            c.fill(
                &pose,
                Part::Eye,
                (hl - v(rh, rh), hl + v(rh, rh)),
                0.0,
                1.0,
                |q| circle(q, hl, rh),
                |_| rgb8(255, 255, 255),
            );
            let lid = v(e.x, e.y - r.y);
            let k = r.y / (2.0 * r.x * r.x);
            let hw = 1.05 * r.x;
            c.stroke(
                &pose,
                Part::Eye,
                (lid - v(hw, 0.0), lid + v(hw, k * hw * hw)),
                0.018,
                1.0,
                |q| parabola_arc(q, lid, hw, k),
                |_| LASH,
            );
        } else {
            let lid = v(e.x, e.y + 0.01);
            let k = -3.5;
            let hw = r.x;
            c.stroke(
                &pose,
                Part::Eye,
                (lid + v(-hw, k * hw * hw), lid + v(hw, 0.0)),
                0.02,
                1.0,
                |q| parabola_arc(q, lid, hw, k),
                |_| LASH,
            );
        }
        let brow = v(side * g.brow.x, g.brow.y);
        let (bh, bk) = (0.075, 3.2);
        c.stroke(
            &pose,
            Part::Brow,
            (brow - v(bh, 0.0), brow + v(bh, bk * bh * bh)),
            0.026,
            1.0,
            |q| parabola_arc(q, brow, bh, bk),
            |_| shade(hair, 0.62),
        );
    }

    // Mouth: the open part of a smile (with teeth), then the lip line.
    let m = g.mouth;
    let hw = g.mouth_half_width;
    let k = g.mouth_lift / (hw * hw);
    let top = move |x: f32| m.y + k * (x - m.x) * (x - m.x);
    let depth = move |x: f32| g.mouth_open * (1.0 - ((x - m.x) / hw).powi(2));
    let lo = v(m.x - hw, m.y + g.mouth_lift.min(0.0));
    let hi = v(m.x + hw, m.y + g.mouth_lift.max(0.0) + g.mouth_open);
    if g.mouth_open > 0.0 {
        let inside = move |q: V2| (top(q.x) - q.y).max(q.y - top(q.x) - depth(q.x));
        c.fill(&pose, Part::Mouth, (lo, hi), 0.0, 1.0, inside, |_| rgb8(120, 36, 44));
        c.fill(
            &pose,
            Part::Mouth,
            (lo, hi),
            0.0,
            1.0,
            |q| inside(q).max(q.y - top(q.x) - 0.45 * depth(q.x)),
            |_| rgb8(250, 248, 240),
        );
    }
    c.stroke(&pose, Part::Mouth, (lo, hi), 0.022, 1.0, |q| parabola_arc(q, m, hw, k), |_| LIP_LINE);

    // Glasses: tinted lenses, frames, bridge and temples.
    if f.glasses {
        let lh = g.lens_half;
        for side in [1.0f32, -1.0] {
            let e = v(side * g.eye.x, g.eye.y);
            let lens = move |q: V2| rounded_box(q, e, lh, 0.045);
            c.fill(&pose, Part::Glasses, (e - lh, e + lh), 0.0, 0.18, lens, |_| rgb8(210, 230, 255));
            c.stroke(&pose, Part::Glasses, (e - lh, e + lh), g.frame_width, 1.0, |q| lens(q).abs(), |_| GLASSES_FRAME);
            let from = v(side * (g.eye.x + lh.x), g.eye.y - 0.03);
            let to = v(side * (a * g.jaw_scale(g.eye.y) + 0.01), g.eye.y - 0.045);
            let (lo, hi) = (v(from.x.min(to.x), to.y), v(from.x.max(to.x), from.y));
            c.stroke(&pose, Part::Glasses, (lo, hi), 0.024, 1.0, |q| segment(q, from, to), |_| GLASSES_FRAME);
        }
        let bridge = v(0.0, g.eye.y - 0.025);
        let bw = g.eye.x - lh.x + 0.01;
        let bk = 4.0;
        c.stroke(
            &pose,
            Part::Glasses,
            (bridge - v(bw, 0.0), bridge + v(bw, bk * bw * bw)),
            0.026,
            1.0,
            |q| parabola_arc(q, bridge, bw, bk),
            |_| GLASSES_FRAME,
        );
    }

    // The hair on top of the head: a cap above the hairline, down to the top of the ears.
    let outer = move |q: V2| ellipse(q, v(0.0, -0.045), v(a + 0.06, b + 0.08));
    let wy = 0.55;
    let window_centre = v(0.0, g.hairline + wy);
    let window_radii = v(0.97 * a, wy);
    let cut = -0.02;
    let fringe_centre = v(-0.3 * a, g.hairline - 0.04);
    let fringe_radii = v(0.5 * a, 0.1);
    let cap = move |q: V2| {
        let sides = (-ellipse(q, window_centre, window_radii)).max(q.y - cut);
        outer(q).max(sides.min(ellipse(q, fringe_centre, fringe_radii)))
    };
    c.fill(&pose, Part::Hair, (v(-a - 0.07, -b - 0.13), v(a + 0.07, cut)), 0.0, 1.0, cap, |q| hair_at(q, hair));

    c.finish()
}
