//! One task between the receiver's latest frame and every web viewer: it
//! turns each new frame into the JPEG the viewers are sent and keeps the
//! figures `/status` reports. A JPEG frame is sent as it arrived (a
//! zero-copy clone); an H.264 stream's newest decoded picture is encoded to
//! JPEG here, once, whatever the number of viewers, and only while an MJPEG
//! viewer or a snapshot wants one (browsers play the H.264 itself).

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use camwire_app::RateCounter;
use camwire_wire::{jpeg_dimensions, PayloadKind, Sps};
use tokio::sync::watch;
use tracing::{debug, warn};

use super::watching::Watching;
use crate::{
    decode::picture::{JpegEncoder, WEB_JPEG_QUALITY},
    sink::{DecodedFrame, Latest},
    summary::RecentLatency,
};

/// A frame as the web view sends it.
#[derive(Debug, Clone)]
pub(super) struct WebFrame {
    /// Counts up with every published frame, across streams.
    pub serial: u64,
    /// The JPEG.
    pub jpeg: Bytes,
    /// When the camera captured it, if known (sent as `X-Timestamp`).
    pub captured_at: Option<SystemTime>,
    /// The JPEG holds [`BOUNDARY_PREFIX`]: each viewer checks it against
    /// its own boundary before sending it.
    pub marked: bool,
}

/// Every multipart boundary starts with this; a [`WebFrame`] whose JPEG
/// holds it is marked.
pub(super) const BOUNDARY_PREFIX: &str = "camwire-";

impl WebFrame {
    /// Frame number `serial`, marked if the JPEG holds [`BOUNDARY_PREFIX`].
    pub(super) fn new(serial: u64, jpeg: Bytes, captured_at: Option<SystemTime>) -> Self {
        let marked = memchr::memmem::find(&jpeg, BOUNDARY_PREFIX.as_bytes()).is_some();
        Self { serial, jpeg, captured_at, marked }
    }
}

/// Frames the `/status` latency percentiles are taken over.
const STATUS_LATENCY_FRAMES: usize = 300;

/// The figures behind `/status`.
#[derive(Debug)]
pub(super) struct Stats {
    /// The connected sender, if any.
    pub peer: Option<SocketAddr>,
    /// The current (or last) stream's camera.
    pub camera: Option<camwire_wire::CameraName>,
    /// The current (or last) stream's number and payload kind.
    pub stream: Option<u64>,
    pub kind: Option<PayloadKind>,
    /// Frames of the current (or last) stream.
    pub frames: u64,
    /// Picture size of the newest picture.
    pub size: Option<(usize, usize)>,
    /// Why the picture cannot be shown, when it cannot.
    pub note: Option<Arc<str>>,
    /// Capture-to-arrival latency of the stream's recent frames.
    pub latency: RecentLatency,
    /// The same frames' latency per stage: encode, send, network (protocol.md, section 12.6).
    pub stages: [RecentLatency; 3],
    /// Whether the newest frame's times were corrected for its sender's clock.
    pub clock: Option<crate::clock::ClockState>,
    /// H.264 pictures encoded to JPEG since the start (only while someone wants JPEG).
    pub jpeg_encoded: u64,
    /// Frames and bytes of the last [`RATE_WINDOW`].
    rate: RateCounter,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            peer: None,
            camera: None,
            stream: None,
            kind: None,
            frames: 0,
            size: None,
            note: None,
            latency: RecentLatency::new(STATUS_LATENCY_FRAMES),
            stages: std::array::from_fn(|_| RecentLatency::new(STATUS_LATENCY_FRAMES)),
            clock: None,
            jpeg_encoded: 0,
            rate: RateCounter::new(RATE_WINDOW),
        }
    }
}

/// The span the frame rate and bit rate are averaged over.
const RATE_WINDOW: Duration = Duration::from_secs(2);

impl Stats {
    /// Counts `frames` frames of `bytes` arriving now.
    fn count(&mut self, frames: u64, bytes: u64) {
        self.rate.add(frames, bytes);
    }

    /// Frames per second and kilobits per second over the last [`RATE_WINDOW`].
    pub fn rates(&mut self) -> (f64, f64) {
        self.rate.rates()
    }
}

/// The figures `/status` reports: written by the feed, read by the handlers
/// (the newest web frame itself travels in the `web` watch channel).
pub(super) struct SharedStats {
    pub stats: Mutex<Stats>,
}

