//! High-frequency energy of an image: the figure behind the neighbourhood-average view
//! (paper Fig. 1, left). Details that stick to the pixel grid survive averaging over nearby
//! latents, so the average keeps much of the single image's high-frequency energy (StyleGAN2);
//! details that move with the content blur out of the average (StyleGAN3).
//!
//! The image is tapered by a Kaiser window before its FFT (β 8 by default, as the FFT view and
//! NVIDIA's `avg_spectra.py`). Without it the FFT sees the image as periodic: the jump from one
//! edge to the opposite one (a background gradient, a body cut by the bottom edge) puts energy
//! on the two frequency axes, up to Nyquist. That energy stays put in every image of a
//! neighbourhood, so it survives the average whatever the network does and pulls both networks'
//! shares towards 1.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::analysis::sticking::FloatImage;
use crate::analysis::sticking::fft2::fft2;
use crate::analysis::sticking::kaiser::kaiser_window;

/// The default band: radial frequencies above half of Nyquist.
pub const DEFAULT_CUTOFF: f64 = 0.5;

/// The default Kaiser β of the window (0: no window, the image taken as periodic).
pub const DEFAULT_BETA: f64 = 8.0;

/// Energy per pixel, summed over channels, of the frequencies whose radius
/// `√(fu² + fv²)` (in units of the Nyquist frequency, 0.5 cycles per pixel) exceeds `cutoff`.
/// Each channel's mean is removed, then the plane is multiplied by a separable Kaiser window of
/// `beta` (0 = none) and the energy divided by the window's, so that white noise gives the same
/// figure for any `beta`. With `beta = 0`, by Parseval, `cutoff = 0` gives the channels' summed
/// variance. A `beta` that is negative or not finite is taken as 0.
pub fn high_frequency_energy(img: &FloatImage, cutoff: f64, beta: f64) -> f64 {
    let (h, w) = (img.height, img.width);
    let beta = if beta.is_finite() && beta > 0.0 { beta } else { 0.0 };
    let (wy, wx) = (kaiser_window(h, beta), kaiser_window(w, beta));
    let window_energy: f64 = wy.iter().map(|a| a * a).sum::<f64>() * wx.iter().map(|a| a * a).sum::<f64>();
    if h == 0 || w == 0 || window_energy <= 0.0 {
        return 0.0;
    }
    let mut planner = FftPlanner::new();
    let mut total = 0.0;
    for c in 0..img.channels {
        let plane = img.plane(c);
        let mean = plane.iter().map(|&v| v as f64).sum::<f64>() / plane.len() as f64;
        let mut data: Vec<Complex<f64>> = plane
            .iter()
            .enumerate()
            .map(|(i, &v)| Complex::new((v as f64 - mean) * wy[i / w] * wx[i % w], 0.0))
            .collect();
        fft2(&mut data, h, w, &mut planner);
        for u in 0..h {
            let fu = u.min(h - u) as f64 / h as f64;
            for v in 0..w {
                let fv = v.min(w - v) as f64 / w as f64;
                if (fu * fu + fv * fv).sqrt() / 0.5 > cutoff {
                    total += data[u * w + v].norm_sqr();
                }
            }
        }
    }
    total / window_energy / (h * w) as f64
}

/// The share of `single`'s high-frequency energy left in `average` (1 = as sharp, 0 = all blurred
/// away); 0 when `single` has none.
pub fn retained_high_frequency(single: &FloatImage, average: &FloatImage, cutoff: f64, beta: f64) -> f64 {
    retained_share(high_frequency_energy(single, cutoff, beta), high_frequency_energy(average, cutoff, beta))
}

