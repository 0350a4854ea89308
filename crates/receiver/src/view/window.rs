//! `--display`: every live camera in one window.
//!
//! One window, not one per camera: a labelled grid fits a small screen
//! (a Pi's 7-inch display) where sixteen windows would pile up, and minifb
//! drives a window from the thread that made it, so one window is one event
//! loop on one thread however many cameras stream.
//!
//! With one camera the picture fills the window as it always did (minifb
//! scales it with its aspect ratio kept), and the title gives the camera's
//! name, resolution, payload kind, frame rate, the median capture-to-arrival
//! latency of recent frames (when they are stamped) and the frames skipped.
//! With several, the window is a grid, one cell per live camera in name
//! order, each with the camera's name on a strip above its picture, scaled
//! to fit the cell with its aspect ratio kept ([`super::grid`]); the title
//! gives each camera's frame rate. A camera's cell comes with its stream and
//! goes when it ends; when no camera streams, the last picture stays.
//!
//! The window watches each camera's one shared "latest frame": when drawing
//! falls behind it simply draws the newest frame next and counts the ones it
//! never showed, so it never slows the network side or any other sink. H.264
//! pictures come decoded from each camera's one decoding stage (every frame
//! of an H.264 stream must be decoded in order); the window draws the newest
//! of those the same way.
//!
//! Closing the window or pressing Esc ends this sink; when the window is the
//! receiver's only sink, it also ends the receiver (through the token it is given).

use std::{
    net::SocketAddr,
    sync::Arc,
    thread,
    time::{Duration, Instant, SystemTime},
};

use anyhow::{bail, Context, Result};
use camwire_app::RateCounter;
use camwire_wire::{CameraName, PayloadKind};
use futures_util::future::select_all;
use minifb::{Key, ScaleMode, Window, WindowOptions};
use tokio::{runtime::Handle, sync::watch};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::grid::{self, Canvas, Cell, BACKGROUND};
use crate::{
    cameras::Directory,
    decode::{
        picture::{Picture, PictureDecoder},
        PixelLimit,
    },
    frame::Frame,
    sink::Latest,
    summary::RecentLatency,
};

/// The window's size before the first frame (the picture is scaled to fit it; the user may resize it).
const INITIAL_SIZE: (usize, usize) = (640, 480);

/// How long the window waits for a new frame before it handles window events again.
const EVENT_POLL: Duration = Duration::from_millis(10);

/// The shortest time between two drawings of the grid: with many cameras,
/// new pictures are gathered for a 60th of a second and drawn together.
const GRID_FRAME: Duration = Duration::from_micros(16_667);

/// Fails with a one-line explanation when no X display is available.
pub fn check_environment() -> Result<()> {
    let x11 = matches!(std::env::var_os("DISPLAY"), Some(d) if !d.is_empty());
    if !x11 && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!("--display needs an X display: DISPLAY is not set (run under X, or use --http to watch in a browser)");
    }
    Ok(())
}

/// What the window shows.
pub enum Shown {
    /// One camera at a time (a file option without `{camera}`): its feed,
    /// which closes when the receiver closes its sinks.
    One(watch::Receiver<Latest>),
    /// Every camera with its sinks open.
    Every {
        /// The cameras, by name.
        cameras: Directory,
        /// A feed that closes when the receiver closes its sinks.
        end: watch::Receiver<Latest>,
    },
}

/// A running window; [`WindowView::join`] waits for it to close.
pub struct WindowView {
    thread: thread::JoinHandle<()>,
}

impl WindowView {
    /// Opens the window (an error if it cannot be opened) and starts showing `shown` in it.
    /// Closing the window cancels `end_receiver`, when given. JPEGs over `limit` are not shown.
    pub async fn open(shown: Shown, end_receiver: Option<CancellationToken>, limit: PixelLimit) -> Result<Self> {
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
                let closed_by_user = WindowState::new(window, shown, runtime, limit).run();
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
    // The loop below waits on the frame watches itself; no extra sleeping in minifb.
    window.set_target_fps(0);
    Ok(window)
}

/// What is on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Screen {
    /// Nothing yet: the background.
    Empty,
    /// One camera's picture, as it is (minifb scales it to the window).
    One(usize),
    /// The grid of these cameras, with the sizes of their pictures, on a canvas the window's size.
    Grid { cameras: Vec<usize>, sizes: Vec<(usize, usize)>, size: (usize, usize) },
}

