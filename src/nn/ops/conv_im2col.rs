//! 2-D convolution (PyTorch's `conv2d`: correlation, zero padding, stride, groups) as im2col +
//! one matrix product per group, differentiable with a fast backward: the gradients are two
//! matrix products and a col2im scatter. Candle's own `conv2d` computes the input gradient with
//! its `conv_transpose2d`, which on the CPU is 10–60× slower than the forward pass; training goes
//! through this instead (`crate::nn::ops::conv2d`, used wherever a convolution's input or weight is
//! part of an autograd graph). The reference is candle's `conv2d`; tests compare values and
//! gradients.
//!
//! Layout: for groups `G`, input `[B, G·Cg, H, W]` and weight `[G·Og, Cg, kh, kw]`, the columns are
//! `[G, Cg·kh·kw, B·OH·OW]` (row `(c·kh + ky)·kw + kx`, column `b·OH·OW + oy·OW + ox`), the product
//! `[G, Og, Cg·kh·kw] × [G, Cg·kh·kw, B·OH·OW]`.

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Shape, Tensor, WithDType};

use crate::{Error, Result};

/// Sizes of one convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Geometry {
    b: usize,
    c: usize,
    h: usize,
    w: usize,
    groups: usize,
    kh: usize,
    kw: usize,
    stride: usize,
    /// `[y, x]`.
    pad: [usize; 2],
    oh: usize,
    ow: usize,
}

impl Geometry {
    fn cg(&self) -> usize {
        self.c / self.groups
    }
    fn rows(&self) -> usize {
        self.cg() * self.kh * self.kw
    }
    fn cols(&self) -> usize {
        self.b * self.oh * self.ow
    }

    /// The valid output columns `ox` of kernel column `kx` (input column `ox·stride + kx − pad`
    /// inside `[0, w)`), as a range.
    #[inline]
    fn ox_range(&self, kx: usize) -> (usize, usize) {
        let (s, p) = (self.stride, self.pad[1]);
        let lo = if kx >= p { 0 } else { (p - kx).div_ceil(s) };
        let hi = if self.w + p > kx { ((self.w + p - kx - 1) / s + 1).min(self.ow) } else { 0 };
        (lo.min(hi), hi)
    }

    /// Calls `f(col, src, ox0, ox1)` for every run of output columns `ox0..ox1` of one (group,
    /// channel, ky, kx, sample, oy) whose input row is inside the image: column-matrix index
    /// `col + ox` ↔ input index `src + ox·stride` (`src` itself may lie before the row).
    #[inline]
    fn for_each_run(&self, mut f: impl FnMut(usize, isize, usize, usize)) {
        let (l, cols, cg) = (self.oh * self.ow, self.cols(), self.cg());
        for g in 0..self.groups {
            for c in 0..cg {
                for ky in 0..self.kh {
                    for kx in 0..self.kw {
                        let (ox0, ox1) = self.ox_range(kx);
                        if ox0 >= ox1 {
                            continue;
                        }
                        let row = (c * self.kh + ky) * self.kw + kx;
                        let base = (g * self.rows() + row) * cols;
                        for b in 0..self.b {
                            let plane = (b * self.c + g * cg + c) * self.h * self.w;
                            for oy in 0..self.oh {
                                let iy = (oy * self.stride + ky) as isize - self.pad[0] as isize;
                                if iy < 0 || iy >= self.h as isize {
                                    continue;
                                }
                                let src = (plane + iy as usize * self.w + kx) as isize - self.pad[1] as isize;
                                f(base + b * l + oy * self.ow, src, ox0, ox1);
                            }
                        }
                    }
                }
            }
        }
    }
}

