//! Typed access to a module's attributes and parameter shapes, with errors that name the module
//! path, its class and the attribute (used by the architecture builders).

use serde_json::Value;

use crate::nn::config::Activation;
use crate::{Error, Result};

use super::module_tree::ModuleNode;

/// A module of a network with its dotted path (`G_ema.synthesis.L3_36_32`).
#[derive(Clone, Debug)]
pub struct ModuleView<'n> {
    pub node: &'n ModuleNode,
    path: String,
}

impl<'n> ModuleView<'n> {
    pub fn new(node: &'n ModuleNode, path: impl Into<String>) -> Self {
        Self { node, path: path.into() }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn class(&self) -> &'n str {
        &self.node.class_name
    }

    /// A format error about this module.
    pub fn error(&self, msg: impl std::fmt::Display) -> Error {
        Error::Format(format!("`{}` ({}): {msg}", self.path, self.node.class_name))
    }

    /// Child `name`, which must exist.
    pub fn child(&self, name: &str) -> Result<ModuleView<'n>> {
        self.child_opt(name).ok_or_else(|| self.error(format_args!("has no child module `{name}`")))
    }

    pub fn child_opt(&self, name: &str) -> Option<ModuleView<'n>> {
        let node = self.node.child(name)?;
        Some(ModuleView { node, path: format!("{}.{name}", self.path) })
    }

    /// Attribute `name`, which must exist.
    pub fn attr(&self, name: &str) -> Result<&'n Value> {
        self.node.attrs.get(name).ok_or_else(|| self.error(format_args!("has no attribute `{name}`")))
    }

    pub fn has_attr(&self, name: &str) -> bool {
        self.node.attrs.contains_key(name)
    }

    fn bad(&self, name: &str, expected: &str, v: &Value) -> Error {
        self.error(format_args!("attribute `{name}` should be {expected}, found {v}"))
    }

    pub fn usize(&self, name: &str) -> Result<usize> {
        let v = self.attr(name)?;
        as_usize(v).ok_or_else(|| self.bad(name, "a non-negative integer", v))
    }

    pub fn i64(&self, name: &str) -> Result<i64> {
        let v = self.attr(name)?;
        as_i64(v).ok_or_else(|| self.bad(name, "an integer", v))
    }

    pub fn f64(&self, name: &str) -> Result<f64> {
        let v = self.attr(name)?;
        v.as_f64().ok_or_else(|| self.bad(name, "a number", v))
    }

    /// A number or `None` (e.g. `conv_clamp`).
    pub fn opt_f64(&self, name: &str) -> Result<Option<f64>> {
        match self.attr(name)? {
            Value::Null => Ok(None),
            v => v.as_f64().map(Some).ok_or_else(|| self.bad(name, "a number or None", v)),
        }
    }

    pub fn bool(&self, name: &str) -> Result<bool> {
        let v = self.attr(name)?;
        match v {
            Value::Bool(b) => Ok(*b),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(false),
            Value::Number(n) if n.as_i64() == Some(1) => Ok(true),
            _ => Err(self.bad(name, "a bool", v)),
        }
    }

    pub fn str(&self, name: &str) -> Result<&'n str> {
        let v = self.attr(name)?;
        v.as_str().ok_or_else(|| self.bad(name, "a string", v))
    }

    /// `[h, w]` from a 2-element array (NumPy `size` attributes) or a single integer.
    pub fn size2(&self, name: &str) -> Result<[usize; 2]> {
        let v = self.attr(name)?;
        if let Some(n) = as_usize(v) {
            return Ok([n, n]);
        }
        match v.as_array().map(|a| a.iter().map(as_usize).collect::<Option<Vec<_>>>()) {
            Some(Some(a)) if a.len() == 2 => Ok([a[0], a[1]]),
            _ => Err(self.bad(name, "a pair of non-negative integers", v)),
        }
    }

    /// Exactly four integers (SG3 `padding`).
    pub fn i64x4(&self, name: &str) -> Result<[i64; 4]> {
        let v = self.attr(name)?;
        match v.as_array().map(|a| a.iter().map(as_i64).collect::<Option<Vec<_>>>()) {
            Some(Some(a)) if a.len() == 4 => Ok([a[0], a[1], a[2], a[3]]),
            _ => Err(self.bad(name, "four integers", v)),
        }
    }

    /// A list of strings (SG3 `layer_names`).
    pub fn strings(&self, name: &str) -> Result<Vec<&'n str>> {
        let v = self.attr(name)?;
        match v.as_array().map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()) {
            Some(Some(a)) => Ok(a),
            _ => Err(self.bad(name, "a list of strings", v)),
        }
    }

    /// A list of non-negative integers (SG2 `block_resolutions`).
    pub fn usizes(&self, name: &str) -> Result<Vec<usize>> {
        let v = self.attr(name)?;
        match v.as_array().map(|a| a.iter().map(as_usize).collect::<Option<Vec<_>>>()) {
            Some(Some(a)) => Ok(a),
            _ => Err(self.bad(name, "a list of non-negative integers", v)),
        }
    }

    pub fn activation(&self, name: &str) -> Result<Activation> {
        let s = self.str(name)?;
        Activation::from_name(s).ok_or_else(|| self.error(format_args!("unknown activation `{s}` in `{name}`")))
    }

    /// The shape of parameter `name`, which must exist with `ndim` dimensions.
    pub fn param_shape(&self, name: &str, ndim: usize) -> Result<&'n [usize]> {
        let t = self.node.param(name).ok_or_else(|| self.error(format_args!("has no parameter `{name}`")))?;
        if t.shape.len() != ndim {
            return Err(
                self.error(format_args!("parameter `{name}` has shape {:?}, expected {ndim} dimensions", t.shape))
            );
        }
        Ok(&t.shape)
    }

    pub fn has_param(&self, name: &str) -> bool {
        self.node.param(name).is_some()
    }
}

fn as_usize(v: &Value) -> Option<usize> {
    if let Some(n) = v.as_u64() {
        return usize::try_from(n).ok();
    }
    let f = v.as_f64()?;
    (f >= 0.0 && f.fract() == 0.0 && f < 9.0e15).then_some(f as usize)
}

fn as_i64(v: &Value) -> Option<i64> {
    if let Some(n) = v.as_i64() {
        return Some(n);
    }
    let f = v.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}
