//! The receiver's end of the back channel (protocol.md, section 12): a
//! sender that offered it in its hello (`channel=1`) is answered with
//! `CAMWIRE CHANNEL v=1`, and then asked for a keyframe whenever one of its
//! camera's viewers or sinks needs one, and pinged for its clock
//! ([`crate::clock`]): [`FIRST_PINGS`] at the start, then every [`PING_EVERY`].
//!
//! Anything that serves a camera holds its [`KeyframeRequests`] and calls
//! [`KeyframeRequests::request`]: a new browser viewer of `/stream.mp4`
//! today, a WebRTC viewer, a recording's new segment or a decoder that lost
//! its place tomorrow. Requests are spaced at least [`KEYFRAME_SPACING`]
//! apart per camera; those that come sooner are folded into one sent when
//! the spacing has passed, so a flood of viewers cannot make every frame an
//! IDR. A camera whose sender did not offer the channel (a classic sender,
//! an older cam-send) takes requests and does nothing with them.
//!
//! Every [`REPORT_EVERY`] it tells the sender what arrived ([`Arrivals`],
//! `CAMWIRE REPORT`, section 12.7), so a sender that fits its stream to the
//! link sees a link that buffers, which its own socket cannot.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use camwire_wire::channel::{Message, Report};
use tokio::{
    io::{AsyncWrite, AsyncWriteExt},
    sync::Notify,
    task::JoinHandle,
    time::{sleep_until, Instant},
};
use tracing::debug;

/// Clock pings at the start of a stream, [`FIRST_PING_SPACING`] apart; then one every [`PING_EVERY`].
pub const FIRST_PINGS: u32 = 4;

/// The time between the first clock pings.
pub const FIRST_PING_SPACING: Duration = Duration::from_millis(250);

/// The time between clock pings once the first are done.
pub const PING_EVERY: Duration = Duration::from_secs(5);

/// The least time between two keyframe requests to one camera's sender.
pub const KEYFRAME_SPACING: Duration = Duration::from_secs(1);

/// The time between two reports of what arrived.
pub const REPORT_EVERY: Duration = Duration::from_millis(500);

/// What arrived from a sender since its last report: the stream counts each
/// frame as it reads it, the back channel takes the sums for its report.
#[derive(Debug, Default)]
pub struct Arrivals {
    frames: AtomicU32,
    bytes: AtomicU64,
    /// The highest latency, in milliseconds plus one (0: none known).
    latency: AtomicU32,
}

impl Arrivals {
    /// A frame of `bytes` on the wire arrived, `latency` after its capture (when known).
    pub fn frame(&self, bytes: usize, latency: Option<Duration>) {
        self.frames.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
        if let Some(l) = latency {
            let ms = u32::try_from(l.as_millis()).unwrap_or(u32::MAX - 1);
            self.latency.fetch_max(ms + 1, Ordering::Relaxed);
        }
    }

    /// The report of what arrived over the last `elapsed`, and a fresh start.
    fn take(&self, elapsed: Duration) -> Report {
        Report {
            ms: u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX).max(1),
            frames: self.frames.swap(0, Ordering::Relaxed),
            bytes: self.bytes.swap(0, Ordering::Relaxed),
            latency_ms: self.latency.swap(0, Ordering::Relaxed).checked_sub(1),
        }
    }
}

/// A camera's way to ask its sender for a keyframe; cheap to clone, one per
/// camera, kept across that camera's streams.
#[derive(Clone, Default)]
pub struct KeyframeRequests(Arc<Mutex<Option<Arc<Pending>>>>);

/// Requests waiting for the channel's writer.
#[derive(Default)]
struct Pending {
    wanted: AtomicBool,
    /// Who asked last, for the line's `why=`.
    why: Mutex<&'static str>,
    wake: Notify,
}

impl std::fmt::Debug for KeyframeRequests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let attached = self.0.lock().is_ok_and(|p| p.is_some());
        f.debug_struct("KeyframeRequests").field("attached", &attached).finish()
    }
}

impl KeyframeRequests {
    /// Asks the camera's sender for a keyframe; `why` names who needs it
    /// (`viewer`, `record`, `publish`, `decoder`: a word). Returns at once;
    /// false when its sender takes no requests (none is streaming, or it did
    /// not offer the back channel).
    pub fn request(&self, why: &'static str) -> bool {
        let Some(pending) = self.0.lock().expect("keyframe requests lock").clone() else { return false };
        *pending.why.lock().expect("keyframe reason lock") = why;
        pending.wanted.store(true, Ordering::Relaxed);
        pending.wake.notify_one();
        true
    }
}

/// One stream's back channel: a task that writes its lines, while the
/// stream lasts.
pub(crate) struct BackChannel {
    task: JoinHandle<()>,
    pending: Arc<Pending>,
    /// The cameras' requests it answers (the camera's own sinks, its viewers).
    serves: Vec<KeyframeRequests>,
}

