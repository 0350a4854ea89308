//! `GET /stream.mjpg`: the live picture as `multipart/x-mixed-replace`.
//!
//! Each viewer holds only a receiver of the shared newest frame: when its
//! previous part has been taken by the connection, it is given the newest
//! frame, so a slow viewer skips frames and never holds up the others. A
//! part is three buffers (headers, the JPEG as a zero-copy clone, the next
//! boundary), so the JPEG is never copied per viewer. The boundary is sent
//! right after each picture, which makes browsers show it at once instead of
//! one frame late. Without a sender the connection stays open and the
//! picture resumes when a sender comes back; the last frame is re-sent every
//! [`KEEPALIVE`] meanwhile, which also notices viewers that have left.
//!
//! The boundary is random per response, and a frame that contains it is
//! never sent to that viewer (the sender controls the JPEG bytes: a comment
//! segment could otherwise end the part early and start one of its own).

use std::{
    convert::Infallible,
    fmt::Write,
    time::{Duration, UNIX_EPOCH},
};

use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode},
    response::Response,
};
use bytes::Bytes;
use futures_util::{stream, StreamExt};
use tokio::sync::watch;
use tokio::time::Instant;
use tracing::warn;

use super::{
    access::random_hex,
    feed::{WebFrame, BOUNDARY_PREFIX},
    no_store,
    viewers::{ViewerSlot, STREAM_IDLE},
    watching::Place,
};

/// A fresh boundary: [`BOUNDARY_PREFIX`] and 128 random bits.
fn new_boundary() -> String {
    format!("{BOUNDARY_PREFIX}{}", random_hex(16))
}

/// Ends a part and opens the next: CRLF, `--`, the boundary, CRLF.
fn part_end(boundary: &str) -> Bytes {
    Bytes::from(format!("\r\n--{boundary}\r\n"))
}

/// How often a viewer gets the last frame again when no new one arrives.
const KEEPALIVE: Duration = Duration::from_secs(1);

