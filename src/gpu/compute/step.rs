//! One kernel dispatch with its bindings, recorded once when a network is built and replayed
//! every frame.

use crate::gpu::compute::GpuContext;
use crate::{Error, Result};

/// Most workgroups a dispatch may have along one dimension (the WebGPU minimum limit).
const MAX_GROUPS: u64 = 65_535;

/// A compiled pipeline, its bind group (binding 0 is the uniform parameter block) and the
/// number of workgroups.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub label: String,
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    params: wgpu::Buffer,
    workgroups: [u32; 3],
}

impl Step {
    /// `entries` are the bindings from 1 on; the parameter block `params` becomes binding 0.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        ctx: &GpuContext,
        label: &str,
        kernel: &'static str,
        entry: &str,
        constants: &[(&str, f64)],
        params: &[u32],
        entries: &[(u32, wgpu::BindingResource<'_>)],
        workgroups: [u32; 3],
    ) -> Result<Self> {
        let limits = ctx.limits();
        if workgroups.iter().any(|&n| n > limits.max_compute_workgroups_per_dimension) {
            return Err(Error::Gpu(format!(
                "`{label}` needs {workgroups:?} workgroups; this adapter allows {} per dimension",
                limits.max_compute_workgroups_per_dimension
            )));
        }
        let pipeline = ctx.pipelines().get(ctx, kernel, entry, constants)?;
        let params = ctx.uniform(&format!("{label} params"), params);
        let bind_group = ctx.scoped(&format!("binding `{label}`"), || {
            let mut all = vec![wgpu::BindGroupEntry { binding: 0, resource: params.as_entire_binding() }];
            all.extend(
                entries
                    .iter()
                    .map(|(binding, resource)| wgpu::BindGroupEntry { binding: *binding, resource: resource.clone() }),
            );
            Ok(ctx.device().create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some(label),
                layout: &pipeline.get_bind_group_layout(0),
                entries: &all,
            }))
        })?;
        Ok(Self { label: label.to_string(), pipeline, bind_group, params, workgroups })
    }

    /// Rewrites the parameter block (for per-frame values such as the truncation psi).
    pub(crate) fn set_params(&self, ctx: &GpuContext, params: &[u32]) {
        ctx.queue().write_buffer(&self.params, 0, bytemuck::cast_slice(params));
    }

    pub(crate) fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        pass.dispatch_workgroups(self.workgroups[0], self.workgroups[1], self.workgroups[2]);
    }

    /// Records the step alone, submits it and waits.
    pub(crate) fn run(&self, ctx: &GpuContext) -> Result<()> {
        ctx.scoped(&format!("running `{}`", self.label), || {
            let mut encoder =
                ctx.device().create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(&self.label) });
            {
                let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some(&self.label),
                    timestamp_writes: None,
                });
                self.record(&mut pass);
            }
            ctx.submit_and_wait(encoder)
        })
    }
}

/// A 2-D grid of `total` workgroups (kernels compute the flat index `x + y·num_workgroups.x`
/// and skip the excess).
pub(crate) fn grid(total: u64) -> [u32; 3] {
    let total = total.max(1);
    let x = total.min(MAX_GROUPS);
    let y = total.div_ceil(x);
    [x as u32, y as u32, 1]
}

/// Parameter blocks are written as 32-bit words.
pub(crate) fn f(v: f64) -> u32 {
    (v as f32).to_bits()
}

pub(crate) fn i(v: i64) -> u32 {
    (v as i32) as u32
}

pub(crate) fn b(v: bool) -> u32 {
    u32::from(v)
}
