//! StyleGAN2 synthesis (`training/networks_stylegan2.py`, skip and orig architectures) as GPU
//! steps. Layer names follow NVIDIA's visualizer: `b4.conv1`, `b4.torgb`, `b4:0`, `b4:1`, …, `output`.

use crate::gpu::compute::builder::Builder;
use crate::gpu::compute::noise_slot::NoiseSlot;
use crate::gpu::compute::ops::{ConvSpec, Epilogue, ModulationSpec, UpfirdnSpec, polyphase_weights};
use crate::nn::config::{Sg2Architecture, Sg2Config, Sg2LayerConfig, Sg2ToRgbConfig};
use crate::{Error, Result};

/// An activation buffer and its `[c, h, w]` shape.
type Act = (wgpu::Buffer, [usize; 3]);

/// Adds the synthesis steps reading `ws`; returns the noise inputs (one per layer with noise).
pub(crate) fn build(b: &mut Builder<'_>, c: &Sg2Config, ws: &wgpu::Buffer) -> Result<Vec<NoiseSlot>> {
    let mut noise = Vec::new();
    let mut x: Option<Act> = None;
    let mut img: Option<Act> = None;
    for block in &c.blocks {
        let name = format!("b{}", block.resolution);
        let prefix = format!("synthesis.{name}");
        if block.architecture == Sg2Architecture::Resnet {
            return Err(Error::Unsupported(
                "the resnet StyleGAN2 architecture in the GPU engine (use the CPU engine)".into(),
            ));
        }
        let mut input = match (block.in_channels, x.take()) {
            (0, _) => {
                let ch = block.out_channels;
                let r = block.resolution;
                let data = b.tensor(&format!("{prefix}.const"), &[ch, r, r])?;
                (b.upload(&format!("{prefix}.const"), &data)?, [ch, r, r])
            }
            (_, Some(prev)) => prev,
            (_, None) => return Err(Error::Format(format!("{prefix} has inputs but no block before it"))),
        };
        let mut w_row = block.w_index;
        if let Some(conv0) = &block.conv0 {
            let out = layer(b, conv0, &format!("{prefix}.conv0"), &input, ws, w_row, &mut noise)?;
            b.free(&input.0);
            b.name_layer(&format!("{name}.conv0"), &out.0, out.1);
            input = out;
            w_row += 1;
        }
        let out = layer(b, &block.conv1, &format!("{prefix}.conv1"), &input, ws, w_row, &mut noise)?;
        b.free(&input.0);
        b.name_layer(&format!("{name}.conv1"), &out.0, out.1);
        w_row += 1;
        if let Some(t) = &block.torgb {
            let y = torgb(b, t, &format!("{prefix}.torgb"), &out, ws, w_row)?;
            b.name_layer(&format!("{name}.torgb"), &y.0, y.1);
            img = Some(match img.take() {
                None => y,
                Some(prev) => {
                    let up = upsample_image(b, &prefix, &prev, &y)?;
                    b.free(&prev.0);
                    b.free(&y.0);
                    up
                }
            });
        }
        // The block's outputs (x, img), as the visualizer's hooks name them.
        b.name_layer(&format!("{name}:0"), &out.0, out.1);
        if let Some(i) = &img {
            b.name_layer(&format!("{name}:1"), &i.0, i.1);
        }
        x = Some(out);
    }
    let final_img = img.or(x).ok_or_else(|| Error::Format("StyleGAN2 synthesis without blocks".into()))?;
    b.name_layer("output", &final_img.0, final_img.1);
    Ok(noise)
}

