//! `MinibatchStdLayer`: appends the average standard deviation over groups of samples as extra
//! feature maps, so the discriminator can see the variety of a minibatch.

use candle_core::Tensor;

use crate::{Error, Result};

/// NVIDIA's epsilon under the square root.
pub const MBSTD_EPS: f64 = 1e-8;

/// `x [N, C, H, W]` → `[N, C + F, H, W]` with `F = num_channels`.
///
/// The group size is `min(group_size, N)` (`None`: the whole minibatch); sample `n` belongs to
/// group `n mod (N / G)` (NVIDIA's `reshape(G, -1, F, c, H, W)`), so `N` must be a multiple of
/// the group size. Per group and channel group: the standard deviation over the group
/// (`sqrt(var + 1e-8)`, population variance), averaged over channels and pixels, replicated over
/// the group and the pixels.
pub fn minibatch_std(x: &Tensor, group_size: Option<usize>, num_channels: usize) -> Result<Tensor> {
    let (n, c, h, w) = x.dims4()?;
    if num_channels == 0 {
        return Ok(x.clone());
    }
    let g = group_size.map_or(n, |gs| gs.min(n));
    if g == 0 || n % g != 0 || c % num_channels != 0 {
        return Err(Error::Invalid(format!(
            "minibatch std: batch {n} is not a multiple of the group size {g}, or {c} channels do not split into {num_channels}"
        )));
    }
    let f = num_channels;
    let groups = n / g;
    let y = x.reshape((g, groups, f, c / f, h, w))?;
    let y = y.broadcast_sub(&y.mean_keepdim(0)?)?;
    let y = y.sqr()?.mean(0)?; // [n, F, c, H, W]
    let y = (y + MBSTD_EPS)?.sqrt()?;
    let y = y.reshape((groups, f, (c / f) * h * w))?.mean(2)?; // [n, F]
    let y = y.reshape((groups, f, 1, 1))?.repeat((g, 1, h, w))?;
    Ok(Tensor::cat(&[x, &y.to_dtype(x.dtype())?], 1)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn groups_are_strided_and_replicated() {
        // N = 4, group 2: samples {0, 2} and {1, 3} form the groups.
        let v: Vec<f32> = vec![0.0, 10.0, 2.0, 14.0];
        let x = Tensor::from_vec(v, (4, 1, 1, 1), &Device::Cpu).unwrap();
        let y = minibatch_std(&x, Some(2), 1).unwrap();
        assert_eq!(y.dims(), [4, 2, 1, 1]);
        let s: Vec<f32> = y.narrow(1, 1, 1).unwrap().flatten_all().unwrap().to_vec1().unwrap();
        let a = (1.0f32 + 1e-8).sqrt();
        let b = (4.0f32 + 1e-8).sqrt();
        assert_eq!(s, [a, b, a, b]);
        assert!(minibatch_std(&x, Some(3), 1).is_err());
    }
}
