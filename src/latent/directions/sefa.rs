//! SeFa, closed-form factorisation (Shen & Zhou, CVPR 2021): the directions n that change the
//! styles most, Σ_l ‖A_l n‖², are the eigenvectors of WᵀW for the vertically stacked affine
//! weights W. As the reference implementation, every style channel's weight row is normalised
//! to unit length first; eigenpairs are sorted by decreasing eigenvalue.

use crate::latent::directions::affine_layer::AffineLayer;
use crate::latent::directions::layer_selection::LayerSelection;
use crate::latent::directions::symmetric_eigen::SymmetricEigen;
use crate::nn::generator::Generator;
use crate::{Error, Result};

/// The factorisation of one network.
#[derive(Clone, Debug, PartialEq)]
pub struct Sefa {
    pub selection: LayerSelection,
    /// The affines that were stacked (module names under `synthesis`).
    pub layers: Vec<String>,
    /// Stacked rows (style channels); rows of zero length are skipped.
    pub rows: usize,
    /// Decreasing.
    pub eigenvalues: Vec<f64>,
    /// Unit directions in W, `[w_dim][w_dim]`, strongest first.
    pub directions: Vec<Vec<f64>>,
}

impl Sefa {
    /// Factorises the affines of `generator` chosen by `selection`.
    pub fn compute(generator: &Generator, selection: &LayerSelection) -> Result<Self> {
        let layers: Vec<AffineLayer> =
            AffineLayer::all(generator)?.into_iter().filter(|l| selection.selects(l)).collect();
        Self::from_layers(&layers, generator.config().w_dim(), selection)
    }

    /// Factorises the given affines (`weight` rows of length `w_dim`).
    pub fn from_layers(layers: &[AffineLayer], w_dim: usize, selection: &LayerSelection) -> Result<Self> {
        if layers.is_empty() {
            return Err(Error::Invalid("SeFa: the layer selection contains no style affine".into()));
        }
        let mut gram = vec![0.0f64; w_dim * w_dim];
        let mut rows = 0;
        for layer in layers {
            if layer.weight.len() != layer.channels * w_dim {
                return Err(Error::Invalid(format!("SeFa: affine `{}` is not [channels, {w_dim}]", layer.name)));
            }
            for row in layer.weight.chunks_exact(w_dim) {
                let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
                if norm == 0.0 {
                    continue;
                }
                let r: Vec<f64> = row.iter().map(|x| x / norm).collect();
                for i in 0..w_dim {
                    let ri = r[i];
                    let g = &mut gram[i * w_dim..(i + 1) * w_dim];
                    for (gj, rj) in g.iter_mut().zip(&r) {
                        *gj += ri * rj;
                    }
                }
                rows += 1;
            }
        }
        if rows == 0 {
            return Err(Error::Invalid("SeFa: every selected affine weight is zero".into()));
        }
        let eig = SymmetricEigen::new(&gram, w_dim)?;
        Ok(Self {
            selection: selection.clone(),
            layers: layers.iter().map(|l| l.name.clone()).collect(),
            rows,
            eigenvalues: eig.values,
            directions: eig.vectors,
        })
    }
}
