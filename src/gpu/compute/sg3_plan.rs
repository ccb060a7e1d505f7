//! StyleGAN3 synthesis (`training/networks_stylegan3.py`) as GPU steps. Layer names follow
//! NVIDIA's visualizer: `input`, `L0_36_512`, …, `L14_1024_3`, `output`.

use crate::gpu::compute::builder::Builder;
use crate::gpu::compute::ops::{BiasActSpec, ConvSpec, Epilogue, FilteredLreluSpec, FourierSpec, ModulationSpec};
use crate::nn::config::{Activation, Sg3Config, Sg3LayerConfig};
use crate::{Error, Result};

/// An activation buffer and its `[c, h, w]` shape.
type Act = (wgpu::Buffer, [usize; 3]);

/// Adds the synthesis steps reading `ws`; returns the buffer of the input transform (9 floats,
/// row-major, the inverse of the content transform) and its stored value.
pub(crate) fn build(b: &mut Builder<'_>, c: &Sg3Config, ws: &wgpu::Buffer) -> Result<(wgpu::Buffer, [f32; 9])> {
    let (mut x, transform) = input(b, c, ws)?;
    b.name_layer("input", &x.0, x.1);
    for (i, l) in c.layers.iter().enumerate() {
        let out = layer(b, l, &x, ws, i + 1)?;
        b.free(&x.0);
        b.name_layer(&l.name, &out.0, out.1);
        x = out;
    }
    let [ch, h, w] = x.1;
    let img = b.alloc("output", ch * h * w)?;
    let scale = BiasActSpec {
        channels: ch,
        plane: h * w,
        activation: Activation::Linear,
        alpha: 0.0,
        gain: c.output_scale,
        clamp: None,
    };
    let step = scale.step(b.ctx, "output scale", &x.0, None, &img)?;
    b.push(step);
    b.name_layer("output", &img, x.1);
    Ok(transform)
}

/// `SynthesisInput`: affine(w0) → Fourier features under the transform → channel mix.
fn input(b: &mut Builder<'_>, c: &Sg3Config, ws: &wgpu::Buffer) -> Result<(Act, (wgpu::Buffer, [f32; 9]))> {
    let ic = &c.input;
    let ch = ic.channels;
    let [width, height] = ic.size;
    let t = b.affine("synthesis.input.affine", &ic.affine, ws, 0, 1.0)?;
    let freqs = b.tensor("synthesis.input.freqs", &[ch, 2])?;
    let phases = b.tensor("synthesis.input.phases", &[ch])?;
    let stored = b.tensor("synthesis.input.transform", &[3, 3])?;
    let stored: [f32; 9] = std::array::from_fn(|i| stored[i]);
    let fp: Vec<f32> = freqs.iter().chain(&phases).copied().collect();
    let fp = b.upload("synthesis.input.freqs+phases", &fp)?;
    let transform = b.upload("synthesis.input.transform", &stored)?;
    let spec = FourierSpec { channels: ch, width, height, sampling_rate: ic.sampling_rate, bandwidth: ic.bandwidth };
    let prep = b.alloc("input prep", 4 * ch)?;
    let step = spec.prep_step(b.ctx, "input frequencies", &t, &transform, &fp, &prep)?;
    b.push(step);
    b.free(&t);
    let feat = b.alloc("input features", ch * width * height)?;
    let step = spec.features_step(b.ctx, "input features", &prep, &feat)?;
    b.push(step);
    b.free(&prep);
    // x = feat · (weight / sqrt(C))ᵀ as a 1×1 convolution with unit modulation.
    let weight = b.tensor("synthesis.input.weight", &[ch, ch])?;
    let gain = (ch as f64).sqrt() as f32;
    let weight: Vec<f32> = weight.iter().map(|v| v / gain).collect();
    let wbuf = b.upload("synthesis.input.weight", &weight)?;
    let ones = b.upload("synthesis.input unit modulation", &vec![1.0; 2 * ch])?;
    let conv = ConvSpec {
        c_in: ch,
        c_out: ch,
        kernel: 1,
        in_h: height,
        in_w: width,
        pad: 0,
        transposed: false,
        up: 1,
        epilogue: Epilogue::identity(),
    };
    let x = b.conv("input", &conv, &feat, &wbuf, &ones, None, None, None)?;
    b.free(&feat);
    Ok((x, (transform, stored)))
}

