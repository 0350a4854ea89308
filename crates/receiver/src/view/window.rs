//! `--display`: the live picture in a window.
//!
//! The window runs on its own thread and watches the receiver's one shared
//! "latest frame": when drawing falls behind it simply draws the newest frame
//! next and counts the ones it never showed, so it never slows the network
//! side or any other sink. H.264 pictures come decoded from the one decoding
//! stage (every frame of an H.264 stream must be decoded in order); the
//! window draws the newest of those the same way. minifb scales the picture
//! to the window with its aspect ratio kept. The title gives the resolution,
//! the payload kind, the stream's frame rate, the median capture-to-arrival
//! latency of recent frames (when they are stamped) and the skipped count.
//!
//! Closing the window or pressing Esc ends this sink; when the window is the
//! receiver's only sink, it also ends the receiver (through the token it is given).

use std::{
    thread,
    time::{Duration, SystemTime},
};

use anyhow::{bail, Context, Result};
use camwire_app::RateCounter;
use camwire_wire::PayloadKind;
use minifb::{Key, ScaleMode, Window, WindowOptions};
use tokio::{runtime::Handle, sync::watch};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::{
    decode::{
        picture::{Picture, PictureDecoder},
        PixelLimit,
    },
    frame::{Frame, StreamInfo},
    sink::Latest,
    summary::RecentLatency,
};

/// The window's size before the first frame (the picture is scaled to fit it; the user may resize it).
const INITIAL_SIZE: (usize, usize) = (640, 480);

/// How long the window waits for a new frame before it handles window events again.
const EVENT_POLL: Duration = Duration::from_millis(10);

/// Fails with a one-line explanation when no X display is available.
pub fn check_environment() -> Result<()> {
    let x11 = matches!(std::env::var_os("DISPLAY"), Some(d) if !d.is_empty());
    if !x11 && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!("--display needs an X display: DISPLAY is not set (run under X, or use --http to watch in a browser)");
    }
    Ok(())
}

/// A running window; [`WindowView::join`] waits for it to close.
pub struct WindowView {
    thread: thread::JoinHandle<()>,
}

