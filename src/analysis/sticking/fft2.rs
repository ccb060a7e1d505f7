//! The 2-D discrete Fourier transform of a row-major plane (rows, then columns, with rustfft).

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;

/// In place: `X[u, v] = Σ_y Σ_x x[y, x]·e^{−2πi(uy/h + vx/w)}` of the `h × w` plane `data`.
pub fn fft2(data: &mut [Complex<f64>], h: usize, w: usize, planner: &mut FftPlanner<f64>) {
    let row = planner.plan_fft_forward(w);
    for r in data.chunks_exact_mut(w) {
        row.process(r);
    }
    let col = planner.plan_fft_forward(h);
    let mut column = vec![Complex::new(0.0, 0.0); h];
    for x in 0..w {
        for (y, c) in column.iter_mut().enumerate() {
            *c = data[y * w + x];
        }
        col.process(&mut column);
        for (y, c) in column.iter().enumerate() {
            data[y * w + x] = *c;
        }
    }
}

/// `fftshift` of a row-major `h × w` plane: roll by `(h/2, w/2)`, so frequency 0 lands at
/// `(h/2, w/2)`.
pub fn fftshift<T: Copy>(data: &[T], h: usize, w: usize) -> Vec<T> {
    let mut out = data.to_vec();
    for y in 0..h {
        for x in 0..w {
            out[((y + h / 2) % h) * w + (x + w / 2) % w] = data[y * w + x];
        }
    }
    out
}