/// `SynthesisLayer`: affine → modulated conv ("full", padding k − 1) → bias → filtered lrelu.
fn layer(b: &mut Builder<'_>, l: &Sg3LayerConfig, x: &Act, ws: &wgpu::Buffer, w_row: usize) -> Result<Act> {
    let prefix = format!("synthesis.{}", l.name);
    let [c_in, h, w] = x.1;
    if c_in != l.in_channels || [h, w] != [l.in_size[1], l.in_size[0]] {
        return Err(Error::Format(format!(
            "{prefix} expects {} channels of {:?}, got {:?}",
            l.in_channels, l.in_size, x.1
        )));
    }
    let (co, k) = (l.out_channels, l.conv_kernel);
    let demodulate = !l.is_torgb;
    let style_scale = if l.is_torgb { 1.0 / ((c_in * k * k) as f64).sqrt() } else { 1.0 };
    let s = b.affine(&format!("{prefix}.affine"), &l.affine, ws, w_row, style_scale)?;
    let mut weight = b.tensor(&format!("{prefix}.weight"), &[co, c_in, k, k])?;
    if demodulate {
        // w · rsqrt(mean(w²)) per output channel, as modulated_conv2d does before demodulating.
        for row in weight.chunks_mut(c_in * k * k) {
            let ms = row.iter().map(|v| v * v).sum::<f32>() / row.len() as f32;
            let r = 1.0 / ms.sqrt();
            row.iter_mut().for_each(|v| *v *= r);
        }
    }
    let wbuf = b.upload(&format!("{prefix}.weight"), &weight)?;
    let bias = b.tensor(&format!("{prefix}.bias"), &[co])?;
    let bias = b.upload(&format!("{prefix}.bias"), &bias)?;
    let magnitude = b.scalar(&format!("{prefix}.magnitude_ema"))?;
    let input_gain = 1.0 / magnitude.sqrt();
    let spec = ModulationSpec {
        c_in,
        c_out: co,
        kernel: k,
        demodulate,
        style_norm: demodulate,
        input_gain: input_gain as f64,
    };
    let m = b.modulation(&prefix, &spec, &wbuf, &s)?;
    b.free(&s);

    let (slope, gain) = if l.is_torgb { (1.0, 1.0) } else { (0.2, std::f64::consts::SQRT_2) };
    let up_filter = b.tensor_opt(&format!("{prefix}.up_filter"))?;
    let down_filter = b.tensor_opt(&format!("{prefix}.down_filter"))?;
    let trivial =
        up_filter.is_none() && down_filter.is_none() && l.up_factor == 1 && l.down_factor == 1 && l.padding == [0; 4];
    let conv = |epilogue| ConvSpec {
        c_in,
        c_out: co,
        kernel: k,
        in_h: h,
        in_w: w,
        pad: k - 1,
        transposed: false,
        up: 1,
        epilogue,
    };
    let out = if trivial {
        // ToRGB: filtered_lrelu with no filters is bias_act(slope, gain, clamp) in place.
        let epilogue = Epilogue {
            activation: Activation::Lrelu,
            alpha: slope,
            gain,
            clamp: l.conv_clamp,
            bias: true,
            noise: false,
            residual: false,
        };
        b.conv(&prefix, &conv(epilogue), &x.0, &wbuf, &m, Some(&bias), None, None)?
    } else {
        let y = b.conv(
            &format!("{prefix} conv"),
            &conv(Epilogue { bias: true, ..Epilogue::identity() }),
            &x.0,
            &wbuf,
            &m,
            Some(&bias),
            None,
            None,
        )?;
        let (fu, fu_shape) = up_filter.unwrap_or((vec![1.0], vec![1]));
        let (fd, fd_shape) = down_filter.unwrap_or((vec![1.0], vec![1]));
        if fu_shape.len() != 1 {
            return Err(Error::Shape {
                name: format!("{prefix}.up_filter"),
                expected: vec![l.up_taps],
                found: fu_shape,
            });
        }
        let radial = match fd_shape.as_slice() {
            [_] => false,
            [a, b_] if a == b_ => true,
            _ => {
                return Err(Error::Shape {
                    name: format!("{prefix}.down_filter"),
                    expected: vec![l.down_taps],
                    found: fd_shape,
                });
            }
        };
        let up = l.up_factor;
        let fu: Vec<f32> = fu.iter().map(|v| v * up as f32).collect();
        let fu_buf = b.upload(&format!("{prefix}.up_filter"), &fu)?;
        let fd_buf = b.upload(&format!("{prefix}.down_filter"), &fd)?;
        let spec = FilteredLreluSpec {
            channels: co,
            in_h: y.1[1],
            in_w: y.1[2],
            up,
            down: l.down_factor,
            fu_taps: fu.len(),
            fd_taps: fd_shape[0],
            radial,
            padding: l.padding,
            slope,
            gain,
            clamp: l.conv_clamp,
        };
        let [oh, ow] = spec.out_size()?;
        let out = b.alloc(&prefix, co * oh * ow)?;
        let step = spec.step(b.ctx, &format!("{prefix} filtered lrelu"), &y.0, &fu_buf, &fd_buf, &out)?;
        b.push(step);
        b.free(&y.0);
        (out, [co, oh, ow])
    };
    b.free(&m);
    if [out.1[1], out.1[2]] != [l.out_size[1], l.out_size[0]] {
        return Err(Error::Format(format!("{prefix} produced {:?}, expected {:?}", out.1, l.out_size)));
    }
    Ok(out)
}
