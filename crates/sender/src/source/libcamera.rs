//! Camera capture through libcamera (cargo feature `libcamera`).
//!
//! libcamera's objects are not `Send` and complete requests on libcamera's
//! own thread, while a [`Source`] moves to the capture thread. So a worker
//! thread owns the camera for its whole life: it re-queues every buffer the
//! moment it completes and copies a frame out only when [`LibcameraSource`]
//! asks for one. The source paces those asks to `--fps` with the [`Pacer`],
//! so a camera that delivers faster (libcamera's virtual camera does 1000+
//! fps) has its surplus frames dropped without a copy.
//!
//! Errors while opening come back from [`LibcameraSource::open`]; errors while
//! streaming end the stream, or with `--retry` make the worker reopen the
//! camera (a new camera manager each time, since libcamera allows one per
//! process and only a fresh one sees a re-plugged camera).

mod controls;
#[cfg(feature = "fault-injection")]
mod fault;
mod list;
mod session;

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc::{self, Receiver, SyncSender},
        Arc,
    },
    thread::JoinHandle,
    time::{Duration, SystemTime},
};

use anyhow::{anyhow, Context, Result};
use tracing::{debug, info, warn};

use super::{Captured, Source};
use crate::{
    config::{Codec, Config},
    pace::Pacer,
    picture::Orientation,
};
pub use list::list_cameras;
use session::{Session, Settings};

/// A frame as the worker hands it over.
type Frame = (Captured, SystemTime);

/// Frames from a libcamera camera: NV12 or YUV420 pictures for the encoder,
/// or the camera's own JPEGs when it offers MJPEG and the codec is JPEG.
#[derive(Debug)]
pub struct LibcameraSource {
    pacer: Pacer,
    /// One message per frame wanted.
    wants: mpsc::Sender<()>,
    frames: Receiver<Result<Frame>>,
    worker: Option<JoinHandle<()>>,
    /// The flips the camera does itself.
    orientation_done: Orientation,
    /// Set by the worker when it restarted the camera.
    restarted: Arc<AtomicBool>,
}

impl LibcameraSource {
    /// Opens `camera` (an index, an id, or `None` for the first camera) with
    /// the size, frame rate and codec of `config`, and starts it.
    pub fn open(camera: Option<&str>, config: &Config) -> Result<Self> {
        let settings = Settings {
            camera: camera.map(str::to_string),
            width: config.width,
            height: config.height,
            fps: config.fps,
            // The camera's JPEGs cannot be annotated.
            allow_mjpeg: matches!(config.codec, Codec::Jpeg { .. }) && config.annotate.is_none(),
            orientation: config.orientation,
            options: config.camera.clone(),
        };
        let retry = config.retry;
        let restarted = Arc::new(AtomicBool::new(false));
        let restarted_w = restarted.clone();
        let (wants_tx, wants) = mpsc::channel();
        let (frames_tx, frames) = mpsc::sync_channel(1);
        let (ready_tx, ready) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("libcamera".into())
            .spawn(move || work(&settings, retry, &restarted_w, &ready_tx, &wants, &frames_tx))
            .context("starting the camera thread")?;
        let orientation_done = match ready.recv() {
            Ok(Ok(done)) => done,
            Ok(Err(e)) => {
                let _ = worker.join();
                return Err(e);
            }
            Err(_) => {
                let _ = worker.join();
                return Err(anyhow!(
                    "the camera thread failed while opening the camera (run with -v for libcamera's log)"
                ));
            }
        };
        Ok(Self {
            pacer: Pacer::new(config.fps),
            wants: wants_tx,
            frames,
            worker: Some(worker),
            orientation_done,
            restarted,
        })
    }
}

impl Source for LibcameraSource {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        self.pacer.wait();
        // If the worker has ended, its error is waiting in `frames`.
        let _ = self.wants.send(());
        match self.frames.recv() {
            Ok(frame) => frame.map(Some),
            Err(_) => Err(anyhow!("the camera thread stopped unexpectedly")),
        }
    }

    fn orientation_done(&self) -> Orientation {
        self.orientation_done
    }

    fn take_restart(&mut self) -> bool {
        self.restarted.swap(false, Ordering::Relaxed)
    }
}

impl Drop for LibcameraSource {
    /// Stops and releases the camera before returning.
    fn drop(&mut self) {
        // Hanging up both channels makes the worker return at its next frame.
        drop(std::mem::replace(&mut self.wants, mpsc::channel().0));
        drop(std::mem::replace(&mut self.frames, mpsc::sync_channel(1).1));
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Restarts in a row (each lasting under [`RESTART_LASTED`]) after which,
/// without `--retry`, the camera counts as gone.
const MAX_RESTARTS: u32 = 3;
/// A restarted camera that streams this long has recovered.
const RESTART_LASTED: Duration = Duration::from_secs(30);

/// The worker thread: open, report readiness, stream until the source is
/// dropped. A camera that fails or stops delivering (`--camera-timeout`) is
/// stopped and opened again, backing off; without `retry`, after
/// [`MAX_RESTARTS`] restarts that did not last, the error goes to the source.
fn work(
    settings: &Settings,
    retry: bool,
    restarted: &AtomicBool,
    ready: &mpsc::Sender<Result<Orientation>>,
    wants: &Receiver<()>,
    frames: &SyncSender<Result<Frame>>,
) {
    let mut session = match Session::open(settings) {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(session.orientation_done));
    let mut pending = 0;
    let mut failures = 0u32;
    loop {
        let started = std::time::Instant::now();
        let err = match session.run(wants, frames, &mut pending) {
            Ok(()) => return,
            Err(e) => e,
        };
        // Camera and manager go before a new manager may start.
        drop(session);
        failures = if started.elapsed() >= RESTART_LASTED { 1 } else { failures + 1 };
        if !retry && failures > MAX_RESTARTS {
            let _ = frames.send(Err(err.context(format!(
                "the camera failed again after {MAX_RESTARTS} restarts; giving up (--retry keeps trying)"
            ))));
            return;
        }
        // 1 s, 2 s, 4 s, then every 8 s.
        let delay = Duration::from_secs(1 << (failures - 1).min(3));
        warn!("{err:#}; restarting the camera in {} s (restart {failures})", delay.as_secs());
        session = match reopen(settings, wants, &mut pending, delay, retry) {
            Some(s) => s,
            None => return,
        };
        restarted.store(true, Ordering::Relaxed);
    }
}

/// Tries to open the camera every `delay` until it works (without `retry`,
/// [`MAX_RESTARTS`] times); `None` when the source was dropped meanwhile or it never worked.
fn reopen(
    settings: &Settings,
    wants: &Receiver<()>,
    pending: &mut usize,
    delay: Duration,
    retry: bool,
) -> Option<Session> {
    for attempt in 1u64.. {
        if !retry && attempt > u64::from(MAX_RESTARTS) {
            warn!("the camera did not come back after {MAX_RESTARTS} attempts; giving up (--retry keeps trying)");
            return None;
        }
        match wants.recv_timeout(delay) {
            Ok(()) => *pending += 1,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
        match Session::open(settings) {
            Ok(s) => {
                info!("camera restarted after {attempt} attempt(s)");
                return Some(s);
            }
            Err(e) if attempt == 1 => warn!("{e:#}; still trying"),
            Err(e) => debug!("reopening the camera: {e:#}"),
        }
    }
    None
}
