//! The toy faces show what their labels say: glasses, eyes, smile, hair colour, pose, and a
//! hair texture that moves rigidly with the head.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use stylescope::raster::Raster;
use stylescope::train::datasets::colour::{Rgb, to_u8};
use stylescope::train::datasets::geometry::FaceGeometry;
use stylescope::train::datasets::render::{EYE_WHITE, GLASSES_FRAME, LASH, LIP_LINE};
use stylescope::train::datasets::vec2::V2;
use stylescope::train::datasets::{Part, ToyFaceFactors, render_toyface};

fn render(f: &ToyFaceFactors, res: usize) -> (Raster, Vec<Part>) {
    render_toyface(f, res).unwrap()
}

fn px(r: &Raster, x: usize, y: usize) -> [u8; 3] {
    let i = (y * r.width + x) * 3;
    [r.pixels[i], r.pixels[i + 1], r.pixels[i + 2]]
}

fn dist(a: [u8; 3], b: [u8; 3]) -> i32 {
    (0..3).map(|k| (a[k] as i32 - b[k] as i32).abs()).max().unwrap()
}

fn near(a: [u8; 3], c: Rgb, tol: i32) -> bool {
    dist(a, to_u8(c)) <= tol
}

/// Pixels of `part` whose 8 neighbours are all of `part` too (fully covered, no edge blending).
fn interior(parts: &[Part], res: usize, part: Part) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for y in 1..res - 1 {
        for x in 1..res - 1 {
            if (0..9).all(|k| parts[(y + k / 3 - 1) * res + x + k % 3 - 1] == part) {
                out.push((x, y));
            }
        }
    }
    out
}

/// A plain test subject: light skin, blue background, aligned, no glasses, eyes open, neutral.
fn subject(seed: u64) -> ToyFaceFactors {
    let mut f = ToyFaceFactors::sample(seed, 0, false);
    f.skin_tone = 0.1;
    f.background_hue = 0.6;
    f.glasses = false;
    f.eyes_open = true;
    f.smile = 0.0;
    f
}

/// The pixel box (x0, y0, x1, y1) around a local point of `g`, `half` local units each way.
fn pixel_box(g: &FaceGeometry, centre: V2, half: V2, res: usize) -> (usize, usize, usize, usize) {
    let c = g.pixel(centre, res);
    let s = res as f32 / 2.0;
    let clamp = |v: f32| v.clamp(0.0, res as f32) as usize;
    (clamp(c.x - half.x * s), clamp(c.y - half.y * s), clamp(c.x + half.x * s + 1.0), clamp(c.y + half.y * s + 1.0))
}

fn count_in(r: &Raster, b: (usize, usize, usize, usize), pred: impl Fn([u8; 3]) -> bool) -> usize {
    let mut n = 0;
    for y in b.1..b.3 {
        for x in b.0..b.2 {
            n += pred(px(r, x, y)) as usize;
        }
    }
    n
}

#[test]
fn glasses_draw_frames_in_the_frame_colour() {
    let res = 256;
    for seed in 0..3 {
        let mut f = subject(seed);
        let (plain, plain_parts) = render(&f, res);
        f.glasses = true;
        let (with, parts) = render(&f, res);
        assert!(!plain_parts.contains(&Part::Glasses));
        let frame = interior(&parts, res, Part::Glasses);
        assert!(frame.len() > 100, "seed {seed}: only {} frame pixels", frame.len());
        for &(x, y) in &frame {
            assert!(near(px(&with, x, y), GLASSES_FRAME, 1), "seed {seed}: frame pixel {:?}", px(&with, x, y));
        }
        let changed = frame.iter().filter(|&&(x, y)| dist(px(&plain, x, y), px(&with, x, y)) > 40).count();
        assert!(changed * 10 >= frame.len() * 9, "seed {seed}: glasses changed only {changed} of {}", frame.len());
        // Away from the glasses (the mouth, the shirt) nothing changes.
        let g = FaceGeometry::new(&f);
        let mouth = pixel_box(&g, g.mouth, V2::new(0.2, 0.08), res);
        for y in mouth.1..mouth.3 {
            for x in mouth.0..mouth.2 {
                assert_eq!(px(&plain, x, y), px(&with, x, y));
            }
        }
    }
}

