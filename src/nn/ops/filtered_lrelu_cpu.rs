//! The fused CPU kernel of [`filtered_lrelu`](super::filtered_lrelu): bias → polyphase
//! up-sampling → leaky ReLU, gain, clamp → down-sampling, one channel plane at a time, streaming
//! down the plane row by row so the up-sampled signal only ever exists as a few rows in cache
//! (never the whole up-sampled plane, reference-stylegan.md §5.3).
//!
//! Along x, the up-sampled signal is kept split into its `u` phases (`P_r[a] = t[u·a + r]`): the
//! up pass then computes every phase as a plain FIR of the input row (only the non-zero taps),
//! and the down pass reads each tap as a contiguous shifted phase row — no zero insertion, no
//! strided access. Along y, each up-sampled row is a weighted sum of a few x-up-sampled input
//! rows (a ring of them), activated in registers, then down-sampled along x straight away; output
//! rows are weighted sums of those (a ring again), or, for a 2-D (radial) down filter,
//! accumulated from each activated row as it is made. Every pass is a [`rows`] kernel, compiled
//! for AVX-512 or AVX2 at run time. Planes run in parallel.
//!
//! Handles `u` a multiple of `d` (every StyleGAN3 layer: `u ∈ {1, 2, 4}`, `d ∈ {1, 2}`), a 1-D up
//! filter, a 1-D or square 2-D down filter, at most [`MAX_TAPS`] taps per pass;
//! [`FusedFilteredLrelu::supports`] says so, and the caller uses the reference otherwise.

use candle_core::{CpuStorage, CustomOp1, Layout, Shape};
use rayon::prelude::*;

use crate::nn::kernels::dispatch::{SimdTask, dispatch};
use crate::nn::kernels::rows::{LANES, MAX_TAPS, padded, weighted_sum, weighted_sum_add};

/// One axis of the polyphase up-sampling: tmp sample `u·a + r` is
/// `Σ_m taps[phase[r]][m] · x[a + shift[r] + m]`.
#[derive(Clone, Debug)]
struct UpAxis {
    /// Per output phase `r`: index into `taps`, and the input offset `c_r`.
    phase: Vec<usize>,
    shift: Vec<i64>,
}

impl UpAxis {
    /// For correlation taps `f` of length `len` (zero-inserted by `u`) with leading padding `p0`.
    fn new(u: usize, p0: i64) -> Self {
        let ui = u as i64;
        let phase: Vec<usize> = (0..ui).map(|r| (p0 - r).rem_euclid(ui) as usize).collect();
        let shift = (0..ui).map(|r| (r + phase[r as usize] as i64 - p0).div_euclid(ui)).collect();
        Self { phase, shift }
    }
}

/// The fused op: parameters, taps, and the geometry shared by every plane.
pub struct FusedFilteredLrelu {
    /// Per up phase `k0`: its correlation taps (up-sampling gain folded in).
    up_taps: Vec<Vec<f32>>,
    /// Correlation taps of the down filter: `fd` (1-D) or `fd×fd` row-major (2-D).
    down_taps: Vec<f32>,
    down_len: usize,
    down_2d: bool,
    bias: Option<Vec<f32>>,
    up: usize,
    down: usize,
    gain: f32,
    slope: f32,
    clamp: Option<f32>,
    in_hw: [usize; 2],
    out_hw: [usize; 2],
    x_axis: UpAxis,
    y_axis: UpAxis,
    geometry: Geometry,
}

/// Row lengths (all whole chunks) of the per-plane scratch.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    /// Left zero padding of the biased input row and its length.
    lx: usize,
    xb_len: usize,
    /// Samples per x phase of an up-sampled row (padded).
    na: usize,
    /// Output phases `E = u / d` and samples per output phase (padded).
    e: usize,
    aw: usize,
    /// Input rows one up-sampled row reads.
    taps_y: usize,
}

/// Arguments of [`FusedFilteredLrelu::new`]: the parameters of one call.
pub struct FusedParams {
    /// Correlation taps of the (1-D) up filter, the up-sampling gain `u` already folded in.
    pub up_filter: Vec<f32>,
    /// Correlation taps of the down filter (1-D, or square 2-D row-major when `down_2d`).
    pub down_filter: Vec<f32>,
    pub down_2d: bool,
    pub bias: Option<Vec<f32>>,
    pub up: usize,
    pub down: usize,
    pub padding: [i64; 4],
    pub gain: f32,
    pub slope: f32,
    pub clamp: Option<f32>,
    /// Input `[h, w]`, up-sampled `[th, tw]`, output `[oh, ow]`.
    pub in_hw: [usize; 2],
    pub tmp_hw: [usize; 2],
    pub out_hw: [usize; 2],
}

