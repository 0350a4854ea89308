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

use std::{
    convert::Infallible,
    fmt::Write,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
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
use tracing::debug;

use super::{feed::WebFrame, no_store};

/// Separates the parts; never occurs in the headers we write.
const BOUNDARY: &str = "camwireframe";

/// Ends a part and opens the next: CRLF, `--`, [`BOUNDARY`], CRLF.
const PART_END: &[u8] = b"\r\n--camwireframe\r\n";

/// How often a viewer gets the last frame again when no new one arrives.
const KEEPALIVE: Duration = Duration::from_secs(1);

/// Counts connected viewers; one is held by each stream.
pub(super) struct ViewerGuard {
    count: Arc<AtomicUsize>,
}

impl ViewerGuard {
    pub(super) fn new(count: Arc<AtomicUsize>) -> Self {
        let now = count.fetch_add(1, Ordering::Relaxed) + 1;
        debug!("http: a viewer connected ({now} watching)");
        Self { count }
    }
}

impl Drop for ViewerGuard {
    fn drop(&mut self) {
        let now = self.count.fetch_sub(1, Ordering::Relaxed) - 1;
        debug!("http: a viewer left ({now} watching)");
    }
}

/// The streaming response for one viewer.
pub(super) fn response(frames: watch::Receiver<Option<WebFrame>>, guard: ViewerGuard) -> Response {
    let opening = stream::iter([Ok::<_, Infallible>(Bytes::from_static(&PART_END[2..]))]);
    let parts = stream::unfold(Viewer { frames, last: 0, _guard: guard }, |mut viewer| async move {
        let frame = viewer.next().await?;
        Some((stream::iter(part(&frame).map(Ok::<_, Infallible>)), viewer))
    })
    .flatten();
    let mut response = Response::new(Body::from_stream(opening.chain(parts)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    let content_type = format!("multipart/x-mixed-replace; boundary={BOUNDARY}");
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(&content_type).expect("ascii"));
    no_store(headers);
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

struct Viewer {
    frames: watch::Receiver<Option<WebFrame>>,
    /// Serial of the frame sent last.
    last: u64,
    _guard: ViewerGuard,
}

impl Viewer {
    /// The next frame to send: the newest one not sent yet, or the last one
    /// again after [`KEEPALIVE`]. `None` when the receiver shuts down.
    async fn next(&mut self) -> Option<WebFrame> {
        loop {
            if let Some(frame) = self.frames.borrow_and_update().as_ref().filter(|f| f.serial != self.last) {
                self.last = frame.serial;
                return Some(frame.clone());
            }
            match tokio::time::timeout(KEEPALIVE, self.frames.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return None,
                Err(_) => {
                    if let Some(frame) = self.frames.borrow().as_ref() {
                        return Some(frame.clone());
                    }
                }
            }
        }
    }
}

/// A part's headers, the JPEG, and the boundary that ends it.
fn part(frame: &WebFrame) -> [Bytes; 3] {
    let mut head = format!("Content-Type: image/jpeg\r\nContent-Length: {}\r\n", frame.jpeg.len());
    if let Some(at) = frame.captured_at.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        let _ = write!(head, "X-Timestamp: {}.{:06}\r\n", at.as_secs(), at.subsec_micros());
    }
    head.push_str("\r\n");
    [Bytes::from(head), frame.jpeg.clone(), Bytes::from_static(PART_END)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_end_is_crlf_dash_dash_boundary_crlf() {
        assert_eq!(PART_END, format!("\r\n--{BOUNDARY}\r\n").as_bytes());
    }

    #[test]
    fn part_has_type_and_length_then_the_jpeg_untouched_then_the_boundary() {
        let jpeg = Bytes::from_static(b"\xFF\xD8\xFF\xE0 picture \xFF\xD9");
        let [head, body, end] = part(&WebFrame { serial: 1, jpeg: jpeg.clone(), captured_at: None });
        assert_eq!(&head[..], b"Content-Type: image/jpeg\r\nContent-Length: 15\r\n\r\n");
        assert_eq!(body.as_ptr(), jpeg.as_ptr(), "the JPEG is shared, not copied");
        assert_eq!(&end[..], PART_END);
    }

    #[test]
    fn part_carries_x_timestamp_when_the_capture_time_is_known() {
        let at = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        let [head, ..] = part(&WebFrame { serial: 1, jpeg: Bytes::from_static(b"x"), captured_at: Some(at) });
        assert!(std::str::from_utf8(&head).unwrap().contains("X-Timestamp: 1700000000.123456\r\n"));
    }
}
