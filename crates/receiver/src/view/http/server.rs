//! Serving the web view's connections. `axum::serve` has no timer, so
//! hyper's header-read timeout would never apply; here every connection is
//! served by hyper directly, with a timer, and with the guards a public
//! port needs:
//!
//! - a request head must arrive whole within [`HEADER_TIMEOUT`] of the
//!   connection opening or of the previous response ending (the keep-alive
//!   idle timeout is the same clock: hyper starts it whenever it waits for a head);
//! - a head is at most [`MAX_HEAD`] bytes (past it: 431, then closed);
//! - output must keep moving ([`slow`](super::slow));
//! - connections are counted per address and in total ([`limit`](super::limit)),
//!   and a connection with no request in flight is the one that makes room;
//! - each socket's send buffer is capped at [`SEND_BUFFER`], so a viewer that
//!   stops reading meets the slow-reader guard after a few hundred KiB, not
//!   after the several MiB the kernel would otherwise let queue;
//! - TCP keepalive probes a quiet peer ([`KEEPALIVE`]), so a client that
//!   vanished without a FIN gives its connection (and any place it holds) back.

use std::{convert::Infallible, net::SocketAddr, pin::pin, sync::Arc, time::Duration};

use axum::{body::Body, extract::Request, Router};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
    task::JoinSet,
};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower_service::Service;
use tracing::{debug, warn};

use super::{
    limit::{Admitted, Busy, Connections},
    slow::SlowReaderGuard,
};

/// How long a request head may take, from the connection opening or the previous response ending.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head read (hyper's buffer); a browser's is a few KiB.
pub const MAX_HEAD: usize = 64 * 1024;

/// The send buffer asked for each connection (the kernel doubles it): a
/// second of a 2 MB/s stream, which also fills a 100 ms path at that rate.
pub const SEND_BUFFER: usize = 128 * 1024;

/// Idle time before keepalive probes, their interval and count.
pub const KEEPALIVE: (Duration, Duration, u32) = (Duration::from_secs(30), Duration::from_secs(10), 3);

/// The address a request came from, for the limits per address.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// The address a request reached: one this client can reach (WebRTC offers it as a candidate).
#[derive(Debug, Clone, Copy)]
pub struct Local(pub SocketAddr);

/// Caps the send buffer and turns keepalive on; a failure only costs the protection.
fn tune(stream: &tokio::net::TcpStream) {
    let sock = socket2::SockRef::from(stream);
    let (time, interval, retries) = KEEPALIVE;
    let keepalive = socket2::TcpKeepalive::new().with_time(time).with_interval(interval).with_retries(retries);
    if let Err(e) = sock.set_send_buffer_size(SEND_BUFFER).and_then(|()| sock.set_tcp_keepalive(&keepalive)) {
        debug!("--http: could not set socket options: {e}");
    }
}

/// Accepts and serves connections until `stop`, then lets the open ones
/// finish. With `tls`, each connection is HTTPS; its TLS handshake must end
/// within [`HEADER_TIMEOUT`].
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    connections: Arc<Connections>,
    stop: CancellationToken,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).max_buf_size(MAX_HEAD).keep_alive(true);
    let mut tasks = JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            () = stop.cancelled() => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    warn!("--http: accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Some(place) = connections.admit(peer.ip()) else { continue };
        let _ = stream.set_nodelay(true);
        tune(&stream);
        let local = Local(stream.local_addr().unwrap_or_else(|_| listener.local_addr().expect("a bound listener")));
        let service = Tracked { app: app.clone(), busy: place.busy_maker(), peer: Peer(peer), local };
        let (http, stop) = (http.clone(), stop.clone());
        match &tls {
            None => tasks.spawn(serve_one(http, stream, service, place, peer, stop)),
            Some(tls) => {
                let handshake = tls.accept(stream);
                tasks.spawn(async move {
                    match tokio::time::timeout(HEADER_TIMEOUT, handshake).await {
                        Ok(Ok(stream)) => serve_one(http, stream, service, place, peer, stop).await,
                        Ok(Err(e)) => debug!("--http: TLS handshake with {peer} failed: {e}"),
                        Err(_) => debug!("--http: TLS handshake with {peer} took over {HEADER_TIMEOUT:?}"),
                    }
                })
            }
        };
    }
    while tasks.join_next().await.is_some() {}
}

/// Serves one admitted connection until it ends, must make room, or the view stops.
async fn serve_one<I>(
    http: hyper::server::conn::http1::Builder,
    io: I,
    service: Tracked,
    place: Admitted,
    peer: SocketAddr,
    stop: CancellationToken,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let connection = http.serve_connection(
        TokioIo::new(SlowReaderGuard::new(io)),
        hyper::service::service_fn(move |request| service.clone().call(request)),
    );
    let mut connection = pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                debug!("--http: connection from {peer} ended: {e}");
            }
        }
        () = place.evicted() => debug!("--http: closed an idle connection from {peer} to make room"),
        () = stop.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// The router, marking its connection busy for as long as each response lasts.
#[derive(Clone)]
struct Tracked {
    app: Router,
    busy: super::limit::BusyMaker,
    peer: Peer,
    local: Local,
}

impl Tracked {
    async fn call(mut self, request: hyper::Request<Incoming>) -> Result<hyper::Response<TrackedBody>, Infallible> {
        let busy = self.busy.busy();
        let mut request: Request = request.map(Body::new);
        request.extensions_mut().insert(self.peer);
        request.extensions_mut().insert(self.local);
        let response = self.app.call(request).await?;
        Ok(response.map(|body| TrackedBody { body, _busy: busy }))
    }
}

/// A response body that keeps its connection marked busy until it is done.
struct TrackedBody {
    body: Body,
    _busy: Busy,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
