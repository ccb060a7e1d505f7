//! High-frequency energy of an image: the figure behind the neighbourhood-average view
//! (paper Fig. 1, left). Details that stick to the pixel grid survive averaging over nearby
//! latents, so the average keeps much of the single image's high-frequency energy (StyleGAN2);
//! details that move with the content blur out of the average (StyleGAN3).

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

use crate::analysis::sticking::FloatImage;
use crate::analysis::sticking::fft2::fft2;

/// The default band: radial frequencies above half of Nyquist.
pub const DEFAULT_CUTOFF: f64 = 0.5;

/// Mean energy per pixel, summed over channels, of the frequencies whose radius
/// `√(fu² + fv²)` (in units of the Nyquist frequency, 0.5 cycles per pixel) exceeds `cutoff`.
/// Each channel's mean is removed first; by Parseval, `cutoff = 0` gives the channels' summed
/// variance.
pub fn high_frequency_energy(img: &FloatImage, cutoff: f64) -> f64 {
    let (h, w) = (img.height, img.width);
    let mut planner = FftPlanner::new();
    let mut total = 0.0;
    for c in 0..img.channels {
        let plane = img.plane(c);
        let mean = plane.iter().map(|&v| v as f64).sum::<f64>() / plane.len() as f64;
        let mut data: Vec<Complex<f64>> = plane.iter().map(|&v| Complex::new(v as f64 - mean, 0.0)).collect();
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
    total / (h * w) as f64 / (h * w) as f64
}

/// The share of `single`'s high-frequency energy left in `average` (1 = as sharp, 0 = all blurred
/// away); 0 when `single` has none.
pub fn retained_high_frequency(single: &FloatImage, average: &FloatImage, cutoff: f64) -> f64 {
    retained_share(high_frequency_energy(single, cutoff), high_frequency_energy(average, cutoff))
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
        assert_eq!(high_frequency_energy(&flat, 0.0), 0.0);
        // ±1 checkerboard: variance 1, all of it at (Nyquist, Nyquist), radius √2.
        let board = image(8, 8, |y, x| if (x + y) % 2 == 0 { 1.0 } else { -1.0 });
        assert!((high_frequency_energy(&board, 0.0) - 1.0).abs() < 1e-12);
        assert!((high_frequency_energy(&board, 1.4) - 1.0).abs() < 1e-12);
        assert_eq!(high_frequency_energy(&board, 1.5), 0.0);
    }

    #[test]
    fn a_slow_cosine_is_low_and_the_cutoff_splits_the_band() {
        // One cycle across 16 pixels: radius (1/16)/0.5 = 0.125 of Nyquist, variance ½.
        let slow = image(16, 16, |_, x| (2.0 * std::f32::consts::PI * x as f32 / 16.0).cos());
        assert!((high_frequency_energy(&slow, 0.1) - 0.5).abs() < 1e-6);
        assert!(high_frequency_energy(&slow, 0.2) < 1e-12);
        // Six cycles: radius 0.75, above the default cutoff.
        let fast = image(16, 16, |y, _| (2.0 * std::f32::consts::PI * 6.0 * y as f32 / 16.0).cos());
        assert!((high_frequency_energy(&fast, DEFAULT_CUTOFF) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn averaging_shifted_copies_of_a_texture_removes_its_high_frequencies() {
        let board = image(8, 8, |y, x| if (x + y) % 2 == 0 { 1.0 } else { 0.0 });
        let shifted = image(8, 8, |y, x| if (x + y) % 2 == 1 { 1.0 } else { 0.0 });
        let mut average = FloatImage::zeros(1, 8, 8);
        average.add_scaled(&board, 0.5).unwrap();
        average.add_scaled(&shifted, 0.5).unwrap();
        assert_eq!(retained_high_frequency(&board, &average, DEFAULT_CUTOFF), 0.0);
        assert!((retained_high_frequency(&board, &board, DEFAULT_CUTOFF) - 1.0).abs() < 1e-12);
        // Half the contrast keeps a quarter of the energy.
        let mut faded = FloatImage::zeros(1, 8, 8);
        faded.add_scaled(&board, 0.5).unwrap();
        assert!((retained_high_frequency(&board, &faded, DEFAULT_CUTOFF) - 0.25).abs() < 1e-12);
        assert_eq!(retained_high_frequency(&image(8, 8, |_, _| 1.0), &board, DEFAULT_CUTOFF), 0.0);
    }
}
