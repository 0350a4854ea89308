//! `--publish URL`: hands the stream to a media server (MediaMTX,
//! nginx-rtmp, SRS, ...), which then serves any number of viewers.
//!
//! ffmpeg is the transport: it reads an MPEG-TS from this sink on its stdin,
//! timed by the capture stamps (so it invents no frame rate), and copies the
//! H.264 as it is into FLV for `rtmp://`, RTSP RECORD for `rtsp://`, or
//! MPEG-TS for `srt://` and `udp://`. A JPEG stream is encoded to H.264 once,
//! here, with the encoder cam-send uses (`camwire-codec`). Its timeline runs on across streams, so
//! a sender that restarts does not end the publication. When ffmpeg exits (the
//! server went away) it is started again at the next keyframe, after a
//! growing pause, with a log line. It is a Newest-delivery sink: a slow
//! server makes this sink skip to the next keyframe, never slows the others.

use std::{
    process::Stdio,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use camwire_codec::{H264Encoder, H264Settings, YuvFrame};
use camwire_wire::{KeyframeGate, PayloadKind};
use openh264::formats::{RgbSliceU8, YUVBuffer, YUVSource};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::{Child, ChildStdin, Command},
    sync::mpsc,
    task::JoinHandle,
};
use tracing::{debug, error, info, warn};

use super::{child::STALL, SinkEvent, SinkReport};
use crate::{
    decode::picture::{Picture, PictureDecoder},
    frame::Frame,
    mux::{timeline::Timeline, ts::TsWriter},
};

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
    let mut args: Vec<String> =
        ["-hide_banner", "-nostats", "-loglevel", "error", "-analyzeduration", "1000000", "-f", "mpegts"]
            .map(String::from)
            .to_vec();
    args.extend(["-i", "pipe:0", "-c", "copy", "-f", format].map(String::from));
    if format == "rtsp" {
        args.extend(["-rtsp_transport", "tcp"].map(String::from));
    }
    args.push(url.to_string());
    Ok(args)
}

struct Publisher {
    child: Child,
    stdin: ChildStdin,
    ts: TsWriter<Vec<u8>>,
    /// ffmpeg's newest error line, for the log line when it ends.
    last_error: Arc<Mutex<Option<String>>>,
    /// It took nothing for [`STALL`] and was stopped.
    stalled: bool,
}

impl Publisher {
    fn start(url: &str) -> std::io::Result<Self> {
        let args = ffmpeg_args(url).map_err(std::io::Error::other)?;
        let mut child = Command::new("ffmpeg")
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let last_error = Arc::new(Mutex::new(None));
        let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let keep = Arc::clone(&last_error);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                debug!("--publish: ffmpeg: {line}");
                *keep.lock().expect("not poisoned") = Some(line);
            }
        });
        Ok(Self { child, stdin, ts: TsWriter::new(Vec::new()), last_error, stalled: false })
    }

    /// Sends one access unit; `Err` once ffmpeg is gone, or has taken
    /// nothing for [`STALL`] (a server or uplink that stopped moving).
    async fn send(&mut self, au: &[u8], keyframe: bool, pts_us: u64) -> std::io::Result<()> {
        self.ts.access_unit(au, keyframe, pts_us)?;
        let bytes = std::mem::take(self.ts.out_mut());
        match tokio::time::timeout(STALL, self.stdin.write_all(&bytes)).await {
            Ok(written) => written,
            Err(_) => {
                let _ = self.child.start_kill();
                self.stalled = true;
                Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "stalled"))
            }
        }
    }

    /// How ffmpeg ended, for the log.
    async fn ended(mut self) -> String {
        drop(self.stdin);
        let how = match tokio::time::timeout(Duration::from_secs(2), self.child.wait()).await {
            _ if self.stalled => format!("ffmpeg took nothing for {} s", STALL.as_secs()),
            Ok(Ok(status)) => format!("ffmpeg exited with {status}"),
            _ => {
                let _ = self.child.kill().await;
                "ffmpeg stopped reading".into()
            }
        };
        // Its last words arrive on the stderr pipe a moment after it exits.
        tokio::time::sleep(Duration::from_millis(50)).await;
        match self.last_error.lock().expect("not poisoned").take() {
            Some(line) => format!("{how}: {line}"),
            None => how,
        }
    }
}

/// JPEG to H.264 for servers that take only H.264: decoded to RGB, turned
/// into I420, encoded with a keyframe every second of capture time.
struct JpegToH264 {
    decoder: PictureDecoder,
    picture: Picture,
    encoder: Option<(H264Encoder, (usize, usize))>,
    last_keyframe_us: Option<u64>,
}

impl JpegToH264 {
    fn new() -> Result<Self> {
        Ok(Self { decoder: PictureDecoder::new()?, picture: Picture::default(), encoder: None, last_keyframe_us: None })
    }

