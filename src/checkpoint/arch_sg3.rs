//! The StyleGAN3 generator config from a pickle's modules (`training/networks_stylegan3.py`).
//! Every size, rate, cutoff, padding and clamp is read from the layer attributes, never derived.

use crate::Result;
use crate::nn::config::{Sg3Config, Sg3InputConfig, Sg3LayerConfig};

use super::arch_mapping::{fc_config, mapping_config};
use super::module_view::ModuleView;

/// `Generator` with a `SynthesisNetwork` of `SynthesisInput` + `SynthesisLayer`s.
pub fn sg3_config(g: &ModuleView<'_>) -> Result<Sg3Config> {
    let synthesis = g.child("synthesis")?;
    let names: Vec<String> = if synthesis.has_attr("layer_names") {
        synthesis.strings("layer_names")?.into_iter().map(str::to_string).collect()
    } else {
        synthesis.node.children.iter().filter(|(n, _)| n != "input").map(|(n, _)| n.clone()).collect()
    };
    let layers = names.iter().map(|n| layer_config(&synthesis.child(n)?)).collect::<Result<Vec<_>>>()?;
    Ok(Sg3Config {
        z_dim: g.usize("z_dim")?,
        c_dim: g.usize("c_dim")?,
        w_dim: g.usize("w_dim")?,
        img_resolution: g.usize("img_resolution")?,
        img_channels: g.usize("img_channels")?,
        num_ws: g.usize("num_ws")?,
        mapping: mapping_config(&g.child("mapping")?)?,
        input: input_config(&synthesis.child("input")?)?,
        layers,
        num_critical: synthesis.usize("num_critical")?,
        margin_size: synthesis.usize("margin_size")?,
        output_scale: synthesis.f64("output_scale")?,
        num_fp16_res: synthesis.usize("num_fp16_res")?,
    })
}

fn input_config(i: &ModuleView<'_>) -> Result<Sg3InputConfig> {
    Ok(Sg3InputConfig {
        w_dim: i.usize("w_dim")?,
        channels: i.usize("channels")?,
        size: i.size2("size")?,
        sampling_rate: i.f64("sampling_rate")?,
        bandwidth: i.f64("bandwidth")?,
        affine: fc_config(&i.child("affine")?)?,
    })
}

fn layer_config(l: &ModuleView<'_>) -> Result<Sg3LayerConfig> {
    let name = l.path().rsplit('.').next().unwrap_or_default().to_string();
    Ok(Sg3LayerConfig {
        name,
        w_dim: l.usize("w_dim")?,
        is_torgb: l.bool("is_torgb")?,
        is_critically_sampled: l.bool("is_critically_sampled")?,
        use_fp16: l.bool("use_fp16")?,
        in_channels: l.usize("in_channels")?,
        out_channels: l.usize("out_channels")?,
        in_size: l.size2("in_size")?,
        out_size: l.size2("out_size")?,
        in_sampling_rate: l.f64("in_sampling_rate")?,
        out_sampling_rate: l.f64("out_sampling_rate")?,
        tmp_sampling_rate: l.f64("tmp_sampling_rate")?,
        in_cutoff: l.f64("in_cutoff")?,
        out_cutoff: l.f64("out_cutoff")?,
        in_half_width: l.f64("in_half_width")?,
        out_half_width: l.f64("out_half_width")?,
        conv_kernel: l.usize("conv_kernel")?,
        conv_clamp: l.opt_f64("conv_clamp")?,
        up_factor: l.usize("up_factor")?,
        up_taps: l.usize("up_taps")?,
        down_factor: l.usize("down_factor")?,
        down_taps: l.usize("down_taps")?,
        down_radial: l.bool("down_radial")?,
        padding: l.i64x4("padding")?,
        magnitude_ema_beta: l.f64("magnitude_ema_beta")?,
        affine: fc_config(&l.child("affine")?)?,
    })
}
