//! [`HostTensor`] helpers: element counts, typed views and conversion to candle tensors.

use candle_core::{DType as CDType, Device, Tensor};
use half::{bf16, f16};

use super::{DType, HostTensor};
use crate::{Error, Result};

impl HostTensor {
    /// Number of elements (1 for a scalar).
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// The values as f32 (float tensors only; f64 is narrowed), for tests and tools.
    pub fn to_f32_vec(&self) -> Option<Vec<f32>> {
        let d = &self.data;
        Some(match self.dtype {
            DType::F32 => d.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
            DType::F16 => d.chunks_exact(2).map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
            DType::BF16 => d.chunks_exact(2).map(|c| bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
            DType::F64 => d
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32)
                .collect(),
            _ => return None,
        })
    }

    /// A candle tensor on `device` (see [`super::Checkpoint::weights`] for the dtype rules).
    pub fn to_candle(&self, device: &Device) -> Result<Tensor> {
        let expected = self.numel().checked_mul(self.dtype.size());
        if expected != Some(self.data.len()) {
            return Err(Error::Format(format!(
                "{} bytes for a {} tensor of shape {:?}",
                self.data.len(),
                self.dtype.name(),
                self.shape
            )));
        }
        let shape = self.shape.as_slice();
        let t = match self.dtype {
            DType::F32 => Tensor::from_raw_buffer(&self.data, CDType::F32, shape, device)?,
            DType::F16 => Tensor::from_raw_buffer(&self.data, CDType::F16, shape, device)?.to_dtype(CDType::F32)?,
            DType::BF16 => Tensor::from_raw_buffer(&self.data, CDType::BF16, shape, device)?.to_dtype(CDType::F32)?,
            DType::F64 => Tensor::from_raw_buffer(&self.data, CDType::F64, shape, device)?.to_dtype(CDType::F32)?,
            DType::I64 => Tensor::from_raw_buffer(&self.data, CDType::I64, shape, device)?,
            DType::I32 => Tensor::from_raw_buffer(&self.data, CDType::I32, shape, device)?,
            DType::I16 => Tensor::from_raw_buffer(&self.data, CDType::I16, shape, device)?,
            DType::U8 => Tensor::from_raw_buffer(&self.data, CDType::U8, shape, device)?,
            DType::Bool => {
                let v: Vec<u8> = self.data.iter().map(|&b| u8::from(b != 0)).collect();
                Tensor::from_raw_buffer(&v, CDType::U8, shape, device)?
            }
            DType::I8 => {
                let v: Vec<u8> = self.data.iter().flat_map(|&b| i16::from(b as i8).to_le_bytes()).collect();
                Tensor::from_raw_buffer(&v, CDType::I16, shape, device)?
            }
        };
        Ok(t)
    }
}
