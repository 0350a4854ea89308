//! The TCP output: connect (or keep trying, with `--retry`), write frames,
//! reconnect when the connection drops, and always end with the terminator.
//! With `--raw` the payloads go out bare, without length prefixes or terminator.
//!
//! After a reconnect nothing is sent until a keyframe: the encoder is asked
//! for one, and frames already on their way are dropped until it arrives, so
//! an H.264 receiver always restarts on an IDR with SPS and PPS.

use std::{
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant},
};

use anyhow::{bail, Result};
use bytes::Bytes;
use camwire_wire::{FrameWriter, WireError};
use tokio::{io::AsyncWriteExt, net::TcpStream, sync::mpsc, time::sleep};
use tokio_util::either::Either;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use camwire_wire::app::StatusLine;

use super::secure::{self, Secured, SetupError};
use crate::{Config, EncodedFrame, PipelineFlags, Summary};

/// Capped exponential backoff between connection attempts.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    cap: Duration,
}

impl Default for Backoff {
    /// 100 ms, doubling up to 1 s: a restarted receiver gets frames again within about a second.
    fn default() -> Self {
        Self { next: Duration::from_millis(100), cap: Duration::from_secs(1) }
    }
}

impl Backoff {
    /// The delay before the next attempt; each call doubles the following one up to the cap.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.cap);
        d
    }
}

/// Why the stream ended.
enum Stop {
    /// The source has no more frames, or a bound was reached.
    Done,
    /// Ctrl-C, SIGTERM or the deadline while waiting.
    Interrupted,
}

/// A connection to the receiver.
enum Conn {
    /// Length-prefixed frames, ended by the terminator.
    Framed(FrameWriter<Secured>),
    /// The bare payloads, one after the other (`--raw`).
    Raw(Secured),
}

impl Conn {
    /// Writes one payload and flushes it to the socket.
    async fn send(&mut self, payload: Bytes) -> Result<(), WireError> {
        match self {
            Self::Framed(w) => w.send(payload).await,
            Self::Raw(s) => Ok(s.write_all(&payload).await?),
        }
    }

    /// Ends the stream: the terminator when framed, a clean close when raw.
    /// Returns whether a terminator was written.
    async fn finish(&mut self) -> Result<bool, WireError> {
        match self {
            Self::Framed(w) => {
                w.finish().await?;
                if let Either::Right(tls) = w.get_mut() {
                    // TLS: say goodbye (close_notify), so the receiver sees a clean close.
                    let _ = tls.shutdown().await;
                }
                Ok(true)
            }
            Self::Raw(s) => {
                s.shutdown().await?;
                Ok(false)
            }
        }
    }
}

async fn connect(config: &Config) -> Result<Conn, SetupError> {
    let stream = TcpStream::connect(&config.to).await?;
    stream.set_nodelay(true)?;
    let link = secure::secure(stream, config).await?;
    Ok(if config.raw { Conn::Raw(link) } else { Conn::Framed(FrameWriter::new(link, config.max_frame)) })
}

/// Connects, or with `retry` keeps trying until connected or `stop` fires.
async fn connect_until(
    config: &Config,
    stop: &CancellationToken,
    status: &mut StatusLine,
    s: &Summary,
) -> Result<Option<Conn>> {
    let mut backoff = Backoff::default();
    loop {
        match connect(config).await {
            Ok(conn) => return Ok(Some(conn)),
            Err(SetupError::Refused(reason)) => {
                bail!("{} refused this sender: {reason}{}", config.to, secure::hint(&reason))
            }
            Err(SetupError::Fatal(why)) => bail!("{why}"),
            Err(SetupError::Transient(e)) if !config.retry => {
                bail!("cannot connect to {}: {e}; is cam-recv listening there? (add --retry to wait for it)", config.to)
            }
            Err(SetupError::Transient(e)) => {
                let delay = backoff.next_delay();
                status.clear();
                warn!("receiver {} not reachable ({e}); retrying in {:.1} s", config.to, delay.as_secs_f64());
                status.tick("waiting for receiver", s.frames, s.bytes);
                tokio::select! {
                    _ = sleep(delay) => {}
                    _ = stop.cancelled() => return Ok(None),
                }
            }
        }
    }
}