#[test]
fn closed_eyes_have_no_whites_and_a_lash_line() {
    let res = 128;
    for seed in 0..3 {
        let mut f = subject(seed);
        let g = FaceGeometry::new(&f);
        let (open, _) = render(&f, res);
        f.eyes_open = false;
        let (closed, _) = render(&f, res);
        for side in [1.0f32, -1.0] {
            let b = pixel_box(&g, V2::new(side * g.eye.x, g.eye.y), g.eye_radii + V2::new(0.02, 0.02), res);
            // Eye white (or the highlight, brighter still): every channel ≥ EYE_WHITE − 8.
            let white = |c: [u8; 3]| c.iter().zip(to_u8(EYE_WHITE)).all(|(&v, w)| v as i32 >= w as i32 - 8);
            let lash = |c| near(c, LASH, 30);
            assert!(
                count_in(&open, b, white) >= 10,
                "seed {seed}: open eye shows {} white pixels",
                count_in(&open, b, white)
            );
            assert_eq!(count_in(&closed, b, white), 0, "seed {seed}: a closed eye shows white");
            assert!(count_in(&closed, b, lash) >= 5, "seed {seed}: no lash line on the closed eye");
        }
    }
}

/// The topmost pixel of the lip line in column `x` within rows `y0..y1`.
fn lip_row(r: &Raster, x: usize, y0: usize, y1: usize) -> Option<usize> {
    (y0..y1).find(|&y| near(px(r, x, y), LIP_LINE, 45))
}

#[test]
fn a_smile_lifts_the_corners_and_opens_the_mouth() {
    let res = 256;
    for seed in 0..3 {
        let mut f = subject(seed);
        let mut rows = Vec::new();
        for smile in [0.0, 1.0] {
            f.smile = smile;
            let g = FaceGeometry::new(&f);
            let (img, _) = render(&f, res);
            let b = pixel_box(&g, g.mouth, V2::new(g.mouth_half_width + 0.03, 0.12), res);
            let centre = g.pixel(g.mouth, res);
            let corner = g.pixel(g.mouth + V2::new(0.85 * g.mouth_half_width, 0.0), res);
            let mid = lip_row(&img, centre.x as usize, b.1, b.3).unwrap();
            let side = lip_row(&img, corner.x as usize, b.1, b.3).unwrap();
            let teeth = count_in(&img, b, |c| dist(c, [250, 248, 240]) <= 4);
            rows.push((mid, side, teeth));
        }
        let ((mid0, side0, teeth0), (mid1, side1, teeth1)) = (rows[0], rows[1]);
        // Neutral: the corners a hair lower than the middle (at most 2 pixels at 256²).
        assert!(side0 >= mid0 && side0 <= mid0 + 2, "seed {seed}: neutral mouth bends: {mid0} vs {side0}");
        assert!(side1 + 6 <= mid1, "seed {seed}: smile corners not lifted: centre row {mid1}, corner row {side1}");
        assert_eq!(teeth0, 0);
        assert!(teeth1 >= 30, "seed {seed}: the broad smile shows {teeth1} teeth pixels");
    }
}

#[test]
fn hair_colour_is_the_mean_colour_of_the_hair() {
    let res = 128;
    for i in 0..10 {
        let mut f = ToyFaceFactors::sample(11, i, i % 2 == 1);
        // The palette's ends (black and platinum) with the strongest curls: no clipping there either.
        if i >= 8 {
            f.hair_tone = (i - 8) as f32;
            f.hair_curl = 1.0;
        }
        let (img, parts) = render(&f, res);
        let hair = interior(&parts, res, Part::Hair);
        assert!(hair.len() > 300, "face {i}: only {} hair pixels", hair.len());
        let mut sum = [0.0f64; 3];
        let mut spread = 0;
        for &(x, y) in &hair {
            let c = px(&img, x, y);
            for k in 0..3 {
                sum[k] += c[k] as f64;
            }
            spread = spread.max(dist(c, to_u8(f.hair_rgb())));
        }
        let mean = sum.map(|s| s / hair.len() as f64);
        let want = to_u8(f.hair_rgb());
        for k in 0..3 {
            assert!((mean[k] - want[k] as f64).abs() < 2.5, "face {i}: hair mean {mean:?}, factor colour {want:?}");
        }
        // The hair is textured (strands), not flat.
        assert!(spread >= 12, "face {i}: hair texture contrast only {spread}");
    }
}

/// Centroid of the pixels showing the face's own skin colour.
fn skin_centroid(img: &Raster, skin: Rgb) -> (f64, f64) {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    for y in 0..img.height {
        for x in 0..img.width {
            if near(px(img, x, y), skin, 3) {
                sx += x as f64;
                sy += y as f64;
                n += 1.0;
            }
        }
    }
    assert!(n > 500.0, "only {n} skin pixels");
    (sx / n, sy / n)
}

