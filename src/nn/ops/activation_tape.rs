//! Frozen activation patterns, for training's finite-difference regularisers.
//!
//! R1 and path-length regularisation need the parameter gradient of a directional derivative of
//! a network, `∇θ ∂_v f(x; θ)`, which `crate::train` computes as a central difference
//! `∇θ (f(x + hv) − f(x − hv)) / 2h` with ordinary first-order backpropagation. Leaky ReLU and
//! clamps are only piecewise smooth: a difference whose two points straddle a kink picks up the
//! jump of the activation's slope (divided by `2h`), which does not vanish as `h → 0` and in
//! practice dominates the result. PyTorch's double backpropagation treats the slopes as
//! constants (the second derivative of leaky ReLU is 0 almost everywhere). The tape does the
//! same: a forward pass under [`record`] notes, per `bias_act` call in order, which samples were
//! on which side of the kink (and which were clamped); passes under [`replay`] reuse those
//! patterns instead of recomputing them, so the perturbed networks are smooth in `h` and the
//! central difference converges to the exact (almost-everywhere) derivative.
//!
//! The tape is per thread and only affects [`super::bias_act::bias_act`] /
//! [`super::bias_act::bias_act_ref`] (leaky ReLU, ReLU and clamp); outside a guard nothing changes.

use std::cell::RefCell;

use candle_core::{DType, Tensor};

use crate::{Error, Result};

enum Mode {
    Record,
    Replay,
}

struct Tape {
    mode: Mode,
    masks: Vec<Tensor>,
    pos: usize,
}

thread_local! {
    static TAPE: RefCell<Option<Tape>> = const { RefCell::new(None) };
}

/// While alive, `bias_act` records or replays activation patterns on this thread.
#[must_use = "the tape is active only while the guard lives"]
pub struct TapeGuard {
    previous: Option<Tape>,
}

fn install(t: Tape) -> TapeGuard {
    TapeGuard { previous: TAPE.with(|cell| cell.borrow_mut().replace(t)) }
}

/// Starts recording the activation patterns of the forward passes that follow.
pub fn record() -> TapeGuard {
    install(Tape { mode: Mode::Record, masks: Vec::new(), pos: 0 })
}

/// Replays `patterns` (from [`TapeGuard::finish`] of a recording) in order.
pub fn replay(patterns: &[Tensor]) -> TapeGuard {
    install(Tape { mode: Mode::Replay, masks: patterns.to_vec(), pos: 0 })
}

impl TapeGuard {
    /// Ends the tape: the recorded patterns (recording), or a check that every pattern was used
    /// (replaying).
    pub fn finish(mut self) -> Result<Vec<Tensor>> {
        let tape = TAPE.with(|cell| cell.borrow_mut().take());
        TAPE.with(|cell| *cell.borrow_mut() = self.previous.take());
        match tape {
            Some(Tape { mode: Mode::Record, masks, .. }) => Ok(masks),
            Some(Tape { mode: Mode::Replay, masks, pos }) if pos == masks.len() => Ok(Vec::new()),
            Some(Tape { masks, pos, .. }) => Err(Error::Invalid(format!(
                "activation tape: {pos} of {} recorded patterns were replayed",
                masks.len()
            ))),
            None => Err(Error::Invalid("activation tape: no tape is active".into())),
        }
    }
}

impl Drop for TapeGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = TAPE.try_with(|cell| *cell.borrow_mut() = previous);
    }
}

/// Whether a tape is active on this thread (then `bias_act` takes the reference path).
pub fn is_active() -> bool {
    TAPE.with(|cell| cell.borrow().is_some())
}

