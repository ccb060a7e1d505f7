//! A texture-sticking view on one network as a job (issue #8): open the network, compute the view
//! with progress and cancellation (`crate::analysis::sticking`), and return labelled pictures.
//! The window submits it to the [`crate::jobs::JobRunner`]; the command line runs it with a
//! terminal monitor.

use std::path::PathBuf;

use candle_core::Device;

use crate::analysis::sticking::avg_spectra::{AvgSpectraOptions, average_spectrum};
use crate::analysis::sticking::error_map::equivariance_error_map;
use crate::analysis::sticking::float_image::{FloatImage, heatmap};
use crate::analysis::sticking::hf_energy;
use crate::analysis::sticking::layer_view::{LayerViewOptions, layer_image, layer_stats, selection};
use crate::analysis::sticking::neighbourhood::{NeighbourhoodOptions, neighbourhood_average};
use crate::analysis::sticking::residual::untransform_residual;
use crate::analysis::sticking::spectrum::{FftOptions, fft_view};
use crate::analysis::sticking::time_space::{Animation, SliceLine, estimate_drift, render_frames, time_space_slice};
use crate::analysis::sticking::viridis;
use crate::jobs::generator_engine::GeneratorEngine;
use crate::jobs::request::RenderRequest;
use crate::jobs::sticking_outcome::{LayerInfo, Panel, StickingOutcome};
use crate::latent::seed_plane::SeedWeight;
use crate::nn::generator::{Capture, Mat3, SynthesisOptions};
use crate::progress::{Monitor, SubRange};
use crate::raster::Raster;
use crate::{Error, Result};

/// Which view, with its settings.
#[derive(Clone, Debug, PartialEq)]
pub enum StickingView {
    /// Neighbourhood average around the latent.
    Average(NeighbourhoodOptions),
    /// Time–space slice of an animation: `frames` frames, translating the input by
    /// `translate_px` pixels and rotating it by `rotate_deg` degrees per frame (StyleGAN3), and/or
    /// interpolating in W to the seed `to_seed`; the line taken (default: the middle column).
    Slice { frames: usize, translate_px: [f64; 2], rotate_deg: f64, to_seed: Option<u32>, line: Option<SliceLine> },
    /// Untransform residual for the forward content transform.
    Residual(Mat3),
    /// Equivariance error map for the forward content transform.
    ErrorMap(Mat3),
    /// Layer inspector: the named intermediate output (`None`: the image), channel selection,
    /// and the FFT view when given.
    Layer { name: Option<String>, view: LayerViewOptions, fft: Option<FftOptions> },
    /// Average power spectrum of generated images.
    Spectrum(AvgSpectraOptions),
}

impl StickingView {
    /// A short name for titles and file names.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Average(_) => "neighbourhood average",
            Self::Slice { .. } => "time-space slice",
            Self::Residual(_) => "untransform residual",
            Self::ErrorMap(_) => "equivariance error map",
            Self::Layer { .. } => "layer",
            Self::Spectrum(_) => "average spectrum",
        }
    }
}

/// One view on one network, for the latent a render request describes (seeds, blend, ψ, style
/// mix, noise). The request's input transform is ignored: views that transform say how.
#[derive(Clone, Debug, PartialEq)]
pub struct StickingJob {
    pub network: PathBuf,
    pub latent: RenderRequest,
    pub view: StickingView,
}

/// The latent of one seed with truncation `psi`.
pub fn seed_request(seed: u32, psi: f64) -> RenderRequest {
    RenderRequest { seeds: vec![SeedWeight { seed, weight: 1.0 }], psi, ..Default::default() }
}

/// The file name with its folder (`sg3t_64/network.pkl`): network files are often all called the same.
pub fn short_name(path: &std::path::Path) -> String {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    match path.parent().and_then(|p| p.file_name()) {
        Some(dir) => format!("{}/{file}", dir.to_string_lossy()),
        None => file,
    }
}

/// A map of `values` as viridis over `[0, max]` with a caption naming the maximum.
fn heat_panel(label: &str, values: &[f32], w: usize, h: usize) -> Result<Panel> {
    let max = values.iter().copied().fold(0f32, f32::max);
    Ok(Panel { label: format!("{label} (0 … {max:.3})"), image: heatmap(values, w, h, max)? })
}

fn image_panel(label: &str, img: &FloatImage) -> Result<Panel> {
    Ok(Panel { label: label.to_string(), image: img.to_raster()? })
}

