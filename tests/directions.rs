//! Latent directions: SeFa against NumPy's `eigh` goldens on every fixture network, GANSpace
//! against a plain covariance PCA of the same samples, the SVM on planted data, `.npy` shapes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use candle_core::Device;
use stylescope::checkpoint::Checkpoint;
use stylescope::latent::directions::npy::write_npy_f32;
use stylescope::latent::directions::{
    GanSpace, GanSpaceSettings, LayerSelection, LinearSvm, Sefa, SvmSettings, WSampler, read_direction_spec,
    read_directions,
};
use stylescope::nn::Generator;
use stylescope::nn::random_state::RandomState;
use stylescope::progress::{Monitor, Silent};

fn generator(dir: &Path) -> Generator {
    Checkpoint::open(&dir.join("network.pkl")).unwrap().load_generator(&Device::Cpu).unwrap()
}

fn golden(name: &str) -> (Vec<f64>, Vec<f64>) {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sefa");
    let (vals, _) = common::read_npy_f64(&d.join(format!("{name}_eigvals.npy")));
    let (vecs, _) = common::read_npy_f64(&d.join(format!("{name}_eigvecs.npy")));
    (vals, vecs)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn check_sefa(net: &str, variant: &str, selection: LayerSelection, layers: usize) {
    let Some(dir) = common::fixture(net) else { return };
    let g = generator(&dir);
    let sefa = Sefa::compute(&g, &selection).unwrap();
    assert_eq!(sefa.layers.len(), layers, "{net}: stacked layers {:?}", sefa.layers);
    let (vals, vecs) = golden(&format!("{net}_{variant}"));
    let w_dim = sefa.eigenvalues.len();
    assert_eq!(vals.len(), w_dim);
    let mut worst_val: f64 = 0.0;
    let mut worst_vec: f64 = 0.0;
    for i in 0..w_dim {
        worst_val = worst_val.max((sefa.eigenvalues[i] - vals[i]).abs());
        let want = &vecs[i * w_dim..(i + 1) * w_dim];
        let got = &sefa.directions[i];
        let sign = if dot(got, want) < 0.0 { -1.0 } else { 1.0 };
        let diff = got.iter().zip(want).map(|(g, w)| (sign * g - w).abs()).fold(0.0, f64::max);
        worst_vec = worst_vec.max(diff);
    }
    eprintln!("{net} {variant}: max |Δλ| {worst_val:.2e}, max |Δv| (up to sign) {worst_vec:.2e}");
    assert!(worst_val < 1e-8, "{net}: eigenvalues differ by {worst_val}");
    assert!(worst_vec < 1e-4, "{net}: eigenvectors differ by {worst_vec}");
}

#[test]
fn sefa_matches_numpy_eigh_sg2() {
    check_sefa("sg2_64", "default", LayerSelection::default(), 9);
    let torgb = LayerSelection { include_torgb: true, ..Default::default() };
    check_sefa("sg2_64", "torgb", torgb, 14);
}

#[test]
fn sefa_matches_numpy_eigh_sg3t() {
    check_sefa("sg3t_64", "default", LayerSelection::default(), 14);
}

#[test]
fn sefa_matches_numpy_eigh_sg3r() {
    check_sefa("sg3r_64", "default", LayerSelection::default(), 14);
    let all = LayerSelection { include_torgb: true, include_input: true, rows: None };
    check_sefa("sg3r_64", "input_torgb", all, 16);
}

#[test]
fn sefa_layer_range_selects_rows() {
    let Some(dir) = common::fixture("sg2_64") else { return };
    let g = generator(&dir);
    // sg2_64: b4.conv1 reads row 0, b8.conv0/conv1 rows 1-2, b16 rows 3-4 (ToRGB excluded).
    let sel = LayerSelection { rows: Some((1, 2)), ..Default::default() };
    let s = Sefa::compute(&g, &sel).unwrap();
    assert_eq!(s.layers, vec!["b8.conv0", "b8.conv1"]);
    let empty = LayerSelection { rows: Some((20, 30)), ..Default::default() };
    assert!(Sefa::compute(&g, &empty).unwrap_err().to_string().contains("no style affine"));
}

/// Top eigenpairs of a symmetric matrix by power iteration with deflation (independent of the
/// library's solver).
fn power_pairs(mut a: Vec<f64>, n: usize, k: usize) -> Vec<(f64, Vec<f64>)> {
    let mut out = Vec::new();
    let mut rng = RandomState::new(11);
    for _ in 0..k {
        let mut v = rng.randn(n);
        let mut lambda = 0.0;
        for _ in 0..5000 {
            let mut next: Vec<f64> = (0..n).map(|r| dot(&a[r * n..(r + 1) * n], &v)).collect();
            let norm = dot(&next, &next).sqrt();
            next.iter_mut().for_each(|x| *x /= norm);
            let change = (norm - lambda).abs();
            lambda = norm;
            v = next;
            if change < 1e-15 * lambda {
                break;
            }
        }
        for r in 0..n {
            for c in 0..n {
                a[r * n + c] -= lambda * v[r] * v[c];
            }
        }
        out.push((lambda, v));
    }
    out
}

#[test]
fn ganspace_components_are_a_covariance_pca_of_the_samples() {
    let Some(dir) = common::fixture("sg2_64") else { return };
    let g = generator(&dir);
    let settings = GanSpaceSettings { samples: 3000, components: 64, seed: 5, batch: 700 };
    let gs = GanSpace::compute(&g, &settings, &Silent).unwrap();
    let d = gs.mean.len();
    assert_eq!(gs.components.len(), 64);
    // Orthonormal, sorted, ratios sum to 1 over all components.
    for (i, a) in gs.components.iter().enumerate() {
        for (j, b) in gs.components.iter().enumerate() {
            let want = if i == j { 1.0 } else { 0.0 };
            assert!((dot(a, b) - want).abs() < 1e-10, "components {i},{j}: {}", dot(a, b));
        }
    }
    assert!(gs.sigma.windows(2).all(|w| w[0] >= w[1]), "σ not sorted: {:?}", gs.sigma);
    assert!((gs.variance_ratio.iter().sum::<f64>() - 1.0).abs() < 1e-10);
    assert!(gs.sigma[0] > 0.0 && gs.variance_ratio[0] > gs.variance_ratio[63]);

    // The same samples, a plain two-pass covariance, power iteration.
    let x = WSampler::new(&g, 5, 1.0).sample_f64(3000).unwrap();
    let n = 3000.0;
    let mean: Vec<f64> = (0..d).map(|j| x.chunks_exact(d).map(|r| r[j]).sum::<f64>() / n).collect();
    let max_mean = mean.iter().zip(&gs.mean).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(max_mean < 1e-10, "mean differs by {max_mean}");
    let mut cov = vec![0.0; d * d];
    for r in x.chunks_exact(d) {
        for i in 0..d {
            for j in 0..d {
                cov[i * d + j] += (r[i] - mean[i]) * (r[j] - mean[j]) / (n - 1.0);
            }
        }
    }
    for (i, (lambda, v)) in power_pairs(cov, d, 3).into_iter().enumerate() {
        let cos = dot(v.as_slice(), &gs.components[i]).abs();
        assert!(cos > 1.0 - 1e-6, "component {i}: |cos| {cos}");
        assert!(
            (gs.sigma[i] - lambda.sqrt()).abs() < 1e-8 * lambda.sqrt(),
            "σ{i} {} vs {}",
            gs.sigma[i],
            lambda.sqrt()
        );
    }
    // The batch size does not change the result.
    let one_batch = GanSpace::compute(&g, &GanSpaceSettings { batch: 3000, ..settings }, &Silent).unwrap();
    let dsig = one_batch.sigma.iter().zip(&gs.sigma).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(dsig < 1e-9, "σ depends on the batch size: {dsig}");
}

struct CancelAfter(std::sync::atomic::AtomicUsize);
impl Monitor for CancelAfter {
    fn set_fraction(&self, _f: f64) -> stylescope::Result<()> {
        if self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 2 {
            return Err(stylescope::Error::Cancelled);
        }
        Ok(())
    }
    fn log(&self, _line: &str) {}
    fn is_cancelled(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst) >= 2
    }
}

