//! One connection, from its first byte to its summary: the handshake (TLS,
//! the secret, the first picture), becoming the active sender, and the
//! stream itself. Every line it logs is inside the connection's span, which
//! names the peer.

use std::{
    collections::VecDeque,
    net::SocketAddr,
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use bytes::Bytes;
use camwire_app::StatusLine;
use camwire_wire::{is_idr_access_unit, is_picture, Event, PayloadKind, StreamEnd, WireError};
use tokio::{net::TcpStream, time::timeout};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::{
    count::{Ended, StreamCount},
    reader::Input,
    ReceiverState,
};
use crate::{
    admission::{Metered, Progress, Ticket},
    frame::{Frame, StreamInfo},
    refuse::refuse,
    summary::StreamSummary,
    throttle::{warn_throttled, Throttle},
};

/// Failed handshakes, logged a few a period per kind (a flood of them costs no disk).
static NO_FRAME: Throttle = Throttle::new(5, Duration::from_secs(10));
static NO_PICTURE: Throttle = Throttle::new(5, Duration::from_secs(10));
static FAILED: Throttle = Throttle::new(5, Duration::from_secs(10));
static BUSY: Throttle = Throttle::new(5, Duration::from_secs(10));

/// How long a sender that has a frame ready waits for the previous stream to
/// finish before it is refused as busy. Covers a quick stop/start of the same
/// sender, whose old connection is still being wound down.
const BUSY_WAIT: Duration = Duration::from_secs(2);

/// A sender that sends no picture for this long is dropped; before its first
/// picture it never holds the slot.
const PICTURE_TIMEOUT: Duration = Duration::from_secs(5);

/// Frames that are not pictures, held during the handshake: one more and the
/// connection is dropped.
const MAX_HELD: usize = 8;

/// Serves one connection (mini-redis's `Handler`).
pub(super) struct Handler {
    pub(super) state: Arc<ReceiverState>,
    pub(super) peer: SocketAddr,
    pub(super) stop: CancellationToken,
    /// Its place in the waiting room until its first picture.
    pub(super) ticket: Ticket,
}

/// Why a stream ended, beyond what the wire says.
enum Ending {
    Wire(StreamEnd),
    Error(WireError),
    Idle,
    NotAnImage(Bytes),
    NoPictures,
    Interrupted,
}

/// Why a handshake ended without a picture.
enum Refusal {
    Wire(WireError),
    End(StreamEnd),
    NotAnImage(Bytes),
    TooManyScraps,
}

/// The handshake: frames until the first picture, which makes the
/// connection a sender. Frames before it that are not pictures are kept in
/// `held` (at most [`MAX_HELD`]).
async fn handshake(sock: Metered, max_frame: usize, held: &mut Vec<Bytes>) -> Result<(Input, Bytes), Refusal> {
    let mut input = Input::open(sock, max_frame).await.map_err(Refusal::Wire)?;
    loop {
        match input.next().await.map_err(Refusal::Wire)? {
            Event::Frame(data) if is_picture(&data) => return Ok((input, data)),
            Event::Frame(data) if PayloadKind::sniff(&data) == PayloadKind::Unknown => {
                return Err(Refusal::NotAnImage(data))
            }
            Event::Frame(_) if held.len() == MAX_HELD => return Err(Refusal::TooManyScraps),
            Event::Frame(data) => held.push(data),
            Event::End(end) => return Err(Refusal::End(end)),
        }
    }
}

impl Handler {
    /// Serves the connection; the summary of its stream, if it became one.
    pub(super) async fn run(self, sock: TcpStream) -> Option<StreamSummary> {
        let Self { state, peer, stop, ticket } = self;
        let config = &state.config;
        let _ = sock.set_nodelay(true);
        let started = Instant::now();
        // The handshake: the first picture within the handshake timeout.
        let mut held = Vec::new();
        let result = tokio::select! {
            _ = stop.cancelled() => return None,
            _ = ticket.evicted().cancelled() => return None,
            r = timeout(config.handshake_timeout, async {
                let link = state.gate.admit(sock).await.map_err(|e| Refusal::Wire(e.into()))?;
                if state.gate.checks() {
                    ticket.passed();
                }
                handshake(ticket.meter(link), config.max_frame, &mut held).await
            }) => r,
        };
        let secs = config.handshake_timeout.as_secs_f64();
        let (input, first) = match result {
            Err(_) if held.is_empty() => {
                warn_throttled!(
                    NO_FRAME,
                    "connected but sent no whole frame within {secs:.0} s (--handshake-timeout); dropped"
                );
                return None;
            }
            Err(_) => {
                let n = held.len();
                warn_throttled!(
                    NO_PICTURE,
                    "sent {n} frames but no picture within {secs:.0} s (--handshake-timeout); dropped"
                );
                return None;
            }
            Ok(Err(Refusal::TooManyScraps)) => {
                warn_throttled!(
                    NO_PICTURE,
                    "sent {MAX_HELD} frames and none was a picture (no readable JPEG or H.264 header); dropped"
                );
                return None;
            }
            Ok(Err(Refusal::Wire(e))) => {
                warn_throttled!(FAILED, "{e}; dropped the connection");
                return None;
            }
            Ok(Err(Refusal::End(StreamEnd::Closed))) if held.is_empty() => {
                debug!("connected and closed without sending anything");
                return None;
            }
            Ok(Err(Refusal::End(end))) => {
                let n = held.len();
                warn_throttled!(FAILED, "stream {end} before its first picture ({n} frames that were not); dropped");
                // `--once` waits for one stream: a sender that ended its stream on
                // purpose without a picture (cam-send with nothing on stdin) was it,
                // and it failed. Anything else (a cut, a close) is not a stream.
                if !(config.once && end == StreamEnd::Terminated) {
                    return None;
                }
                if config.verify {
                    warn!("the stream held no frames: nothing to verify");
                }
                let ended = Ended { terminated: true, clean: true, ..Ended::default() };
                return Some(StreamCount::new(started).summary(peer, ended));
            }
            Ok(Err(Refusal::NotAnImage(data))) => {
                let (n, prefix) = (held.len() + 1, hex_prefix(&data));
                warn_throttled!(
                    FAILED,
                    "frame {n} is neither JPEG nor H.264 (starts with {prefix}); dropped the connection"
                );
                return None;
            }
            Ok(Ok(pair)) => pair,
        };
        ticket.advance(Progress::Picture);
        let queued = held.into_iter().chain([first]).map(Event::Frame).collect();
        let stream = Stream { state: &state, peer, stop: &stop, input, queued, count: StreamCount::new(started) };
        stream.run(ticket).await
    }
}

/// A connection past its handshake: a sender with its first picture in hand.
struct Stream<'a> {
    state: &'a ReceiverState,
    peer: SocketAddr,
    stop: &'a CancellationToken,
    input: Input,
    /// Frames read before it became the sender, oldest first.
    queued: VecDeque<Event>,
    count: StreamCount,
}

