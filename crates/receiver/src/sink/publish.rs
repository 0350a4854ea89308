//! `--publish URL`: hands the stream to a media server (MediaMTX,
//! nginx-rtmp, SRS, ...), which then serves any number of viewers.
//!
//! ffmpeg is the transport: it reads an MPEG-TS from this sink on its stdin,
//! timed by the capture stamps (so it invents no frame rate), and copies the
//! H.264 as it is into FLV for `rtmp://`, RTSP RECORD for `rtsp://`, or
//! MPEG-TS for `srt://` and `udp://`. A JPEG stream is encoded to H.264 once,
//! here, with the encoder cam-send uses (`camwire-codec`). Its timeline runs on across streams, so
//! a sender that restarts does not end the publication. When ffmpeg exits (the
//! server went away, or it took nothing for a while) it is started again at
//! the next keyframe, after a growing pause, with a log line; `publishing to
//! URL` is logged once ffmpeg reports that the server took the stream, and a
//! stream that never reached it fails this sink. A server that takes the
//! connection and never answers (ffmpeg waits in its handshake, reading
//! nothing) is given up on after [`CONNECT_TIMEOUT`] with one line, and
//! tried again. It is fed as a
//! [`FedChild`]: in its own process group, ended as a group. It is a Newest-delivery sink: a slow
//! server makes this sink skip to the next keyframe, never slows the others.

use std::{
    process::Stdio,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Result};
use bytes::Bytes;
use camwire_app::Backoff;
use camwire_wire::{KeyframeGate, PayloadKind};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
    sync::watch,
};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::{
    child::{FedChild, Unfed},
    fanout::Verdict,
    runner::{Sink, SinkReport},
};
use crate::{
    backchannel::KeyframeRequests,
    decode::{to_h264::JpegToH264, PixelLimit},
    frame::{Frame, StreamInfo},
    mux::{timeline::Timeline, ts::TsWriter},
};

/// How long the end of a stream waits for ffmpeg to report that it reached
/// the server (its reports come every half second); within the time the
/// receiver waits for a latest-delivery sink's report.
const REPORT_WAIT: Duration = Duration::from_millis(700);

/// How long a new ffmpeg has to reach the server before it is given up on.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The ffmpeg output format (`-f`) for a `--publish` URL.
pub fn publish_format(url: &str) -> Result<&'static str> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    Ok(match scheme.as_deref() {
        Some("rtmp" | "rtmps") => "flv",
        Some("rtsp" | "rtsps") => "rtsp",
        Some("srt" | "udp") => "mpegts",
        _ => bail!(
            "--publish {url:?}: use rtmp://HOST/APP/KEY, rtsp://HOST:PORT/PATH, srt://HOST:PORT or udp://HOST:PORT"
        ),
    })
}

/// The ffmpeg command line that publishes an MPEG-TS from stdin to `url`.
fn ffmpeg_args(url: &str) -> Result<Vec<String>> {
    let format = publish_format(url)?;
    // `-progress pipe:1`: its reports on stdout say when the server has taken the stream.
    let mut args: Vec<String> = [
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        "-analyzeduration",
        "1000000",
        "-f",
        "mpegts",
    ]
    .map(String::from)
    .to_vec();
    args.extend(["-i", "pipe:0", "-c", "copy", "-f", format].map(String::from));
    if format == "rtsp" {
        args.extend(["-rtsp_transport", "tcp"].map(String::from));
    }
    args.push(url.to_string());
    Ok(args)
}

/// A running ffmpeg and the MPEG-TS it is fed.
struct Publisher {
    child: FedChild,
    ts: TsWriter<Vec<u8>>,
    /// ffmpeg's newest error line, for the log line when it ends.
    last_error: Arc<Mutex<Option<String>>>,
    /// Becomes true once ffmpeg reports output written: the server took the stream.
    published: watch::Receiver<bool>,
    /// When it was started: it has [`CONNECT_TIMEOUT`] to reach the server.
    started: Instant,
}