/// The window's state between frames.
struct WindowState {
    window: Window,
    runtime: Handle,
    limit: PixelLimit,
    /// Closes when the receiver closes its sinks.
    end: watch::Receiver<Latest>,
    /// Every camera with its sinks open, when there may be several.
    directory: Option<Directory>,
    /// The cameras, in name order.
    cameras: Vec<CameraView>,
    screen: Screen,
    /// How many cameras there were when the screen was laid out.
    screen_cameras: usize,
    /// The grid as drawn (with [`Screen::Grid`]), and where each of its cameras is.
    canvas: Vec<u32>,
    cells: Vec<Cell>,
    /// The background before the first picture.
    blank: Vec<u32>,
    drawn_at: Instant,
    title: String,
}

impl WindowState {
    fn new(window: Window, shown: Shown, runtime: Handle, limit: PixelLimit) -> Self {
        let (end, directory, cameras) = match shown {
            Shown::One(latest) => (latest.clone(), None, vec![CameraView::new(None, latest, limit)]),
            Shown::Every { cameras, end } => (end, Some(cameras), Vec::new()),
        };
        let (w, h) = INITIAL_SIZE;
        let mut state = Self {
            window,
            runtime,
            limit,
            end,
            directory,
            cameras,
            screen: Screen::Empty,
            screen_cameras: 0,
            canvas: Vec::new(),
            cells: Vec::new(),
            blank: vec![BACKGROUND; w * h],
            drawn_at: Instant::now(),
            title: String::new(),
        };
        if let Some(directory) = &mut state.directory {
            directory.mark_changed();
        }
        for camera in &mut state.cameras {
            camera.latest.mark_changed();
        }
        state
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
            if matches!(self.screen, Screen::Grid { .. }) {
                let next = self.drawn_at + GRID_FRAME;
                self.runtime.block_on(async { tokio::time::sleep_until(next.into()).await });
            }
            // Timers are made inside the runtime, whose thread this is not.
            let changes = any_change(&self.end, self.directory.as_ref(), &self.cameras);
            let wait = async { tokio::time::timeout(EVENT_POLL, changes).await };
            let _ = self.runtime.block_on(wait);
            if self.end.has_changed().is_err() {
                return false;
            }
            self.end.borrow_and_update();
            self.follow_directory();
            let mut fresh = Vec::new();
            self.cameras.retain_mut(|camera| match camera.latest.has_changed() {
                Ok(changed) => {
                    if changed {
                        let latest = camera.latest.borrow_and_update().clone();
                        fresh.push(camera.show(&latest));
                    } else {
                        fresh.push(false);
                    }
                    true
                }
                // Its sinks closed (its slot made room for another camera): it is gone.
                Err(_) => false,
            });
            if fresh.len() != self.screen_cameras {
                // The screen's indices are stale: lay it out again.
                self.screen = Screen::Empty;
            }
            self.screen_cameras = fresh.len();
            if let Err(e) = self.draw(&fresh) {
                warn!("--display: drawing failed: {e}; window closed");
                return true;
            }
        }
    }

    /// Adds the cameras new in the directory and drops those no longer in it.
    fn follow_directory(&mut self) {
        let Some(directory) = &mut self.directory else { return };
        match directory.has_changed() {
            Ok(true) => {}
            Ok(false) => return,
            Err(_) => {
                self.directory = None;
                return;
            }
        }
        let listed = directory.borrow_and_update().clone();
        self.cameras.retain(|c| c.name.as_ref().is_some_and(|n| listed.contains_key(n)));
        for (name, feeds) in listed {
            if let Err(at) = self.cameras.binary_search_by(|c| c.name.as_ref().cmp(&Some(&name))) {
                let mut latest = feeds.latest.clone();
                latest.mark_changed();
                self.cameras.insert(at, CameraView::new(Some(name), latest, self.limit));
            }
        }
        // The screen's indices may be stale now: lay it out again.
        self.screen = Screen::Empty;
    }

    /// The cameras to show: those streaming, else the one whose frame came last.
    fn shown(&self) -> Vec<usize> {
        let live: Vec<usize> = (0..self.cameras.len()).filter(|&i| self.cameras[i].live).collect();
        if !live.is_empty() {
            return live;
        }
        let last = self.cameras.iter().enumerate().filter(|(_, c)| c.size.0 > 0).max_by_key(|(_, c)| c.arrived);
        last.map(|(i, _)| vec![i]).unwrap_or_default()
    }

    /// Puts the cameras on screen: `fresh[i]` when camera `i` has a new picture.
    fn draw(&mut self, fresh: &[bool]) -> Result<(), minifb::Error> {
        let shown = self.shown();
        let screen = match shown[..] {
            [] => Screen::Empty,
            [one] if self.cameras[one].size.0 > 0 => Screen::One(one),
            [_] => Screen::Empty,
            _ => {
                let sizes = shown.iter().map(|&i| self.cameras[i].size).collect();
                Screen::Grid { cameras: shown, sizes, size: self.window.get_size() }
            }
        };
        let redraw = screen != self.screen;
        if let Screen::Grid { cameras, sizes, size } = &screen {
            if redraw {
                self.lay_out(sizes, *size);
            }
            for (cell, &i) in self.cells.iter().zip(cameras) {
                if redraw || fresh.get(i).copied().unwrap_or(false) {
                    let camera = &self.cameras[i];
                    let mut canvas = Canvas { pixels: &mut self.canvas, width: size.0 };
                    canvas.label(cell.strip, &camera.label());
                    canvas.draw_scaled(&camera.pixels, camera.size, cell.picture);
                }
            }
        }
        for (i, &new) in fresh.iter().enumerate() {
            if new {
                self.cameras[i].drawn();
            }
        }
        self.screen = screen;
        self.update_title();
        self.drawn_at = Instant::now();
        match &self.screen {
            Screen::Empty => self.window.update_with_buffer(&self.blank, INITIAL_SIZE.0, INITIAL_SIZE.1),
            Screen::One(i) => {
                let camera = &self.cameras[*i];
                self.window.update_with_buffer(&camera.pixels, camera.size.0, camera.size.1)
            }
            Screen::Grid { size, .. } => self.window.update_with_buffer(&self.canvas, size.0, size.1),
        }
    }

    /// A new grid: the background, and a cell for each picture of `sizes`.
    fn lay_out(&mut self, sizes: &[(usize, usize)], (w, h): (usize, usize)) {
        self.canvas.clear();
        self.canvas.resize(w * h, BACKGROUND);
        self.cells = grid::layout((w, h), sizes);
    }

    fn update_title(&mut self) {
        let title = match &self.screen {
            Screen::Grid { cameras, .. } => {
                let each: Vec<String> = cameras.iter().map(|&i| self.cameras[i].rate_label()).collect();
                format!("cam-recv: {} cameras  {}", cameras.len(), each.join("  "))
            }
            Screen::One(i) => self.cameras[*i].title(),
            Screen::Empty => match self.shown().first() {
                Some(&i) => self.cameras[i].title(),
                None => "cam-recv: waiting for a sender".into(),
            },
        };
        if title != self.title {
            self.window.set_title(&title);
            self.title = title;
        }
    }
}