/// Writes frames from `rx` to the receiver until the source ends, a bound is
/// reached or `shutdown` fires, then writes the terminator and flushes.
pub async fn stream(
    config: &Config,
    mut rx: mpsc::Receiver<EncodedFrame>,
    flags: Arc<PipelineFlags>,
    shutdown: CancellationToken,
) -> Result<Summary> {
    // One token for "stop now": a signal or the --secs deadline.
    let stop = shutdown.child_token();
    if let Some(secs) = config.secs {
        let stop = stop.clone();
        tokio::spawn(async move {
            sleep(secs).await;
            stop.cancel();
        });
    }
    let mut status = StatusLine::new(config.status_line);
    let mut s = Summary::default();
    let started = Instant::now();
    let Some(conn) = connect_until(config, &stop, &mut status, &s).await? else {
        status.clear();
        info!("stopped before a receiver was reached");
        s.seconds = started.elapsed().as_secs_f64();
        println!("{s}");
        return Ok(s);
    };
    info!("streaming to {}{}", config.to, if config.raw { " (raw, unframed)" } else { "" });
    let mut conn = Some(conn);
    // Set after a reconnect: drop frames until a keyframe (the first frame of a run is one).
    let mut need_keyframe = false;
    let stop_reason = loop {
        let frame = tokio::select! {
            biased;
            _ = stop.cancelled() => break Stop::Interrupted,
            f = rx.recv() => match f {
                Some(f) => f,
                None => break Stop::Done,
            },
        };
        let Some(c) = conn.as_mut() else { unreachable!("connected") };
        if need_keyframe && !frame.keyframe {
            s.dropped += 1;
            continue;
        }
        need_keyframe &= !frame.keyframe;
        let len = frame.data.len() as u64;
        let sent = tokio::select! {
            r = c.send(frame.data) => r,
            _ = stop.cancelled() => {
                // Mid-frame: a terminator now would corrupt the stream; just close.
                conn = None;
                break Stop::Interrupted;
            }
        };
        match sent {
            Ok(()) => {
                s.frames += 1;
                s.bytes += len;
                status.tick("streaming", s.frames, s.bytes);
                if config.frames.is_some_and(|n| s.frames >= n) {
                    break Stop::Done;
                }
            }
            Err(e) if config.retry => {
                status.clear();
                warn!("connection to {} lost ({e}); reconnecting", config.to);
                // Frames captured while disconnected are stale: drop them.
                let snapshot = s.clone();
                let reconnect = connect_until(config, &stop, &mut status, &snapshot);
                tokio::pin!(reconnect);
                let new_conn = loop {
                    tokio::select! {
                        c = &mut reconnect => break c?,
                        Some(_) = rx.recv() => s.dropped += 1,
                    }
                };
                match new_conn {
                    Some(c) => {
                        s.reconnects += 1;
                        info!("reconnected to {}", config.to);
                        conn = Some(c);
                        // Asked for now, not at the loss: a keyframe encoded while
                        // reconnecting would have been dropped as stale.
                        need_keyframe = true;
                        flags.want_keyframe.store(true, Ordering::Relaxed);
                    }
                    None => {
                        conn = None;
                        break Stop::Interrupted;
                    }
                }
            }
            Err(e) => {
                status.clear();
                bail!("connection to {} lost: {e} (add --retry to reconnect automatically)", config.to);
            }
        }
    };
    status.clear();
    if let Some(mut c) = conn {
        match c.finish().await {
            Ok(terminated) => s.terminated = terminated,
            Err(e) => warn!("could not write the end-of-stream terminator: {e}"),
        }
    }
    if matches!(stop_reason, Stop::Interrupted) && config.secs.is_none_or(|d| started.elapsed() < d) {
        info!("interrupted; stream ended cleanly");
    }
    s.seconds = started.elapsed().as_secs_f64();
    println!("{s}");
    Ok(s)
}
