//! The known factors of one "toy face": what the generator draws and what the labels say.
//!
//! Every factor is drawn independently of the others (uniform, or Bernoulli for the binary
//! ones), which is what disentanglement metrics assume of ground-truth factors. Identity factors
//! (everything but the pose) come from one random stream of `(seed, index)` and the pose from
//! another, so the aligned and the unaligned data set of one seed show the same people.
//!
//! The label of an image (in `dataset.json`) is the vector of all [`FACTORS`] in table order,
//! each normalised linearly from its range to `[0, 1]` (binary factors are 0 or 1; signed ones
//! map 0 to 0.5). `factors.csv` holds the raw values, plus pixel offsets and 8-bit colours.

use super::colour::{Rgb, hsv, palette, rgb8, to_u8};
use super::rng::SplitMix64;

/// Name, range of the raw value (for the normalised label) and meaning of each factor, in label
/// order. Lengths and offsets are in image half-widths (the image spans `[−1, 1]`).
pub const FACTORS: [(&str, f64, f64, &str); 16] = [
    ("face_width", 0.38, 0.48, "half-width of the face"),
    ("face_length", 0.48, 0.58, "half-height of the face"),
    ("jaw", 0.0, 0.3, "narrowing of the face towards the chin (0: oval)"),
    ("offset_x", -0.25, 0.25, "horizontal position of the face centre, + right"),
    ("offset_y", -0.25, 0.25, "vertical position of the face centre, + down"),
    ("rotation", -30.0, 30.0, "rotation of the whole figure about the face centre, degrees clockwise"),
    ("skin_tone", 0.0, 1.0, "position on the skin palette, light to dark"),
    ("hair_tone", 0.0, 1.0, "position on the hair palette: black, browns, auburn, ginger, blond, platinum"),
    ("hair_length", 0.0, 1.0, "length of the hair behind the head, above the ears to the shoulders"),
    ("hair_curl", 0.0, 1.0, "waviness of the hair strands (0: straight)"),
    ("eyes_open", 0.0, 1.0, "1: eyes open, 0: closed"),
    ("smile", 0.0, 1.0, "0: neutral mouth, 1: broad open smile"),
    ("glasses", 0.0, 1.0, "1: wears glasses"),
    ("eye_colour", 0.0, 1.0, "position on the iris palette: brown, hazel, green, blue, grey"),
    ("background_hue", 0.0, 1.0, "hue of the background, turns"),
    ("shirt_hue", 0.0, 1.0, "hue of the shirt, turns"),
];

/// Number of factors (the label length).
pub const FACTOR_COUNT: usize = FACTORS.len();

/// Largest offset drawn for unaligned faces; aligned faces get [`ALIGNED_OFFSET`].
pub const UNALIGNED_OFFSET: f32 = 0.22;
/// Largest rotation drawn for unaligned faces, degrees (aligned faces are upright).
pub const UNALIGNED_ROTATION: f32 = 25.0;
/// Largest offset drawn for aligned faces (a small jitter, as in aligned photo data sets).
pub const ALIGNED_OFFSET: f32 = 0.06;

const SKIN: [Rgb; 6] = [
    rgb8(255, 226, 204),
    rgb8(244, 200, 166),
    rgb8(226, 176, 134),
    rgb8(196, 138, 98),
    rgb8(150, 98, 66),
    rgb8(98, 64, 44),
];

/// Hair colours. Every channel stays within `[0.155, 0.845]` so that the strand texture
/// (± [`super::render::HAIR_TEXTURE_AMPLITUDE`]·1.7 around the base colour) never clips and
/// the hair region's mean colour is the base colour.
const HAIR: [Rgb; 7] = [
    rgb8(50, 41, 40),
    rgb8(82, 56, 40),
    rgb8(124, 82, 50),
    rgb8(150, 72, 42),
    rgb8(196, 120, 66),
    rgb8(212, 180, 112),
    rgb8(214, 205, 176),
];

const IRIS: [Rgb; 5] =
    [rgb8(92, 58, 32), rgb8(128, 100, 52), rgb8(72, 118, 72), rgb8(64, 112, 168), rgb8(110, 128, 142)];

/// The factors of one toy face, as raw values (see [`FACTORS`] for units and ranges).
#[derive(Clone, Debug, PartialEq)]
pub struct ToyFaceFactors {
    pub face_width: f32,
    pub face_length: f32,
    pub jaw: f32,
    pub offset_x: f32,
    pub offset_y: f32,
    pub rotation_deg: f32,
    pub skin_tone: f32,
    pub hair_tone: f32,
    pub hair_length: f32,
    pub hair_curl: f32,
    pub eyes_open: bool,
    pub smile: f32,
    pub glasses: bool,
    pub eye_colour: f32,
    pub background_hue: f32,
    pub shirt_hue: f32,
}

impl ToyFaceFactors {
    /// The factors of image `index` of the data set drawn with `seed`.
    pub fn sample(seed: u64, index: u64, unaligned: bool) -> Self {
        let mut id = SplitMix64::stream(seed, index, 0);
        let mut pose = SplitMix64::stream(seed, index, 1);
        let mut u = |lo: f64, hi: f64| id.range(lo, hi) as f32;
        let face_width = u(0.38, 0.48);
        let face_length = u(0.48, 0.58);
        let jaw = u(0.0, 0.3);
        let skin_tone = u(0.0, 1.0);
        let hair_tone = u(0.0, 1.0);
        let hair_length = u(0.0, 1.0);
        let hair_curl = u(0.0, 1.0);
        let smile = u(0.0, 1.0);
        let eye_colour = u(0.0, 1.0);
        let background_hue = u(0.0, 1.0);
        let shirt_hue = u(0.0, 1.0);
        let eyes_open = id.bernoulli(0.75);
        let glasses = id.bernoulli(0.4);
        let (max_offset, max_rotation) =
            if unaligned { (UNALIGNED_OFFSET, UNALIGNED_ROTATION) } else { (ALIGNED_OFFSET, 0.0) };
        let offset_x = pose.range(-1.0, 1.0) as f32 * max_offset;
        let offset_y = pose.range(-1.0, 1.0) as f32 * max_offset;
        // (+ 0.0 turns the −0.0 of aligned faces into 0.0.)
        let rotation_deg = pose.range(-1.0, 1.0) as f32 * max_rotation + 0.0;
        Self {
            face_width,
            face_length,
            jaw,
            offset_x,
            offset_y,
            rotation_deg,
            skin_tone,
            hair_tone,
            hair_length,
            hair_curl,
            eyes_open,
            smile,
            glasses,
            eye_colour,
            background_hue,
            shirt_hue,
        }
    }

