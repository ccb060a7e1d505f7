//! StyleGAN2 synthesis network (`training/networks_stylegan2.py: SynthesisNetwork`): blocks
//! `b4, b8, …, b{R}`, each reading its rows of `ws` (a block's `torgb` shares its row with the
//! next block's `conv0`). Everything is computed in float32 (what NVIDIA's code does on CPU:
//! `use_fp16` flags are ignored there too).
//!
//! | file | type |
//! |---|---|
//! | [`block`] | `SynthesisBlock` |
//! | [`synthesis_layer`] | `SynthesisLayer` (`conv0`, `conv1`) |
//! | [`to_rgb`] | `ToRGBLayer` |
//! | [`noise`] | the per-call noise source (`const`, `none`, `random`) |
//! | [`recorder`] | intermediate outputs under the visualizer's names |
//! | [`builder`] | an [`Sg2Config`] from NVIDIA's constructor arguments |
//! | [`init`] | NVIDIA's random initialisation of matching [`Weights`] |
//!
//! Intermediate outputs are named as NVIDIA's visualizer names them: `b4.conv1`, `b4.torgb`,
//! `b4:0` (features), `b4:1` (image so far), `b8.conv0`, …, `output`; a resnet block adds
//! `b8.skip` first; a block without an image yet (`orig`/`resnet` before the last block) gives
//! a single `b8`.

pub mod block;
pub mod builder;
pub mod init;
pub mod noise;
pub mod recorder;
pub mod synthesis_layer;
pub mod to_rgb;

use candle_core::{Device, Tensor};

use crate::nn::config::Sg2Config;
use crate::nn::generator::{Capture, SynthesisOptions, SynthesisOutput};
use crate::nn::style_offsets::StyleCursor;
use crate::nn::weights::Weights;
use crate::{Error, Result};

pub use block::SynthesisBlock;
pub use builder::Sg2Hyper;
pub use noise::NoiseSource;
pub use recorder::Recorder;

/// How modulated convolutions run: NVIDIA's fused grouped convolution, or the shared-weight
/// path (one convolution for the whole batch). They agree to float rounding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModConvPath {
    /// Fused for a batch of one (NVIDIA's inference path, same cost), shared-weight for larger
    /// batches (candle's grouped convolution is a loop over the batch).
    #[default]
    Auto,
    Fused,
    NonFused,
}

#[derive(Debug)]
pub struct Sg2Synthesis {
    config: Sg2Config,
    pub blocks: Vec<SynthesisBlock>,
    pub modconv_path: ModConvPath,
}

impl Sg2Synthesis {
    /// Builds the blocks from `synthesis.*` tensors, checking that the configuration is a chain.
    pub fn new(config: &Sg2Config, weights: &Weights, _device: &Device) -> Result<Self> {
        if config.blocks.is_empty() {
            return Err(Error::Format("StyleGAN2 synthesis network without blocks".into()));
        }
        let mut blocks = Vec::with_capacity(config.blocks.len());
        let mut prev: Option<&crate::nn::config::Sg2BlockConfig> = None;
        for b in &config.blocks {
            match prev {
                None if b.in_channels != 0 => {
                    return Err(Error::Format(format!("first block b{} must start from const", b.resolution)));
                }
                Some(p) if b.in_channels != p.out_channels || b.resolution != 2 * p.resolution => {
                    return Err(Error::Format(format!(
                        "block b{} ({} channels in) does not follow b{} ({} channels out)",
                        b.resolution, b.in_channels, p.resolution, p.out_channels
                    )));
                }
                _ => {}
            }
            let block = SynthesisBlock::new(b, weights)?;
            if b.w_index + block.num_ws_read() > config.num_ws {
                return Err(Error::Format(format!(
                    "block b{} reads ws rows {}..{} but num_ws is {}",
                    b.resolution,
                    b.w_index,
                    b.w_index + block.num_ws_read(),
                    config.num_ws
                )));
            }
            blocks.push(block);
            prev = Some(b);
        }
        let last = &config.blocks[config.blocks.len() - 1];
        if last.resolution != config.img_resolution || !last.is_last {
            return Err(Error::Format(format!(
                "last block b{} does not produce the {}² image",
                last.resolution, config.img_resolution
            )));
        }
        Ok(Self { config: config.clone(), blocks, modconv_path: ModConvPath::Auto })
    }