#[test]
fn ganspace_stops_when_cancelled() {
    let Some(dir) = common::fixture("sg3t_64") else { return };
    let g = generator(&dir);
    let m = CancelAfter(Default::default());
    let settings = GanSpaceSettings { samples: 100_000, components: 8, seed: 1, batch: 100 };
    let e = GanSpace::compute(&g, &settings, &m).unwrap_err();
    assert!(matches!(e, stylescope::Error::Cancelled), "{e}");
}

#[test]
fn svm_recovers_a_planted_normal() {
    let dim = 32;
    let mut rng = RandomState::new(42);
    let mut normal = rng.randn(dim);
    let norm = dot(&normal, &normal).sqrt();
    normal.iter_mut().for_each(|x| *x /= norm);
    let offset: Vec<f64> = rng.randn(dim).iter().map(|x| 3.0 * x).collect();
    let (mut xs, mut labels) = (Vec::new(), Vec::new());
    while labels.len() < 800 {
        let x: Vec<f64> = rng.randn(dim).iter().zip(&offset).map(|(z, o)| 2.0 * z + o).collect();
        let m = dot(&x, &normal) - dot(&offset, &normal) - 0.5;
        if m.abs() < 0.3 {
            continue; // keep a margin: separable data
        }
        labels.push(m > 0.0);
        xs.extend(x);
    }
    let svm = LinearSvm::fit(&xs, dim, &labels, &SvmSettings { c: 10.0, ..Default::default() }).unwrap();
    let cos = dot(&svm.normal, &normal);
    eprintln!(
        "SVM: cos {cos:.5}, train {:.3}, held-out {:?}, epochs {}",
        svm.train_accuracy, svm.heldout_accuracy, svm.epochs
    );
    assert!(cos > 0.99, "cosine {cos}");
    assert_eq!(svm.train_accuracy, 1.0);
    assert!(svm.heldout_accuracy.unwrap() > 0.97);
    assert_eq!(svm.n_train + svm.n_heldout, 800);
    assert!((svm.n_heldout as f64 - 240.0).abs() <= 2.0);
    // Noisy labels: accuracy drops below 1 and is reported honestly.
    let noisy: Vec<bool> = labels.iter().enumerate().map(|(i, &l)| if i % 5 == 0 { !l } else { l }).collect();
    let s2 = LinearSvm::fit(&xs, dim, &noisy, &SvmSettings::default()).unwrap();
    assert!(s2.heldout_accuracy.unwrap() < 0.9 && s2.heldout_accuracy.unwrap() > 0.6);
    assert!(dot(&s2.normal, &normal) > 0.9);
    // One class only is an error.
    let e = LinearSvm::fit(&xs, dim, &vec![true; 800], &SvmSettings::default()).unwrap_err();
    assert!(e.to_string().contains("negative"), "{e}");
}

