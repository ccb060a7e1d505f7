//! StyleGAN3 synthesis as training runs it: the same layers as inference, but a
//! `SynthesisInput` built from tensor operations (the inference version computes the learned
//! per-sample transform on the host, outside autograd, so `input.affine` and `ws[:, 0]` would get
//! no gradient), and, with `update_emas`, NVIDIA's update of every layer's `magnitude_ema` from
//! the mean square of its input, used by that same forward.

use candle_core::{DType, IndexOp, Tensor};

use crate::Result;
use crate::nn::stylegan3::{Sg3Synthesis, SynthesisInput};
use crate::train::forward::EmaUpdates;

/// `SynthesisInput.forward` (NVIDIA's tensor formulation): `t = affine(w)` normalised by the
/// length of its rotation part, `T = m_r(t)·m_t(t)·transform`, frequencies `f·T[:2,:2]`, phases
/// `φ + f·T[:2,2]`, amplitudes damped outside the band, `sin(2π(grid·f + φ))·a`, channel mixing.
pub fn input_forward(input: &SynthesisInput, w: &Tensor) -> Result<Tensor> {
    let cfg = &input.config;
    let n = w.dim(0)?;
    let c = cfg.channels;
    let [sx, sy] = cfg.size;
    let dev = w.device();
    let t = input.affine.forward(w)?; // [N, 4]
    let col = |i: usize| -> Result<Tensor> { Ok(t.i((.., i..i + 1))?) }; // [N, 1]
    let norm = (col(0)?.sqr()? + col(1)?.sqr()?)?.sqrt()?;
    let (rc, rs) = (col(0)?.div(&norm)?, col(1)?.div(&norm)?);
    let (tx, ty) = (col(2)?.div(&norm)?, col(3)?.div(&norm)?);
    // A = m_r·m_t = [[rc, −rs, −rc·tx + rs·ty], [rs, rc, −rs·tx − rc·ty], [0, 0, 1]].
    let zero = rc.zeros_like()?;
    let one = (&zero + 1.0)?;
    let a = [
        [rc.clone(), rs.neg()?, ((&rs * &ty)? - (&rc * &tx)?)?],
        [rs.clone(), rc.clone(), ((&rs * &tx)? + (&rc * &ty)?)?.neg()?],
        [zero.clone(), zero.clone(), one],
    ];
    // M = A·U with the stored (user) transform U.
    let u = input.transform;
    let m = |i: usize, j: usize| -> Result<Tensor> {
        let mut acc = a[i][0].affine(f64::from(u[0][j]), 0.0)?;
        for (k, row) in u.iter().enumerate().skip(1) {
            acc = (acc + a[i][k].affine(f64::from(row[j]), 0.0)?)?;
        }
        Ok(acc)
    };
    let fx =
        Tensor::from_vec(input.freqs.iter().map(|f| f[0]).collect::<Vec<_>>(), (1, c), dev)?.to_dtype(t.dtype())?;
    let fy =
        Tensor::from_vec(input.freqs.iter().map(|f| f[1]).collect::<Vec<_>>(), (1, c), dev)?.to_dtype(t.dtype())?;
    let ph = Tensor::from_vec(input.phases.clone(), (1, c), dev)?.to_dtype(t.dtype())?;
    let phases = (ph.broadcast_add(&fx.broadcast_mul(&m(0, 2)?)?)? + fy.broadcast_mul(&m(1, 2)?)?)?; // [N, C]
    let gx = (fx.broadcast_mul(&m(0, 0)?)? + fy.broadcast_mul(&m(1, 0)?)?)?;
    let gy = (fx.broadcast_mul(&m(0, 1)?)? + fy.broadcast_mul(&m(1, 1)?)?)?;
    let bw = cfg.bandwidth;
    let half = cfg.sampling_rate / 2.0;
    let amps = (gx.sqr()? + gy.sqr()?)?.sqrt()?.affine(-1.0 / (half - bw), 1.0 + bw / (half - bw))?.clamp(0.0, 1.0)?;
    let freqs = Tensor::stack(&[&gx, &gy], 1)?; // [N, 2, C]
    let grid = input.grid().to_dtype(t.dtype())?.unsqueeze(0)?.broadcast_as((n, sx * sy, 2))?.contiguous()?;
    let x = grid.matmul(&freqs)?.broadcast_add(&phases.unsqueeze(1)?)?; // [N, HW, C]
    let x = x.affine(std::f64::consts::TAU, 0.0)?.sin()?.broadcast_mul(&amps.unsqueeze(1)?)?;
    let weight_t = input.weight.to_dtype(t.dtype())?.affine(1.0 / (c as f64).sqrt(), 0.0)?.t()?;
    let x = x.reshape((n * sy * sx, c))?.matmul(&weight_t)?;
    Ok(x.reshape((n, sy, sx, c))?.permute((0, 3, 1, 2))?.contiguous()?)
}

/// ws `[N, num_ws, w_dim]` → image, with `magnitude_ema` updates when `ema` is given.
pub fn synthesis(s: &Sg3Synthesis, ws: &Tensor, mut ema: Option<&mut EmaUpdates>) -> Result<Tensor> {
    let ws = ws.to_dtype(DType::F32)?;
    let row = |i: usize| -> Result<Tensor> { Ok(ws.i((.., i))?.contiguous()?) };
    let mut x = input_forward(&s.input, &row(0)?)?;
    for (i, layer) in s.layers.iter().enumerate() {
        let gain = match ema.as_deref_mut() {
            Some(ema) => {
                let name = format!("synthesis.{}.magnitude_ema", layer.config.name);
                let current = ema.current(&name)?;
                let magnitude = x.detach().sqr()?.mean_all()?;
                let beta = layer.config.magnitude_ema_beta;
                // lerp(magnitude, magnitude_ema, β)
                let updated = (&magnitude + ((current - &magnitude)? * beta)?)?;
                let gain = updated.sqrt()?.recip()?;
                ema.buffers.push((name, updated));
                gain
            }
            None => layer.input_gain.clone(),
        };
        x = layer.forward_with_gain(&x, &row(i + 1)?, &gain)?;
    }
    let scale = s.config.output_scale;
    Ok(if scale != 1.0 { x.affine(scale, 0.0)? } else { x })
}
