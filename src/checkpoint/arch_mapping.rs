//! Builders for `FullyConnectedLayer` and `MappingNetwork` configs (both families), from module
//! attributes and parameter shapes (reference-stylegan.md §3.6).

use crate::Result;
use crate::nn::config::{FcConfig, MappingConfig};

use super::module_view::ModuleView;

/// `FullyConnectedLayer`: sizes from `weight [out, in]` (ADA pickles lack `in_features`).
pub fn fc_config(m: &ModuleView<'_>) -> Result<FcConfig> {
    let w = m.param_shape("weight", 2)?;
    Ok(FcConfig {
        in_features: w[1],
        out_features: w[0],
        activation: m.activation("activation")?,
        weight_gain: m.f64("weight_gain")?,
        bias_gain: m.f64("bias_gain")?,
        has_bias: m.has_param("bias"),
    })
}

/// `MappingNetwork`: `embed` (conditional nets only) and `fc0 .. fc{num_layers-1}`.
pub fn mapping_config(m: &ModuleView<'_>) -> Result<MappingConfig> {
    let num_layers = m.usize("num_layers")?;
    let layers = (0..num_layers).map(|i| fc_config(&m.child(&format!("fc{i}"))?)).collect::<Result<Vec<_>>>()?;
    let embed = m.child_opt("embed").map(|e| fc_config(&e)).transpose()?;
    let w_avg_beta = m
        .opt_f64("w_avg_beta")?
        .ok_or_else(|| m.error("`w_avg_beta` is None (a mapping network without `w_avg` is not supported)"))?;
    Ok(MappingConfig {
        z_dim: m.usize("z_dim")?,
        c_dim: m.usize("c_dim")?,
        w_dim: m.usize("w_dim")?,
        num_ws: m.usize("num_ws")?,
        embed,
        layers,
        w_avg_beta,
    })
}
