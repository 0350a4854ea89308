//! `--display`: the live picture in a window.
//!
//! The window runs on its own thread and watches the receiver's one shared
//! "latest frame": when drawing falls behind it simply draws the newest frame
//! next and counts the ones it never showed, so it never slows the network
//! side or any other sink. minifb scales the picture to the window with its
//! aspect ratio kept. The title gives the resolution, the stream's frame rate
//! and the skipped count (and latency, once frames carry capture times).
//!
//! Closing the window or pressing Esc ends this sink; when the window is the
//! receiver's only sink, it also ends the receiver (through the token it is given).

use std::{
    thread,
    time::{Duration, Instant, SystemTime},
};

use anyhow::{bail, Context, Result};
use camwire_wire::PayloadKind;
use minifb::{Key, ScaleMode, Window, WindowOptions};
use tokio::{runtime::Handle, sync::watch};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::{
    picture::{Picture, PictureDecoder, H264_NOT_VIEWABLE},
    Latest,
};
use crate::frame::StreamInfo;

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

/// A running window; [`DisplaySink::join`] waits for it to close.
pub struct DisplaySink {
    thread: thread::JoinHandle<()>,
}

impl DisplaySink {
    /// Opens the window (an error if it cannot be opened) and starts showing `latest` in it.
    /// Closing the window cancels `end_receiver`, when given.
    pub async fn open(latest: watch::Receiver<Latest>, end_receiver: Option<CancellationToken>) -> Result<Self> {
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
                let closed_by_user = Viewer::new(window, latest, runtime).run();
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
struct Viewer {
    window: Window,
    latest: watch::Receiver<Latest>,
    runtime: Handle,
    decoder: Option<PictureDecoder>,
    picture: Picture,
    /// `picture` packed as minifb wants it: 0RGB per pixel.
    buffer: Vec<u32>,
    rate: Rate,
    /// When the frame on screen arrived, and its number in its stream.
    shown: Option<(SystemTime, u64)>,
    skipped: u64,
    title: String,
    first_shown: bool,
}

impl Viewer {
    fn new(window: Window, latest: watch::Receiver<Latest>, runtime: Handle) -> Self {
        let decoder = PictureDecoder::new().map_err(|e| warn!("--display: {e:#}")).ok();
        let (w, h) = INITIAL_SIZE;
        Self {
            window,
            latest,
            runtime,
            decoder,
            picture: Picture::default(),
            buffer: vec![0x0020_2020; w * h],
            rate: Rate::default(),
            shown: None,
            skipped: 0,
            title: String::new(),
            first_shown: false,
        }
    }

    /// Shows frames until the receiver closes its sinks (false) or the user closes the window (true).
    fn run(mut self) -> bool {
        let (mut width, mut height) = INITIAL_SIZE;
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
                    if self.show(&latest) {
                        (width, height) = (self.picture.width, self.picture.height);
                    }
                }
                Err(_) => {}
            }
            self.update_title();
            if let Err(e) = self.window.update_with_buffer(&self.buffer, width, height) {
                warn!("--display: drawing failed: {e}; window closed");
                return true;
            }
        }
    }

    /// Decodes and packs the newest frame if it is one not shown yet; true if the buffer changed.
    fn show(&mut self, latest: &Latest) -> bool {
        if latest.stream.is_none() {
            self.rate.idle();
        }
        // A frame is shown even when its stream has already ended (a one-frame stream).
        let Some(frame) = &latest.frame else { return false };
        if self.shown.is_some_and(|(at, _)| at == frame.received_at) {
            return false;
        }
        self.skipped += match self.shown {
            Some((_, seq)) if frame.seq > seq => frame.seq - seq - 1,
            _ => frame.seq.saturating_sub(1),
        };
        self.shown = Some((frame.received_at, frame.seq));
        self.rate.frame(frame.seq);
        if frame.kind == PayloadKind::H264 {
            return false;
        }
        let Some(decoder) = self.decoder.as_mut() else { return false };
        if let Err(e) = decoder.decode(frame, &mut self.picture) {
            warn!("--display: frame {} not shown: {e:#}", frame.seq);
            return false;
        }
        pack_rgb(&self.picture.rgb, &mut self.buffer);
        if !self.first_shown {
            self.first_shown = true;
            let ms = SystemTime::now().duration_since(frame.received_at).unwrap_or_default().as_secs_f64() * 1e3;
            info!(
                "--display: first picture ({}x{}) drawn {ms:.1} ms after its frame arrived",
                self.picture.width, self.picture.height
            );
        }
        true
    }

    fn update_title(&mut self) {
        let latest = self.latest.borrow();
        let title = title(
            latest.stream.as_deref(),
            latest.frame.as_ref().map(|f| f.kind),
            &self.picture,
            &self.rate,
            self.skipped,
        );
        drop(latest);
        if title != self.title {
            self.window.set_title(&title);
            self.title = title;
        }
    }
}

/// `cam-recv: 640x480  30.0 fps  2 skipped  from 10.0.0.5:40312`, or what the window is waiting for.
fn title(
    stream: Option<&StreamInfo>,
    kind: Option<PayloadKind>,
    picture: &Picture,
    rate: &Rate,
    skipped: u64,
) -> String {
    let Some(stream) = stream else {
        return "cam-recv: waiting for a sender".into();
    };
    if kind == Some(PayloadKind::H264) {
        return format!("cam-recv: {H264_NOT_VIEWABLE}");
    }
    if picture.width == 0 {
        return format!("cam-recv: stream from {}", stream.peer);
    }
    // Latency joins here once frames carry their capture time.
    let fps = if rate.fps() > 0.0 { format!("  {:.1} fps", rate.fps()) } else { String::new() };
    format!("cam-recv: {}x{}{fps}  {skipped} skipped  from {}", picture.width, picture.height, stream.peer)
}

/// Packs RGB bytes into minifb's 0RGB words.
fn pack_rgb(rgb: &[u8], out: &mut Vec<u32>) {
    out.clear();
    out.extend(rgb.chunks_exact(3).map(|p| (u32::from(p[0]) << 16) | (u32::from(p[1]) << 8) | u32::from(p[2])));
}

/// The stream's frame rate from sequence numbers (frames the window skipped still count).
#[derive(Debug, Default)]
struct Rate {
    mark: Option<(Instant, u64)>,
    fps: f64,
}

impl Rate {
    fn frame(&mut self, seq: u64) {
        let now = Instant::now();
        match self.mark {
            Some((at, first)) if seq >= first => {
                let dt = now.duration_since(at).as_secs_f64();
                if dt >= 1.0 {
                    self.fps = (seq - first) as f64 / dt;
                    self.mark = Some((now, seq));
                }
            }
            _ => self.mark = Some((now, seq)),
        }
    }

    fn idle(&mut self) {
        (self.mark, self.fps) = (None, 0.0);
    }

    fn fps(&self) -> f64 {
        self.fps
    }
}
