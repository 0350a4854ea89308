//! Sinks: where received frames go. Each runs on its own task or thread and
//! gets the stream as events: start, frames in order, end.
//!
//! Two ways of delivery:
//! - [`Delivery::Every`] (verify, record, save-dir): every frame, in order;
//!   the network waits for a sink that is behind, because these sinks are
//!   the record of what arrived.
//! - [`Delivery::Newest`] (players): a short queue; when it is full the sink
//!   skips frames and resumes at the next keyframe, so a slow player never
//!   stalls the sender or the other sinks.
//!
//! Viewers that only ever want the newest picture (window, web) watch
//! [`Sinks::latest`] instead of queueing; for H.264 one decoding sink
//! publishes the newest picture there for all of them.

mod display;
mod h264_pictures;
mod http;
pub mod picture;
mod pipe;
mod record;
mod save_dir;
mod verify;
mod viewers;

use std::{sync::Arc, time::Duration};

use anyhow::Result;
use tokio::{
    sync::{mpsc, oneshot, watch},
    task::JoinHandle,
};
use tracing::warn;

use crate::{
    frame::{Frame, StreamInfo},
    Config,
};

pub use display::DisplaySink;
pub use h264_pictures::{Decoded, DecodedFrame};
pub use http::{HttpAccess, HttpOptions, HttpSink, MIN_TOKEN_LEN};
pub use pipe::player_command;
pub use viewers::Viewers;

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
}

/// How a sink takes frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Every frame, in order, with backpressure.
    Every,
    /// Skips to the next keyframe when it falls behind.
    Newest,
}

/// The newest frame and the stream it belongs to, for viewers that skip.
#[derive(Debug, Clone, Default)]
pub struct Latest {
    /// The stream currently running, if any.
    pub stream: Option<Arc<StreamInfo>>,
    /// The newest frame of the current or last stream.
    pub frame: Option<Frame>,
    /// The newest H.264 picture, decoded once for every viewer (only with `--display` or `--http`).
    pub decoded: Decoded,
}

struct SinkHandle {
    name: &'static str,
    tx: mpsc::Sender<SinkEvent>,
    delivery: Delivery,
    /// Newest-delivery sink fell behind: skip until a keyframe.
    skipping: bool,
    task: JoinHandle<()>,
}

/// All sinks of a receiver.
pub struct Sinks {
    sinks: Vec<SinkHandle>,
    latest: watch::Sender<Latest>,
}

impl Sinks {
    /// Opens the sinks `config` asks for (files are created now, so a bad
    /// path is an error at start, not at the first frame).
    pub fn open(config: &Config) -> Result<Self> {
        let mut sinks = Self { sinks: Vec::new(), latest: watch::Sender::new(Latest::default()) };
        if config.verify {
            sinks.add("verify", Delivery::Every, 64, verify::spawn);
        }
        if let Some((path, format)) = &config.record {
            let sink = record::RecordSink::create(path, *format)?;
            sinks.add("record", Delivery::Every, 64, |rx| sink.spawn(rx));
        }
        if let Some(dir) = &config.save_dir {
            let sink = save_dir::SaveDirSink::create(dir)?;
            sinks.add("save-dir", Delivery::Every, 64, |rx| sink.spawn(rx));
        }
        if let Some(cmd) = &config.pipe {
            let cmd = cmd.clone();
            sinks.add("pipe", Delivery::Newest, 30, |rx| pipe::spawn(cmd, rx));
        }
        if config.display || config.http.is_some() {
            // H.264 viewers need every frame decoded in order; the decoder is made when H.264 arrives.
            let latest = sinks.latest.clone();
            sinks.add("h264-pictures", Delivery::Newest, 30, |rx| h264_pictures::spawn(rx, latest));
        }
        Ok(sinks)
    }

    /// Adds a sink: `spawn` starts it on the receiving end of a queue of `depth` events.
    pub fn add(
        &mut self,
        name: &'static str,
        delivery: Delivery,
        depth: usize,
        spawn: impl FnOnce(mpsc::Receiver<SinkEvent>) -> JoinHandle<()>,
    ) {
        let (tx, rx) = mpsc::channel(depth);
        let task = spawn(rx);
        self.sinks.push(SinkHandle { name, tx, delivery, skipping: false, task });
    }

    /// Watches the newest frame.
    pub fn latest(&self) -> watch::Receiver<Latest> {
        self.latest.subscribe()
    }

    pub(crate) async fn start(&mut self, info: StreamInfo) {
        let info = Arc::new(info);
        self.latest.send_modify(|l| l.stream = Some(info.clone()));
        for s in &mut self.sinks {
            s.skipping = false;
            let _ = s.tx.send(SinkEvent::Start(info.clone())).await;
        }
    }

    pub(crate) async fn frame(&mut self, frame: Frame) {
        for s in &mut self.sinks {
            match s.delivery {
                Delivery::Every => {
                    let _ = s.tx.send(SinkEvent::Frame(frame.clone())).await;
                }
                Delivery::Newest => {
                    if s.skipping && !frame.keyframe {
                        continue;
                    }
                    s.skipping = match s.tx.try_send(SinkEvent::Frame(frame.clone())) {
                        Ok(()) => false,
                        Err(mpsc::error::TrySendError::Full(_)) => true,
                        Err(mpsc::error::TrySendError::Closed(_)) => false,
                    };
                }
            }
        }
        self.latest.send_modify(|l| l.frame = Some(frame));
    }

    /// Ends the stream in every sink and merges their reports.
    pub(crate) async fn end(&mut self) -> SinkReport {
        self.latest.send_modify(|l| l.stream = None);
        let mut merged = SinkReport::default();
        for s in &mut self.sinks {
            let (tx, rx) = oneshot::channel();
            // A sink that is gone has nothing to report.
            if s.tx.send(SinkEvent::End(tx)).await.is_err() {
                continue;
            }
            match tokio::time::timeout(Duration::from_secs(30), rx).await {
                Ok(Ok(report)) => merged.invalid += report.invalid,
                Ok(Err(_)) => {}
                Err(_) => warn!("{} sink did not finish the stream within 30 s", s.name),
            }
        }
        merged
    }

    /// Closes every sink and waits for it to finish (files flushed, players told EOF).
    pub(crate) async fn close(self) {
        for s in self.sinks {
            drop(s.tx);
            let _ = s.task.await;
        }
    }
}
