//! The contract every sink keeps and the one runner that drives it: the
//! events a sink is told ([`SinkEvent`]), its report ([`SinkReport`]), the
//! async `Sink` trait, `BlockingSink` for sinks that block (run on a
//! blocking thread), and `spawn_sink`, the only event loop.

use std::{future::Future, sync::Arc};

use anyhow::Result;
use tokio::{sync::oneshot, task::JoinHandle};
use tracing::error;

use super::queue::EventReceiver;
use crate::frame::{Frame, StreamInfo};

/// What a sink is told.
#[derive(Debug)]
pub enum SinkEvent {
    /// A stream begins.
    Start(Arc<StreamInfo>),
    /// The next frame of the current stream.
    Frame(Frame),
    /// The current stream ended; the sink answers with its report once it
    /// has handled every earlier event.
    End(oneshot::Sender<SinkReport>),
}

/// What a sink found in one stream.
#[derive(Debug, Clone, Default)]
pub struct SinkReport {
    /// Frames the sink judged invalid.
    pub invalid: u64,
    /// Why the sink failed in this stream, if it did (it logged the details).
    pub failed: Option<String>,
    /// Files the sink wrote for this stream.
    pub files: Vec<std::path::PathBuf>,
}

/// A place received frames go, told one stream after another: its start,
/// its frames in order, its end (ripgrep's `Sink`: begin, matched, finish).
/// [`spawn_sink`] runs it; the loop around it is written only there.
pub(crate) trait Sink: Send + 'static {
    /// A stream begins.
    fn start(&mut self, _stream: &StreamInfo) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// The next frame of the current stream. An error stops the sink: the
    /// runner logs it (the message says which sink and what was lost), and
    /// the receiver reports the sink as stopped.
    fn frame(&mut self, frame: Frame) -> impl Future<Output = Result<()>> + Send;

    /// The current stream ended: what the sink found in it.
    fn end(&mut self) -> impl Future<Output = SinkReport> + Send {
        async { SinkReport::default() }
    }

    /// The last call, when the receiver closes or the sink stopped: flush
    /// what is still buffered, let children finish.
    fn close(&mut self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// A [`Sink`] whose calls may block (files, decoders): the runner makes
/// it on a blocking thread and calls it there, one call at a time.
pub(crate) trait BlockingSink: Send + 'static {
    /// A stream begins.
    fn start(&mut self, _stream: &StreamInfo) {}

    /// As [`Sink::frame`].
    fn frame(&mut self, frame: Frame) -> Result<()>;

    /// The current stream ended: what the sink found in it.
    fn end(&mut self) -> SinkReport {
        SinkReport::default()
    }

    /// The last call: flush what is still buffered.
    fn close(&mut self) {}
}

/// A [`BlockingSink`] run as a [`Sink`]: each call on a blocking thread.
struct OnThread<S>(Option<S>);

impl<S: BlockingSink> OnThread<S> {
    /// Runs `call` with the sink on a blocking thread (a panic there goes on here).
    async fn call<R: Send + 'static>(&mut self, call: impl FnOnce(&mut S) -> R + Send + 'static) -> R {
        let mut sink = self.0.take().expect("the sink is back after every call");
        let done = tokio::task::spawn_blocking(move || {
            let r = call(&mut sink);
            (sink, r)
        })
        .await;
        let (sink, r) = match done {
            Ok(done) => done,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Cancelled: the runtime is shutting down, and this task with it.
            Err(_) => std::future::pending().await,
        };
        self.0 = Some(sink);
        r
    }
}

impl<S: BlockingSink> Sink for OnThread<S> {
    async fn start(&mut self, stream: &StreamInfo) {
        let stream = stream.clone();
        self.call(move |s| s.start(&stream)).await
    }

    async fn frame(&mut self, frame: Frame) -> Result<()> {
        self.call(move |s| s.frame(frame)).await
    }

    async fn end(&mut self) -> SinkReport {
        self.call(BlockingSink::end).await
    }

    async fn close(&mut self) {
        self.call(BlockingSink::close).await
    }
}

/// Runs the sink `make` builds until its queue closes or it stops, then
/// closes it. If `make` fails, the sink never starts (the error is logged,
/// the receiver reports the sink as stopped).
pub(crate) fn spawn_sink<S: Sink>(
    mut rx: EventReceiver,
    make: impl Future<Output = Result<S>> + Send + 'static,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut sink = match make.await {
            Ok(sink) => sink,
            Err(e) => return error!("{e:#}"),
        };
        let fed = feed(&mut sink, &mut rx).await;
        sink.close().await;
        if let Err(e) = fed {
            error!("{e:#}");
        }
    })
}

/// Runs the blocking sink `make` builds (on a blocking thread, as every call
/// to it is) as [`spawn_sink`] does.
pub(crate) fn spawn_blocking_sink<S: BlockingSink>(
    rx: EventReceiver,
    make: impl FnOnce() -> Result<S> + Send + 'static,
) -> JoinHandle<()> {
    let make = async {
        let made = tokio::task::spawn_blocking(make).await;
        match made {
            Ok(made) => made.map(|s| OnThread(Some(s))),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Cancelled before it ran: the runtime is shutting down (a start error, such as a busy --http port).
            Err(_) => std::future::pending().await,
        }
    };
    spawn_sink(rx, make)
}

/// Hands every event to `sink` until the queue closes or a frame fails.
async fn feed(sink: &mut impl Sink, rx: &mut EventReceiver) -> Result<()> {
    while let Some(event) = rx.recv().await {
        match event {
            SinkEvent::Start(info) => sink.start(&info).await,
            SinkEvent::Frame(frame) => sink.frame(frame).await?,
            SinkEvent::End(report) => {
                let _ = report.send(sink.end().await);
            }
        }
    }
    Ok(())
}
