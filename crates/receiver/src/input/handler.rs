//! One connection, from its first byte to its summary: the handshake (TLS,
//! the secret, the first picture), becoming the active sender, and the
//! stream itself. Every line it logs is inside the connection's span, which
//! names the peer.

use std::{
    collections::VecDeque,
    net::{IpAddr, SocketAddr},
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use bytes::{Bytes, BytesMut};
use camwire_app::StatusLine;
use camwire_wire::{
    channel, hello::read_hello, is_idr_access_unit, is_picture, CameraName, Event, Hello, HelloError, PayloadKind,
    StreamEnd, WireError,
};
use tokio::{net::TcpStream, sync::OwnedMutexGuard, time::timeout};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::{
    count::{Ended, StreamCount},
    reader::Input,
    ReceiverState,
};
use crate::{
    admission::{Metered, Progress, SharedWriter, Ticket},
    backchannel::{Arrivals, BackChannel},
    cameras::{self, CameraSinks, Held, Slot},
    clock::{describe, ClockState, SenderClock, FIRST_ESTIMATE_WAIT},
    frame::{Frame, SenderTimes, StreamInfo},
    refuse::refuse,
    summary::StreamSummary,
    throttle::{warn_throttled, Throttle},
};

/// Failed handshakes, logged a few a period per kind (a flood of them costs no disk).
static NO_FRAME: Throttle = Throttle::new(5, Duration::from_secs(10));
static NO_PICTURE: Throttle = Throttle::new(5, Duration::from_secs(10));
static FAILED: Throttle = Throttle::new(5, Duration::from_secs(10));
static BUSY: Throttle = Throttle::new(5, Duration::from_secs(10));
static FULL: Throttle = Throttle::new(5, Duration::from_secs(10));

/// How long a sender that has a frame ready waits for its camera's previous
/// stream to finish before it is refused as busy. Covers a quick stop/start
/// of the same sender, whose old connection is still being wound down.
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
    /// The camera named for the port it came to (`--listen NAME=...`).
    pub(super) port_name: Option<CameraName>,
    pub(super) stop: CancellationToken,
    /// Its place in the waiting room until its first picture.
    pub(super) ticket: Ticket,
}

/// Why a connection ended, in its handshake or as a stream, beyond what the wire says.
enum Ending {
    Wire(StreamEnd),
    Error(WireError),
    Idle,
    NotAnImage(Bytes),
    /// No picture: for a while, or (in the handshake) in [`MAX_HELD`] frames.
    NoPictures,
    Interrupted,
    /// A camera hello that does not parse, and the connection to say so on.
    Hello(HelloError, Box<Metered>),
    /// The `--config` file's rules for who may send as this camera changed.
    Readmit,
}

/// A connection past its handshake: the camera's hello (if it sent one),
/// its frames, and the first picture.
struct Opened {
    hello: Option<Hello>,
    input: Input,
    first: Bytes,
    /// The connection's write half, for the back channel.
    writer: SharedWriter,
}

/// The handshake: the camera hello, if the sender writes one (protocol.md,
/// section 11), then frames until the first picture, which makes the
/// connection a sender. Frames before it that are not pictures are kept in
/// `held` (at most [`MAX_HELD`]).
async fn handshake(mut sock: Metered, max_frame: usize, held: &mut Vec<Bytes>) -> Result<Opened, Ending> {
    let mut head = BytesMut::with_capacity(8 * 1024);
    let hello = match read_hello(&mut sock, &mut head).await {
        Ok(hello) => hello,
        Err(e) => return Err(Ending::Hello(e, Box::new(sock))),
    };
    let writer = sock.writer();
    let mut input = Input::open(sock, head, max_frame).await.map_err(Ending::Error)?;
    loop {
        match input.next().await.map_err(Ending::Error)? {
            Event::Frame(data) if is_picture(&data) => return Ok(Opened { hello, input, first: data, writer }),
            Event::Frame(data) if PayloadKind::sniff(&data) == PayloadKind::Unknown => {
                return Err(Ending::NotAnImage(data))
            }
            Event::Frame(_) if held.len() == MAX_HELD => return Err(Ending::NoPictures),
            Event::Frame(data) => held.push(data),
            Event::End(end) => return Err(Ending::Wire(end)),
        }
    }
}

