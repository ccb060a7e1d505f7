// Modulated convolution as a tiled implicit GEMM: M = c_out, N = out_h·out_w pixels,
// K = c_in·k·k. Each workgroup computes a 64×64 tile of (output channel, pixel) with 256 threads
// (4×4 outputs each), staging 16-deep slices of the weights (modulated on load) and of the
// im2col input in workgroup memory. Epilogue (bias_act and friends):
//   v = acc·scale[o] (+ noise[p]·noise_gain) (+ bias[o]);  v = act(v)·gain;  v = clamp(v, ±clamp)
//   (+ residual[o, p]);  y[o, p] = v
// Modes: 0 = correlation with zero padding `pad` (out[p] = Σ_k W[k]·x[p + k − pad]);
//        1 = stride-2 transposed convolution (StyleGAN2 up-sampling conv:
//            out[p] = Σ_k W[k]·x[(p − k)/2] where p − k is even).
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

var<workgroup> a_tile: array<f32, 1024>;
var<workgroup> b_tile: array<f32, 1024>;

fn im2col(kidx: u32, pix: u32) -> f32 {
    let kk = p.k * p.k;
    let ci = kidx / kk;
    let r = kidx % kk;
    let ky = i32(r / p.k);
    let kx = i32(r % p.k);
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

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let n_total = p.out_h * p.out_w;
    let k_total = p.c_in * p.k * p.k;
    let kk = p.k * p.k;
    let n0 = wid.x * BN;
    let m0 = wid.y * BM;
    let tx = lid % 16u;
    let ty = lid / 16u;

    var acc: array<f32, 16>;
    for (var i = 0u; i < 16u; i++) {
        acc[i] = 0.0;
    }

    for (var k0 = 0u; k0 < k_total; k0 += BK) {
        for (var q = 0u; q < 4u; q++) {
            let e = lid + q * 256u;
            // weights: consecutive threads read consecutive k
            let ak = e % BK;
            let am = e / BK;
            let o = m0 + am;
            let kidx = k0 + ak;
            var av = 0.0;
            if (o < p.c_out && kidx < k_total) {
                av = w[o * k_total + kidx] * m[kidx / kk];
            }
            a_tile[ak * BM + am] = av;
            // input: consecutive threads read consecutive pixels
            let bn = e % BN;
            let bk = e / BN;
            let pix = n0 + bn;
            let kidx2 = k0 + bk;
            var bv = 0.0;
            if (pix < n_total && kidx2 < k_total) {
                bv = im2col(kidx2, pix);
            }
            b_tile[bk * BN + bn] = bv;
        }
        workgroupBarrier();
        for (var kq = 0u; kq < BK; kq++) {
            var av: array<f32, 4>;
            var bv: array<f32, 4>;
            for (var i = 0u; i < 4u; i++) {
                av[i] = a_tile[kq * BM + ty + 16u * i];
                bv[i] = b_tile[kq * BN + tx + 16u * i];
            }
            for (var i = 0u; i < 4u; i++) {
                for (var j = 0u; j < 4u; j++) {
                    acc[i * 4u + j] = fma(av[i], bv[j], acc[i * 4u + j]);
                }
            }
        }
        workgroupBarrier();
    }

    for (var i = 0u; i < 4u; i++) {
        let o = m0 + ty + 16u * i;
        if (o >= p.c_out) {
            continue;
        }
        let scale = m[p.c_in + o];
        for (var j = 0u; j < 4u; j++) {
            let pix = n0 + tx + 16u * j;
            if (pix >= n_total) {
                continue;
            }
            var v = acc[i * 4u + j] * scale;
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
            let idx = o * n_total + pix;
            if (p.has_residual != 0u) {
                v += residual[idx];
            }
            y[idx] = v;
        }
    }
}