    pub fn config(&self) -> &Sg2Config {
        &self.config
    }

    /// Every intermediate output name in forward order, ending with `output`.
    pub fn layer_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let mut has_img = false;
        for b in &self.blocks {
            names.extend(b.layer_names(has_img));
            has_img |= b.torgb.is_some();
        }
        names.push("output".into());
        names
    }

    /// The styles (affine outputs, `[N, channels]`) of every modulated layer for `ws`, named by
    /// layer (`b4.conv1`, `b4.torgb`, `b8.conv0`, …) in forward order. ToRGB styles are before
    /// the layer's `weight_gain`, as the `affine` module outputs them.
    pub fn styles(&self, ws: &Tensor) -> Result<Vec<(String, Tensor)>> {
        let c = &self.config;
        let n = ws.dims().first().copied().unwrap_or(0);
        if ws.dims() != [n, c.num_ws, c.w_dim] {
            return Err(Error::Invalid(format!(
                "ws must have shape [N, {}, {}], got {:?}",
                c.num_ws,
                c.w_dim,
                ws.dims()
            )));
        }
        let row = |i: usize| -> Result<Tensor> { Ok(ws.narrow(1, i, 1)?.squeeze(1)?) };
        let mut out = Vec::new();
        for b in &self.blocks {
            let mut i = b.config.w_index;
            if let Some(conv0) = &b.conv0 {
                out.push((format!("{}.conv0", b.name), conv0.styles(&row(i)?)?));
                i += 1;
            }
            out.push((format!("{}.conv1", b.name), b.conv1.styles(&row(i)?)?));
            i += 1;
            if let Some(torgb) = &b.torgb {
                out.push((format!("{}.torgb", b.name), torgb.styles(&row(i)?)?));
            }
        }
        Ok(out)
    }

    /// ws `[N, num_ws, w_dim]` → image `[N, img_channels, R, R]` (float32).
    pub fn forward(&self, ws: &Tensor, opts: &SynthesisOptions) -> Result<SynthesisOutput> {
        let c = &self.config;
        let n = ws.dims().first().copied().unwrap_or(0);
        if ws.dims() != [n, c.num_ws, c.w_dim] || n == 0 {
            return Err(Error::Invalid(format!(
                "ws must have shape [N, {}, {}] with N ≥ 1, got {:?}",
                c.num_ws,
                c.w_dim,
                ws.dims()
            )));
        }
        if let Capture::Until(name) = &opts.capture {
            let names = self.layer_names();
            if !names.iter().any(|l| l == name) {
                return Err(Error::Invalid(format!("no layer named `{name}`; the layers are {}", names.join(", "))));
            }
        }
        // Float32 (float64 only for float64 weights, in gradient tests).
        let dtype = match self.blocks[0].conv1.weight.dtype() {
            candle_core::DType::F64 => candle_core::DType::F64,
            _ => candle_core::DType::F32,
        };
        let ws = ws.to_dtype(dtype)?;
        let fused = match self.modconv_path {
            ModConvPath::Auto => n == 1,
            ModConvPath::Fused => true,
            ModConvPath::NonFused => false,
        };
        let mut noise = NoiseSource::new(opts.noise_mode, opts.noise_seed);
        let mut rec = Recorder::new(&opts.capture);
        let mut cursor = StyleCursor::new(&opts.style_offsets);
        let mut state = None;
        for block in &self.blocks {
            match block.forward(state, &ws, &mut noise, fused, &mut rec, &mut cursor)? {
                Some(s) => state = Some(s),
                None => return rec.finish_stopped(),
            }
        }
        cursor.finish()?;
        let img = state
            .and_then(|(_, img)| img)
            .ok_or_else(|| Error::Format("the synthesis network produced no image".into()))?;
        if rec.record("output", &img) {
            return rec.finish_stopped();
        }
        Ok(rec.finish(img))
    }
}
