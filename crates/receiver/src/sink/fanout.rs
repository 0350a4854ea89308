//! Fan-out: every event to every sink, each by its [`Delivery`].
//!
//! - [`Delivery::Every`] (verify, record, save-dir): every frame, in order;
//!   the network waits for a sink that is behind, because these sinks are
//!   the record of what arrived.
//! - [`Delivery::Latest`] (players, publish, the viewers' feeds): a short
//!   queue; when it is full the sink skips frames and resumes at the next
//!   keyframe, so a slow player never stalls the sender or the other sinks.
//!   Even the start and end of a stream never wait for such a sink: a start
//!   it has no room for is handed over with its next frame, and an end is
//!   only offered.
//!
//! A sink that takes nothing for [`STUCK`] is dropped with a log line, and a
//! sink that fails (stops, or reports a failure) makes the stream's report
//! say so, which is what `--once` exits 1 for. A skipping sink that is too
//! far behind to report on a stream's end in time is judged by its
//! [`Verdict`], if it has one (`--publish`: not publishing is a failure).

use std::{sync::Arc, time::Duration};

use camwire_wire::{KeyframeGate, PayloadKind};
use prometheus::IntCounter;
use tokio::{
    sync::{broadcast, mpsc, oneshot, watch},
    task::JoinHandle,
    time::Instant,
};
use tokio_util::sync::CancellationToken;
use tracing::{error, warn};

use super::{
    feeds::{Feeds, Latest, PictureDemand},
    live_mp4::LiveFragment,
    queue::{self, EventReceiver, EventSender},
    runner::{SinkEvent, SinkReport},
};
use crate::{
    frame::{Frame, StreamInfo},
    metrics::Metrics,
};

/// A sink that takes nothing for this long is dropped. Longer than a
/// player's own stall limit (10 s, `--pipe`), so the pipe sink recovers by
/// itself first.
pub const STUCK: Duration = Duration::from_secs(20);

/// How long the end of a stream waits for the report of a sink that skips.
const LATEST_REPORT_WAIT: Duration = Duration::from_secs(1);

/// How a sink takes frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Every frame, in order, with backpressure.
    Every,
    /// The latest frames: skips to the next keyframe when it falls behind.
    Latest,
}

/// What a sink is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// An output the user asked for (`--verify`, `--record`, `--pipe`, ...).
    Output,
    /// Feeds the viewers (window, web view); nothing of its own.
    Feed,
}

/// What a skipping sink that cannot report on a stream's end in time says
/// instead: a failure, or `None`.
pub type Verdict = Arc<dyn Fn() -> Option<String> + Send + Sync>;

struct SinkHandle {
    name: &'static str,
    /// Its failure when it cannot report in time.
    verdict: Option<Verdict>,
    role: Role,
    tx: EventSender,
    delivery: Delivery,
    /// A newest-delivery sink that fell behind skips until a keyframe.
    gate: KeyframeGate,
    /// Newest-delivery sink had no room for the start of the current stream.
    pending_start: Option<Arc<StreamInfo>>,
    /// Since when a newest-delivery sink's queue has been full.
    full_since: Option<Instant>,
    task: JoinHandle<()>,
}

/// Why a sink was taken out.
enum Gone {
    /// Its task ended: it failed and logged why.
    Stopped,
    /// It took nothing for [`STUCK`].
    Stuck,
}

/// All sinks of a receiver.
pub struct Sinks {
    sinks: Vec<SinkHandle>,
    /// What the viewers read.
    feeds: Feeds,
    /// Failures in the current stream.
    failures: Vec<String>,
    /// Cancelled when the receiver closes: a player that is not reading is not waited for.
    closing: CancellationToken,
    /// Every camera's series.
    metrics: Arc<Metrics>,
    /// The current stream's camera's `camwire_dropped_frames_total`: frames a skipping sink did not get.
    dropped: Option<IntCounter>,
}

impl Sinks {
    /// No sinks yet; [`Sinks::open`] opens those a config asks for.
    pub(crate) fn new(metrics: Arc<Metrics>) -> Self {
        Self {
            sinks: Vec::new(),
            feeds: Feeds::default(),
            failures: Vec::new(),
            closing: CancellationToken::new(),
            metrics,
            dropped: None,
        }
    }

