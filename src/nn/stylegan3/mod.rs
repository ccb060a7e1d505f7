//! StyleGAN3 synthesis network (`training/networks_stylegan3.py: SynthesisNetwork`, reference §2.3).
//!
//! `x = input(ws[:, 0])`, then `x = L_i(x, ws[:, i+1])` for every layer, then
//! `x · output_scale`, in float32. Every size, rate, padding, filter and clamp comes from the
//! [`Sg3Config`] and the tensors; nothing is assumed about the resolution or the channel counts.
//!
//! | file | content |
//! |---|---|
//! | [`input`] | `SynthesisInput` (Fourier features, learned and user transforms) |
//! | [`layer`] | `SynthesisLayer` (modulated conv + filtered leaky ReLU) |
//! | [`modulated_conv`] | StyleGAN3's `modulated_conv2d` |
//! | [`transform`] | `make_transform`, the buffer value of a user transform |
//! | [`align`] | pseudo-alignment (`ws[0] = w_avg`) |
//! | [`builder`] | the layer schedule from hyper-parameters, initial weights |
//! | [`init_rng`] | seeded draws for initial weights |
//!
//! Computation is float32 throughout: NVIDIA's FP16 layers (`use_fp16`) only run in half precision
//! on CUDA, and the golden outputs are float32.

pub mod align;
pub mod builder;
pub mod init_rng;
pub mod input;
pub mod layer;
pub mod modulated_conv;
pub mod transform;

use candle_core::{DType, Device, IndexOp, Tensor};

use crate::nn::config::Sg3Config;
use crate::nn::generator::{Capture, SynthesisOptions, SynthesisOutput};
use crate::nn::style_offsets::StyleCursor;
use crate::nn::weights::Weights;
use crate::{Error, Result};

pub use align::pseudo_align;
pub use input::SynthesisInput;
pub use layer::SynthesisLayer;

/// The StyleGAN3 synthesis network with its tensors.
#[derive(Debug)]
pub struct Sg3Synthesis {
    pub config: Sg3Config,
    /// Boxed: it is the largest part, and [`crate::nn::generator::Synthesis`] holds either family inline.
    pub input: Box<SynthesisInput>,
    /// In forward order; the last one is ToRGB.
    pub layers: Vec<SynthesisLayer>,
    device: Device,
}

fn check_chain(c: &Sg3Config) -> Result<()> {
    let bad = |what: String| Err(Error::Format(format!("StyleGAN3 synthesis: {what}")));
    let Some(last) = c.layers.last() else {
        return bad("no layers".into());
    };
    if c.num_ws < c.layers.len() + 1 {
        return bad(format!("{} ws rows for the input and {} layers", c.num_ws, c.layers.len()));
    }
    let (mut ch, mut size, mut prev) = (c.input.channels, c.input.size, "input".to_string());
    for l in &c.layers {
        if l.in_channels != ch || l.in_size != size || l.w_dim != c.w_dim {
            return bad(format!(
                "{} takes {} channels of {:?} (w_dim {}) but {prev} gives {ch} of {size:?} (w_dim {})",
                l.name, l.in_channels, l.in_size, l.w_dim, c.w_dim
            ));
        }
        (ch, size, prev) = (l.out_channels, l.out_size, l.name.clone());
    }
    if ch != c.img_channels || size != [c.img_resolution; 2] {
        return bad(format!(
            "{} gives {ch} channels of {size:?}, the image has {} of {}²",
            last.name, c.img_channels, c.img_resolution
        ));
    }
    Ok(())
}

