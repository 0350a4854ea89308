//! Encoders turn I420 pictures into payloads.

mod h264;
mod jpeg;

use anyhow::Result;
use bytes::Bytes;

pub use h264::{H264Encoder, H264Settings, ParameterSets};
pub use jpeg::JpegEncoder;

use crate::{source::YuvFrame, Codec, Config};

/// Encodes one picture into one payload.
pub trait Encoder: Send {
    /// Encodes `picture`; `force_keyframe` asks for a picture a decoder can
    /// start from. Returns the payload and whether it is such a keyframe.
    fn encode(&mut self, picture: &YuvFrame, force_keyframe: bool) -> Result<(Bytes, bool)>;

    /// Frames refer to earlier ones (H.264 P-frames), so dropping an encoded
    /// frame would break the ones after it until the next keyframe.
    fn predictive(&self) -> bool {
        false
    }
}

/// The encoder `config` asks for.
pub fn create(config: &Config) -> Result<Box<dyn Encoder>> {
    Ok(match config.codec {
        Codec::Jpeg { quality } => Box::new(JpegEncoder::new(quality)?),
        Codec::H264 { bitrate, keyframe_interval } => {
            Box::new(H264Encoder::new(H264Settings { bitrate, keyframe_interval, fps: config.fps })?)
        }
    })
}
