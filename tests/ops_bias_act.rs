//! `bias_act`, `normalize_2nd_moment` and the fully connected layer against hand-computed values.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};
use stylescope::nn::Weights;
use stylescope::nn::config::{Activation, FcConfig};
use stylescope::nn::ops::{BiasAct, FullyConnectedLayer, bias_act, normalize_2nd_moment};

const ALL: [Activation; 9] = [
    Activation::Linear,
    Activation::Relu,
    Activation::Lrelu,
    Activation::Tanh,
    Activation::Sigmoid,
    Activation::Elu,
    Activation::Selu,
    Activation::Softplus,
    Activation::Swish,
];

/// The activation as PyTorch defines it, in f64.
fn reference(act: Activation, x: f64, alpha: f64) -> f64 {
    let sig = 1.0 / (1.0 + (-x).exp());
    match act {
        Activation::Linear => x,
        Activation::Relu => x.max(0.0),
        Activation::Lrelu => {
            if x > 0.0 {
                x
            } else {
                alpha * x
            }
        }
        Activation::Tanh => x.tanh(),
        Activation::Sigmoid => sig,
        Activation::Elu => {
            if x > 0.0 {
                x
            } else {
                alpha * (x.exp() - 1.0)
            }
        }
        Activation::Selu => 1.0507009873554805 * if x > 0.0 { x } else { alpha * (x.exp() - 1.0) },
        Activation::Softplus => {
            if x > 20.0 {
                x
            } else {
                (1.0 + x.exp()).ln()
            }
        }
        Activation::Swish => sig * x,
    }
}

fn input() -> (Vec<f32>, Vec<f32>) {
    // [2, 3, 2, 4]: values from -30 to 30 to exercise softplus' threshold and saturation.
    let x: Vec<f32> = (0..48).map(|i| ((i * 37 % 48) as f32 - 24.0) * 1.25 + 0.3).collect();
    let b = vec![0.5f32, -1.25, 2.0];
    (x, b)
}

#[test]
fn every_activation_with_default_and_custom_gain_and_clamp() {
    let dev = Device::Cpu;
    let (x, b) = input();
    let xt = Tensor::from_vec(x.clone(), (2, 3, 2, 4), &dev).unwrap();
    let bt = Tensor::from_vec(b.clone(), 3, &dev).unwrap();
    for act in ALL {
        for (gain, clamp) in [(None, None), (Some(0.7), Some(5.0)), (Some(1.0), Some(0.0))] {
            let mut p = BiasAct::new(act).with_clamp(clamp);
            if let Some(g) = gain {
                p = p.with_gain(g);
            }
            let y = bias_act(&xt, Some(&bt), &p).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
            for (i, (xi, yi)) in x.iter().zip(&y).enumerate() {
                let c = (i / 8) % 3;
                let mut want =
                    reference(act, *xi as f64 + b[c] as f64, act.default_alpha()) * gain.unwrap_or(act.default_gain());
                if let Some(cl) = clamp {
                    want = want.clamp(-cl, cl);
                }
                let tol = 1e-5 * want.abs().max(1.0);
                assert!(
                    (*yi as f64 - want).abs() <= tol,
                    "{act:?} gain {gain:?} clamp {clamp:?} x {xi}: got {yi}, want {want}"
                );
            }
        }
    }
}

#[test]
fn default_gains_and_alphas_are_nvidias() {
    let dev = Device::Cpu;
    let x = Tensor::new(&[[-1.0f32, 2.0]], &dev).unwrap();
    let y = bias_act(&x, None, &BiasAct::new(Activation::Lrelu)).unwrap().to_vec2::<f32>().unwrap();
    let s2 = std::f32::consts::SQRT_2;
    assert_eq!(y[0], vec![-0.2 * s2, 2.0 * s2]);
    let y = bias_act(&x, None, &BiasAct::new(Activation::Relu)).unwrap().to_vec2::<f32>().unwrap();
    assert_eq!(y[0], vec![0.0, 2.0 * s2]);
    let y = bias_act(&x, None, &BiasAct::new(Activation::Linear)).unwrap().to_vec2::<f32>().unwrap();
    assert_eq!(y[0], vec![-1.0, 2.0]);
    // A custom slope, bias along the last dimension, negative clamp = none.
    let b = Tensor::new(&[10.0f32, -10.0], &dev).unwrap();
    let p = BiasAct::new(Activation::Lrelu).with_alpha(0.5).with_gain(1.0).with_dim(1).with_clamp(Some(-1.0));
    let y = bias_act(&x, Some(&b), &p).unwrap().to_vec2::<f32>().unwrap();
    assert_eq!(y[0], vec![9.0, -4.0]);
}

#[test]
fn wrong_bias_shape_is_an_error() {
    let dev = Device::Cpu;
    let x = Tensor::zeros((2, 3, 4, 4), candle_core::DType::F32, &dev).unwrap();
    let b = Tensor::zeros(4, candle_core::DType::F32, &dev).unwrap();
    assert!(bias_act(&x, Some(&b), &BiasAct::new(Activation::Lrelu)).is_err());
}

#[test]
fn normalize_2nd_moment_divides_by_the_rms() {
    let dev = Device::Cpu;
    let x = Tensor::new(&[[3.0f32, 4.0], [0.0, -2.0]], &dev).unwrap();
    let y = normalize_2nd_moment(&x, 1, 1e-8).unwrap().to_vec2::<f32>().unwrap();
    let r0 = (12.5f64 + 1e-8).sqrt();
    let r1 = (2.0f64 + 1e-8).sqrt();
    let want = [[3.0 / r0, 4.0 / r0], [0.0, -2.0 / r1]];
    for i in 0..2 {
        for j in 0..2 {
            assert!((y[i][j] as f64 - want[i][j]).abs() < 1e-6, "{y:?}");
        }
    }
}

