// Fully connected layer (`FullyConnectedLayer` + `bias_act`), one workgroup per output feature:
//   y[y_offset + o] = (act(Σ_i x[x_offset + i]·W[o, i] + b[o]) · gain) · out_scale
// `weight_gain` and `bias_gain` are folded into W and b when the buffers are built.

struct Params {
    in_features: u32,
    out_features: u32,
    x_offset: u32,
    y_offset: u32,
    // 0 linear, 1 leaky ReLU
    act: u32,
    has_bias: u32,
    alpha: f32,
    gain: f32,
    out_scale: f32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

const WG: u32 = 64u;
var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let o = wid.x + wid.y * nwg.x;
    if (o >= p.out_features) {
        return;
    }
    var acc = 0.0;
    let row = o * p.in_features;
    for (var i = lid; i < p.in_features; i += WG) {
        acc += x[p.x_offset + i] * w[row + i];
    }
    partial[lid] = acc;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s / 2u) {
        if (lid < s) {
            partial[lid] += partial[lid + s];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        var v = partial[0];
        if (p.has_bias != 0u) {
            v += b[o];
        }
        if (p.act == 1u) {
            v = select(v * p.alpha, v, v >= 0.0);
        }
        v = v * p.gain;
        y[p.y_offset + o] = v * p.out_scale;
    }
}
