//! Picture codecs both binaries use: cam-send encodes camera pictures with
//! them, cam-recv `--publish` turns a JPEG stream into H.264 with the same
//! H.264 encoder and its web view re-encodes pictures with the same JPEG
//! set-up. Kept apart from `camwire-wire`, which is the protocol only.

pub mod h264;
pub mod jpeg;
mod yuv;

pub use h264::{H264Encoder, H264Settings};
pub use jpeg::JpegEncoder;

/// A picture in I420: full-resolution Y plane, then quarter-resolution U and V
/// planes, rows packed without padding. Width and height are even.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YuvFrame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` luma bytes.
    pub y: Vec<u8>,
    /// `width/2 * height/2` Cb bytes.
    pub u: Vec<u8>,
    /// `width/2 * height/2` Cr bytes.
    pub v: Vec<u8>,
}

impl YuvFrame {
    /// A black picture.
    pub fn black(width: u32, height: u32) -> Self {
        let (w, h) = (width as usize, height as usize);
        Self { width, height, y: vec![16; w * h], u: vec![128; w * h / 4], v: vec![128; w * h / 4] }
    }
}