impl Stream<'_> {
    /// Waits to be the active sender, hands every frame to the sinks in
    /// order, and ends the stream in them; its summary, unless it was
    /// refused as busy or the receiver stopped first.
    /// Until then it keeps its place in the waiting room (`ticket`): it is
    /// counted, and its frames are charged to the handshake budget.
    async fn run(mut self, ticket: Ticket) -> Option<StreamSummary> {
        let (state, peer) = (self.state, self.peer);
        let config = &state.config;
        let mut sinks = tokio::select! {
            _ = self.stop.cancelled() => return None,
            _ = ticket.evicted().cancelled() => return None,
            r = timeout(BUSY_WAIT, state.sinks.lock()) => match r {
                Ok(sinks) => sinks,
                Err(_) => {
                    warn_throttled!(BUSY, "refused: another sender is streaming (one sender at a time)");
                    // Nothing it sent is kept while it is told so.
                    drop(std::mem::take(&mut self.queued));
                    tokio::select! {
                        _ = ticket.evicted().cancelled() => {}
                        () = refuse(self.input.into_socket(), "busy") => {}
                    }
                    return None;
                }
            },
        };
        // The stream holds the slot: no longer waiting, nor charged to the budget.
        drop(ticket);
        let camera = state.metrics.camera(state.camera_name(peer));
        camera.stream_started();
        let number = state.streams.fetch_add(1, Ordering::Relaxed) + 1;
        let raw = self.input.is_raw();
        info!("stream {number} from {peer}{}", if raw { " (raw, unframed)" } else { "" });
        sinks.start(StreamInfo { peer, number, raw }).await;

        let mut status = StatusLine::new(config.status_line);
        let mut last_picture = Instant::now();
        let ending = loop {
            let event = match self.queued.pop_front() {
                Some(event) => Ok(event),
                None => tokio::select! {
                    _ = self.stop.cancelled() => break Ending::Interrupted,
                    r = timeout(config.idle_timeout, self.input.next()) => match r {
                        Err(_) => break Ending::Idle,
                        Ok(r) => r,
                    },
                },
            };
            let data = match event {
                Ok(Event::Frame(data)) => data,
                Ok(Event::End(end)) => break Ending::Wire(end),
                Err(e) => break Ending::Error(e),
            };
            let kind = PayloadKind::sniff(&data);
            if kind == PayloadKind::Unknown {
                break Ending::NotAnImage(data);
            }
            if is_picture(&data) {
                last_picture = Instant::now();
            } else if last_picture.elapsed() >= PICTURE_TIMEOUT {
                break Ending::NoPictures;
            }
            let seq = self.count.add(data.len());
            let keyframe = kind == PayloadKind::Jpeg || is_idr_access_unit(&data);
            let received_at = SystemTime::now();
            let captured_at = camwire_wire::stamp::read_stamp(&data).map(|us| UNIX_EPOCH + Duration::from_micros(us));
            let frame = Frame { seq, keyframe, kind, data, received_at, captured_at };
            self.count.latency(&frame);
            camera.frame(&frame);
            sinks.frame(frame).await;
            status.tick(format_args!("receiving from {peer}"), self.count.frames, self.count.bytes);
        };
        status.clear();
        let terminated = matches!(ending, Ending::Wire(StreamEnd::Terminated));
        let clean_raw_end = raw && matches!(ending, Ending::Wire(StreamEnd::Closed));
        let report = sinks.end().await;
        log_ending(&ending, self.count.frames, config.idle_timeout);
        let mut invalid = report.invalid;
        if matches!(ending, Ending::NotAnImage(_)) {
            invalid += 1;
        }
        if let Some(why) = &report.failed {
            warn!("stream {number}: {why}");
        }
        // --verify counted its invalid frames as it found them; a frame that is no picture at all is counted here.
        camera.stream_ended(invalid - report.invalid, report.failed.is_some());
        let ended = Ended {
            invalid,
            terminated,
            raw,
            clean: terminated || clean_raw_end,
            sink_failed: report.failed.is_some(),
            files: report.files,
        };
        Some(self.count.summary(peer, ended))
    }
}

