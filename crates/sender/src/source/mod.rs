//! Where frames come from. Each source yields either raw pictures (I420) for
//! the encoder or payloads that are already encoded (JPEG files, an MJPEG
//! stream), and paces itself to the configured frame rate.

mod annotate;
mod files;
#[cfg(feature = "libcamera")]
mod libcamera;
mod orientation;
mod split;
mod stdin;
mod stdin_h264;
mod test_pattern;

use std::{
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant, SystemTime},
};

use anyhow::Result;
use bytes::Bytes;

#[cfg(feature = "libcamera")]
pub use self::libcamera::{list_cameras, LibcameraSource};
pub use annotate::{Annotation, Corner};
pub use camwire_codec::YuvFrame;
pub use files::FilesSource;
pub use orientation::Orientation;
pub use stdin::StdinSource;
pub use stdin_h264::H264StdinSource;
pub use test_pattern::TestPatternSource;

use crate::{encoder::Encoder, frames::FrameTx, Config, EncodedFrame, PipelineFlags, SourceSpec};

/// What a source yields.
#[derive(Debug)]
pub enum Captured {
    /// A picture for the encoder.
    Picture(YuvFrame),
    /// A payload that goes on the wire as it is.
    Encoded(Bytes),
    /// An H.264 access unit that goes on the wire as it is; a decoder can
    /// start on it only if it is a `keyframe` (IDR with SPS and PPS).
    AccessUnit {
        /// The access unit in Annex B.
        data: Bytes,
        /// Whether it is an IDR access unit with its parameter sets.
        keyframe: bool,
    },
}

/// A producer of frames. `next_frame` blocks (pacing included) and returns
/// `None` when the source is exhausted.
pub trait Source: Send {
    /// The next frame and its capture time.
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>>;

    /// The flips the source already applies to its pictures (a camera that
    /// flips in hardware); the capture loop does the rest in software.
    fn orientation_done(&self) -> Orientation {
        Orientation::default()
    }

    /// Whether the source restarted (a camera that stopped delivering) since
    /// last asked: the next picture is then encoded as a keyframe.
    fn take_restart(&mut self) -> bool {
        false
    }
}

/// Opens the source `config` names.
pub fn open(config: &Config) -> Result<Box<dyn Source>> {
    Ok(match &config.source {
        SourceSpec::Test => Box::new(TestPatternSource::new(config.width, config.height, config.fps)),
        SourceSpec::Files(glob) => Box::new(FilesSource::new(glob, config.fps, config.loop_files)?),
        SourceSpec::Stdin => {
            let h264 = matches!(config.codec, crate::Codec::H264 { .. });
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                anyhow::bail!(
                    "--source stdin sends a stream piped in, but standard input is this terminal: \
                     e.g. rpicam-vid -t 0 --codec mjpeg -o - | cam-send --source stdin ..."
                );
            }
            let input = stdin::check_format(std::io::stdin(), h264)?;
            if h264 {
                Box::new(H264StdinSource::new(input, config.max_frame).paced(config.fps))
            } else {
                Box::new(StdinSource::new(input, config.max_frame).paced(config.fps))
            }
        }
        #[cfg(feature = "libcamera")]
        SourceSpec::Libcamera(camera) => Box::new(LibcameraSource::open(camera.as_deref(), config)?),
        #[cfg(not(feature = "libcamera"))]
        SourceSpec::Libcamera(_) => anyhow::bail!(NO_CAMERA_SUPPORT),
    })
}

/// Why a camera cannot be used, and what to do about it.
#[cfg(not(feature = "libcamera"))]
const NO_CAMERA_SUPPORT: &str = "this cam-send was built without camera support: rebuild with \
    `cargo build --release -p camwire-sender --features libcamera` (needs libcamera-dev and libclang-dev), \
    or use --source test";

/// What `--list-cameras` prints; without the `libcamera` feature, how to get camera support.
#[cfg(not(feature = "libcamera"))]
pub fn list_cameras() -> Result<String> {
    anyhow::bail!(NO_CAMERA_SUPPORT)
}