/// Follows `latest` until the receiver closes its sinks, publishing into `web`.
pub(super) async fn run(
    mut latest: watch::Receiver<Latest>,
    web: watch::Sender<Option<WebFrame>>,
    shared: Arc<SharedStats>,
    watching: Arc<Watching>,
) {
    let mut feed = Feed::default();
    while latest.changed().await.is_ok() {
        let now = latest.borrow_and_update().clone();
        let publish = feed.follow(&now, &mut shared.stats.lock().expect("stats lock"));
        let frame = match publish {
            Publish::Nothing => continue,
            Publish::Stale if watching.wants_jpeg() => continue,
            Publish::Clear | Publish::Stale => {
                // Not an old picture under a new stream's name: no picture until one can be shown.
                web.send_if_modified(|w| w.take().is_some());
                continue;
            }
            Publish::Jpeg(jpeg, captured_at) => Some((jpeg, captured_at)),
            Publish::Encode(decoded) if watching.wants_jpeg() => {
                let encoded = feed.encode(decoded).await;
                shared.stats.lock().expect("stats lock").jpeg_encoded += u64::from(encoded.is_some());
                encoded
            }
            Publish::Encode(_) => {
                // Nobody watches as MJPEG: no JPEG, and none left over for whoever comes next.
                web.send_if_modified(|w| w.take().is_some());
                continue;
            }
        };
        if let Some((jpeg, captured_at)) = frame {
            feed.serial += 1;
            web.send_replace(Some(WebFrame::new(feed.serial, jpeg, captured_at)));
        }
    }
    feed.log_encoding();
}

/// What a change of the latest frame gives the viewers.
enum Publish {
    Nothing,
    /// No picture can be shown: take the last one away.
    Clear,
    /// A new H.264 frame whose picture is not out yet: the last picture stays
    /// while someone is having pictures made, and goes otherwise.
    Stale,
    Jpeg(Bytes, Option<SystemTime>),
    Encode(Arc<DecodedFrame>),
}

/// The feed's state between changes.
#[derive(Default)]
struct Feed {
    /// Made at the first H.264 picture; moved to a blocking thread for each encode.
    encoder: Option<JpegEncoder>,
    /// The frame counted last: when it arrived, and its number in its stream.
    last: Option<(SystemTime, u64)>,
    /// The H.264 picture encoded last.
    encoded: Option<Arc<DecodedFrame>>,
    stream_number: u64,
    /// The stream changed and the last stream's picture has not been replaced or cleared yet.
    new_stream: bool,
    serial: u64,
    /// Pictures encoded and the time spent, for the debug log.
    encodes: u64,
    encode_time: Duration,
}

impl Feed {
    /// Counts a new frame into `stats` and says what the viewers get.
    fn follow(&mut self, now: &Latest, stats: &mut Stats) -> Publish {
        let publish = self.follow_frame(now, stats);
        match publish {
            // A new stream: the last one's picture is gone until it gives its own.
            Publish::Nothing | Publish::Stale if std::mem::take(&mut self.new_stream) => Publish::Clear,
            publish => {
                self.new_stream = false;
                publish
            }
        }
    }

