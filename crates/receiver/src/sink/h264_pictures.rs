//! The one H.264 decoding stage behind `--display` and `--http`.
//!
//! An H.264 frame cannot be decoded on its own (it refers to the ones before
//! it), so the viewers cannot each skip to the newest frame as they do with
//! JPEG. Instead this sink takes every access unit in order (delivery
//! [`Delivery::Latest`](super::Delivery::Latest): when it falls behind it
//! resumes at the next keyframe), decodes it, and publishes the newest
//! picture in [`Latest::decoded`] for the window to draw and the web view to
//! encode to JPEG once for all its viewers. The OpenH264 decoder is only made
//! when a stream turns out to be H.264, and dropped when it ends.
//!
//! Decoding costs most of the receiver's time per frame, so it runs only
//! while someone wants pictures ([`PictureDemand`]: the window, an MJPEG
//! viewer, a snapshot waiting). Meanwhile the access units since the last
//! IDR are kept (at most [`KEEP_FOR`] or [`KEEP_BYTES`]); when pictures are
//! wanted again the kept ones are decoded to catch up and decoding goes on
//! live. A run that outgrows the bound (keyframes rare) is decoded all along
//! until the next IDR comes while nobody watches.
//!
//! Each picture carries the capture time of the frame it came from. With
//! B-frames a picture comes out some access units after its own, in display
//! order, which is capture order: so a picture takes the earliest capture
//! time of the frames fed and not yet given out.