/// Runs `source` and `encoder` on their own thread, sending frames to `tx`
/// until the source ends, `flags.stop` is set or the receiver is gone. The
/// returned channel carries the thread's result, sent before `tx` is dropped.
///
/// In live mode a predictive encoder (H.264) is not given a picture while the
/// output still has the previous frame waiting: every frame it encodes is
/// then sent, so no frame ever refers to one that was dropped.
///
/// Pictures are turned to `orientation` before encoding, less what the source
/// has done already ([`Source::orientation_done`]), then `annotation` is drawn on them.
pub fn spawn_capture(
    mut source: Box<dyn Source>,
    mut encoder: Box<dyn Encoder>,
    orientation: Orientation,
    annotation: Option<Annotation>,
    mut tx: FrameTx,
    flags: Arc<PipelineFlags>,
) -> std::sync::mpsc::Receiver<Result<()>> {
    let orientation = orientation.after(source.orientation_done());
    if !orientation.is_identity() {
        tracing::debug!("flipping pictures in software: {orientation}");
    }
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            let result = capture_loop(source.as_mut(), encoder.as_mut(), orientation, annotation, &mut tx, &flags);
            let _ = done_tx.send(result);
            drop(tx);
        })
        .expect("spawn capture thread");
    done_rx
}

fn capture_loop(
    source: &mut dyn Source,
    encoder: &mut dyn Encoder,
    orientation: Orientation,
    annotation: Option<Annotation>,
    tx: &mut FrameTx,
    flags: &PipelineFlags,
) -> Result<()> {
    let stamped = !flags.no_stamp.load(Ordering::Relaxed);
    // Frames handed to the output so far (in live H.264 every encoded frame is sent).
    let mut n = 0u64;
    while !flags.stop.load(Ordering::Relaxed) {
        let Some((captured, captured_at)) = source.next_frame()? else {
            return Ok(());
        };
        let frame = match captured {
            Captured::Picture(_) if encoder.predictive() && tx.waiting() => {
                flags.skipped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Captured::Picture(mut picture) => {
                orientation.apply(&mut picture);
                annotation.iter().for_each(|a| a.apply(&mut picture, n + 1, captured_at));
                let restarted = source.take_restart();
                if restarted {
                    tracing::info!("the camera was restarted: frame {} is a keyframe", n + 1);
                }
                let force = flags.want_keyframe.swap(false, Ordering::Relaxed) || restarted;
                let (data, keyframe) = encoder.encode(&picture, force)?;
                EncodedFrame { data, captured_at, keyframe }
            }
            Captured::Encoded(data) => EncodedFrame { data, captured_at, keyframe: true },
            Captured::AccessUnit { data, keyframe } => EncodedFrame { data, captured_at, keyframe },
        };
        let frame = if stamped { frame.stamped() } else { frame };
        if tx.send(frame).is_err() {
            return Ok(());
        }
        n += 1;
    }
    Ok(())
}

/// Paces a source to a frame rate on absolute deadlines, so small delays do
/// not accumulate; a source that fell more than a frame behind starts over
/// from now instead of bursting to catch up.
#[derive(Debug)]
pub struct Pacer {
    period: Option<Duration>,
    next: Option<Instant>,
}

impl Pacer {
    /// A pacer for `fps` frames per second; 0 does not pace.
    pub fn new(fps: f64) -> Self {
        let period = (fps > 0.0).then(|| Duration::from_secs_f64(1.0 / fps));
        Self { period, next: None }
    }

    /// Sleeps until the next frame is due.
    pub fn wait(&mut self) {
        let Some(period) = self.period else { return };
        let now = Instant::now();
        let due = *self.next.get_or_insert(now);
        if due > now {
            std::thread::sleep(due - now);
            self.next = Some(due + period);
        } else if now - due > period {
            self.next = Some(now + period);
        } else {
            self.next = Some(due + period);
        }
    }
}
