//! The discriminator of NVIDIA's fixture pickles (`D`, left as constructed): its architecture
//! read from the pickle equals the one the builder computes from the constructor arguments, and
//! its logits on `d_input.npy` match `d_logits.npy` (float32, minibatch-std group size 2).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use candle_core::{Device, Tensor};
use stylescope::checkpoint::{Checkpoint, NetworkKind};
use stylescope::nn::config::{DiscriminatorConfig, Sg2Architecture};
use stylescope::nn::discriminator::{Discriminator, DiscriminatorHyper};

fn d_config(ckpt: &Checkpoint) -> DiscriminatorConfig {
    match &ckpt.network("D").expect("D").kind {
        NetworkKind::Discriminator(c) => c.clone(),
        other => panic!("D is {other:?}"),
    }
}

fn logits_error(net: &str, ckpt: &Checkpoint) -> f32 {
    let dir = common::fixtures_dir().join(net);
    let config = d_config(ckpt);
    let weights = ckpt.weights("D", &Device::Cpu).unwrap();
    let d = Discriminator::new(&config, &weights).unwrap();
    assert!(weights.unused().is_empty(), "{net}: unused D tensors {:?}", weights.unused());
    let (x, shape) = common::read_npy_f32(&dir.join("d_input.npy"));
    let (want, want_shape) = common::read_npy_f32(&dir.join("d_logits.npy"));
    let x = Tensor::from_vec(x, shape.as_slice(), &Device::Cpu).unwrap();
    let got = d.forward(&x, None).unwrap();
    assert_eq!(got.dims(), want_shape.as_slice());
    let got: Vec<f32> = got.flatten_all().unwrap().to_vec1().unwrap();
    let err = common::max_abs_diff(&got, &want);
    eprintln!("{net}: D logits {got:?}, expected {want:?}, max abs error {err:e}");
    err
}

#[test]
fn fixture_logits_match_within_1e4() {
    for net in ["sg2_64", "sg3t_64", "sg3r_64"] {
        let dir = require_fixture!(net);
        let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
        let err = logits_error(net, &ckpt);
        assert!(err < 1e-4, "{net}: D logits differ by {err}");
    }
}

#[test]
fn logits_survive_safetensors_round_trip() {
    let dir = require_fixture!("sg2_64");
    let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
    let tmp = std::env::temp_dir().join(format!("stylescope-d-roundtrip-{}.safetensors", std::process::id()));
    ckpt.save_safetensors(&tmp, &["D", "G_ema"]).unwrap();
    let back = Checkpoint::open(&tmp).unwrap();
    std::fs::remove_file(&tmp).ok();
    assert_eq!(d_config(&back), d_config(&ckpt));
    assert!(logits_error("sg2_64", &back) < 1e-4);
}

#[test]
fn builder_reproduces_the_pickled_architecture() {
    for (net, base, max, fp32) in
        [("sg2_64", 1024, 48, false), ("sg3t_64", 1024, 32, false), ("sg3r_64", 1024, 32, true)]
    {
        let dir = require_fixture!(net);
        let ckpt = Checkpoint::open(&dir.join("network.pkl")).unwrap();
        let h = DiscriminatorHyper {
            img_resolution: 64,
            channel_base: base,
            channel_max: max,
            num_fp16_res: if fp32 { 0 } else { 4 },
            conv_clamp: if fp32 { None } else { Some(256.0) },
            ..Default::default()
        };
        let built = h.config().unwrap();
        let read = d_config(&ckpt);
        assert_eq!(read.architecture, Sg2Architecture::Resnet);
        assert_eq!(read.epilogue.mbstd_group_size, Some(4));
        assert_eq!(built, read, "{net}: builder and pickle disagree");
    }
}