/// The streaming response for one viewer.
pub(super) fn response(frames: watch::Receiver<Option<WebFrame>>, guard: ViewerSlot, place: Place) -> Response {
    let boundary = new_boundary();
    let end = part_end(&boundary);
    let opening = stream::iter([Ok::<_, Infallible>(end.slice(2..))]);
    let viewer = MultipartClient {
        frames,
        last: 0,
        boundary: boundary.clone(),
        warned: false,
        sent_at: Instant::now(),
        slot: guard,
        _place: Some(place),
    };
    let parts = stream::unfold((viewer, end), |(mut viewer, end)| async move {
        let frame = viewer.next().await?;
        let part = part(&frame, &end);
        Some((stream::iter(part.map(Ok::<_, Infallible>)), (viewer, end)))
    })
    .flatten();
    let mut response = Response::new(Body::from_stream(opening.chain(parts)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    let content_type = format!("multipart/x-mixed-replace; boundary={boundary}");
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(&content_type).expect("ascii"));
    no_store(headers);
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

struct MultipartClient {
    frames: watch::Receiver<Option<WebFrame>>,
    /// Serial of the frame sent (or refused) last.
    last: u64,
    /// This response's boundary.
    boundary: String,
    /// A frame holding the boundary was logged.
    warned: bool,
    /// When it was last sent a frame.
    sent_at: Instant,
    slot: ViewerSlot,
    /// Its entry in `/status`, which also keeps the JPEG encoder running.
    _place: Option<Place>,
}

impl MultipartClient {
    /// The next frame to send: the newest one not sent yet, or the last one
    /// again after [`KEEPALIVE`]; never one that holds the boundary. `None`
    /// when the receiver shuts down, when its place is given to another
    /// viewer, or after [`STREAM_IDLE`] with nothing to send.
    async fn next(&mut self) -> Option<WebFrame> {
        let frame = self.next_frame().await?;
        self.sent_at = Instant::now();
        Some(frame)
    }

    async fn next_frame(&mut self) -> Option<WebFrame> {
        loop {
            let newest = self.frames.borrow_and_update().as_ref().filter(|f| f.serial != self.last).cloned();
            if let Some(frame) = newest {
                self.last = frame.serial;
                if self.sendable(&frame) {
                    return Some(frame);
                }
            }
            if self.sent_at.elapsed() >= STREAM_IDLE {
                return None;
            }
            let ended = self.slot.ended().clone();
            let changed = tokio::select! {
                () = ended.cancelled() => return None,
                changed = tokio::time::timeout(KEEPALIVE, self.frames.changed()) => changed,
            };
            match changed {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return None,
                Err(_) => {
                    let again = self.frames.borrow().as_ref().filter(|f| f.serial == self.last).cloned();
                    if let Some(frame) = again {
                        if self.sendable(&frame) {
                            return Some(frame);
                        }
                    }
                }
            }
        }
    }

    /// False for a frame that contains this response's boundary (logged once per viewer).
    fn sendable(&mut self, frame: &WebFrame) -> bool {
        if frame.marked && memchr::memmem::find(&frame.jpeg, self.boundary.as_bytes()).is_some() {
            if !self.warned {
                warn!(
                    "--http: the sender's frames contain a viewer's multipart boundary; that viewer is not sent them"
                );
                self.warned = true;
            }
            return false;
        }
        true
    }
}

/// A part's headers, the JPEG, and `end`, the boundary that ends it.
fn part(frame: &WebFrame, end: &Bytes) -> [Bytes; 3] {
    let mut head = format!("Content-Type: image/jpeg\r\nContent-Length: {}\r\n", frame.jpeg.len());
    if let Some(at) = frame.captured_at.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        let _ = write!(head, "X-Timestamp: {}.{:06}\r\n", at.as_secs(), at.subsec_micros());
    }
    head.push_str("\r\n");
    [Bytes::from(head), frame.jpeg.clone(), end.clone()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(jpeg: Bytes, captured_at: Option<std::time::SystemTime>) -> WebFrame {
        WebFrame::new(1, jpeg, captured_at)
    }

    #[test]
    fn boundaries_are_random_and_part_end_is_crlf_dash_dash_boundary_crlf() {
        let (a, b) = (new_boundary(), new_boundary());
        assert_ne!(a, b);
        assert_eq!(a.len(), BOUNDARY_PREFIX.len() + 32);
        assert_eq!(part_end(&a), format!("\r\n--{a}\r\n").as_bytes());
    }

    #[test]
    fn part_has_type_and_length_then_the_jpeg_untouched_then_the_boundary() {
        let jpeg = Bytes::from_static(b"\xFF\xD8\xFF\xE0 picture \xFF\xD9");
        let boundary = part_end("camwire-x");
        let [head, body, end] = part(&frame(jpeg.clone(), None), &boundary);
        assert_eq!(&head[..], b"Content-Type: image/jpeg\r\nContent-Length: 15\r\n\r\n");
        assert_eq!(body.as_ptr(), jpeg.as_ptr(), "the JPEG is shared, not copied");
        assert_eq!(end, boundary);
    }

    fn client(frames: watch::Receiver<Option<WebFrame>>) -> MultipartClient {
        MultipartClient {
            warned: false,
            frames,
            last: 0,
            boundary: "camwire-0123".into(),
            sent_at: Instant::now(),
            slot: super::super::viewers::Viewers::new(1).join([127, 0, 0, 1].into(), None).ok().unwrap(),
            _place: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_with_nothing_to_send_ends_and_so_does_one_whose_place_is_given_away() {
        let (_tx, frames) = watch::channel(None);
        let mut viewer = client(frames.clone());
        let started = Instant::now();
        assert!(viewer.next().await.is_none(), "no sender: the stream ends");
        assert!(started.elapsed() >= STREAM_IDLE && started.elapsed() < STREAM_IDLE + KEEPALIVE * 2);
        let mut viewer = client(frames);
        viewer.slot.ended().cancel();
        let started = Instant::now();
        assert!(viewer.next().await.is_none());
        assert_eq!(started.elapsed(), Duration::ZERO, "its place was given to another viewer");
    }

    #[test]
    fn a_frame_holding_the_boundary_is_not_sendable_to_that_viewer_only() {
        let (_tx, frames) = watch::channel(None);
        let mut viewer = client(frames);
        let hostile = frame(Bytes::from_static(b"\xFF\xD8\xFF\xFE\r\n--camwire-0123\r\nContent-Type: text/html"), None);
        assert!(!viewer.sendable(&hostile));
        let other = frame(Bytes::from_static(b"\xFF\xD8\xFF\xFE\r\n--camwire-4567\r\n"), None);
        assert!(viewer.sendable(&other));
    }

    #[test]
    fn part_carries_x_timestamp_when_the_capture_time_is_known() {
        let at = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        let [head, ..] = part(&frame(Bytes::from_static(b"x"), Some(at)), &part_end("camwire-x"));
        assert!(std::str::from_utf8(&head).unwrap().contains("X-Timestamp: 1700000000.123456\r\n"));
    }
}
