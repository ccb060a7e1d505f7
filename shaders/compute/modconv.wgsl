// Modulated convolution as a tiled implicit GEMM: M = c_out, N = out_h·out_w pixels,
// K = c_in·k·k. Each workgroup computes a 64×64 tile of (output channel, pixel) with 256 threads
// (4×4 outputs each), staging 16-deep slices of the weights (modulated on load) and of the
// im2col input in workgroup memory. Epilogue (bias_act and friends):
//   v = acc·scale[o] (+ noise[p]·noise_gain) (+ bias[o]);  v = act(v)·gain;  v = clamp(v, ±clamp)
//   (+ residual[o, p]);  y[o, p] = v
// Modes: 0 = correlation with zero padding `pad` (out[p] = Σ_k W[k]·x[p + k − pad]);
//        1 = stride-2 transposed convolution (StyleGAN2 up-sampling conv:
//            out[p] = Σ_k W[k]·x[(p − k)/2] where p − k is even).
// With up = 2 (mode 0), the GEMM grid is one phase of a 2× up-sampled output: grid pixel
// (oy, ox) is stored at (2·oy + phase_y, 2·ox + phase_x) of a (2·out_h)×(2·out_w) plane, and the
// weights of that phase start at w_offset (StyleGAN2's transposed conv + FIR filter as four
// phase convolutions, without the zero-inserted intermediate).
// m = [s'[0..c_in), scale[0..c_out)] from modconv_styles.wgsl; noise = [gain, 0, 0, 0, plane...].

struct Params {
    c_in: u32,
    c_out: u32,
    k: u32,
    mode: u32,
    in_h: u32,
    in_w: u32,
    out_h: u32,
    out_w: u32,
    pad: u32,
    has_bias: u32,
    has_noise: u32,
    act: u32,
    has_residual: u32,
    alpha: f32,
    gain: f32,
    // negative: no clamp
    clamp: f32,
    up: u32,
    phase_y: u32,
    phase_x: u32,
    w_offset: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> m: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> noise: array<f32>;
@group(0) @binding(6) var<storage, read> residual: array<f32>;
@group(0) @binding(7) var<storage, read_write> y: array<f32>;

const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;

// [k][m/4] and [k][n/4]: each vec4 holds 4 consecutive output channels / pixels.
var<workgroup> a_tile: array<vec4<f32>, 256>;
var<workgroup> b_tile: array<vec4<f32>, 256>;

fn input_at(ci: u32, ky: i32, kx: i32, pix: u32) -> f32 {
    let oy = i32(pix / p.out_w);
    let ox = i32(pix % p.out_w);
    var iy: i32;
    var ix: i32;
    if (p.mode == 0u) {
        iy = oy + ky - i32(p.pad);
        ix = ox + kx - i32(p.pad);
    } else {
        let jy = oy - ky;
        let jx = ox - kx;
        if (jy < 0 || jx < 0 || (jy & 1) != 0 || (jx & 1) != 0) {
            return 0.0;
        }
        iy = jy / 2;
        ix = jx / 2;
    }
    if (iy < 0 || ix < 0 || iy >= i32(p.in_h) || ix >= i32(p.in_w)) {
        return 0.0;
    }
    return x[(ci * p.in_h + u32(iy)) * p.in_w + u32(ix)];
}

fn epilogue(o: u32, grid_pix: u32, acc: f32, n_total: u32) {
    // position in the stored plane
    let sw = p.out_w * p.up;
    let pix = (grid_pix / p.out_w * p.up + p.phase_y) * sw + grid_pix % p.out_w * p.up + p.phase_x;
    var v = acc * m[p.c_in + o];
    if (p.has_noise != 0u) {
        v += noise[4u + pix] * noise[0];
    }
    if (p.has_bias != 0u) {
        v += bias[o];
    }
    if (p.act == 1u) {
        v = select(v * p.alpha, v, v >= 0.0);
    }
    v = v * p.gain;
    if (p.clamp >= 0.0) {
        v = clamp(v, -p.clamp, p.clamp);
    }
    let idx = o * n_total * p.up * p.up + pix;
    if (p.has_residual != 0u) {
        v += residual[idx];
    }
    y[idx] = v;
}

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let n_total = p.out_h * p.out_w;
    let kk = p.k * p.k;
    let k_total = p.c_in * kk;
    let n0 = wid.x * BN;
    let m0 = wid.y * BM;
    // compute: 4 output channels (m0 + 4·ty ..) × 4 pixels (n0 + 4·tx ..)
    let tx = lid % 16u;
    let ty = lid / 16u;
    // loads: weights (k = lid % 16, 4 channels from 4·(lid / 16)); input (4 pixels from 4·(lid % 16), k = lid / 16)
    let ak = lid % 16u;
    let am = (lid / 16u) * 4u;
    let bn = (lid % 16u) * 4u;
    let bk = lid / 16u;

    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);

    for (var k0 = 0u; k0 < k_total; k0 += BK) {
        let ka = k0 + ak;
        var av = vec4<f32>(0.0);
        if (ka < k_total) {
            let s = m[ka / kk];
            for (var c = 0u; c < 4u; c++) {
                let o = m0 + am + c;
                if (o < p.c_out) {
                    av[c] = w[p.w_offset + o * k_total + ka] * s;
                }
            }
        }
        a_tile[ak * 16u + am / 4u] = av;

        let kb = k0 + bk;
        var bv = vec4<f32>(0.0);
        if (kb < k_total) {
            let ci = kb / kk;
            let r = kb % kk;
            let ky = i32(r / p.k);
            let kx = i32(r % p.k);
            for (var c = 0u; c < 4u; c++) {
                let pix = n0 + bn + c;
                if (pix < n_total) {
                    bv[c] = input_at(ci, ky, kx, pix);
                }
            }
        }
        b_tile[bk * 16u + bn / 4u] = bv;
        workgroupBarrier();

        for (var kq = 0u; kq < BK; kq++) {
            let a = a_tile[kq * 16u + ty];
            let b = b_tile[kq * 16u + tx];
            acc0 = fma(vec4<f32>(a.x), b, acc0);
            acc1 = fma(vec4<f32>(a.y), b, acc1);
            acc2 = fma(vec4<f32>(a.z), b, acc2);
            acc3 = fma(vec4<f32>(a.w), b, acc3);
        }
        workgroupBarrier();
    }

    let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
    for (var i = 0u; i < 4u; i++) {
        let o = m0 + ty * 4u + i;
        if (o >= p.c_out) {
            continue;
        }
        let row = accs[i];
        for (var j = 0u; j < 4u; j++) {
            let pix = n0 + tx * 4u + j;
            if (pix < n_total) {
                epilogue(o, pix, row[j], n_total);
            }
        }
    }
}