impl BackChannel {
    /// Answers the sender's offer with `CAMWIRE CHANNEL v=<version>` on
    /// `writer`, then sends it the requests made through `serves`, clock
    /// pings, and reports of `arrivals`, until dropped. A sender that stops
    /// reading only stalls this task.
    pub(crate) fn open<W>(mut writer: W, version: u32, serves: Vec<KeyframeRequests>, arrivals: Arc<Arrivals>) -> Self
    where
        W: AsyncWrite + Send + Unpin + 'static,
    {
        let pending = Arc::new(Pending::default());
        for requests in &serves {
            *requests.0.lock().expect("keyframe requests lock") = Some(pending.clone());
        }
        let shared = pending.clone();
        let task = tokio::spawn(async move {
            if send(&mut writer, Message::Channel { version }).await.is_err() {
                return;
            }
            let mut last: Option<Instant> = None;
            let (mut pings, mut next_ping) = (0u32, Instant::now());
            let mut reported = Instant::now();
            arrivals.take(Duration::ZERO);
            loop {
                tokio::select! {
                    () = shared.wake.notified() => {
                        if let Some(last) = last {
                            sleep_until(last + KEYFRAME_SPACING).await;
                        }
                        // Requests made while waiting are answered by this one line.
                        if !shared.wanted.swap(false, Ordering::Relaxed) {
                            continue;
                        }
                        let why = *shared.why.lock().expect("keyframe reason lock");
                        if send(&mut writer, Message::keyframe(why)).await.is_err() {
                            return;
                        }
                        debug!("asked the sender for a keyframe ({why})");
                        last = Some(Instant::now());
                    }
                    () = sleep_until(next_ping) => {
                        let t1 = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_micros() as u64);
                        if send(&mut writer, Message::Ping { t1 }).await.is_err() {
                            return;
                        }
                        pings += 1;
                        next_ping = Instant::now() + if pings < FIRST_PINGS { FIRST_PING_SPACING } else { PING_EVERY };
                    }
                    () = sleep_until(reported + REPORT_EVERY) => {
                        let now = Instant::now();
                        let report = arrivals.take(now - reported);
                        reported = now;
                        if send(&mut writer, Message::Report(report)).await.is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Self { task, pending, serves }
    }
}

async fn send<W: AsyncWrite + Unpin>(writer: &mut W, message: Message) -> std::io::Result<()> {
    writer.write_all(message.encode().as_bytes()).await?;
    writer.flush().await
}

impl Drop for BackChannel {
    fn drop(&mut self) {
        self.task.abort();
        for requests in &self.serves {
            let mut current = requests.0.lock().expect("keyframe requests lock");
            if current.as_ref().is_some_and(|p| Arc::ptr_eq(p, &self.pending)) {
                *current = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncBufReadExt, BufReader};

    use super::*;

    /// The channel's lines but those that start with one of `skip`.
    struct Lines(tokio::io::Lines<BufReader<tokio::io::DuplexStream>>, &'static [&'static str]);

    impl Lines {
        async fn next_line(&mut self) -> std::io::Result<Option<String>> {
            loop {
                match self.0.next_line().await? {
                    Some(line) if self.1.iter().any(|s| line.starts_with(s)) => continue,
                    other => return Ok(other),
                }
            }
        }
    }

    const PINGS: &str = "CAMWIRE PING ";
    const REPORTS: &str = "CAMWIRE REPORT ";

    #[tokio::test(start_paused = true)]
    async fn reports_say_what_arrived_every_half_second() {
        let (ours, theirs) = tokio::io::duplex(4096);
        let arrivals = Arc::new(Arrivals::default());
        arrivals.frame(999, None);
        let _channel = BackChannel::open(ours, 1, vec![], arrivals.clone());
        let mut lines = Lines(BufReader::new(theirs).lines(), &[PINGS]);
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE CHANNEL v=1");
        let started = Instant::now();
        // What arrived before the channel opened is not reported.
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE REPORT ms=500 frames=0 bytes=0");
        arrivals.frame(1000, Some(Duration::from_millis(40)));
        arrivals.frame(3004, Some(Duration::from_millis(120)));
        arrivals.frame(500, None);
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE REPORT ms=500 frames=3 bytes=4504 latency=120");
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE REPORT ms=500 frames=0 bytes=0");
        assert_eq!(started.elapsed(), 3 * REPORT_EVERY);
    }

    #[tokio::test(start_paused = true)]
    async fn pings_come_four_at_the_start_then_every_five_seconds() {
        let (ours, theirs) = tokio::io::duplex(4096);
        let _channel = BackChannel::open(ours, 1, vec![], Arc::default());
        let mut lines = Lines(BufReader::new(theirs).lines(), &[REPORTS]);
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE CHANNEL v=1");
        let started = Instant::now();
        let mut at = Vec::new();
        for _ in 0..6 {
            let line = lines.next_line().await.unwrap().unwrap();
            assert!(
                camwire_wire::channel::Message::parse(line.as_bytes()).is_ok_and(|m| matches!(m, Message::Ping { .. })),
                "{line}"
            );
            at.push(started.elapsed().as_millis());
        }
        assert_eq!(at, [0, 250, 500, 750, 5750, 10750]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_of_requests_is_one_keyframe_a_second() {
        let (ours, theirs) = tokio::io::duplex(4096);
        let requests = KeyframeRequests::default();
        assert!(!requests.request("viewer"), "no sender yet");
        let channel = BackChannel::open(ours, 1, vec![requests.clone()], Arc::default());
        let mut lines = Lines(BufReader::new(theirs).lines(), &[PINGS, REPORTS]);
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE CHANNEL v=1");
        let started = Instant::now();
        assert!(requests.request("viewer"));
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE KEYFRAME why=viewer");
        assert_eq!(started.elapsed(), Duration::ZERO, "the first request goes at once");
        for _ in 0..100 {
            requests.request("viewer");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        requests.request("record");
        assert_eq!(lines.next_line().await.unwrap().unwrap(), "CAMWIRE KEYFRAME why=record");
        assert!(started.elapsed() >= KEYFRAME_SPACING);
        // The flood is answered: nothing more comes until someone asks again.
        let quiet = tokio::time::timeout(Duration::from_secs(5), lines.next_line()).await;
        assert!(quiet.is_err(), "{quiet:?}");
        drop(channel);
        assert!(!requests.request("viewer"), "the stream ended");
    }
}
