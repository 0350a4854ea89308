//! `--verify`: fully decode every frame and print one line per frame.
//!
//! "Fully" matters: Pillow's `verify()`, which the classic recipe uses, reads
//! only the headers and passes a JPEG cut in half. Here every JPEG is decoded
//! through libjpeg-turbo (to YUV planes: all entropy-coded data and every
//! IDCT, without the colour conversion a display would add), and a decoder
//! warning such as "premature end of data" makes the frame invalid.
//! H.264 access units go through OpenH264, one decoder per stream; a stream
//! that does not open with SPS/PPS and an IDR is reported, and its frames
//! before the first IDR are invalid (nothing can decode them).

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use prometheus::{Histogram, IntCounter};
use turbojpeg::{Decompressor, YuvImage};

use camwire_wire::{has_parameter_sets, PayloadKind, Sps};
use tracing::warn;

use super::runner::{BlockingSink, SinkReport};
use crate::{
    decode::{
        self,
        h264::{self, H264Decoder},
        PixelLimit,
    },
    frame::{ms_between, Frame, Stages, StreamInfo},
    metrics::Metrics,
};

/// Prints a line per frame; counts the invalid ones per stream.
pub(super) struct VerifySink {
    verifier: Verifier,
    /// JPEGs are decoded on several threads at once.
    pool: JpegPool,
    /// Invalid frames in the current stream.
    invalid: u64,
    /// ` camera=<name>`, the end of every line of the current stream.
    camera: String,
    /// The receiver's series: the current stream's camera gives `counted`.
    metrics: Arc<Metrics>,
    /// The current stream's camera's invalid frames since the start, and
    /// its decode stage, for `/metrics`.
    counted: Option<(IntCounter, Histogram)>,
}

impl VerifySink {
    /// A verifier and its JPEG workers; invalid frames are counted into
    /// each stream's camera's `camwire_invalid_frames_total` too.
    pub(super) fn new(limit: PixelLimit, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
        let make = || {
            anyhow::Ok(Self {
                verifier: Verifier::new(limit)?,
                pool: JpegPool::new(limit)?,
                invalid: 0,
                camera: String::new(),
                metrics: metrics.clone(),
                counted: None,
            })
        };
        make().context("--verify unavailable")
    }

    /// Prints the lines of the JPEGs still in flight, so everything else keeps its place after them.
    fn drain(&mut self) {
        let (invalid, camera, counted) = (&mut self.invalid, &self.camera, &self.counted);
        self.pool.drain(&mut |line| print_line(line, camera, invalid, counted));
    }
}

impl BlockingSink for VerifySink {
    fn start(&mut self, stream: &StreamInfo) {
        self.drain();
        self.camera = format!(" camera={}", stream.camera);
        let series = self.metrics.camera(stream.camera.as_str());
        self.counted = Some((series.invalid, series.stages.decode));
        self.invalid = 0;
        self.verifier.new_stream();
    }

    fn frame(&mut self, frame: Frame) -> anyhow::Result<()> {
        let (invalid, camera, counted) = (&mut self.invalid, &self.camera, &self.counted);
        if frame.kind == PayloadKind::Jpeg {
            self.pool.submit(frame, &mut |line| print_line(line, camera, invalid, counted));
        } else {
            self.pool.drain(&mut |line| print_line(line, camera, invalid, counted));
            print_line(self.verifier.line(&frame), camera, invalid, counted);
        }
        Ok(())
    }

    fn end(&mut self) -> SinkReport {
        self.drain();
        SinkReport { invalid: self.invalid, ..SinkReport::default() }
    }

    fn close(&mut self) {
        self.drain();
    }
}

/// A verify line but its camera and latency, whether it says the frame was
/// valid, and its timing (when it was stamped).
type Line = (String, bool, Option<Timing>);

/// A stamped frame's latency and its stages, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Capture to arrival.
    pub latency_ms: f64,
    /// For a frame with a stage stamp (protocol.md, section 12.6): the
    /// sender's stages and the network, as far as it tells, and arrival to
    /// decoded here. A classic sender's lines stay as they always were.
    pub stages: Option<(Stages, f64)>,
}