fn write_npy_f64(path: &Path, shape: &[usize], data: &[f64]) {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_text = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape_text}, }}\n");
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn npy_direction_shapes_are_accepted_or_rejected() {
    let dir = std::env::temp_dir().join(format!("stylescope-dirs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (w_dim, num_ws) = (64, 10);
    let mut rng = RandomState::new(1);
    let v = |n: usize, rng: &mut RandomState| rng.randn(n);
    let ok = |name: &str, shape: &[usize], f64: bool, rng: &mut RandomState| {
        let p = dir.join(name);
        let n: usize = shape.iter().product();
        let data = v(n, rng);
        if f64 {
            write_npy_f64(&p, shape, &data);
        } else {
            write_npy_f32(&p, shape, &data.iter().map(|&x| x as f32).collect::<Vec<_>>()).unwrap();
        }
        read_directions(&p, w_dim, num_ws).map(|(d, _)| d)
    };
    let one = ok("a.npy", &[64], false, &mut rng).unwrap();
    assert_eq!((one.len(), one[0].rows), (1, 1));
    let norm: f32 = one[0].values.iter().map(|x| x * x).sum();
    assert!((norm - 1.0).abs() < 1e-5);
    assert_eq!(ok("b.npy", &[1, 64], true, &mut rng).unwrap()[0].rows, 1);
    let wplus = ok("c.npy", &[10, 64], true, &mut rng).unwrap();
    assert_eq!((wplus.len(), wplus[0].rows), (1, 10));
    let wplus = ok("d.npy", &[1, 10, 64], false, &mut rng).unwrap();
    assert_eq!((wplus.len(), wplus[0].rows), (1, 10));
    let set = ok("e.npy", &[3, 64], false, &mut rng).unwrap();
    assert_eq!(set.len(), 3);
    assert_eq!(set[2].name, "e[2]");

    let e = ok("wide.npy", &[1, 512], true, &mut rng).unwrap_err().to_string();
    assert!(e.contains("wide.npy") && e.contains("512") && e.contains("w_dim 64"), "{e}");
    let e = ok("rows.npy", &[1, 7, 64], false, &mut rng).unwrap_err().to_string();
    assert!(e.contains("rows.npy") && e.contains("num_ws") && e.contains('7'), "{e}");
    let e = ok("rank4.npy", &[1, 1, 1, 64], false, &mut rng).unwrap_err().to_string();
    assert!(e.contains("rank4.npy") && e.contains("shape"), "{e}");
    let p = dir.join("int.npy");
    let hdr = "{'descr': '<i4', 'fortran_order': False, 'shape': (64,), }\n";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(hdr.len() as u16).to_le_bytes());
    bytes.extend_from_slice(hdr.as_bytes());
    bytes.extend(vec![0u8; 256]);
    std::fs::write(&p, bytes).unwrap();
    let e = read_directions(&p, w_dim, num_ws).unwrap_err().to_string();
    assert!(e.contains("int.npy") && e.contains("<i4"), "{e}");
    // FILE:ROW picks one row; a missing row is an error naming the file.
    let spec = format!("{}:1", dir.join("e.npy").display());
    let (picked, _) = read_direction_spec(&spec, w_dim, num_ws).unwrap();
    assert_eq!(picked[0].values, set[1].values);
    let e = read_direction_spec(&format!("{}:9", dir.join("e.npy").display()), w_dim, num_ws).unwrap_err();
    assert!(e.to_string().contains("e.npy") && e.to_string().contains("3 direction"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}
