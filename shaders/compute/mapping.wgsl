// Mapping-network helpers.
//  `normalize`: y[y_offset + i] = x[x_offset + i] · rsqrt(mean_i(x²) + 1e-8)   (normalize_2nd_moment)
//  `broadcast`: ws[r, i] = lerp(w_avg[i], w[i], psi) for rows r < cutoff (when psi != 1), else w[i]
//               (torch.lerp's two-branch formula, as `w_avg.lerp(x, psi)` computes it).

struct Params {
    n: u32,
    x_offset: u32,
    y_offset: u32,
    num_ws: u32,
    cutoff: u32,
    truncate: u32,
    psi: f32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w_avg: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const WG: u32 = 64u;
var<workgroup> partial: array<f32, 64>;

@compute @workgroup_size(64)
fn normalize(@builtin(local_invocation_index) lid: u32) {
    var acc = 0.0;
    for (var i = lid; i < p.n; i += WG) {
        let v = x[p.x_offset + i];
        acc += v * v;
    }
    partial[lid] = acc;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s / 2u) {
        if (lid < s) {
            partial[lid] += partial[lid + s];
        }
        workgroupBarrier();
    }
    let scale = inverseSqrt(partial[0] / f32(p.n) + 1e-8);
    for (var i = lid; i < p.n; i += WG) {
        y[p.y_offset + i] = x[p.x_offset + i] * scale;
    }
}

@compute @workgroup_size(64)
fn broadcast(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let idx = (wid.x + wid.y * nwg.x) * WG + lid;
    if (idx >= p.n * p.num_ws) {
        return;
    }
    let r = idx / p.n;
    let i = idx % p.n;
    var v = x[p.x_offset + i];
    if (p.truncate != 0u && r < p.cutoff) {
        let start = w_avg[i];
        let diff = v - start;
        if (abs(p.psi) < 0.5) {
            v = start + p.psi * diff;
        } else {
            v = v - diff * (1.0 - p.psi);
        }
    }
    y[p.y_offset + idx] = v;
}
