//! `MappingNetwork` (both families): z (+ embedded class label) → w, broadcast to `num_ws` rows,
//! truncated toward `w_avg`.
//!
//! `x = normalize_2nd_moment(z)`; for conditional networks `y = normalize_2nd_moment(embed(c))`
//! and `x = concat(x, y)`; then `fc0 … fc{n−1}`; `ws = x` repeated over `num_ws` rows; with
//! `psi ≠ 1` rows `[0, cutoff)` become `lerp(w_avg, ws, psi)` (all rows when `cutoff` is `None`).

use candle_core::{DType, Device, Tensor};

use crate::nn::config::MappingConfig;
use crate::nn::ops::fully_connected::FullyConnectedLayer;
use crate::nn::ops::normalize::{NORMALIZE_EPS, normalize_2nd_moment};
use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug)]
pub struct MappingNetwork {
    config: MappingConfig,
    /// `{prefix}.embed`, conditional networks only.
    pub embed: Option<FullyConnectedLayer>,
    /// `{prefix}.fc0 …`.
    pub layers: Vec<FullyConnectedLayer>,
    w_avg: Tensor,
}

impl MappingNetwork {
    /// Looks up `{prefix}.embed.*`, `{prefix}.fc{i}.*` and `{prefix}.w_avg`.
    pub fn new(config: &MappingConfig, weights: &Weights, prefix: &str, _device: &Device) -> Result<Self> {
        let embed = match (&config.embed, config.c_dim) {
            (Some(e), _) => Some(FullyConnectedLayer::new(e, weights, &format!("{prefix}.embed"))?),
            (None, 0) => None,
            (None, c) => {
                return Err(Error::Format(format!("conditional mapping network (c_dim {c}) without an `embed` layer")));
            }
        };
        if config.layers.is_empty() {
            return Err(Error::Format("mapping network without layers".into()));
        }
        let mut width = config.z_dim + embed.as_ref().map_or(0, |e| e.config.out_features);
        let mut layers = Vec::with_capacity(config.layers.len());
        for (i, fc) in config.layers.iter().enumerate() {
            if fc.in_features != width {
                return Err(Error::Format(format!(
                    "mapping layer fc{i} takes {} features but receives {width}",
                    fc.in_features
                )));
            }
            width = fc.out_features;
            layers.push(FullyConnectedLayer::new(fc, weights, &format!("{prefix}.fc{i}"))?);
        }
        if width != config.w_dim {
            return Err(Error::Format(format!(
                "mapping network ends with {width} features, w_dim is {}",
                config.w_dim
            )));
        }
        let w_avg = weights.get(&format!("{prefix}.w_avg"), &[config.w_dim])?;
        Ok(Self { config: config.clone(), embed, layers, w_avg })
    }

    pub fn config(&self) -> &MappingConfig {
        &self.config
    }

    /// `mapping.w_avg`, shape `[w_dim]`.
    pub fn w_avg(&self) -> &Tensor {
        &self.w_avg
    }

    /// z `[N, z_dim]` (any float dtype; cast to float32 first — float64 for float64 weights) and, for conditional networks, c
    /// `[N, c_dim]` → ws `[N, num_ws, w_dim]` float32, truncated by `psi` on rows `[0, cutoff)`.
    pub fn forward(&self, z: &Tensor, c: Option<&Tensor>, psi: f64, cutoff: Option<usize>) -> Result<Tensor> {
        let x = self.embed_inputs(z, c)?;
        let mut x = x;
        for layer in &self.layers {
            x = layer.forward(&x)?;
        }
        let ws = x.unsqueeze(1)?.repeat((1, self.config.num_ws, 1))?;
        truncate(&ws, &self.w_avg, psi, cutoff)
    }

