//! What a network needs from an adapter, checked before anything is allocated, so that the
//! window can fall back to the CPU engine with a clear message.

use crate::gpu::compute::GpuContext;
use crate::nn::config::GeneratorConfig;
use crate::{Error, Result};

/// The largest single buffer (f32 values) the GPU engine allocates for `config`, and its name.
pub fn largest_buffer(config: &GeneratorConfig) -> (usize, String) {
    let mut best = (0usize, String::new());
    let mut see = |n: usize, what: String| {
        if n > best.0 {
            best = (n, what);
        }
    };
    match config {
        GeneratorConfig::StyleGan2(c) => {
            for block in &c.blocks {
                let r = block.resolution;
                for (name, l) in [("conv0", block.conv0.as_ref()), ("conv1", Some(&block.conv1))] {
                    if let Some(l) = l {
                        let k = l.kernel_size;
                        see(l.out_channels * l.in_channels * k * k, format!("b{r}.{name}.weight"));
                        see(l.out_channels * r * r, format!("b{r}.{name} output"));
                        if l.up > 1 {
                            // the four phase kernels of the up-sampling convolution
                            see(4 * l.out_channels * l.in_channels * k * k, format!("b{r}.{name}.weight phases"));
                        }
                    }
                }
            }
        }
        GeneratorConfig::StyleGan3(c) => {
            let [w, h] = c.input.size;
            see(c.input.channels * w * h, "input".into());
            for l in &c.layers {
                let k = l.conv_kernel;
                see(l.out_channels * l.in_channels * k * k, format!("{}.weight", l.name));
                let conv = (l.in_size[0] + k - 1) * (l.in_size[1] + k - 1);
                see(l.out_channels * conv, format!("{} convolution", l.name));
                see(l.out_channels * l.out_size[0] * l.out_size[1], l.name.clone());
            }
        }
    }
    best
}

/// Fails with a message naming the tensor and the limit when `config` cannot run on `ctx`.
pub fn check_support(ctx: &GpuContext, config: &GeneratorConfig) -> Result<()> {
    let limits = ctx.limits();
    let (len, what) = largest_buffer(config);
    let bytes = 4 * len as u64;
    let max = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
    if bytes > max {
        return Err(Error::Gpu(format!(
            "{} {}² needs a {:.0} MiB buffer for `{what}`, but {} binds at most {:.0} MiB; use the CPU engine",
            config.family_name(),
            config.img_resolution(),
            bytes as f64 / 1048576.0,
            ctx.description(),
            max as f64 / 1048576.0
        )));
    }
    if limits.max_storage_buffers_per_shader_stage < 8 || limits.max_compute_invocations_per_workgroup < 256 {
        return Err(Error::Gpu(format!(
            "{} offers {} storage buffers per shader stage and {} invocations per workgroup; the engine needs 8 and 256",
            ctx.description(),
            limits.max_storage_buffers_per_shader_stage,
            limits.max_compute_invocations_per_workgroup
        )));
    }
    Ok(())
}
