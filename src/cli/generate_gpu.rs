//! `stylescope generate --engine gpu`: the same files as the CPU path, computed by the WGSL
//! compute engine (mapping and synthesis on the GPU; untransform and PNG encoding on the CPU).

use crate::cli::generate::GenerateArgs;

#[cfg(feature = "gpu")]
pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    use anyhow::{Context, bail};
    use candle_core::Device;

    if !args.direction.is_empty() || !args.style_channel.is_empty() {
        bail!("--direction and --style-channel run on the CPU engine only: use --engine cpu");
    }

    use crate::analysis::resample::untransform;
    use crate::checkpoint::{Checkpoint, NetworkKind};
    use crate::cli::generate::{input_transform_arg, label_arg};
    use crate::cli::generate::{layer_file_name, write_npy};
    use crate::cli::terminal_monitor::TerminalMonitor;
    use crate::gpu::compute::{GpuContext, GpuEngine};
    use crate::latent::{parse_seed_list, z_tensor};
    use crate::nn::image::to_raster;
    use crate::nn::{Capture, SynthesisOptions};
    use crate::progress::Monitor;

    let seeds = parse_seed_list(&args.seeds)?;
    let device = Device::Cpu;
    let checkpoint = Checkpoint::open(&args.network).map_err(|e| e.in_file(&args.network))?;
    let network = checkpoint.generator_network()?;
    let NetworkKind::Generator(config) = &network.kind else {
        bail!("{}: no generator", args.network.display());
    };
    let weights = checkpoint.weights(&network.key, &device)?;

    let label = match label_arg(&args, config, &device)? {
        Some(t) => Some(t.flatten_all()?.to_vec1::<f32>()?),
        None => None,
    };
    let input_transform = input_transform_arg(&args, config)?;

    let ctx = GpuContext::headless()?;
    eprintln!("GPU engine on {}", ctx.description());
    let mut engine = GpuEngine::new(&ctx, config, &weights).map_err(|e| e.in_file(&args.network))?;
    let w_avg = weights.get("mapping.w_avg", &[config.w_dim()])?.flatten_all()?.to_vec1::<f32>()?;
    std::fs::create_dir_all(&args.outdir).with_context(|| format!("cannot create {}", args.outdir.display()))?;
    let capture = if args.save_layers { Capture::All } else { Capture::Nothing };
    let opts = SynthesisOptions {
        noise_mode: args.noise_mode,
        noise_seed: args.noise_seed,
        capture,
        input_transform,
        style_offsets: Vec::new(),
    };
    let (num_ws, w_dim) = (config.num_ws(), config.w_dim());

    let monitor = TerminalMonitor::new("generating");
    let result = (|| -> anyhow::Result<()> {
        for (i, &seed) in seeds.iter().enumerate() {
            if seeds.len() > 1 {
                monitor.set_count(i as u64, seeds.len() as u64)?;
            }
            let z = z_tensor(&[seed], config.z_dim(), &device)?.flatten_all()?.to_vec1::<f32>()?;
            let mut ws = engine.mapping(&z, label.as_deref(), args.trunc, args.trunc_cutoff)?;
            if args.pseudo_align {
                ws[..w_dim].copy_from_slice(&w_avg);
            }
            engine.render(&ws, &opts)?;
            let out = engine.read_back_image()?;
            let (image, mask) = match (&input_transform, args.untransform) {
                (Some(m), true) => {
                    let (image, mask) = untransform(&out, m)?;
                    (image, Some(mask))
                }
                _ => (out, None),
            };
            let png = args.outdir.join(format!("seed{seed:04}.png"));
            to_raster(&image, 0).and_then(|r| r.save_png(&png))?;
            if args.save_raw {
                write_npy(&image, &args.outdir.join(format!("seed{seed:04}.npy")))?;
                if let Some(mask) = &mask {
                    write_npy(mask, &args.outdir.join(format!("seed{seed:04}_mask.npy")))?;
                }
            }
            if args.save_w {
                let t = candle_core::Tensor::from_vec(ws.clone(), (1, num_ws, w_dim), &device)?;
                write_npy(&t, &args.outdir.join(format!("seed{seed:04}_w.npy")))?;
            }
            if args.save_layers {
                for (name, _) in engine.layer_names() {
                    let t = engine.read_back_layer(&name)?;
                    write_npy(&t, &args.outdir.join(layer_file_name(seed, &name)))?;
                }
            }
        }
        if seeds.len() > 1 {
            monitor.set_count(seeds.len() as u64, seeds.len() as u64)?;
        }
        Ok(())
    })();
    monitor.finish();
    result
}

#[cfg(not(feature = "gpu"))]
pub fn run(_args: GenerateArgs) -> anyhow::Result<()> {
    anyhow::bail!("this stylescope was built without the GPU engine (feature `gpu`); use --engine cpu")
}