    /// [`Self::follow`] before it knows whether the stream is new.
    fn follow_frame(&mut self, now: &Latest, stats: &mut Stats) -> Publish {
        stats.peer = now.stream.as_ref().map(|s| s.peer);
        stats.camera = now.stream.as_ref().map(|s| s.camera.clone());
        if let Some(stream) = &now.stream {
            if stream.number != self.stream_number {
                self.stream_number = stream.number;
                self.new_stream = true;
                stats.latency.clear();
                stats.stages.iter_mut().for_each(RecentLatency::clear);
                stats.clock = None;
                stats.size = None;
            }
        }
        // A frame counts even when its stream has already ended (a one-frame stream).
        let Some(frame) = &now.frame else { return Publish::Nothing };
        let new_frame = self.last.is_none_or(|(at, _)| at != frame.received_at);
        if new_frame {
            let gap = match self.last {
                Some((_, seq)) if frame.seq > seq => frame.seq - seq,
                // A new stream: counted from its start.
                Some(_) => frame.seq,
                // The first frame a feed sees, maybe mid-stream (a camera's view made at a
                // page's first request): one frame, not the stream's frames so far at once.
                None => 1,
            };
            self.last = Some((frame.received_at, frame.seq));
            stats.count(gap, frame.data.len() as u64 * gap);
            (stats.stream, stats.kind, stats.frames) = (Some(self.stream_number), Some(frame.kind), frame.seq);
            stats.latency.add(frame);
            if frame.latency_ms().is_some() {
                let s = frame.stages();
                for (recent, ms) in stats.stages.iter_mut().zip([s.encode_ms, s.send_ms, s.network_ms]) {
                    ms.into_iter().for_each(|ms| recent.add_ms(ms));
                }
                stats.clock = Some(frame.clock());
            }
        }
        match frame.kind {
            PayloadKind::Jpeg if new_frame => {
                stats.note = None;
                if let Some(size) =
                    jpeg_dimensions(&frame.data).filter(|&(w, h)| w > 0 && h > 0).map(|(w, h)| (w.into(), h.into()))
                {
                    stats.size = Some(size);
                }
                Publish::Jpeg(frame.data.clone(), frame.captured_at)
            }
            PayloadKind::H264 => {
                stats.note = now.decoded.failure.clone();
                if stats.note.is_some() {
                    return Publish::Clear;
                }
                if new_frame && frame.keyframe {
                    // The size from the parameter sets, whether or not anyone has the pictures decoded.
                    if let Some(sps) = Sps::find(&frame.data) {
                        stats.size = Some((sps.width as usize, sps.height as usize));
                    }
                }
                // A newer frame than the last picture: that picture is no longer the live one.
                let behind = if new_frame { Publish::Stale } else { Publish::Nothing };
                let Some(decoded) = &now.decoded.picture else { return behind };
                let stale = now.stream.as_ref().is_some_and(|s| s.number != decoded.stream);
                if stale || self.encoded.as_ref().is_some_and(|e| Arc::ptr_eq(e, decoded)) {
                    return behind;
                }
                stats.size = Some((decoded.picture.width, decoded.picture.height));
                self.encoded = Some(decoded.clone());
                Publish::Encode(decoded.clone())
            }
            _ => Publish::Nothing,
        }
    }

    /// Encodes a decoded picture on a blocking thread: the JPEG and its capture time.
    async fn encode(&mut self, decoded: Arc<DecodedFrame>) -> Option<(Bytes, Option<SystemTime>)> {
        let mut encoder = match self.encoder.take() {
            Some(e) => e,
            None => JpegEncoder::new(WEB_JPEG_QUALITY).map_err(|e| warn!("--http: {e:#}")).ok()?,
        };
        let task = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let jpeg = decoded.picture.to_jpeg(&mut encoder);
            (encoder, jpeg, started.elapsed(), decoded.captured_at)
        });
        let (encoder, jpeg, took, captured_at) = task.await.ok()?;
        self.encoder = Some(encoder);
        (self.encodes, self.encode_time) = (self.encodes + 1, self.encode_time + took);
        match jpeg {
            Ok(jpeg) => Some((Bytes::from(jpeg), captured_at)),
            Err(e) => {
                warn!("--http: {e:#}");
                None
            }
        }
    }

    fn log_encoding(&self) {
        if self.encodes > 0 {
            debug!(
                "--http: {} H.264 pictures encoded to JPEG for the viewers, {:.2} ms each",
                self.encodes,
                self.encode_time.as_secs_f64() * 1e3 / self.encodes as f64
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Frame;

    fn jpeg_frame(seq: u64) -> Latest {
        let frame = Frame {
            seq,
            data: Bytes::from_static(&[0xff, 0xd8, 0xff, 0xd9]),
            kind: PayloadKind::Jpeg,
            keyframe: true,
            received_at: SystemTime::now() + Duration::from_micros(seq),
            captured_at: None,
            sender: None,
        };
        Latest { frame: Some(frame), ..Latest::default() }
    }

    #[test]
    fn a_feed_started_mid_stream_counts_the_frames_it_sees() {
        let (mut feed, mut stats) = (Feed::default(), Stats::default());
        for seq in [500, 501, 502, 503] {
            feed.follow(&jpeg_frame(seq), &mut stats);
        }
        // Four frames in the two-second window: 2 fps, not the 503 frames the stream had sent.
        assert_eq!(stats.rates().0, 4.0 / RATE_WINDOW.as_secs_f64());
        assert_eq!(stats.frames, 503);
    }
}
