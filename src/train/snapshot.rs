//! Training snapshots in stylescope's safetensors format: the networks `G`, `D`, `G_ema` (so the
//! file opens in `generate`, `inspect` and the explorer like any converted pickle), plus three
//! networks of kind "other" that only the trainer reads: `G_opt` and `D_opt` (Adam's moments
//! `exp_avg.<param>`, `exp_avg_sq.<param>`; settings and step count in `init_kwargs`) and
//! `training_state` (progress counters, the path-length mean and the options in `init_kwargs`).
//! Files are written to a temporary file and renamed into place, so a crash never leaves a
//! half-written snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use candle_core::{DType as CDType, Device, Tensor};
use serde_json::{Value, json};

use crate::checkpoint::{Checkpoint, CheckpointFormat, DType, HostTensor, ModuleSummary, Network, NetworkKind};
use crate::error::ResultExt;
use crate::train::adam::{Adam, Moments};
use crate::train::module_table::{discriminator_class, generator_class, module_table};
use crate::train::params::{ParamSet, is_generator_buffer};
use crate::train::trainer::Trainer;
use crate::{Error, Result};

/// Key and version of the training-state network.
pub const STATE_KEY: &str = "training_state";
pub const STATE_VERSION: u64 = 1;

/// Descriptions of a network that the file keeps (class names, constructor arguments).
#[derive(Clone, Debug, Default)]
pub struct NetworkInfo {
    pub class_name: String,
    pub modules: Option<Vec<ModuleSummary>>,
    pub init_kwargs: Value,
}

fn host(t: &Tensor) -> Result<HostTensor> {
    let v = t.to_dtype(CDType::F32)?.flatten_all()?.to_vec1::<f32>()?;
    Ok(HostTensor {
        dtype: DType::F32,
        shape: t.dims().to_vec(),
        data: v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    })
}

fn host_vec(v: &[f32], shape: &[usize]) -> HostTensor {
    HostTensor { dtype: DType::F32, shape: shape.to_vec(), data: v.iter().flat_map(|x| x.to_le_bytes()).collect() }
}

/// A network from its tensors, in the order of its module table.
fn network(
    key: &str,
    kind: NetworkKind,
    info: &NetworkInfo,
    tensors: &BTreeMap<String, Tensor>,
    table: Vec<ModuleSummary>,
) -> Result<Network> {
    let modules = match &info.modules {
        // Keep the source's table when it lists exactly these tensors.
        Some(m) if same_tensors(m, tensors) => m.clone(),
        _ => table,
    };
    let mut out = Vec::with_capacity(tensors.len());
    for m in &modules {
        let dot = if m.path.is_empty() { String::new() } else { format!("{}.", m.path) };
        let names =
            m.params.iter().map(|(n, _)| n).chain(m.buffers.iter().filter(|(_, s)| s.is_some()).map(|(n, _)| n));
        for n in names {
            let full = format!("{dot}{n}");
            let t = tensors.get(&full).ok_or_else(|| Error::MissingTensor(format!("{key}.{full}")))?;
            out.push((full, host(t)?));
        }
    }
    Ok(Network {
        key: key.into(),
        class_name: info.class_name.clone(),
        kind,
        tensors: out,
        modules,
        init_kwargs: info.init_kwargs.clone(),
    })
}

fn same_tensors(modules: &[ModuleSummary], tensors: &BTreeMap<String, Tensor>) -> bool {
    let mut n = 0;
    for m in modules {
        let dot = if m.path.is_empty() { String::new() } else { format!("{}.", m.path) };
        let present = m.params.iter().map(|(n, s)| (n, Some(s))).chain(m.buffers.iter().map(|(n, s)| (n, s.as_ref())));
        for (name, shape) in present {
            let Some(shape) = shape else { continue };
            match tensors.get(&format!("{dot}{name}")) {
                Some(t) if t.dims() == shape.as_slice() => n += 1,
                _ => return false,
            }
        }
    }
    n == tensors.len()
}