impl Handler {
    /// Serves the connection; the summary of its stream, if it became one.
    pub(super) async fn run(self, sock: TcpStream) -> Option<StreamSummary> {
        let Self { state, peer, port_name, stop, ticket } = self;
        let config = &state.config;
        let _ = sock.set_nodelay(true);
        let started = Instant::now();
        // The handshake: the first picture within the handshake timeout.
        let mut held = Vec::new();
        // The secrets the sender proved it holds, by key.
        let mut proved: Vec<[u8; 32]> = Vec::new();
        let result = tokio::select! {
            _ = stop.cancelled() => return None,
            _ = ticket.evicted().cancelled() => return None,
            r = timeout(config.handshake_timeout, async {
                let (secrets, keys) = state.secrets_for(port_name.as_ref(), peer);
                let (conn, which) = state.senders.admit(sock, &secrets).await.map_err(|e| Ending::Error(e.into()))?;
                proved = which.into_iter().map(|i| keys[i]).collect();
                if state.senders.checks() || !secrets.is_empty() {
                    ticket.passed();
                }
                handshake(ticket.meter(conn), config.max_frame, &mut held).await
            }) => r,
        };
        let secs = config.handshake_timeout.as_secs_f64();
        let result = match result {
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
            Ok(Err(Ending::NoPictures)) => {
                warn_throttled!(
                    NO_PICTURE,
                    "sent {MAX_HELD} frames and none was a picture (no readable JPEG or H.264 header); dropped"
                );
                return None;
            }
            Ok(Err(Ending::Hello(e, sock))) => {
                warn_throttled!(FAILED, "{e}; refused the connection");
                if !matches!(e, HelloError::Truncated { .. } | HelloError::Io(_)) {
                    refuse(sock.into_inner(), &e.to_string()).await;
                }
                return None;
            }
            Ok(Err(Ending::Error(e))) => {
                match http_request(&e) {
                    Some(method) => warn_throttled!(
                        FAILED,
                        "sent an HTTP request ({method} ...), as a browser or curl does: this is the port for \
                         cam-send; the web view is at the --http address; dropped the connection"
                    ),
                    None => warn_throttled!(FAILED, "{e}; dropped the connection"),
                }
                return None;
            }
            Ok(Err(Ending::Wire(StreamEnd::Closed))) if held.is_empty() => {
                debug!("connected and closed without sending anything");
                return None;
            }
            Ok(Err(Ending::Wire(end))) => {
                match held.len() {
                    0 => warn_throttled!(FAILED, "stream {end} and held no frames"),
                    n => warn_throttled!(
                        FAILED,
                        "stream {end} before its first picture ({n} frames, none a picture); dropped"
                    ),
                }
                // `--once` waits for one stream: a sender that ended its stream on
                // purpose without a picture (cam-send with nothing on stdin) was it,
                // and it failed. Anything else (a cut, a close) is not a stream.
                if !(config.once && end == StreamEnd::Terminated) {
                    return None;
                }
                let missed = super::missed_without_frames(config);
                if !missed.is_empty() {
                    warn!("the stream held no frames: {}", missed.join(", "));
                }
                let ended = Ended { terminated: true, clean: true, ..Ended::default() };
                let camera = state.name(None, port_name.as_ref(), peer);
                return Some(StreamCount::new(started).summary(peer, camera, ended));
            }
            Ok(Err(Ending::NotAnImage(data))) => {
                warn_throttled!(FAILED, "{}", not_an_image(held.len() as u64 + 1, &data));
                return None;
            }
            Ok(Err(ending)) => {
                log_ending(&ending, held.len() as u64, config.idle_timeout);
                return None;
            }
            Ok(Ok(opened)) => opened,
        };
        ticket.advance(Progress::Picture);
        let Opened { hello, input, first, writer } = result;
        let camera = state.name(hello.as_ref().and_then(Hello::name), port_name.as_ref(), peer);
        if let Err(reason) = state.may_send(&camera, peer, &proved) {
            warn_throttled!(FAILED, "refused camera {camera}: {reason}");
            refuse(input.into_socket(), &reason).await;
            return None;
        }
        let channel = channel::offered(hello.as_ref().and_then(|h| h.field(channel::OFFER_KEY))).map(|v| (v, writer));
        let file = state.file();
        // A secret, --allow, or the configuration naming its port or address vouches for the sender.
        let vouched = config.secret.is_some()
            || !proved.is_empty()
            || !config.allow.is_empty()
            || config.cameras.vouches_for(port_name.as_ref(), peer)
            || file.as_ref().is_some_and(|f| f.by_address(peer.ip().to_canonical()).is_some());
        let stranger = (!vouched).then(|| peer.ip().to_canonical());
        let queued = held.into_iter().chain([first]).map(Event::Frame).collect();
        let count = StreamCount::new(started);
        let admitted = file.as_ref().and_then(|f| f.cameras.get(&camera).map(|c| c.admission.clone()));
        let stream =
            Stream { state: &state, peer, camera, stranger, stop: &stop, input, queued, count, admitted, channel };
        stream.run(ticket).await
    }
}

