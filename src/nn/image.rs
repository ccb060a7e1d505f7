//! Network output → 8-bit image, exactly as NVIDIA's tools convert
//! (`(img·127.5 + 128).clamp(0, 255).to(uint8)`: float32 arithmetic, truncation toward zero;
//! note +128, not +127.5).

use candle_core::{DType, Tensor};

use crate::raster::Raster;
use crate::{Error, Result};

/// One value: `clamp(x·127.5 + 128, 0, 255)` truncated toward zero (NaN becomes 0).
pub fn to_u8(x: f32) -> u8 {
    let v = x * 127.5f32 + 128.0f32;
    v.clamp(0.0, 255.0) as u8
}

/// Sample `index` of `img [N, C, H, W]` as an HWC uint8 buffer (`(H, W, C, bytes)`).
pub fn to_u8_hwc(img: &Tensor, index: usize) -> Result<(usize, usize, usize, Vec<u8>)> {
    let (n, c, h, w) = img.dims4()?;
    if index >= n {
        return Err(Error::Invalid(format!("image {index} requested from a batch of {n}")));
    }
    let chw = img.narrow(0, index, 1)?.squeeze(0)?.to_dtype(DType::F32)?;
    let hwc = chw.permute((1, 2, 0))?.flatten_all()?.to_vec1::<f32>()?;
    Ok((h, w, c, hwc.into_iter().map(to_u8).collect()))
}

/// Sample `index` of `img [N, C, H, W]` (C = 1, 3 or 4) as a [`Raster`].
pub fn to_raster(img: &Tensor, index: usize) -> Result<Raster> {
    let (h, w, c, bytes) = to_u8_hwc(img, index)?;
    if !matches!(c, 1 | 3 | 4) {
        return Err(Error::Invalid(format!("an image needs 1, 3 or 4 channels, this output has {c}")));
    }
    Raster::new(w, h, c, bytes)
}