fn optimiser(key: &str, opt: &Adam, params: &ParamSet) -> Result<Network> {
    let mut tensors = Vec::new();
    let mut listed = Vec::new();
    for (which, pick) in [("exp_avg", 0), ("exp_avg_sq", 1)] {
        for (name, m) in &opt.moments {
            let shape = params.params.get(name).map(|v| v.dims().to_vec()).unwrap_or_else(|| vec![m.exp_avg.len()]);
            let v = if pick == 0 { &m.exp_avg } else { &m.exp_avg_sq };
            let full = format!("{which}.{name}");
            listed.push((full.clone(), shape.clone()));
            tensors.push((full, host_vec(v, &shape)));
        }
    }
    Ok(Network {
        key: key.into(),
        class_name: "Adam".into(),
        kind: NetworkKind::Other("Adam optimiser state".into()),
        tensors,
        modules: vec![ModuleSummary {
            path: String::new(),
            class_name: "Adam".into(),
            params: listed,
            buffers: vec![],
        }],
        init_kwargs: json!({"lr": opt.lr, "betas": opt.betas, "eps": opt.eps, "step": opt.step}),
    })
}

/// The counters a snapshot records.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub cur_nimg: u64,
    pub batch_idx: u64,
    /// The tick during which the snapshot was written.
    pub cur_tick: u64,
}

/// Writes `trainer`'s state to `path` (atomically).
pub fn write_snapshot(
    path: &Path,
    trainer: &Trainer,
    progress: &Progress,
    g_info: &NetworkInfo,
    d_info: &NetworkInfo,
    options: &Value,
    training_set_kwargs: Option<Value>,
) -> Result<()> {
    let g_vals = trainer.g.values();
    let is_g_param = |n: &str| !is_generator_buffer(n);
    let d_cfg = &trainer.d_config;
    let is_d_param = |n: &str| d_cfg.is_trainable(n);
    let g_kind = || NetworkKind::Generator(trainer.g_config.clone());
    let networks = vec![
        network("G", g_kind(), g_info, &g_vals, module_table(&g_vals, &is_g_param, generator_class))?,
        network(
            "D",
            NetworkKind::Discriminator(d_cfg.clone()),
            d_info,
            &trainer.d.values(),
            module_table(&trainer.d.values(), &is_d_param, discriminator_class),
        )?,
        network("G_ema", g_kind(), g_info, &trainer.g_ema, module_table(&trainer.g_ema, &is_g_param, generator_class))?,
        optimiser("G_opt", &trainer.g_opt, &trainer.g)?,
        optimiser("D_opt", &trainer.d_opt, &trainer.d)?,
        Network {
            key: STATE_KEY.into(),
            class_name: "TrainingState".into(),
            kind: NetworkKind::Other("stylescope training progress".into()),
            tensors: vec![],
            modules: vec![],
            init_kwargs: json!({
                "version": STATE_VERSION,
                "cur_nimg": progress.cur_nimg,
                "batch_idx": progress.batch_idx,
                "cur_tick": progress.cur_tick,
                "pl_mean": trainer.pl_mean,
                "seed": trainer.seed,
                // Off after a pickle or generator-only resume; kept so that its continuation
                // keeps them off.
                "ema_rampup": trainer.hyper.ema_rampup,
                "blur_init_sigma": trainer.hyper.blur_init_sigma,
                "options": options,
            }),
        },
    ];
    let ckpt = Checkpoint {
        path: PathBuf::from(path),
        format: CheckpointFormat::Safetensors,
        networks,
        training_set_kwargs,
        title: None,
    };
    ckpt.save_safetensors(path, &[])
}

/// What a stylescope snapshot restores.
#[derive(Debug)]
pub struct Restored {
    pub g_opt: Adam,
    pub d_opt: Adam,
    pub progress: Progress,
    pub pl_mean: f64,
    pub seed: u64,
    /// The run's EMA ramp-up and initial blur (`None` in snapshots written before they were kept).
    pub ema_rampup: Option<Option<f64>>,
    pub blur_init_sigma: Option<f64>,
}

fn u64_of(v: &Value, key: &str) -> Result<u64> {
    v[key].as_u64().ok_or_else(|| Error::Format(format!("training state: `{key}` is missing or not a count")))
}

