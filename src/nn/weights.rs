//! Named tensors under their PyTorch state-dict names (`synthesis.L3_52_512.affine.weight`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use candle_core::Tensor;

use crate::{Error, Result};

/// The parameters and buffers of one network, looked up by state-dict name.
///
/// Lookups are recorded, so a builder can check that every tensor of a checkpoint was consumed
/// ([`Weights::unused`]).
#[derive(Debug, Default)]
pub struct Weights {
    tensors: BTreeMap<String, Tensor>,
    used: RefCell<BTreeSet<String>>,
}

impl Weights {
    pub fn new(tensors: BTreeMap<String, Tensor>) -> Self {
        Self { tensors, used: RefCell::new(BTreeSet::new()) }
    }

    /// The tensor `name`, which must have exactly `shape`.
    pub fn get(&self, name: &str, shape: &[usize]) -> Result<Tensor> {
        let t = self.get_any(name)?;
        if t.dims() != shape {
            return Err(Error::Shape { name: name.to_string(), expected: shape.to_vec(), found: t.dims().to_vec() });
        }
        Ok(t)
    }

    /// The tensor `name`, whatever its shape.
    pub fn get_any(&self, name: &str) -> Result<Tensor> {
        self.get_opt(name).ok_or_else(|| Error::MissingTensor(name.to_string()))
    }

    /// The tensor `name` if present (e.g. `None` buffers such as StyleGAN3 ToRGB filters).
    pub fn get_opt(&self, name: &str) -> Option<Tensor> {
        let t = self.tensors.get(name)?;
        self.used.borrow_mut().insert(name.to_string());
        Some(t.clone())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }

    /// Names never looked up so far.
    pub fn unused(&self) -> Vec<String> {
        let used = self.used.borrow();
        self.tensors.keys().filter(|k| !used.contains(*k)).cloned().collect()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tensors.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.tensors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tensors.is_empty()
    }

    pub fn into_map(self) -> BTreeMap<String, Tensor> {
        self.tensors
    }
}