    /// The raw values in [`FACTORS`] order (binary factors as 0/1).
    pub fn raw(&self) -> [f32; FACTOR_COUNT] {
        let b = |v: bool| if v { 1.0 } else { 0.0 };
        [
            self.face_width,
            self.face_length,
            self.jaw,
            self.offset_x,
            self.offset_y,
            self.rotation_deg,
            self.skin_tone,
            self.hair_tone,
            self.hair_length,
            self.hair_curl,
            b(self.eyes_open),
            self.smile,
            b(self.glasses),
            self.eye_colour,
            self.background_hue,
            self.shirt_hue,
        ]
    }

    /// The label: every factor normalised from its range to `[0, 1]`, in [`FACTORS`] order.
    pub fn label(&self) -> [f32; FACTOR_COUNT] {
        let raw = self.raw();
        std::array::from_fn(|i| {
            let (_, lo, hi, _) = FACTORS[i];
            ((raw[i] as f64 - lo) / (hi - lo)).clamp(0.0, 1.0) as f32
        })
    }

    pub fn skin_rgb(&self) -> Rgb {
        palette(&SKIN, self.skin_tone)
    }

    /// The base colour of the hair: the mean colour of the hair on top of the head.
    pub fn hair_rgb(&self) -> Rgb {
        palette(&HAIR, self.hair_tone)
    }

    pub fn iris_rgb(&self) -> Rgb {
        palette(&IRIS, self.eye_colour)
    }

    pub fn shirt_rgb(&self) -> Rgb {
        hsv(self.shirt_hue, 0.5, 0.78)
    }

    /// Background colours at the top and at the bottom of the image.
    pub fn background_rgb(&self) -> (Rgb, Rgb) {
        (hsv(self.background_hue, 0.16, 0.96), hsv(self.background_hue, 0.30, 0.82))
    }

    /// The header of `factors.csv`: the file, the raw factors, then derived columns: the
    /// offset in pixels of the image and the 8-bit skin and hair colours.
    pub fn csv_header() -> String {
        let mut h = String::from("file");
        for (name, ..) in FACTORS {
            h.push(',');
            h.push_str(name);
        }
        h.push_str(",offset_x_px,offset_y_px,skin_r,skin_g,skin_b,hair_r,hair_g,hair_b");
        h
    }

    /// One row of `factors.csv` for the image `file` of `resolution` pixels.
    pub fn csv_row(&self, file: &str, resolution: usize) -> String {
        let mut row = String::from(file);
        for v in self.raw() {
            row.push_str(&format!(",{v:.6}"));
        }
        let half = resolution as f32 * 0.5;
        row.push_str(&format!(",{:.4},{:.4}", self.offset_x * half, self.offset_y * half));
        for c in [to_u8(self.skin_rgb()), to_u8(self.hair_rgb())] {
            row.push_str(&format!(",{},{},{}", c[0], c[1], c[2]));
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_normalised_and_follow_the_table() {
        for i in 0..200 {
            let f = ToyFaceFactors::sample(3, i, i % 2 == 0);
            let label = f.label();
            assert!(label.iter().all(|v| (0.0..=1.0).contains(v)));
            assert_eq!(label[10], if f.eyes_open { 1.0 } else { 0.0 });
            assert_eq!(label[12], if f.glasses { 1.0 } else { 0.0 });
            assert!((label[5] - (f.rotation_deg + 30.0) / 60.0).abs() < 1e-6);
            if i % 2 == 1 {
                assert_eq!(f.rotation_deg, 0.0);
                assert!(f.offset_x.abs() <= ALIGNED_OFFSET);
            }
        }
        assert_eq!(ToyFaceFactors::csv_header().split(',').count(), 1 + FACTOR_COUNT + 8);
        let f = ToyFaceFactors::sample(3, 0, true);
        assert_eq!(f.csv_row("00000/img00000000.png", 64).split(',').count(), 1 + FACTOR_COUNT + 8);
    }

    #[test]
    fn identity_is_shared_between_aligned_and_unaligned() {
        let a = ToyFaceFactors::sample(9, 5, false);
        let u = ToyFaceFactors::sample(9, 5, true);
        assert_eq!((a.face_width, a.hair_tone, a.glasses, a.smile), (u.face_width, u.hair_tone, u.glasses, u.smile));
        assert_ne!(a.rotation_deg, u.rotation_deg);
        // Each factor varies over the data set (none is stuck at a constant).
        let many: Vec<[f32; FACTOR_COUNT]> = (0..100).map(|i| ToyFaceFactors::sample(1, i, true).label()).collect();
        for k in 0..FACTOR_COUNT {
            let (lo, hi) = many.iter().fold((1.0f32, 0.0f32), |(lo, hi), l| (lo.min(l[k]), hi.max(l[k])));
            assert!(hi - lo > 0.5, "factor {} barely varies", FACTORS[k].0);
        }
    }
}
