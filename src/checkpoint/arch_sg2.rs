//! The StyleGAN2 generator config from a pickle's modules: both the stylegan3 repository's
//! `networks_stylegan2.py` and stylegan2-ada-pytorch's `training/networks.py` (whose layers lack
//! some channel attributes: channel counts come from weight shapes).

use crate::Result;
use crate::nn::config::{Conv2dConfig, Sg2Architecture, Sg2BlockConfig, Sg2Config, Sg2LayerConfig, Sg2ToRgbConfig};

use super::arch_mapping::{fc_config, mapping_config};
use super::module_view::ModuleView;

/// `Generator` with a `SynthesisNetwork` of `SynthesisBlock`s.
pub fn sg2_config(g: &ModuleView<'_>) -> Result<Sg2Config> {
    let synthesis = g.child("synthesis")?;
    let names: Vec<String> = if synthesis.has_attr("block_resolutions") {
        synthesis.usizes("block_resolutions")?.iter().map(|r| format!("b{r}")).collect()
    } else {
        synthesis.node.children.iter().map(|(n, _)| n.clone()).collect()
    };
    let mut blocks = Vec::with_capacity(names.len());
    let mut w_index = 0usize;
    for name in &names {
        let b = synthesis.child(name)?;
        let block = block_config(&b, w_index)?;
        // NVIDIA slices ws[:, w_idx : w_idx + num_conv + num_torgb] and advances by num_conv.
        w_index = w_index.checked_add(b.usize("num_conv")?).ok_or_else(|| b.error("`num_conv` overflows"))?;
        blocks.push(block);
    }
    Ok(Sg2Config {
        z_dim: g.usize("z_dim")?,
        c_dim: g.usize("c_dim")?,
        w_dim: g.usize("w_dim")?,
        img_resolution: g.usize("img_resolution")?,
        img_channels: g.usize("img_channels")?,
        num_ws: g.usize("num_ws")?,
        mapping: mapping_config(&g.child("mapping")?)?,
        blocks,
    })
}

fn architecture(b: &ModuleView<'_>) -> Result<Sg2Architecture> {
    match b.str("architecture")? {
        "orig" => Ok(Sg2Architecture::Orig),
        "skip" => Ok(Sg2Architecture::Skip),
        "resnet" => Ok(Sg2Architecture::Resnet),
        other => Err(b.error(format_args!("unknown architecture `{other}`"))),
    }
}

fn block_config(b: &ModuleView<'_>, w_index: usize) -> Result<Sg2BlockConfig> {
    let conv1 = layer_config(&b.child("conv1")?)?;
    Ok(Sg2BlockConfig {
        resolution: b.usize("resolution")?,
        in_channels: b.usize("in_channels")?,
        out_channels: conv1.out_channels,
        img_channels: b.usize("img_channels")?,
        is_last: b.bool("is_last")?,
        architecture: architecture(b)?,
        use_fp16: b.bool("use_fp16")?,
        w_index,
        conv0: b.child_opt("conv0").map(|c| layer_config(&c)).transpose()?,
        conv1,
        torgb: b.child_opt("torgb").map(|c| torgb_config(&c)).transpose()?,
        skip: b.child_opt("skip").map(|c| conv2d_config(&c)).transpose()?,
    })
}

/// StyleGAN2 `SynthesisLayer`.
fn layer_config(l: &ModuleView<'_>) -> Result<Sg2LayerConfig> {
    let w = l.param_shape("weight", 4)?;
    Ok(Sg2LayerConfig {
        in_channels: w[1],
        out_channels: w[0],
        kernel_size: w[2],
        resolution: l.usize("resolution")?,
        up: l.usize("up")?,
        use_noise: l.bool("use_noise")?,
        activation: l.activation("activation")?,
        conv_clamp: l.opt_f64("conv_clamp")?,
        padding: l.usize("padding")?,
        act_gain: l.f64("act_gain")?,
        affine: fc_config(&l.child("affine")?)?,
    })
}

fn torgb_config(t: &ModuleView<'_>) -> Result<Sg2ToRgbConfig> {
    let w = t.param_shape("weight", 4)?;
    Ok(Sg2ToRgbConfig {
        in_channels: w[1],
        out_channels: w[0],
        kernel_size: w[2],
        conv_clamp: t.opt_f64("conv_clamp")?,
        weight_gain: t.f64("weight_gain")?,
        affine: fc_config(&t.child("affine")?)?,
    })
}

/// `Conv2dLayer` (resnet skips; the discriminator's layers have the same attributes).
pub fn conv2d_config(c: &ModuleView<'_>) -> Result<Conv2dConfig> {
    let w = c.param_shape("weight", 4)?;
    Ok(Conv2dConfig {
        in_channels: w[1],
        out_channels: w[0],
        kernel_size: w[2],
        has_bias: c.has_param("bias"),
        activation: c.activation("activation")?,
        up: c.usize("up")?,
        down: c.usize("down")?,
        conv_clamp: c.opt_f64("conv_clamp")?,
        padding: c.usize("padding")?,
        weight_gain: c.f64("weight_gain")?,
        act_gain: c.f64("act_gain")?,
    })
}
