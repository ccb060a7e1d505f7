// bias_act (`torch_utils/ops/bias_act.py`) for linear and leaky ReLU, one thread per element:
//   y[c, i] = clamp(act(x[c, i] + b[c]) · gain, −clamp, clamp)

struct Params {
    channels: u32,
    plane: u32,
    has_bias: u32,
    act: u32,
    alpha: f32,
    gain: f32,
    // negative: no clamp
    clamp: f32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(256)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let idx = (wid.x + wid.y * nwg.x) * 256u + lid;
    if (idx >= p.channels * p.plane) {
        return;
    }
    var v = x[idx];
    if (p.has_bias != 0u) {
        v += b[idx / p.plane];
    }
    if (p.act == 1u) {
        v = select(v * p.alpha, v, v >= 0.0);
    }
    v = v * p.gain;
    if (p.clamp >= 0.0) {
        v = clamp(v, -p.clamp, p.clamp);
    }
    y[idx] = v;
}