/// Whether one block of ffmpeg's `-progress` report says the stream reached
/// the server: bytes written out, or (where the output has no byte count,
/// as RTSP) packets muxed.
fn reached_server(block: &[String]) -> bool {
    let value = |key: &str| block.iter().find_map(|l| l.strip_prefix(key)?.strip_prefix('=')).map(str::trim);
    match value("total_size") {
        Some(size) if size.parse::<u64>().is_ok() => size != "0",
        _ => value("frame").and_then(|f| f.parse::<u64>().ok()).is_some_and(|f| f > 0),
    }
}

impl Publisher {
    /// Starts ffmpeg for `url`; `live` is set once it reaches the server.
    fn start(url: &str, live: Arc<AtomicBool>) -> std::io::Result<Self> {
        let args = ffmpeg_args(url).map_err(std::io::Error::other)?;
        debug!("--publish: starting ffmpeg for {url}");
        let mut child =
            FedChild::spawn(Command::new("ffmpeg").args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()))?;
        let last_error = Arc::new(Mutex::new(None));
        let stderr = child.child_mut().stderr.take().expect("stderr is piped");
        let mut lines = BufReader::new(stderr).lines();
        let keep = Arc::clone(&last_error);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                debug!("--publish: ffmpeg: {line}");
                *keep.lock().expect("not poisoned") = Some(line);
            }
        });
        let stdout = child.child_mut().stdout.take().expect("stdout is piped");
        let (tell, published) = watch::channel(false);
        let url = url.to_owned();
        tokio::spawn(async move {
            let (mut lines, mut block) = (BufReader::new(stdout).lines(), Vec::new());
            while let Ok(Some(line)) = lines.next_line().await {
                if !line.starts_with("progress=") {
                    block.push(line);
                    continue;
                }
                if !*tell.borrow() && reached_server(&block) {
                    info!("--publish: publishing to {url}");
                    live.store(true, Ordering::Relaxed);
                    tell.send_replace(true);
                }
                block.clear();
            }
        });
        Ok(Self { child, ts: TsWriter::new(Vec::new()), last_error, published, started: Instant::now() })
    }

    /// Sends one access unit; `Err` once ffmpeg is gone, has taken
    /// nothing in time (a server or uplink that stopped moving), or has not
    /// reached the server within [`CONNECT_TIMEOUT`] of its start (`None`).
    async fn send(
        &mut self,
        au: &[u8],
        keyframe: bool,
        pts_us: u64,
        closing: &CancellationToken,
    ) -> Result<(), Option<Unfed>> {
        if let Err(e) = self.ts.access_unit(au, keyframe, pts_us) {
            return Err(Some(Unfed::StoppedReading(e.to_string())));
        }
        let bytes = std::mem::take(self.ts.out_mut());
        if *self.published.borrow() {
            return self.child.write(&bytes, closing).await.map_err(Some);
        }
        // Not there yet: a write that waits for a handshake that never ends is bounded too.
        let left = CONNECT_TIMEOUT.saturating_sub(self.started.elapsed());
        match tokio::time::timeout(left, self.child.write(&bytes, closing)).await {
            Ok(written) => written.map_err(Some),
            Err(_) if *self.published.borrow() => Ok(()),
            Err(_) => Err(None),
        }
    }

    /// How ffmpeg ended, for the log.
    async fn ended(self, unfed: Unfed) -> String {
        let status = self.child.finish(Duration::from_secs(2)).await;
        let how = match (&unfed, status) {
            (Unfed::Stalled { .. }, _) => format!("ffmpeg {unfed}"),
            (_, Some(status)) => format!("ffmpeg exited with {status}"),
            (_, None) => "ffmpeg stopped reading".into(),
        };
        // Its last words arrive on the stderr pipe a moment after it exits.
        tokio::time::sleep(Duration::from_millis(50)).await;
        match self.last_error.lock().expect("not poisoned").take() {
            Some(line) => format!("{how}: {line}"),
            None => how,
        }
    }
}