fn im2col<T: WithDType>(g: &Geometry, x: &[T]) -> Vec<T> {
    let mut out = vec![T::zero(); g.groups * g.rows() * g.cols()];
    let s = g.stride;
    g.for_each_run(|dst, src, ox0, ox1| {
        let d = &mut out[dst + ox0..dst + ox1];
        let at = |ox: usize| (src + (ox * s) as isize) as usize;
        if s == 1 {
            d.copy_from_slice(&x[at(ox0)..at(ox1)]);
        } else {
            for (i, v) in d.iter_mut().enumerate() {
                *v = x[at(ox0 + i)];
            }
        }
    });
    out
}

fn col2im<T: WithDType>(g: &Geometry, cols: &[T]) -> Vec<T> {
    let mut out = vec![T::zero(); g.b * g.c * g.h * g.w];
    let s = g.stride;
    g.for_each_run(|src, dst, ox0, ox1| {
        let c = &cols[src + ox0..src + ox1];
        let at = |ox: usize| (dst + (ox * s) as isize) as usize;
        if s == 1 {
            for (o, v) in out[at(ox0)..at(ox1)].iter_mut().zip(c) {
                *o += *v;
            }
        } else {
            for (i, v) in c.iter().enumerate() {
                out[at(ox0 + i)] += *v;
            }
        }
    });
    out
}

/// `[B, C, H, W]` → columns `[G, Cg·kh·kw, B·OH·OW]`; backward: col2im.
struct Im2Col(Geometry);
/// Columns → `[B, C, H, W]` (summing overlaps); backward: im2col.
struct Col2Im(Geometry);

fn contiguous<'a, T>(data: &'a [T], layout: &Layout, name: &str) -> candle_core::Result<&'a [T]> {
    match layout.contiguous_offsets() {
        Some((a, b)) => Ok(&data[a..b]),
        None => candle_core::bail!("{name}: contiguous input only"),
    }
}

impl CustomOp1 for Im2Col {
    fn name(&self) -> &'static str {
        "im2col"
    }
    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let g = &self.0;
        let shape = Shape::from((g.groups, g.rows(), g.cols()));
        Ok(match s {
            CpuStorage::F32(v) => (CpuStorage::F32(im2col(g, contiguous(v, l, "im2col")?)), shape),
            CpuStorage::F64(v) => (CpuStorage::F64(im2col(g, contiguous(v, l, "im2col")?)), shape),
            _ => candle_core::bail!("im2col: float32 or float64 only"),
        })
    }
    fn bwd(&self, _arg: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        Ok(Some(grad.contiguous()?.apply_op1(Col2Im(self.0))?))
    }
}

impl CustomOp1 for Col2Im {
    fn name(&self) -> &'static str {
        "col2im"
    }
    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let g = &self.0;
        let shape = Shape::from((g.b, g.c, g.h, g.w));
        Ok(match s {
            CpuStorage::F32(v) => (CpuStorage::F32(col2im(g, contiguous(v, l, "col2im")?)), shape),
            CpuStorage::F64(v) => (CpuStorage::F64(col2im(g, contiguous(v, l, "col2im")?)), shape),
            _ => candle_core::bail!("col2im: float32 or float64 only"),
        })
    }
    fn bwd(&self, _arg: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        Ok(Some(grad.contiguous()?.apply_op1(Im2Col(self.0))?))
    }
}