/// A connection past its handshake: a sender with its first picture in hand.
struct Stream<'a> {
    state: &'a ReceiverState,
    peer: SocketAddr,
    /// The camera it streams.
    camera: CameraName,
    /// Its address, when nothing vouches for its camera.
    stranger: Option<IpAddr>,
    stop: &'a CancellationToken,
    input: Input,
    /// Frames read before it became the sender, oldest first.
    queued: VecDeque<Event>,
    count: StreamCount,
    /// Who may send as this camera by the `--config` file, when it was admitted.
    admitted: Option<crate::config_file::CameraAdmission>,
    /// The back channel's version and the write half, when the sender offered it.
    channel: Option<(u32, SharedWriter)>,
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
        if let Err(why) = ticket.waits_for(&self.camera) {
            warn_throttled!(FAILED, "{why}; dropped the connection");
            return None;
        }
        let claimed = tokio::select! {
            _ = self.stop.cancelled() => return None,
            _ = ticket.evicted().cancelled() => return None,
            r = claim(state, &self.camera, self.stranger) => r,
        };
        let (slot, mut held) = match claimed {
            Ok(claimed) => claimed,
            Err(reason) => {
                // Nothing it sent is kept while it is told so.
                drop(std::mem::take(&mut self.queued));
                tokio::select! {
                    _ = ticket.evicted().cancelled() => {}
                    () = refuse(self.input.into_socket(), &reason) => {}
                }
                return None;
            }
        };
        // The stream holds the slot: no longer waiting, nor charged to the budget.
        drop(ticket);
        let Held::Open(sinks) = &mut *held else { unreachable!("claim returns open sinks") };
        // Nothing is refused from here on: the back channel may take the write half.
        let arrivals = Arc::new(Arrivals::default());
        let back = self.channel.take().and_then(|(version, writer)| {
            let writer = writer.lock().expect("writer lock").take()?;
            let serves = [Some(sinks.own.keyframes()), sinks.viewers.as_ref().map(|v| v.keyframes())];
            debug!("the sender offered the back channel; answering with v{version}");
            Some(BackChannel::open(writer, version, serves.into_iter().flatten().collect(), arrivals.clone()))
        });
        // This camera's series, labelled with its name, for `/metrics`.
        let series = state.metrics.camera(self.camera.as_str());
        series.stream_started();
        let number = state.streams.fetch_add(1, Ordering::Relaxed) + 1;
        let raw = self.input.is_raw();
        let camera = self.camera.clone();
        info!("stream {number} from {peer}, camera {camera}{}", if raw { " (raw, unframed)" } else { "" });
        let info = StreamInfo { peer, number, raw, camera };
        sinks.start(info.clone()).await;
        // What the sinks replaced by a reload of the --config file found.
        let mut earlier = crate::sink::SinkReport::default();
        let mut live = state.live.clone();

        let mut status = StatusLine::new(config.status_line);
        let mut last_picture = Instant::now();
        let mut clock = StreamClock::new(back.is_some());
        let ending = loop {
            let event = match self.queued.pop_front() {
                Some(event) => Ok(event),
                None => tokio::select! {
                    _ = self.stop.cancelled() => break Ending::Interrupted,
                    Some(()) = reloaded(&mut live) => {
                        let file = state.file();
                        let entry = file.as_ref().and_then(|f| f.cameras.get(&self.camera));
                        if entry.map(|c| &c.admission) != self.admitted.as_ref() {
                            break Ending::Readmit;
                        }
                        let table = entry.map(|c| c.sinks.clone());
                        if table != sinks.opened_with {
                            match open_own(state, &self.camera, sinks.viewers.is_some()) {
                                Ok((own, opened_with)) => {
                                    info!("camera {}: its sinks changed in the --config file; reopened them", self.camera);
                                    let old = std::mem::replace(&mut sinks.own, own);
                                    sinks.opened_with = opened_with;
                                    // The camera's web page reads the viewers' feeds when it has them.
                                    state.slots.opened(&self.camera, sinks.viewers.as_ref().unwrap_or(&sinks.own));
                                    let mut old = old;
                                    let report = old.end().await;
                                    old.close().await;
                                    earlier.invalid += report.invalid;
                                    earlier.failed = earlier.failed.or(report.failed);
                                    earlier.files.extend(report.files);
                                    sinks.own.start(info.clone()).await;
                                }
                                Err(e) => warn!(
                                    "camera {}: cannot open its new sinks: {e:#}; it keeps the old ones",
                                    self.camera
                                ),
                            }
                        }
                        continue;
                    }
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
            let captured_at = clock.captured_at(&data, received_at, &self.camera);
            let latency = captured_at.and_then(|at| received_at.duration_since(at).ok());
            arrivals.frame(data.len() + camwire_wire::HEADER_LEN, latency);
            let sender = clock.sender_times(&data);
            let frame = Frame { seq, keyframe, kind, data, received_at, captured_at, sender };
            self.count.latency(&frame);
            series.frame(&frame);
            sinks.frame(frame).await;
            status.tick(format_args!("receiving from {peer}"), self.count.frames, self.count.bytes);
        };
        status.clear();
        drop(back);
        let terminated = matches!(ending, Ending::Wire(StreamEnd::Terminated));
        let clean_raw_end = raw && matches!(ending, Ending::Wire(StreamEnd::Closed));
        let mut report = sinks.end().await;
        report.invalid += earlier.invalid;
        report.failed = earlier.failed.or(report.failed);
        earlier.files.append(&mut report.files);
        report.files = earlier.files;
        slot.release();
        drop(held);
        log_ending(&ending, self.count.frames, config.idle_timeout);
        let mut invalid = report.invalid;
        if matches!(ending, Ending::NotAnImage(_)) {
            invalid += 1;
        }
        if let Some(why) = &report.failed {
            warn!("stream {number}: {why}");
        }
        // --verify counted its invalid frames as it found them; a frame that is no picture at all is counted here.
        series.stream_ended(invalid - report.invalid, report.failed.is_some());
        let ended = Ended {
            invalid,
            terminated,
            raw,
            clean: terminated || clean_raw_end,
            sink_failed: report.failed.is_some(),
            files: report.files,
        };
        Some(self.count.summary(peer, self.camera, ended).with_clock(clock.state()))
    }
}

