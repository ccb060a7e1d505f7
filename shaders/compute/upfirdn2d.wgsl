// upfirdn2d (`torch_utils/ops/upfirdn2d.py`) with a 2-D filter, one thread per output sample:
//   out[c, oy, ox] = Σ_{ky,kx} f[ky, kx] · x_up[c, oy·down + fh−1−ky − pad_y0, ox·down + fw−1−kx − pad_x0]
// where x_up is x with up−1 zeros inserted after every sample (zero outside). The gain is folded
// into f. Epilogue as in modconv.wgsl: (+ noise·gain) (+ bias[c]), act·gain, clamp, (+ residual).

struct Params {
    channels: u32,
    in_h: u32,
    in_w: u32,
    out_h: u32,
    out_w: u32,
    up: u32,
    down: u32,
    fh: u32,
    fw: u32,
    pad_x0: i32,
    pad_y0: i32,
    has_bias: u32,
    has_noise: u32,
    act: u32,
    has_residual: u32,
    alpha: f32,
    gain: f32,
    // negative: no clamp
    clamp: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> f: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> noise: array<f32>;
@group(0) @binding(5) var<storage, read> residual: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let idx = (wid.x + wid.y * nwg.x) * 256u + lid;
    let plane = p.out_h * p.out_w;
    if (idx >= p.channels * plane) {
        return;
    }
    let c = idx / plane;
    let pix = idx % plane;
    let oy = i32(pix / p.out_w);
    let ox = i32(pix % p.out_w);
    let up = i32(p.up);
    let base = c * p.in_h * p.in_w;
    var acc = 0.0;
    for (var ky = 0u; ky < p.fh; ky++) {
        let jy = oy * i32(p.down) + i32(p.fh) - 1 - i32(ky) - p.pad_y0;
        if (jy < 0 || jy % up != 0 || jy / up >= i32(p.in_h)) {
            continue;
        }
        let row = base + u32(jy / up) * p.in_w;
        for (var kx = 0u; kx < p.fw; kx++) {
            let jx = ox * i32(p.down) + i32(p.fw) - 1 - i32(kx) - p.pad_x0;
            if (jx < 0 || jx % up != 0 || jx / up >= i32(p.in_w)) {
                continue;
            }
            acc = fma(f[ky * p.fw + kx], x[row + u32(jx / up)], acc);
        }
    }
    var v = acc;
    if (p.has_noise != 0u) {
        v += noise[4u + pix] * noise[0];
    }
    if (p.has_bias != 0u) {
        v += bias[c];
    }
    if (p.act == 1u) {
        v = select(v * p.alpha, v, v >= 0.0);
    }
    v = v * p.gain;
    if (p.clamp >= 0.0) {
        v = clamp(v, -p.clamp, p.clamp);
    }
    if (p.has_residual != 0u) {
        v += residual[idx];
    }
    y[idx] = v;
}
