//! JPEG pictures into H.264, for the places that take only H.264: `--publish`
//! to a media server, and the web view's WebRTC viewers of a JPEG camera.
//! Decoded with the receiver's JPEG decoder ([`PictureDecoder`]), encoded with
//! the H.264 encoder cam-send uses (`camwire-codec`).

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use camwire_codec::{H264Encoder, H264Settings, YuvFrame};
use openh264::formats::{RgbSliceU8, YUVBuffer, YUVSource};

use super::{
    picture::{Picture, PictureDecoder},
    PixelLimit,
};
use crate::frame::Frame;

/// The frame rate the encoder's rate control plans for: the bit rate is
/// [`H264Settings::default_bitrate`] at this rate, about 0.1 bit per pixel per
/// frame (0.9 Mbit/s at 640x480, 2.8 Mbit/s at 1280x720).
pub const PLANNED_FPS: f64 = 30.0;

/// JPEG to H.264: decoded to RGB, turned into I420, encoded with a keyframe
/// every second of capture time (and whenever one is asked for).
pub struct JpegToH264 {
    decoder: PictureDecoder,
    picture: Picture,
    encoder: Option<(H264Encoder, (usize, usize))>,
    last_keyframe_us: Option<u64>,
}

impl JpegToH264 {
    /// A transcoder for pictures within `limit`.
    pub fn new(limit: PixelLimit) -> Result<Self> {
        Ok(Self {
            decoder: PictureDecoder::new(limit)?,
            picture: Picture::default(),
            encoder: None,
            last_keyframe_us: None,
        })
    }

    /// The next picture is encoded as an IDR (with SPS and PPS).
    pub fn force_keyframe(&mut self) {
        self.last_keyframe_us = None;
    }

    /// The access unit for the JPEG `frame` presented at `pts_us`, and whether it is a keyframe.
    pub fn encode(&mut self, frame: &Frame, pts_us: u64) -> Result<(Bytes, bool)> {
        self.decoder.decode(frame, &mut self.picture)?;
        self.encode_picture(pts_us)
    }

    /// The access unit for the JPEG bytes `jpeg` presented at `pts_us`, and whether it is a keyframe.
    pub fn encode_jpeg(&mut self, jpeg: &[u8], pts_us: u64) -> Result<(Bytes, bool)> {
        self.decoder.decode_jpeg(jpeg, &mut self.picture)?;
        self.encode_picture(pts_us)
    }

    fn encode_picture(&mut self, pts_us: u64) -> Result<(Bytes, bool)> {
        // Encoders take even sizes: an odd last row or column is left out.
        let (w, h) = (self.picture.width & !1, self.picture.height & !1);
        if w == 0 || h == 0 {
            bail!("a {}x{} picture is too small to encode", self.picture.width, self.picture.height);
        }
        let mut rgb = Vec::with_capacity(w * h * 3);
        for row in self.picture.rgb.chunks_exact(self.picture.width * 3).take(h) {
            rgb.extend_from_slice(&row[..w * 3]);
        }
        let yuv = YUVBuffer::from_rgb8_source(RgbSliceU8::new(&rgb, (w, h)));
        let picture = YuvFrame {
            width: w as u32,
            height: h as u32,
            y: yuv.y().to_vec(),
            u: yuv.u().to_vec(),
            v: yuv.v().to_vec(),
        };
        if self.encoder.as_ref().is_none_or(|(_, size)| *size != (w, h)) {
            let settings = H264Settings {
                bitrate: H264Settings::default_bitrate(w as u32, h as u32, PLANNED_FPS),
                // Keyframes are asked for by capture time below.
                keyframe_interval: 100_000,
                fps: PLANNED_FPS,
            };
            self.encoder = Some((H264Encoder::new(settings)?, (w, h)));
            self.last_keyframe_us = None;
        }
        let force = self.last_keyframe_us.is_none_or(|last| pts_us.saturating_sub(last) >= 1_000_000);
        if force {
            self.last_keyframe_us = Some(pts_us);
        }
        let (encoder, _) = self.encoder.as_mut().expect("made above");
        encoder.encode(&picture, force).context("encoding to H.264")
    }
}
