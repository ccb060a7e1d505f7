//! The tensors of one network being trained: trainable parameters as candle [`Var`]s and the
//! remaining buffers (filters, `noise_const`, `w_avg`, `magnitude_ema`, frozen layers) as plain
//! tensors, all under their state-dict names.
//!
//! The networks themselves are the inference modules of [`crate::nn`], built from a
//! [`Weights`]: [`ParamSet::tracked`] gives the `Var`s' own tensors (so autograd reaches the
//! parameters, and the ops take their differentiable reference paths), [`ParamSet::detached`]
//! gives the same values without tracking (so the ops may take their fast paths — used where a
//! network's parameters get no gradient, e.g. G while D trains). The modules are rebuilt for every
//! use (building only looks tensors up), so they always see the current values.

use std::collections::BTreeMap;

use candle_core::{Tensor, Var};

use crate::nn::weights::Weights;
use crate::{Error, Result};

#[derive(Debug)]
pub struct ParamSet {
    /// Trainable parameters, by state-dict name.
    pub params: BTreeMap<String, Var>,
    /// Everything else, by state-dict name.
    pub buffers: BTreeMap<String, Tensor>,
}

/// Whether a generator tensor is a buffer (not trained) in NVIDIA's modules.
pub fn is_generator_buffer(name: &str) -> bool {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    matches!(
        leaf,
        "w_avg"
            | "noise_const"
            | "resample_filter"
            | "magnitude_ema"
            | "up_filter"
            | "down_filter"
            | "transform"
            | "freqs"
            | "phases"
    )
}

impl ParamSet {
    /// Splits `tensors` into parameters (`trainable(name)`) and buffers. Parameters are copied
    /// into fresh storage (a `Var` is updated in place); dtypes are kept (training uses float32,
    /// the gradient tests also float64).
    pub fn new(tensors: BTreeMap<String, Tensor>, trainable: impl Fn(&str) -> bool) -> Result<Self> {
        let mut params = BTreeMap::new();
        let mut buffers = BTreeMap::new();
        for (name, t) in tensors {
            if trainable(&name) {
                let t = t.copy()?;
                params.insert(name, Var::from_tensor(&t)?);
            } else {
                buffers.insert(name, t);
            }
        }
        Ok(Self { params, buffers })
    }

    /// The parameters' tracked tensors and the buffers: networks built from this are differentiable
    /// with respect to the parameters.
    pub fn tracked(&self) -> Weights {
        let mut map = self.buffers.clone();
        for (n, v) in &self.params {
            map.insert(n.clone(), v.as_tensor().clone());
        }
        Weights::new(map)
    }

    /// The same values without autograd tracking.
    pub fn detached(&self) -> Weights {
        Weights::new(self.values())
    }

    /// Every tensor's current value (parameters detached), by name.
    pub fn values(&self) -> BTreeMap<String, Tensor> {
        let mut map = self.buffers.clone();
        for (n, v) in &self.params {
            map.insert(n.clone(), v.as_tensor().detach());
        }
        map
    }

    /// Replaces buffer `name` (e.g. an updated `w_avg`).
    pub fn set_buffer(&mut self, name: &str, value: Tensor) -> Result<()> {
        match self.buffers.get_mut(name) {
            Some(b) if b.dims() == value.dims() => {
                *b = value.detach();
                Ok(())
            }
            Some(b) => {
                Err(Error::Shape { name: name.into(), expected: b.dims().to_vec(), found: value.dims().to_vec() })
            }
            None => Err(Error::MissingTensor(name.into())),
        }
    }

    /// Total trainable elements.
    pub fn num_params(&self) -> usize {
        self.params.values().map(|v| v.elem_count()).sum()
    }
}
