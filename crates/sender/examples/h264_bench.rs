//! Encoder and decoder frames per second of cam-send's H.264 path (OpenH264
//! with its default cam-send settings), with the achieved bit rate.
//!
//! ```text
//! cargo run --release -p camwire-sender --example h264_bench             # test pattern, 640x480 and 1280x720
//! cargo run --release -p camwire-sender --example h264_bench 150 640x480=in.yuv 1280x720=hd.yuv
//! ```
//!
//! A `.yuv` file holds raw I420 pictures of the given size (e.g. from
//! `ffmpeg -f lavfi -i testsrc2=size=640x480,noise=alls=12:allf=t -frames:v 150 -pix_fmt yuv420p -f rawvideo in.yuv`);
//! its pictures are used in turn until FRAMES were encoded. The built-in test
//! pattern is far easier to compress than a camera picture.

use std::time::Instant;

use anyhow::{Context, Result};
use camwire_sender::{
    encoder::{Encoder, H264Encoder, H264Settings},
    source::{TestPatternSource, YuvFrame},
};

fn pictures(w: u32, h: u32, frames: u64, file: Option<&str>) -> Result<Vec<YuvFrame>> {
    let Some(path) = file else {
        let src = TestPatternSource::new(w, h, 0.0);
        return Ok((1..=frames).map(|n| src.render(n)).collect());
    };
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
    Ok((0..frames as usize).map(|i| all[i % all.len()].clone()).collect())
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let frames: u64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(300);
    let inputs: Vec<(u32, u32, Option<String>)> = match args.collect::<Vec<_>>() {
        v if v.is_empty() => vec![(640, 480, None), (1280, 720, None)],
        v => v
            .iter()
            .map(|a| {
                let (size, file) = a.split_once('=').context("inputs are WxH=FILE.yuv")?;
                let (w, h) = size.split_once('x').context("inputs are WxH=FILE.yuv")?;
                Ok((w.parse()?, h.parse()?, Some(file.to_string())))
            })
            .collect::<Result<_>>()?,
    };
    for (w, h, file) in inputs {
        let fps = 30.0;
        let settings = H264Settings {
            bitrate: H264Settings::default_bitrate(w, h, fps),
            keyframe_interval: H264Settings::default_keyframe_interval(fps),
            fps,
        };
        let pictures = pictures(w, h, frames, file.as_deref())?;
        let mut enc = H264Encoder::new(settings)?;
        let t = Instant::now();
        let mut units = Vec::with_capacity(pictures.len());
        for p in &pictures {
            units.push(enc.encode(p, false)?.0);
        }
        let enc_s = t.elapsed().as_secs_f64();
        let bytes: usize = units.iter().map(|u| u.len()).sum();
        let mut dec = openh264::decoder::Decoder::new()?;
        let t = Instant::now();
        let mut decoded = 0;
        for u in &units {
            decoded += usize::from(dec.decode(u)?.is_some());
        }
        let dec_s = t.elapsed().as_secs_f64();
        println!(
            "{w}x{h} {}: encode {:.0} fps, decode {:.0} fps ({decoded}/{frames} pictures), target {} kbit/s, got {:.0} kbit/s at {fps} fps",
            file.as_deref().unwrap_or("test pattern"),
            frames as f64 / enc_s,
            frames as f64 / dec_s,
            settings.bitrate / 1000,
            bytes as f64 * 8.0 / 1000.0 / (frames as f64 / fps),
        );
    }
    Ok(())
}