use std::{
    cmp::Reverse,
    collections::{BinaryHeap, VecDeque},
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use camwire_wire::{KeyframeGate, PayloadKind, Sps};
use tokio::sync::watch;
use tracing::{debug, warn};

use super::{
    feeds::{Decoded, DecodedFrame, Latest, PictureDemand},
    runner::{BlockingSink, SinkReport},
};
use crate::{
    decode::{
        h264::{self, H264Decoder},
        PixelLimit,
    },
    frame::{Frame, StreamInfo},
};

/// Capture times waiting for their pictures beyond this many are dropped
/// (frames that never gave a picture must not hold stale times).
const MAX_PENDING_CAPTURE_TIMES: usize = 16;

/// Access units kept undecoded span at most this long; past it the stream is decoded all along.
const KEEP_FOR: Duration = Duration::from_secs(2);

/// Access units kept undecoded hold at most this many bytes; past it the stream is decoded all along.
const KEEP_BYTES: usize = 8 << 20;

/// Decodes the current H.264 stream and publishes its newest picture.
pub(super) struct H264PictureSink {
    latest: watch::Sender<Latest>,
    demand: PictureDemand,
    /// Access units not decoded yet because nobody wanted pictures: since the last IDR or the last one decoded.
    kept: VecDeque<Frame>,
    kept_bytes: usize,
    /// The kept run outgrew its bound: decode everything until an IDR comes while nobody watches.
    all_along: bool,
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
    limit: PixelLimit,
    /// Asks the sender for the keyframe a decode error must wait for.
    keyframes: crate::backchannel::KeyframeRequests,
}

impl H264PictureSink {
    /// Publishes into `latest`; a decoder is made when H.264 arrives.
    pub(super) fn new(latest: watch::Sender<Latest>, demand: PictureDemand, limit: PixelLimit) -> Self {
        Self {
            limit,
            latest,
            demand,
            kept: VecDeque::new(),
            kept_bytes: 0,
            all_along: false,
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
            keyframes: Default::default(),
        }
    }

    /// This sink, asking the camera's sender (the back channel) for a
    /// keyframe when a frame does not decode, rather than wait for the next.
    pub(super) fn asking(self, keyframes: crate::backchannel::KeyframeRequests) -> Self {
        Self { keyframes, ..self }
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
        if let Some(why) = undecodable(frame, self.limit) {
            warn!("--display/--http: {why}");
            self.failed = true;
            self.latest.send_modify(|l| l.decoded.failure = Some(why.into()));
            return;
        }
        // Until an IDR nothing can be decoded; a kept run starts with one, and the gate opens when it is fed.
        if !self.gate.admits(frame.keyframe) && self.kept.is_empty() {
            return;
        }
        if !self.demand.is_wanted() {
            if frame.keyframe {
                // The decoder can start over here: what was kept before is not needed.
                self.kept.clear();
                self.kept_bytes = 0;
                self.all_along = false;
            }
            if !self.all_along {
                self.kept_bytes += frame.data.len();
                self.kept.push_back(frame.clone());
                if self.kept_within_bounds() {
                    return;
                }
                debug!(
                    "h264 pictures: {} access units since the last keyframe ({} bytes): decoding all along \
                     until the next keyframe",
                    self.kept.len(),
                    self.kept_bytes
                );
                self.all_along = true;
                self.catch_up();
                return;
            }
        }
        self.catch_up();
        self.feed(frame);
    }

    /// Whether the kept access units are within [`KEEP_FOR`] and [`KEEP_BYTES`].
    fn kept_within_bounds(&self) -> bool {
        let span = match (self.kept.front(), self.kept.back()) {
            (Some(first), Some(last)) => last.received_at.duration_since(first.received_at).unwrap_or_default(),
            _ => Duration::ZERO,
        };
        span <= KEEP_FOR && self.kept_bytes <= KEEP_BYTES
    }

    /// Decodes the kept access units, oldest first.
    fn catch_up(&mut self) {
        self.kept_bytes = 0;
        while let Some(frame) = self.kept.pop_front() {
            self.feed(&frame);
        }
    }

    /// Feeds one access unit to the decoder and publishes the picture that comes out, if any.
    fn feed(&mut self, frame: &Frame) {
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
                self.demand.count_decoded();
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
                self.keyframes.request("decoder");
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
        *self = Self::new(self.latest.clone(), self.demand.clone(), self.limit);
    }
}

impl BlockingSink for H264PictureSink {
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
fn undecodable(frame: &Frame, limit: PixelLimit) -> Option<String> {
    let why = h264::undecodable("this H.264 stream", &Sps::find(&frame.data)?, limit)?;
    Some(format!("{why}, or watch with --pipe ffplay"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` access units of a flat 64x48 picture, an IDR every `gop`, as frames stamped `1000 + seq` ms.
    fn frames(n: u64, gop: u32) -> Vec<Frame> {
        crate::frame::test_frames::h264(n, gop)
    }

    #[test]
    fn publishes_each_picture_with_its_frames_capture_time() {
        let latest = watch::Sender::new(Latest::default());
        let demand = PictureDemand::default();
        let _wanted = demand.want();
        let mut sink = H264PictureSink::new(latest.clone(), demand, PixelLimit::default());
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
        let demand = PictureDemand::default();
        let _wanted = demand.want();
        let mut sink = H264PictureSink::new(latest.clone(), demand, PixelLimit::default());
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
        let demand = PictureDemand::default();
        let _wanted = demand.want();
        let mut sink = H264PictureSink::new(latest.clone(), demand, PixelLimit::default());
        sink.start_stream(1);
        sink.decode(&frames(1, 30)[0]);
        assert!(latest.borrow().decoded.picture.is_some());
        sink.start_stream(2);
        assert!(latest.borrow().decoded.picture.is_none());
    }

    #[test]
    fn nothing_is_decoded_until_pictures_are_wanted_then_the_kept_units_catch_up() {
        let latest = watch::Sender::new(Latest::default());
        let demand = PictureDemand::default();
        let mut sink = H264PictureSink::new(latest.clone(), demand.clone(), PixelLimit::default());
        sink.start_stream(1);
        let units = frames(8, 3);
        assert!(units[3].keyframe && units[6].keyframe && !units[5].keyframe);
        for unit in &units[..6] {
            sink.decode(unit);
        }
        assert!(latest.borrow().decoded.picture.is_none(), "nobody wants pictures: none decoded");
        assert_eq!(demand.decoded(), 0);
        assert_eq!(sink.kept.len(), 3, "only the units since the last IDR are kept");
        let wanted = demand.want();
        sink.decode(&units[6]);
        let decoded = latest.borrow().decoded.picture.clone().expect("the kept units and the new one decoded");
        assert_eq!((decoded.serial, decoded.captured_at), (4, units[6].captured_at));
        drop(wanted);
        sink.decode(&units[7]);
        assert_eq!(demand.decoded(), 4, "decoding stops when nobody wants pictures");
        let _wanted = demand.want();
        sink.decode(&frames(1, 3)[0]);
        assert_eq!(demand.decoded(), 6, "the decoder goes on from where it stopped");
    }

    #[test]
    fn a_run_without_keyframes_past_the_bound_is_decoded_all_along() {
        let latest = watch::Sender::new(Latest::default());
        let demand = PictureDemand::default();
        let mut sink = H264PictureSink::new(latest.clone(), demand.clone(), PixelLimit::default());
        sink.start_stream(1);
        let mut units = frames(4, 300);
        for (i, unit) in units.iter_mut().enumerate() {
            unit.received_at = SystemTime::UNIX_EPOCH + KEEP_FOR * i as u32;
        }
        sink.decode(&units[0]);
        sink.decode(&units[1]);
        assert_eq!(demand.decoded(), 0, "within the bound: kept");
        sink.decode(&units[2]);
        assert_eq!(demand.decoded(), 3, "past the bound: the kept units are decoded");
        sink.decode(&units[3]);
        assert_eq!(demand.decoded(), 4, "and every one after");
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