/// `SynthesisLayer`: affine → modulated 3×3 conv (up-sampling with the FIR filter when `up == 2`)
/// → noise → bias, lrelu·gain, clamp.
fn layer(
    b: &mut Builder<'_>,
    l: &Sg2LayerConfig,
    prefix: &str,
    x: &Act,
    ws: &wgpu::Buffer,
    w_row: usize,
    noise: &mut Vec<NoiseSlot>,
) -> Result<Act> {
    let [c_in, h, w] = x.1;
    if c_in != l.in_channels {
        return Err(Error::Format(format!("{prefix} expects {} input channels, got {c_in}", l.in_channels)));
    }
    let (co, k) = (l.out_channels, l.kernel_size);
    let s = b.affine(&format!("{prefix}.affine"), &l.affine, ws, w_row, 1.0)?;
    let weight = b.tensor(&format!("{prefix}.weight"), &[co, c_in, k, k])?;
    let wbuf = b.upload(&format!("{prefix}.weight"), &weight)?;
    let bias = b.tensor(&format!("{prefix}.bias"), &[co])?;
    let bias = b.upload(&format!("{prefix}.bias"), &bias)?;
    let spec = ModulationSpec { c_in, c_out: co, kernel: k, demodulate: true, style_norm: false, input_gain: 1.0 };
    let m = b.modulation(prefix, &spec, &wbuf, &s)?;
    b.free(&s);
    let res = l.resolution;
    let noise_buf = if l.use_noise {
        let constant = b.tensor(&format!("{prefix}.noise_const"), &[res, res])?;
        let strength = b.scalar(&format!("{prefix}.noise_strength"))?;
        let mut data = vec![strength, 0.0, 0.0, 0.0];
        data.extend_from_slice(&constant);
        let buffer = b.upload(&format!("{prefix}.noise"), &data)?;
        noise.push(NoiseSlot { buffer: buffer.clone(), strength, constant, holds_random: None, gain: strength });
        Some(buffer)
    } else {
        None
    };
    let epilogue = Epilogue {
        activation: l.activation,
        alpha: l.activation.default_alpha(),
        gain: l.act_gain,
        clamp: l.conv_clamp,
        bias: true,
        noise: l.use_noise,
        residual: false,
    };
    let out = match l.up {
        1 => {
            let conv = ConvSpec {
                c_in,
                c_out: co,
                kernel: k,
                in_h: h,
                in_w: w,
                pad: l.padding,
                transposed: false,
                up: 1,
                epilogue,
            };
            b.conv(prefix, &conv, &x.0, &wbuf, &m, Some(&bias), noise_buf.as_ref(), None)?
        }
        2 => {
            let (f, fshape) = b
                .tensor_opt(&format!("{prefix}.resample_filter"))?
                .ok_or_else(|| Error::MissingTensor(format!("{prefix}.resample_filter")))?;
            let [fh, fw] = filter_shape(prefix, &fshape)?;
            // conv2d_resample: stride-2 transposed conv, then the FIR filter with gain up² and
            // these paddings.
            let p = l.padding as i64;
            let (px0, px1) = (p + (fw as i64 + 1) / 2 - (k as i64 - 1), p + (fw as i64 - 2) / 2 - (k as i64 - 2));
            let (py0, py1) = (p + (fh as i64 + 1) / 2 - (k as i64 - 1), p + (fh as i64 - 2) / 2 - (k as i64 - 2));
            if px0.min(px1) < 0 || py0.min(py1) < 0 {
                return Err(Error::Unsupported(format!(
                    "{prefix}: up-sampling conv padding {px0},{px1} in the GPU engine"
                )));
            }
            let f4: Vec<f32> = f.iter().map(|v| v * 4.0).collect();
            match polyphase_weights(&weight, co, c_in, k, &f4, fh, fw, (py0, px0)) {
                Ok((phases, n, pad)) => {
                    let pbuf = b.upload(&format!("{prefix}.weight phases"), &phases)?;
                    let conv = ConvSpec {
                        c_in,
                        c_out: co,
                        kernel: n,
                        in_h: h,
                        in_w: w,
                        pad,
                        transposed: false,
                        up: 2,
                        epilogue,
                    };
                    b.conv(prefix, &conv, &x.0, &pbuf, &m, Some(&bias), noise_buf.as_ref(), None)?
                }
                Err(_) => up_conv_two_steps(
                    b,
                    prefix,
                    (c_in, co, k, h, w),
                    x,
                    &wbuf,
                    &m,
                    &f4,
                    [fh, fw],
                    [px0, px1, py0, py1],
                    &bias,
                    noise_buf.as_ref(),
                    epilogue,
                )?,
            }
        }
        up => {
            return Err(Error::Unsupported(format!("{prefix}: up-sampling by {up} in the GPU engine")));
        }
    };
    b.free(&m);
    if out.1[1] != res || out.1[2] != res {
        return Err(Error::Format(format!("{prefix} produced {:?}, expected resolution {res}", out.1)));
    }
    Ok(out)
}

