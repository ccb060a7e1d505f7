//! Time–space slices (the StyleGAN3 paper's Figure 1, right) and the animations they are cut
//! from: frames along an input translation/rotation (StyleGAN3) and/or a latent interpolation;
//! the same pixel line of every frame, stacked. Content that moves with the animation draws
//! slanted lines; texture stuck to pixel coordinates draws streaks along the time axis.

use candle_core::{DType, Tensor};

use crate::analysis::sticking::float_image::FloatImage;
use crate::nn::generator::{Generator, Mat3, SynthesisOptions};
use crate::nn::stylegan3::transform::make_transform;
use crate::progress::Monitor;
use crate::{Error, Result};

/// The pixel line taken from every frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceLine {
    /// Row `y`: the slice has one row per frame (time runs down).
    Row(usize),
    /// Column `x`: the slice has one column per frame (time runs right, as in the paper).
    Column(usize),
}

/// An animation: `frames` frames; frame `f` of `n` has the input transform
/// `make_transform(translate·f, rotate·f)` (StyleGAN3 only) and the latent
/// `lerp(ws, ws_end, f/(n−1))` when an end is given.
#[derive(Clone, Debug)]
pub struct Animation {
    pub frames: usize,
    /// Translation per frame in image units (1.0 = one image width).
    pub translate: [f64; 2],
    /// Rotation per frame in degrees.
    pub rotate: f64,
    /// The latent interpolated to, `[1, num_ws, w_dim]`.
    pub ws_end: Option<Tensor>,
}

impl Animation {
    /// A pure translation by `pixels_per_frame` (x, y) pixels of a `resolution`-pixel image.
    pub fn translation(frames: usize, pixels_per_frame: [f64; 2], resolution: usize) -> Self {
        let r = resolution.max(1) as f64;
        Self { frames, translate: [pixels_per_frame[0] / r, pixels_per_frame[1] / r], rotate: 0.0, ws_end: None }
    }

    fn moves_input(&self) -> bool {
        self.translate != [0.0, 0.0] || self.rotate != 0.0
    }

    /// The input transform of frame `f`, or `None` when the input does not move.
    pub fn transform(&self, f: usize) -> Option<Mat3> {
        self.moves_input().then(|| {
            make_transform([self.translate[0] * f as f64, self.translate[1] * f as f64], self.rotate * f as f64)
        })
    }
}

/// Renders the frames of `anim` from `ws [1, num_ws, w_dim]`; progress per frame.
pub fn render_frames(
    g: &Generator,
    ws: &Tensor,
    anim: &Animation,
    synth: &SynthesisOptions,
    monitor: &dyn Monitor,
) -> Result<Vec<FloatImage>> {
    if anim.frames == 0 {
        return Err(Error::Invalid("an animation needs at least one frame".into()));
    }
    if anim.moves_input() && !g.config().has_input_transform() {
        return Err(Error::Invalid(format!(
            "translating or rotating the input needs a StyleGAN3 network; this is a {} network",
            g.config().family_name()
        )));
    }
    let ws = ws.to_dtype(DType::F32)?;
    let end = match &anim.ws_end {
        Some(e) => {
            let e = e.to_dtype(DType::F32)?;
            if e.dims() != ws.dims() {
                return Err(Error::Invalid(format!(
                    "interpolation end {:?} differs from the start {:?}",
                    e.dims(),
                    ws.dims()
                )));
            }
            Some(e)
        }
        None => None,
    };
    let mut frames = Vec::with_capacity(anim.frames);
    for f in 0..anim.frames {
        monitor.set_count(f as u64, anim.frames as u64)?;
        let w = match &end {
            Some(e) => {
                let t = if anim.frames > 1 { f as f64 / (anim.frames - 1) as f64 } else { 0.0 };
                ((&ws * (1.0 - t))? + (e * t)?)?
            }
            None => ws.clone(),
        };
        let opts = SynthesisOptions { input_transform: anim.transform(f).or(synth.input_transform), ..synth.clone() };
        frames.push(FloatImage::from_tensor(&g.synthesis(&w, &opts)?.image, 0)?);
    }
    monitor.set_fraction(1.0)?;
    Ok(frames)
}

