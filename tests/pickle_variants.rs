#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hand-made network pickles (tests/data/pickles, written by tests/data/make_test_pickles.py):
//! protocols 2–5, PyTorch-1.9 OrderedDict state, NumPy 2.x `numpy._core` names, zip storage
//! payloads, strided storages, stylegan2-ada-pytorch layouts and non-float dtypes all read to
//! the same networks; TensorFlow-era and foreign generators are named in clear errors.

use std::path::PathBuf;

use stylescope::Error;
use stylescope::checkpoint::{Checkpoint, CheckpointFormat, DType, HostTensor, Network, NetworkKind};
use stylescope::nn::config::{GeneratorConfig, Sg2Architecture};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pickles").join(name)
}

fn open(name: &str) -> Checkpoint {
    Checkpoint::open(&data(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn open_err(name: &str) -> Error {
    Checkpoint::open(&data(name)).expect_err(name)
}

fn values<T>(t: &HostTensor, size: usize, f: impl Fn(&[u8]) -> T) -> Vec<T> {
    assert_eq!(t.data.len(), t.numel() * size);
    t.data.chunks_exact(size).map(f).collect()
}

/// The k-th float32 tensor in state-dict order holds `k + i/1024` (the generator script's rule),
/// whatever its storage layout (fc0 weights are stored transposed at an offset).
fn check_values(n: &Network) {
    let floats: Vec<&(String, HostTensor)> = n.tensors.iter().filter(|(_, t)| t.dtype == DType::F32).collect();
    assert!(!floats.is_empty());
    for (k, (name, t)) in floats.iter().enumerate() {
        let got = t.to_f32_vec().unwrap();
        let want: Vec<f32> = (0..t.numel()).map(|i| k as f32 + i as f32 / 1024.0).collect();
        assert_eq!(got, want, "{}: {name}", n.key);
    }
}

/// Compares networks field by field with short messages (their Debug output is huge).
fn assert_same(a: &[Network], b: &[Network], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: number of networks");
    for (x, y) in a.iter().zip(b) {
        assert_eq!((&x.key, &x.class_name), (&y.key, &y.class_name), "{what}");
        assert!(x.kind == y.kind, "{what}: {} architecture differs", x.key);
        assert!(x.modules == y.modules, "{what}: {} module table differs", x.key);
        assert_eq!(x.init_kwargs, y.init_kwargs, "{what}: {}", x.key);
        let names = |n: &Network| n.tensors.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
        assert_eq!(names(x), names(y), "{what}: {} tensor names", x.key);
        for ((name, t), (_, u)) in x.tensors.iter().zip(&y.tensors) {
            assert!(t == u, "{what}: {}.{name} differs", x.key);
        }
    }
}

fn tensor<'n>(n: &'n Network, name: &str) -> &'n HostTensor {
    &n.tensors.iter().find(|(t, _)| t == name).unwrap_or_else(|| panic!("no {name}")).1
}

fn sg2(n: &Network) -> &stylescope::nn::config::Sg2Config {
    match &n.kind {
        NetworkKind::Generator(GeneratorConfig::StyleGan2(c)) => c,
        other => panic!("not StyleGAN2: {other:?}"),
    }
}

#[test]
fn baseline_sg2_protocol_4() {
    let ckpt = open("sg2_p4.pkl");
    assert_eq!(ckpt.format, CheckpointFormat::NvidiaPickle { protocol: 4 });
    let keys: Vec<&str> = ckpt.networks.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["G", "D", "G_ema", "augment_pipe"], "the extra `progress` key is ignored");
    assert_eq!(ckpt.training_set_kwargs.as_ref().unwrap()["path"], "datasets/tiny.zip");

    let g = ckpt.network("G_ema").unwrap();
    check_values(g);
    check_values(ckpt.network("D").unwrap());
    let g_train = ckpt.network("G").unwrap();
    assert!(g_train.tensors == g.tensors && g_train.kind == g.kind, "G is built like G_ema");
    let c = sg2(g);
    assert_eq!((c.z_dim, c.w_dim, c.c_dim, c.img_resolution, c.img_channels, c.num_ws), (4, 4, 0, 8, 3, 4));
    let [b4, b8] = &c.blocks[..] else { panic!("two blocks") };
    assert_eq!(
        (b4.resolution, b4.in_channels, b4.out_channels, b4.w_index, b4.is_last, b4.use_fp16),
        (4, 0, 4, 0, false, false)
    );
    assert_eq!(
        (b8.resolution, b8.in_channels, b8.out_channels, b8.w_index, b8.is_last, b8.use_fp16),
        (8, 4, 4, 1, true, true)
    );
    assert!(b4.conv0.is_none() && b4.skip.is_none());
    assert_eq!(b8.architecture, Sg2Architecture::Skip);
    let conv0 = b8.conv0.as_ref().unwrap();
    assert_eq!(
        (conv0.up, conv0.resolution, conv0.kernel_size, conv0.padding, conv0.conv_clamp),
        (2, 8, 3, 1, Some(256.0))
    );
    assert_eq!(conv0.act_gain, 2f64.sqrt());
    assert_eq!(b8.torgb.as_ref().unwrap().weight_gain, 0.5);
    assert_eq!(c.mapping.w_avg_beta, 0.998);
    assert_eq!(c.mapping.layers.len(), 2);
    assert!(
        c.mapping
            .layers
            .iter()
            .all(|l| l.weight_gain == 0.005 && l.bias_gain == 0.01 && l.activation.name() == "lrelu")
    );
    assert_eq!(tensor(g, "mapping.fc0.weight").shape, [4, 4]);
    assert_eq!(g.modules[0].class_name, "Generator");
    assert_eq!(g.modules[1].path, "synthesis");
    assert_eq!(g.init_kwargs["mapping_kwargs"]["num_layers"], 2, "EasyDict kwargs");

    let NetworkKind::Discriminator(d) = &ckpt.network("D").unwrap().kind else { panic!("D") };
    assert_eq!((d.c_dim, d.img_resolution, d.img_channels), (0, 8, 3));
    assert_eq!(d.blocks.len(), 1);
    let b8 = &d.blocks[0];
    assert_eq!((b8.resolution, b8.tmp_channels, b8.out_channels), (8, 4, 4));
    assert_eq!(b8.fromrgb.as_ref().unwrap().weight_gain, 3f64.powf(-0.5));
    assert!(!b8.skip.as_ref().unwrap().has_bias);
    assert_eq!(d.freeze_layers, 1, "fromrgb holds its weights as buffers");
    assert_eq!((d.epilogue.mbstd_group_size, d.epilogue.conv.in_channels, d.epilogue.fc.in_features), (Some(4), 5, 64));

    // Non-float storages: f64, f16, bool, i64.
    let a = ckpt.network("augment_pipe").unwrap();
    assert_eq!(a.kind, NetworkKind::Other("AugmentPipe".into()));
    assert_eq!(tensor(a, "p").to_f32_vec().unwrap(), [0.25]);
    assert!(tensor(a, "p").shape.is_empty());
    let geom = tensor(a, "Hz_geom");
    assert_eq!(geom.dtype, DType::F64);
    assert_eq!(values(geom, 8, |b| f64::from_le_bytes(b.try_into().unwrap())), [0.0, 0.5, 1.0, 1.5]);
    let fbank = tensor(a, "Hz_fbank");
    assert_eq!((fbank.dtype, fbank.shape.clone()), (DType::F16, vec![2, 3]));
    assert_eq!(fbank.to_f32_vec().unwrap(), [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]);
    assert_eq!((tensor(a, "flags").dtype, tensor(a, "flags").data.clone()), (DType::Bool, vec![1, 0, 1]));
    assert_eq!(values(tensor(a, "counts"), 8, |b| i64::from_le_bytes(b.try_into().unwrap())), [1, 2, 3]);

    // Candle sees f32 for every float type, u8 for bool.
    let w = ckpt.weights("augment_pipe", &candle_core::Device::Cpu).unwrap();
    assert_eq!(w.get_any("Hz_fbank").unwrap().dtype(), candle_core::DType::F32);
    assert_eq!(w.get_any("flags").unwrap().dtype(), candle_core::DType::U8);
    assert_eq!(w.get_any("counts").unwrap().dtype(), candle_core::DType::I64);
}