fn read_optimiser(ckpt: &Checkpoint, key: &str) -> Result<Adam> {
    let n = ckpt.network(key).ok_or_else(|| Error::Format(format!("a training snapshot without `{key}`")))?;
    let k = &n.init_kwargs;
    let num = |v: &Value| v.as_f64().ok_or_else(|| Error::Format(format!("`{key}`: bad optimiser settings")));
    let betas =
        k["betas"].as_array().filter(|b| b.len() == 2).ok_or_else(|| Error::Format(format!("`{key}`: bad betas")))?;
    let mut opt = Adam::new(num(&k["lr"])?, [num(&betas[0])?, num(&betas[1])?], num(&k["eps"])?);
    opt.step = u64_of(k, "step")?;
    let mut moments: BTreeMap<String, Moments> = BTreeMap::new();
    for (name, t) in &n.tensors {
        let v = t.to_f32_vec().ok_or_else(|| Error::Format(format!("`{key}.{name}` is not float")))?;
        let (which, param) =
            name.split_once('.').ok_or_else(|| Error::Format(format!("`{key}.{name}`: unknown state")))?;
        let m = moments.entry(param.to_string()).or_insert_with(|| Moments { exp_avg: vec![], exp_avg_sq: vec![] });
        match which {
            "exp_avg" => m.exp_avg = v,
            "exp_avg_sq" => m.exp_avg_sq = v,
            _ => return Err(Error::Format(format!("`{key}.{name}`: unknown state"))),
        }
    }
    opt.moments = moments;
    Ok(opt)
}

/// Whether a checkpoint is a stylescope training snapshot.
pub fn is_training_snapshot(ckpt: &Checkpoint) -> bool {
    ckpt.network(STATE_KEY).is_some()
}

/// The optimiser state and counters of a stylescope snapshot.
pub fn read_state(ckpt: &Checkpoint) -> Result<Restored> {
    let inner = || -> Result<Restored> {
        let s = &ckpt.network(STATE_KEY).ok_or_else(|| Error::Format("not a training snapshot".into()))?.init_kwargs;
        if u64_of(s, "version")? != STATE_VERSION {
            return Err(Error::Unsupported(format!("training state version {}", s["version"])));
        }
        let (ema_rampup, blur_init_sigma) = optional_hypers(s)?;
        Ok(Restored {
            g_opt: read_optimiser(ckpt, "G_opt")?,
            d_opt: read_optimiser(ckpt, "D_opt")?,
            progress: Progress {
                cur_nimg: u64_of(s, "cur_nimg")?,
                batch_idx: u64_of(s, "batch_idx")?,
                cur_tick: u64_of(s, "cur_tick")?,
            },
            pl_mean: s["pl_mean"].as_f64().ok_or_else(|| Error::Format("training state: bad `pl_mean`".into()))?,
            seed: u64_of(s, "seed")?,
            ema_rampup,
            blur_init_sigma,
        })
    };
    inner().map_err(|e| e.in_file(&ckpt.path))
}

/// `ema_rampup` (`null`: none) and `blur_init_sigma` of a training state; each `None` when absent,
/// as in snapshots written before they were stored.
fn optional_hypers(s: &Value) -> Result<(Option<Option<f64>>, Option<f64>)> {
    let bad = |field: &str| Error::Format(format!("training state: bad `{field}`"));
    let ema_rampup = s
        .get("ema_rampup")
        .map(|v| if v.is_null() { Ok(None) } else { v.as_f64().map(Some).ok_or_else(|| bad("ema_rampup")) })
        .transpose()?;
    let blur = s.get("blur_init_sigma").map(|v| v.as_f64().ok_or_else(|| bad("blur_init_sigma"))).transpose()?;
    Ok((ema_rampup, blur))
}

/// The tensors of network `key` as float32 candle tensors.
pub fn tensors(ckpt: &Checkpoint, key: &str, device: &Device) -> Result<BTreeMap<String, Tensor>> {
    let w = ckpt.weights(key, device)?;
    let map = w.into_map();
    map.into_iter().map(|(k, t)| Ok((k, t.to_dtype(CDType::F32)?))).collect::<Result<_>>().in_file(&ckpt.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_hypers_absent_null_number_and_bad() {
        assert_eq!(optional_hypers(&json!({})).unwrap(), (None, None));
        let s = json!({"ema_rampup": null, "blur_init_sigma": 10.0});
        assert_eq!(optional_hypers(&s).unwrap(), (Some(None), Some(10.0)));
        let s = json!({"ema_rampup": 0.05, "blur_init_sigma": 0});
        assert_eq!(optional_hypers(&s).unwrap(), (Some(Some(0.05)), Some(0.0)));
        let e = optional_hypers(&json!({"ema_rampup": "0.05"})).unwrap_err().to_string();
        assert!(e.contains("bad `ema_rampup`"), "{e}");
        let e = optional_hypers(&json!({"blur_init_sigma": null})).unwrap_err().to_string();
        assert!(e.contains("bad `blur_init_sigma`"), "{e}");
    }
}