/// Prints a verify line: `line`, then ` camera=<name>` (`camera`), then for
/// a frame with a stage stamp the stages (` encode_ms= send_ms= network_ms=`,
/// those the sender stamped, and ` decode_ms=`), then the latency last, where scripts look for it; an
/// invalid frame is counted in `invalid` (the stream's) and `counted` (since the start).
fn print_line((line, ok, timing): Line, camera: &str, invalid: &mut u64, counted: &Option<(IntCounter, Histogram)>) {
    if !ok {
        *invalid += 1;
        counted.iter().for_each(|(c, _)| c.inc());
    }
    match timing {
        Some(Timing { latency_ms, stages: Some((stages, decode_ms)) }) => {
            counted.iter().for_each(|(_, h)| h.observe(decode_ms / 1000.0));
            println!("{line}{camera}{} decode_ms={decode_ms:.2} latency={latency_ms:.2}", stages.fields());
        }
        Some(Timing { latency_ms, stages: None }) => println!("{line}{camera} latency={latency_ms:.2}"),
        None => println!("{line}{camera}"),
    }
}

/// A verifier with no frame for this long gives its buffers back.
const IDLE_RELEASE: Duration = Duration::from_secs(1);

/// JPEG frames are independent, so they are decoded on several threads at
/// once; each worker takes every n-th frame and results are collected in
/// the same round-robin order, so the lines come out in frame order.
struct JpegPool {
    work: Vec<std::sync::mpsc::SyncSender<Frame>>,
    done: Vec<std::sync::mpsc::Receiver<Line>>,
    next_in: usize,
    next_out: usize,
    in_flight: usize,
}

impl JpegPool {
    /// One worker per core, at most four.
    fn new(limit: PixelLimit) -> anyhow::Result<Self> {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
        let (mut work, mut done) = (Vec::new(), Vec::new());
        for i in 0..n {
            let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Frame>(2);
            let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Line>(2);
            let mut verifier = Verifier::new(limit)?;
            std::thread::Builder::new().name(format!("verify-{i}")).spawn(move || loop {
                use std::sync::mpsc::RecvTimeoutError;
                match work_rx.recv_timeout(IDLE_RELEASE) {
                    Ok(frame) => {
                        if done_tx.send(verifier.line(&frame)).is_err() {
                            break;
                        }
                    }
                    // Between streams, a large picture's buffer is not kept.
                    Err(RecvTimeoutError::Timeout) => verifier.release(),
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            })?;
            work.push(work_tx);
            done.push(done_rx);
        }
        Ok(Self { work, done, next_in: 0, next_out: 0, in_flight: 0 })
    }

    /// Hands `frame` to the next worker, first emitting the oldest result if all are busy.
    fn submit(&mut self, frame: Frame, emit: &mut impl FnMut(Line)) {
        if self.in_flight == self.work.len() {
            self.emit_one(emit);
        }
        if self.work[self.next_in].send(frame).is_ok() {
            self.next_in = (self.next_in + 1) % self.work.len();
            self.in_flight += 1;
        }
    }

    /// Emits every result still owed, in order.
    fn drain(&mut self, emit: &mut impl FnMut(Line)) {
        while self.in_flight > 0 {
            self.emit_one(emit);
        }
    }

    fn emit_one(&mut self, emit: &mut impl FnMut(Line)) {
        if let Ok(line) = self.done[self.next_out].recv() {
            emit(line);
        }
        self.next_out = (self.next_out + 1) % self.done.len();
        self.in_flight -= 1;
    }
}

/// Decodes frames and describes the result.
pub struct Verifier {
    jpeg: Decompressor,
    buf: Vec<u8>,
    /// The current stream's H.264 decoder, made at its first access unit.
    h264: Option<H264Decoder>,
    /// The current stream's latest SPS, and whether an IDR has arrived.
    sps: Option<Sps>,
    seen_idr: bool,
    /// Why the current stream cannot be decoded at all, once known.
    undecodable: Option<String>,
    limit: PixelLimit,
}

impl Verifier {
    /// A verifier with its decoders ready.
    pub fn new(limit: PixelLimit) -> anyhow::Result<Self> {
        let mut jpeg = Decompressor::new()?;
        jpeg.set_scan_limit(decode::MAX_SCANS)?;
        Ok(Self { jpeg, buf: Vec::new(), h264: None, sps: None, seen_idr: false, undecodable: None, limit })
    }

