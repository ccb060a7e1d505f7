//! A direct CPU kernel for [`upfirdn2d`](super::upfirdn2d::upfirdn2d) with a backward: the CPU
//! path for inference (planes in parallel) and in autograd graphs (training). The reference builds the result from zero insertion, pads
//! and a single-channel candle convolution, whose backward goes through candle's slow transposed
//! convolution; here each output sample sums only the filter taps that meet non-inserted input
//! samples, and the gradient is again an `upfirdn2d` — NVIDIA's adjoint: up and down swapped, the
//! filter flipped, padding `[fw − p0 − 1, L·u − L_out·d + p0 − u + 1]` per axis.
//!
//! Per axis (correlation taps `g`, the filter reversed unless `flip_filter`):
//! `out[o] = Σ_k g[k]·x_up[o·d + k − p0]`, `x_up[i·u] = x[i]` and zero elsewhere. A 1-D filter is
//! applied along x, then along y, each pass with `√gain`; a 2-D filter at once with `gain`.

use candle_core::{CpuStorage, CustomOp1, Layout, Shape, Tensor, WithDType};
use rayon::prelude::*;

use crate::Result;

/// The filter of one call, as given to `upfirdn2d` (true-convolution taps, row-major).
#[derive(Clone, Debug, PartialEq)]
pub enum Fir {
    /// Separable: the same taps along x and y.
    Separable(Vec<f64>),
    /// `[fh, fw]`.
    Full { taps: Vec<f64>, fh: usize, fw: usize },
}

/// One `upfirdn2d` call: `[N, C, H, W]` → `[N, C, H', W']`.
#[derive(Clone, Debug, PartialEq)]
pub struct UpFirDnCpu {
    pub fir: Fir,
    /// `[x, y]`.
    pub up: [usize; 2],
    pub down: [usize; 2],
    /// `[x0, x1, y0, y1]`, negative crops.
    pub padding: [i64; 4],
    pub flip_filter: bool,
    pub gain: f64,
}

/// Output length of one axis.
fn out_len(len: usize, up: usize, down: usize, p0: i64, p1: i64, taps: usize) -> usize {
    let n = (len * up) as i64 + p0 + p1 - taps as i64 + 1;
    if n <= 0 { 0 } else { ((n + down as i64 - 1) / down as i64) as usize }
}

/// Correlation taps from true-convolution taps (reversed unless `flip`), scaled by `gain`.
fn corr_taps(taps: &[f64], flip: bool, gain: f64) -> Vec<f64> {
    let mut t: Vec<f64> = taps.iter().map(|v| v * gain).collect();
    if !flip {
        t.reverse();
    }
    t
}

/// For every output sample of one axis: the phase (first tap `k0`), the input index `j0` of tap
/// `k0`, and the range of `m` for which tap `k0 + m·up` meets input sample `j0 + m` inside the signal.
struct AxisPlan {
    entries: Vec<(usize, i64, usize, usize)>,
    /// Taps of each phase: `phases[k0][m] = g[k0 + m·up]`.
    phases: Vec<Vec<f64>>,
}

impl AxisPlan {
    fn new(g: &[f64], len: usize, olen: usize, up: usize, down: usize, p0: i64) -> Self {
        let u = up as i64;
        let phases: Vec<Vec<f64>> = (0..up).map(|k0| g.iter().skip(k0).step_by(up).copied().collect()).collect();
        let entries = (0..olen)
            .map(|o| {
                let base = (o * down) as i64 - p0;
                let k0 = (-base).rem_euclid(u) as usize;
                let j0 = (base + k0 as i64) / u;
                let n = phases.get(k0).map_or(0, Vec::len) as i64;
                let lo = (-j0).clamp(0, n);
                let hi = (len as i64 - j0).clamp(lo, n);
                (k0, j0, lo as usize, hi as usize)
            })
            .collect();
        Self { entries, phases }
    }
}

/// Taps of each phase in the computation's type.
fn phases_as<T: WithDType>(plan: &AxisPlan) -> Vec<Vec<T>> {
    plan.phases.iter().map(|p| p.iter().map(|&v| T::from_f64(v)).collect()).collect()
}

impl UpFirDnCpu {
    fn taps_len(&self) -> (usize, usize) {
        match &self.fir {
            Fir::Separable(t) => (t.len(), t.len()),
            Fir::Full { fh, fw, .. } => (*fw, *fh),
        }
    }

    pub fn output_shape(&self, h: usize, w: usize) -> (usize, usize) {
        let (fw, fh) = self.taps_len();
        let [px0, px1, py0, py1] = self.padding;
        (out_len(h, self.up[1], self.down[1], py0, py1, fh), out_len(w, self.up[0], self.down[0], px0, px1, fw))
    }