/// The up-sampling conv as NVIDIA runs it: the stride-2 transposed convolution into a
/// `(2h + 1)²` intermediate, then the FIR filter with the epilogue.
#[allow(clippy::too_many_arguments)]
fn up_conv_two_steps(
    b: &mut Builder<'_>,
    prefix: &str,
    (c_in, co, k, h, w): (usize, usize, usize, usize, usize),
    x: &Act,
    wbuf: &wgpu::Buffer,
    m: &wgpu::Buffer,
    f4: &[f32],
    [fh, fw]: [usize; 2],
    padding: [i64; 4],
    bias: &wgpu::Buffer,
    noise: Option<&wgpu::Buffer>,
    epilogue: Epilogue,
) -> Result<Act> {
    let conv = ConvSpec {
        c_in,
        c_out: co,
        kernel: k,
        in_h: h,
        in_w: w,
        pad: 0,
        transposed: true,
        up: 1,
        epilogue: Epilogue::identity(),
    };
    let tmp = b.conv(&format!("{prefix} transposed"), &conv, &x.0, wbuf, m, None, None, None)?;
    let fbuf = b.upload(&format!("{prefix}.resample_filter"), f4)?;
    let fir = UpfirdnSpec { channels: co, in_h: tmp.1[1], in_w: tmp.1[2], up: 1, down: 1, fh, fw, padding, epilogue };
    let [oh, ow] = fir.out_size()?;
    let y = b.alloc(prefix, co * oh * ow)?;
    let step = fir.step(b.ctx, &format!("{prefix} filter"), &tmp.0, &fbuf, Some(bias), noise, None, &y)?;
    b.push(step);
    b.free(&tmp.0);
    Ok((y, [co, oh, ow]))
}

/// `ToRGBLayer`: affine·weight_gain → 1×1 modulated conv without demodulation → bias, clamp.
fn torgb(
    b: &mut Builder<'_>,
    t: &Sg2ToRgbConfig,
    prefix: &str,
    x: &Act,
    ws: &wgpu::Buffer,
    w_row: usize,
) -> Result<Act> {
    let [c_in, h, w] = x.1;
    let (co, k) = (t.out_channels, t.kernel_size);
    let s = b.affine(&format!("{prefix}.affine"), &t.affine, ws, w_row, t.weight_gain)?;
    let weight = b.tensor(&format!("{prefix}.weight"), &[co, c_in, k, k])?;
    let wbuf = b.upload(&format!("{prefix}.weight"), &weight)?;
    let bias = b.tensor(&format!("{prefix}.bias"), &[co])?;
    let bias = b.upload(&format!("{prefix}.bias"), &bias)?;
    let spec = ModulationSpec { c_in, c_out: co, kernel: k, demodulate: false, style_norm: false, input_gain: 1.0 };
    let m = b.modulation(prefix, &spec, &wbuf, &s)?;
    b.free(&s);
    let conv = ConvSpec {
        c_in,
        c_out: co,
        kernel: k,
        in_h: h,
        in_w: w,
        pad: k / 2,
        transposed: false,
        up: 1,
        epilogue: Epilogue::bias_act(crate::nn::config::Activation::Linear, t.conv_clamp),
    };
    let y = b.conv(prefix, &conv, &x.0, &wbuf, &m, Some(&bias), None, None)?;
    b.free(&m);
    Ok(y)
}

/// `img = upsample2d(img, resample_filter) + y`.
fn upsample_image(b: &mut Builder<'_>, prefix: &str, img: &Act, y: &Act) -> Result<Act> {
    let (f, fshape) = b
        .tensor_opt(&format!("{prefix}.resample_filter"))?
        .ok_or_else(|| Error::MissingTensor(format!("{prefix}.resample_filter")))?;
    let [fh, fw] = filter_shape(prefix, &fshape)?;
    let f4: Vec<f32> = f.iter().map(|v| v * 4.0).collect();
    let fbuf = b.upload(&format!("{prefix}.resample_filter"), &f4)?;
    let [c, h, w] = img.1;
    let pad = |n: usize| [n.div_ceil(2) as i64, ((n - 2) / 2) as i64];
    let (px, py) = (pad(fw), pad(fh));
    let spec = UpfirdnSpec {
        channels: c,
        in_h: h,
        in_w: w,
        up: 2,
        down: 1,
        fh,
        fw,
        padding: [px[0], px[1], py[0], py[1]],
        epilogue: Epilogue { residual: true, ..Epilogue::identity() },
    };
    let [oh, ow] = spec.out_size()?;
    if [c, oh, ow] != y.1 {
        return Err(Error::Format(format!(
            "{prefix}: image {:?} up-sampled to {:?} does not match ToRGB {:?}",
            img.1,
            [c, oh, ow],
            y.1
        )));
    }
    let out = b.alloc(&format!("{prefix} image"), c * oh * ow)?;
    let step = spec.step(b.ctx, &format!("{prefix} image upsample"), &img.0, &fbuf, None, None, Some(&y.0), &out)?;
    b.push(step);
    Ok((out, [c, oh, ow]))
}

fn filter_shape(prefix: &str, shape: &[usize]) -> Result<[usize; 2]> {
    match shape {
        [fh, fw] if *fh >= 2 && *fw >= 2 => Ok([*fh, *fw]),
        other => {
            Err(Error::Shape { name: format!("{prefix}.resample_filter"), expected: vec![4, 4], found: other.to_vec() })
        }
    }
}
