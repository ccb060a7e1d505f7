//! Low-pass FIR filter design of StyleGAN3 (`SynthesisLayer.design_lowpass_filter`, reference §2.3.4).
//!
//! Two kinds of filters, both designed in float64 and stored as float32 buffers:
//! - separable: `scipy.signal.firwin(numtaps, cutoff, width, fs)`, a Kaiser-windowed sinc with DC
//!   gain 1, applied along x and then along y;
//! - radial (StyleGAN3-R down filters): a jinc `J1(2π·fc·r)/(π·r)` on the `numtaps × numtaps`
//!   grid, times the outer product of the same Kaiser window, normalised to sum 1.
//!
//! A filter with a single tap is the identity and is absent (`None`), as in NVIDIA's buffers.

use std::f64::consts::PI;

use crate::{Error, Result};

/// A designed low-pass filter.
#[derive(Clone, Debug, PartialEq)]
pub enum LowpassFilter {
    /// 1-D taps, applied separably (x, then y).
    Separable(Vec<f64>),
    /// 2-D taps, row-major `[taps, taps]`.
    Radial { taps: usize, values: Vec<f64> },
}

impl LowpassFilter {
    /// The tensor shape NVIDIA stores: `[taps]` or `[taps, taps]`.
    pub fn shape(&self) -> Vec<usize> {
        match self {
            Self::Separable(v) => vec![v.len()],
            Self::Radial { taps, .. } => vec![*taps, *taps],
        }
    }

    /// The taps rounded to float32 (the buffer's dtype), row-major.
    pub fn to_f32(&self) -> Vec<f32> {
        let v = match self {
            Self::Separable(v) => v,
            Self::Radial { values, .. } => values,
        };
        v.iter().map(|&x| x as f32).collect()
    }
}

/// `sinc(x) = sin(πx)/(πx)`, 1 at 0 (NumPy's normalised sinc).
pub fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        let y = PI * x;
        y.sin() / y
    }
}

/// Modified Bessel function of the first kind, order 0 (power series; every term is positive, so
/// the sum is accurate to a few ulp for the arguments filter design uses).
pub fn bessel_i0(x: f64) -> f64 {
    let q = 0.25 * x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut k = 1.0;
    while term > sum * 1e-17 {
        term *= q / (k * k);
        sum += term;
        k += 1.0;
    }
    sum
}

/// Bessel function of the first kind, order 1: Bessel's integral
/// `J1(x) = (1/π)∫₀^π cos(τ − x·sin τ) dτ`, evaluated with the trapezoidal rule over the full
/// period, which is exact up to terms of order `J_{1+N}(x)` and therefore accurate to rounding
/// once `N` comfortably exceeds `|x|`.
pub fn bessel_j1(x: f64) -> f64 {
    let n = 64 + 2 * (x.abs().ceil() as usize);
    let h = 2.0 * PI / n as f64;
    let mut sum = 0.0;
    for i in 0..n {
        let tau = i as f64 * h;
        sum += (tau - x * tau.sin()).cos();
    }
    sum / n as f64
}

/// `scipy.signal.kaiser_atten(numtaps, width)`: attenuation in dB for a normalised transition width.
pub fn kaiser_atten(numtaps: usize, width: f64) -> f64 {
    2.285 * (numtaps as f64 - 1.0) * PI * width + 7.95
}

/// `scipy.signal.kaiser_beta(atten)`.
pub fn kaiser_beta(atten: f64) -> f64 {
    if atten > 50.0 {
        0.1102 * (atten - 8.7)
    } else if atten > 21.0 {
        0.5842 * (atten - 21.0).powf(0.4) + 0.07886 * (atten - 21.0)
    } else {
        0.0
    }
}

/// The symmetric Kaiser window `np.kaiser(numtaps, beta)`.
pub fn kaiser_window(numtaps: usize, beta: f64) -> Vec<f64> {
    if numtaps == 1 {
        return vec![1.0];
    }
    let alpha = (numtaps as f64 - 1.0) / 2.0;
    let denom = bessel_i0(beta);
    (0..numtaps)
        .map(|n| {
            let r = (n as f64 - alpha) / alpha;
            bessel_i0(beta * (1.0 - r * r).max(0.0).sqrt()) / denom
        })
        .collect()
}

fn check_args(numtaps: usize, cutoff: f64, width: f64, fs: f64) -> Result<()> {
    let ok = numtaps >= 1
        && fs.is_finite()
        && fs > 0.0
        && cutoff.is_finite()
        && cutoff > 0.0
        && cutoff < fs / 2.0
        && width.is_finite()
        && width >= 0.0;
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "cannot design a low-pass filter with {numtaps} taps, cutoff {cutoff}, width {width}, fs {fs} (need 0 < cutoff < fs/2)"
        )))
    }
}