    /// The output of every layer (`embed` when conditional, then `fc0 …`), before broadcasting
    /// and truncation, as forward hooks on those modules would see them.
    pub fn layer_outputs(&self, z: &Tensor, c: Option<&Tensor>) -> Result<Vec<(String, Tensor)>> {
        let mut outs = Vec::new();
        if let (Some(embed), Some(c)) = (&self.embed, c) {
            outs.push(("embed".to_string(), embed.forward(&c.to_dtype(self.dtype())?)?));
        }
        let mut x = self.embed_inputs(z, c)?;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(&x)?;
            outs.push((format!("fc{i}"), x.clone()));
        }
        Ok(outs)
    }

    /// The dtype the network computes in: its weights' (float32 for every loaded checkpoint;
    /// float64 only in gradient tests).
    fn dtype(&self) -> DType {
        match self.layers.first().map(|l| l.weight.dtype()) {
            Some(DType::F64) => DType::F64,
            _ => DType::F32,
        }
    }

    /// The normalised (and label-embedded) input of `fc0`.
    fn embed_inputs(&self, z: &Tensor, c: Option<&Tensor>) -> Result<Tensor> {
        let cfg = &self.config;
        let n = z.dims().first().copied().unwrap_or(0);
        if z.dims() != [n, cfg.z_dim] {
            return Err(Error::Invalid(format!("z must have shape [N, {}], got {:?}", cfg.z_dim, z.dims())));
        }
        let x = if cfg.z_dim > 0 {
            Some(normalize_2nd_moment(&z.to_dtype(self.dtype())?, 1, NORMALIZE_EPS)?)
        } else {
            None
        };
        let y = match (&self.embed, c) {
            (Some(embed), Some(c)) => {
                if c.dims() != [n, cfg.c_dim] {
                    return Err(Error::Invalid(format!(
                        "class label c must have shape [{n}, {}], got {:?}",
                        cfg.c_dim,
                        c.dims()
                    )));
                }
                let e = embed.forward(&c.to_dtype(self.dtype())?)?;
                Some(normalize_2nd_moment(&e, 1, NORMALIZE_EPS)?)
            }
            (Some(_), None) => {
                return Err(Error::Invalid(format!(
                    "this network is conditional ({} classes): a class label is needed",
                    cfg.c_dim
                )));
            }
            (None, _) => None,
        };
        match (x, y) {
            (Some(x), Some(y)) => Ok(Tensor::cat(&[&x, &y], 1)?),
            (Some(x), None) => Ok(x),
            (None, Some(y)) => Ok(y),
            (None, None) => Err(Error::Format("mapping network with neither z nor c input".into())),
        }
    }
}

/// Truncation: rows `[0, cutoff)` of `ws [N, num_ws, w_dim]` (all rows when `cutoff` is `None`)
/// become `lerp(w_avg, ws, psi)`; nothing changes when `psi == 1`.
///
/// `lerp` as PyTorch computes it in float32: `start + psi·(end − start)` for `|psi| < 0.5`, else
/// `end − (end − start)·(1 − psi)`.
pub fn truncate(ws: &Tensor, w_avg: &Tensor, psi: f64, cutoff: Option<usize>) -> Result<Tensor> {
    if psi == 1.0 {
        return Ok(ws.clone());
    }
    let (_, num_ws, w_dim) = ws.dims3()?;
    if w_avg.dims() != [w_dim] {
        return Err(Error::Invalid(format!("w_avg of shape {:?} does not fit ws {:?}", w_avg.dims(), ws.dims())));
    }
    let rows = cutoff.unwrap_or(num_ws).min(num_ws);
    if rows == 0 {
        return Ok(ws.clone());
    }
    let end = ws.narrow(1, 0, rows)?;
    let start = w_avg.to_dtype(ws.dtype())?.reshape((1, 1, w_dim))?;
    let diff = end.broadcast_sub(&start)?;
    let weight = psi as f32;
    let lerped = if weight.abs() < 0.5 {
        diff.affine(weight as f64, 0.0)?.broadcast_add(&start)?
    } else {
        (end - diff.affine((1.0f32 - weight) as f64, 0.0)?)?
    };
    if rows == num_ws {
        return Ok(lerped);
    }
    Ok(Tensor::cat(&[&lerped, &ws.narrow(1, rows, num_ws - rows)?], 1)?)
}