    /// Adds a sink: `spawn` starts it on the receiving end of a queue of
    /// `depth` events and a byte budget for their frames ([`EventReceiver`]).
    pub fn add(
        &mut self,
        name: &'static str,
        delivery: Delivery,
        depth: usize,
        spawn: impl FnOnce(EventReceiver) -> JoinHandle<()>,
    ) {
        self.add_as(Role::Output, name, delivery, depth, spawn);
    }

    /// Adds a skipping sink that is judged by `verdict` when it cannot
    /// report on a stream's end in time, as [`Sinks::add`] does.
    pub(super) fn add_judged(
        &mut self,
        name: &'static str,
        depth: usize,
        verdict: Verdict,
        spawn: impl FnOnce(EventReceiver) -> JoinHandle<()>,
    ) {
        self.add_as(Role::Output, name, Delivery::Latest, depth, spawn);
        if let Some(s) = self.sinks.last_mut() {
            s.verdict = Some(verdict);
        }
    }

    /// Adds a sink that feeds the viewers, as [`Sinks::add`] does.
    pub(super) fn add_feed(
        &mut self,
        name: &'static str,
        delivery: Delivery,
        depth: usize,
        spawn: impl FnOnce(EventReceiver) -> JoinHandle<()>,
    ) {
        self.add_as(Role::Feed, name, delivery, depth, spawn);
    }

    fn add_as(
        &mut self,
        role: Role,
        name: &'static str,
        delivery: Delivery,
        depth: usize,
        spawn: impl FnOnce(EventReceiver) -> JoinHandle<()>,
    ) {
        tracing::debug!("{name} sink started");
        let bytes = match delivery {
            Delivery::Every => queue::EVERY_QUEUE_BYTES,
            Delivery::Latest => queue::LATEST_QUEUE_BYTES,
        };
        let (tx, rx) = queue::channel(depth, bytes);
        let task = spawn(rx);
        self.sinks.push(SinkHandle {
            name,
            verdict: None,
            role,
            tx,
            delivery,
            gate: KeyframeGate::open(),
            pending_start: None,
            full_since: None,
            task,
        });
    }

    /// The outputs that were opened (`verify`, `record`, `pipe`, `publish`,
    /// ...), not counting what only feeds the viewers.
    pub fn outputs(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.sinks.iter().filter(|s| s.role == Role::Output).map(|s| s.name)
    }

    /// What the viewers read, to be set up by [`Sinks::open`].
    pub(super) fn feeds_mut(&mut self) -> &mut Feeds {
        &mut self.feeds
    }

    /// Cancelled once the receiver closes.
    pub(super) fn closing(&self) -> CancellationToken {
        self.closing.clone()
    }

    /// Watches the newest frame.
    pub fn latest(&self) -> watch::Receiver<Latest> {
        self.feeds.latest.subscribe()
    }

    /// Who wants H.264 pictures decoded.
    pub(crate) fn pictures(&self) -> PictureDemand {
        self.feeds.pictures.clone()
    }

    /// Keyframe requests to the camera's sender (the back channel).
    pub fn keyframes(&self) -> crate::backchannel::KeyframeRequests {
        self.feeds.keyframes.clone()
    }

    /// The web view's live H.264 fragments, with `--http`.
    pub(crate) fn live_mp4(&self) -> Option<broadcast::WeakSender<LiveFragment>> {
        self.feeds.live_mp4.clone()
    }

    pub(crate) async fn start(&mut self, info: StreamInfo) {
        self.dropped = Some(self.metrics.camera(info.camera.as_str()).dropped);
        let info = Arc::new(info);
        self.failures.clear();
        self.feeds.latest.send_modify(|l| l.stream = Some(info.clone()));
        let mut gone = Vec::new();
        for (i, s) in self.sinks.iter_mut().enumerate() {
            s.gate = KeyframeGate::open();
            s.pending_start = None;
            let result = match s.delivery {
                Delivery::Every => send_every(s, SinkEvent::Start(info.clone())).await,
                Delivery::Latest => match s.tx.try_send(SinkEvent::Start(info.clone())) {
                    Ok(()) => Ok(()),
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        // Handed over with a later frame; until then it skips.
                        s.gate.close();
                        s.pending_start = Some(info.clone());
                        check_full(s)
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => Err(Gone::Stopped),
                },
            };
            if let Err(why) = result {
                gone.push((i, why));
            }
        }
        self.remove(gone);
    }