impl Sg3Synthesis {
    /// Builds the network from its architecture and tensors (`synthesis.…` state-dict names),
    /// checking every shape and that the recorded sizes follow from the paddings and filters.
    pub fn new(config: &Sg3Config, weights: &Weights, device: &Device) -> Result<Self> {
        check_chain(config)?;
        let mut input = SynthesisInput::new(&config.input, weights, "synthesis.input", device)?;
        move_fc(&mut input.affine, device)?;
        let layers = config
            .layers
            .iter()
            .map(|l| {
                let mut layer = SynthesisLayer::new(l, weights, &format!("synthesis.{}", l.name), device)?;
                move_fc(&mut layer.affine, device)?;
                Ok(layer)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { config: config.clone(), input: Box::new(input), layers, device: device.clone() })
    }

    /// The names [`Capture`] knows, in forward order: `input`, the layers, `output`.
    pub fn layer_names(&self) -> Vec<String> {
        let mut names = vec!["input".to_string()];
        names.extend(self.layers.iter().map(|l| l.config.name.clone()));
        names.push("output".into());
        names
    }

    /// The affine outputs (styles) of every module for `ws [N, num_ws, w_dim]`, named by module:
    /// `input` (`[N, 4]`: rotation and translation before normalisation), then each layer
    /// (`[N, C_in]`, before ToRGB's weight gain), as NVIDIA's `affine` modules output them.
    pub fn styles(&self, ws: &Tensor) -> Result<Vec<(String, Tensor)>> {
        let c = &self.config;
        let (n, rows, wd) = ws.dims3()?;
        if rows != c.num_ws || wd != c.w_dim || n == 0 {
            return Err(Error::Invalid(format!(
                "ws must have shape [N, {}, {}], got {:?}",
                c.num_ws,
                c.w_dim,
                ws.dims()
            )));
        }
        let ws = ws.to_dtype(DType::F32)?.to_device(&self.device)?;
        let row = |i: usize| -> Result<Tensor> { Ok(ws.i((.., i))?.contiguous()?) };
        let mut out = vec![("input".to_string(), self.input.affine.forward(&row(0)?)?)];
        for (i, layer) in self.layers.iter().enumerate() {
            out.push((layer.config.name.clone(), layer.affine.forward(&row(i + 1)?)?));
        }
        Ok(out)
    }

    /// ws `[N, num_ws, w_dim]` → image `[N, img_channels, R, R]` (float32).
    pub fn forward(&self, ws: &Tensor, opts: &SynthesisOptions) -> Result<SynthesisOutput> {
        let c = &self.config;
        let (n, rows, wd) = ws.dims3()?;
        if rows != c.num_ws || wd != c.w_dim || n == 0 {
            return Err(Error::Invalid(format!(
                "StyleGAN3 synthesis takes ws of shape [N, {}, {}], got {:?}",
                c.num_ws,
                c.w_dim,
                ws.dims()
            )));
        }
        let until = match &opts.capture {
            Capture::Until(name) if !self.layer_names().contains(name) => {
                return Err(Error::Invalid(format!(
                    "no layer `{name}` in this StyleGAN3 network (layers: {})",
                    self.layer_names().join(", ")
                )));
            }
            Capture::Until(name) => Some(name.as_str()),
            _ => None,
        };
        let record = !matches!(opts.capture, Capture::Nothing);
        let transform = opts.input_transform.as_ref().map(transform::transform_buffer).transpose()?;
        let ws = ws.to_dtype(DType::F32)?.to_device(&self.device)?;
        let row = |i: usize| -> Result<Tensor> { Ok(ws.i((.., i))?.contiguous()?) };

        let mut captured = Vec::new();
        let mut keep = |name: &str, x: &Tensor| -> bool {
            if record {
                captured.push((name.to_string(), x.clone()));
            }
            until == Some(name)
        };
        let mut cursor = StyleCursor::new(&opts.style_offsets);
        cursor.skip()?;
        let mut x = self.input.forward(&row(0)?, transform.as_ref())?;
        if keep("input", &x) {
            return Ok(SynthesisOutput { image: x, layers: captured });
        }
        for (i, layer) in self.layers.iter().enumerate() {
            x = if opts.style_offsets.is_empty() {
                layer.forward(&x, &row(i + 1)?)?
            } else {
                let styles = cursor.apply(layer.affine.forward(&row(i + 1)?)?)?;
                layer.forward_styles(&x, styles, &layer.input_gain)?
            };
            if keep(&layer.config.name, &x) {
                return Ok(SynthesisOutput { image: x, layers: captured });
            }
        }
        cursor.finish()?;
        if c.output_scale != 1.0 {
            x = x.affine(c.output_scale, 0.0)?;
        }
        keep("output", &x);
        Ok(SynthesisOutput { image: x, layers: captured })
    }
}

fn move_fc(fc: &mut crate::nn::ops::fully_connected::FullyConnectedLayer, device: &Device) -> Result<()> {
    fc.weight = fc.weight.to_device(device)?;
    if let Some(b) = fc.bias.take() {
        fc.bias = Some(b.to_device(device)?);
    }
    Ok(())
}
