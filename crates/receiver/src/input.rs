//! The listening side: accepts senders, lets one at a time stream, reads its
//! frames (framed, or raw MJPEG recognised from the first bytes) under the
//! size limit and the idle timeout, and hands them to the sinks in order.
//!
//! A connection only becomes the active sender with its first picture (a
//! frame whose JPEG or H.264 headers parse), so a port scan, a silent client
//! or a trickle of scraps never holds the slot, and it loses the slot when it
//! sends no picture for [`PICTURE_TIMEOUT`]. Connections still in that
//! handshake are bounded in number (overall and per address) and in the
//! bytes they may hold together ([`admission`](crate::admission)). Whatever goes
//! wrong with one sender (a bad length, garbage, a cut, silence) is logged in
//! one line, ends that stream with a summary, and the next sender is served.

use std::{
    collections::VecDeque,
    io::Cursor,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::Result;
use bytes::{Bytes, BytesMut};
use camwire_app::{detect_dead_peer, StatusLine};
use camwire_wire::{
    is_idr_access_unit, is_picture, AnnexBSplitter, Event, FrameReader, MjpegSplitter, PayloadKind, StreamEnd,
    WireError,
};
use futures_util::StreamExt;
use tokio::{
    io::{AsyncReadExt, Chain},
    net::TcpListener,
    sync::{mpsc, Mutex},
    task::JoinSet,
    time::timeout,
};
use tokio_util::{codec::FramedRead, sync::CancellationToken};
use tracing::{debug, info, warn};

use crate::{
    admission::{Admission, Metered, Ticket},
    frame::{Frame, StreamInfo},
    gate::{Gate, Link},
    refuse::refuse,
    sink::Sinks,
    status::{LatencyHistogram, StreamSummary},
    Config, Outcome,
};

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

struct Ctx {
    config: Config,
    /// Holding this lock is being the active sender.
    sinks: Mutex<Sinks>,
    streams: AtomicU64,
    /// Connections still in their handshake.
    admission: Arc<Admission>,
    /// TLS and the secret challenge, when configured.
    gate: Gate,
}

impl Ctx {
    fn allowed(&self, peer: SocketAddr) -> bool {
        let ip = peer.ip().to_canonical();
        self.config.allow.is_empty() || self.config.allow.iter().any(|net| net.contains(&ip))
    }
}

pub(crate) async fn serve(
    listener: TcpListener,
    config: Config,
    sinks: Sinks,
    shutdown: CancellationToken,
) -> Result<Outcome> {
    let gate = Gate::open(&config)?;
    info!("listening on {}", listener.local_addr()?);
    let once = config.once;
    let ctx = Arc::new(Ctx {
        sinks: Mutex::new(sinks),
        streams: AtomicU64::new(0),
        admission: Arc::new(Admission::new(config.max_frame)),
        gate,
        config,
    });
    let stop = shutdown.child_token();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<StreamSummary>();
    let mut tasks = JoinSet::new();
    let mut outcome = Outcome::default();
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            Some(summary) = done_rx.recv() => {
                outcome.add(summary);
                if once {
                    break;
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((sock, peer)) if !ctx.allowed(peer) => {
                    warn!("{peer}: refused: not in --allow");
                    tasks.spawn(async move { refuse(sock, "not allowed").await });
                }
                Ok((sock, peer)) => {
                    debug!("{peer}: connected");
                    if let Err(e) = detect_dead_peer(&sock, ctx.config.idle_timeout) {
                        debug!("{peer}: could not set keepalive: {e}");
                    }
                    let (ctx, stop, done) = (ctx.clone(), stop.clone(), done_tx.clone());
                    let ticket = ctx.admission.admit(peer);
                    tasks.spawn(async move {
                        let summary = handle(sock, peer, &ctx, &stop, ticket).await;
                        if let Some(summary) = summary {
                            let _ = done.send(summary);
                        }
                    });
                }
                Err(e) => {
                    // Out of file descriptors and the like: keep serving.
                    warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = tasks.join_next() => {}
        }
    }
    stop.cancel();
    while tasks.join_next().await.is_some() {}
    drop(done_tx);
    while let Some(summary) = done_rx.recv().await {
        outcome.add(summary);
    }
    let ctx = Arc::into_inner(ctx).expect("all connection tasks joined");
    let verify = ctx.config.verify;
    ctx.sinks.into_inner().close().await;
    // With --verify a stream of no frames verified nothing: not a success.
    let verified = |s: &StreamSummary| !verify || s.frames > 0;
    outcome.success = if once { outcome.first.as_ref().is_some_and(|s| s.is_clean() && verified(s)) } else { true };
    Ok(outcome)
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

async fn handle(
    sock: tokio::net::TcpStream,
    peer: SocketAddr,
    ctx: &Ctx,
    stop: &CancellationToken,
    ticket: Ticket,
) -> Option<StreamSummary> {
    let config = &ctx.config;
    let idle = config.idle_timeout;
    let handshake_timeout = config.handshake_timeout;
    let _ = sock.set_nodelay(true);
    let started = Instant::now();
    // The handshake: the first picture within the handshake timeout.
    let mut held = Vec::new();
    let result = tokio::select! {
        _ = stop.cancelled() => return None,
        _ = ticket.evicted().cancelled() => return None,
        r = timeout(handshake_timeout, async {
            let link = ctx.gate.admit(sock).await.map_err(|e| Refusal::Wire(e.into()))?;
            handshake(ticket.meter(link), config.max_frame, &mut held).await
        }) => r,
    };
    let secs = handshake_timeout.as_secs_f64();
    let (mut input, first) = match result {
        Err(_) if held.is_empty() => {
            warn!("{peer}: connected but sent no whole frame within {secs:.0} s (--handshake-timeout); dropped");
            return None;
        }
        Err(_) => {
            warn!(
                "{peer}: sent {} frames but no picture within {secs:.0} s (--handshake-timeout); dropped",
                held.len()
            );
            return None;
        }
        Ok(Err(Refusal::TooManyScraps)) => {
            warn!("{peer}: sent {MAX_HELD} frames and none was a picture (no readable JPEG or H.264 header); dropped");
            return None;
        }
        Ok(Err(Refusal::Wire(e))) => {
            warn!("{peer}: {e}; dropped the connection");
            return None;
        }
        Ok(Err(Refusal::End(StreamEnd::Closed))) if held.is_empty() => {
            debug!("{peer}: connected and closed without sending anything");
            return None;
        }
        Ok(Err(Refusal::End(end))) => {
            warn!("{peer}: stream {end} before its first picture ({} frames that were not); dropped", held.len());
            // `--once` waits for one stream: a sender that ended its stream on
            // purpose without a picture (cam-send with nothing on stdin) was it,
            // and it failed. Anything else (a cut, a close) is not a stream.
            if !(config.once && end == StreamEnd::Terminated) {
                return None;
            }
            if config.verify {
                warn!("{peer}: the stream held no frames: nothing to verify");
            }
            let summary = StreamSummary {
                peer,
                frames: 0,
                invalid: 0,
                bytes: 0,
                seconds: started.elapsed().as_secs_f64(),
                terminated: true,
                raw: false,
                clean: true,
                latency: None,
                sink_failed: false,
                files: Vec::new(),
            };
            println!("{summary}");
            return Some(summary);
        }
        Ok(Err(Refusal::NotAnImage(data))) => {
            warn!(
                "{peer}: frame {} is neither JPEG nor H.264 (starts with {}); dropped the connection",
                held.len() + 1,
                hex_prefix(&data)
            );
            return None;
        }
        Ok(Ok(pair)) => pair,
    };
    // Past the handshake: no longer a candidate for eviction, nor charged to the budget.
    drop(ticket);
    let mut sinks = tokio::select! {
        _ = stop.cancelled() => return None,
        r = timeout(BUSY_WAIT, ctx.sinks.lock()) => match r {
            Ok(sinks) => sinks,
            Err(_) => {
                warn!("{peer}: refused: another sender is streaming (one sender at a time)");
                refuse(input.into_socket(), "busy").await;
                return None;
            }
        },
    };
    let number = ctx.streams.fetch_add(1, Ordering::Relaxed) + 1;
    let raw = input.is_raw();
    info!("stream {number} from {peer}{}", if raw { " (raw, unframed)" } else { "" });
    sinks.start(StreamInfo { peer, number, raw }).await;

    let mut status = StatusLine::new(config.status_line);
    let (mut frames, mut bytes) = (0u64, 0u64);
    let mut latencies = LatencyHistogram::new();
    let mut queued: VecDeque<Event> = held.into_iter().chain([first]).map(Event::Frame).collect();
    let mut last_picture = Instant::now();
    let ending = loop {
        let event = match queued.pop_front() {
            Some(event) => Ok(event),
            None => tokio::select! {
                _ = stop.cancelled() => break Ending::Interrupted,
                r = timeout(idle, input.next()) => match r {
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
        frames += 1;
        bytes += data.len() as u64;
        let keyframe = kind == PayloadKind::Jpeg || is_idr_access_unit(&data);
        let received_at = SystemTime::now();
        let captured_at = camwire_wire::stamp::read_stamp(&data).map(|us| UNIX_EPOCH + Duration::from_micros(us));
        let frame = Frame { seq: frames, keyframe, kind, data, received_at, captured_at };
        if let Some(ms) = frame.latency_ms() {
            latencies.record(ms);
        }
        sinks.frame(frame).await;
        status.tick(format_args!("receiving from {peer}"), frames, bytes);
    };
    status.clear();
    let terminated = matches!(ending, Ending::Wire(StreamEnd::Terminated));
    let clean_raw_end = raw && matches!(ending, Ending::Wire(StreamEnd::Closed));
    let report = sinks.end().await;
    log_ending(peer, &ending, frames, idle);
    let mut invalid = report.invalid;
    if matches!(ending, Ending::NotAnImage(_)) {
        invalid += 1;
    }
    let summary = StreamSummary {
        peer,
        frames,
        invalid,
        bytes,
        seconds: started.elapsed().as_secs_f64(),
        terminated,
        raw,
        clean: terminated || clean_raw_end,
        latency: latencies.figures(),
        sink_failed: report.failed.is_some(),
        files: report.files,
    };
    if let Some(why) = &report.failed {
        warn!("{peer}: stream {number}: {why}");
    }
    println!("{summary}");
    Some(summary)
}

fn log_ending(peer: SocketAddr, ending: &Ending, frames: u64, idle: Duration) {
    match ending {
        Ending::Wire(StreamEnd::Terminated) => info!("{peer}: stream ended with the terminator"),
        Ending::Wire(StreamEnd::Closed) => {
            info!("{peer}: connection closed without a terminator; kept all {frames} frames")
        }
        Ending::Wire(StreamEnd::Truncated { got, expected }) => warn!(
            "{peer}: stream cut inside frame {} ({got} of {expected} bytes arrived); kept the {frames} whole frames",
            frames + 1
        ),
        Ending::Error(e) => warn!("{peer}: {e}; dropped the connection, kept the {frames} whole frames"),
        Ending::Idle => warn!(
            "{peer}: nothing received for {:.0} s (--idle-timeout); dropped it, kept the {frames} whole frames",
            idle.as_secs_f64()
        ),
        Ending::NotAnImage(data) => warn!(
            "{peer}: frame {} is neither JPEG nor H.264 (starts with {}); dropped the connection",
            frames + 1,
            hex_prefix(data)
        ),
        Ending::NoPictures => warn!(
            "{peer}: sent no picture (no readable JPEG or H.264 header) for {} s; dropped it, kept the {frames} frames",
            PICTURE_TIMEOUT.as_secs()
        ),
        Ending::Interrupted => info!("{peer}: receiver shutting down; stream ended"),
    }
}

fn hex_prefix(data: &[u8]) -> String {
    data.iter().take(8).map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

/// The socket, behind the bytes already read to sniff it.
type Sock = Chain<Cursor<BytesMut>, Metered>;

/// A sender's byte stream: framed (the protocol), or bare MJPEG or H.264.
enum Input {
    Framed(FrameReader<Sock>),
    RawMjpeg(FramedRead<Sock, MjpegSplitter>),
    RawH264(FramedRead<Sock, AnnexBSplitter>),
}

/// What the first bytes of a connection say it is (protocol.md, section 5).
#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Framed,
    RawMjpeg,
    RawH264,
}

fn sniff(head: &[u8], max_frame: usize) -> Sniffed {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => Sniffed::RawMjpeg,
        // As a length this is 16 MiB, but a framed payload would start with FF or 00.
        [0, 0, 0, 1, nal, ..] if !matches!(nal, 0 | 0xFF) => Sniffed::RawH264,
        [0, 0, 1, ..] if u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize > max_frame => {
            Sniffed::RawH264
        }
        _ => Sniffed::Framed,
    }
}

impl Input {
    /// Reads the first bytes to tell framed from raw input.
    async fn open(mut sock: Metered, max_frame: usize) -> Result<Self, WireError> {
        let mut head = BytesMut::with_capacity(8 * 1024);
        while head.len() < 5 {
            if sock.read_buf(&mut head).await? == 0 {
                break;
            }
        }
        let kind = sniff(&head, max_frame);
        let sock = Cursor::new(head).chain(sock);
        Ok(match kind {
            Sniffed::RawMjpeg => Self::RawMjpeg(FramedRead::new(sock, MjpegSplitter::new(max_frame))),
            Sniffed::RawH264 => Self::RawH264(FramedRead::new(sock, AnnexBSplitter::new(max_frame))),
            Sniffed::Framed => Self::Framed(FrameReader::new(sock, max_frame)),
        })
    }

    /// The connection, to turn the sender away.
    fn into_socket(self) -> Link {
        match self {
            Self::Framed(reader) => reader.into_inner().into_inner().1.into_inner(),
            Self::RawMjpeg(reader) => reader.into_inner().into_inner().1.into_inner(),
            Self::RawH264(reader) => reader.into_inner().into_inner().1.into_inner(),
        }
    }

    fn is_raw(&self) -> bool {
        !matches!(self, Self::Framed(_))
    }

    async fn next(&mut self) -> Result<Event, WireError> {
        match self {
            Self::Framed(reader) => reader.next_event().await,
            Self::RawMjpeg(reader) => raw_event(reader.next().await),
            Self::RawH264(reader) => raw_event(reader.next().await),
        }
    }
}

/// A raw stream has no terminator: its end is a close.
fn raw_event(next: Option<Result<Bytes, WireError>>) -> Result<Event, WireError> {
    match next {
        Some(Ok(frame)) => Ok(Event::Frame(frame)),
        Some(Err(e)) => Err(e),
        None => Ok(Event::End(StreamEnd::Closed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_framed_and_raw_streams() {
        let max = camwire_wire::DEFAULT_MAX_FRAME;
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0], max), Sniffed::RawMjpeg);
        assert_eq!(sniff(&[0, 0, 0, 1, 0x09, 0xF0], max), Sniffed::RawH264);
        assert_eq!(sniff(&[0, 0, 0, 1, 0x67], max), Sniffed::RawH264);
        assert_eq!(sniff(&[0, 0, 1, 0x67, 0x42], max), Sniffed::RawH264);
        // A framed first frame of exactly 16 MiB: the payload starts with FF or 00.
        assert_eq!(sniff(&[0, 0, 0, 1, 0xFF, 0xD8], max), Sniffed::Framed);
        assert_eq!(sniff(&[0, 0, 0, 1, 0x00, 0x00], max), Sniffed::Framed);
        assert_eq!(sniff(&[0x10, 0x27, 0, 0, 0xFF], max), Sniffed::Framed);
        assert_eq!(sniff(&[0, 0, 0, 0], max), Sniffed::Framed);
    }
}