    /// The access unit for the JPEG `frame` presented at `pts_us`, and whether it is a keyframe.
    fn encode(&mut self, frame: &Frame, pts_us: u64) -> Result<(Bytes, bool)> {
        self.decoder.decode(frame, &mut self.picture)?;
        // Encoders take even sizes: an odd last row or column is left out.
        let (w, h) = (self.picture.width & !1, self.picture.height & !1);
        if w == 0 || h == 0 {
            bail!("a {}x{} picture is too small to encode", self.picture.width, self.picture.height);
        }
        let mut rgb = Vec::with_capacity(w * h * 3);
        for row in self.picture.rgb.chunks_exact(self.picture.width * 3).take(h) {
            rgb.extend_from_slice(&row[..w * 3]);
        }
        let yuv = YUVBuffer::from_rgb8_source(RgbSliceU8::new(&rgb, (w, h)));
        let picture = YuvFrame {
            width: w as u32,
            height: h as u32,
            y: yuv.y().to_vec(),
            u: yuv.u().to_vec(),
            v: yuv.v().to_vec(),
        };
        if self.encoder.as_ref().is_none_or(|(_, size)| *size != (w, h)) {
            let settings = H264Settings {
                bitrate: H264Settings::default_bitrate(w as u32, h as u32, 30.0),
                // Keyframes are asked for by capture time below.
                keyframe_interval: 100_000,
                fps: 30.0,
            };
            self.encoder = Some((H264Encoder::new(settings)?, (w, h)));
            self.last_keyframe_us = None;
        }
        let force = self.last_keyframe_us.is_none_or(|last| pts_us.saturating_sub(last) >= 1_000_000);
        if force {
            self.last_keyframe_us = Some(pts_us);
        }
        let (encoder, _) = self.encoder.as_mut().expect("made above");
        encoder.encode(&picture, force).context("encoding to H.264")
    }
}

/// When to try again after a lost connection: 1 s, 2 s, 4 s, ... up to 10 s.
struct Backoff {
    next_try: Instant,
    pause: Duration,
}

impl Backoff {
    fn failed(&mut self) -> Duration {
        let pause = self.pause;
        self.next_try = Instant::now() + pause;
        self.pause = (pause * 2).min(Duration::from_secs(10));
        pause
    }
}

pub(super) fn spawn(url: String, mut rx: mpsc::Receiver<SinkEvent>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut publisher: Option<Publisher> = None;
        let mut backoff = Backoff { next_try: Instant::now(), pause: Duration::from_secs(1) };
        // Each stream, and each connection, starts on a keyframe.
        let mut gate = KeyframeGate::new();
        let mut timeline = Timeline::default();
        // Where this stream's times start on the publication's timeline, and the newest time sent.
        let (mut base_us, mut last_us) = (0u64, 0u64);
        let mut transcoder: Option<Box<JpegToH264>> = None;
        while let Some(event) = rx.recv().await {
            let frame = match event {
                SinkEvent::Start(_) => {
                    gate.close();
                    timeline = Timeline::default();
                    base_us = last_us + 100_000;
                    continue;
                }
                SinkEvent::End(report) => {
                    let _ = report.send(SinkReport::default());
                    continue;
                }
                SinkEvent::Frame(frame) => frame,
            };
            if !gate.pass(frame.keyframe) {
                continue;
            }
            let pts = base_us + timeline.pts_us(&frame);
            last_us = pts;
            let ready_to_connect = publisher.is_none() && Instant::now() >= backoff.next_try;
            let (au, keyframe) = if frame.kind == PayloadKind::H264 {
                (frame.data.clone(), frame.keyframe)
            } else {
                let mut t = match transcoder.take() {
                    Some(t) => t,
                    None => match JpegToH264::new() {
                        Ok(t) => Box::new(t),
                        Err(e) => {
                            error!("--publish {url}: {e:#}; publishing stopped");
                            return;
                        }
                    },
                };
                if ready_to_connect {
                    // A new connection starts on a keyframe: ask for one now.
                    t.last_keyframe_us = None;
                }
                // Encoding takes a while: off the async threads.
                let (t, encoded) = tokio::task::spawn_blocking(move || {
                    let r = t.encode(&frame, pts);
                    (t, r)
                })
                .await
                .expect("the encoder does not panic");
                transcoder = Some(t);
                match encoded {
                    Ok(au) => au,
                    Err(e) => {
                        warn!("--publish {url}: frame skipped ({e:#})");
                        continue;
                    }
                }
            };
            if publisher.is_none() {
                if !keyframe || Instant::now() < backoff.next_try {
                    continue;
                }
                match Publisher::start(&url) {
                    Ok(p) => {
                        info!("--publish: publishing to {url}");
                        publisher = Some(p);
                    }
                    Err(e) => {
                        error!("--publish {url}: cannot start ffmpeg ({e}); install ffmpeg. Publishing stopped");
                        return;
                    }
                }
            }
            let p = publisher.as_mut().expect("started");
            if p.send(&au, keyframe, pts).await.is_err() {
                let why = publisher.take().expect("started").ended().await;
                let pause = backoff.failed();
                warn!("--publish {url}: connection lost ({why}); reconnecting in {} s", pause.as_secs());
                gate.close();
            } else if p.child.try_wait().ok().flatten().is_none() {
                // Still running: a later loss starts again from a short pause.
                backoff.pause = Duration::from_secs(1);
            }
        }
        if let Some(p) = publisher {
            drop(p.stdin);
            let mut child = p.child;
            let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
        }
    })
}