/// `scipy.signal.firwin(numtaps, cutoff, width=width, fs=fs)` (Kaiser window, low-pass, DC gain 1).
pub fn firwin(numtaps: usize, cutoff: f64, width: f64, fs: f64) -> Result<Vec<f64>> {
    check_args(numtaps, cutoff, width, fs)?;
    let nyq = fs / 2.0;
    let c = cutoff / nyq;
    let beta = kaiser_beta(kaiser_atten(numtaps, width / nyq));
    let window = kaiser_window(numtaps, beta);
    let alpha = 0.5 * (numtaps as f64 - 1.0);
    let mut h: Vec<f64> = (0..numtaps).map(|n| c * sinc(c * (n as f64 - alpha)) * window[n]).collect();
    let s: f64 = h.iter().sum();
    h.iter_mut().for_each(|x| *x /= s);
    Ok(h)
}

/// The radial (jinc) low-pass filter of StyleGAN3-R, row-major `[numtaps, numtaps]`.
pub fn radial_lowpass(numtaps: usize, cutoff: f64, width: f64, fs: f64) -> Result<Vec<f64>> {
    check_args(numtaps, cutoff, width, fs)?;
    let x: Vec<f64> = (0..numtaps).map(|n| (n as f64 - (numtaps as f64 - 1.0) / 2.0) / fs).collect();
    let beta = kaiser_beta(kaiser_atten(numtaps, width / (fs / 2.0)));
    let w = kaiser_window(numtaps, beta);
    let mut f = Vec::with_capacity(numtaps * numtaps);
    for (i, &yi) in x.iter().enumerate() {
        for (j, &xj) in x.iter().enumerate() {
            let r = xj.hypot(yi);
            // The limit of J1(2π·fc·r)/(π·r) at r = 0 is fc (only reached with odd numtaps).
            let jinc = if r == 0.0 { cutoff } else { bessel_j1(2.0 * cutoff * (PI * r)) / (PI * r) };
            f.push(jinc * w[i] * w[j]);
        }
    }
    let s: f64 = f.iter().sum();
    f.iter_mut().for_each(|v| *v /= s);
    Ok(f)
}

/// `SynthesisLayer.design_lowpass_filter(numtaps, cutoff, width, fs, radial)`; `None` for one tap.
pub fn design_lowpass_filter(
    numtaps: usize,
    cutoff: f64,
    width: f64,
    fs: f64,
    radial: bool,
) -> Result<Option<LowpassFilter>> {
    if numtaps == 1 {
        return Ok(None);
    }
    Ok(Some(if radial {
        LowpassFilter::Radial { taps: numtaps, values: radial_lowpass(numtaps, cutoff, width, fs)? }
    } else {
        LowpassFilter::Separable(firwin(numtaps, cutoff, width, fs)?)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bessel_functions_match_tabulated_values() {
        // Abramowitz & Stegun tables.
        assert!((bessel_i0(1.0) - 1.266_065_877_752_008_4).abs() < 1e-15);
        assert!((bessel_i0(5.0) - 27.239_871_823_604_44).abs() < 1e-12);
        assert!((bessel_j1(1.0) - 0.440_050_585_744_933_5).abs() < 1e-15);
        assert!((bessel_j1(10.0) - 0.043_472_746_168_861_44).abs() < 1e-15);
        assert!((bessel_j1(3.831_705_970_207_512) - 0.0).abs() < 1e-15);
        assert!((bessel_j1(-2.0) + 0.576_724_807_756_873_4).abs() < 1e-15);
    }

    #[test]
    fn firwin_matches_the_reference_example() {
        // firwin(12, 2, 12, 32): the L0 filters of the 1024² networks (reference §2.3.4).
        let h = firwin(12, 2.0, 12.0, 32.0).unwrap();
        let half = [0.000792, 0.010018, 0.03895, 0.092413, 0.156526, 0.201302];
        for (i, &v) in half.iter().enumerate() {
            assert!((h[i] - v).abs() < 1e-6, "tap {i}: {} vs {v}", h[i]);
            assert!((h[11 - i] - v).abs() < 1e-6, "tap {}: {} vs {v}", 11 - i, h[11 - i]);
        }
        assert!((h.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn one_tap_is_none_and_bad_arguments_are_errors() {
        assert_eq!(design_lowpass_filter(1, 2.0, 12.0, 32.0, false).unwrap(), None);
        assert!(design_lowpass_filter(12, 20.0, 12.0, 32.0, false).is_err());
        assert!(design_lowpass_filter(12, f64::NAN, 12.0, 32.0, true).is_err());
    }

    #[test]
    fn radial_filter_is_symmetric_and_normalised() {
        let f = radial_lowpass(12, 2.0, 12.0, 32.0).unwrap();
        assert!((f.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        for i in 0..12 {
            for j in 0..12 {
                assert!((f[i * 12 + j] - f[j * 12 + i]).abs() < 1e-16);
                assert!((f[i * 12 + j] - f[(11 - i) * 12 + (11 - j)]).abs() < 1e-16);
            }
        }
    }
}