/// Waits until the receiver closes its sinks, the directory changes or a
/// camera has a new frame. It waits on copies of the watches, so what
/// changed is still unseen in the originals afterwards.
async fn any_change(end: &watch::Receiver<Latest>, directory: Option<&Directory>, cameras: &[CameraView]) {
    let mut end = end.clone();
    let mut directory = directory.cloned();
    let mut feeds: Vec<_> = cameras.iter().map(|c| c.latest.clone()).collect();
    let listed = async {
        match &mut directory {
            Some(directory) => {
                let _ = directory.changed().await;
            }
            None => std::future::pending().await,
        }
    };
    let frames = async {
        if feeds.is_empty() {
            std::future::pending::<()>().await;
        }
        let _ = select_all(feeds.iter_mut().map(|f| Box::pin(f.changed()))).await;
    };
    tokio::select! {
        _ = end.changed() => {}
        () = listed => {}
        () = frames => {}
    }
}

/// One camera in the window: its newest picture and its stream's figures.
struct CameraView {
    /// Its name in the directory (`None`: the one camera of a shared slot).
    name: Option<CameraName>,
    latest: watch::Receiver<Latest>,
    decoder: Option<PictureDecoder>,
    /// The JPEG decoder's output buffer.
    picture: Picture,
    /// The picture to show, packed as minifb wants it: 0RGB per pixel.
    pixels: Vec<u32>,
    /// Its size (0x0 before the first picture).
    size: (usize, usize),
    /// Whether its stream runs; the camera and address it streams from.
    live: bool,
    camera: Option<CameraName>,
    peer: Option<SocketAddr>,
    /// Why its H.264 stream cannot be shown, if it cannot.
    failure: Option<Arc<str>>,
    kind: Option<PayloadKind>,
    rate: Rate,
    latency: RecentLatency,
    /// The newest frame seen: when it arrived, and its number in its stream.
    seen: Option<(SystemTime, u64)>,
    /// When its newest frame arrived.
    arrived: Option<SystemTime>,
    /// The stream and serial of the H.264 picture on screen.
    shown_decoded: Option<(u64, u64)>,
    stream: u64,
    skipped: u64,
    /// The first picture not yet drawn: when its frame arrived.
    first_pending: Option<SystemTime>,
    first_drawn: bool,
}

