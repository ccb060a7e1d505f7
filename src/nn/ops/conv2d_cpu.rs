//! The CPU fast path of [`conv2d`](super::conv2d) for inference (float32, stride 1): each
//! sample and group as kh·kw accumulated matrix products on shifted views of the zero-padded
//! input ([`crate::nn::kernels::shifted_conv`]), with no im2col. Candle's own `conv2d` gathers
//! an im2col tile element by element, which costs more than the products themselves.
//! No backward: autograd graphs take [`super::conv_im2col`].

use candle_core::{CpuStorage, CustomOp2, DType, Layout, Shape, Tensor};

use crate::nn::kernels::shifted_conv::{ConvShape, conv2d};
use crate::{Error, Result};

/// Grouped convolution `[N, C_in, H, W] ⊛ [C_out, C_in/groups, kh, kw]`.
struct Conv2dCpu {
    /// One group's shape.
    shape: ConvShape,
    groups: usize,
}

impl CustomOp2 for Conv2dCpu {
    fn name(&self) -> &'static str {
        "conv2d_cpu"
    }

    fn cpu_fwd(
        &self,
        xs: &CpuStorage,
        xl: &Layout,
        ws: &CpuStorage,
        wl: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (CpuStorage::F32(xd), CpuStorage::F32(wd)) = (xs, ws) else {
            candle_core::bail!("conv2d_cpu: float32 input and weight expected")
        };
        let (Some((xa, xb)), Some((wa, wb))) = (xl.contiguous_offsets(), wl.contiguous_offsets()) else {
            candle_core::bail!("conv2d_cpu: contiguous input and weight expected")
        };
        let (x, w) = (&xd[xa..xb], &wd[wa..wb]);
        let s = self.shape;
        let g = self.groups;
        let [oh, ow] = s.out_hw();
        let (per_in, per_out, per_w) = (s.c_in * s.h * s.w, s.c_out * oh * ow, s.c_out * s.c_in * s.k[0] * s.k[1]);
        if per_in == 0 || x.len() % (g * per_in) != 0 || w.len() != g * per_w {
            candle_core::bail!("conv2d_cpu: {} inputs and {} weights for {} groups of {s:?}", x.len(), w.len(), g)
        }
        let n = x.len() / (g * per_in);
        let mut out = vec![0f32; n * g * per_out];
        for (i, dst) in out.chunks_exact_mut(per_out).enumerate() {
            let gi = i % g;
            conv2d(&x[i * per_in..(i + 1) * per_in], &w[gi * per_w..(gi + 1) * per_w], s, dst)
                .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        }
        Ok((CpuStorage::F32(out), Shape::from((n, g * s.c_out, oh, ow))))
    }
}

/// Whether [`conv2d_cpu`] takes this call: float32 CPU tensors outside autograd graphs, stride 1.
pub fn applies(x: &Tensor, w: &Tensor, stride: usize) -> bool {
    stride == 1
        && x.device().is_cpu()
        && w.device().is_cpu()
        && x.dtype() == DType::F32
        && w.dtype() == DType::F32
        && !x.track_op()
        && !w.track_op()
}

/// PyTorch's `conv2d` (correlation, stride 1) with zero padding `[y, x]` and `groups`, through
/// the shifted-view products. The caller checks [`applies`].
pub fn conv2d_cpu(x: &Tensor, w: &Tensor, padding: [usize; 2], groups: usize) -> Result<Tensor> {
    let (_, c_in, h, wd) = x.dims4()?;
    let (c_out, c_in_g, kh, kw) = w.dims4()?;
    if groups == 0 || c_in_g * groups != c_in || c_out % groups != 0 {
        return Err(Error::Invalid(format!(
            "conv2d: input {:?}, weight {:?}, {groups} groups do not fit",
            x.dims(),
            w.dims()
        )));
    }
    let shape = ConvShape { c_in: c_in_g, c_out: c_out / groups, h, w: wd, k: [kh, kw], pad: padding };
    let [oh, ow] = shape.out_hw();
    if oh == 0 || ow == 0 {
        return Err(Error::Invalid(format!(
            "conv2d: {h}×{wd} input, {kh}×{kw} kernel, padding {padding:?}: no output"
        )));
    }
    Ok(x.contiguous()?.apply_op2_no_bwd(&w.contiguous()?, &Conv2dCpu { shape, groups })?)
}
