//! The TCP output: connect (or keep trying, with `--retry`), write frames,
//! reconnect when the connection drops, and always end with the terminator.
//! With `--raw` the payloads go out bare, without length prefixes or terminator.
//!
//! Live (the default): a frame starts only when the socket can take it, and
//! it is the newest frame there is. A frame older than `--max-latency` when
//! its turn comes is dropped. JPEG: a newer frame that arrives while one
//! waits for the socket goes instead. H.264: after any dropped frame nothing
//! is sent until a keyframe, and the encoder is asked for one at once, so a
//! decoder never sees a frame whose reference is missing. `--max-latency 0`
//! sends every frame in order.
//!
//! With `--adapt` (the default for cam-send's own encoder) what the link
//! carried is measured as frames go (`meter`), and the encoder fits the
//! stream to it (`crate::adapt`), so frames rarely need dropping at all.
//!
//! After a reconnect nothing is sent until a keyframe, for the same reason.
//! A receiver that refuses the sender (`CAMWIRE REFUSED busy`) ends the run,
//! or with `--retry` is asked again after a backoff of seconds.

use std::{
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant, SystemTime},
};

use anyhow::{bail, Result};
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use bytes::Bytes;
use camwire_app::{Backoff, StatusLine};
use camwire_wire::{
    stamp::{add_clock_reply, add_stage_stamp, ClockReply, StageStamp},
    KeyframeGate,
};

use super::{
    admission::Connection,
    link::{Link, LinkError},
    meter::{self, Meter},
    secure::SetupError,
};
use crate::{
    config::{Codec, Config},
    frames::{EncodedFrame, FrameRx},
    pipeline::PipelineFlags,
    summary::Summary,
};

/// How long a frame being written may take to finish once the run is asked to stop.
const FINISH_GRACE: Duration = Duration::from_secs(2);

/// Why the stream ended.
enum Stop {
    /// The source has no more frames, or a bound was reached.
    Done,
    /// Ctrl-C, SIGTERM or the deadline while waiting.
    Interrupted,
    /// Stopped (a signal, the deadline) while not connected.
    Unconnected,
    /// A frame of this many bytes is over `--max-frame`: no other try can send it.
    TooLarge(usize),
}

/// The output's running state: counts, the status line, the pipeline flags.
struct Run<'a> {
    config: &'a Config,
    flags: Arc<PipelineFlags>,
    stop: CancellationToken,
    status: StatusLine,
    s: Summary,
    /// Nothing goes out until a keyframe (after a drop or a reconnect).
    keyframe_gate: KeyframeGate,
    /// Backoff after `CAMWIRE REFUSED`, kept across connections.
    refusals: Backoff,
    /// Whether the "link too slow" line was logged on this connection.
    told_slow: bool,
    /// This connection: what was written on it, and whether it was admitted.
    conn: Connection,
    /// `--adapt`: the link measured, and the target set from it.
    adapt: Option<Meter>,
}