impl CameraView {
    fn new(name: Option<CameraName>, latest: watch::Receiver<Latest>, limit: PixelLimit) -> Self {
        let decoder = PictureDecoder::new(limit).map_err(|e| warn!("--display: {e:#}")).ok();
        Self {
            name,
            latest,
            decoder,
            picture: Picture::default(),
            pixels: Vec::new(),
            size: (0, 0),
            live: false,
            camera: None,
            peer: None,
            failure: None,
            kind: None,
            rate: Rate::default(),
            latency: RecentLatency::new(TITLE_LATENCY_FRAMES),
            seen: None,
            arrived: None,
            shown_decoded: None,
            stream: 0,
            skipped: 0,
            first_pending: None,
            first_drawn: false,
        }
    }

    /// Takes in the newest frame; true when it gave a picture not shown yet.
    fn show(&mut self, latest: &Latest) -> bool {
        self.live = latest.stream.is_some();
        if let Some(stream) = &latest.stream {
            (self.camera, self.peer) = (Some(stream.camera.clone()), Some(stream.peer));
        } else {
            self.rate.idle();
        }
        self.failure = latest.decoded.failure.clone();
        // A frame is shown even when its stream has already ended (a one-frame stream).
        let Some(frame) = &latest.frame else { return false };
        let new_frame = self.seen.is_none_or(|(at, _)| at != frame.received_at);
        if new_frame {
            self.count_frame(latest, frame);
        }
        let shown = match frame.kind {
            PayloadKind::H264 => self.show_decoded(latest),
            _ if new_frame => self.show_jpeg(frame),
            _ => false,
        };
        if shown && !self.first_drawn {
            self.first_pending.get_or_insert(frame.received_at);
        }
        shown
    }

    /// Its new picture is on screen now.
    fn drawn(&mut self) {
        let Some(arrived) = self.first_pending.take() else { return };
        self.first_drawn = true;
        let ms = SystemTime::now().duration_since(arrived).unwrap_or_default().as_secs_f64() * 1e3;
        let (w, h) = self.size;
        let camera =
            self.name.as_ref().or(self.camera.as_ref()).map_or_else(String::new, |n| format!("of camera {n} "));
        info!("--display: first picture {camera}({w}x{h}) drawn {ms:.1} ms after the newest frame arrived");
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
        self.arrived = Some(frame.received_at);
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
        pack_rgb(&self.picture.rgb, &mut self.pixels);
        self.size = (self.picture.width, self.picture.height);
        true
    }

    /// Takes the decoding stage's newest picture, if it is of this stream and not drawn yet.
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
        pack_rgb(&decoded.picture.rgb, &mut self.pixels);
        self.size = (decoded.picture.width, decoded.picture.height);
        true
    }

    /// The camera's name: the directory's, else its stream's.
    fn shown_name(&self) -> String {
        self.name.as_ref().or(self.camera.as_ref()).map_or_else(String::new, ToString::to_string)
    }

    /// What its cell's strip says: its name, and why its H.264 cannot be shown if it cannot.
    fn label(&self) -> String {
        match &self.failure {
            Some(failure) if self.kind == Some(PayloadKind::H264) => format!("{}: {failure}", self.shown_name()),
            _ => self.shown_name(),
        }
    }

    /// `garden 30.0 fps`, for the grid's title.
    fn rate_label(&self) -> String {
        format!("{} {:.1} fps", self.shown_name(), self.rate.fps())
    }

    /// The window's title when it shows this camera alone.
    fn title(&self) -> String {
        let Some(peer) = self.peer.filter(|_| self.live) else { return "cam-recv: waiting for a sender".into() };
        match &self.failure {
            Some(failure) if self.kind == Some(PayloadKind::H264) => format!("cam-recv: {failure}"),
            _ => title(&self.shown_name(), peer, self.kind, self.size, &self.rate, &self.latency, self.skipped),
        }
    }
}

/// Frames whose latency the title's median is taken over.
const TITLE_LATENCY_FRAMES: usize = 30;

/// `cam-recv: 640x480 h264  30.0 fps  latency 2.1 ms  2 skipped  camera garden from 10.0.0.5:40312`.
fn title(
    camera: &str,
    peer: SocketAddr,
    kind: Option<PayloadKind>,
    (width, height): (usize, usize),
    rate: &Rate,
    latency: &RecentLatency,
    skipped: u64,
) -> String {
    let kind = kind.map_or_else(String::new, |k| format!(" {k}"));
    if width == 0 {
        return format!("cam-recv:{kind} stream of camera {camera} from {peer}");
    }
    let fps = if rate.fps() > 0.0 { format!("  {:.1} fps", rate.fps()) } else { String::new() };
    let latency = latency.p50_p99().map_or_else(String::new, |(p50, _)| format!("  latency {p50:.1} ms"));
    format!("cam-recv: {width}x{height}{kind}{fps}{latency}  {skipped} skipped  camera {camera} from {peer}")
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
