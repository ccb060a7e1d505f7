// Fused filtered leaky ReLU (StyleGAN3 `filtered_lrelu`), one workgroup per (channel, tile×tile
// output tile). The input already holds the bias. Per tile, in workgroup memory only:
//   1. load the input samples the tile needs (zero outside the tensor);
//   2. up-sample by `up` with the separable filter fu along x, then along y (zero insertion and
//      padding are implicit: only the taps that land on real samples are summed);
//   3. leaky ReLU: v = clamp(lrelu(v, slope) · gain, ±clamp) on every up-sampled sample;
//   4. down-filter by `down`, separably with fd along x then y, or with the 2-D (radial) fd.
// The up-sampled tensor therefore never exists in memory. fu carries the gain `up` per pass.
// Closed form per axis (upfirdn2d): tmp[t] = Σ_k fu[k]·x_up[t + fu − 1 − k − pad0],
//                                   out[o] = Σ_k fd[k]·act(tmp)[o·down + fd − 1 − k].
// Workgroup array sizes are pipeline constants chosen by the host for the layer's factors:
//   A_SIZE ≥ max(in_tile², tmp_tile·tile), B_SIZE ≥ in_tile·tmp_tile, C_SIZE ≥ tmp_tile².

override A_SIZE: u32 = 1024u;
override B_SIZE: u32 = 1024u;
override C_SIZE: u32 = 1024u;

struct Params {
    channels: u32,
    in_h: u32,
    in_w: u32,
    out_h: u32,
    out_w: u32,
    up: u32,
    down: u32,
    fu_taps: u32,
    fd_taps: u32,
    // 1: fd is a 2-D [fd_taps, fd_taps] filter
    radial: u32,
    pad_x0: i32,
    pad_y0: i32,
    // output tile edge, tmp_tile = (tile − 1)·down + fd_taps, in_tile = ceil((tmp_tile + fu_taps − 1)/up)
    tile: u32,
    tmp_tile: u32,
    in_tile: u32,
    slope: f32,
    gain: f32,
    // negative: no clamp
    clamp: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> fu: array<f32>;
@group(0) @binding(3) var<storage, read> fd: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

var<workgroup> buf_a: array<f32, A_SIZE>;
var<workgroup> buf_b: array<f32, B_SIZE>;
var<workgroup> buf_c: array<f32, C_SIZE>;

const WG: u32 = 256u;

fn ceil_div(a: i32, b: i32) -> i32 {
    if (a < 0) {
        return a / b;
    }
    return (a + b - 1) / b;
}

fn first_phase(base: i32, up: i32) -> i32 {
    return ((base % up) + up) % up;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
    let c = wid.z;
    let up = i32(p.up);
    let down = p.down;
    let ti = p.in_tile;
    let tt = p.tmp_tile;
    let to = p.tile;
    let fu_n = i32(p.fu_taps);
    let fd_n = p.fd_taps;
    let t0x = i32(wid.x * to * down);
    let t0y = i32(wid.y * to * down);
    let i0x = ceil_div(t0x - p.pad_x0, up);
    let i0y = ceil_div(t0y - p.pad_y0, up);

    // 1. input tile
    let plane_in = p.in_h * p.in_w;
    for (var e = lid; e < ti * ti; e += WG) {
        let iy = i0y + i32(e / ti);
        let ix = i0x + i32(e % ti);
        var v = 0.0;
        if (iy >= 0 && ix >= 0 && iy < i32(p.in_h) && ix < i32(p.in_w)) {
            v = x[c * plane_in + u32(iy) * p.in_w + u32(ix)];
        }
        buf_a[e] = v;
    }
    workgroupBarrier();

    // 2. up along x: buf_b[ly, tx]
    for (var e = lid; e < ti * tt; e += WG) {
        let ly = e / tt;
        let tx = e % tt;
        let base = t0x + i32(tx) + fu_n - 1 - p.pad_x0;
        var acc = 0.0;
        for (var k = first_phase(base, up); k < fu_n; k += up) {
            let li = (base - k) / up - i0x;
            if (li >= 0 && li < i32(ti)) {
                acc = fma(fu[k], buf_a[ly * ti + u32(li)], acc);
            }
        }
        buf_b[e] = acc;
    }
    workgroupBarrier();

    // 2b/3. up along y, then the activation: buf_c[ty, tx]
    for (var e = lid; e < tt * tt; e += WG) {
        let ty = e / tt;
        let tx = e % tt;
        let base = t0y + i32(ty) + fu_n - 1 - p.pad_y0;
        var acc = 0.0;
        for (var k = first_phase(base, up); k < fu_n; k += up) {
            let li = (base - k) / up - i0y;
            if (li >= 0 && li < i32(ti)) {
                acc = fma(fu[k], buf_b[u32(li) * tt + tx], acc);
            }
        }
        var v = select(acc * p.slope, acc, acc >= 0.0) * p.gain;
        if (p.clamp >= 0.0) {
            v = clamp(v, -p.clamp, p.clamp);
        }
        buf_c[e] = v;
    }
    workgroupBarrier();

    // 4. down-filter
    let ox0 = wid.x * to;
    let oy0 = wid.y * to;
    let plane_out = p.out_h * p.out_w;
    if (p.radial != 0u) {
        for (var e = lid; e < to * to; e += WG) {
            let oy = e / to;
            let ox = e % to;
            let gy = oy0 + oy;
            let gx = ox0 + ox;
            if (gy >= p.out_h || gx >= p.out_w) {
                continue;
            }
            var acc = 0.0;
            for (var ky = 0u; ky < fd_n; ky++) {
                let row = (oy * down + fd_n - 1u - ky) * tt + ox * down + fd_n - 1u;
                for (var kx = 0u; kx < fd_n; kx++) {
                    acc = fma(fd[ky * fd_n + kx], buf_c[row - kx], acc);
                }
            }
            y[c * plane_out + gy * p.out_w + gx] = acc;
        }
    } else {
        // along x: buf_a[ty, ox]
        for (var e = lid; e < tt * to; e += WG) {
            let ty = e / to;
            let ox = e % to;
            let start = ty * tt + ox * down + fd_n - 1u;
            var acc = 0.0;
            for (var k = 0u; k < fd_n; k++) {
                acc = fma(fd[k], buf_c[start - k], acc);
            }
            buf_a[e] = acc;
        }
        workgroupBarrier();
        for (var e = lid; e < to * to; e += WG) {
            let oy = e / to;
            let ox = e % to;
            let gy = oy0 + oy;
            let gx = ox0 + ox;
            if (gy >= p.out_h || gx >= p.out_w) {
                continue;
            }
            var acc = 0.0;
            for (var k = 0u; k < fd_n; k++) {
                acc = fma(fd[k], buf_a[(oy * down + fd_n - 1u - k) * to + ox], acc);
            }
            y[c * plane_out + gy * p.out_w + gx] = acc;
        }
    }
}