/// The pattern of this call: computed by `compute` (and recorded) when recording, the next
/// recorded one when replaying (its shape must be `shape`), `None` without a tape.
pub fn pattern(shape: &[usize], compute: impl FnOnce() -> Result<Tensor>) -> Result<Option<Tensor>> {
    TAPE.with(|cell| {
        let mut borrow = cell.borrow_mut();
        let Some(tape) = borrow.as_mut() else { return Ok(None) };
        match tape.mode {
            Mode::Record => {
                let m = compute()?.detach();
                tape.masks.push(m.clone());
                Ok(Some(m))
            }
            Mode::Replay => {
                let m = tape.masks.get(tape.pos).cloned().ok_or_else(|| {
                    Error::Invalid(format!("activation tape: more activations than the {} recorded", tape.masks.len()))
                })?;
                if m.dims() != shape {
                    return Err(Error::Invalid(format!(
                        "activation tape: pattern {} has shape {:?}, this activation {shape:?}",
                        tape.pos,
                        m.dims()
                    )));
                }
                tape.pos += 1;
                Ok(Some(m))
            }
        }
    })
}

/// Leaky ReLU (`alpha` = 0: ReLU) with the slope pattern of the tape: `x·(alpha + (1−alpha)·[x_rec ≥ 0])`.
pub fn leaky_relu(x: &Tensor, alpha: f64) -> Result<Option<Tensor>> {
    let m = pattern(x.dims(), || Ok(x.ge(0.0)?.to_dtype(DType::F32)?))?;
    match m {
        Some(m) => {
            let slope = m.to_dtype(x.dtype())?.affine(1.0 - alpha, alpha)?;
            Ok(Some((x * slope)?))
        }
        None => Ok(None),
    }
}

/// Clamp to `±c` with the tape's pattern: entries clamped when recorded stay at `±c`, the others
/// pass through.
pub fn clamp(x: &Tensor, c: f64) -> Result<Option<Tensor>> {
    let m = pattern(x.dims(), || {
        let hi = x.gt(c)?.to_dtype(DType::F32)?;
        let lo = x.lt(-c)?.to_dtype(DType::F32)?;
        Ok((hi - lo)?)
    })?;
    match m {
        Some(m) => {
            let m = m.to_dtype(x.dtype())?;
            let pass = m.abs()?.affine(-1.0, 1.0)?;
            Ok(Some(((x * pass)? + m.affine(c, 0.0)?)?))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::config::Activation;
    use crate::nn::ops::bias_act::{BiasAct, bias_act};
    use candle_core::Device;

    fn t(v: &[f32]) -> Tensor {
        Tensor::new(v, &Device::Cpu).unwrap().reshape((1, v.len())).unwrap()
    }

    #[test]
    fn replay_freezes_slopes_and_clamps() {
        let p = BiasAct::new(Activation::Lrelu).with_clamp(Some(1.0));
        let x = t(&[-1.0, -0.01, 0.01, 0.5, 3.0]);
        let tape = record();
        let y0 = bias_act(&x, None, &p).unwrap();
        let patterns = tape.finish().unwrap();
        assert_eq!(patterns.len(), 2, "one slope pattern, one clamp pattern");
        assert_eq!(y0.to_vec2::<f32>().unwrap(), bias_act(&x, None, &p).unwrap().to_vec2::<f32>().unwrap());
        // Shifted across the kink and the clamp: the recorded sides are kept.
        let x2 = t(&[-1.0, 0.01, -0.01, 0.8, -3.0]);
        let g = replay(&patterns);
        let y = bias_act(&x2, None, &p).unwrap().to_vec2::<f32>().unwrap()[0].clone();
        g.finish().unwrap();
        let s = 2f32.sqrt();
        let want = [-0.2 * s, 0.2 * 0.01 * s, -0.01 * s, 0.8 * s, 1.0];
        for (a, b) in y.iter().zip(want) {
            assert!((a - b).abs() < 1e-6, "{y:?} vs {want:?}");
        }
        // Without a tape nothing is frozen; a replay that runs short or long is an error.
        assert!(!is_active());
        let g = replay(&patterns);
        bias_act(&x, None, &BiasAct::new(Activation::Lrelu)).unwrap();
        assert!(g.finish().is_err(), "the clamp pattern was not used");
        let g = replay(&patterns[..1]);
        assert!(bias_act(&x, None, &p).is_err());
        drop(g);
        assert!(!is_active());
    }
}