impl WindowView {
    /// Opens the window (an error if it cannot be opened) and starts showing `latest` in it.
    /// Closing the window cancels `end_receiver`, when given. JPEGs over `limit` are not shown.
    pub async fn open(
        latest: watch::Receiver<Latest>,
        end_receiver: Option<CancellationToken>,
        limit: PixelLimit,
    ) -> Result<Self> {
        check_environment()?;
        let runtime = Handle::current();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let thread = thread::Builder::new()
            .name("display".into())
            .spawn(move || {
                let window = match new_window() {
                    Ok(w) => {
                        let _ = ready_tx.send(Ok(()));
                        w
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let closed_by_user = WindowState::new(window, latest, runtime, limit).run();
                if closed_by_user {
                    match end_receiver {
                        Some(token) => {
                            info!("window closed; it was the only sink, so the receiver stops");
                            token.cancel();
                        }
                        None => info!("window closed; --display stopped, receiving goes on"),
                    }
                }
            })
            .context("starting the display thread")?;
        ready_rx.await.context("the display thread ended while opening the window")??;
        Ok(Self { thread })
    }

    /// Waits until the window has closed (it closes by itself once the receiver's sinks are closed).
    pub async fn join(self) {
        let _ = tokio::task::spawn_blocking(move || self.thread.join()).await;
    }
}

fn new_window() -> Result<Window> {
    let options = WindowOptions { resize: true, scale_mode: ScaleMode::AspectRatioStretch, ..WindowOptions::default() };
    let mut window = Window::new("cam-recv: waiting for a sender", INITIAL_SIZE.0, INITIAL_SIZE.1, options)
        .map_err(|e| anyhow::anyhow!("--display: cannot open a window: {e}"))?;
    // The loop below waits on the frame watch itself; no extra sleeping in minifb.
    window.set_target_fps(0);
    Ok(window)
}

/// The window's state between frames.
struct WindowState {
    window: Window,
    latest: watch::Receiver<Latest>,
    runtime: Handle,
    decoder: Option<PictureDecoder>,
    /// The JPEG decoder's output buffer.
    picture: Picture,
    /// The picture on screen, packed as minifb wants it: 0RGB per pixel.
    buffer: Vec<u32>,
    /// Its size, and what it was (0x0 before the first picture).
    size: (usize, usize),
    kind: Option<PayloadKind>,
    rate: Rate,
    latency: RecentLatency,
    /// The newest frame seen: when it arrived, and its number in its stream.
    seen: Option<(SystemTime, u64)>,
    /// The stream and serial of the H.264 picture on screen.
    shown_decoded: Option<(u64, u64)>,
    stream: u64,
    skipped: u64,
    title: String,
    first_shown: bool,
}

impl WindowState {
    fn new(window: Window, latest: watch::Receiver<Latest>, runtime: Handle, limit: PixelLimit) -> Self {
        let decoder = PictureDecoder::new(limit).map_err(|e| warn!("--display: {e:#}")).ok();
        let (w, h) = INITIAL_SIZE;
        Self {
            window,
            latest,
            runtime,
            decoder,
            picture: Picture::default(),
            buffer: vec![0x0020_2020; w * h],
            size: (0, 0),
            kind: None,
            rate: Rate::default(),
            latency: RecentLatency::new(TITLE_LATENCY_FRAMES),
            seen: None,
            shown_decoded: None,
            stream: 0,
            skipped: 0,
            title: String::new(),
            first_shown: false,
        }
    }

    /// Shows frames until the receiver closes its sinks (false) or the user closes the window (true).
    fn run(mut self) -> bool {
        loop {
            if !self.window.is_open()
                || self.window.is_key_down(Key::Escape)
                || self.window.is_key_released(Key::Escape)
            {
                return true;
            }
            let changed =
                self.runtime.block_on(async { tokio::time::timeout(EVENT_POLL, self.latest.changed()).await });
            match changed {
                Ok(Err(_)) => return false,
                Ok(Ok(())) => {
                    let latest = self.latest.borrow_and_update().clone();
                    self.show(&latest);
                }
                Err(_) => {}
            }
            self.update_title();
            let (width, height) = if self.size.0 == 0 { INITIAL_SIZE } else { self.size };
            if let Err(e) = self.window.update_with_buffer(&self.buffer, width, height) {
                warn!("--display: drawing failed: {e}; window closed");
                return true;
            }
        }
    }

    /// Puts the newest picture in the buffer if it is one not shown yet.
    fn show(&mut self, latest: &Latest) {
        if latest.stream.is_none() {
            self.rate.idle();
        }
        // A frame is shown even when its stream has already ended (a one-frame stream).
        let Some(frame) = &latest.frame else { return };
        let new_frame = self.seen.is_none_or(|(at, _)| at != frame.received_at);
        if new_frame {
            self.count_frame(latest, frame);
        }
        let shown = match frame.kind {
            PayloadKind::H264 => self.show_decoded(latest),
            _ if new_frame => self.show_jpeg(frame),
            _ => false,
        };
        if shown && !self.first_shown {
            self.first_shown = true;
            let ms = SystemTime::now().duration_since(frame.received_at).unwrap_or_default().as_secs_f64() * 1e3;
            let (w, h) = self.size;
            info!("--display: first picture ({w}x{h}) drawn {ms:.1} ms after the newest frame arrived");
        }
    }

    /// The stream's figures: frame rate, latency, and (for JPEG) frames never drawn.
    fn count_frame(&mut self, latest: &Latest, frame: &Frame) {
        let stream = latest.stream.as_ref().map_or(self.stream, |s| s.number);
        if stream != self.stream {
            (self.stream, self.skipped, self.seen, self.shown_decoded) = (stream, 0, None, None);
            self.latency.clear();
        }
        if frame.kind != PayloadKind::H264 {
            self.skipped += match self.seen {
                Some((_, seq)) if frame.seq > seq => frame.seq - seq - 1,
                _ => frame.seq.saturating_sub(1),
            };
        }
        self.seen = Some((frame.received_at, frame.seq));
        self.kind = Some(frame.kind);
        self.rate.frame(frame.seq);
        self.latency.add(frame);
    }

    fn show_jpeg(&mut self, frame: &Frame) -> bool {
        let Some(decoder) = self.decoder.as_mut() else { return false };
        if let Err(e) = decoder.decode(frame, &mut self.picture) {
            warn!("--display: frame {} not shown: {e:#}", frame.seq);
            return false;
        }
        pack_rgb(&self.picture.rgb, &mut self.buffer);
        self.size = (self.picture.width, self.picture.height);
        true
    }

    /// Draws the decoding stage's newest picture, if it is of this stream and not drawn yet.
    fn show_decoded(&mut self, latest: &Latest) -> bool {
        let Some(decoded) = &latest.decoded.picture else { return false };
        if latest.stream.as_ref().is_some_and(|s| s.number != decoded.stream) {
            return false;
        }
        let last = match self.shown_decoded {
            Some((stream, serial)) if stream == decoded.stream => serial,
            _ => 0,
        };
        if decoded.serial <= last {
            return false;
        }
        self.skipped += decoded.serial - last - 1;
        self.shown_decoded = Some((decoded.stream, decoded.serial));
        pack_rgb(&decoded.picture.rgb, &mut self.buffer);
        self.size = (decoded.picture.width, decoded.picture.height);
        true
    }

    fn update_title(&mut self) {
        let latest = self.latest.borrow();
        let stream = latest.stream.clone();
        let failure = latest.decoded.failure.clone();
        drop(latest);
        let title = match (stream, failure) {
            (None, _) => "cam-recv: waiting for a sender".into(),
            (Some(_), Some(failure)) if self.kind == Some(PayloadKind::H264) => format!("cam-recv: {failure}"),
            (Some(stream), _) => title(&stream, self.kind, self.size, &self.rate, &self.latency, self.skipped),
        };
        if title != self.title {
            self.window.set_title(&title);
            self.title = title;
        }
    }
}

/// Frames whose latency the title's median is taken over.
const TITLE_LATENCY_FRAMES: usize = 30;

/// `cam-recv: 640x480 h264  30.0 fps  latency 2.1 ms  2 skipped  from 10.0.0.5:40312`.
fn title(
    stream: &StreamInfo,
    kind: Option<PayloadKind>,
    (width, height): (usize, usize),
    rate: &Rate,
    latency: &RecentLatency,
    skipped: u64,
) -> String {
    let kind = kind.map_or_else(String::new, |k| format!(" {k}"));
    if width == 0 {
        return format!("cam-recv:{kind} stream from {}", stream.peer);
    }
    let fps = if rate.fps() > 0.0 { format!("  {:.1} fps", rate.fps()) } else { String::new() };
    let latency = latency.p50_p99().map_or_else(String::new, |(p50, _)| format!("  latency {p50:.1} ms"));
    format!("cam-recv: {width}x{height}{kind}{fps}{latency}  {skipped} skipped  from {}", stream.peer)
}

/// Packs RGB bytes into minifb's 0RGB words.
fn pack_rgb(rgb: &[u8], out: &mut Vec<u32>) {
    out.clear();
    out.extend(rgb.chunks_exact(3).map(|p| (u32::from(p[0]) << 16) | (u32::from(p[1]) << 8) | u32::from(p[2])));
}

/// The stream's frame rate from sequence numbers (frames the window skipped
/// still count), over the last second.
#[derive(Debug)]
struct Rate(RateCounter);

impl Default for Rate {
    fn default() -> Self {
        Self(RateCounter::new(Duration::from_secs(1)))
    }
}

impl Rate {
    fn frame(&mut self, seq: u64) {
        self.0.total(seq, 0);
    }

    fn idle(&mut self) {
        self.0.clear();
    }

    fn fps(&self) -> f64 {
        self.0.rates().0
    }
}