/// A stream's capture times on this receiver's clock: corrected by the
/// estimate of the sender's clock when it answers the back channel's pings
/// (`crate::clock`), else as the sender stamps them.
struct StreamClock {
    /// The sender takes pings: its capture times wait for a first estimate.
    sync: Option<SenderClock>,
    started: Instant,
    /// The sender's clock was said to be off, once per stream.
    told: bool,
}

impl StreamClock {
    fn new(pinged: bool) -> Self {
        Self { sync: pinged.then(SenderClock::default), started: Instant::now(), told: false }
    }

    /// The frame's capture time on our clock; `None` when it has no stamp,
    /// or while a sender that takes pings has not answered one yet (its
    /// stamps could be years off).
    fn captured_at(&mut self, data: &[u8], received_at: SystemTime, camera: &CameraName) -> Option<SystemTime> {
        let stamp = camwire_wire::stamp::read_stamp(data);
        let Some(sync) = &mut self.sync else { return stamp.map(|us| UNIX_EPOCH + Duration::from_micros(us)) };
        if let Some(reply) = camwire_wire::stamp::read_clock_reply(data) {
            if sync.sample(reply, received_at) && !self.told {
                let e = sync.estimate().expect("a sample was taken");
                if e.offset_us.unsigned_abs() > u128::from(e.uncertainty_us) {
                    self.told = true;
                    info!(
                        "camera {camera}: the sender's clock is {} this receiver's (within {:.1} ms); \
                         latency figures are corrected for it",
                        describe(e.offset_us),
                        e.uncertainty_us as f64 / 1000.0
                    );
                }
            }
        }
        stamp.and_then(|us| self.ours(us))
    }

