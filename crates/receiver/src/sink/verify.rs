//! `--verify`: fully decode every frame and print one line per frame.
//!
//! "Fully" matters: Pillow's `verify()`, which the classic recipe uses, reads
//! only the headers and passes a JPEG cut in half. Here every JPEG is decoded
//! through libjpeg-turbo (to YUV planes: all entropy-coded data and every
//! IDCT, without the colour conversion a display would add), and a decoder
//! warning such as "premature end of data" makes the frame invalid.

use tokio::{sync::mpsc, task::JoinHandle};
use turbojpeg::{Decompressor, YuvImage};

use super::{SinkEvent, SinkReport};
use crate::frame::Frame;
use camwire_wire::PayloadKind;

/// Pictures larger than this many pixels are refused rather than decoded:
/// a hostile header must not make the receiver allocate gigabytes.
const MAX_PIXELS: usize = 50_000_000;

pub(super) fn spawn(mut rx: mpsc::Receiver<SinkEvent>) -> JoinHandle<()> {
    tokio::task::spawn_blocking(move || {
        let mut verifier = match Verifier::new() {
            Ok(v) => v,
            Err(e) => {
                tracing::error!("--verify unavailable: {e}");
                return;
            }
        };
        let mut invalid = 0;
        while let Some(event) = rx.blocking_recv() {
            match event {
                SinkEvent::Start(_) => invalid = 0,
                SinkEvent::Frame(frame) => {
                    let line = match verifier.check(&frame) {
                        Ok(ok) => format!("frame {}: {ok}", frame.seq),
                        Err(reason) => {
                            invalid += 1;
                            format!("frame {}: invalid ({reason})", frame.seq)
                        }
                    };
                    println!("{line}");
                }
                SinkEvent::End(report) => {
                    let _ = report.send(SinkReport { invalid });
                }
            }
        }
    })
}

/// Decodes frames and describes the result.
pub struct Verifier {
    jpeg: Decompressor,
    buf: Vec<u8>,
}

impl Verifier {
    /// A verifier with its decoders ready.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self { jpeg: Decompressor::new()?, buf: Vec::new() })
    }

    /// `Ok("640x480 jpeg ok")`, or the reason the frame is invalid.
    pub fn check(&mut self, frame: &Frame) -> Result<String, String> {
        match frame.kind {
            PayloadKind::Jpeg => {
                let (w, h) = self.decode_jpeg(&frame.data)?;
                Ok(format!("{w}x{h} jpeg ok"))
            }
            other => Err(format!("{other} payloads cannot be verified yet")),
        }
    }

    /// Decodes a whole JPEG; returns its size.
    pub fn decode_jpeg(&mut self, data: &[u8]) -> Result<(usize, usize), String> {
        let header = self.jpeg.read_header(data).map_err(|e| format!("jpeg header: {e}"))?;
        let (w, h) = (header.width, header.height);
        if w.saturating_mul(h) > MAX_PIXELS {
            return Err(format!("jpeg of {w}x{h} pixels is larger than the {MAX_PIXELS}-pixel limit"));
        }
        let len = turbojpeg::yuv_pixels_len(w, 1, h, header.subsamp).map_err(|e| format!("jpeg: {e}"))?;
        self.buf.resize(len, 0);
        let out = YuvImage { pixels: &mut self.buf[..], width: w, align: 1, height: h, subsamp: header.subsamp };
        self.jpeg.decompress_to_yuv(data, out).map_err(|e| format!("jpeg decode: {e}"))?;
        Ok((w, h))
    }
}