    pub(crate) async fn frame(&mut self, frame: Frame) {
        let mut gone = Vec::new();
        for (i, s) in self.sinks.iter_mut().enumerate() {
            let result = match s.delivery {
                Delivery::Every => send_every(s, SinkEvent::Frame(frame.clone())).await,
                Delivery::Latest => offer_latest(s, &frame, self.dropped.as_ref(), &self.feeds.keyframes),
            };
            if let Err(why) = result {
                gone.push((i, why));
            }
        }
        self.remove(gone);
        self.feeds.latest.send_modify(|l| l.frame = Some(frame));
    }

    /// Ends the stream in every sink and merges their reports.
    pub(crate) async fn end(&mut self) -> SinkReport {
        self.feeds.latest.send_modify(|l| l.stream = None);
        let mut merged = SinkReport::default();
        let mut gone = Vec::new();
        for (i, s) in self.sinks.iter_mut().enumerate() {
            let (tx, rx) = oneshot::channel();
            let wait = match s.delivery {
                Delivery::Every => match send_every(s, SinkEvent::End(tx)).await {
                    Ok(()) => Duration::from_secs(30),
                    Err(why) => {
                        gone.push((i, why));
                        continue;
                    }
                },
                // A sink that never saw this stream start has nothing to say about it but its verdict.
                Delivery::Latest if s.pending_start.is_some() => {
                    self.failures.extend(s.verdict.as_ref().and_then(|v| v()));
                    continue;
                }
                Delivery::Latest => match s.tx.try_send(SinkEvent::End(tx)) {
                    Ok(()) => LATEST_REPORT_WAIT,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        self.failures.extend(s.verdict.as_ref().and_then(|v| v()));
                        continue;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => {
                        gone.push((i, Gone::Stopped));
                        continue;
                    }
                },
            };
            match tokio::time::timeout(wait, rx).await {
                Ok(Ok(report)) => {
                    merged.invalid += report.invalid;
                    self.failures.extend(report.failed);
                    merged.files.extend(report.files);
                }
                Ok(Err(_)) => gone.push((i, Gone::Stopped)),
                Err(_) if s.delivery == Delivery::Every => {
                    warn!("{} sink did not finish the stream within {} s", s.name, wait.as_secs())
                }
                Err(_) => self.failures.extend(s.verdict.as_ref().and_then(|v| v())),
            }
        }
        self.remove(gone);
        if !self.failures.is_empty() {
            merged.failed = Some(self.failures.join("; "));
        }
        merged
    }

    /// Takes out the sinks at `gone` (indices, ascending), each with a log line.
    fn remove(&mut self, gone: Vec<(usize, Gone)>) {
        for (i, why) in gone.into_iter().rev() {
            let s = self.sinks.remove(i);
            match why {
                Gone::Stopped => {
                    error!("the {} sink stopped (see above); the other sinks carry on", s.name);
                    self.failures.push(format!("the {} sink stopped", s.name));
                }
                Gone::Stuck => {
                    error!(
                        "the {} sink took nothing for {} s; dropped it, the other sinks carry on",
                        s.name,
                        STUCK.as_secs()
                    );
                    self.failures.push(format!("the {} sink was stuck", s.name));
                    s.task.abort();
                }
            }
        }
    }

    /// Closes every sink and waits for it to finish (files flushed, players
    /// told EOF); a player that is not reading is not waited for.
    pub(crate) async fn close(self) {
        self.closing.cancel();
        let tasks: Vec<_> = self.sinks.into_iter().map(|s| (s.name, s.task)).collect();
        for (name, mut task) in tasks {
            if tokio::time::timeout(STUCK, &mut task).await.is_err() {
                error!("the {name} sink did not finish within {} s of the end; left it", STUCK.as_secs());
                task.abort();
            } else {
                tracing::debug!("{name} sink stopped");
            }
        }
    }
}

