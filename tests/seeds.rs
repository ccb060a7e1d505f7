//! Seeds → z bit for bit as NumPy's legacy `RandomState`, class labels, seed lists.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use candle_core::Device;
use stylescope::latent::{RandomState, class_from_seed, class_label, parse_seed_list, z_from_seed, z_tensor};

#[test]
fn randn_matches_numpy_test_vectors() {
    // reference-stylegan.md §2.8 (NumPy prints 8 decimals).
    let vectors: [(u64, [f64; 3]); 4] = [
        (0, [1.76405235, 0.40015721, 0.97873798]),
        (1, [1.62434536, -0.61175641, -0.52817175]),
        (42, [0.49671415, -0.1382643, 0.64768854]),
        (4294967295, [0.64840867, 0.66932353, -1.08054372]),
    ];
    for (seed, want) in vectors {
        let z = z_from_seed(seed, 3).unwrap();
        for (g, w) in z.iter().zip(want) {
            assert!((g - w).abs() < 5e-9, "seed {seed}: {z:?} vs {want:?}");
        }
    }
}

#[test]
fn randn_is_bit_exact_with_the_fixture_z() {
    let dir = require_fixture!("sg2_64");
    for seed in [0u64, 1, 7, 85, 265] {
        let (want, shape) = common::read_npy_f64(&dir.join(format!("z_seed{seed}_f64.npy")));
        let z = z_from_seed(seed, shape[1]).unwrap();
        assert_eq!(z.len(), want.len());
        for (i, (g, w)) in z.iter().zip(&want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "seed {seed} element {i}: {g} vs {w}");
        }
        // The float32 tensor is the fixture's float32 z exactly.
        let (want32, _) = common::read_npy_f32(&dir.join(format!("z_seed{seed}.npy")));
        let t = z_tensor(&[seed], shape[1], &Device::Cpu).unwrap();
        assert_eq!(t.flatten_all().unwrap().to_vec1::<f32>().unwrap(), want32);
    }
}

#[test]
fn random_sample_and_randint_follow_numpy() {
    // np.random.RandomState(0).random_sample(2) = [0.5488135039273248, 0.7151893663724195].
    let mut r = RandomState::new(0);
    assert_eq!(r.random_sample(), 0.5488135039273248);
    assert_eq!(r.random_sample(), 0.7151893663724195);
    // np.random.RandomState(0).randint(10, size=5) = [5, 0, 3, 3, 7]
    let mut r = RandomState::new(0);
    let v: Vec<u64> = (0..5).map(|_| r.randint(10).unwrap()).collect();
    assert_eq!(v, vec![5, 0, 3, 3, 7]);
    // np.random.RandomState(1).randint(1000, size=3) = [37, 235, 908]
    let mut r = RandomState::new(1);
    let v: Vec<u64> = (0..3).map(|_| r.randint(1000).unwrap()).collect();
    assert_eq!(v, vec![37, 235, 908]);
    assert_eq!(RandomState::new(3).randint(1).unwrap(), 0);
    assert!(RandomState::new(3).randint(0).is_err());
    assert!(RandomState::from_seed(1 << 32).is_err());
    // The class follows z on the same stream: different from randint on a fresh generator in general,
    // and always in range.
    for seed in 0..50 {
        let c = class_from_seed(seed, 64, 10).unwrap();
        assert!(c < 10);
    }
}

#[test]
fn class_labels_are_one_hot() {
    let c = class_label(4, 2, 2, &Device::Cpu).unwrap();
    assert_eq!(c.to_vec2::<f32>().unwrap(), vec![vec![0., 0., 1., 0.], vec![0., 0., 1., 0.]]);
    let err = class_label(4, 4, 1, &Device::Cpu).unwrap_err().to_string();
    assert!(err.contains("class 4") && err.contains("4 classes"), "{err}");
}

#[test]
fn seed_lists_parse_like_gen_images() {
    assert_eq!(parse_seed_list("0,4-6,10").unwrap(), vec![0, 4, 5, 6, 10]);
    assert_eq!(parse_seed_list(" 3 , 1-1 ").unwrap(), vec![3, 1]);
    assert_eq!(parse_seed_list("4294967295").unwrap(), vec![4294967295]);
    for bad in ["", "1,,2", "a", "1-", "-3", "5-2", "1.5", "1-2-3", "4294967296", "0-2000000"] {
        let e = parse_seed_list(bad);
        assert!(e.is_err(), "`{bad}` should be rejected, got {e:?}");
        assert!(e.unwrap_err().to_string().contains("seed list"), "{bad}");
    }
}
