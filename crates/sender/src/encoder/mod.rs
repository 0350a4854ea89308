//! Encoders turn I420 pictures into payloads: one JPEG or one H.264 access
//! unit each. The codecs themselves are in `camwire-codec` (cam-recv uses
//! them too); this is the role `pipeline` drives.

use anyhow::Result;
use bytes::Bytes;

pub use camwire_codec::{H264Encoder, H264Settings, JpegEncoder};

use crate::{
    config::{Codec, Config},
    picture::YuvFrame,
};

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

impl Encoder for JpegEncoder {
    fn encode(&mut self, picture: &YuvFrame, _force_keyframe: bool) -> Result<(Bytes, bool)> {
        Ok((Bytes::from(self.encode_i420(picture)?), true))
    }
}

impl Encoder for H264Encoder {
    fn predictive(&self) -> bool {
        true
    }

    fn encode(&mut self, picture: &YuvFrame, force_keyframe: bool) -> Result<(Bytes, bool)> {
        H264Encoder::encode(self, picture, force_keyframe)
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