/// `r` with the pixel line `line` tinted red (where a slice is taken).
fn mark_line(r: &Raster, line: SliceLine) -> Result<Raster> {
    let rgba = r.to_rgba();
    let mut px = Vec::with_capacity(r.width * r.height * 3);
    for y in 0..r.height {
        for x in 0..r.width {
            let i = (y * r.width + x) * 4;
            let on = match line {
                SliceLine::Row(ry) => y == ry,
                SliceLine::Column(cx) => x == cx,
            };
            if on {
                px.extend_from_slice(&[255, (rgba[i + 1] / 3), (rgba[i + 2] / 3)]);
            } else {
                px.extend_from_slice(&rgba[i..i + 3]);
            }
        }
    }
    Raster::new(r.width, r.height, 3, px)
}

impl StickingJob {
    pub fn title(&self) -> String {
        format!("{} of {}", self.view.name(), short_name(&self.network))
    }

    /// Opens the network and computes the view.
    pub fn run(&self, monitor: &dyn Monitor) -> Result<StickingOutcome> {
        let engine = GeneratorEngine::open(&self.network, &Device::Cpu).map_err(|e| e.in_file(&self.network))?;
        monitor.check()?;
        self.run_on(&engine, monitor)
    }

    /// Computes the view on an opened network.
    pub fn run_on(&self, engine: &GeneratorEngine, monitor: &dyn Monitor) -> Result<StickingOutcome> {
        let g = engine.generator();
        let c = g.config();
        let mut out = StickingOutcome {
            network: format!("{} ({})", short_name(&self.network), c.family_name()),
            ..Default::default()
        };
        let ws = engine.ws(&self.latent)?;
        let synth = SynthesisOptions {
            noise_mode: self.latent.noise_mode,
            noise_seed: self.latent.noise_seed,
            ..Default::default()
        };
        match &self.view {
            StickingView::Average(opts) => {
                let n = neighbourhood_average(g, &ws, opts, &synth, monitor)?;
                out.panels.push(image_panel("centre", &n.center)?);
                out.panels
                    .push(image_panel(&format!("average of {} (radius {})", opts.count, opts.radius), &n.average)?);
                let diff = n.average.abs_difference(&n.center, None)?;
                out.panels.push(heat_panel("|average − centre|", &diff, n.center.width, n.center.height)?);
                let sharp = |img: &FloatImage| -> f64 {
                    // Mean |horizontal gradient|: high when details stay sharp.
                    let mut acc = 0f64;
                    for ch in 0..img.channels {
                        for y in 0..img.height {
                            for x in 1..img.width {
                                acc += (img.at(ch, y, x) - img.at(ch, y, x - 1)).abs() as f64;
                            }
                        }
                    }
                    acc / (img.channels * img.height * (img.width - 1)) as f64
                };
                let (sharp_c, sharp_a) = (sharp(&n.center), sharp(&n.average));
                out.notes.push(format!(
                    "sharpness (mean |horizontal gradient|): centre {sharp_c:.4}, average {sharp_a:.4} ({:.0}%)",
                    100.0 * sharp_a / sharp_c.max(1e-12)
                ));
                let (cutoff, beta) = (hf_energy::DEFAULT_CUTOFF, hf_energy::DEFAULT_BETA);
                let hf_c = hf_energy::high_frequency_energy(&n.center, cutoff, beta);
                let hf_a = hf_energy::high_frequency_energy(&n.average, cutoff, beta);
                out.notes.push(format!(
                    "high-frequency energy (above {cutoff} of Nyquist, Kaiser β {beta} window): centre {hf_c:.3e}, average {hf_a:.3e} ({:.1}% retained)",
                    100.0 * hf_energy::retained_share(hf_c, hf_a)
                ));
            }
            StickingView::Slice { frames, translate_px, rotate_deg, to_seed, line } => {
                let res = c.img_resolution();
                let mut anim = Animation::translation(*frames, *translate_px, res);
                anim.rotate = *rotate_deg;
                if let Some(seed) = to_seed {
                    let mut end = self.latent.clone();
                    end.seeds = vec![SeedWeight { seed: *seed, weight: 1.0 }];
                    anim.ws_end = Some(engine.ws(&end)?);
                }
                let imgs = render_frames(g, &ws, &anim, &synth, monitor)?;
                let line = &line.unwrap_or(SliceLine::Column(res / 2));
                let slice = time_space_slice(&imgs, *line)?;
                out.panels.push(Panel {
                    label: "first frame (line in red)".into(),
                    image: mark_line(&imgs[0].to_raster()?, *line)?,
                });
                out.panels.push(image_panel(&format!("time–space slice, {frames} frames"), &slice)?);
                if *frames >= 2 {
                    let drift = estimate_drift(&slice, *line, res / 2)?;
                    out.notes.push(format!("drift along the line {drift:.4} px/frame"));
                }
                out.frames = imgs.iter().map(|i| mark_line(&i.to_raster()?, *line)).collect::<Result<_>>()?;
            }
            StickingView::Residual(m) => {
                let r = untransform_residual(g, &ws, m, &synth, monitor)?;
                out.panels.push(image_panel("transformed", &r.transformed)?);
                out.panels.push(image_panel("untransformed", &r.untransformed)?);
                out.panels.push(heat_panel("|untransformed − plain|", &r.heat, r.reference.width, r.reference.height)?);
                out.notes.push(format!("mean residual {:.5} (image range 2)", r.mean));
            }
            StickingView::ErrorMap(m) => {
                let e = equivariance_error_map(g, &ws, m, &synth, monitor)?;
                out.panels.push(image_panel("G(t[z])", &e.transformed)?);
                out.panels.push(image_panel("t[G(z)]", &e.reference)?);
                out.panels.push(heat_panel("|G(t[z]) − t[G(z)]|", &e.heat, e.reference.width, e.reference.height)?);
                out.notes.push(format!("PSNR {:.2} dB ({:?} reference)", e.psnr, e.kind));
            }
            StickingView::Layer { name, view, fft } => {
                let opts = SynthesisOptions { capture: Capture::All, ..synth };
                let result = g.synthesis(&ws, &opts)?;
                monitor.set_fraction(0.7)?;
                let mut layers: Vec<(String, candle_core::Tensor)> = result.layers;
                if !layers.iter().any(|(n, _)| n == "output") {
                    layers.push(("output".into(), result.image));
                }
                out.layers = layers
                    .iter()
                    .map(|(n, t)| {
                        let (_, ch, h, w) = t.dims4()?;
                        Ok(LayerInfo { name: n.clone(), channels: ch, height: h, width: w })
                    })
                    .collect::<Result<_>>()?;
                let wanted = name.as_deref().unwrap_or("output");
                let (_, t) = layers.iter().find(|(n, _)| n == wanted).ok_or_else(|| {
                    let names: Vec<&str> = layers.iter().map(|(n, _)| n.as_str()).collect();
                    Error::Invalid(format!("no layer `{wanted}`; this network has {}", names.join(", ")))
                })?;
                let img = FloatImage::from_tensor(t, 0)?;
                let (base, sel) = selection(&img, view);
                let label = format!(
                    "{wanted} {}x{} channel {base}{}",
                    img.width,
                    img.height,
                    if sel.channels == 3 { "+2" } else { "" }
                );
                out.panels.push(Panel { label, image: layer_image(&img, view)? });
                let s = layer_stats(&img, view);
                out.notes.push(format!(
                    "{wanted}: {}x{}x{}; mean {:.4} / {:.4}, std {:.4} / {:.4}, max {:.4} / {:.4} (all / selected)",
                    img.channels,
                    img.height,
                    img.width,
                    s.mean_all,
                    s.mean_sel,
                    s.std_all,
                    s.std_sel,
                    s.max_all,
                    s.max_sel
                ));
                if let Some(f) = fft {
                    let spec = fft_view(&img, view, f)?;
                    out.panels.push(Panel {
                        label: format!("FFT ±{} dB, β {}", f.range_db, f.beta),
                        image: spec.to_raster(f.range_db)?,
                    });
                    out.fft = Some((spec, f.range_db, out.panels.len() - 1));
                }
            }
            StickingView::Spectrum(opts) => {
                let sub = SubRange::new(monitor, 0.0, 0.95);
                let spec = average_spectrum(g, opts, &sub)?;
                let db = spec.heatmap_db(1.25);
                let hi = db.iter().copied().fold(f64::MIN, f64::max);
                let lo = hi - 80.0;
                let px: Vec<u8> = db.iter().flat_map(|&d| viridis::colour(((d - lo) / (hi - lo)) as f32)).collect();
                out.panels.push(Panel {
                    label: format!("average spectrum of {} images ({lo:.0} … {hi:.0} dB)", opts.num),
                    image: Raster::new(spec.size, spec.size, 3, px)?,
                });
                out.notes.push(format!("8-bit mean {:.2}, std {:.2}", spec.mean, spec.std));
                out.spectrum = Some(spec);
            }
        }
        monitor.set_fraction(1.0)?;
        Ok(out)
    }
}