#[test]
fn fully_connected_layer_applies_equalised_learning_rate() {
    let dev = Device::Cpu;
    let (inf, outf) = (3, 2);
    let w = vec![1.0f32, -2.0, 0.5, 3.0, 1.0, -1.0];
    let b = vec![0.5f32, -0.25];
    let x = vec![1.0f32, 2.0, -1.0, 0.0, -1.0, 4.0];
    let mut map = BTreeMap::new();
    map.insert("fc.weight".to_string(), Tensor::from_vec(w.clone(), (outf, inf), &dev).unwrap());
    map.insert("fc.bias".to_string(), Tensor::from_vec(b.clone(), outf, &dev).unwrap());
    let weights = Weights::new(map);
    let xt = Tensor::from_vec(x.clone(), (2, inf), &dev).unwrap();
    for (act, lr) in [(Activation::Linear, 1.0), (Activation::Lrelu, 0.01)] {
        let cfg = FcConfig::new(inf, outf, act, lr);
        let layer = FullyConnectedLayer::new(&cfg, &weights, "fc").unwrap();
        let y = layer.forward(&xt).unwrap().to_vec2::<f32>().unwrap();
        let wg = lr / (inf as f64).sqrt();
        for n in 0..2 {
            for o in 0..outf {
                let mut s: f64 = (0..inf).map(|i| x[n * inf + i] as f64 * w[o * inf + i] as f64 * wg).sum();
                s += b[o] as f64 * lr;
                if act == Activation::Lrelu {
                    s = if s > 0.0 { s } else { 0.2 * s } * std::f64::consts::SQRT_2;
                }
                assert!((y[n][o] as f64 - s).abs() < 1e-6, "{act:?} [{n}][{o}]: {} vs {s}", y[n][o]);
            }
        }
    }
    assert!(weights.unused().is_empty());
    // Wrong shapes are named.
    let bad = FcConfig::new(4, outf, Activation::Linear, 1.0);
    let err = FullyConnectedLayer::new(&bad, &weights, "fc").unwrap_err().to_string();
    assert!(err.contains("fc.weight"), "{err}");
}

#[test]
fn fast_path_equals_reference() {
    use stylescope::nn::ops::bias_act_ref;
    let dev = Device::Cpu;
    // Values from -30 to 30 on a [2, 3, 4, 5] tensor.
    let x: Vec<f32> = (0..120).map(|i| ((i * 53 % 120) as f32 - 60.0) * 0.5 + 0.11).collect();
    let xt = Tensor::from_vec(x, (2, 3, 4, 5), &dev).unwrap();
    for act in ALL {
        for dim in 0..4 {
            let len = xt.dim(dim).unwrap();
            let b = Tensor::from_vec((0..len).map(|i| i as f32 * 0.75 - 1.0).collect::<Vec<_>>(), len, &dev).unwrap();
            for (bias, gain, clamp) in
                [(true, None, None), (false, Some(0.5), Some(3.0)), (true, Some(2.0), Some(10.0))]
            {
                let mut p = BiasAct::new(act).with_dim(dim).with_clamp(clamp);
                if let Some(g) = gain {
                    p = p.with_gain(g);
                }
                let bb = bias.then_some(&b);
                let fast = bias_act(&xt, bb, &p).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
                let refr = bias_act_ref(&xt, bb, &p).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
                let exact = matches!(act, Activation::Linear | Activation::Relu | Activation::Lrelu);
                for (f, r) in fast.iter().zip(&refr) {
                    if exact {
                        assert_eq!(f.to_bits(), r.to_bits(), "{act:?} dim {dim}: {f} vs {r}");
                    } else {
                        assert!((f - r).abs() <= 2e-6 * r.abs().max(1.0), "{act:?} dim {dim}: {f} vs {r}");
                    }
                }
            }
        }
    }
    // A transposed (non-contiguous) input gives the same as its contiguous copy.
    let t = xt.transpose(2, 3).unwrap();
    let p = BiasAct::new(Activation::Lrelu);
    let b = Tensor::new(&[1f32, 2., 3.], &dev).unwrap();
    let a = bias_act(&t, Some(&b), &p).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let c =
        bias_act_ref(&t.contiguous().unwrap(), Some(&b), &p).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
    assert_eq!(a, c);
}

#[test]
fn autograd_flows_through_bias_act() {
    // Tensors in an autograd graph take the differentiable reference.
    let dev = Device::Cpu;
    let x = candle_core::Var::from_tensor(&Tensor::new(&[[-1.0f32, 2.0]], &dev).unwrap()).unwrap();
    let b = candle_core::Var::from_tensor(&Tensor::new(&[0.5f32, 0.5], &dev).unwrap()).unwrap();
    let y = bias_act(x.as_tensor(), Some(b.as_tensor()), &BiasAct::new(Activation::Lrelu)).unwrap();
    let grads = y.sum_all().unwrap().backward().unwrap();
    let gx = grads.get(x.as_tensor()).unwrap().to_vec2::<f32>().unwrap();
    let s2 = std::f32::consts::SQRT_2;
    assert!((gx[0][0] - 0.2 * s2).abs() < 1e-6 && (gx[0][1] - s2).abs() < 1e-6, "{gx:?}");
    let gb = grads.get(b.as_tensor()).unwrap().to_vec1::<f32>().unwrap();
    assert!((gb[0] - 0.2 * s2).abs() < 1e-6, "{gb:?}");
}
