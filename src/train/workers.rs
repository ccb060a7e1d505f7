//! Data-parallel training steps: a phase's minibatch split into `parts` equal slices, each
//! slice's forward and backward pass run on its own thread, and the slices' gradients averaged,
//! as NVIDIA's training loop does across `--gpus` (there, one slice per GPU and an all-reduce).
//!
//! On a 2-core CPU the op-level thread pools leave a core idle between small ops at 32²
//! (about 160 % of 200 % busy); two slices on two threads keep both cores on work. The result
//! equals the whole-batch step up to float rounding, except where NVIDIA's multi-GPU step
//! differs in the same way: the minibatch standard deviation groups form within a slice, and
//! the moving averages of G's buffers (`w_avg`, `magnitude_ema`) follow the first slice only
//! (NVIDIA keeps rank 0's).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::{Error, Result};

/// Runs `f(0) … f(parts − 1)` at once, each on a scoped thread inside a thread pool of its own
/// (its share of rayon's threads, at least one), and returns their results in order (the first
/// error, if any). With its own pool, a worker's parallel kernels run on its threads rather than
/// queueing behind the other worker's in the global pool.
pub fn run_parts<T: Send, F: Fn(usize) -> Result<T> + Sync>(parts: usize, f: F) -> Result<Vec<T>> {
    if parts <= 1 {
        return Ok(vec![f(0)?]);
    }
    let pools = pools(parts)?;
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> =
            pools.iter().enumerate().map(|(k, pool)| s.spawn(move || pool.install(|| f(k)))).collect();
        let results: Vec<Result<T>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::Invalid("a training worker thread panicked".into()))))
            .collect();
        results.into_iter().collect()
    })
}

