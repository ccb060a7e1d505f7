//! The discriminator config from a pickle's `D` (`training.networks_stylegan2.Discriminator`, and
//! stylegan2-ada-pytorch's `training.networks.Discriminator`, which has the same structure).
//! Channel counts come from weight shapes; layers frozen with `--freezed` hold their weights as
//! buffers, and the count of such leading layers becomes `freeze_layers`.

use crate::Result;
use crate::nn::config::{
    Conv2dConfig, DiscriminatorBlockConfig, DiscriminatorConfig, DiscriminatorEpilogueConfig,
    DiscriminatorMappingConfig, Sg2Architecture,
};

use super::arch_mapping::fc_config;
use super::module_view::ModuleView;

/// The shape of tensor `name` of this module, whether a parameter or a buffer, and whether it is a parameter.
fn tensor_shape<'n>(m: &ModuleView<'n>, name: &str) -> Option<(&'n [usize], bool)> {
    if let Some(t) = m.node.param(name) {
        return Some((&t.shape, true));
    }
    m.node
        .buffers
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .and_then(|(_, t)| t.as_ref())
        .map(|t| (t.shape.as_slice(), false))
}

/// `Conv2dLayer`, and whether its weight is trainable.
fn conv(m: &ModuleView<'_>) -> Result<(Conv2dConfig, bool)> {
    let (w, trainable) = tensor_shape(m, "weight").ok_or_else(|| m.error("has no `weight`"))?;
    if w.len() != 4 {
        return Err(m.error(format_args!("`weight` has shape {w:?}, expected 4 dimensions")));
    }
    let config = Conv2dConfig {
        in_channels: w[1],
        out_channels: w[0],
        kernel_size: w[2],
        has_bias: tensor_shape(m, "bias").is_some(),
        activation: m.activation("activation")?,
        up: m.usize("up")?,
        down: m.usize("down")?,
        conv_clamp: m.opt_f64("conv_clamp")?,
        padding: m.usize("padding")?,
        weight_gain: m.f64("weight_gain")?,
        act_gain: m.f64("act_gain")?,
    };
    Ok((config, trainable))
}

fn architecture(m: &ModuleView<'_>) -> Result<Sg2Architecture> {
    match m.str("architecture")? {
        "orig" => Ok(Sg2Architecture::Orig),
        "skip" => Ok(Sg2Architecture::Skip),
        "resnet" => Ok(Sg2Architecture::Resnet),
        other => Err(m.error(format_args!("unknown architecture `{other}`"))),
    }
}

/// `Discriminator` with blocks `b{R}` … `b8`, an optional `mapping` and the epilogue `b4`.
pub fn discriminator_config(d: &ModuleView<'_>) -> Result<DiscriminatorConfig> {
    let img_resolution = d.usize("img_resolution")?;
    let resolutions: Vec<usize> = if d.has_attr("block_resolutions") {
        d.usizes("block_resolutions")?
    } else {
        let mut v = Vec::new();
        let mut r = img_resolution;
        while r > 4 {
            v.push(r);
            r /= 2;
        }
        v
    };
    // Per conv layer in NVIDIA's order: trainable or frozen.
    let mut trainable = Vec::new();
    let mut blocks = Vec::with_capacity(resolutions.len());
    for res in &resolutions {
        let b = d.child(&format!("b{res}"))?;
        let fromrgb = b.child_opt("fromrgb").map(|c| conv(&c)).transpose()?;
        let (conv0, t0) = conv(&b.child("conv0")?)?;
        let (conv1, t1) = conv(&b.child("conv1")?)?;
        let skip = b.child_opt("skip").map(|c| conv(&c)).transpose()?;
        trainable.extend(fromrgb.as_ref().map(|f| f.1));
        trainable.extend([t0, t1]);
        trainable.extend(skip.as_ref().map(|s| s.1));
        blocks.push(DiscriminatorBlockConfig {
            resolution: b.usize("resolution")?,
            in_channels: b.usize("in_channels")?,
            tmp_channels: conv0.in_channels,
            out_channels: conv1.out_channels,
            img_channels: b.usize("img_channels")?,
            architecture: architecture(&b)?,
            use_fp16: b.bool("use_fp16")?,
            fromrgb: fromrgb.map(|f| f.0),
            conv0,
            conv1,
            skip: skip.map(|s| s.0),
        });
    }
    let freeze_layers = trainable.iter().take_while(|t| !**t).count();
    if trainable[freeze_layers..].iter().any(|t| !t) {
        return Err(d.error("frozen layers that are not the leading ones (Freeze-D freezes the first layers only)"));
    }

    let e = d.child("b4")?;
    let mbstd = e.child_opt("mbstd");
    let (conv_e, _) = conv(&e.child("conv")?)?;
    let epilogue = DiscriminatorEpilogueConfig {
        in_channels: e.usize("in_channels")?,
        cmap_dim: e.usize("cmap_dim")?,
        resolution: e.usize("resolution")?,
        img_channels: e.usize("img_channels")?,
        architecture: architecture(&e)?,
        mbstd_group_size: match &mbstd {
            Some(m) if m.attr("group_size")?.is_null() => None,
            Some(m) => Some(m.usize("group_size")?),
            None => None,
        },
        mbstd_num_channels: mbstd.as_ref().map(|m| m.usize("num_channels")).transpose()?.unwrap_or(0),
        fromrgb: e.child_opt("fromrgb").map(|c| conv(&c).map(|c| c.0)).transpose()?,
        conv: conv_e,
        fc: fc_config(&e.child("fc")?)?,
        out: fc_config(&e.child("out")?)?,
    };

    let c_dim = d.usize("c_dim")?;
    let mapping = match d.child_opt("mapping") {
        Some(m) => {
            let num_layers = m.usize("num_layers")?;
            Some(DiscriminatorMappingConfig {
                c_dim: m.usize("c_dim")?,
                cmap_dim: m.usize("w_dim")?,
                embed: fc_config(&m.child("embed")?)?,
                layers: (0..num_layers).map(|i| fc_config(&m.child(&format!("fc{i}"))?)).collect::<Result<_>>()?,
            })
        }
        None => None,
    };
    let architecture = blocks.first().map(|b| b.architecture).unwrap_or(epilogue.architecture);
    Ok(DiscriminatorConfig {
        c_dim,
        img_resolution,
        img_channels: d.usize("img_channels")?,
        architecture,
        blocks,
        mapping,
        epilogue,
        freeze_layers,
    })
}
