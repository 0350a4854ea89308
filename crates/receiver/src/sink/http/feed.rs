//! One task between the receiver's latest frame and every web viewer: it
//! turns each new frame into the JPEG the viewers are sent (today the JPEG
//! itself, a zero-copy clone; later H.264 pictures encoded once here, never
//! per viewer) and keeps the figures `/status` reports.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use camwire_wire::PayloadKind;
use tokio::sync::watch;
use turbojpeg::Decompressor;

use crate::{
    frame::Frame,
    sink::{
        picture::{jpeg_size, H264_NOT_VIEWABLE},
        Latest,
    },
};

/// A frame as the web view sends it.
#[derive(Debug, Clone)]
pub(super) struct WebFrame {
    /// Counts up with every published frame, across streams.
    pub serial: u64,
    /// The JPEG.
    pub jpeg: Bytes,
    /// When the camera captured it, once frames carry that (sent as `X-Timestamp`).
    pub captured_at: Option<SystemTime>,
}

/// The figures behind `/status`.
#[derive(Debug, Default)]
pub(super) struct Stats {
    /// The connected sender, if any.
    pub peer: Option<SocketAddr>,
    /// The current (or last) stream's number and payload kind.
    pub stream: Option<u64>,
    pub kind: Option<PayloadKind>,
    /// Frames of the current (or last) stream.
    pub frames: u64,
    /// Picture size of the newest JPEG.
    pub size: Option<(usize, usize)>,
    /// Why the picture cannot be shown, when it cannot.
    pub note: Option<&'static str>,
    /// Recent arrivals: (when, frames since the previous sample, bytes).
    window: VecDeque<(Instant, u64, u64)>,
}

/// The span the frame rate and bit rate are averaged over.
const RATE_WINDOW: Duration = Duration::from_secs(2);

impl Stats {
    /// Frames per second and kilobits per second over the last [`RATE_WINDOW`].
    pub fn rates(&mut self) -> (f64, f64) {
        let now = Instant::now();
        while self.window.front().is_some_and(|(at, ..)| now.duration_since(*at) > RATE_WINDOW) {
            self.window.pop_front();
        }
        let frames: u64 = self.window.iter().map(|s| s.1).sum();
        let bytes: u64 = self.window.iter().map(|s| s.2).sum();
        let secs = RATE_WINDOW.as_secs_f64();
        (frames as f64 / secs, bytes as f64 * 8.0 / 1000.0 / secs)
    }
}

/// What viewers share: the newest web frame and the status figures.
pub(super) struct Shared {
    pub stats: Mutex<Stats>,
}

/// Follows `latest` until the receiver closes its sinks, publishing into `web`.
pub(super) async fn run(
    mut latest: watch::Receiver<Latest>,
    web: watch::Sender<Option<WebFrame>>,
    shared: Arc<Shared>,
) {
    let mut headers = Decompressor::new().ok();
    // The frame published last: when it arrived, and its number in its stream.
    let mut last: Option<(SystemTime, u64)> = None;
    let mut serial = 0;
    let mut stream_number = 0;
    while latest.changed().await.is_ok() {
        let now = latest.borrow_and_update().clone();
        let mut stats = shared.stats.lock().expect("stats lock");
        stats.peer = now.stream.as_ref().map(|s| s.peer);
        if let Some(stream) = &now.stream {
            stream_number = stream.number;
        }
        // A frame counts even when its stream has already ended (a one-frame stream).
        let Some(frame) = now.frame else { continue };
        if last.is_some_and(|(at, _)| at == frame.received_at) {
            continue;
        }
        let gap = match last {
            Some((_, seq)) if frame.seq > seq => frame.seq - seq,
            _ => frame.seq,
        };
        last = Some((frame.received_at, frame.seq));
        stats.window.push_back((Instant::now(), gap, frame.data.len() as u64 * gap));
        (stats.stream, stats.kind, stats.frames) = (Some(stream_number), Some(frame.kind), frame.seq);
        stats.note = (frame.kind == PayloadKind::H264).then_some(H264_NOT_VIEWABLE);
        if let Some(jpeg) = web_jpeg(&frame) {
            if let Some(size) = headers.as_mut().and_then(|d| jpeg_size(d, &jpeg)) {
                stats.size = Some(size);
            }
            drop(stats);
            serial += 1;
            web.send_replace(Some(WebFrame { serial, jpeg, captured_at: None }));
        } else {
            // Not an old picture under a new stream's name: no picture until one can be shown.
            drop(stats);
            web.send_if_modified(|w| w.take().is_some());
        }
    }
}

/// The JPEG for a frame, if it can be shown.
fn web_jpeg(frame: &Frame) -> Option<Bytes> {
    match frame.kind {
        PayloadKind::Jpeg => Some(frame.data.clone()),
        // Decoded and encoded here once H.264 decoding exists, for all viewers at once.
        _ => None,
    }
}
