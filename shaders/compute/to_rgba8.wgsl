// Output conversion to an RGBA8 texture: u8 = clamp(trunc(x·127.5 + 128), 0, 255) per channel
// (PyTorch's `.clamp(0, 255).to(uint8)`), alpha 255. One channel is shown as grey; otherwise the
// first three channels are red, green and blue.

struct Params {
    channels: u32,
    height: u32,
    width: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> img: array<f32>;
@group(0) @binding(2) var out_tex: texture_storage_2d<rgba8unorm, write>;

fn to_unorm(v: f32) -> f32 {
    return trunc(clamp(v * 127.5 + 128.0, 0.0, 255.0)) / 255.0;
}

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    if (gid.x >= p.width || gid.y >= p.height) {
        return;
    }
    let plane = p.width * p.height;
    let pix = gid.y * p.width + gid.x;
    let r = to_unorm(img[pix]);
    var g = r;
    var b = r;
    if (p.channels >= 3u) {
        g = to_unorm(img[plane + pix]);
        b = to_unorm(img[2u * plane + pix]);
    } else if (p.channels == 2u) {
        g = to_unorm(img[plane + pix]);
        b = 0.0;
    }
    textureStore(out_tex, vec2<i32>(gid.xy), vec4<f32>(r, g, b, 1.0));
}
