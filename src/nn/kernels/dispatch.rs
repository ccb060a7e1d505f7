//! Run-time choice of the instruction set for the CPU kernels, with no `unsafe` here: `pulp`
//! detects AVX-512 (x86-64-v4) or AVX2+FMA (v3) once and runs a task inside a function compiled
//! with those target features, so plain Rust loops in the task (over fixed-width chunks) are
//! auto-vectorised for the machine the program runs on rather than the baseline x86-64 it was
//! compiled for. Everything a task calls must be `#[inline(always)]` to inherit the features.
//!
//! Tasks are generic over `FMA`: `true` where the instruction set has fused multiply-add
//! (`f32::mul_add` becomes one instruction), `false` on the baseline, where `mul_add` would be a
//! slow library call and [`mac`] is a separate multiply and add.

/// A unit of kernel work, compiled once per instruction-set level.
pub trait SimdTask {
    type Output;
    fn run<const FMA: bool>(self) -> Self::Output;
}

/// `a·b + c`, fused where `FMA`.
#[inline(always)]
pub fn mac<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// `task.run::<FMA>()` as a `pulp` nullary function that is always inlined into the
/// target-feature function `pulp` wraps it in.
struct Run<T, const FMA: bool>(T);

impl<T: SimdTask, const FMA: bool> pulp::NullaryFnOnce for Run<T, FMA> {
    type Output = T::Output;
    #[inline(always)]
    fn call(self) -> T::Output {
        self.0.run::<FMA>()
    }
}

/// Runs `task` with the best instruction set this CPU has.
#[inline]
pub fn dispatch<T: SimdTask>(task: T) -> T::Output {
    match pulp::Arch::new() {
        #[cfg(target_arch = "x86_64")]
        pulp::Arch::V4(simd) => simd.vectorize(Run::<T, true>(task)),
        #[cfg(target_arch = "x86_64")]
        pulp::Arch::V3(simd) => simd.vectorize(Run::<T, true>(task)),
        _ => task.run::<false>(),
    }
}

/// The instruction set [`dispatch`] uses on this machine (for reports).
pub fn level() -> &'static str {
    match pulp::Arch::new() {
        #[cfg(target_arch = "x86_64")]
        pulp::Arch::V4(_) => "x86-64-v4 (AVX-512)",
        #[cfg(target_arch = "x86_64")]
        pulp::Arch::V3(_) => "x86-64-v3 (AVX2, FMA)",
        _ => "baseline",
    }
}