    fn run<T: WithDType>(&self, x: &[T], planes: usize, h: usize, w: usize) -> Vec<T> {
        let (oh, ow) = self.output_shape(h, w);
        let [px0, _, py0, _] = self.padding;
        let [ux, uy] = self.up;
        let [dx, dy] = self.down;
        let mut out = vec![T::zero(); planes * oh * ow];
        if oh == 0 || ow == 0 || h == 0 || w == 0 {
            return out;
        }
        // Planes in parallel (inference runs here too: one call filters every channel).
        let planes_of = |out: &mut Vec<T>, f: &(dyn Fn(&[T], &mut [T]) + Sync)| {
            out.par_chunks_mut(oh * ow).zip(x.par_chunks(h * w)).for_each(|(dst, src)| f(src, dst));
        };
        match &self.fir {
            Fir::Separable(taps) => {
                let g = corr_taps(taps, self.flip_filter, self.gain.sqrt());
                let (px, py) = (AxisPlan::new(&g, w, ow, ux, dx, px0), AxisPlan::new(&g, h, oh, uy, dy, py0));
                let (gx, gy) = (phases_as::<T>(&px), phases_as::<T>(&py));
                planes_of(&mut out, &|src: &[T], dst: &mut [T]| {
                    // Along x: on the transposed plane [w, h] whole columns at a time, as the y
                    // pass below (vectorised axpy instead of a short dot product per sample; the
                    // same sums in the same order), then back: [h, w] → [ow, h] → [h, ow].
                    let mut cols = vec![T::zero(); w * h];
                    for (i, srow) in src.chunks_exact(w).enumerate() {
                        for (j, v) in srow.iter().enumerate() {
                            cols[j * h + i] = *v;
                        }
                    }
                    let mut tcols = vec![T::zero(); ow * h];
                    for (trow, &(k0, j0, lo, hi)) in tcols.chunks_exact_mut(h).zip(&px.entries) {
                        for (m, t) in gx[k0][lo..hi].iter().enumerate() {
                            let j = (j0 + (lo + m) as i64) as usize;
                            for (d, v) in trow.iter_mut().zip(&cols[j * h..(j + 1) * h]) {
                                *d += *t * *v;
                            }
                        }
                    }
                    let mut tmp = vec![T::zero(); h * ow];
                    for (o, tcol) in tcols.chunks_exact(h).enumerate() {
                        for (i, v) in tcol.iter().enumerate() {
                            tmp[i * ow + o] = *v;
                        }
                    }
                    // Along y, whole rows at a time: [h, ow] → [oh, ow].
                    for (drow, &(k0, j0, lo, hi)) in dst.chunks_exact_mut(ow).zip(&py.entries) {
                        for (m, t) in gy[k0][lo..hi].iter().enumerate() {
                            let j = (j0 + (lo + m) as i64) as usize;
                            for (d, v) in drow.iter_mut().zip(&tmp[j * ow..(j + 1) * ow]) {
                                *d += *t * *v;
                            }
                        }
                    }
                });
            }
            Fir::Full { taps, fh, fw } => {
                let mut g: Vec<f64> = taps.iter().map(|v| v * self.gain).collect();
                if !self.flip_filter {
                    g.reverse(); // reversing the row-major 2-D taps flips both axes
                }
                let (fh, fw) = (*fh, *fw);
                // Per-axis plans over tap indices (the 2-D taps are looked up as [ky·fw + kx]).
                let ix: Vec<f64> = (0..fw).map(|k| k as f64).collect();
                let iy: Vec<f64> = (0..fh).map(|k| k as f64).collect();
                let (px, py) = (AxisPlan::new(&ix, w, ow, ux, dx, px0), AxisPlan::new(&iy, h, oh, uy, dy, py0));
                let g: Vec<T> = g.into_iter().map(T::from_f64).collect();
                planes_of(&mut out, &|src: &[T], dst: &mut [T]| {
                    for (drow, &(ky0, jy0, ylo, yhi)) in dst.chunks_exact_mut(ow).zip(&py.entries) {
                        for my in ylo..yhi {
                            let ky = ky0 + my * uy;
                            let srow = &src[(jy0 + my as i64) as usize * w..];
                            let grow = &g[ky * fw..(ky + 1) * fw];
                            for (d, &(kx0, jx0, xlo, xhi)) in drow.iter_mut().zip(&px.entries) {
                                let mut acc = T::zero();
                                for mx in xlo..xhi {
                                    acc += grow[kx0 + mx * ux] * srow[(jx0 + mx as i64) as usize];
                                }
                                *d += acc;
                            }
                        }
                    }
                });
            }
        }
        out
    }

    /// The adjoint call (NVIDIA's `upfirdn2d` backward) for an input of `h`×`w`.
    pub(crate) fn adjoint(&self, h: usize, w: usize) -> Self {
        let (fw, fh) = self.taps_len();
        let (oh, ow) = self.output_shape(h, w);
        let [px0, _, py0, _] = self.padding;
        let [ux, uy] = self.up;
        let [dx, dy] = self.down;
        let (fw, fh) = (fw as i64, fh as i64);
        let padding = [
            fw - px0 - 1,
            (w * ux) as i64 - (ow * dx) as i64 + px0 - ux as i64 + 1,
            fh - py0 - 1,
            (h * uy) as i64 - (oh * dy) as i64 + py0 - uy as i64 + 1,
        ];
        Self {
            fir: self.fir.clone(),
            up: self.down,
            down: self.up,
            padding,
            flip_filter: !self.flip_filter,
            gain: self.gain,
        }
    }
}

