// Modulation and demodulation coefficients of a modulated convolution, one workgroup per output
// channel o. Writes m = [s'[0..c_in), scale[0..c_out)]:
//   s'       = s · rsqrt(mean(s²))            when style_norm (StyleGAN3 demodulating layers), else s
//   scale[o] = rsqrt(Σ_{i,k} (W[o,i,k]·s'[i])² + 1e-8) · input_gain   when demodulate, else input_gain
// The convolution then computes y[o] = scale[o] · Σ_{i,k} W[o,i,k]·s'[i]·x[i, p+k]: the
// modulated weights are never stored.

struct Params {
    c_in: u32,
    c_out: u32,
    // k·k
    kk: u32,
    demodulate: u32,
    style_norm: u32,
    input_gain: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> s: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;

const WG: u32 = 64u;
var<workgroup> partial: array<f32, 64>;

fn reduce(lid: u32) -> f32 {
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        workgroupBarrier();
    }
    let total = partial[0];
    workgroupBarrier();
    return total;
}

@compute @workgroup_size(64)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let o = wid.x + wid.y * nwg.x;
    if (o >= p.c_out) {
        return;
    }
    var ss = 1.0;
    if (p.style_norm != 0u) {
        var acc = 0.0;
        for (var i = lid; i < p.c_in; i += WG) {
            acc += s[i] * s[i];
        }
        partial[lid] = acc;
        ss = inverseSqrt(reduce(lid) / f32(p.c_in));
    }
    if (o == 0u) {
        for (var i = lid; i < p.c_in; i += WG) {
            m[i] = s[i] * ss;
        }
    }
    if (p.demodulate != 0u) {
        var acc = 0.0;
        let n = p.c_in * p.kk;
        let row = o * n;
        for (var e = lid; e < n; e += WG) {
            let v = w[row + e] * (s[e / p.kk] * ss);
            acc += v * v;
        }
        partial[lid] = acc;
        let total = reduce(lid);
        if (lid == 0u) {
            m[p.c_in + o] = inverseSqrt(total + 1e-8) * p.input_gain;
        }
    } else if (lid == 0u) {
        m[p.c_in + o] = p.input_gain;
    }
}
