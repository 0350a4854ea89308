//! The listening side: accepts senders, lets one at a time stream, reads its
//! frames (framed, or raw MJPEG recognised from the first bytes) under the
//! size limit and the idle timeout, and hands them to the sinks in order.
//!
//! A connection only becomes the active sender with its first picture (a
//! frame whose JPEG or H.264 headers parse), so a port scan, a silent client
//! or a trickle of scraps never holds the slot, and it loses the slot when it
//! sends no picture for [`PICTURE_TIMEOUT`]. Connections still in that
//! handshake are bounded in number (overall and per address) and in the
//! bytes they may hold together ([`HANDSHAKE_BUDGET`]). Whatever goes
//! wrong with one sender (a bad length, garbage, a cut, silence) is logged in
//! one line, ends that stream with a summary, and the next sender is served.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    io::Cursor,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex as StdMutex,
    },
    task::{Context, Poll},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::Result;
use bytes::{Bytes, BytesMut};
use camwire_wire::{
    app::StatusLine, is_idr_access_unit, is_picture, AnnexBSplitter, Event, FrameReader, MjpegSplitter, PayloadKind,
    StreamEnd, WireError,
};
use futures_util::StreamExt;
use tokio::{
    io::{AsyncRead, AsyncReadExt, Chain, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{mpsc, Mutex},
    task::JoinSet,
    time::timeout,
};
use tokio_util::{codec::FramedRead, sync::CancellationToken};
use tracing::{debug, info, warn};

use crate::{
    frame::{Frame, StreamInfo},
    sink::Sinks,
    status::{LatencyHistogram, StreamSummary},
    Config, Outcome,
};

/// How long a sender that has a frame ready waits for the previous stream to
/// finish before it is refused as busy. Covers a quick stop/start of the same
/// sender, whose old connection is still being wound down.
const BUSY_WAIT: Duration = Duration::from_secs(2);

/// Connections that have not delivered their first frame yet: at most this
/// many at a time, and at most a quarter of the open-file limit. Past it the
/// oldest is dropped, so a flood of idle connections costs bounded file
/// descriptors and never locks out a real sender.
const MAX_PENDING: usize = 1024;

/// Connections from one address (an IPv4 address or an IPv6 /64) that may
/// wait for their first picture at once; past it that address's oldest is dropped.
const MAX_PENDING_PER_ADDRESS: usize = 16;

/// Bytes that connections still in their handshake may have read, all
/// together: this, or two of the largest frames if that is more. A
/// connection whose read would pass it is dropped.
const HANDSHAKE_BUDGET: usize = 64 << 20;

/// A sender that sends no picture for this long is dropped; before its first
/// picture it never holds the slot.
const PICTURE_TIMEOUT: Duration = Duration::from_secs(5);

/// Frames that are not pictures, held during the handshake: one more and the
/// connection is dropped.
const MAX_HELD: usize = 8;

fn max_pending() -> usize {
    let nofile = rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft);
    ((nofile / 4) as usize).clamp(16, MAX_PENDING)
}

struct Ctx {
    config: Config,
    /// Holding this lock is being the active sender.
    sinks: Mutex<Sinks>,
    streams: AtomicU64,
    pending: StdMutex<Pending>,
    max_pending: usize,
    budget: Arc<Budget>,
}

/// The connections still in their handshake, oldest first.
#[derive(Default)]
struct Pending {
    next_id: u64,
    waiting: BTreeMap<u64, (IpAddr, CancellationToken)>,
    per_address: HashMap<IpAddr, usize>,
    evicted: u64,
    last_report: Option<Instant>,
}

impl Pending {
    /// Takes connection `id` off the list; true if it was on it.
    fn remove(&mut self, id: u64) -> bool {
        let Some((addr, token)) = self.waiting.remove(&id) else { return false };
        if let Some(n) = self.per_address.get_mut(&addr) {
            *n -= 1;
            if *n == 0 {
                self.per_address.remove(&addr);
            }
        }
        token.cancel();
        true
    }

    /// Drops connection `id`, with a log line at most every 10 s:
    /// "`why`; dropping the oldest (`note`N dropped so far)".
    fn evict(&mut self, id: u64, why: std::fmt::Arguments<'_>, note: &str) {
        if self.remove(id) {
            self.evicted += 1;
            if self.last_report.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                warn!("{why}; dropping the oldest ({note}{} dropped so far)", self.evicted);
                self.last_report = Some(Instant::now());
            }
        }
    }
}

/// The address a limit counts by: IPv4 addresses one by one, IPv6 by /64
/// (one host usually has a whole /64).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

