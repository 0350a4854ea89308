//! The listening side: accepts senders on every `--listen` port, lets one
//! sender per camera stream (see [`cameras`](crate::cameras)), reads its
//! frames (framed, or a bare MJPEG or H.264 stream recognised from the first
//! bytes) under the size limit and the idle timeout, and hands them to its
//! camera's sinks in order.
//!
//! As in mini-redis, the [`Listener`] accepts and admits connections, and a
//! [`Handler`](handler::Handler) serves each one in a task of its own, inside
//! a `connection` span that names the peer in every line it logs.
//!
//! A connection only becomes the active sender with its first picture (a
//! frame whose JPEG or H.264 headers parse), so a port scan, a silent client
//! or a trickle of scraps never holds the slot, and it loses the slot when it
//! sends no picture for a while. Connections still in that handshake are
//! bounded in number (overall and per address) and in the bytes they may
//! hold together, until their stream holds the slot ([`admission`](crate::admission)). Whatever goes wrong with
//! one sender (a bad length, garbage, a cut, silence) is logged in one line,
//! ends that stream with a summary, and the next sender is served.

mod count;
mod handler;
mod reader;

use std::{
    net::SocketAddr,
    sync::{atomic::AtomicU64, Arc},
    time::Duration,
};

use anyhow::Result;
use camwire_app::detect_dead_peer;
use camwire_wire::CameraName;
use tokio::{net::TcpListener, sync::mpsc, task::JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn, Instrument};

use camwire_wire::handshake::Secret;

use crate::{
    admission::{Admission, Refusals},
    cameras::Slots,
    config::Config,
    config_file::{CameraSecret, FileConfig, Live},
    metrics::Metrics,
    refuse::refuse,
    sender_check::SenderCheck,
    summary::{Outcome, StreamSummary},
    throttle::{warn_throttled, Throttle},
};

/// Peers refused by `--allow`, logged a few a period.
static NOT_ALLOWED: Throttle = Throttle::new(5, Duration::from_secs(10));

/// What every connection of one receiver shares.
struct ReceiverState {
    config: Config,
    /// Each camera's slot: holding its lock is being that camera's sender.
    slots: Slots,
    /// Streams so far, to number the next.
    streams: AtomicU64,
    /// Connections not streaming yet.
    admission: Arc<Admission>,
    /// Peers being refused (`--allow`).
    refusals: Refusals,
    /// TLS and the secret challenge, when configured.
    senders: SenderCheck,
    /// Every camera's counters, for `/metrics`.
    metrics: Arc<Metrics>,
    /// The `--config` file as it is now (SIGHUP replaces it).
    live: Option<Live>,
}

impl ReceiverState {
    /// The `--config` file as it is now.
    fn file(&self) -> Option<Arc<FileConfig>> {
        self.live.as_ref().map(|live| live.borrow().clone())
    }

    /// The camera a sender streams (see [`CameraOptions::name_with`](crate::cameras::CameraOptions::name_with)).
    fn name(&self, hello: Option<&CameraName>, port_name: Option<&CameraName>, peer: SocketAddr) -> CameraName {
        self.config.cameras.name_with(self.file().as_deref(), hello, port_name, peer)
    }

    /// The secrets a new connection is challenged with, and their keys: its
    /// camera's own (else `--secret-file`) when its port or address names it;
    /// otherwise every secret there is, since its hello may name any camera.
    fn secrets_for(&self, port_name: Option<&CameraName>, peer: SocketAddr) -> (Vec<Secret>, Vec<[u8; 32]>) {
        let global = self.senders.secret().cloned().map(CameraSecret::new);
        let Some(file) = self.file().filter(|f| f.has_secrets()) else {
            let keys = global.iter().map(CameraSecret::key).collect();
            return (global.map(|g| g.secret).into_iter().collect(), keys);
        };
        let ip = peer.ip().to_canonical();
        let by_cli = || self.config.cameras.by_address.iter().find(|(net, _)| net.contains(&ip)).map(|(_, n)| n);
        let known = port_name.or_else(by_cli).or_else(|| file.by_address(ip));
        let chosen: Vec<CameraSecret> = match known {
            Some(name) => {
                file.cameras.get(name).and_then(|c| c.admission.secret.clone()).or(global).into_iter().collect()
            }
            None => {
                global.into_iter().chain(file.cameras.values().filter_map(|c| c.admission.secret.clone())).collect()
            }
        };
        (chosen.iter().map(|c| c.secret.clone()).collect(), chosen.iter().map(CameraSecret::key).collect())
    }

