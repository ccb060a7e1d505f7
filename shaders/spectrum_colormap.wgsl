// The FFT view's colour mapping (reference §1.2 step 11): a level in dB becomes
// x = (dB / range + 1) / 2, the index clamp(int(x·1023 + 0.5), 0, 1023) of the 1024-entry
// viridis table, and 8-bit RGBA (each component round(c·255), halves up). One invocation per
// pixel; the CPU reference is analysis::sticking::viridis::colour_db.

struct Params {
    count: u32,
    range_db: f32,
    // Invocations per row of the dispatch grid (workgroups in x times 64).
    row: u32,
    _pad: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> levels: array<f32>;
@group(0) @binding(2) var<storage, read> lut: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> rgba: array<u32>;

fn to_byte(c: f32) -> u32 {
    return u32(floor(clamp(c, 0.0, 1.0) * 255.0 + 0.5));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x + id.y * params.row;
    if (i >= params.count) {
        return;
    }
    let x = (levels[i] / params.range_db + 1.0) / 2.0;
    let v = x * 1023.0 + 0.5;
    var index = 0u;
    // NaN compares false: a NaN level takes entry 0, as on the CPU.
    if (v >= 0.0) {
        index = u32(min(v, 1023.0));
    }
    let c = lut[index];
    rgba[i] = to_byte(c.x) | (to_byte(c.y) << 8u) | (to_byte(c.z) << 16u) | (255u << 24u);
}