    /// The verify line for `frame`: `frame <n>: <w>x<h> jpeg ok` or
    /// `frame <n>: invalid (<reason>)`, whether it is valid, and its latency.
    pub fn line(&mut self, frame: &Frame) -> Line {
        match self.check(frame) {
            Ok(ok) => {
                let decode_ms = ms_between(frame.received_at, std::time::SystemTime::now());
                let stages = frame.stages();
                let staged = stages != Stages::default();
                let timing = frame
                    .latency_ms()
                    .map(|latency_ms| Timing { latency_ms, stages: staged.then_some((stages, decode_ms)) });
                (format!("frame {}: {ok}", frame.seq), true, timing)
            }
            Err(reason) => (format!("frame {}: invalid ({reason})", frame.seq), false, None),
        }
    }

    /// Forgets the previous stream's decoder state, and its buffers.
    pub fn new_stream(&mut self) {
        (self.h264, self.sps, self.seen_idr, self.undecodable) = (None, None, false, None);
        self.release();
    }

    /// Gives back the decoding buffer.
    pub fn release(&mut self) {
        self.buf = Vec::new();
    }

    /// `Ok("640x480 jpeg ok")`, or the reason the frame is invalid.
    pub fn check(&mut self, frame: &Frame) -> Result<String, String> {
        match frame.kind {
            PayloadKind::Jpeg => {
                let (w, h) = self.decode_jpeg(&frame.data)?;
                Ok(format!("{w}x{h} jpeg ok"))
            }
            PayloadKind::H264 => {
                let (w, h) = self.decode_h264(frame)?;
                Ok(format!("{w}x{h} h264 ok{}", if frame.keyframe { " idr" } else { "" }))
            }
            PayloadKind::Unknown => Err("neither JPEG nor H.264".into()),
        }
    }

    /// Decodes one access unit with the stream's decoder; returns its size.
    fn decode_h264(&mut self, frame: &Frame) -> Result<(u32, u32), String> {
        if let Some(reason) = &self.undecodable {
            return Err(reason.clone());
        }
        if let Some(sps) = Sps::find(&frame.data) {
            if let Some(why) = h264::undecodable("h264", &sps, self.limit) {
                return Err(self.undecodable.insert(why).clone());
            }
            self.sps = Some(sps);
        }
        self.seen_idr |= frame.keyframe;
        let decoder = match &mut self.h264 {
            Some(d) => d,
            None => {
                if !(frame.keyframe && has_parameter_sets(&frame.data)) {
                    warn!(
                        "--verify: this H.264 stream does not start with SPS/PPS and an IDR; \
                         frames before its first IDR cannot be decoded"
                    );
                }
                self.h264.insert(H264Decoder::new().map_err(|e| format!("{e:#}"))?)
            }
        };
        match (decoder.decode_only(&frame.data), self.sps) {
            (Ok(Some(size)), _) => Ok(size),
            // Decoded without error; the picture comes out later (B-frame reordering).
            (Ok(None), Some(sps)) if self.seen_idr => Ok((sps.width, sps.height)),
            (Ok(None), _) => Err("h264: no picture decoded (before the first IDR, or parameter sets only)".into()),
            (Err(e), _) => Err(format!("h264: {e:#}")),
        }
    }

    /// Decodes a whole JPEG; returns its size.
    pub fn decode_jpeg(&mut self, data: &[u8]) -> Result<(usize, usize), String> {
        let header = self.jpeg.read_header(data).map_err(|e| format!("jpeg header: {e}"))?;
        let (w, h) = (header.width, header.height);
        self.limit.check("jpeg", w, h)?;
        let len = turbojpeg::yuv_pixels_len(w, 1, h, header.subsamp).map_err(|e| format!("jpeg: {e}"))?;
        decode::fit(&mut self.buf, len);
        let out = YuvImage { pixels: &mut self.buf[..], width: w, align: 1, height: h, subsamp: header.subsamp };
        self.jpeg.decompress_to_yuv(data, out).map_err(|e| format!("jpeg decode: {e}"))?;
        Ok((w, h))
    }
}