/// The thread pools of `parts` workers, made once per process and worker count: a new pool per
/// phase would start threads (and glibc would give them fresh allocator arenas) every step.
fn pools(parts: usize) -> Result<Arc<Vec<ThreadPool>>> {
    static POOLS: OnceLock<Mutex<BTreeMap<usize, Arc<Vec<ThreadPool>>>>> = OnceLock::new();
    let mut cache = POOLS.get_or_init(Mutex::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = cache.get(&parts) {
        return Ok(p.clone());
    }
    let threads = (rayon::current_num_threads() / parts).max(1);
    let made = (0..parts)
        .map(|k| {
            ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(move |i| format!("stylescope-worker{k}-{i}"))
                .build()
                .map_err(|e| Error::Invalid(format!("cannot start the threads of training worker {k}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let made = Arc::new(made);
    cache.insert(parts, made.clone());
    Ok(made)
}

/// Start and length of slice `k` of `parts` equal slices of a batch of `n`.
pub fn slice_range(n: usize, k: usize, parts: usize) -> Result<(usize, usize)> {
    if parts == 0 || !n.is_multiple_of(parts) || k >= parts {
        return Err(Error::Invalid(format!("a batch of {n} cannot be split into {parts} equal parts")));
    }
    let len = n / parts;
    Ok((k * len, len))
}

/// Slice `k` of `parts` equal slices of `x` along its first (batch) dimension.
pub fn part_of(x: &Tensor, k: usize, parts: usize) -> Result<Tensor> {
    if parts <= 1 {
        return Ok(x.clone());
    }
    let (start, len) = slice_range(x.dim(0)?, k, parts)?;
    Ok(x.narrow(0, start, len)?)
}

/// The gradients of a slice's mean loss, weighted `1 / parts` so that the slices' sum is the
/// gradient of the whole batch's mean.
pub fn backward_part(loss: &Tensor, parts: usize) -> Result<GradStore> {
    if parts <= 1 {
        return Ok(loss.backward()?);
    }
    Ok(loss.affine(1.0 / parts as f64, 0.0)?.backward()?)
}

/// The sum of the slices' gradients of `params` (a parameter without a gradient in any slice
/// stays without one, as in a single backward pass).
pub fn sum_grads(mut stores: Vec<GradStore>, params: &BTreeMap<String, Var>) -> Result<GradStore> {
    if stores.is_empty() {
        return Err(Error::Invalid("no gradients to sum".into()));
    }
    let mut total = stores.remove(0);
    for store in &stores {
        for var in params.values() {
            let t = var.as_tensor();
            let Some(g) = store.get(t) else { continue };
            let sum = match total.get(t) {
                Some(acc) => (acc + g)?,
                None => g.clone(),
            };
            total.insert(t, sum);
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use candle_core::{Device, Tensor, Var};

    use super::*;

    fn model() -> (BTreeMap<String, Var>, Tensor) {
        let w = Var::from_vec((0..12).map(|i| (i as f32 - 5.0) * 0.1).collect::<Vec<_>>(), (3, 4), &Device::Cpu)
            .expect("w");
        let b = Var::from_vec(vec![0.3f32, -0.2, 0.1, 0.05], 4, &Device::Cpu).expect("b");
        let x = Tensor::from_vec(
            (0..24).map(|i| ((i * 7) % 11) as f32 * 0.2 - 1.0).collect::<Vec<_>>(),
            (8, 3),
            &Device::Cpu,
        )
        .expect("x");
        (BTreeMap::from([("b".to_string(), b), ("w".to_string(), w)]), x)
    }

    /// The batch mean of `Σ (xW + b)²`.
    fn loss(params: &BTreeMap<String, Var>, x: &Tensor) -> Result<Tensor> {
        let y = x.matmul(params["w"].as_tensor())?.broadcast_add(params["b"].as_tensor())?;
        Ok(y.sqr()?.sum(1)?.mean_all()?)
    }

    #[test]
    fn split_batches_sum_to_the_whole_batch_gradient() {
        let (params, x) = model();
        let whole = loss(&params, &x).expect("loss").backward().expect("backward");
        for parts in [2usize, 4] {
            let stores =
                run_parts(parts, |k| backward_part(&loss(&params, &part_of(&x, k, parts)?)?, parts)).expect("parts");
            let sum = sum_grads(stores, &params).expect("sum");
            for (name, var) in &params {
                let a =
                    whole.get(var.as_tensor()).expect("whole").flatten_all().expect("f").to_vec1::<f32>().expect("v");
                let b = sum.get(var.as_tensor()).expect("sum").flatten_all().expect("f").to_vec1::<f32>().expect("v");
                let err = a.iter().zip(&b).map(|(p, q)| (p - q).abs()).fold(0.0f32, f32::max);
                let scale = a.iter().map(|p| p.abs()).fold(0.0f32, f32::max);
                assert!(scale > 0.1 && err < 1e-5 * scale, "{parts} parts, {name}: {a:?} vs {b:?}");
            }
        }
        // Unweighted slices would give `parts` times the gradient: the weighting matters.
        let stores = run_parts(2, |k| Ok(loss(&params, &part_of(&x, k, 2)?)?.backward()?)).expect("parts");
        let sum = sum_grads(stores, &params).expect("sum");
        let a = whole.get(params["b"].as_tensor()).expect("g").to_vec1::<f32>().expect("v");
        let b = sum.get(params["b"].as_tensor()).expect("g").to_vec1::<f32>().expect("v");
        assert!(a.iter().zip(&b).all(|(p, q)| (2.0 * p - q).abs() < 1e-5 * p.abs().max(1.0)));
    }

    #[test]
    fn errors_and_uneven_splits_are_reported() {
        let x = Tensor::zeros((6, 2), candle_core::DType::F32, &Device::Cpu).expect("x");
        let e = part_of(&x, 0, 4).expect_err("6 into 4");
        assert!(e.to_string().contains("batch of 6 cannot be split into 4"), "{e}");
        let r = run_parts(3, |k| if k == 2 { Err(Error::Invalid(format!("part {k} failed"))) } else { Ok(k) });
        assert!(r.expect_err("part 2").to_string().contains("part 2 failed"));
        assert_eq!(run_parts(3, Ok).expect("all"), vec![0, 1, 2]);
    }
}
