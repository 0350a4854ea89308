//! A listener that keeps the web view's connections bounded: at most
//! `max` at once (past it a new connection is closed with a log line, never
//! a crash at the file-descriptor limit), and a connection that sends no
//! byte within [`FIRST_BYTE_TIMEOUT`] is closed, so idle sockets cannot
//! pile up and hold places meant for viewers.

use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::Pin,
    sync::Arc,
    task::{ready, Context, Poll},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore},
    time::Sleep,
};
use tracing::warn;

/// How long a new connection may stay silent before its request.
pub const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(10);

/// [`TcpListener`] with a connection limit.
pub struct LimitedListener {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    max: usize,
    refused: u64,
    last_report: Option<Instant>,
}

impl LimitedListener {
    /// At most `max` connections at once.
    pub fn new(inner: TcpListener, max: usize) -> Self {
        Self { inner, permits: Arc::new(Semaphore::new(max)), max, refused: 0, last_report: None }
    }
}

impl axum::serve::Listener for LimitedListener {
    type Io = LimitedIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (LimitedIo, SocketAddr) {
        loop {
            let (stream, peer) = match self.inner.accept().await {
                Ok(pair) => pair,
                Err(e) => {
                    warn!("--http: accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            match self.permits.clone().try_acquire_owned() {
                Ok(permit) => {
                    let _ = stream.set_nodelay(true);
                    let first_byte = Some(Box::pin(tokio::time::sleep(FIRST_BYTE_TIMEOUT)));
                    return (LimitedIo { stream, first_byte, _permit: permit }, peer);
                }
                Err(_) => {
                    self.refused += 1;
                    if self.last_report.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                        warn!(
                            "--http: {} connections open, the limit; closing new ones ({} so far, latest {peer})",
                            self.max, self.refused
                        );
                        self.last_report = Some(Instant::now());
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// One admitted connection; gives its place back when dropped.
pub struct LimitedIo {
    stream: TcpStream,
    /// Running until the first byte arrives; then `None`.
    first_byte: Option<Pin<Box<Sleep>>>,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for LimitedIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.first_byte = None;
                }
                Poll::Ready(result)
            }
            Poll::Pending => match self.first_byte.as_mut() {
                Some(timer) => {
                    ready!(timer.as_mut().poll(cx));
                    Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "no request within 10 s")))
                }
                None => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for LimitedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