    /// Whether a sender from `peer` that proved the secrets `proved` may
    /// stream `camera`: its own secret (else `--secret-file`), from its `from`
    /// addresses. The refusal otherwise.
    fn may_send(&self, camera: &CameraName, peer: SocketAddr, proved: &[[u8; 32]]) -> Result<(), String> {
        let file = self.file();
        let entry = file.as_ref().and_then(|f| f.cameras.get(camera));
        let ip = peer.ip().to_canonical();
        if let Some(entry) = entry.filter(|e| !e.admission.from.is_empty()) {
            if !entry.admission.from.iter().any(|net| net.contains(&ip)) {
                return Err(format!("not allowed: camera {camera} may send only from its addresses (--config from)"));
            }
        }
        let needed = entry
            .and_then(|e| e.admission.secret.as_ref().map(CameraSecret::key))
            .or_else(|| self.senders.secret().cloned().map(|s| CameraSecret::new(s).key()));
        match needed {
            Some(key) if !proved.contains(&key) => {
                Err(format!("wrong secret: camera {camera} needs its own secret (--config secret-file)"))
            }
            _ => Ok(()),
        }
    }

    fn allowed(&self, peer: SocketAddr) -> bool {
        let ip = peer.ip().to_canonical();
        self.config.allow.is_empty() || self.config.allow.iter().any(|net| net.contains(&ip))
    }
}

/// The span every line about one connection is logged in.
fn connection_span(peer: SocketAddr) -> tracing::Span {
    // At error level so that it is on whenever any line is: `-q` keeps the peer too.
    tracing::error_span!("connection", %peer)
}

/// Accepts connections and collects the summaries of their streams.
struct Listener {
    /// Every port listened on, with the camera its classic senders stream.
    listeners: Vec<(TcpListener, Option<CameraName>)>,
    state: Arc<ReceiverState>,
    /// Cancelled to stop accepting and end every connection.
    stop: CancellationToken,
    tasks: JoinSet<()>,
    summaries: (mpsc::UnboundedSender<StreamSummary>, mpsc::UnboundedReceiver<StreamSummary>),
}

/// Serves senders on `listener` until `shutdown` (with `--once`, until the
/// first stream ends). Each stream's summary goes to `on_summary` as it ends.
pub(crate) async fn serve(
    listeners: Vec<(TcpListener, Option<CameraName>)>,
    config: Config,
    slots: Slots,
    metrics: Arc<Metrics>,
    live: Option<Live>,
    shutdown: CancellationToken,
    on_summary: &mut (dyn FnMut(&StreamSummary) + Send),
) -> Result<Outcome> {
    let senders = SenderCheck::open(&config)?;
    for (listener, name) in &listeners {
        match name {
            Some(name) => info!("listening on {} (camera {name})", listener.local_addr()?),
            None => info!("listening on {}", listener.local_addr()?),
        }
    }
    let admission = Arc::new(Admission::new(config.max_frame, config.handshake_timeout));
    let state = Arc::new(ReceiverState {
        slots,
        streams: AtomicU64::new(0),
        admission: admission.clone(),
        refusals: Refusals::new(admission.max_pending()),
        senders,
        config,
        metrics,
        live,
    });
    let listener = Listener {
        listeners,
        state,
        stop: shutdown.child_token(),
        tasks: JoinSet::new(),
        summaries: mpsc::unbounded_channel(),
    };
    Ok(listener.run(on_summary).await)
}