impl FusedFilteredLrelu {
    /// Whether the kernel handles these sampling factors and filter sizes.
    pub fn supports(up: usize, down: usize, up_taps: usize, down_taps: usize, down_2d: bool) -> bool {
        let down_len = if down_2d { (down_taps as f64).sqrt().round() as usize } else { down_taps };
        up >= 1
            && down >= 1
            && up.is_multiple_of(down)
            && up_taps.div_ceil(up) <= MAX_TAPS
            && down_len <= MAX_TAPS
            && (!down_2d || down_len * down_len == down_taps)
    }

    pub fn new(p: FusedParams) -> Self {
        let (u, d) = (p.up, p.down);
        let up_taps: Vec<Vec<f32>> =
            (0..u).map(|k0| p.up_filter.iter().skip(k0).step_by(u).copied().collect()).collect();
        let down_len =
            if p.down_2d { (p.down_filter.len() as f64).sqrt().round() as usize } else { p.down_filter.len() };
        let x_axis = UpAxis::new(u, p.padding[0]);
        let y_axis = UpAxis::new(u, p.padding[2]);
        let [_, w] = p.in_hw;
        let [_, tw] = p.tmp_hw;
        let [_, ow] = p.out_hw;
        let e = u / d;
        let aw = padded(ow.div_ceil(e));
        // The down pass reads phase samples up to `aw − 1 + (d·(e−1) + fd − 1) / u`.
        let down_reach = (d * (e - 1) + down_len - 1) / u + 1;
        let na = padded(tw.div_ceil(u).max(aw + down_reach));
        let taps_x = up_taps.iter().map(Vec::len).max().unwrap_or(0);
        let min_shift = x_axis.shift.iter().copied().min().unwrap_or(0);
        let max_shift = x_axis.shift.iter().copied().max().unwrap_or(0);
        let lx = (-min_shift).max(0) as usize;
        let reach = (lx as i64 + max_shift).max(0) as usize + taps_x + na;
        let xb_len = padded((lx + w).max(reach) + LANES);
        let taps_y = up_taps.iter().map(Vec::len).max().unwrap_or(0);
        Self {
            up_taps,
            down_taps: p.down_filter,
            down_len,
            down_2d: p.down_2d,
            bias: p.bias,
            up: u,
            down: d,
            gain: p.gain,
            slope: p.slope,
            clamp: p.clamp,
            in_hw: p.in_hw,
            out_hw: p.out_hw,
            x_axis,
            y_axis,
            geometry: Geometry { lx, xb_len, na, e, aw, taps_y },
        }
    }

    /// Scratch for one plane (reused across the planes a worker thread runs).
    fn scratch(&self) -> Scratch {
        let g = &self.geometry;
        let slot = self.up * g.na;
        let u_slots = g.taps_y + 1;
        let out_slots = if self.down_2d { self.down_len.div_ceil(self.down) + 1 } else { self.down_len };
        Scratch {
            xb: vec![0.0; g.xb_len],
            u_ring: vec![0.0; u_slots * slot],
            u_rows: vec![i64::MIN; u_slots],
            tmp: vec![0.0; slot],
            out_ring: vec![0.0; out_slots * g.e * g.aw],
            row: vec![0.0; g.e * g.aw],
        }
    }
}

/// Per-plane working rows.
struct Scratch {
    /// The biased input row between zeros.
    xb: Vec<f32>,
    /// x-up-sampled input rows (`u` phases of `na` each), slot `j mod slots`, and which row each holds.
    u_ring: Vec<f32>,
    u_rows: Vec<i64>,
    /// One activated up-sampled row (`u` phases).
    tmp: Vec<f32>,
    /// Separable: x-down-sampled rows, slot `R mod fd`. 2-D: output-row accumulators, slot `oy mod slots`.
    /// Each `e` output phases of `aw`.
    out_ring: Vec<f32>,
    /// One output row in phase order.
    row: Vec<f32>,
}

/// One plane as a [`SimdTask`].
struct Plane<'a> {
    op: &'a FusedFilteredLrelu,
    src: &'a [f32],
    bias: f32,
    dst: &'a mut [f32],
    s: &'a mut Scratch,
}

