//! The one H.264 decoding stage behind `--display` and `--http`.
//!
//! An H.264 frame cannot be decoded on its own (it refers to the ones before
//! it), so the viewers cannot each skip to the newest frame as they do with
//! JPEG. Instead this sink takes every access unit in order (delivery
//! [`Delivery::Newest`](super::Delivery::Newest): when it falls behind it
//! resumes at the next keyframe), decodes it, and publishes the newest
//! picture in [`Latest::decoded`] for the window to draw and the web view to
//! encode to JPEG once for all its viewers. The OpenH264 decoder is only made
//! when a stream turns out to be H.264, and dropped when it ends.
//!
//! Each picture carries the capture time of the frame it came from. With
//! B-frames a picture comes out some access units after its own, in display
//! order, which is capture order: so a picture takes the earliest capture
//! time of the frames fed and not yet given out.

use std::{
    cmp::Reverse,
    collections::BinaryHeap,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use camwire_wire::{KeyframeGate, PayloadKind, Sps};
use tokio::sync::watch;
use tracing::{debug, warn};

use super::{Latest, Sink, SinkReport};
use crate::decode::picture::Picture;
use crate::{
    decode::h264::{self, H264Decoder},
    frame::{Frame, StreamInfo},
};

/// A decoded H.264 picture for the viewers.
#[derive(Debug)]
pub struct DecodedFrame {
    /// The number of the stream it belongs to.
    pub stream: u64,
    /// Counts the stream's pictures from 1; a gap is pictures the viewer never got.
    pub serial: u64,
    /// The picture, RGB.
    pub picture: Picture,
    /// When the camera captured it, if its frame was stamped.
    pub captured_at: Option<SystemTime>,
}

/// What the decoding sink tells the viewers about the current H.264 stream.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    /// The newest picture, if one has been decoded.
    pub picture: Option<Arc<DecodedFrame>>,
    /// Why the stream cannot be shown, when it cannot be decoded at all.
    pub failure: Option<Arc<str>>,
}

/// Capture times waiting for their pictures beyond this many are dropped
/// (frames that never gave a picture must not hold stale times).
const MAX_PENDING_CAPTURE_TIMES: usize = 16;

/// Decodes the current H.264 stream and publishes its newest picture.
pub(super) struct H264PictureSink {
    latest: watch::Sender<Latest>,
    stream: u64,
    decoder: Option<H264Decoder>,
    /// Feed nothing until the next IDR: at the start, and after an error.
    gate: KeyframeGate,
    failed: bool,
    /// Capture times of frames fed whose pictures have not come out yet.
    pending: BinaryHeap<Reverse<SystemTime>>,
    serial: u64,
    /// The last frame fed, to count the frames delivery skipped.
    last_seq: u64,
    skipped: u64,
    errors: u64,
    busy: Duration,
}

impl H264PictureSink {
    /// Publishes into `latest`; a decoder is made when H.264 arrives.
    pub(super) fn new(latest: watch::Sender<Latest>) -> Self {
        Self {
            latest,
            stream: 0,
            decoder: None,
            gate: KeyframeGate::new(),
            failed: false,
            pending: BinaryHeap::new(),
            serial: 0,
            last_seq: 0,
            skipped: 0,
            errors: 0,
            busy: Duration::ZERO,
        }
    }

    fn start_stream(&mut self, stream: u64) {
        self.end_stream();
        self.stream = stream;
        self.latest.send_if_modified(|l| {
            let had = l.decoded.picture.is_some() || l.decoded.failure.is_some();
            l.decoded = Decoded::default();
            had
        });
    }

    fn decode(&mut self, frame: &Frame) {
        if frame.kind != PayloadKind::H264 || self.failed {
            return;
        }
        if self.last_seq != 0 && frame.seq > self.last_seq + 1 {
            self.skipped += frame.seq - self.last_seq - 1;
        }
        self.last_seq = frame.seq;
        if let Some(why) = undecodable(frame) {
            warn!("--display/--http: {why}");
            self.failed = true;
            self.latest.send_modify(|l| l.decoded.failure = Some(why.into()));
            return;
        }
        if !self.gate.pass(frame.keyframe) {
            return;
        }
        let decoder = match &mut self.decoder {
            Some(d) => d,
            None => match H264Decoder::new() {
                Ok(d) => self.decoder.insert(d),
                Err(e) => {
                    warn!("--display/--http: {e:#}");
                    self.failed = true;
                    self.latest.send_modify(|l| l.decoded.failure = Some(format!("{e:#}").into()));
                    return;
                }
            },
        };
        if let Some(at) = frame.captured_at {
            self.pending.push(Reverse(at));
        }
        let started = Instant::now();
        let decoded = decoder.decode(&frame.data);
        self.busy += started.elapsed();
        match decoded {
            Ok(Some(picture)) => {
                self.serial += 1;
                // The earliest pending capture time is this picture's; older ones never got a picture.
                while self.pending.len() > MAX_PENDING_CAPTURE_TIMES {
                    self.pending.pop();
                }
                let captured_at = self.pending.pop().map(|Reverse(at)| at);
                let decoded = DecodedFrame { stream: self.stream, serial: self.serial, picture, captured_at };
                self.latest.send_modify(|l| l.decoded.picture = Some(Arc::new(decoded)));
            }
            Ok(None) => {}
            Err(e) => {
                self.errors += 1;
                if self.errors == 1 {
                    warn!("--display/--http: frame {} not decoded: {e:#}; resuming at the next keyframe", frame.seq);
                } else {
                    debug!("--display/--http: frame {} not decoded: {e:#}", frame.seq);
                }
                self.gate.close();
                self.pending.clear();
            }
        }
    }

