//! StyleSpace: the W→S split and style-channel offsets in synthesis. Offsets that turn one
//! layer's styles into another w's styles must give exactly the image of that w on that layer's
//! row; statistics, channel names and errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use candle_core::{Device, Tensor};
use stylescope::checkpoint::Checkpoint;
use stylescope::latent::directions::{StyleChannel, StyleStats, styles_of};
use stylescope::latent::style_mix::replace_rows;
use stylescope::latent::z_tensor;
use stylescope::nn::style_offsets::StyleOffset;
use stylescope::nn::{Generator, SynthesisOptions};
use stylescope::progress::Silent;

fn generator(dir: &Path) -> Generator {
    Checkpoint::open(&dir.join("network.pkl")).unwrap().load_generator(&Device::Cpu).unwrap()
}

fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
    (a - b).unwrap().abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap()
}

/// Offsets on `layers` (style-layer indices) equal to styles(w2) − styles(w1) reproduce the
/// image of w1 with the W+ `rows` taken from w2.
fn check_offsets_replace_rows(net: &str, layers: &[usize], rows: &[usize]) {
    let Some(dir) = common::fixture(net) else { return };
    let g = generator(&dir);
    let z = z_tensor(&[85, 7], g.config().z_dim(), &Device::Cpu).unwrap();
    let ws = g.mapping(&z, None, 1.0, None).unwrap();
    let (w1, w2) = (ws.narrow(0, 0, 1).unwrap(), ws.narrow(0, 1, 1).unwrap());
    let s1 = styles_of(&g, &w1).unwrap();
    let s2 = styles_of(&g, &w2).unwrap();
    let mut offsets = Vec::new();
    for &l in layers {
        let a = s1[l].1.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        let b = s2[l].1.flatten_all().unwrap().to_vec1::<f32>().unwrap();
        for (c, (x, y)) in a.iter().zip(&b).enumerate() {
            offsets.push(StyleOffset { layer: l, channel: c, delta: f64::from(y - x) });
        }
    }
    let plain = g.synthesis(&w1, &SynthesisOptions::default()).unwrap().image;
    let edited = g.synthesis(&w1, &SynthesisOptions { style_offsets: offsets, ..Default::default() }).unwrap().image;
    let mixed = replace_rows(&w1.squeeze(0).unwrap(), &w2.squeeze(0).unwrap(), rows).unwrap().unsqueeze(0).unwrap();
    let want = g.synthesis(&mixed, &SynthesisOptions::default()).unwrap().image;
    let d = max_diff(&edited, &want);
    let moved = max_diff(&plain, &want);
    eprintln!("{net}: layers {layers:?} = rows {rows:?}: max |diff| {d:.2e} (the rows move the image by {moved:.3})");
    assert!(moved > 1e-2, "the test would not see a missing offset");
    assert!(d < 1e-4, "{net}: offsets differ from replacing rows by {d}");
}

#[test]
fn style_offsets_equal_replacing_rows_sg2() {
    // sg2_64: b4.conv1 (0) reads row 0; b4.torgb (1) and b8.conv0 (2) read row 1.
    check_offsets_replace_rows("sg2_64", &[0], &[0]);
    check_offsets_replace_rows("sg2_64", &[1, 2], &[1]);
}

#[test]
fn style_offsets_equal_replacing_rows_sg3() {
    // StyleGAN3: style layer i ≥ 1 (L{i-1}) reads row i alone; 15 is ToRGB.
    check_offsets_replace_rows("sg3t_64", &[4], &[4]);
    check_offsets_replace_rows("sg3r_64", &[15], &[15]);
}

#[test]
fn style_statistics_names_and_errors() {
    let Some(dir) = common::fixture("sg3t_64") else { return };
    let g = generator(&dir);
    let stats = StyleStats::compute(&g, 600, 3, &Silent).unwrap();
    assert_eq!(stats.names.len(), 16);
    assert_eq!(stats.names[0], "input");
    assert_eq!(stats.sigma[1].len(), 32);
    assert!(stats.sigma[1..].iter().flatten().all(|s| *s > 0.0));
    // σ is the standard deviation of the styles of the same samples.
    let w = stylescope::latent::directions::WSampler::new(&g, 3, 1.0).next_batch(600).unwrap();
    let ws = w.unsqueeze(1).unwrap().repeat((1, 16, 1)).unwrap();
    let s = styles_of(&g, &ws).unwrap()[5].1.to_dtype(candle_core::DType::F64).unwrap().to_vec2::<f64>().unwrap();
    let col: Vec<f64> = s.iter().map(|r| r[7]).collect();
    let m = col.iter().sum::<f64>() / 600.0;
    let sd = (col.iter().map(|v| (v - m).powi(2)).sum::<f64>() / 599.0).sqrt();
    assert!((sd - stats.sigma[5][7]).abs() < 1e-9 * sd.max(1.0), "{sd} vs {}", stats.sigma[5][7]);

    let ch: StyleChannel = "L5_7".parse().unwrap();
    assert_eq!(ch, StyleChannel { layer: 5, channel: 7 });
    assert_eq!(ch.name(), "L5_7");
    assert!("L5".parse::<StyleChannel>().is_err());
    let o = stats.offset(ch, 2.0).unwrap();
    assert!((o.delta - 2.0 * stats.sigma[5][7]).abs() < 1e-12);
    assert!(stats.offset(StyleChannel { layer: 0, channel: 1 }, 1.0).unwrap_err().to_string().contains("input"));
    assert!(stats.offset(StyleChannel { layer: 16, channel: 0 }, 1.0).unwrap_err().to_string().contains("L0-L15"));
    assert!(
        stats.offset(StyleChannel { layer: 15, channel: 99 }, 1.0).unwrap_err().to_string().contains("16 channels")
    );

    // Synthesis rejects offsets the network does not have, and moves with one it has.
    let z = z_tensor(&[1], 64, &Device::Cpu).unwrap();
    let ws = g.mapping(&z, None, 1.0, None).unwrap();
    let run = |offsets: Vec<StyleOffset>| {
        g.synthesis(&ws, &SynthesisOptions { style_offsets: offsets, ..Default::default() })
    };
    assert!(run(vec![StyleOffset { layer: 0, channel: 0, delta: 1.0 }]).is_err());
    assert!(
        run(vec![StyleOffset { layer: 40, channel: 0, delta: 1.0 }])
            .unwrap_err()
            .to_string()
            .contains("does not exist")
    );
    assert!(
        run(vec![StyleOffset { layer: 3, channel: 500, delta: 1.0 }])
            .unwrap_err()
            .to_string()
            .contains("no channel 500")
    );
    let plain = run(vec![]).unwrap().image;
    let one = run(vec![o]).unwrap().image;
    assert!(max_diff(&plain, &one) > 1e-3);
}