impl SimdTask for Plane<'_> {
    type Output = ();
    #[inline(always)]
    fn run<const FMA: bool>(self) {
        self.op.plane::<FMA>(self.src, self.bias, self.dst, self.s);
    }
}

impl FusedFilteredLrelu {
    /// x-up-samples input row `j` (with the bias) into `slot` (`u` phases of `na`).
    #[inline(always)]
    fn up_row_x<const FMA: bool>(&self, src_row: &[f32], bias: f32, xb: &mut [f32], slot: &mut [f32]) {
        let g = &self.geometry;
        for (d, s) in xb[g.lx..g.lx + src_row.len()].iter_mut().zip(src_row) {
            *d = s + bias;
        }
        let mut srcs: [&[f32]; MAX_TAPS] = [&[]; MAX_TAPS];
        for (r, out) in slot.chunks_exact_mut(g.na).enumerate() {
            let taps = &self.up_taps[self.x_axis.phase[r]];
            let start = (g.lx as i64 + self.x_axis.shift[r]) as usize;
            for (m, s) in srcs.iter_mut().enumerate().take(taps.len()) {
                *s = &xb[start + m..];
            }
            weighted_sum::<FMA>(out, &srcs[..taps.len()], taps, |v| v);
        }
    }

    /// Makes activated up-sampled row `r_tmp` in `s.tmp`, x-up-sampling the input rows it needs.
    #[inline(always)]
    fn tmp_row<const FMA: bool>(&self, src: &[f32], bias: f32, r_tmp: usize, s: &mut Scratch) {
        let g = &self.geometry;
        let [h, w] = self.in_hw;
        let (u, slot_len, slots) = (self.up, self.up * g.na, s.u_rows.len());
        let r = r_tmp % u;
        let taps = &self.up_taps[self.y_axis.phase[r]];
        let j0 = (r_tmp / u) as i64 + self.y_axis.shift[r];
        // Make the input rows this row reads (those inside the image; the others are zero).
        for m in 0..taps.len() {
            let j = j0 + m as i64;
            if j < 0 || j >= h as i64 {
                continue;
            }
            let k = j as usize % slots;
            if s.u_rows[k] != j {
                let row = &src[j as usize * w..(j as usize + 1) * w];
                self.up_row_x::<FMA>(row, bias, &mut s.xb, &mut s.u_ring[k * slot_len..(k + 1) * slot_len]);
                s.u_rows[k] = j;
            }
        }
        let mut srcs: [&[f32]; MAX_TAPS] = [&[]; MAX_TAPS];
        let mut coefs = [0f32; MAX_TAPS];
        let mut n = 0;
        for (m, &t) in taps.iter().enumerate() {
            let j = j0 + m as i64;
            if j >= 0 && j < h as i64 {
                let k = j as usize % slots;
                srcs[n] = &s.u_ring[k * slot_len..(k + 1) * slot_len];
                coefs[n] = t;
                n += 1;
            }
        }
        let (gain, slope) = (self.gain, self.slope);
        let clamp = self.clamp.unwrap_or(f32::INFINITY);
        weighted_sum::<FMA>(&mut s.tmp, &srcs[..n], &coefs[..n], |v| {
            let a = if v < 0.0 { v * slope } else { v } * gain;
            a.max(-clamp).min(clamp)
        });
    }

    /// The sources of output phase `e`'s down-sampling taps `row_taps` (one row of the down
    /// filter): tap `k` reads x phase `(d·e + k) mod u` from sample `(d·e + k) div u`.
    #[inline(always)]
    fn down_sources<'t>(&self, tmp: &'t [f32], e: usize, srcs: &mut [&'t [f32]; MAX_TAPS]) {
        let na = self.geometry.na;
        for (k, s) in srcs.iter_mut().enumerate().take(self.down_len) {
            let q = self.down * e + k;
            let p = q % self.up;
            *s = &tmp[p * na + q / self.up..(p + 1) * na];
        }
    }

    /// Writes output row `row` (phase order) into `dst` (interleaved).
    #[inline(always)]
    fn store_row(&self, row: &[f32], dst: &mut [f32]) {
        let (e, aw) = (self.geometry.e, self.geometry.aw);
        if e == 1 {
            dst.copy_from_slice(&row[..dst.len()]);
            return;
        }
        for (i, d) in dst.iter_mut().enumerate() {
            *d = row[(i % e) * aw + i / e];
        }
    }

