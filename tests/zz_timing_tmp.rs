mod common;
use std::collections::BTreeMap;
use candle_core::{Device, Tensor};
use stylescope::nn::stylegan2::Sg2Hyper;
use stylescope::nn::{GeneratorConfig, Generator, Weights, SynthesisOptions};
use stylescope::latent::z_tensor;
#[test]
fn timing() {
    let dir = std::path::PathBuf::from("/work/shared/fixtures/sg2_64");
    let hyper = Sg2Hyper { z_dim: 64, w_dim: 64, img_resolution: 64, mapping_layers: 2, channel_base: 1024, channel_max: 48, ..Default::default() };
    let all = candle_core::safetensors::load(dir.join("state_dict.safetensors"), &Device::Cpu).unwrap();
    let map: BTreeMap<String, Tensor> = all.into_iter().filter_map(|(k, v)| k.strip_prefix("G_ema.").map(|s| (s.to_string(), v))).collect();
    let g = Generator::new(GeneratorConfig::StyleGan2(hyper.config().unwrap()), &Weights::new(map), &Device::Cpu).unwrap();
    let z = z_tensor(&[85], 64, &Device::Cpu).unwrap();
    let ws = g.mapping(&z, None, 1.0, None).unwrap();
    for _ in 0..3 { g.synthesis(&ws, &SynthesisOptions::default()).unwrap(); }
    let t = std::time::Instant::now();
    for _ in 0..10 { g.synthesis(&ws, &SynthesisOptions::default()).unwrap(); }
    eprintln!("64² forward N=1: {:?}", t.elapsed() / 10);
    let z = z_tensor(&[0,1,2,3,4,5,6,7], 64, &Device::Cpu).unwrap();
    let ws = g.mapping(&z, None, 1.0, None).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..3 { g.synthesis(&ws, &SynthesisOptions::default()).unwrap(); }
    eprintln!("64² forward N=8: {:?} per batch", t.elapsed() / 3);
}