/// What the sinks of `config` could not do with a stream of no frames
/// (`nothing to verify`, `nothing recorded`, ...); empty when none of them needs a frame.
fn missed_without_frames(config: &Config) -> Vec<&'static str> {
    [
        (config.verify, "nothing to verify"),
        (config.record.is_some(), "nothing recorded"),
        (config.save_dir.is_some(), "nothing saved"),
        (config.publish.is_some(), "nothing published"),
    ]
    .into_iter()
    .filter_map(|(on, what)| on.then_some(what))
    .collect()
}

impl Listener {
    async fn run(mut self, on_summary: &mut (dyn FnMut(&StreamSummary) + Send)) -> Outcome {
        let once = self.state.config.once;
        let mut live = self.state.live.clone();
        let mut outcome = Outcome::default();
        let mut add = |summary: StreamSummary| {
            on_summary(&summary);
            outcome.add(summary);
        };
        loop {
            tokio::select! {
                _ = self.stop.cancelled() => break,
                Some(summary) = self.summaries.1.recv() => {
                    add(summary);
                    if once {
                        break;
                    }
                }
                (accepted, port_name) = accept_any(&self.listeners) => match accepted {
                    Ok((sock, peer)) => self.accept(sock, peer, port_name),
                    Err(e) => {
                        // Out of file descriptors and the like: keep serving.
                        warn!("accepting a connection failed: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
                Some(_) = self.tasks.join_next() => {}
                Some(()) = handler::reloaded(&mut live) => {
                    // Idle cameras whose table changed open new sinks with their next stream.
                    if let Some(file) = self.state.file() {
                        let closed = self.state.slots.reload_idle(&file);
                        self.tasks.spawn(async move {
                            for sinks in closed {
                                sinks.close().await;
                            }
                        });
                    }
                }
            }
        }
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
        let (done, mut summaries) = self.summaries;
        drop(done);
        while let Some(summary) = summaries.recv().await {
            add(summary);
        }
        let state = Arc::into_inner(self.state).expect("all connection tasks joined");
        let awaits_frames = !missed_without_frames(&state.config).is_empty();
        for sinks in state.slots.close_all().await {
            sinks.close().await;
        }
        // A stream of no frames verified, recorded, saved or published nothing: not a success.
        let delivered = |s: &StreamSummary| !awaits_frames || s.frames > 0;
        outcome.success =
            if once { outcome.first.as_ref().is_some_and(|s| s.is_clean() && delivered(s)) } else { true };
        outcome
    }

    /// Refuses a peer outside `--allow`, or starts a handler for it.
    fn accept(&mut self, sock: tokio::net::TcpStream, peer: SocketAddr, port_name: Option<CameraName>) {
        let span = connection_span(peer);
        if !self.state.allowed(peer) {
            span.in_scope(|| warn_throttled!(NOT_ALLOWED, "refused: not in --allow"));
            // Past the cap it is closed at once: the refusal line waits for no one.
            if let Some(refusing) = self.state.refusals.start() {
                self.tasks.spawn(async move {
                    refuse(sock, "not allowed").await;
                    drop(refusing);
                });
            }
            return;
        }
        span.in_scope(|| {
            debug!("connected");
            if let Err(e) = detect_dead_peer(&sock, self.state.config.idle_timeout) {
                debug!("could not set keepalive: {e}");
            }
        });
        // Outside the span: making room may drop another peer's connection.
        let Some(ticket) = self.state.admission.admit(peer) else { return };
        let handler = handler::Handler { state: self.state.clone(), peer, port_name, stop: self.stop.clone(), ticket };
        let done = self.summaries.0.clone();
        self.tasks.spawn(
            async move {
                if let Some(summary) = handler.run(sock).await {
                    let _ = done.send(summary);
                }
            }
            .instrument(span),
        );
    }
}

/// The next connection on any of `listeners`, with the camera named for its port.
async fn accept_any(
    listeners: &[(TcpListener, Option<CameraName>)],
) -> (std::io::Result<(tokio::net::TcpStream, SocketAddr)>, Option<CameraName>) {
    let accepts = listeners.iter().map(|(listener, name)| Box::pin(async move { (listener.accept().await, name) }));
    let ((accepted, name), _, _) = futures_util::future::select_all(accepts).await;
    (accepted, name.clone())
}