#[test]
fn unaligned_translation_moves_the_face_by_the_recorded_offset() {
    let res = 128;
    for i in 0..6 {
        let mut f = ToyFaceFactors::sample(5, i, true);
        f.background_hue = 0.6;
        // The offset as recorded in factors.csv (columns offset_x_px, offset_y_px).
        let row = f.csv_row("x.png", res);
        let cols: Vec<&str> = row.split(',').collect();
        let header = ToyFaceFactors::csv_header();
        let col = |name: &str| header.split(',').position(|h| h == name).unwrap();
        let (dx, dy): (f64, f64) =
            (cols[col("offset_x_px")].parse().unwrap(), cols[col("offset_y_px")].parse().unwrap());
        assert!(dx.abs() + dy.abs() > 1.0);
        let moved = skin_centroid(&render(&f, res).0, f.skin_rgb());
        f.offset_x = 0.0;
        f.offset_y = 0.0;
        let centred = skin_centroid(&render(&f, res).0, f.skin_rgb());
        let (mx, my) = (moved.0 - centred.0, moved.1 - centred.1);
        assert!(
            (mx - dx).abs() < 1.0 && (my - dy).abs() < 1.0,
            "face {i}: moved by ({mx:.2}, {my:.2}), recorded ({dx:.2}, {dy:.2})"
        );
    }
}

/// The hair texture is fixed to the head: moving the head by whole pixels, or turning it by 90°
/// about a pixel corner, moves every hair pixel with it (no texture sticking in the data).
#[test]
fn hair_texture_moves_rigidly_with_the_head() {
    let res = 128;
    let mut f = ToyFaceFactors::sample(2, 3, false);
    f.hair_curl = 0.8;
    // Face centre exactly on the pixel corner (64, 60).
    f.offset_x = 0.0;
    f.offset_y = -0.0025;
    f.rotation_deg = 0.0;
    let (base, parts) = render(&f, res);
    let hair = interior(&parts, res, Part::Hair);
    assert!(hair.len() > 300);

    let (sx, sy) = (5usize, 3usize);
    f.offset_x += sx as f32 * 2.0 / res as f32;
    f.offset_y += sy as f32 * 2.0 / res as f32;
    let (shifted, _) = render(&f, res);
    for &(x, y) in &hair {
        assert!(dist(px(&base, x, y), px(&shifted, x + sx, y + sy)) <= 1, "shifted hair differs at ({x}, {y})");
    }

    f.offset_x = 0.0;
    f.offset_y = -0.0025;
    f.rotation_deg = 90.0;
    let (turned, _) = render(&f, res);
    for &(x, y) in &hair {
        // Clockwise by 90° about (64, 60): (u, v) → (−v, u) relative to the centre.
        let (u, v) = (x as i64 - 64, y as i64 - 60);
        let (xr, yr) = (64 - v - 1, 60 + u);
        assert!(dist(px(&base, x, y), px(&turned, xr as usize, yr as usize)) <= 1, "turned hair differs at ({x}, {y})");
    }
}

/// Anti-aliasing: along every edge (blocks where the parts change), a 64² image matches the 4×4
/// box filter of the 256² drawing of the same face, far better than point sampling would.
#[test]
fn edges_are_box_filtered_not_jagged() {
    for i in 0..12 {
        let f = ToyFaceFactors::sample(0, i, true);
        let (small, _) = render(&f, 64);
        let (big, parts) = render(&f, 256);
        let (mut err, mut point_err, mut n) = (0.0f64, 0.0f64, 0usize);
        for y in 0..64 {
            for x in 0..64 {
                let block = |k: usize| (4 * y + k / 4, 4 * x + k % 4);
                let first = parts[block(0).0 * 256 + block(0).1];
                if (1..16).all(|k| parts[block(k).0 * 256 + block(k).1] == first) {
                    continue;
                }
                let mut mean = [0.0f64; 3];
                for k in 0..16 {
                    let (by, bx) = block(k);
                    let p = px(&big, bx, by);
                    for c in 0..3 {
                        mean[c] += p[c] as f64 / 16.0;
                    }
                }
                let s = px(&small, x, y);
                let point = px(&big, 4 * x + 2, 4 * y + 2);
                err += (0..3).map(|c| (s[c] as f64 - mean[c]).abs()).sum::<f64>() / 3.0;
                point_err += (0..3).map(|c| (point[c] as f64 - mean[c]).abs()).sum::<f64>() / 3.0;
                n += 1;
            }
        }
        let (err, point_err) = (err / n as f64, point_err / n as f64);
        eprintln!("face {i}: {n} edge pixels, error {err:.2}, point sampling {point_err:.2}");
        assert!(n > 150, "face {i}: only {n} edge pixels");
        assert!(err < 6.0 && err * 3.0 < point_err, "face {i}: edge error {err:.2} (point sampling: {point_err:.2})");
    }
}