    /// A time of the sender's, in microseconds, on our clock: corrected once
    /// there is an estimate, `None` while a sender that takes pings has not
    /// answered one yet, and as given otherwise.
    fn ours(&self, us: u64) -> Option<SystemTime> {
        let Some(sync) = &self.sync else { return Some(UNIX_EPOCH + Duration::from_micros(us)) };
        match sync.estimate() {
            Some(_) => sync.correct(us),
            None if self.started.elapsed() < FIRST_ESTIMATE_WAIT => None,
            None => Some(UNIX_EPOCH + Duration::from_micros(us)),
        }
    }

    /// The frame's stage stamp (protocol.md, section 12.6) on our clock, and
    /// the clock's state; `None` for a sender that neither takes pings nor stamps stages.
    fn sender_times(&self, data: &[u8]) -> Option<Arc<SenderTimes>> {
        let stage = camwire_wire::stamp::read_stage_stamp(data);
        if stage.is_none() && self.sync.is_none() {
            return None;
        }
        let stage = stage.unwrap_or_default();
        Some(Arc::new(SenderTimes {
            encoded_at: stage.encoded_us.and_then(|us| self.ours(us)),
            sent_at: stage.sent_us.and_then(|us| self.ours(us)),
            clock: self.state(),
        }))
    }

    fn state(&self) -> ClockState {
        self.sync.as_ref().and_then(SenderClock::estimate).map_or(ClockState::Uncorrected, ClockState::Corrected)
    }
}

/// Resolves when the `--config` file was read again (never without one).
pub(super) async fn reloaded(live: &mut Option<crate::config_file::Live>) -> Option<()> {
    match live {
        Some(live) => live.changed().await.ok(),
        None => std::future::pending().await,
    }
}

/// The line for frame number `frame`, which is neither JPEG nor H.264.
fn not_an_image(frame: u64, data: &[u8]) -> String {
    format!("frame {frame} is neither JPEG nor H.264 (starts with {}); dropped the connection", hex_prefix(data))
}