impl Ctx {
    /// Registers a new connection, dropping the oldest waiting one of its
    /// address, or of all, when full.
    fn admit(&self, peer: SocketAddr) -> (u64, CancellationToken) {
        let key = address_key(peer.ip());
        let mut p = self.pending.lock().expect("pending lock");
        if p.per_address.get(&key).is_some_and(|&n| n >= MAX_PENDING_PER_ADDRESS) {
            let oldest = p.waiting.iter().find(|(_, (k, _))| *k == key).map(|(&id, _)| id);
            if let Some(id) = oldest {
                p.evict(
                    id,
                    format_args!("{key}: {MAX_PENDING_PER_ADDRESS} connections are waiting to send a first frame"),
                    "the most one address may have; ",
                );
            }
        } else if p.waiting.len() >= self.max_pending {
            if let Some(id) = p.waiting.keys().next().copied() {
                p.evict(id, format_args!("{} connections are waiting to send a first frame", self.max_pending), "");
            }
        }
        let id = p.next_id;
        p.next_id += 1;
        let token = CancellationToken::new();
        p.waiting.insert(id, (key, token.clone()));
        *p.per_address.entry(key).or_default() += 1;
        (id, token)
    }

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
    info!("listening on {}", listener.local_addr()?);
    let once = config.once;
    let ctx = Arc::new(Ctx {
        sinks: Mutex::new(sinks),
        streams: AtomicU64::new(0),
        budget: Arc::new(Budget { used: AtomicUsize::new(0), limit: HANDSHAKE_BUDGET.max(2 * config.max_frame) }),
        pending: StdMutex::new(Pending::default()),
        max_pending: max_pending(),
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
                    drop(sock);
                }
                Ok((sock, peer)) => {
                    let (ctx, stop, done) = (ctx.clone(), stop.clone(), done_tx.clone());
                    let (id, evict) = ctx.admit(peer);
                    tasks.spawn(async move {
                        let summary = handle(sock, peer, &ctx, &stop, id, &evict).await;
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
    ctx.sinks.into_inner().close().await;
    outcome.success = if once { outcome.first.as_ref().is_some_and(StreamSummary::is_clean) } else { true };
    Ok(outcome)
}

/// Takes a connection off the pending list, and its bytes off the handshake
/// budget, when dropped: after its handshake, or whenever it ends before one.
struct Settle<'a> {
    ctx: &'a Ctx,
    id: u64,
    charge: Arc<Charge>,
}

impl Drop for Settle<'_> {
    fn drop(&mut self) {
        self.ctx.pending.lock().expect("pending lock").remove(self.id);
        self.charge.release();
    }
}

/// The bytes read by connections still in their handshake.
struct Budget {
    used: AtomicUsize,
    limit: usize,
}

/// One connection's share of the [`Budget`], until its handshake ends.
struct Charge {
    budget: Arc<Budget>,
    held: AtomicUsize,
    done: AtomicBool,
}

impl Charge {
    /// Counts `n` more bytes; false if that passes the budget.
    fn add(&self, n: usize) -> bool {
        if self.done.load(Ordering::Relaxed) {
            return true;
        }
        self.held.fetch_add(n, Ordering::Relaxed);
        self.budget.used.fetch_add(n, Ordering::Relaxed) + n <= self.budget.limit
    }

    /// Gives the bytes back: the handshake is over.
    fn release(&self) {
        if !self.done.swap(true, Ordering::Relaxed) {
            self.budget.used.fetch_sub(self.held.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }
}

/// A socket whose reads are charged to the handshake budget.
struct Metered {
    sock: TcpStream,
    charge: Arc<Charge>,
}

impl AsyncRead for Metered {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.sock).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        if n > 0 && !self.charge.add(n) {
            let limit = self.charge.budget.limit >> 20;
            return Poll::Ready(Err(std::io::Error::other(format!(
                "connections that have not sent a whole picture yet hold more than {limit} MiB together \
                 (the handshake budget)"
            ))));
        }
        polled
    }
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
    sock: TcpStream,
    peer: SocketAddr,
    ctx: &Ctx,
    stop: &CancellationToken,
    id: u64,
    evict: &CancellationToken,
) -> Option<StreamSummary> {
    let charge =
        Arc::new(Charge { budget: ctx.budget.clone(), held: AtomicUsize::new(0), done: AtomicBool::new(false) });
    let pending = Settle { ctx, id, charge: charge.clone() };
    let config = &ctx.config;
    let idle = config.idle_timeout;
    let handshake_timeout = config.handshake_timeout;
    let _ = sock.set_nodelay(true);
    let started = Instant::now();
    // The handshake: the first picture within the handshake timeout.
    let mut held = Vec::new();
    let result = tokio::select! {
        _ = stop.cancelled() => return None,
        _ = evict.cancelled() => return None,
        r = timeout(handshake_timeout, handshake(Metered { sock, charge }, config.max_frame, &mut held)) => r,
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
            return None;
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
    drop(pending);
    let mut sinks = tokio::select! {
        _ = stop.cancelled() => return None,
        r = timeout(BUSY_WAIT, ctx.sinks.lock()) => match r {
            Ok(sinks) => sinks,
            Err(_) => {
                warn!("{peer}: refused: another sender is streaming (one sender at a time)");
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
