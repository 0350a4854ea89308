//! Frames per second of cam-send's encoders on raw I420 pictures from a file,
//! for `scripts/bench` to set beside Pillow and ffmpeg on the same pixels.
//!
//! ```text
//! cargo run --release -p camwire-sender --example encode_bench -- jpeg 300 1280x720=in.yuv [--quality 80] [--out out.mjpeg]
//! cargo run --release -p camwire-sender --example encode_bench -- h264 300 1280x720=in.yuv [--out out.h264]
//! ```
//!
//! The pictures of the file are used in turn until FRAMES were encoded; one
//! untimed warm-up pass over them comes first. H.264 runs with cam-send's
//! default settings for 30 fps (bit rate, one IDR a second, one thread) and is
//! then decoded again with OpenH264, as cam-recv does. `--out` writes the
//! payloads, concatenated (MJPEG or Annex B), so other decoders can read the
//! very same stream. Prints one line of `key=value` figures.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use camwire_sender::{
    encoder::{AdaptiveH264, AdaptiveJpeg, Encoder, H264Settings},
    picture::YuvFrame,
};

/// The I420 pictures held in `path`, each `w` x `h`.
fn pictures(w: u32, h: u32, path: &str) -> Result<Vec<YuvFrame>> {
    let data = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let (ys, cs) = ((w * h) as usize, (w * h / 4) as usize);
    let all: Vec<YuvFrame> = data
        .chunks_exact(ys + 2 * cs)
        .map(|p| YuvFrame {
            width: w,
            height: h,
            y: p[..ys].to_vec(),
            u: p[ys..ys + cs].to_vec(),
            v: p[ys + cs..].to_vec(),
        })
        .collect();
    anyhow::ensure!(!all.is_empty(), "{path} holds no whole {w}x{h} I420 picture");
    Ok(all)
}

/// Encodes `frames` pictures, cycling through `pics`; returns the payloads and the seconds taken.
fn encode_all(enc: &mut dyn Encoder, pics: &[YuvFrame], frames: usize) -> Result<(Vec<Bytes>, f64)> {
    let t = Instant::now();
    let mut out = Vec::with_capacity(frames);
    for i in 0..frames {
        out.push(enc.encode(&pics[i % pics.len()], false)?.0);
    }
    Ok((out, t.elapsed().as_secs_f64()))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: encode_bench jpeg|h264 FRAMES WxH=FILE.yuv [--quality Q] [--out FILE]";
    let [codec, frames, input, rest @ ..] = &args[..] else { bail!(usage) };
    let frames: usize = frames.parse().context(usage)?;
    let (size, file) = input.split_once('=').context(usage)?;
    let (w, h) = size.split_once('x').context(usage)?;
    let (w, h): (u32, u32) = (w.parse()?, h.parse()?);
    let mut quality = 80u8;
    let mut out_path = None;
    let mut rest = rest.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().context(usage)?;
        match flag.as_str() {
            "--quality" => quality = value.parse()?,
            "--out" => out_path = Some(value.clone()),
            _ => bail!(usage),
        }
    }
    let pics = pictures(w, h, file)?;
    let fps = 30.0;
    let new_encoder = || -> Result<Box<dyn Encoder>> {
        Ok(match codec.as_str() {
            "jpeg" => Box::new(AdaptiveJpeg::new(quality)?),
            "h264" => Box::new(AdaptiveH264::new(H264Settings {
                bitrate: H264Settings::default_bitrate(w, h, fps),
                keyframe_interval: H264Settings::default_keyframe_interval(fps),
                fps,
            })?),
            _ => bail!(usage),
        })
    };
    encode_all(new_encoder()?.as_mut(), &pics, pics.len())?;
    let (units, secs) = encode_all(new_encoder()?.as_mut(), &pics, frames)?;
    let bytes: usize = units.iter().map(|u| u.len()).sum();
    print!(
        "codec={codec} size={w}x{h} frames={frames} encode_fps={:.1} bytes_per_frame={}",
        frames as f64 / secs,
        bytes / frames
    );
    if codec == "h264" {
        let mut dec = openh264::decoder::Decoder::new()?;
        let t = Instant::now();
        let mut decoded = 0;
        for u in &units {
            decoded += usize::from(dec.decode(u)?.is_some());
        }
        print!(" decode_fps={:.1} decoded={decoded}", frames as f64 / t.elapsed().as_secs_f64());
    }
    println!();
    if let Some(path) = out_path {
        std::fs::write(&path, units.concat()).with_context(|| format!("writing {path}"))?;
    }
    Ok(())
}
