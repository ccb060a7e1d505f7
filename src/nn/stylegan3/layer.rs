//! StyleGAN3 `SynthesisLayer` `L{i}_{size}_{channels}` (reference §2.3.3): modulated convolution
//! with the `magnitude_ema` input gain, then the filtered leaky ReLU that changes the sampling
//! rate. The last layer (ToRGB) is a 1×1 modulated convolution without demodulation, styles
//! scaled by `1/sqrt(C_in·k²)`, and a linear filtered "activation" that only adds the bias and
//! clamps.

use candle_core::{Device, Tensor};

use crate::nn::config::Sg3LayerConfig;
use crate::nn::op_timer::{TimedOp, timed};
use crate::nn::ops::filtered_lrelu::{FilteredLrelu, filtered_lrelu};
use crate::nn::ops::fully_connected::FullyConnectedLayer;
use crate::nn::stylegan3::modulated_conv::modulated_conv2d_fast;
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct SynthesisLayer {
    pub config: Sg3LayerConfig,
    pub affine: FullyConnectedLayer,
    /// `[C_out, C_in, k, k]`.
    pub weight: Tensor,
    /// `[C_out]`.
    pub bias: Tensor,
    /// `rsqrt(magnitude_ema)`, a scalar tensor.
    pub input_gain: Tensor,
    /// `[up_taps]`, absent for one tap.
    pub up_filter: Option<Tensor>,
    /// `[down_taps]`, `[taps, taps]` when radial, absent for one tap.
    pub down_filter: Option<Tensor>,
}

/// The spatial size `filtered_lrelu` produces from `n_in` (after the full convolution).
fn output_size(c: &Sg3LayerConfig, n_in: usize, p0: i64, p1: i64) -> i64 {
    let t = ((n_in + c.conv_kernel - 1) * c.up_factor) as i64 + p0 + p1 - c.up_taps as i64 + 1;
    let d = c.down_factor as i64;
    let n = t - c.down_taps as i64 + 1;
    if t <= 0 || n <= 0 { 0 } else { (n + d - 1) / d }
}

fn filter(weights: &Weights, name: &str, taps: usize, radial: bool) -> Result<Option<Tensor>> {
    match weights.get_opt(name) {
        None if taps <= 1 => Ok(None),
        None => Err(Error::MissingTensor(name.to_string())),
        Some(f) => {
            let expected = if radial { vec![taps, taps] } else { vec![taps] };
            if f.dims() != expected.as_slice() {
                return Err(Error::Shape { name: name.to_string(), expected, found: f.dims().to_vec() });
            }
            Ok(Some(f))
        }
    }
}

impl SynthesisLayer {
    pub fn new(config: &Sg3LayerConfig, weights: &Weights, prefix: &str, device: &Device) -> Result<Self> {
        let c = config;
        let bad = |what: String| Err(Error::Format(format!("{prefix}: {what}")));
        if c.conv_kernel == 0 || c.up_factor == 0 || c.down_factor == 0 || c.in_channels == 0 || c.out_channels == 0 {
            return bad("zero kernel, channels or sampling factor".into());
        }
        if c.affine.out_features != c.in_channels {
            return bad(format!("affine gives {} styles for {} input channels", c.affine.out_features, c.in_channels));
        }
        for axis in 0..2 {
            let (p0, p1) = (c.padding[2 * axis], c.padding[2 * axis + 1]);
            let n = output_size(c, c.in_size[axis], p0, p1);
            if n != c.out_size[axis] as i64 {
                return bad(format!(
                    "size {} with kernel {}, up {}, padding {:?}, taps {}/{}, down {} gives {n}, not the recorded {}",
                    c.in_size[axis],
                    c.conv_kernel,
                    c.up_factor,
                    c.padding,
                    c.up_taps,
                    c.down_taps,
                    c.down_factor,
                    c.out_size[axis]
                ));
            }
        }
        let affine = FullyConnectedLayer::new(&c.affine, weights, &format!("{prefix}.affine"))?;
        let k = c.conv_kernel;
        let weight = weights.get(&format!("{prefix}.weight"), &[c.out_channels, c.in_channels, k, k])?;
        let bias = weights.get(&format!("{prefix}.bias"), &[c.out_channels])?;
        let ema = weights.get(&format!("{prefix}.magnitude_ema"), &[])?;
        let ema_value = ema.to_dtype(candle_core::DType::F64)?.to_scalar::<f64>()?;
        if !ema_value.is_finite() || ema_value <= 0.0 {
            return Err(Error::Format(format!("{prefix}.magnitude_ema is {ema_value}, must be positive")));
        }
        let input_gain = ema.sqrt()?.recip()?;
        let up_filter = filter(weights, &format!("{prefix}.up_filter"), c.up_taps, false)?;
        let down_filter = filter(weights, &format!("{prefix}.down_filter"), c.down_taps, c.down_radial)?;
        let on = |t: Tensor| t.to_device(device);
        Ok(Self {
            config: c.clone(),
            affine,
            weight: on(weight)?,
            bias: on(bias)?,
            input_gain: on(input_gain)?,
            up_filter: up_filter.map(on).transpose()?,
            down_filter: down_filter.map(on).transpose()?,
        })
    }

    /// `x [N, C_in, n_in, n_in]`, `w [N, w_dim]` → `[N, C_out, n_out, n_out]`.
    pub fn forward(&self, x: &Tensor, w: &Tensor) -> Result<Tensor> {
        self.forward_with_gain(x, w, &self.input_gain)
    }

    /// [`Self::forward`] with another input gain (training updates `magnitude_ema` during the
    /// forward and uses the new `rsqrt(magnitude_ema)`).
    pub fn forward_with_gain(&self, x: &Tensor, w: &Tensor, input_gain: &Tensor) -> Result<Tensor> {
        self.forward_styles(x, self.affine.forward(w)?, input_gain)
    }

    /// The layer from given affine outputs `[N, C_in]` (before ToRGB's weight gain), e.g. with
    /// StyleSpace offsets added.
    pub fn forward_styles(&self, x: &Tensor, styles: Tensor, input_gain: &Tensor) -> Result<Tensor> {
        let c = &self.config;
        let mut styles = styles;
        if c.is_torgb {
            styles = styles.affine(1.0 / ((c.in_channels * c.conv_kernel * c.conv_kernel) as f64).sqrt(), 0.0)?;
        }
        let x = timed(TimedOp::ModConv, || {
            modulated_conv2d_fast(x, &self.weight, &styles, c.conv_kernel - 1, !c.is_torgb, Some(input_gain))
        })?;
        let params = FilteredLrelu {
            up: c.up_factor,
            down: c.down_factor,
            padding: c.padding,
            gain: if c.is_torgb { 1.0 } else { std::f64::consts::SQRT_2 },
            slope: if c.is_torgb { 1.0 } else { 0.2 },
            clamp: c.conv_clamp,
            flip_filter: false,
        };
        timed(TimedOp::FilteredLrelu, || {
            filtered_lrelu(&x, self.up_filter.as_ref(), self.down_filter.as_ref(), Some(&self.bias), &params)
        })
    }
}
