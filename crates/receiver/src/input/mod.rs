//! The listening side: accepts senders, lets one at a time stream, reads its
//! frames (framed, or a bare MJPEG or H.264 stream recognised from the first
//! bytes) under the size limit and the idle timeout, and hands them to the
//! sinks in order.
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
use tokio::{
    net::TcpListener,
    sync::{mpsc, Mutex},
    task::JoinSet,
};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn, Instrument};

use crate::{
    admission::{Admission, Refusals},
    config::Config,
    gate::Gate,
    metrics::{Metrics, DEFAULT_CAMERA},
    refuse::refuse,
    sink::Sinks,
    summary::{Outcome, StreamSummary},
    throttle::{warn_throttled, Throttle},
};

/// Peers refused by `--allow`, logged a few a period.
static NOT_ALLOWED: Throttle = Throttle::new(5, Duration::from_secs(10));

/// What every connection of one receiver shares.
struct ReceiverState {
    config: Config,
    /// Holding this lock is being the active sender.
    sinks: Mutex<Sinks>,
    /// Streams so far, to number the next.
    streams: AtomicU64,
    /// Connections not streaming yet.
    admission: Arc<Admission>,
    /// Peers being refused (`--allow`).
    refusals: Refusals,
    /// TLS and the secret challenge, when configured.
    gate: Gate,
    /// Every camera's counters, for `/metrics`.
    metrics: Arc<Metrics>,
}

impl ReceiverState {
    /// The name of the camera whose stream comes from `peer`: the one place
    /// that says it. A receiver serves one camera, [`DEFAULT_CAMERA`], until
    /// cameras have names of their own.
    fn camera_name(&self, _peer: SocketAddr) -> &str {
        DEFAULT_CAMERA
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
    listener: TcpListener,
    state: Arc<ReceiverState>,
    /// Cancelled to stop accepting and end every connection.
    stop: CancellationToken,
    tasks: JoinSet<()>,
    summaries: (mpsc::UnboundedSender<StreamSummary>, mpsc::UnboundedReceiver<StreamSummary>),
}

/// Serves senders on `listener` until `shutdown` (with `--once`, until the
/// first stream ends). Each stream's summary goes to `on_summary` as it ends.
pub(crate) async fn serve(
    listener: TcpListener,
    config: Config,
    sinks: Sinks,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
    on_summary: &mut (dyn FnMut(&StreamSummary) + Send),
) -> Result<Outcome> {
    let gate = Gate::open(&config)?;
    info!("listening on {}", listener.local_addr()?);
    let admission = Arc::new(Admission::new(config.max_frame, config.handshake_timeout));
    let state = Arc::new(ReceiverState {
        sinks: Mutex::new(sinks),
        streams: AtomicU64::new(0),
        admission: admission.clone(),
        refusals: Refusals::new(admission.max_pending()),
        gate,
        config,
        metrics,
    });
    let listener = Listener {
        listener,
        state,
        stop: shutdown.child_token(),
        tasks: JoinSet::new(),
        summaries: mpsc::unbounded_channel(),
    };
    Ok(listener.run(on_summary).await)
}

impl Listener {
    async fn run(mut self, on_summary: &mut (dyn FnMut(&StreamSummary) + Send)) -> Outcome {
        let once = self.state.config.once;
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
                accepted = self.listener.accept() => match accepted {
                    Ok((sock, peer)) => self.accept(sock, peer),
                    Err(e) => {
                        // Out of file descriptors and the like: keep serving.
                        warn!("accepting a connection failed: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
                Some(_) = self.tasks.join_next() => {}
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
        let verify = state.config.verify;
        state.sinks.into_inner().close().await;
        // With --verify a stream of no frames verified nothing: not a success.
        let verified = |s: &StreamSummary| !verify || s.frames > 0;
        outcome.success = if once { outcome.first.as_ref().is_some_and(|s| s.is_clean() && verified(s)) } else { true };
        outcome
    }

    /// Refuses a peer outside `--allow`, or starts a handler for it.
    fn accept(&mut self, sock: tokio::net::TcpStream, peer: SocketAddr) {
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
        let handler = handler::Handler { state: self.state.clone(), peer, stop: self.stop.clone(), ticket };
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
