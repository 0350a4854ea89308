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
mod list;
mod session;

use std::{
    sync::mpsc::{self, Receiver, SyncSender},
    thread::JoinHandle,
    time::{Duration, SystemTime},
};

use anyhow::{anyhow, Context, Result};
use tracing::{debug, info, warn};

use super::{Captured, Orientation, Pacer, Source};
use crate::{Codec, Config};
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
            allow_mjpeg: matches!(config.codec, Codec::Jpeg { .. }),
            orientation: config.orientation,
            options: config.camera.clone(),
        };
        let retry = config.retry;
        let (wants_tx, wants) = mpsc::channel();
        let (frames_tx, frames) = mpsc::sync_channel(1);
        let (ready_tx, ready) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("libcamera".into())
            .spawn(move || work(&settings, retry, &ready_tx, &wants, &frames_tx))
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
        Ok(Self { pacer: Pacer::new(config.fps), wants: wants_tx, frames, worker: Some(worker), orientation_done })
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

/// The worker thread: open, report readiness, stream until the source is
/// dropped; on an error either hand it to the source or (`retry`) reopen.
fn work(
    settings: &Settings,
    retry: bool,
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
    loop {
        let err = match session.run(wants, frames, &mut pending) {
            Ok(()) => return,
            Err(e) => e,
        };
        // Camera and manager go before a new manager may start.
        drop(session);
        if !retry {
            let _ = frames.send(Err(err));
            return;
        }
        warn!("{err:#}; reopening the camera (--retry)");
        session = match reopen(settings, wants, &mut pending) {
            Some(s) => s,
            None => return,
        };
    }
}

/// Tries to open the camera once a second until it works; `None` when the
/// source was dropped meanwhile.
fn reopen(settings: &Settings, wants: &Receiver<()>, pending: &mut usize) -> Option<Session> {
    for attempt in 1u64.. {
        match wants.recv_timeout(Duration::from_secs(1)) {
            Ok(()) => *pending += 1,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
        match Session::open(settings) {
            Ok(s) => {
                info!("camera reopened after {attempt} attempt(s)");
                return Some(s);
            }
            Err(e) if attempt == 1 => warn!("{e:#}; still trying"),
            Err(e) => debug!("reopening the camera: {e:#}"),
        }
    }
    None
}