    #[inline(always)]
    fn plane<const FMA: bool>(&self, src: &[f32], bias: f32, dst: &mut [f32], s: &mut Scratch) {
        s.u_rows.fill(i64::MIN);
        let [oh, ow] = self.out_hw;
        let (d, fd) = (self.down, self.down_len);
        let (e_count, aw) = (self.geometry.e, self.geometry.aw);
        let out_len = e_count * aw;
        if !self.down_2d {
            let slots = fd;
            let mut next = 0;
            for oy in 0..oh {
                while next < d * oy + fd {
                    self.tmp_row::<FMA>(src, bias, next, s);
                    let k = next % slots;
                    let out = &mut s.out_ring[k * out_len..(k + 1) * out_len];
                    for (e, phase) in out.chunks_exact_mut(aw).enumerate() {
                        let mut srcs: [&[f32]; MAX_TAPS] = [&[]; MAX_TAPS];
                        self.down_sources(&s.tmp, e, &mut srcs);
                        weighted_sum::<FMA>(phase, &srcs[..fd], &self.down_taps, |v| v);
                    }
                    next += 1;
                }
                let mut srcs: [&[f32]; MAX_TAPS] = [&[]; MAX_TAPS];
                for (k, src_row) in srcs.iter_mut().enumerate().take(fd) {
                    let slot = (d * oy + k) % slots;
                    *src_row = &s.out_ring[slot * out_len..(slot + 1) * out_len];
                }
                weighted_sum::<FMA>(&mut s.row, &srcs[..fd], &self.down_taps, |v| v);
                self.store_row(&s.row, &mut dst[oy * ow..(oy + 1) * ow]);
            }
            return;
        }
        // 2-D down filter: each activated row R adds filter row `R − d·oy` to every output row
        // `oy` it reaches; output row oy is complete after row `d·oy + fd − 1`.
        let slots = fd.div_ceil(d) + 1;
        let last = d * (oh - 1) + fd;
        for r_tmp in 0..last {
            self.tmp_row::<FMA>(src, bias, r_tmp, s);
            let oy_lo = (r_tmp + 1).saturating_sub(fd).div_ceil(d);
            let oy_hi = (r_tmp / d).min(oh - 1);
            for oy in oy_lo..=oy_hi {
                let ky = r_tmp - d * oy;
                let taps = &self.down_taps[ky * fd..(ky + 1) * fd];
                let k = oy % slots;
                let acc = &mut s.out_ring[k * out_len..(k + 1) * out_len];
                for (e, phase) in acc.chunks_exact_mut(aw).enumerate() {
                    let mut srcs: [&[f32]; MAX_TAPS] = [&[]; MAX_TAPS];
                    self.down_sources(&s.tmp, e, &mut srcs);
                    if ky == 0 {
                        weighted_sum::<FMA>(phase, &srcs[..fd], taps, |v| v);
                    } else {
                        weighted_sum_add::<FMA>(phase, &srcs[..fd], taps);
                    }
                }
                if ky == fd - 1 {
                    self.store_row(acc, &mut dst[oy * ow..(oy + 1) * ow]);
                }
            }
        }
    }
}

impl CustomOp1 for FusedFilteredLrelu {
    fn name(&self) -> &'static str {
        "filtered_lrelu"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(data) = storage else { candle_core::bail!("filtered_lrelu: float32 input expected") };
        let (n, c, h, w) = layout.shape().dims4()?;
        if [h, w] != self.in_hw {
            candle_core::bail!("filtered_lrelu: input {h}×{w}, kernel set up for {:?}", self.in_hw)
        }
        let src = match layout.contiguous_offsets() {
            Some((a, b)) => &data[a..b],
            None => candle_core::bail!("filtered_lrelu: contiguous input expected"),
        };
        let [oh, ow] = self.out_hw;
        let mut out = vec![0f32; n * c * oh * ow];
        out.par_chunks_mut(oh * ow).enumerate().for_each_init(
            || self.scratch(),
            |s, (i, dst)| {
                let bias = self.bias.as_ref().map_or(0.0, |b| b[i % c]);
                dispatch(Plane { op: self, src: &src[i * h * w..(i + 1) * h * w], bias, dst, s });
            },
        );
        Ok((CpuStorage::F32(out), Shape::from((n, c, oh, ow))))
    }
}