/// `x [B, C, H, W]`, `w [O, C/groups, kh, kw]`, zero padding `[y, x]` → `[B, O, OH, OW]`, as
/// PyTorch's `conv2d(x, w, padding, stride, groups=groups)` (CPU, float32/float64).
pub fn conv2d_im2col(x: &Tensor, w: &Tensor, padding: [usize; 2], stride: usize, groups: usize) -> Result<Tensor> {
    let (b, c, h, wd) = x.dims4()?;
    let (o, cg, kh, kw) = w.dims4()?;
    let bad = || {
        Error::Invalid(format!(
            "conv2d: input {:?}, weight {:?}, groups {groups}, stride {stride}, padding {padding:?} do not fit",
            x.dims(),
            w.dims()
        ))
    };
    if groups == 0
        || stride == 0
        || c != cg * groups
        || o % groups != 0
        || !matches!(x.dtype(), DType::F32 | DType::F64)
    {
        return Err(bad());
    }
    let (hp, wp) = (h + 2 * padding[0], wd + 2 * padding[1]);
    if hp < kh || wp < kw || b == 0 {
        return Err(bad());
    }
    let geo = Geometry {
        b,
        c,
        h,
        w: wd,
        groups,
        kh,
        kw,
        stride,
        pad: padding,
        oh: (hp - kh) / stride + 1,
        ow: (wp - kw) / stride + 1,
    };
    let cols = x.contiguous()?.apply_op1(Im2Col(geo))?; // [G, Cg·k², B·L]
    let og = o / groups;
    let wm = w.to_dtype(x.dtype())?.reshape((groups, og, geo.rows()))?;
    let y = wm.matmul(&cols)?; // [G, Og, B·L]
    let y = y.reshape((groups, og, b, geo.oh, geo.ow))?.permute((2, 0, 1, 3, 4))?;
    Ok(y.reshape((b, o, geo.oh, geo.ow))?)
}

