//! A connection that must keep taking what it is sent: while output waits
//! for the peer, it has to accept at least [`MIN_BYTES_PER_WINDOW`] in every
//! [`WRITE_WINDOW`], or the write fails and the connection is closed. A
//! viewer that stops reading (or trickles) therefore gives its place back
//! within about a window once its socket buffers are full, instead of
//! holding a `--max-viewers` place forever. Reading is not timed here:
//! hyper's header-read timeout covers a request head that never comes.

use std::{
    future::Future,
    io,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    time::{Instant, Sleep},
};

/// The span over which a waiting writer must make progress.
pub const WRITE_WINDOW: Duration = Duration::from_secs(10);

/// Bytes the peer must accept per [`WRITE_WINDOW`] while output waits (about 3 KiB/s).
pub const MIN_BYTES_PER_WINDOW: u64 = 32 * 1024;

/// A stream whose writes fail when the peer takes too little for too long.
pub struct SlowReaderGuard<S> {
    inner: S,
    /// Set while output waits: the current window's start, bytes taken in it, and its end.
    waiting: Option<Window>,
}

struct Window {
    taken: u64,
    end: Pin<Box<Sleep>>,
}

impl<S> SlowReaderGuard<S> {
    /// Guards `inner`.
    pub fn new(inner: S) -> Self {
        Self { inner, waiting: None }
    }

    /// Counts a write's result; a pending write starts (or checks) the window.
    fn watch(&mut self, cx: &mut Context<'_>, result: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        match result {
            Poll::Ready(Ok(n)) => {
                if let Some(window) = &mut self.waiting {
                    window.taken += n as u64;
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let window = self.waiting.get_or_insert_with(|| Window {
                    taken: 0,
                    end: Box::pin(tokio::time::sleep_until(Instant::now() + WRITE_WINDOW)),
                });
                while window.end.as_mut().poll(cx).is_ready() {
                    if window.taken < MIN_BYTES_PER_WINDOW {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            format!(
                                "the peer took {} bytes in {} s while output waited (at least {} needed)",
                                window.taken,
                                WRITE_WINDOW.as_secs(),
                                MIN_BYTES_PER_WINDOW
                            ),
                        )));
                    }
                    window.taken = 0;
                    window.end.as_mut().reset(Instant::now() + WRITE_WINDOW);
                }
                Poll::Pending
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for SlowReaderGuard<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for SlowReaderGuard<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    /// hyper flushes once everything it had to send was written: nothing waits any more.
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        if matches!(result, Poll::Ready(Ok(()))) {
            self.waiting = None;
        }
        result
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_peer_that_reads_nothing_fails_the_write_after_a_window() {
        let (near, _far) = tokio::io::duplex(64 * 1024);
        let mut guarded = SlowReaderGuard::new(near);
        let started = Instant::now();
        let chunk = vec![0u8; 16 * 1024];
        let err = loop {
            if let Err(e) = guarded.write_all(&chunk).await {
                break e;
            }
        };
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), WRITE_WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn a_peer_that_reads_steadily_is_kept() {
        let (near, mut far) = tokio::io::duplex(8 * 1024);
        let reader = tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            let mut total = 0;
            // 4 KiB every 100 ms: 400 KiB per window, well over the minimum.
            while total < 1_000_000 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                total += far.read(&mut buf).await.unwrap();
            }
        });
        let mut guarded = SlowReaderGuard::new(near);
        guarded.write_all(&vec![7u8; 1_000_000]).await.expect("a steady reader is never cut off");
        reader.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_trickling_peer_is_cut_off() {
        let (near, mut far) = tokio::io::duplex(8 * 1024);
        tokio::spawn(async move {
            let mut byte = [0u8; 100];
            // 100 bytes a second: far under the minimum.
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if far.read(&mut byte).await.unwrap_or(0) == 0 {
                    break;
                }
            }
        });
        let mut guarded = SlowReaderGuard::new(near);
        let err = guarded.write_all(&vec![7u8; 1_000_000]).await.expect_err("cut off");
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }
}