/// Becomes `camera`'s sender: its slot, locked, with its sinks open (opened
/// now for a camera new to this run). Otherwise the refusal to send: the
/// camera is streaming from another sender, or every slot is streaming.
/// `stranger` is the sender's address when nothing vouches for the camera.
async fn claim(
    state: &ReceiverState,
    camera: &CameraName,
    stranger: Option<IpAddr>,
) -> Result<(Arc<Slot>, OwnedMutexGuard<Held>), String> {
    loop {
        let (slot, closed) = state.slots.slot(camera, stranger).map_err(|full| {
            warn_throttled!(FULL, "{}", full.log_line(camera));
            full.refusal()
        })?;
        for sinks in closed {
            debug!("closed the sinks of an idle camera to make room for camera {camera}");
            sinks.close().await;
        }
        let mut held = slot.claim(camera, BUSY_WAIT).await.map_err(|streaming| {
            let streaming = streaming.unwrap_or_else(|| camera.clone());
            if slot.camera.is_none() && streaming != *camera {
                warn!(
                    "refused camera {camera}: camera {streaming} is streaming, and --record, --save-dir or --publish \
                     without {{camera}} takes one camera at a time"
                );
            } else {
                warn_throttled!(
                    BUSY,
                    "refused: another sender is streaming camera {streaming} (one sender per camera)"
                );
            }
            format!("busy: camera {streaming} is streaming")
        })?;
        match &*held {
            Held::Open(_) => return Ok((slot, held)),
            // Closed to make room for another camera while this one waited: ask again.
            Held::Closed => continue,
            Held::New => {
                // The first camera's feeds are the viewers' (opened at start for the window and
                // today's URLs): its own sinks open none, so its H.264 is decoded and muxed once.
                let viewers = state.slots.take_viewers(camera);
                let (own, opened_with) = match open_own(state, camera, viewers.is_some()) {
                    Ok(opened) => opened,
                    Err(e) => {
                        state.slots.give_back_viewers(viewers);
                        warn!("camera {camera}: cannot open its sinks: {e:#}");
                        return Err(format!("cannot open the sinks of camera {camera} (see cam-recv's log)"));
                    }
                };
                state.slots.opened(camera, viewers.as_ref().unwrap_or(&own));
                *held = Held::Open(Box::new(CameraSinks { own, viewers, opened_with }));
                return Ok((slot, held));
            }
        }
    }
}

/// Opens `camera`'s own sinks: the command line's, with its `--config`
/// table over them; and that table's sink options.
fn open_own(
    state: &ReceiverState,
    camera: &CameraName,
    has_viewers: bool,
) -> anyhow::Result<(crate::sink::Sinks, Option<crate::config_file::SinkOverrides>)> {
    let mut config = cameras::without_viewers(&state.config, has_viewers);
    let file = state.file();
    let table = file.as_ref().and_then(|f| f.cameras.get(camera)).map(|c| c.sinks.clone());
    if let Some(file) = &file {
        file.apply(camera, &mut config);
    }
    Ok((cameras::open_sinks(&config, camera, &state.metrics)?, table))
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
        Ending::NotAnImage(data) => warn!("{}", not_an_image(frames + 1, data)),
        Ending::NoPictures => warn!(
            "sent no picture (no readable JPEG or H.264 header) for {} s; dropped it, kept the {frames} frames",
            PICTURE_TIMEOUT.as_secs()
        ),
        Ending::Interrupted => info!("receiver shutting down; stream ended"),
        Ending::Hello(e, _) => warn!("{e}; refused the connection"),
        Ending::Readmit => warn!(
            "the --config file changed who may send as this camera; dropped the connection, kept the {frames} \
             whole frames (the sender is admitted again by the new rules when it reconnects)"
        ),
    }
}

/// The HTTP method a first "frame length" spells, when it is an HTTP request
/// line read as a length prefix (`GET ` is 542,393,671 bytes).
fn http_request(e: &WireError) -> Option<&'static str> {
    let WireError::FrameTooLarge { len, .. } = e else { return None };
    let head = u32::try_from(*len).ok()?.to_le_bytes();
    const METHODS: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"];
    METHODS.into_iter().find(|m| {
        let m = m.as_bytes();
        // "GET " and "PUT " fill the four bytes with the space; longer methods fill them alone.
        if m.len() < 4 {
            head[..m.len()] == *m && head[m.len()] == b' '
        } else {
            head == m[..4]
        }
    })
}

fn hex_prefix(data: &[u8]) -> String {
    data.iter().take(8).map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}
