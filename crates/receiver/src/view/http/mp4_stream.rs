//! `GET /stream.mp4`: the live H.264 stream, as sent, in fragmented MP4 for
//! the browser's Media Source Extensions (and for ffmpeg, VLC, ffprobe).
//!
//! A viewer starts at the next keyframe with the init segment in front, then
//! gets one `moof`+`mdat` (after a `prft` with the capture time) per access
//! unit, over one chunked HTTP response. Plain HTTP rather than a
//! WebSocket: the page reads it with `fetch()` as the chunks arrive, which
//! adds nothing to the latency that a WebSocket's framing would take away,
//! and the same URL plays in ffplay or VLC. When the sender restarts or its
//! parameter sets change, the next keyframe comes with a new init segment
//! (the page starts a new `SourceBuffer` on each `ftyp`). A viewer that
//! falls more than [`LIVE_FRAGMENTS`](crate::sink::live_mp4::LIVE_FRAGMENTS)
//! fragments behind skips to the next keyframe; nothing is queued per
//! viewer, and the connection's own guards ([`slow`](super::slow)) close a
//! viewer that stops reading.

use std::convert::Infallible;

use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode},
    response::Response,
};
use bytes::Bytes;
use futures_util::{stream, StreamExt};
use tokio::sync::broadcast::{self, error::RecvError};
use tracing::debug;

use super::{
    no_store,
    viewers::{ViewerSlot, STREAM_IDLE},
    watching::Place,
};
use crate::{backchannel::KeyframeRequests, sink::live_mp4::LiveFragment};

/// The streaming response for one viewer.
/// A viewer that starts, or falls behind, waits for a keyframe: it asks the
/// camera's sender for one through `keyframes` (the back channel).
pub(super) fn response(
    fragments: broadcast::Receiver<LiveFragment>,
    guard: ViewerSlot,
    place: Place,
    keyframes: KeyframeRequests,
) -> Response {
    keyframes.request("viewer");
    let viewer = Viewer { fragments, init: None, skipping: true, slot: guard, _place: place, keyframes };
    let body = stream::unfold(viewer, |mut viewer| async move {
        let parts = viewer.next().await?;
        Some((stream::iter(parts.into_iter().map(Ok::<_, Infallible>)), viewer))
    })
    .flatten();
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    no_store(headers);
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

struct Viewer {
    fragments: broadcast::Receiver<LiveFragment>,
    /// The serial of the init segment sent last.
    init: Option<u64>,
    /// Waiting for a keyframe: at the start, and after falling behind.
    skipping: bool,
    slot: ViewerSlot,
    _place: Place,
    keyframes: KeyframeRequests,
}

impl Viewer {
    /// What to send next: a fragment, with its init segment in front when it
    /// is the first of a new one. `None` when the receiver shuts down, when
    /// its place is given to another viewer, or after [`STREAM_IDLE`] with
    /// nothing to send (a JPEG camera, or no sender).
    async fn next(&mut self) -> Option<Vec<Bytes>> {
        let ended = self.slot.ended().clone();
        let deadline = tokio::time::Instant::now() + STREAM_IDLE;
        loop {
            let received = tokio::select! {
                () = ended.cancelled() => return None,
                r = tokio::time::timeout_at(deadline, self.fragments.recv()) => r.ok()?,
            };
            let fragment = match received {
                Ok(f) => f,
                Err(RecvError::Lagged(n)) => {
                    debug!("--http: an H.264 viewer fell {n} fragments behind; it resumes at the next keyframe");
                    self.skipping = true;
                    self.keyframes.request("viewer");
                    continue;
                }
                Err(RecvError::Closed) => return None,
            };
            if fragment.data.is_empty() {
                // Only pushed older fragments out of the ring.
                continue;
            }
            let new_init = self.init != Some(fragment.init.serial);
            if (self.skipping || new_init) && !fragment.keyframe {
                continue;
            }
            self.skipping = false;
            if new_init {
                self.init = Some(fragment.init.serial);
                return Some(vec![fragment.init.bytes.clone(), fragment.data]);
            }
            return Some(vec![fragment.data]);
        }
    }
}
