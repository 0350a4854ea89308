//! Where frames come from. Each source yields either raw pictures (I420) for
//! the encoder or payloads that are already encoded (JPEG files, an MJPEG
//! stream, H.264 access units), and paces itself to the configured frame
//! rate. Sources know nothing of encoders: `pipeline` brings the two together.

mod files;
mod for_secs;
#[cfg(feature = "libcamera")]
mod libcamera;
mod noise;
#[cfg(any(feature = "libcamera", test))]
mod sensor_hdr;
mod split;
mod stdin;
mod stdin_h264;
mod stdin_mjpeg;
mod test_pattern;

use std::time::SystemTime;

use anyhow::Result;
use bytes::Bytes;

#[cfg(feature = "libcamera")]
pub use self::libcamera::{list_cameras, LibcameraSource};
pub use files::FilesSource;
pub use noise::NoiseSource;
pub use stdin_h264::H264StdinSource;
pub use stdin_mjpeg::MjpegStdinSource;
pub use test_pattern::TestPatternSource;

use crate::{
    config::{Codec, Config, SourceSpec},
    picture::{Orientation, YuvFrame},
};

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

/// `source` as `config` bounds it: a paced source with `--secs` ends by itself
/// after `fps x secs` frames (`for_secs.rs`), counted from `started`.
pub fn bounded(source: Box<dyn Source>, config: &Config, started: crate::pace::Latch) -> Box<dyn Source> {
    match config.secs {
        Some(secs) if config.fps > 0.0 => Box::new(for_secs::ForSecs::new(source, config.fps, secs, started)),
        _ => source,
    }
}

/// Opens the source `config` names.
pub fn open(config: &Config) -> Result<Box<dyn Source>> {
    Ok(match &config.source {
        SourceSpec::Test => Box::new(TestPatternSource::new(config.width, config.height, config.fps)),
        SourceSpec::TestNoise => {
            Box::new(NoiseSource::new(config.width, config.height, config.fps, NoiseSource::DEFAULT_SEED))
        }
        SourceSpec::Files(glob) => Box::new(FilesSource::new(glob, config.fps, config.loop_files)?),
        SourceSpec::Stdin => {
            let h264 = matches!(config.codec, Codec::H264 { .. });
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
                Box::new(MjpegStdinSource::new(input, config.max_frame).paced(config.fps))
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
