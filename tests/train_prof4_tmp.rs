use std::time::Instant;
use candle_core::{Device, Tensor};
use stylescope::nn::config::GeneratorConfig;
use stylescope::nn::stylegan2::{Sg2Hyper, init::random_weights};
use stylescope::nn::discriminator::{DiscriminatorHyper, init::random_weights as dinit};
use stylescope::train::params::{ParamSet, is_generator_buffer};
use stylescope::train::forward::*;
#[test]
fn prof4() {
    let h = Sg2Hyper { z_dim: 16, w_dim: 16, img_resolution: 16, mapping_layers: 2, channel_base: 128, channel_max: 16, ..Default::default() };
    let c = h.config().unwrap();
    let cfg = GeneratorConfig::StyleGan2(c.clone());
    let g = ParamSet::new(random_weights(&c, 1, &Device::Cpu).unwrap().into_map(), |n| !is_generator_buffer(n)).unwrap();
    let dh = DiscriminatorHyper { img_resolution: 16, channel_base: 128, channel_max: 16, ..Default::default() };
    let dc = dh.config().unwrap();
    let d = ParamSet::new(dinit(&dc, 1, &Device::Cpu).unwrap().into_map(), |n| dc.is_trainable(n)).unwrap();
    let z = Tensor::randn(0f32, 1., (8, 16), &Device::Cpu).unwrap();
    let x = GenInputs { z, c: None, mixing: None, noise_seed: 1 };
    let t = Instant::now();
    for _ in 0..30 {
        let gg = build_generator(&cfg, &g.tracked(), &Device::Cpu).unwrap();
        let (img, _) = run_generator(&gg, &x, None).unwrap();
        let dd = build_discriminator(&dc, &d.detached()).unwrap();
        let l = run_discriminator(&dd, &img, None, 0.0).unwrap();
        let loss = softplus(&l.neg().unwrap()).unwrap().mean_all().unwrap();
        let _gr = loss.backward().unwrap();
    }
    eprintln!("{:?} per Gmain", t.elapsed() / 30);
}
