//! Animation export: frames to an animated GIF (image crate), and to MP4 through `ffmpeg` when
//! it is on the PATH.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::ResultExt;
use crate::raster::Raster;
use crate::{Error, Result};

fn check_frames(frames: &[Raster]) -> Result<(usize, usize)> {
    let first = frames.first().ok_or_else(|| Error::Invalid("an animation needs at least one frame".into()))?;
    if frames.iter().any(|f| (f.width, f.height) != (first.width, first.height)) {
        return Err(Error::Invalid("animation frames of different sizes".into()));
    }
    Ok((first.width, first.height))
}

/// Writes `frames` as a looping GIF at `fps` frames per second.
pub fn write_gif(frames: &[Raster], path: &Path, fps: f64) -> Result<()> {
    use image::codecs::gif::{GifEncoder, Repeat};
    let (w, h) = check_frames(frames)?;
    let delay_ms = (1000.0 / fps.clamp(0.1, 100.0)).round() as u32;
    let file = std::fs::File::create(path).in_file(path)?;
    let mut enc = GifEncoder::new_with_speed(std::io::BufWriter::new(file), 10);
    enc.set_repeat(Repeat::Infinite).map_err(|e| Error::Invalid(format!("GIF: {e}"))).in_file(path)?;
    for f in frames {
        let buf = image::RgbaImage::from_raw(w as u32, h as u32, f.to_rgba())
            .ok_or_else(|| Error::Invalid("frame buffer of the wrong size".into()))?;
        let frame = image::Frame::from_parts(buf, 0, 0, image::Delay::from_numer_denom_ms(delay_ms, 1));
        enc.encode_frame(frame).map_err(|e| Error::Invalid(format!("GIF: {e}"))).in_file(path)?;
    }
    Ok(())
}

/// Whether `ffmpeg` runs.
pub fn ffmpeg_available() -> bool {
    Command::new("ffmpeg")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Writes `frames` as H.264 MP4 through `ffmpeg` (sizes rounded down to even). Returns
/// `Ok(false)` without writing anything when `ffmpeg` is not on the PATH.
pub fn write_mp4(frames: &[Raster], path: &Path, fps: f64) -> Result<bool> {
    let (w, h) = check_frames(frames)?;
    if !ffmpeg_available() {
        return Ok(false);
    }
    let mut child = Command::new("ffmpeg")
        .args(["-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", &format!("{w}x{h}")])
        .args(["-r", &format!("{fps}"), "-i", "-", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2:flags=neighbor"])
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264"])
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .in_file(path)?;
    if let Some(mut stdin) = child.stdin.take() {
        for f in frames {
            let rgb: Vec<u8> = f.to_rgba().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
            stdin.write_all(&rgb).in_file(path)?;
        }
    }
    let out = child.wait_with_output().in_file(path)?;
    if !out.status.success() {
        return Err(
            Error::Invalid(format!("ffmpeg failed: {}", String::from_utf8_lossy(&out.stderr).trim())).in_file(path)
        );
    }
    Ok(true)
}