impl Run<'_> {
    fn drop_frames(&mut self, n: u64, breaks_references: bool) {
        if n == 0 {
            return;
        }
        self.s.dropped += n;
        if breaks_references && !self.keyframe_gate.is_closed() {
            self.keyframe_gate.close();
            self.flags.want_keyframe.store(true, Ordering::Relaxed);
        }
    }

    /// A new connection: admitted at once after the secret handshake,
    /// otherwise once it went unrefused for a while (`admission`).
    fn connected(&mut self, reconnect: bool) {
        let handshake = self.config.secret.is_some();
        self.conn = Connection::new(reconnect, handshake);
        if handshake {
            self.admit();
        }
    }

    /// The receiver admitted this connection: a reconnection is announced and counted.
    fn admit(&mut self) {
        if self.conn.admit() {
            self.s.reconnects += 1;
            self.status.clear();
            info!("reconnected to {}", self.config.to);
        }
    }

    /// The receiver refused this connection: the frames written on it never
    /// reached a sink, so they count as dropped, not sent.
    fn refused_connection(&mut self) {
        let Connection { frames, bytes, .. } = std::mem::take(&mut self.conn);
        self.s.frames -= frames;
        self.s.bytes -= bytes;
        self.s.dropped += frames;
    }

    fn tick(&mut self) {
        self.s.dropped += self.flags.skipped.swap(0, Ordering::Relaxed);
        let adapted = self.adapt.as_ref().map_or(String::new(), |_| meter::adapted_now(self.config, &self.flags.adapt));
        let camera = self.config.sent_name().map_or_else(String::new, |name| format!("camera {name}, "));
        let label = format!("{camera}streaming, {} dropped{adapted}", self.s.dropped);
        self.status.tick(label, self.s.frames, self.s.bytes);
    }

    /// Connects, or with `retry` keeps trying until connected or stopped.
    async fn connect(&mut self) -> Result<Option<Link>> {
        let config = self.config;
        let mut backoff = Backoff::default();
        loop {
            let attempt = tokio::select! {
                r = Link::connect(config, &self.flags) => r,
                _ = self.stop.cancelled() => return Ok(None),
            };
            match attempt {
                Ok(link) => return Ok(Some(link)),
                Err(SetupError::Fatal(why)) => bail!("{why}"),
                Err(SetupError::Refused(reason)) => {
                    refused(self, &reason)?;
                    let delay = self.refusals.next_delay();
                    self.status.clear();
                    warn!("{} refused this sender ({reason}); asking again in {:.0} s", config.to, delay.as_secs_f64());
                    if !self.pause(delay).await {
                        return Ok(None);
                    }
                }
                Err(SetupError::Transient(e)) if !config.retry && e.kind() == std::io::ErrorKind::NotFound => {
                    bail!("cannot connect to {}: {e}; check the name, or use the receiver's IP address", config.to)
                }
                Err(SetupError::Transient(e)) if !config.retry => {
                    bail!(
                        "cannot connect to {}: {e}; is cam-recv listening there? (add --retry to wait for it)",
                        config.to
                    )
                }
                Err(SetupError::Transient(e)) => {
                    let delay = backoff.next_delay();
                    self.status.clear();
                    warn!("receiver {} not reachable ({e}); retrying in {:.1} s", config.to, delay.as_secs_f64());
                    self.status.tick("waiting for receiver", self.s.frames, self.s.bytes);
                    if !self.pause(delay).await {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Sleeps unless stopped first; false when stopped.
    async fn pause(&self, delay: Duration) -> bool {
        tokio::select! {
            _ = sleep(delay) => true,
            _ = self.stop.cancelled() => false,
        }
    }

    /// Whether a frame captured at `at` is too late to send.
    fn too_old(&self, at: SystemTime) -> bool {
        self.config.live() && SystemTime::now().duration_since(at).is_ok_and(|age| age > self.config.max_latency)
    }

    fn note_slow(&mut self) {
        if !self.told_slow {
            self.told_slow = true;
            self.status.clear();
            info!(
                "the link is slower than the stream: dropping frames to stay within {} ms (--max-latency)",
                self.config.max_latency.as_millis()
            );
        }
    }
}

/// What became of one connection.
enum Ended {
    /// End the stream properly.
    Stop(Stop),
    /// Interrupted in the middle of a frame: a terminator now would corrupt
    /// the stream, so the connection is just closed.
    Abandon,
    /// The connection cannot carry frames any more.
    Lost(LinkError),
}

/// Writes frames from `rx` to the receiver until the source ends, a bound is
/// reached or `shutdown` fires, then writes the terminator and flushes.
pub async fn stream(
    config: &Config,
    mut rx: FrameRx,
    flags: Arc<PipelineFlags>,
    shutdown: CancellationToken,
) -> Result<Summary> {
    // One token for "stop now": a signal or the --secs deadline. A paced
    // source ends by itself after fps x secs frames from the first connection
    // (`source::bounded`): the deadline is then only a backstop, a frame time
    // and a second later.
    let stop = shutdown.child_token();
    if let Some(secs) = config.secs {
        let stop = stop.clone();
        let backstop = if config.fps > 0.0 { Duration::from_secs_f64(1.0 / config.fps + 1.0) } else { Duration::ZERO };
        tokio::spawn(async move {
            sleep(secs + backstop).await;
            stop.cancel();
        });
    }
    let started = Instant::now();
    let mut run = Run {
        config,
        flags,
        stop: stop.clone(),
        status: StatusLine::new(config.status_line),
        s: Summary { camera: config.sent_name().map(ToString::to_string), ..Summary::default() },
        keyframe_gate: KeyframeGate::open(),
        refusals: Backoff::refused(),
        told_slow: false,
        conn: Connection::default(),
        adapt: config.adapts().then(|| Meter::new(config.codec)),
    };
    let mut first = true;
    let stop_reason = loop {
        let Some(mut link) = run.connect().await? else {
            run.status.clear();
            info!("{}", if first { "stopped before a receiver was reached" } else { "stopped while reconnecting" });
            break Stop::Unconnected;
        };
        run.connected(!first);
        run.flags.streaming.open();
        if first {
            info!("streaming to {}{}", config.to, if config.raw { " (raw, unframed)" } else { "" });
        } else {
            // Frames captured while disconnected are stale: drop them. The
            // keyframe is asked for now, not at the loss: one encoded while
            // reconnecting would have been dropped as stale.
            while let Some((_, skipped)) = rx.take() {
                run.drop_frames(skipped + 1, true);
            }
            run.keyframe_gate.close();
            run.flags.want_keyframe.store(true, Ordering::Relaxed);
        }
        first = false;
        run.told_slow = false;
        if let Some(m) = run.adapt.as_mut() {
            m.restart(run.s.dropped);
        }
        let ended = match stream_on(&mut run, &mut link, &mut rx).await {
            Ended::Stop(why) => {
                // Mid-frame (interrupted while writing) the link was already
                // dropped; otherwise end properly.
                run.status.clear();
                match link.goodbye().await {
                    Ok(terminated) => {
                        // Ended without a refusal: the receiver took the stream.
                        run.s.terminated = terminated;
                        run.admit();
                    }
                    Err(LinkError::Refused(reason)) => {
                        run.refused_connection();
                        refused(&mut run, &reason)?
                    }
                    Err(e) => warn!("could not end the stream cleanly: {e}"),
                }
                break why;
            }
            Ended::Abandon => break Stop::Interrupted,
            Ended::Lost(e) => e,
        };
        drop(link);
        run.status.clear();
        match ended {
            LinkError::Refused(reason) => {
                run.refused_connection();
                refused(&mut run, &reason)?;
                let delay = run.refusals.next_delay();
                warn!("{} refused the stream ({reason}); asking again in {:.0} s", config.to, delay.as_secs_f64());
                if !run.pause(delay).await {
                    info!("stopped while waiting to ask again");
                    break Stop::Unconnected;
                }
            }
            // No retry makes a web server take frames.
            e @ LinkError::WebServer(_) => bail!("{}: {e}", config.to),
            e if config.retry => {
                // Lost, not refused: what the receiver read, it took.
                if run.conn.frames > 0 {
                    run.admit();
                }
                run.refusals.reset();
                warn!("connection to {} lost ({e}); reconnecting", config.to);
            }
            e => bail!("connection to {} lost: {e} (add --retry to reconnect automatically)", config.to),
        }
    };
    run.status.clear();
    if matches!(stop_reason, Stop::Interrupted) && config.secs.is_none_or(|d| started.elapsed() < d) {
        info!("interrupted; stream ended cleanly");
    }
    run.s.dropped += run.flags.skipped.swap(0, Ordering::Relaxed);
    run.s.seconds = started.elapsed().as_secs_f64();
    run.s.adapted = run.adapt.as_ref().and_then(|m| m.summary(config, &run.flags.adapt));
    println!("{}", run.s);
    if let Stop::TooLarge(len) = stop_reason {
        bail!(
            "a frame of {len} bytes is over --max-frame {}: raise --max-frame (and cam-recv's, if it is \
             lower), or make frames smaller (--quality, --bitrate, --width/--height)",
            config.max_frame
        );
    }
    Ok(run.s)
}

/// Without `--retry` a refusal ends the run with the receiver's reason.
fn refused(run: &mut Run<'_>, reason: &str) -> Result<()> {
    if run.config.retry {
        return Ok(());
    }
    let hint = match reason {
        r if r.starts_with("busy") => " (another sender is streaming this camera; add --retry to wait for its turn)",
        r if r.starts_with("full") => " (add --retry to wait for a place)",
        "not allowed" => " (this address is not in its --allow list)",
        r if r.starts_with("camera name") => " (choose another --name)",
        _ => super::secure::hint(reason),
    };
    bail!("refused by the receiver: {reason}{hint}")
}

/// Streams on one connection until the run stops or the connection is lost.
async fn stream_on(run: &mut Run<'_>, link: &mut Link, rx: &mut FrameRx) -> Ended {
    let config = run.config;
    // JPEG frames stand alone: a newer one may replace one waiting for the socket.
    let swappable = config.live() && matches!(config.codec, Codec::Jpeg { .. });
    let mut in_hand: Option<EncodedFrame> = None;
    loop {
        let frame = match in_hand.take() {
            Some(frame) => frame,
            None => {
                let next = tokio::select! {
                    biased;
                    _ = run.stop.cancelled() => return Ended::Stop(Stop::Interrupted),
                    e = link.heard() => return Ended::Lost(e),
                    _ = run.conn.until_due() => {
                        run.admit();
                        continue;
                    }
                    f = rx.recv() => f,
                };
                let Some((frame, skipped)) = next else { return Ended::Stop(Stop::Done) };
                if run.s.frames == 0 && run.s.reconnects == 0 {
                    // Replaced while the first connection was being made: not part of the stream yet.
                    run.flags.skipped.store(0, Ordering::Relaxed);
                } else if skipped > 0 {
                    run.note_slow();
                    run.drop_frames(skipped, true);
                }
                link.frame_waiting();
                frame
            }
        };
        if !config.raw && frame.data.len() > config.max_frame {
            return Ended::Stop(Stop::TooLarge(frame.data.len()));
        }
        if !run.keyframe_gate.admits(frame.keyframe) {
            run.drop_frames(1, false);
            continue;
        }
        if run.too_old(frame.captured_at) {
            run.note_slow();
            run.drop_frames(1, true);
            continue;
        }
        // A clock ping waiting for its answer rides on this frame (protocol.md, section 12).
        let ping = run.flags.clock_ping.lock().expect("clock ping lock").take();
        let stamps = !config.raw && !run.flags.no_stamp.load(Ordering::Relaxed);
        let now = crate::frames::clock_us(SystemTime::now());
        // A sender that offered the back channel says when the frame was
        // encoded and sent (protocol.md, section 12.6): the latency per stage.
        let staged = (stamps && config.say_name)
            .then(|| StageStamp { encoded_us: frame.encoded_at.map(crate::frames::clock_us), sent_us: Some(now) })
            .and_then(|stage| add_stage_stamp(&frame.data, stage).map(Bytes::from));
        let data = staged.unwrap_or_else(|| frame.data.clone());
        let data = match ping.filter(|_| stamps) {
            Some((t1, t2)) => {
                let reply = ClockReply { t1, t2, t3: now };
                add_clock_reply(&data, reply).map_or(data, Bytes::from)
            }
            None => data,
        };
        let started = link.try_start(&data);
        if let (false, Some(ping)) = (matches!(started, Ok(true)), ping) {
            // Not sent: the next frame carries it, with its own send time.
            run.flags.clock_ping.lock().expect("clock ping lock").get_or_insert(ping);
        }
        match started {
            Ok(true) => {}
            Ok(false) => {
                // The socket is still busy with earlier bytes: wait for it, or
                // for a newer frame to go instead.
                let newer = async {
                    if swappable {
                        rx.newer().await
                    } else {
                        std::future::pending().await
                    }
                };
                tokio::select! {
                    biased;
                    _ = run.stop.cancelled() => return Ended::Stop(Stop::Interrupted),
                    r = link.writable() => if let Err(e) = r { return Ended::Lost(e) },
                    _ = newer => {
                        if let Some((newer, skipped)) = rx.take() {
                            run.note_slow();
                            run.drop_frames(skipped + 1, false);
                            in_hand = Some(newer);
                            continue;
                        }
                    }
                }
                in_hand = Some(frame);
                continue;
            }
            Err(e) => return Ended::Lost(e),
        }
        run.keyframe_gate.pass(frame.keyframe);
        // Asked to stop mid-frame: finish it if the link allows (then the
        // terminator), else close without one rather than corrupt the stream.
        let grace = async {
            run.stop.cancelled().await;
            sleep(FINISH_GRACE).await;
        };
        let finished = tokio::select! {
            r = link.finish_frame() => r,
            _ = grace => {
                run.status.clear();
                warn!(
                    "stopping: the link did not take the rest of the frame within {} s; closed without the terminator",
                    FINISH_GRACE.as_secs()
                );
                return Ended::Abandon;
            }
        };
        if let Err(e) = finished {
            return Ended::Lost(e);
        }
        run.s.frames += 1;
        run.s.bytes += frame.data.len() as u64;
        run.conn.frames += 1;
        run.conn.bytes += frame.data.len() as u64;
        if run.conn.due() {
            run.admit();
        }
        run.tick();
        if let Some(m) = run.adapt.as_mut() {
            m.measure(link, config, &run.flags.adapt, run.s.dropped, &mut run.status);
        }
        if config.frames.is_some_and(|n| run.s.frames >= n) {
            return Ended::Stop(Stop::Done);
        }
    }
}
