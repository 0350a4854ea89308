//! Frames into pictures a person can look at: what `--display` draws and what
//! `--http` serves has to be a picture, not just bytes.
//!
//! A JPEG stands alone, so a viewer can decode just the newest one and skip
//! the rest. H.264 cannot be skipped that way (a frame refers to the ones
//! before it): once the receiver has an H.264 decoder, one decoding stage fed
//! every frame (resyncing at keyframes when behind) will publish pictures that
//! the window draws and the web view encodes to JPEG once for all viewers.
//! Until then H.264 streams say [`H264_NOT_VIEWABLE`] instead of failing
//! silently.

use anyhow::{anyhow, bail, Context, Result};
use camwire_wire::PayloadKind;
use turbojpeg::{Decompressor, Image, PixelFormat};

use crate::frame::Frame;

/// Said in the window title, on the web page and in `/status` for H.264 streams.
pub const H264_NOT_VIEWABLE: &str =
    "H.264 streams cannot be shown here yet (no H.264 decoder in cam-recv); send JPEG, or watch with --pipe ffplay";

/// Pictures larger than this many pixels are refused rather than decoded.
const MAX_PIXELS: usize = 50_000_000;

/// A decoded picture: packed 8-bit RGB, row after row, no padding.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `width * height * 3` bytes.
    pub rgb: Vec<u8>,
}

/// Decodes frames to [`Picture`]s, reusing its buffers.
pub struct PictureDecoder {
    jpeg: Decompressor,
}

impl PictureDecoder {
    /// A decoder ready for JPEG.
    pub fn new() -> Result<Self> {
        Ok(Self { jpeg: Decompressor::new().context("starting the JPEG decoder")? })
    }

    /// Decodes `frame` into `out` (its buffer is reused).
    pub fn decode(&mut self, frame: &Frame, out: &mut Picture) -> Result<()> {
        match frame.kind {
            PayloadKind::Jpeg => self.decode_jpeg(&frame.data, out),
            PayloadKind::H264 => bail!("{H264_NOT_VIEWABLE}"),
            other => bail!("{other} payloads cannot be shown"),
        }
    }

    fn decode_jpeg(&mut self, data: &[u8], out: &mut Picture) -> Result<()> {
        let header = self.jpeg.read_header(data).map_err(|e| anyhow!("jpeg header: {e}"))?;
        let (width, height) = (header.width, header.height);
        if width.saturating_mul(height) > MAX_PIXELS {
            bail!("jpeg of {width}x{height} pixels is larger than the {MAX_PIXELS}-pixel limit");
        }
        out.rgb.resize(width * height * 3, 0);
        let image = Image { pixels: &mut out.rgb[..], width, pitch: width * 3, height, format: PixelFormat::RGB };
        self.jpeg.decompress(data, image).map_err(|e| anyhow!("jpeg decode: {e}"))?;
        (out.width, out.height) = (width, height);
        Ok(())
    }
}

/// The size a JPEG says it has, without decoding it.
pub fn jpeg_size(decoder: &mut Decompressor, data: &[u8]) -> Option<(usize, usize)> {
    decoder.read_header(data).ok().map(|h| (h.width, h.height))
}
