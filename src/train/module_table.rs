//! The per-module table of a network written by the trainer (what `inspect` shows and what our
//! safetensors format lists), made from the state-dict names with NVIDIA's class names.

use std::collections::BTreeMap;

use candle_core::Tensor;

use crate::checkpoint::ModuleSummary;

/// NVIDIA's class of the generator module at `path`.
pub fn generator_class(path: &str) -> &'static str {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    match path {
        "" => "Generator",
        "mapping" => "MappingNetwork",
        "synthesis" => "SynthesisNetwork",
        "synthesis.input" => "SynthesisInput",
        _ if leaf == "affine" || path.starts_with("mapping.") => "FullyConnectedLayer",
        _ if leaf == "torgb" => "ToRGBLayer",
        _ if leaf == "skip" => "Conv2dLayer",
        _ if path.matches('.').count() == 1 && leaf.starts_with('b') => "SynthesisBlock",
        _ => "SynthesisLayer",
    }
}

/// NVIDIA's class of the discriminator module at `path`.
pub fn discriminator_class(path: &str) -> &'static str {
    match path {
        "" => "Discriminator",
        "b4" => "DiscriminatorEpilogue",
        "b4.mbstd" => "MinibatchStdLayer",
        "mapping" => "MappingNetwork",
        _ if path.starts_with("mapping.") || path == "b4.fc" || path == "b4.out" => "FullyConnectedLayer",
        _ if !path.contains('.') => "DiscriminatorBlock",
        _ => "Conv2dLayer",
    }
}

/// A module's own parameters `(name, shape)` and buffers `(name, shape if a tensor)`.
type OwnTensors = (Vec<(String, Vec<usize>)>, Vec<(String, Option<Vec<usize>>)>);

/// Modules (every ancestor of a tensor, parents first) with their own parameters and buffers.
pub fn module_table(
    tensors: &BTreeMap<String, Tensor>,
    is_param: &dyn Fn(&str) -> bool,
    class_of: fn(&str) -> &'static str,
) -> Vec<ModuleSummary> {
    let mut order: Vec<String> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut own: Vec<OwnTensors> = Vec::new();
    let mut module = |path: &str, order: &mut Vec<String>, own: &mut Vec<_>| -> usize {
        if let Some(&i) = index.get(path) {
            return i;
        }
        order.push(path.to_string());
        own.push((Vec::new(), Vec::new()));
        index.insert(path.to_string(), order.len() - 1);
        order.len() - 1
    };
    for (name, t) in tensors {
        let (path, leaf) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
        let mut prefix = String::new();
        module("", &mut order, &mut own);
        for part in path.split('.').filter(|p| !p.is_empty()) {
            prefix = if prefix.is_empty() { part.to_string() } else { format!("{prefix}.{part}") };
            module(&prefix, &mut order, &mut own);
        }
        let i = module(path, &mut order, &mut own);
        if is_param(name) {
            own[i].0.push((leaf.to_string(), t.dims().to_vec()));
        } else {
            own[i].1.push((leaf.to_string(), Some(t.dims().to_vec())));
        }
    }
    order
        .into_iter()
        .zip(own)
        .map(|(path, (params, buffers))| ModuleSummary {
            class_name: class_of(&path).to_string(),
            path,
            params,
            buffers,
        })
        .collect()
}