/// [`retained_high_frequency`] from energies already computed.
pub fn retained_share(single_energy: f64, average_energy: f64) -> f64 {
    if single_energy <= 0.0 { 0.0 } else { average_energy / single_energy }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(h: usize, w: usize, f: impl Fn(usize, usize) -> f32) -> FloatImage {
        let data = (0..h * w).map(|i| f(i / w, i % w)).collect();
        FloatImage::new(1, h, w, data).unwrap()
    }

    #[test]
    fn a_constant_image_has_none_and_a_checkerboard_has_all_of_its_variance_high() {
        let flat = image(8, 8, |_, _| 0.7);
        assert_eq!(high_frequency_energy(&flat, 0.0, 0.0), 0.0);
        // ±1 checkerboard: variance 1, all of it at (Nyquist, Nyquist), radius √2.
        let board = image(8, 8, |y, x| if (x + y) % 2 == 0 { 1.0 } else { -1.0 });
        assert!((high_frequency_energy(&board, 0.0, 0.0) - 1.0).abs() < 1e-12);
        assert!((high_frequency_energy(&board, 1.4, 0.0) - 1.0).abs() < 1e-12);
        assert_eq!(high_frequency_energy(&board, 1.5, 0.0), 0.0);
    }

    #[test]
    fn a_slow_cosine_is_low_and_the_cutoff_splits_the_band() {
        // One cycle across 16 pixels: radius (1/16)/0.5 = 0.125 of Nyquist, variance ½.
        let slow = image(16, 16, |_, x| (2.0 * std::f32::consts::PI * x as f32 / 16.0).cos());
        assert!((high_frequency_energy(&slow, 0.1, 0.0) - 0.5).abs() < 1e-6);
        assert!(high_frequency_energy(&slow, 0.2, 0.0) < 1e-12);
        // Six cycles: radius 0.75, above the default cutoff.
        let fast = image(16, 16, |y, _| (2.0 * std::f32::consts::PI * 6.0 * y as f32 / 16.0).cos());
        assert!((high_frequency_energy(&fast, DEFAULT_CUTOFF, 0.0) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn averaging_shifted_copies_of_a_texture_removes_its_high_frequencies() {
        let board = image(8, 8, |y, x| if (x + y) % 2 == 0 { 1.0 } else { 0.0 });
        let shifted = image(8, 8, |y, x| if (x + y) % 2 == 1 { 1.0 } else { 0.0 });
        let mut average = FloatImage::zeros(1, 8, 8);
        average.add_scaled(&board, 0.5).unwrap();
        average.add_scaled(&shifted, 0.5).unwrap();
        assert_eq!(retained_high_frequency(&board, &average, DEFAULT_CUTOFF, 0.0), 0.0);
        assert!((retained_high_frequency(&board, &board, DEFAULT_CUTOFF, 0.0) - 1.0).abs() < 1e-12);
        // Half the contrast keeps a quarter of the energy.
        let mut faded = FloatImage::zeros(1, 8, 8);
        faded.add_scaled(&board, 0.5).unwrap();
        assert!((retained_high_frequency(&board, &faded, DEFAULT_CUTOFF, 0.0) - 0.25).abs() < 1e-12);
        assert_eq!(retained_high_frequency(&image(8, 8, |_, _| 1.0), &board, DEFAULT_CUTOFF, 0.0), 0.0);
    }

    /// A horizontal ramp from 0 to 1 (smooth inside, a jump of 1 where the FFT wraps it round).
    fn ramp(x: usize) -> f32 {
        x as f32 / 31.0
    }

    #[test]
    fn the_window_removes_the_energy_of_the_wrap_around_jump() {
        let r = image(32, 32, |_, x| ramp(x));
        let periodic = high_frequency_energy(&r, DEFAULT_CUTOFF, 0.0);
        let windowed = high_frequency_energy(&r, DEFAULT_CUTOFF, DEFAULT_BETA);
        assert!(periodic > 1e-3, "the jump puts energy above half Nyquist: {periodic:e}");
        assert!(windowed < 1e-3 * periodic, "windowed {windowed:e} against {periodic:e}");
    }

    #[test]
    fn texture_that_moves_over_a_still_background_is_all_blurred_away_only_with_the_window() {
        // 0.75 of Nyquist: 12 cycles across 32 pixels. Eight copies shifted by one pixel each
        // average to exactly nothing (the phases are the eighth roots of unity); the ramp stays.
        let tex = |y: usize, x: usize, s: usize| {
            0.2 * (2.0 * std::f32::consts::PI * 12.0 * (x + s) as f32 / 32.0).cos() * (y % 2) as f32
        };
        let single = image(32, 32, |y, x| ramp(x) + tex(y, x, 0));
        let mut average = FloatImage::zeros(1, 32, 32);
        for s in 0..8 {
            average.add_scaled(&image(32, 32, |y, x| ramp(x) + tex(y, x, s)), 1.0 / 8.0).unwrap();
        }
        let periodic = retained_high_frequency(&single, &average, DEFAULT_CUTOFF, 0.0);
        let windowed = retained_high_frequency(&single, &average, DEFAULT_CUTOFF, DEFAULT_BETA);
        assert!(periodic > 0.1, "without a window the still edge keeps {periodic}");
        assert!(windowed < 0.01, "with it the share is the texture's: {windowed}");
    }

    #[test]
    fn white_noise_has_the_same_energy_with_and_without_the_window() {
        // SplitMix64 of the pixel index: uniform in [-½, ½).
        let noise = image(64, 64, |y, x| {
            let mut z = ((y * 64 + x) as u64).wrapping_add(1).wrapping_mul(0x9E3779B97F4A7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
            z ^= z >> 31;
            (z >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        });
        let plain = high_frequency_energy(&noise, 0.0, 0.0);
        let windowed = high_frequency_energy(&noise, 0.0, DEFAULT_BETA);
        assert!((plain - 1.0 / 12.0).abs() < 0.01, "variance of U(-½, ½): {plain}");
        assert!((windowed / plain - 1.0).abs() < 0.15, "{windowed} against {plain}");
        assert_eq!(high_frequency_energy(&noise, 0.0, f64::NAN), plain);
    }
}
