//! Compiled compute pipelines, cached by kernel, entry point and pipeline constants (lavapipe's
//! LLVM compiles each pipeline in tens of milliseconds; a network reuses a handful).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::gpu::compute::GpuContext;
use crate::{Error, Result};

/// The WGSL source of a kernel in `shaders/compute/`.
pub(crate) fn source(kernel: &str) -> Option<&'static str> {
    Some(match kernel {
        "fc" => include_str!("../../../shaders/compute/fc.wgsl"),
        "mapping" => include_str!("../../../shaders/compute/mapping.wgsl"),
        "modconv_styles" => include_str!("../../../shaders/compute/modconv_styles.wgsl"),
        "modconv" => include_str!("../../../shaders/compute/modconv.wgsl"),
        "upfirdn2d" => include_str!("../../../shaders/compute/upfirdn2d.wgsl"),
        "filtered_lrelu" => include_str!("../../../shaders/compute/filtered_lrelu.wgsl"),
        "bias_act" => include_str!("../../../shaders/compute/bias_act.wgsl"),
        "fourier_input" => include_str!("../../../shaders/compute/fourier_input.wgsl"),
        "to_rgba8" => include_str!("../../../shaders/compute/to_rgba8.wgsl"),
        _ => return None,
    })
}

/// Shader modules and pipelines of one device.
#[derive(Debug, Default)]
pub(crate) struct Pipelines {
    modules: Mutex<HashMap<&'static str, wgpu::ShaderModule>>,
    pipelines: Mutex<HashMap<String, wgpu::ComputePipeline>>,
}

impl Pipelines {
    /// The pipeline of `kernel`'s entry point `entry` with the given pipeline constants.
    pub(crate) fn get(
        &self,
        ctx: &GpuContext,
        kernel: &'static str,
        entry: &str,
        constants: &[(&str, f64)],
    ) -> Result<wgpu::ComputePipeline> {
        let key = format!("{kernel}:{entry}:{constants:?}");
        let poisoned = || Error::Gpu("pipeline cache lock poisoned".into());
        if let Some(p) = self.pipelines.lock().map_err(|_| poisoned())?.get(&key) {
            return Ok(p.clone());
        }
        let module = {
            let mut modules = self.modules.lock().map_err(|_| poisoned())?;
            match modules.get(kernel) {
                Some(m) => m.clone(),
                None => {
                    let text = source(kernel).ok_or_else(|| Error::Gpu(format!("unknown kernel `{kernel}`")))?;
                    let m = ctx.scoped(&format!("compiling {kernel}.wgsl"), || {
                        Ok(ctx.device().create_shader_module(wgpu::ShaderModuleDescriptor {
                            label: Some(kernel),
                            source: wgpu::ShaderSource::Wgsl(text.into()),
                        }))
                    })?;
                    modules.insert(kernel, m.clone());
                    m
                }
            }
        };
        let pipeline = ctx.scoped(&format!("creating the {kernel}.wgsl pipeline `{entry}`"), || {
            Ok(ctx.device().create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(&key),
                layout: None,
                module: &module,
                entry_point: Some(entry),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants,
                    zero_initialize_workgroup_memory: false,
                },
                cache: None,
            }))
        })?;
        self.pipelines.lock().map_err(|_| poisoned())?.insert(key, pipeline.clone());
        Ok(pipeline)
    }
}
