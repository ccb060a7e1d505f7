//! Pseudo-alignment: the first ws row drives only the input's learned rotation and translation;
//! replacing it by `w_avg` gives every latent the same (average) input transform.

use candle_core::Tensor;

use crate::{Error, Result};

/// `ws [N, num_ws, w_dim]` with row 0 replaced by `w_avg [w_dim]`.
pub fn pseudo_align(ws: &Tensor, w_avg: &Tensor) -> Result<Tensor> {
    let (n, rows, wd) = ws.dims3()?;
    if w_avg.dims() != [wd] || rows == 0 {
        return Err(Error::Invalid(format!("pseudo-align: w_avg {:?} for ws {:?}", w_avg.dims(), ws.dims())));
    }
    let first = w_avg.to_dtype(ws.dtype())?.to_device(ws.device())?.reshape((1, 1, wd))?.broadcast_as((n, 1, wd))?;
    if rows == 1 {
        return Ok(first.contiguous()?);
    }
    Ok(Tensor::cat(&[&first, &ws.narrow(1, 1, rows - 1)?], 1)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn row_zero_becomes_w_avg_and_the_rest_is_kept() {
        let ws = Tensor::arange(0f32, 12.0, &Device::Cpu).unwrap().reshape((2, 3, 2)).unwrap();
        let avg = Tensor::new(&[-1f32, -2.0], &Device::Cpu).unwrap();
        let out = pseudo_align(&ws, &avg).unwrap().to_vec3::<f32>().unwrap();
        assert_eq!(out[0], vec![vec![-1.0, -2.0], vec![2.0, 3.0], vec![4.0, 5.0]]);
        assert_eq!(out[1], vec![vec![-1.0, -2.0], vec![8.0, 9.0], vec![10.0, 11.0]]);
        assert!(pseudo_align(&ws, &Tensor::zeros(3, candle_core::DType::F32, &Device::Cpu).unwrap()).is_err());
    }
}