/// Sends to a sink that takes every frame, waiting at most [`STUCK`] for room.
async fn send_every(s: &mut SinkHandle, event: SinkEvent) -> Result<(), Gone> {
    match tokio::time::timeout(STUCK, s.tx.send(event)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(Gone::Stopped),
        Err(_) => Err(Gone::Stuck),
    }
}

/// Offers a frame to a sink that skips when behind; one it skips is counted
/// in `dropped`. One that falls behind on H.264 asks the sender for the
/// keyframe it must now wait for (`keyframes`, the back channel).
fn offer_latest(
    s: &mut SinkHandle,
    frame: &Frame,
    dropped: Option<&IntCounter>,
    keyframes: &crate::backchannel::KeyframeRequests,
) -> Result<(), Gone> {
    if !s.gate.admits(frame.keyframe) {
        dropped.iter().for_each(|d| d.inc());
        return check_full(s);
    }
    if let Some(info) = s.pending_start.clone() {
        match s.tx.try_send(SinkEvent::Start(info)) {
            Ok(()) => s.pending_start = None,
            Err(mpsc::error::TrySendError::Full(_)) => {
                dropped.iter().for_each(|d| d.inc());
                return check_full(s);
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(Gone::Stopped),
        }
    }
    match s.tx.try_send(SinkEvent::Frame(frame.clone())) {
        Ok(()) => {
            s.gate.pass(frame.keyframe);
            s.full_since = None;
            Ok(())
        }
        Err(mpsc::error::TrySendError::Full(_)) => {
            dropped.iter().for_each(|d| d.inc());
            if !s.gate.is_closed() && frame.kind == PayloadKind::H264 {
                keyframes.request(s.name);
            }
            s.gate.close();
            check_full(s)
        }
        Err(mpsc::error::TrySendError::Closed(_)) => Err(Gone::Stopped),
    }
}

/// A full queue: stuck once it has been full for [`STUCK`].
fn check_full(s: &mut SinkHandle) -> Result<(), Gone> {
    if s.tx.capacity() > 0 {
        s.full_since = None;
        return Ok(());
    }
    let since = *s.full_since.get_or_insert_with(Instant::now);
    if since.elapsed() >= STUCK {
        return Err(Gone::Stuck);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::sink::runner::{spawn_blocking_sink, BlockingSink};
    use anyhow::Result;

    fn frame(seq: u64) -> Frame {
        let data = Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xD9]);
        let received_at = std::time::SystemTime::now();
        Frame { seq, data, kind: PayloadKind::Jpeg, keyframe: true, received_at, captured_at: None, sender: None }
    }

    fn info(number: u64) -> StreamInfo {
        StreamInfo {
            peer: "127.0.0.1:1".parse().unwrap(),
            number,
            raw: false,
            camera: camwire_wire::CameraName::new("cam").unwrap(),
        }
    }

    /// A sink that takes nothing, ever (it keeps its queue open).
    fn never_reads(rx: EventReceiver) -> JoinHandle<()> {
        tokio::spawn(async move {
            let _rx = rx;
            std::future::pending::<()>().await;
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_skipping_sink_that_never_reads_holds_up_no_start_or_end_and_is_dropped_when_stuck() {
        let mut sinks = sinks();
        sinks.add("player", Delivery::Latest, 2, never_reads);
        let t0 = tokio::time::Instant::now();
        // Two streams of ten frames: nothing waits, though the queue is full after two events.
        for n in 1..=2 {
            sinks.start(info(n)).await;
            for seq in 1..=10 {
                sinks.frame(frame(seq)).await;
            }
            let report = sinks.end().await;
            assert!(report.failed.is_none(), "behind is not failed: {:?}", report.failed);
        }
        assert_eq!(t0.elapsed(), Duration::ZERO, "start, frames and end never waited for the sink");
        // Still full after STUCK: dropped, and the stream's report says so.
        tokio::time::advance(STUCK).await;
        sinks.start(info(3)).await;
        let report = sinks.end().await;
        assert_eq!(report.failed.as_deref(), Some("the player sink was stuck"));
        assert!(sinks.sinks.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_skipping_sink_too_far_behind_to_report_is_judged_by_its_verdict() {
        let mut sinks = sinks();
        sinks.add_judged("publish", 2, Arc::new(|| Some("not publishing".into())), never_reads);
        sinks.add("player", Delivery::Latest, 2, never_reads);
        sinks.start(info(1)).await;
        for seq in 1..=10 {
            sinks.frame(frame(seq)).await;
        }
        let report = sinks.end().await;
        assert_eq!(report.failed.as_deref(), Some("not publishing"), "a player behind is not failed; publish is");
    }

    /// A sink that writes down what it is told, and fails on frame `fail_at`.
    struct Diary {
        lines: Arc<std::sync::Mutex<Vec<String>>>,
        fail_at: Option<u64>,
        frames: u64,
    }

    impl BlockingSink for Diary {
        fn start(&mut self, stream: &StreamInfo) {
            self.frames = 0;
            self.lines.lock().unwrap().push(format!("start {}", stream.number));
        }

        fn frame(&mut self, frame: Frame) -> Result<()> {
            if self.fail_at == Some(frame.seq) {
                anyhow::bail!("diary: frame {} failed", frame.seq);
            }
            self.frames += 1;
            self.lines.lock().unwrap().push(format!("frame {}", frame.seq));
            Ok(())
        }

        fn end(&mut self) -> SinkReport {
            self.lines.lock().unwrap().push("end".into());
            SinkReport { invalid: self.frames, ..SinkReport::default() }
        }

        fn close(&mut self) {
            self.lines.lock().unwrap().push("close".into());
        }
    }

    fn sinks() -> Sinks {
        Sinks::new(crate::metrics::Metrics::new())
    }

    #[tokio::test]
    async fn the_runner_tells_a_sink_each_stream_in_order_and_returns_its_report() {
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut sinks = sinks();
        let diary = Diary { lines: lines.clone(), fail_at: None, frames: 0 };
        sinks.add("diary", Delivery::Every, 4, |rx| spawn_blocking_sink(rx, || Ok(diary)));
        for n in 1..=2 {
            sinks.start(info(n)).await;
            for seq in 1..=3 {
                sinks.frame(frame(seq)).await;
            }
            let report = sinks.end().await;
            assert_eq!(report.invalid, 3, "the report is the sink's own, for this stream");
            assert!(report.failed.is_none());
        }
        sinks.close().await;
        let stream = ["frame 1", "frame 2", "frame 3", "end"];
        let expected: Vec<String> = ["start 1"]
            .into_iter()
            .chain(stream)
            .chain(["start 2"])
            .chain(stream)
            .chain(["close"])
            .map(String::from)
            .collect();
        assert_eq!(*lines.lock().unwrap(), expected);
    }

    #[tokio::test]
    async fn a_sink_whose_frame_fails_is_closed_and_fails_the_stream() {
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut sinks = sinks();
        let diary = Diary { lines: lines.clone(), fail_at: Some(2), frames: 0 };
        sinks.add("diary", Delivery::Every, 4, |rx| spawn_blocking_sink(rx, || Ok(diary)));
        sinks.start(info(1)).await;
        for seq in 1..=3 {
            sinks.frame(frame(seq)).await;
        }
        let report = sinks.end().await;
        assert_eq!(report.failed.as_deref(), Some("the diary sink stopped"));
        assert_eq!(*lines.lock().unwrap(), ["start 1", "frame 1", "close"], "closed at once, fed nothing more");
    }

    #[tokio::test]
    async fn a_sink_that_cannot_be_made_fails_the_first_stream() {
        let mut sinks = sinks();
        let make = || -> Result<Diary> { anyhow::bail!("no decoder") };
        sinks.add("diary", Delivery::Every, 4, |rx| spawn_blocking_sink(rx, make));
        sinks.start(info(1)).await;
        sinks.frame(frame(1)).await;
        assert_eq!(sinks.end().await.failed.as_deref(), Some("the diary sink stopped"));
    }

    #[tokio::test]
    async fn a_sink_that_stopped_fails_the_stream() {
        let mut sinks = sinks();
        sinks.add("record", Delivery::Every, 4, |rx| tokio::spawn(async move { drop(rx) }));
        sinks.start(info(1)).await;
        sinks.frame(frame(1)).await;
        let report = sinks.end().await;
        assert_eq!(report.failed.as_deref(), Some("the record sink stopped"));
        // The next stream starts clean.
        sinks.start(info(2)).await;
        assert!(sinks.end().await.failed.is_none());
    }
}
