//! A JPEG camera for WebRTC viewers: its pictures encoded to H.264 once,
//! however many WebRTC viewers watch it, and only while one does.
//!
//! The first WebRTC viewer of the camera starts the encoder ([`Transcoder::watch`]);
//! every later one shares its output (a [`broadcast`] of access units, as an
//! H.264 camera's viewers share its fragments), and the encoder stops when
//! the last one leaves (the [`Running`] each session holds is dropped). The
//! encoder reads the web view's newest JPEG (a `watch`: a queue of one), so
//! an encoder slower than the camera skips pictures rather than queue them,
//! and the camera's other sinks never wait for it: it reads what the web
//! view already published, on a blocking thread of its own.
//!
//! Its bit rate is [`H264Settings::default_bitrate`](camwire_codec::H264Settings::default_bitrate)
//! for the picture's size at [`PLANNED_FPS`](crate::decode::to_h264::PLANNED_FPS); a keyframe comes every second
//! of capture time, and at once for a new viewer or a browser's PLI/FIR
//! ([`Keyframes::Encoder`]).

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex, Weak,
    },
    time::{Instant, UNIX_EPOCH},
};

use bytes::Bytes;
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::feed::WebFrame;
use crate::{
    decode::{to_h264::JpegToH264, PixelLimit},
    mux::{avc::H264Config, fmp4::codec_string},
    sink::live_mp4::{Init, LiveFragment, LIVE_FRAGMENTS},
    view::webrtc::Keyframes,
};

/// One camera's encoder for WebRTC, started and stopped with its viewers.
pub(super) struct Transcoder {
    running: Mutex<Weak<Running>>,
    figures: Arc<Figures>,
    limit: PixelLimit,
}

/// What `/status` says of a camera's encoder.
#[derive(Default)]
pub(super) struct Figures {
    /// Encoders started since the view began (one per stretch of WebRTC viewers).
    pub started: AtomicU64,
    /// Encoders running now: one, or for a moment two (one stopping as the next starts).
    pub running: AtomicU64,
    /// Pictures encoded.
    pub encoded: AtomicU64,
    /// Pictures the encoder skipped, being busy with an earlier one (or unable to encode).
    pub skipped: AtomicU64,
}

impl Figures {
    /// `,"webrtc_encoder":{"running":…,"started":…,"encoded":…,"skipped":…}` for `/status`.
    pub(super) fn json(&self) -> String {
        format!(
            ",\"webrtc_encoder\":{{\"running\":{},\"started\":{},\"encoded\":{},\"skipped\":{}}}",
            self.running.load(Ordering::Relaxed) > 0,
            self.started.load(Ordering::Relaxed),
            self.encoded.load(Ordering::Relaxed),
            self.skipped.load(Ordering::Relaxed),
        )
    }
}

/// A running encoder; it stops when the last viewer's handle is dropped.
pub(super) struct Running {
    /// Its output; gone once the encoder stopped (its camera's pictures ended).
    out: broadcast::WeakSender<LiveFragment>,
    keyframe: Arc<AtomicBool>,
    stop: CancellationToken,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl Transcoder {
    /// A camera's encoder, not yet running; pictures within `limit`.
    pub(super) fn new(limit: PixelLimit) -> Self {
        Self { running: Mutex::new(Weak::new()), figures: Arc::default(), limit }
    }

    /// The encoder's figures.
    pub(super) fn figures(&self) -> &Figures {
        &self.figures
    }

    /// A WebRTC viewer of the camera whose JPEGs `frames` carries: the running
    /// encoder (started now if none runs), its access units from the next one
    /// on, and the way to ask it for a keyframe. Keep the [`Running`] while the
    /// viewer watches.
    pub(super) fn watch(
        &self,
        frames: &watch::Receiver<Option<WebFrame>>,
    ) -> (Arc<Running>, broadcast::Receiver<LiveFragment>, Keyframes) {
        let mut slot = self.running.lock().expect("transcoder lock");
        let live = slot.upgrade().and_then(|running| Some((running.out.upgrade()?, running)));
        let (out, running) = match live {
            Some(live) => live,
            None => {
                let (out, _) = broadcast::channel(LIVE_FRAGMENTS);
                let running = Arc::new(Running {
                    out: out.downgrade(),
                    keyframe: Arc::new(AtomicBool::new(true)),
                    stop: CancellationToken::new(),
                });
                self.figures.started.fetch_add(1, Ordering::Relaxed);
                self.figures.running.fetch_add(1, Ordering::Relaxed);
                info!("WebRTC: encoding the JPEG camera to H.264 for its WebRTC viewers");
                let task = Encoding {
                    frames: frames.clone(),
                    out: out.clone(),
                    keyframe: running.keyframe.clone(),
                    stop: running.stop.clone(),
                    figures: self.figures.clone(),
                    limit: self.limit,
                };
                tokio::spawn(task.run());
                *slot = Arc::downgrade(&running);
                (out, running)
            }
        };
        // A new viewer starts on a keyframe: the next picture is one.
        running.keyframe.store(true, Ordering::Relaxed);
        let feed = out.subscribe();
        let keyframes = Keyframes::Encoder(running.keyframe.clone());
        (running, feed, keyframes)
    }
}

/// The encoding task's state.
struct Encoding {
    frames: watch::Receiver<Option<WebFrame>>,
    out: broadcast::Sender<LiveFragment>,
    keyframe: Arc<AtomicBool>,
    stop: CancellationToken,
    figures: Arc<Figures>,
    limit: PixelLimit,
}

impl Encoding {
    async fn run(mut self) {
        self.encode_all().await;
        self.figures.running.fetch_sub(1, Ordering::Relaxed);
        info!("WebRTC: the JPEG camera's H.264 encoder stopped (no WebRTC viewer left)");
    }