/// The slice of `frames` along `line`: for [`SliceLine::Row`] an image `frames × W` (row `f` is
/// row `y` of frame `f`), for [`SliceLine::Column`] an image `H × frames` (column `f` is column
/// `x` of frame `f`). All channels are kept.
pub fn time_space_slice(frames: &[FloatImage], line: SliceLine) -> Result<FloatImage> {
    let first = frames.first().ok_or_else(|| Error::Invalid("a slice needs at least one frame".into()))?;
    let (c, h, w) = (first.channels, first.height, first.width);
    if let Some(bad) = frames.iter().find(|f| (f.channels, f.height, f.width) != (c, h, w)) {
        return Err(Error::Invalid(format!(
            "frames of different shapes: {c}x{h}x{w} and {}x{}x{}",
            bad.channels, bad.height, bad.width
        )));
    }
    let n = frames.len();
    match line {
        SliceLine::Row(y) => {
            if y >= h {
                return Err(Error::Invalid(format!("row {y} is outside the {h}-pixel-high image")));
            }
            let mut data = vec![0f32; c * n * w];
            for (f, img) in frames.iter().enumerate() {
                for ch in 0..c {
                    let src = &img.plane(ch)[y * w..(y + 1) * w];
                    data[(ch * n + f) * w..(ch * n + f + 1) * w].copy_from_slice(src);
                }
            }
            FloatImage::new(c, n, w, data)
        }
        SliceLine::Column(x) => {
            if x >= w {
                return Err(Error::Invalid(format!("column {x} is outside the {w}-pixel-wide image")));
            }
            let mut data = vec![0f32; c * h * n];
            for (f, img) in frames.iter().enumerate() {
                for ch in 0..c {
                    for yy in 0..h {
                        data[(ch * h + yy) * n + f] = img.at(ch, yy, x);
                    }
                }
            }
            FloatImage::new(c, h, n, data)
        }
    }
}

/// The drift of the content along a slice, in pixels per frame (the slope of its diagonal): the
/// shift of each frame's line against the first one's (least squared difference over the
/// overlap, searched in whole pixels up to `max_shift` and refined by a parabola), then a
/// least-squares line through the shifts. Positive: content moves toward higher coordinates.
pub fn estimate_drift(slice: &FloatImage, line: SliceLine, max_shift: usize) -> Result<f64> {
    let (frames, len) = match line {
        SliceLine::Row(_) => (slice.height, slice.width),
        SliceLine::Column(_) => (slice.width, slice.height),
    };
    if frames < 2 {
        return Err(Error::Invalid("a drift needs at least two frames".into()));
    }
    let max_shift = max_shift.min(len.saturating_sub(len / 4 + 1));
    // value(ch, frame, position)
    let value = |ch: usize, f: usize, p: usize| -> f64 {
        match line {
            SliceLine::Row(_) => slice.at(ch, f, p) as f64,
            SliceLine::Column(_) => slice.at(ch, p, f) as f64,
        }
    };
    // Mean squared difference between frame f shifted back by s and frame 0.
    let cost = |f: usize, s: i64| -> f64 {
        let (mut acc, mut count) = (0f64, 0usize);
        for p in 0..len as i64 {
            let q = p + s;
            if q < 0 || q >= len as i64 {
                continue;
            }
            for ch in 0..slice.channels {
                let d = value(ch, f, q as usize) - value(ch, 0, p as usize);
                acc += d * d;
            }
            count += 1;
        }
        if count == 0 { f64::INFINITY } else { acc / count as f64 }
    };
    let mut shifts = Vec::with_capacity(frames);
    let mut prev = 0i64;
    for f in 0..frames {
        // Search near the previous frame's shift first: content moves steadily.
        let range = -(max_shift as i64)..=max_shift as i64;
        let best = range.clone().min_by(|&a, &b| {
            let (ca, cb) = (cost(f, a) + 1e-9 * (a - prev).abs() as f64, cost(f, b) + 1e-9 * (b - prev).abs() as f64);
            ca.total_cmp(&cb)
        });
        let s = best.unwrap_or(0);
        prev = s;
        let (cm, c0, cp) = (cost(f, s - 1), cost(f, s), cost(f, s + 1));
        let denom = cm - 2.0 * c0 + cp;
        let frac = if denom.is_finite() && denom > 0.0 { (0.5 * (cm - cp) / denom).clamp(-0.5, 0.5) } else { 0.0 };
        shifts.push(s as f64 + frac);
    }
    let n = frames as f64;
    let mean_t = (n - 1.0) / 2.0;
    let mean_s = shifts.iter().sum::<f64>() / n;
    let (mut num, mut den) = (0f64, 0f64);
    for (t, s) in shifts.iter().enumerate() {
        num += (t as f64 - mean_t) * (s - mean_s);
        den += (t as f64 - mean_t).powi(2);
    }
    Ok(num / den)
}