fn log_ending(ending: &Ending, frames: u64, idle: Duration) {
    match ending {
        Ending::Wire(StreamEnd::Terminated) => info!("stream ended with the terminator"),
        Ending::Wire(StreamEnd::Closed) => info!("connection closed without a terminator; kept all {frames} frames"),
        Ending::Wire(StreamEnd::Truncated { got, expected }) => warn!(
            "stream cut inside frame {} ({got} of {expected} bytes arrived); kept the {frames} whole frames",
            frames + 1
        ),
        Ending::Error(e) => warn!("{e}; dropped the connection, kept the {frames} whole frames"),
        Ending::Idle => warn!(
            "nothing received for {:.0} s (--idle-timeout); dropped it, kept the {frames} whole frames",
            idle.as_secs_f64()
        ),
        Ending::NotAnImage(data) => warn!(
            "frame {} is neither JPEG nor H.264 (starts with {}); dropped the connection",
            frames + 1,
            hex_prefix(data)
        ),
        Ending::NoPictures => warn!(
            "sent no picture (no readable JPEG or H.264 header) for {} s; dropped it, kept the {frames} frames",
            PICTURE_TIMEOUT.as_secs()
        ),
        Ending::Interrupted => info!("receiver shutting down; stream ended"),
    }
}

fn hex_prefix(data: &[u8]) -> String {
    data.iter().take(8).map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}