    async fn encode_all(&mut self) {
        let mut encoder = match JpegToH264::new(self.limit) {
            Ok(encoder) => Box::new(encoder),
            Err(e) => {
                warn!(
                    "WebRTC: cannot start the H.264 encoder for a JPEG camera ({e:#}); its WebRTC viewers get nothing"
                );
                return;
            }
        };
        let started = Instant::now();
        let (mut last_serial, mut init, mut warned): (Option<u64>, Option<Arc<Init>>, bool) = (None, None, false);
        // The picture there now is the first one encoded.
        self.frames.mark_changed();
        loop {
            tokio::select! {
                () = self.stop.cancelled() => return,
                changed = self.frames.changed() => if changed.is_err() { return },
            }
            let Some(frame) = self.frames.borrow_and_update().clone() else { continue };
            if let Some(last) = last_serial {
                let skipped = frame.serial.saturating_sub(last).saturating_sub(1);
                self.figures.skipped.fetch_add(skipped, Ordering::Relaxed);
            }
            last_serial = Some(frame.serial);
            let since = started.elapsed();
            let captured_us = frame.captured_at.and_then(|at| at.duration_since(UNIX_EPOCH).ok());
            let pts_us = captured_us.unwrap_or(since).as_micros() as u64;
            if self.keyframe.swap(false, Ordering::Relaxed) {
                encoder.force_keyframe();
            }
            let jpeg = frame.jpeg.clone();
            // Encoding takes a while: on a thread of its own, while newer pictures replace each other.
            let (back, encoded) = tokio::task::spawn_blocking(move || {
                let r = encoder.encode_jpeg(&jpeg, pts_us);
                (encoder, r)
            })
            .await
            .expect("the encoder does not panic");
            encoder = back;
            let (access_unit, keyframe) = match encoded {
                Ok(encoded) => encoded,
                Err(e) => {
                    self.figures.skipped.fetch_add(1, Ordering::Relaxed);
                    if !warned {
                        warn!("WebRTC: a JPEG picture was not encoded to H.264 ({e:#}); skipping such pictures");
                        warned = true;
                    }
                    continue;
                }
            };
            self.figures.encoded.fetch_add(1, Ordering::Relaxed);
            if keyframe {
                if let Ok(config) = H264Config::from_keyframe(&access_unit) {
                    let codec = codec_string(&config);
                    if init.as_ref().is_none_or(|i| i.codec != codec) {
                        let serial = init.as_ref().map_or(1, |i| i.serial + 1);
                        debug!("WebRTC: the JPEG camera as H.264 {codec} {}x{}", config.width, config.height);
                        init = Some(Arc::new(Init { serial, bytes: Bytes::new(), codec }));
                    }
                }
            }
            let Some(init) = init.clone() else { continue };
            let fragment = LiveFragment {
                init,
                data: Bytes::new(),
                keyframe,
                access_unit,
                dts: (since.as_micros() * 9 / 100) as u64,
                captured_at: frame.captured_at,
            };
            // No viewer reading yet (between sessions) is fine.
            let _ = self.out.send(fragment);
        }
    }
}