#[test]
fn every_sg2_encoding_reads_the_same_networks() {
    let base = open("sg2_p4.pkl");
    for (file, protocol) in [
        ("sg2_p2.pkl", 2),
        ("sg2_p3.pkl", 3),
        ("sg2_p5.pkl", 5),
        ("sg2_p4_ordereddict.pkl", 4),
        ("sg2_p4_numpy2.pkl", 4),
        ("sg2_p4_zip.pkl", 4),
    ] {
        let ckpt = open(file);
        assert_eq!(ckpt.format, CheckpointFormat::NvidiaPickle { protocol }, "{file}");
        assert_same(&ckpt.networks, &base.networks, file);
        assert_eq!(ckpt.training_set_kwargs, base.training_set_kwargs, "{file}");
    }
}

#[test]
fn stylegan2_ada_layout() {
    let base = open("sg2_p4.pkl");
    let ada = open("sg2_ada_p3.pkl");
    let keys: Vec<&str> = ada.networks.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["G", "D", "G_ema"], "training_set_kwargs first, no augment_pipe");
    let g = ada.network("G_ema").unwrap();
    check_values(g);
    // Channel counts come from weight shapes (ADA layers lack in/out_channels); the rest differs
    // exactly where the pickle says so.
    let mut expected = sg2(base.network("G_ema").unwrap()).clone();
    expected.mapping.w_avg_beta = 0.995;
    for b in &mut expected.blocks {
        for l in b.conv0.iter_mut().chain([&mut b.conv1]) {
            l.conv_clamp = None;
        }
        if let Some(t) = &mut b.torgb {
            t.conv_clamp = None;
        }
    }
    assert!(sg2(g) == &expected, "{:?}", sg2(g));
    assert_eq!(g.init_kwargs["synthesis_kwargs"]["channel_base"], 16);
}