/// The publish sink's state across streams.
pub(super) struct PublishSink {
    url: String,
    publisher: Option<Publisher>,
    /// Pauses between connections: 1 s, 2 s, 4 s, ... up to 10 s.
    backoff: Backoff,
    /// No new connection before this.
    next_try: Instant,
    /// Each stream, and each connection, starts on a keyframe.
    gate: KeyframeGate,
    timeline: Timeline,
    /// Where this stream's times start on the publication's timeline.
    base_us: u64,
    /// The newest time sent.
    last_us: u64,
    transcoder: Option<Box<JpegToH264>>,
    /// The current stream reached the server (through this or an earlier ffmpeg).
    published: bool,
    /// Cancelled once the receiver closes: ffmpeg is not waited for long.
    closing: CancellationToken,
    /// The pixel budget of a JPEG to encode.
    limit: PixelLimit,
    /// Asks the sender for the keyframe a new connection starts on.
    keyframes: KeyframeRequests,
    /// Whether the running ffmpeg reached the server, for the [`Verdict`] read when this sink is behind.
    live: Arc<AtomicBool>,
}

impl PublishSink {
    /// Publishes to `url` from the first keyframe on; a new connection to
    /// the server asks the sender for one through `keyframes`.
    pub(super) fn new(url: &str, closing: CancellationToken, limit: PixelLimit, keyframes: KeyframeRequests) -> Self {
        Self {
            url: url.to_owned(),
            publisher: None,
            backoff: Backoff::new(Duration::from_secs(1), Duration::from_secs(10)),
            next_try: Instant::now(),
            gate: KeyframeGate::new(),
            timeline: Timeline::default(),
            base_us: 0,
            last_us: 0,
            transcoder: None,
            published: false,
            closing,
            limit,
            keyframes,
            live: Arc::default(),
        }
    }

    /// What the stream's end says of this sink when it is too far behind to
    /// report: not publishing (no ffmpeg that reached the server) is a failure.
    pub(super) fn verdict(&self) -> Verdict {
        let (live, url) = (self.live.clone(), self.url.clone());
        Arc::new(move || {
            (!live.load(Ordering::Relaxed))
                .then(|| format!("--publish {url}: the stream did not reach the server (see the lines above)"))
        })
    }

    /// Whether the running ffmpeg has reached the server.
    fn connected(&self) -> bool {
        self.publisher.as_ref().is_some_and(|p| *p.published.borrow())
    }

    /// The access unit to send for `frame` (a JPEG is encoded to H.264) and
    /// whether it is a keyframe; `None` to skip the frame.
    async fn access_unit(&mut self, frame: Frame, pts: u64, ready_to_connect: bool) -> Result<Option<(Bytes, bool)>> {
        if frame.kind == PayloadKind::H264 {
            return Ok(Some((frame.data, frame.keyframe)));
        }
        let mut t = match self.transcoder.take() {
            Some(t) => t,
            None => Box::new(
                JpegToH264::new(self.limit)
                    .map_err(|e| anyhow!("--publish {}: {e:#}; publishing stopped", self.url))?,
            ),
        };
        if ready_to_connect {
            // A new connection starts on a keyframe: ask for one now.
            t.force_keyframe();
        }
        // Encoding takes a while: off the async threads.
        let (t, encoded) = tokio::task::spawn_blocking(move || {
            let r = t.encode(&frame, pts);
            (t, r)
        })
        .await
        .expect("the encoder does not panic");
        self.transcoder = Some(t);
        match encoded {
            Ok(au) => Ok(Some(au)),
            Err(e) => {
                warn!("--publish {}: frame skipped ({e:#})", self.url);
                Ok(None)
            }
        }
    }
}