    /// Drops the stream's decoder and says what it cost.
    fn end_stream(&mut self) {
        if self.serial > 0 || self.errors > 0 {
            debug!(
                "h264 pictures: stream {}: {} pictures decoded, {:.2} ms each (decode and RGB), \
                 {} frames skipped while behind, {} not decodable",
                self.stream,
                self.serial,
                self.busy.as_secs_f64() * 1e3 / self.serial.max(1) as f64,
                self.skipped,
                self.errors
            );
        }
        let latest = self.latest.clone();
        *self = Self::new(latest);
    }
}

impl Sink for H264PictureSink {
    fn start(&mut self, stream: &StreamInfo) {
        self.start_stream(stream.number);
    }

    fn frame(&mut self, frame: Frame) -> anyhow::Result<()> {
        self.decode(&frame);
        Ok(())
    }

    fn end(&mut self) -> SinkReport {
        self.end_stream();
        SinkReport::default()
    }
}

/// Why a frame's stream cannot be decoded here at all, from its SPS.
fn undecodable(frame: &Frame) -> Option<String> {
    let why = h264::undecodable("this H.264 stream", &Sps::find(&frame.data)?)?;
    Some(format!("{why}, or watch with --pipe ffplay"))
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use camwire_wire::is_idr_access_unit;
    use openh264::{
        encoder::{Encoder, EncoderConfig, IntraFramePeriod},
        formats::YUVBuffer,
        OpenH264API,
    };

    use super::*;

    /// `n` access units of a flat 64x48 picture, an IDR every `gop`, as frames stamped `1000 + seq` ms.
    fn frames(n: u64, gop: u32) -> Vec<Frame> {
        let config = EncoderConfig::new().skip_frames(false).intra_frame_period(IntraFramePeriod::from_num_frames(gop));
        let mut enc = Encoder::with_api_config(OpenH264API::from_source(), config).unwrap();
        let (w, h) = (64, 48);
        (1..=n)
            .map(|seq| {
                let data =
                    Bytes::from(enc.encode(&YUVBuffer::from_vec(vec![128; w * h * 3 / 2], w, h)).unwrap().to_vec());
                Frame {
                    seq,
                    keyframe: is_idr_access_unit(&data),
                    kind: PayloadKind::H264,
                    data,
                    received_at: SystemTime::now(),
                    captured_at: Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1000 + seq)),
                }
            })
            .collect()
    }

    #[test]
    fn publishes_each_picture_with_its_frames_capture_time() {
        let latest = watch::Sender::new(Latest::default());
        let mut sink = H264PictureSink::new(latest.clone());
        sink.start_stream(7);
        for frame in frames(5, 30) {
            sink.decode(&frame);
            let decoded = latest.borrow().decoded.picture.clone().expect("a picture per access unit");
            assert_eq!((decoded.stream, decoded.serial), (7, frame.seq));
            assert_eq!((decoded.picture.width, decoded.picture.height), (64, 48));
            assert_eq!(decoded.captured_at, frame.captured_at);
        }
    }

    #[test]
    fn a_stream_joined_after_its_idr_waits_for_the_next_one() {
        let latest = watch::Sender::new(Latest::default());
        let mut sink = H264PictureSink::new(latest.clone());
        sink.start_stream(1);
        let units = frames(6, 3);
        assert!(units[3].keyframe && !units[1].keyframe);
        sink.decode(&units[1]);
        sink.decode(&units[2]);
        assert!(latest.borrow().decoded.picture.is_none(), "nothing decodes before an IDR");
        sink.decode(&units[3]);
        let decoded = latest.borrow().decoded.picture.clone().expect("a picture from the IDR on");
        assert_eq!((decoded.serial, decoded.captured_at), (1, units[3].captured_at));
    }

    #[test]
    fn a_new_stream_clears_the_old_picture() {
        let latest = watch::Sender::new(Latest::default());
        let mut sink = H264PictureSink::new(latest.clone());
        sink.start_stream(1);
        sink.decode(&frames(1, 30)[0]);
        assert!(latest.borrow().decoded.picture.is_some());
        sink.start_stream(2);
        assert!(latest.borrow().decoded.picture.is_none());
    }

    #[test]
    fn pictures_in_display_order_take_the_earliest_pending_capture_time() {
        // Decode order I0 P3 B1 B2; the decoder gives pictures 0 1 2 3 one unit late.
        let t = |ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms);
        let mut pending = BinaryHeap::new();
        let mut out = Vec::new();
        for (fed, gives_picture) in [(0, false), (300, true), (100, true), (200, true)] {
            pending.push(Reverse(t(fed)));
            if gives_picture {
                out.push(pending.pop().map(|Reverse(at)| at));
            }
        }
        assert_eq!(out, [Some(t(0)), Some(t(100)), Some(t(200))]);
    }
}