/// Transposed convolution as the adjoint of [`conv2d_im2col`]: `col2im(Kᵀ·x)`, with the weight in
/// the ordinary layout `[O, C/groups, kh, kw]` and the semantics of
/// [`crate::nn::ops::transposed_conv::transposed_conv2d_ref`] (a true convolution of the
/// zero-inserted input with `K` = the weight, spatially flipped when `flip_kernel`; output
/// `(H−1)·stride + kh − 2·padding`). Backward: a convolution and a matrix product.
pub fn conv_transpose2d_col2im(
    x: &Tensor,
    w: &Tensor,
    stride: usize,
    padding: [usize; 2],
    groups: usize,
    flip_kernel: bool,
) -> Result<Tensor> {
    let (b, c, h, wd) = x.dims4()?;
    let (o, cg, kh, kw) = w.dims4()?;
    let bad = || {
        Error::Invalid(format!(
            "transposed conv: input {:?}, weight {:?}, groups {groups}, stride {stride} do not fit",
            x.dims(),
            w.dims()
        ))
    };
    if groups == 0
        || stride == 0
        || c != cg * groups
        || o % groups != 0
        || !matches!(x.dtype(), DType::F32 | DType::F64)
        || b == 0
    {
        return Err(bad());
    }
    let (full_h, full_w) = ((h - 1) * stride + kh, (wd - 1) * stride + kw);
    if full_h <= 2 * padding[0] || full_w <= 2 * padding[1] {
        return Err(bad());
    }
    let (oh, ow) = (full_h - 2 * padding[0], full_w - 2 * padding[1]);
    let og = o / groups;
    // The forward convolution whose adjoint this is: [B, O, oh, ow] → [B, O·…, h, wd].
    let geo = Geometry { b, c: o, h: oh, w: ow, groups, kh, kw, stride, pad: padding, oh: h, ow: wd };
    let k = if flip_kernel { w.flip(&[2, 3])? } else { w.clone() };
    // [G, Og·kh·kw, Cg] and [G, Cg, B·h·wd].
    let kr = k.to_dtype(x.dtype())?.reshape((groups, og, cg, kh, kw))?.permute((0, 1, 3, 4, 2))?.reshape((
        groups,
        og * kh * kw,
        cg,
    ))?;
    let xr = x.reshape((b, groups, cg, h * wd))?.permute((1, 2, 0, 3))?.reshape((groups, cg, b * h * wd))?;
    let cols = kr.contiguous()?.matmul(&xr.contiguous()?)?;
    Ok(cols.apply_op1(Col2Im(geo))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    fn randn(shape: &[usize], seed: u64) -> Tensor {
        let n: usize = shape.iter().product();
        let v: Vec<f64> =
            (0..n).map(|i| (((i as u64 + 1) * 2654435761 + seed * 97) % 1000) as f64 / 500.0 - 1.0).collect();
        Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
        (a - b).unwrap().abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f64>().unwrap()
    }

    /// Values and both gradients equal candle's conv2d (float64, exact to rounding).
    #[test]
    fn matches_candle_conv2d_and_its_gradients() {
        for (xs, ws, pad, stride, groups) in [
            ([2, 3, 7, 6], [4, 3, 3, 3], [1, 1], 1, 1),
            ([2, 4, 8, 8], [6, 2, 3, 3], [0, 0], 2, 2),
            ([3, 1, 9, 5], [1, 1, 4, 4], [2, 1], 1, 1),
            ([1, 6, 5, 5], [3, 6, 1, 1], [0, 0], 1, 1),
        ] {
            let x = Var::from_tensor(&randn(&xs, 1)).unwrap();
            let w = Var::from_tensor(&randn(&ws, 2)).unwrap();
            let mine = conv2d_im2col(x.as_tensor(), w.as_tensor(), pad, stride, groups).unwrap();
            let xp =
                x.as_tensor().pad_with_zeros(2, pad[0], pad[0]).unwrap().pad_with_zeros(3, pad[1], pad[1]).unwrap();
            let theirs = xp.conv2d(w.as_tensor(), 0, stride, 1, groups).unwrap();
            assert_eq!(mine.dims(), theirs.dims());
            assert!(max_diff(&mine, &theirs) < 1e-12);
            let probe = randn(mine.dims(), 3);
            let g1 = (&mine * &probe).unwrap().sum_all().unwrap().backward().unwrap();
            let g2 = (&theirs * &probe).unwrap().sum_all().unwrap().backward().unwrap();
            for v in [&x, &w] {
                let (a, b) = (g1.get(v.as_tensor()).unwrap(), g2.get(v.as_tensor()).unwrap());
                assert!(max_diff(a, b) < 1e-12, "{xs:?} {ws:?}: gradient differs by {}", max_diff(a, b));
            }
        }
    }

    /// Values and gradients equal the readable reference of the transposed convolution.
    #[test]
    fn transposed_matches_the_reference_and_its_gradients() {
        use crate::nn::ops::transposed_conv::transposed_conv2d_ref;
        for (xs, ws, stride, pad, groups, flip) in [
            ([2, 3, 5, 4], [4, 3, 3, 3], 2, [0, 0], 1, true),
            ([2, 4, 4, 4], [6, 2, 3, 3], 2, [1, 0], 2, false),
            ([1, 2, 3, 3], [2, 2, 4, 4], 1, [1, 1], 1, true),
            ([3, 2, 4, 5], [5, 2, 2, 2], 3, [0, 0], 1, false),
        ] {
            let x = Var::from_tensor(&randn(&xs, 4)).unwrap();
            let w = Var::from_tensor(&randn(&ws, 5)).unwrap();
            let mine = conv_transpose2d_col2im(x.as_tensor(), w.as_tensor(), stride, pad, groups, flip).unwrap();
            let theirs = transposed_conv2d_ref(x.as_tensor(), w.as_tensor(), stride, pad, groups, flip).unwrap();
            assert_eq!(mine.dims(), theirs.dims());
            assert!(max_diff(&mine, &theirs) < 1e-12, "{xs:?} {ws:?}: {}", max_diff(&mine, &theirs));
            let probe = randn(mine.dims(), 6);
            let g1 = (&mine * &probe).unwrap().sum_all().unwrap().backward().unwrap();
            let g2 = (&theirs * &probe).unwrap().sum_all().unwrap().backward().unwrap();
            for v in [&x, &w] {
                let (a, b) = (g1.get(v.as_tensor()).unwrap(), g2.get(v.as_tensor()).unwrap());
                assert!(max_diff(a, b) < 1e-12, "{xs:?} {ws:?}: gradient differs by {}", max_diff(a, b));
            }
        }
    }
}