impl Sink for PublishSink {
    async fn start(&mut self, _stream: &StreamInfo) {
        self.gate.close();
        self.timeline = Timeline::default();
        self.base_us = self.last_us + 100_000;
        self.published = self.connected();
    }

    async fn frame(&mut self, frame: Frame) -> Result<()> {
        if !self.gate.pass(frame.keyframe) {
            return Ok(());
        }
        let pts = self.base_us + self.timeline.pts_us(&frame);
        self.last_us = pts;
        let ready_to_connect = self.publisher.is_none() && Instant::now() >= self.next_try;
        if ready_to_connect && !frame.keyframe {
            // The sender's H.264: the connection waits for its next keyframe.
            self.keyframes.request("publish");
        }
        let Some((au, keyframe)) = self.access_unit(frame, pts, ready_to_connect).await? else { return Ok(()) };
        if self.publisher.is_none() {
            if !keyframe || Instant::now() < self.next_try {
                return Ok(());
            }
            let p = Publisher::start(&self.url, self.live.clone()).map_err(|e| {
                anyhow!("--publish {}: cannot start ffmpeg ({e}); install ffmpeg. Publishing stopped", self.url)
            })?;
            // "publishing to" is logged once ffmpeg says the server took the stream.
            self.publisher = Some(p);
        }
        let p = self.publisher.as_mut().expect("started");
        let sent = match p.send(&au, keyframe, pts, &self.closing).await {
            // Written, but a server that is slow to answer gets no longer than one that reads nothing.
            Ok(()) if !*p.published.borrow() && p.started.elapsed() >= CONNECT_TIMEOUT => Err(None),
            sent => sent,
        };
        if let Err(unfed) = sent {
            self.live.store(false, Ordering::Relaxed);
            let p = self.publisher.take().expect("started");
            let pause = self.backoff.next_delay();
            self.next_try = Instant::now() + pause;
            match unfed {
                Some(unfed) => {
                    let why = p.ended(unfed).await;
                    warn!("--publish {}: connection lost ({why}); reconnecting in {} s", self.url, pause.as_secs());
                }
                None => {
                    p.child.finish(Duration::ZERO).await;
                    warn!(
                        "--publish {}: the server did not take the stream within {} s (it took the connection, or \
                         is still being reached, and did not answer); trying again in {} s",
                        self.url,
                        CONNECT_TIMEOUT.as_secs(),
                        pause.as_secs()
                    );
                }
            }
            self.gate.close();
        } else if p.child.exited().is_none() {
            // Still running: a later loss starts again from a short pause.
            self.backoff.reset();
        }
        self.published |= self.connected();
        Ok(())
    }

    async fn end(&mut self) -> SinkReport {
        // A short stream may end before ffmpeg's first report comes.
        if let Some(p) = self.publisher.as_mut().filter(|_| !self.published) {
            let reached = tokio::time::timeout(REPORT_WAIT, p.published.wait_for(|&done| done)).await;
            self.published = reached.is_ok_and(|r| r.is_ok());
        }
        let failed = (!self.published)
            .then(|| format!("--publish {}: the stream never reached the server (see the lines above)", self.url));
        SinkReport { failed, ..SinkReport::default() }
    }

    async fn close(&mut self) {
        self.live.store(false, Ordering::Relaxed);
        if let Some(p) = self.publisher.take() {
            p.child.finish(Duration::from_secs(5)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reached_server;

    fn block(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn the_server_is_reached_once_bytes_or_packets_went_out() {
        assert!(!reached_server(&block(&["frame=1", "total_size=0"])), "ffmpeg's first report, before output");
        assert!(reached_server(&block(&["frame=20", "total_size=17860"])));
        assert!(reached_server(&block(&["frame=3", "total_size=N/A"])), "RTSP counts no bytes");
        assert!(!reached_server(&block(&["frame=0", "total_size=N/A"])));
        assert!(!reached_server(&[]));
    }
}
