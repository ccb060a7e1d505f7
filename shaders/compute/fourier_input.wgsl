// StyleGAN3 `SynthesisInput` (Fourier features).
//  `prep` (one workgroup): from t = affine(w0) = (r_c, r_s, t_x, t_y), normalised by |t[0:2]|,
//     T = m_r · m_t · transform   (transform = the user's inverse transform, row-major 3×3)
//     freqs'[c] = freqs[c] · T[0:2, 0:2],  phases'[c] = phases[c] + freqs[c] · T[0:2, 2]
//     amp[c] = clamp(1 − (|freqs'[c]| − bandwidth) / (sampling_rate/2 − bandwidth), 0, 1)
//     and writes prep[c] = (fx', fy', phase', amp).
//  `features`: feat[c, j, i] = sin(2π·(X_i·fx' + Y_j·fy' + phase')) · amp, on the grid
//     X_i = ((2i + 1)/W − 1) · (W/2)/sampling_rate (affine_grid, align_corners=False).
// The sine is evaluated in turns with an exact range reduction and a degree-15 polynomial, so
// its error (< 1e-7) does not depend on the GPU's native `sin` precision.
// The channel mix `x = feat · (weight/sqrt(C))ᵀ` runs afterwards as a plain 1×1 convolution.

struct Params {
    channels: u32,
    width: u32,
    height: u32,
    _pad0: u32,
    sampling_rate: f32,
    bandwidth: f32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
// t (4 floats, the affine output)
@group(0) @binding(1) var<storage, read> t: array<f32>;
// transform (9 floats, row-major)
@group(0) @binding(2) var<storage, read> transform: array<f32>;
// freqs [C, 2] then phases [C]
@group(0) @binding(3) var<storage, read> fp: array<f32>;
// prep [C, 4]
@group(0) @binding(4) var<storage, read_write> prep: array<f32>;

@compute @workgroup_size(64)
fn prep_main(@builtin(local_invocation_index) lid: u32) {
    let norm = sqrt(t[0] * t[0] + t[1] * t[1]);
    let t0 = t[0] / norm;
    let t1 = t[1] / norm;
    let t2 = t[2] / norm;
    let t3 = t[3] / norm;
    // m_r = [[t0, −t1, 0], [t1, t0, 0], [0, 0, 1]], m_t = [[1, 0, −t2], [0, 1, −t3], [0, 0, 1]]
    let mr = mat3x3<f32>(vec3<f32>(t0, t1, 0.0), vec3<f32>(-t1, t0, 0.0), vec3<f32>(0.0, 0.0, 1.0));
    let mt = mat3x3<f32>(vec3<f32>(1.0, 0.0, 0.0), vec3<f32>(0.0, 1.0, 0.0), vec3<f32>(-t2, -t3, 1.0));
    // WGSL matrices are column-major: column j holds row entries (r0, r1, r2) of column j.
    let user = mat3x3<f32>(
        vec3<f32>(transform[0], transform[3], transform[6]),
        vec3<f32>(transform[1], transform[4], transform[7]),
        vec3<f32>(transform[2], transform[5], transform[8]),
    );
    let m = (mr * mt) * user;
    let half_rate = p.sampling_rate * 0.5;
    for (var c = lid; c < p.channels; c += 64u) {
        let fx = fp[2u * c];
        let fy = fp[2u * c + 1u];
        let ph = fp[2u * p.channels + c] + (fx * m[2][0] + fy * m[2][1]);
        let nfx = fx * m[0][0] + fy * m[0][1];
        let nfy = fx * m[1][0] + fy * m[1][1];
        let mag = sqrt(nfx * nfx + nfy * nfy);
        let amp = clamp(1.0 - (mag - p.bandwidth) / (half_rate - p.bandwidth), 0.0, 1.0);
        prep[4u * c] = nfx;
        prep[4u * c + 1u] = nfy;
        prep[4u * c + 2u] = ph;
        prep[4u * c + 3u] = amp;
    }
}

// sin(2π·a) for any finite a.
fn sin_turns(a: f32) -> f32 {
    var r = a - round(a);
    if (r > 0.25) {
        r = 0.5 - r;
    } else if (r < -0.25) {
        r = -0.5 - r;
    }
    let x = r * 6.283185307179586;
    let x2 = x * x;
    var s = -7.647163731819816e-13;
    s = fma(s, x2, 1.6059043836821613e-10);
    s = fma(s, x2, -2.505210838544172e-08);
    s = fma(s, x2, 2.7557319223985893e-06);
    s = fma(s, x2, -1.984126984126984e-04);
    s = fma(s, x2, 8.333333333333333e-03);
    s = fma(s, x2, -1.6666666666666666e-01);
    s = fma(s, x2, 1.0);
    return x * s;
}

@group(0) @binding(5) var<storage, read_write> feat: array<f32>;

@compute @workgroup_size(256)
fn features(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
    @builtin(local_invocation_index) lid: u32,
) {
    let idx = (wid.x + wid.y * nwg.x) * 256u + lid;
    let plane = p.width * p.height;
    if (idx >= p.channels * plane) {
        return;
    }
    let c = idx / plane;
    let pix = idx % plane;
    let i = pix % p.width;
    let j = pix / p.width;
    let gx = (f32(2u * i + 1u) / f32(p.width) - 1.0) * (0.5 * f32(p.width) / p.sampling_rate);
    let gy = (f32(2u * j + 1u) / f32(p.height) - 1.0) * (0.5 * f32(p.height) / p.sampling_rate);
    let a = gx * prep[4u * c] + gy * prep[4u * c + 1u] + prep[4u * c + 2u];
    feat[idx] = sin_turns(a) * prep[4u * c + 3u];
}