impl CustomOp1 for UpFirDnCpu {
    fn name(&self) -> &'static str {
        "upfirdn2d_cpu"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let (n, c, h, w) = l.shape().dims4()?;
        let Some((a, b)) = l.contiguous_offsets() else {
            candle_core::bail!("upfirdn2d_cpu: contiguous input only");
        };
        let (oh, ow) = self.output_shape(h, w);
        let shape = Shape::from((n, c, oh, ow));
        Ok(match s {
            CpuStorage::F32(v) => (CpuStorage::F32(self.run(&v[a..b], n * c, h, w)), shape),
            CpuStorage::F64(v) => (CpuStorage::F64(self.run(&v[a..b], n * c, h, w)), shape),
            _ => candle_core::bail!("upfirdn2d_cpu: float32 or float64 only"),
        })
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let (_, _, h, w) = arg.dims4()?;
        let adj = self.adjoint(h, w);
        let g = grad.contiguous()?.apply_op1(adj)?;
        // The adjoint's output can extend past the input where the forward cropped; keep the input's extent.
        let g = g.narrow(2, 0, h)?.narrow(3, 0, w)?;
        Ok(Some(g))
    }
}

/// Applies `op` to `x [N, C, H, W]` (CPU, float32/float64), differentiably.
pub fn upfirdn2d_cpu(x: &Tensor, op: UpFirDnCpu) -> Result<Tensor> {
    Ok(x.contiguous()?.apply_op1(op)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::ops::upfirdn2d::{UpFirDn, setup_filter_taps, upfirdn2d, upfirdn2d_ref};
    use candle_core::{DType, Device, Var};

    fn data(shape: &[usize], seed: u64) -> Tensor {
        let n: usize = shape.iter().product();
        let v: Vec<f64> =
            (0..n).map(|i| (((i as u64 + 3) * 2654435761 + seed * 131) % 997) as f64 / 498.0 - 1.0).collect();
        Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f64 {
        (a - b).unwrap().abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f64>().unwrap()
    }

    /// Values and input gradients equal the reference's (float64) for the calls StyleGAN makes:
    /// SG2 up/down-sampling with the 4×4 filter, SG3's separable 12-tap up/down with crops, a
    /// blur, flips, gains and a 2-D radial-like filter.
    #[test]
    fn matches_the_reference_and_its_gradient() {
        let f4 = setup_filter_taps(&[1.0, 3.0, 3.0, 1.0], &Device::Cpu).unwrap().to_dtype(DType::F64).unwrap();
        let sep = data(&[12], 7);
        let f2d = data(&[5, 6], 8);
        let cases: Vec<(Option<Tensor>, UpFirDn, [usize; 4])> = vec![
            (Some(f4.clone()), UpFirDn::default().up(2).padding([2, 1, 2, 1]).gain(4.0), [2, 3, 5, 6]),
            (Some(f4.clone()), UpFirDn::default().down(2).padding([1, 1, 1, 1]), [2, 2, 8, 8]),
            (Some(sep.clone()), UpFirDn::default().up(2).padding([-3, 9, 10, -4]).gain(4.0), [1, 3, 9, 11]),
            (Some(sep.clone()), UpFirDn::default().down(2).flip_filter(true), [2, 2, 20, 16]),
            (
                Some(f2d.clone()),
                UpFirDn { up: [2, 1], down: [1, 3], padding: [1, -1, 3, 2], flip_filter: false, gain: 0.7 },
                [1, 2, 7, 9],
            ),
            (None, UpFirDn::default().padding([-1, 2, 0, -2]).gain(2.0), [1, 1, 6, 6]),
        ];
        for (f, p, shape) in cases {
            let x = Var::from_tensor(&data(&shape, 1)).unwrap();
            let fast = upfirdn2d(x.as_tensor(), f.as_ref(), &p).unwrap();
            let reference = upfirdn2d_ref(x.as_tensor(), f.as_ref(), &p).unwrap();
            assert_eq!(fast.dims(), reference.dims(), "{p:?}");
            assert!(max_diff(&fast, &reference) < 1e-12, "{p:?}: {}", max_diff(&fast, &reference));
            let probe = data(fast.dims(), 2);
            let g1 = (&fast * &probe).unwrap().sum_all().unwrap().backward().unwrap();
            let g2 = (&reference * &probe).unwrap().sum_all().unwrap().backward().unwrap();
            let (a, b) = (g1.get(x.as_tensor()).unwrap(), g2.get(x.as_tensor()).unwrap());
            assert_eq!(a.dims(), b.dims());
            assert!(max_diff(a, b) < 1e-12, "{p:?}: gradient differs by {}", max_diff(a, b));
        }
    }
}
