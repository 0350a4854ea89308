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

    /// It takes pictures of a new size mid-stream, starting a new sequence
    /// (H.264: an IDR with new SPS and PPS), so `--adapt` may halve the size.
    fn resizes(&self) -> bool {
        false
    }

    /// Encode to `bitrate` bits per second (`None`: as configured) at `fps`
    /// pictures a second, from the next picture on (`--adapt`).
    fn set_rate(&mut self, bitrate: Option<u32>, fps: f64);

    /// The fewest bits a picture of `pixels` pixels takes from this encoder
    /// at its lowest setting: under it, pictures are left out instead.
    fn floor_bits_per_picture(&self, pixels: u64) -> f64;

    /// The encoder is at its configured setting (nothing left to restore).
    fn at_full(&self) -> bool;

    /// The JPEG quality in use, for the status line.
    fn quality(&self) -> Option<u8> {
        None
    }

    /// Periodic keyframes `times` as far apart as configured (1: as
    /// configured), for an encoder that makes them (H.264).
    fn space_keyframes(&mut self, _times: u32) {}
}

/// The lowest JPEG quality adaptation goes to.
pub const MIN_QUALITY: u8 = 20;

/// JPEG at a quality that follows a target bit rate: after each picture the
/// quality steps down while pictures come out over the target, and back up
/// (never over the configured one) while they come out well under it.
#[derive(Debug)]
pub struct AdaptiveJpeg {
    encoder: JpegEncoder,
    configured: u8,
    quality: u8,
    /// Bytes a picture may take, `None` while not adapted.
    budget: Option<f64>,
    /// The last picture's size at the lowest quality.
    floor: Option<usize>,
}

impl AdaptiveJpeg {
    /// JPEG at `quality` until told otherwise.
    pub fn new(quality: u8) -> Result<Self> {
        Ok(Self { encoder: JpegEncoder::new(quality)?, configured: quality, quality, budget: None, floor: None })
    }
}

impl Encoder for AdaptiveJpeg {
    fn encode(&mut self, picture: &YuvFrame, _force_keyframe: bool) -> Result<(Bytes, bool)> {
        let jpeg = self.encoder.encode_i420(picture)?;
        let size = jpeg.len() as f64;
        if self.quality <= MIN_QUALITY {
            self.floor = Some(jpeg.len());
        }
        let next = match self.budget {
            None => self.configured,
            // Size grows faster than quality near the top: big steps down, small ones up.
            Some(b) if size > b => self.quality.saturating_sub(if size > 1.5 * b { 10 } else { 3 }).max(MIN_QUALITY),
            Some(b) if size < 0.7 * b => (self.quality + 2).min(self.configured),
            Some(_) => self.quality,
        };
        if next != self.quality {
            self.encoder.set_quality(next)?;
            self.quality = next;
        }
        Ok((Bytes::from(jpeg), true))
    }

    fn set_rate(&mut self, bitrate: Option<u32>, fps: f64) {
        self.budget = bitrate.map(|b| f64::from(b) / 8.0 / fps.max(0.1));
    }

    fn floor_bits_per_picture(&self, pixels: u64) -> f64 {
        // Until a picture was made at the lowest quality: about 0.15 bit per pixel.
        self.floor.map_or(pixels as f64 * 0.15, |b| b as f64 * 8.0)
    }

    fn at_full(&self) -> bool {
        self.quality >= self.configured
    }

    fn quality(&self) -> Option<u8> {
        Some(self.quality)
    }
}

/// cam-send's H.264: OpenH264 and the rate it was configured with, to which
/// adaptation returns.
pub struct AdaptiveH264 {
    encoder: H264Encoder,
    configured: u32,
    fps: f64,
    rate: Option<(Option<u32>, u64)>,
}

/// The fewest bits per pixel an H.264 picture is given before pictures are
/// left out: under it OpenH264 cannot keep to its target on a detailed
/// picture (1280x720 at 30 fps, `--source test:noise`: asked for 300, 500 and
/// 600 kbit/s it sends 664, 704 and 695, 0.024 bits per pixel).
const H264_FLOOR_BITS_PER_PIXEL: f64 = 0.025;

impl AdaptiveH264 {
    /// OpenH264 with `settings`.
    pub fn new(settings: H264Settings) -> Result<Self> {
        Ok(Self { encoder: H264Encoder::new(settings)?, configured: settings.bitrate, fps: settings.fps, rate: None })
    }
}

impl Encoder for AdaptiveH264 {
    fn predictive(&self) -> bool {
        true
    }

    fn resizes(&self) -> bool {
        true
    }

    fn encode(&mut self, picture: &YuvFrame, force_keyframe: bool) -> Result<(Bytes, bool)> {
        self.encoder.encode(picture, force_keyframe)
    }

    fn set_rate(&mut self, bitrate: Option<u32>, fps: f64) {
        let key = (bitrate, fps.to_bits());
        if self.rate == Some(key) {
            return;
        }
        self.rate = Some(key);
        let fps = if fps > 0.0 { fps } else { self.fps };
        self.encoder.set_rate(bitrate.unwrap_or(self.configured).min(self.configured), fps);
    }

    fn floor_bits_per_picture(&self, pixels: u64) -> f64 {
        pixels as f64 * H264_FLOOR_BITS_PER_PIXEL
    }

    fn at_full(&self) -> bool {
        self.rate.is_none_or(|(b, _)| b.is_none())
    }

    fn space_keyframes(&mut self, times: u32) {
        let interval = self.encoder.keyframe_interval();
        self.encoder.set_keyframe_interval((times > 1).then(|| interval.saturating_mul(times)));
    }
}

/// The encoder `config` asks for.
pub fn create(config: &Config) -> Result<Box<dyn Encoder>> {
    Ok(match config.codec {
        Codec::Jpeg { quality } => Box::new(AdaptiveJpeg::new(quality)?),
        Codec::H264 { bitrate, keyframe_interval } => {
            Box::new(AdaptiveH264::new(H264Settings { bitrate, keyframe_interval, fps: config.fps })?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::NoiseSource;

    /// The IDRs `encoder` makes of `n` pictures of the noisy test picture,
    /// spacing its keyframes `times(i)` as far apart before picture `i`.
    fn idrs(encoder: &mut dyn Encoder, n: u64, times: impl Fn(u64) -> u32) -> Vec<u64> {
        let source = NoiseSource::new(640, 360, 0.0, NoiseSource::DEFAULT_SEED);
        (1..=n)
            .filter(|&i| {
                encoder.space_keyframes(times(i));
                encoder.encode(&source.render(i), false).unwrap().1
            })
            .collect()
    }

    fn h264(keyframe_interval: u32) -> AdaptiveH264 {
        AdaptiveH264::new(H264Settings { bitrate: 500_000, keyframe_interval, fps: 30.0 }).unwrap()
    }

    #[test]
    fn a_moving_noisy_picture_gets_keyframes_at_the_interval_and_no_others() {
        // OpenH264's scene change detection made one every 17 pictures of it.
        assert_eq!(idrs(&mut h264(30), 90, |_| 1), [1, 31, 61]);
    }

    #[test]
    fn keyframes_spaced_while_adapted_come_back_to_the_interval() {
        let spaced = |i| if (12..=52).contains(&i) { 4 } else { 1 };
        assert_eq!(idrs(&mut h264(10), 80, spaced), [1, 11, 51, 61, 71]);
    }
}