#[test]
fn sg3_encodings() {
    let base = open("sg3_p4.pkl");
    let g = base.network("G_ema").unwrap();
    check_values(g);
    let NetworkKind::Generator(GeneratorConfig::StyleGan3(c)) = &g.kind else { panic!("not StyleGAN3") };
    assert_eq!(GeneratorConfig::StyleGan3(c.clone()).family_name(), "StyleGAN3-R");
    assert_eq!((c.input.size, c.input.sampling_rate, c.input.bandwidth, c.input.channels), ([12, 12], 8.0, 2.0, 4));
    assert_eq!((c.num_critical, c.margin_size, c.output_scale, c.num_fp16_res, c.num_ws), (1, 2, 0.25, 1, 3));
    let [l0, l1] = &c.layers[..] else { panic!("two layers") };
    assert_eq!(l0.name, "L0_12_4");
    assert_eq!((l0.in_size, l0.out_size, l0.padding), ([12, 12], [12, 12], [7, -6, 7, -6]));
    assert!(l0.use_fp16 && l0.down_radial && !l0.is_torgb);
    assert_eq!((l0.in_cutoff, l0.out_cutoff, l0.out_half_width, l0.tmp_sampling_rate), (2.0, 2.5, 1.5, 16.0));
    assert_eq!((l1.name.as_str(), l1.out_size, l1.conv_kernel, l1.up_taps), ("L1_8_3", [8, 8], 1, 1));
    assert!(!l1.use_fp16 && l1.is_torgb);
    let torgb = g.modules.iter().find(|m| m.path == "synthesis.L1_8_3").unwrap();
    assert_eq!(
        torgb.buffers,
        vec![("magnitude_ema".into(), Some(vec![])), ("up_filter".into(), None), ("down_filter".into(), None)]
    );
    assert_eq!(tensor(g, "synthesis.L0_12_4.down_filter").shape, [12, 12]);
    for file in ["sg3_p2.pkl", "sg3_p4_numpy2.pkl"] {
        assert_same(&open(file).networks, &base.networks, file);
    }
}

#[test]
fn tensorflow_pickles_are_recognised() {
    let e = open_err("tf_legacy.pkl");
    assert!(matches!(e.root(), Error::Unsupported(_)), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("tf_legacy.pkl") && text.contains("TensorFlow") && text.contains("dnnlib.tflib.network.Network"),
        "{text}"
    );
    assert!(text.contains("legacy.py"), "{text}");
}

#[test]
fn foreign_generators_are_named() {
    let e = open_err("eg3d_like.pkl");
    assert!(matches!(e.root(), Error::Unsupported(_)), "{e}");
    assert!(e.to_string().contains("TriPlaneGenerator"), "{e}");
}

#[test]
fn a_view_beyond_its_storage_is_refused() {
    let e = open_err("hostile_view_beyond_storage.pkl");
    let Error::Pickle(p) = e.root() else { panic!("{e}") };
    assert!(p.to_string().contains("beyond its storage"), "{p}");
    assert!(p.offset > 0);
}
