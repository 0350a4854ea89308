//! H.264 through OpenH264 (bundled, built from source with its assembly),
//! straight from the I420 planes.
//!
//! Every payload is one access unit in Annex B, and every IDR access unit
//! carries SPS and PPS in front, so a receiver that joins late or after a
//! reconnect starts on a decodable picture. The profile is constrained
//! baseline (one slice per picture, no B-frames, CAVLC), which browsers and
//! hardware decoders accept.

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use camwire_wire::{is_idr_access_unit, ParameterSets};
use openh264::{
    encoder::{
        BitRate, Complexity, Encoder as OpenH264Encoder, EncoderConfig, FrameRate, IntraFramePeriod, Profile,
        RateControlMode, SpsPpsStrategy, UsageType,
    },
    formats::YUVSlices,
    OpenH264API,
};

use crate::YuvFrame;

/// Settings of [`H264Encoder`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct H264Settings {
    /// Target bit rate in bits per second.
    pub bitrate: u32,
    /// An IDR picture every this many frames.
    pub keyframe_interval: u32,
    /// The frame rate the rate control plans for.
    pub fps: f64,
}

/// The largest bit rate OpenH264 accepts: H.264 level 5.2's, 240 000 kbit/s
/// times 1.2 for the NAL stream (the encoder refuses more).
pub const MAX_BITRATE: u32 = 288_000_000;

/// The most macroblocks (16x16 pixels) a second H.264 level 5.2 carries,
/// the highest level: e.g. 64 fps at 3840x2160, 1728 fps at 640x480.
pub const MAX_MACROBLOCKS_PER_SEC: u64 = 2_073_600;

/// The shortest picture side OpenH264 encodes (one macroblock).
pub const MIN_SIDE: u32 = 16;

impl H264Settings {
    /// About 0.1 bit per pixel per frame: ~0.9 Mbit/s at 640x480, 30 fps;
    /// within what OpenH264 takes (at least a bit a frame, at most [`MAX_BITRATE`]).
    pub fn default_bitrate(width: u32, height: u32, fps: f64) -> u32 {
        let fps = if fps > 0.0 { fps } else { 30.0 };
        let bits = f64::from(width) * f64::from(height) * fps * 0.1;
        bits.max(50_000.0).max(fps.ceil()).min(f64::from(MAX_BITRATE)) as u32
    }

    /// Macroblocks a second of a `width` x `height` stream at `fps`.
    pub fn macroblocks_per_sec(width: u32, height: u32, fps: f64) -> f64 {
        (f64::from(width.div_ceil(16)) * f64::from(height.div_ceil(16))) * fps
    }

    /// One keyframe per second.
    pub fn default_keyframe_interval(fps: f64) -> u32 {
        if fps > 0.0 {
            (fps.round() as u32).max(1)
        } else {
            30
        }
    }
}

/// Baseline H.264, one Annex-B access unit per picture.
pub struct H264Encoder {
    encoder: OpenH264Encoder,
    parameter_sets: ParameterSets,
    /// The bit rate and frame rate asked for at run time ([`Self::set_rate`]),
    /// and the picture size they were last given to the encoder at.
    rate: Option<(u32, f32)>,
    applied: Option<(u32, f32, (usize, usize))>,
    /// The keyframe interval it was made with, the one asked for at run
    /// time ([`Self::set_keyframe_interval`]), and the picture size the
    /// latter was last given to the encoder at.
    keyframe_interval: u32,
    interval: Option<u32>,
    applied_interval: Option<(u32, (usize, usize))>,
}

impl std::fmt::Debug for H264Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("H264Encoder").finish_non_exhaustive()
    }
}

impl H264Encoder {
    /// An encoder with `settings`; the picture size is taken from the first picture.
    pub fn new(settings: H264Settings) -> Result<Self> {
        if settings.bitrate == 0 || settings.keyframe_interval == 0 {
            bail!("the H.264 bit rate and keyframe interval must be positive");
        }
        let fps = if settings.fps > 0.0 { settings.fps } else { 30.0 };
        let config = EncoderConfig::new()
            .profile(Profile::Baseline)
            .usage_type(UsageType::CameraVideoRealTime)
            .rate_control_mode(RateControlMode::Bitrate)
            .bitrate(BitRate::from_bps(settings.bitrate))
            .max_frame_rate(FrameRate::from_hz(fps as f32))
            .intra_frame_period(IntraFramePeriod::from_num_frames(settings.keyframe_interval))
            .sps_pps_strategy(SpsPpsStrategy::ConstantId)
            // Every picture must give an access unit: a skipped one would be an empty payload.
            .skip_frames(false)
            // IDRs come every keyframe interval and when asked for, never of
            // OpenH264's own accord: on a moving, noisy picture its scene
            // change detection made one every 17 frames, each several times a
            // P frame's size, which a slow link pays for in frames it drops.
            .scene_change_detect(false)
            .complexity(Complexity::Low)
            .num_threads(1);
        let mut encoder = OpenH264Encoder::with_api_config(OpenH264API::from_source(), config)
            .map_err(plain)
            .context("initialising the OpenH264 encoder")?;
        quiet_warnings(&mut encoder)?;
        Ok(Self {
            encoder,
            parameter_sets: ParameterSets::default(),
            rate: None,
            applied: None,
            keyframe_interval: settings.keyframe_interval,
            interval: None,
            applied_interval: None,
        })
    }
}

/// Turns OpenH264's own log off before the encoder is initialised (on the
/// first picture), so it prints no `[OpenH264] ...` lines of its own: not
/// `Warning:bEnableFrameSkip = 0, ...` on every run (frame skipping is off on
/// purpose: every picture must give an access unit), and no error lines next
/// to the one line the binaries print. The settings it would refuse are
/// checked before it starts ([`MAX_BITRATE`], [`MIN_SIDE`]).
///
/// The safe API sets the trace level only after initialising, when that
/// warning is already printed, and OpenH264 has no other switch for it: the
/// raw `SetOption` call is the one route.
#[allow(unsafe_code)]
fn quiet_warnings(encoder: &mut OpenH264Encoder) -> Result<()> {
    let mut level: std::ffi::c_int = openh264_sys2::WELS_LOG_QUIET as std::ffi::c_int;
    // SAFETY: ENCODER_OPTION_TRACE_LEVEL is one of the options OpenH264
    // accepts before initialisation; it reads one int through the pointer,
    // which points at `level`, alive for the call. The trace level is not a
    // parameter the wrapper relies on (it sets its own `debug` level, also
    // WELS_LOG_QUIET by default, only after initialising).
    let rc = unsafe {
        encoder.raw_api().set_option(openh264_sys2::ENCODER_OPTION_TRACE_LEVEL, std::ptr::addr_of_mut!(level).cast())
    };
    if rc != 0 {
        bail!("OpenH264 refused its trace level (code {rc})");
    }
    Ok(())
}

impl H264Encoder {
    /// Changes the target bit rate (bits per second, at most the one the
    /// encoder was made with) and the frame rate its rate control plans for,
    /// from the next picture on; no new keyframe is needed.
    pub fn set_rate(&mut self, bitrate: u32, fps: f64) {
        self.rate = Some((bitrate.max(1), fps.max(1.0) as f32));
    }
}

impl H264Encoder {
    /// The keyframe interval the encoder was made with, in pictures.
    pub fn keyframe_interval(&self) -> u32 {
        self.keyframe_interval
    }

    /// Changes the number of pictures from one periodic IDR to the next
    /// (`None`: as the encoder was made), from the next picture on.
    pub fn set_keyframe_interval(&mut self, frames: Option<u32>) {
        self.interval = frames.map(|f| f.max(1)).filter(|&f| f != self.keyframe_interval);
    }
}

/// Sets OpenH264's keyframe interval while it runs.
#[allow(unsafe_code)]
fn apply_keyframe_interval(encoder: &mut OpenH264Encoder, frames: u32) -> Result<()> {
    let mut frames = std::ffi::c_int::try_from(frames).unwrap_or(std::ffi::c_int::MAX);
    // SAFETY: an option OpenH264 takes while it runs (it has encoded a
    // picture, so it is initialised); it reads one int through the pointer,
    // which points at a local alive for the call.
    let rc = unsafe {
        encoder.raw_api().set_option(openh264_sys2::ENCODER_OPTION_IDR_INTERVAL, std::ptr::addr_of_mut!(frames).cast())
    };
    if rc != 0 {
        bail!("OpenH264 refused a keyframe interval of {frames} (code {rc})");
    }
    Ok(())
}

/// Sets OpenH264's target bit rate and frame rate while it runs.
#[allow(unsafe_code)]
fn apply_rate(encoder: &mut OpenH264Encoder, bitrate: u32, fps: f32) -> Result<()> {
    let mut fps = fps;
    let mut info = openh264_sys2::SBitrateInfo {
        iLayer: openh264_sys2::SPATIAL_LAYER_ALL,
        iBitrate: i32::try_from(bitrate).unwrap_or(i32::MAX),
    };
    // SAFETY: both options are ones OpenH264 takes while it runs (it has
    // encoded a picture, so it is initialised); each reads one value of the
    // documented type (a float, an SBitrateInfo) through the pointer, which
    // points at a local alive for the call.
    let rc = unsafe {
        let api = encoder.raw_api();
        let a = api.set_option(openh264_sys2::ENCODER_OPTION_FRAME_RATE, std::ptr::addr_of_mut!(fps).cast());
        let b = api.set_option(openh264_sys2::ENCODER_OPTION_BITRATE, std::ptr::addr_of_mut!(info).cast());
        a | b
    };
    if rc != 0 {
        bail!("OpenH264 refused a bit rate of {bitrate} at {fps} fps (code {rc})");
    }
    Ok(())
}

/// An OpenH264 error as one plain line: its code's meaning or its message,
/// without the wrapper's "Native:... Backtraces enabled." dump.
fn plain(e: openh264::Error) -> anyhow::Error {
    let meaning = match e.native_code() {
        0 => return anyhow::anyhow!("{}", e.to_string().trim_end_matches(". Backtraces enabled.")),
        1 => "invalid parameter",
        3 => "out of memory",
        5 => "unsupported picture",
        _ => "unknown reason",
    };
    anyhow::anyhow!("OpenH264 error {} ({meaning})", e.native_code())
}

impl H264Encoder {
    /// Encodes `p` into one access unit; `force_keyframe` asks for an IDR.
    /// Returns the access unit and whether it is an IDR (with SPS and PPS).
    pub fn encode(&mut self, p: &YuvFrame, force_keyframe: bool) -> Result<(Bytes, bool)> {
        let (w, h) = (p.width as usize, p.height as usize);
        if p.y.len() != w * h || p.u.len() != w * h / 4 || p.v.len() != w * h / 4 {
            bail!("an I420 picture of {w}x{h} has planes of the wrong size");
        }
        let yuv = YUVSlices::new((&p.y, &p.u, &p.v), (w, h), (w, w / 2, w / 2));
        if force_keyframe {
            self.encoder.force_intra_frame();
        }
        let au = self.encoder.encode(&yuv).map_err(plain).context("H.264 encoding")?.to_vec();
        // OpenH264 starts on the first picture (and starts again on a new
        // size, with the settings it was made with): a rate asked for is
        // applied once it runs at this size, from the next picture on.
        if let Some((bps, fps)) = self.rate {
            if self.applied != Some((bps, fps, (w, h))) {
                apply_rate(&mut self.encoder, bps, fps)?;
                self.applied = Some((bps, fps, (w, h)));
            }
        }
        // It runs at the interval it was made with until told otherwise, and again after a new size.
        let interval = self.interval.unwrap_or(self.keyframe_interval);
        let running = match self.applied_interval {
            Some((i, size)) if size == (w, h) => i,
            _ => self.keyframe_interval,
        };
        if interval != running {
            apply_keyframe_interval(&mut self.encoder, interval)?;
            self.applied_interval = Some((interval, (w, h)));
        }
        if au.is_empty() {
            bail!("the H.264 encoder produced no data for a {w}x{h} picture");
        }
        let idr = is_idr_access_unit(&au);
        let au = self
            .parameter_sets
            .complete(Bytes::from(au))
            .context("the H.264 encoder produced an IDR picture without SPS and PPS")?;
        Ok((au, idr))
    }
}

#[cfg(test)]
mod tests {
    use camwire_wire::{has_parameter_sets, nal_units, AnnexBSplitter, NalType};

    use super::*;

    /// A picture that changes with `i`, so the encoder has work to do.
    fn picture(i: u64) -> YuvFrame {
        let mut p = YuvFrame::black(320, 240);
        for (n, y) in p.y.iter_mut().enumerate() {
            *y = ((n as u64 + i * 7) % 220 + 16) as u8;
        }
        p
    }

    fn settings(keyframe_interval: u32) -> H264Settings {
        H264Settings { bitrate: 500_000, keyframe_interval, fps: 30.0 }
    }

    /// Encodes `n` test-pattern pictures, forcing a keyframe where `force` says.
    fn encode(n: u64, keyframe_interval: u32, force: impl Fn(u64) -> bool) -> Vec<(Bytes, bool)> {
        let mut enc = H264Encoder::new(settings(keyframe_interval)).unwrap();
        (1..=n).map(|i| enc.encode(&picture(i), force(i)).unwrap()).collect()
    }

    #[test]
    fn every_payload_is_exactly_one_access_unit() {
        for (au, _) in encode(40, 10, |i| i == 17) {
            let split = AnnexBSplitter::split_all(&au).unwrap();
            assert_eq!(split.len(), 1);
            assert_eq!(split[0], au);
        }
    }

    #[test]
    fn every_idr_has_sps_and_pps_in_front() {
        let out = encode(40, 10, |i| i == 17);
        let idrs: Vec<usize> = out.iter().enumerate().filter(|(_, (_, idr))| *idr).map(|(i, _)| i + 1).collect();
        // The interval counts again from a forced IDR.
        assert_eq!(idrs, vec![1, 11, 17, 27, 37]);
        for (au, idr) in &out {
            assert_eq!(*idr, is_idr_access_unit(au));
            if *idr {
                let types: Vec<NalType> = nal_units(au).filter_map(NalType::of).collect();
                let first_slice = types.iter().position(|t| t.is_vcl()).unwrap();
                assert!(types[..first_slice].contains(&NalType::Sps), "{types:?}");
                assert!(types[..first_slice].contains(&NalType::Pps), "{types:?}");
                assert!(has_parameter_sets(au));
            }
        }
    }

    /// The moving picture with a little fresh noise each time, as a
    /// sensor's, which costs an encoder what it is given.
    fn noisy(i: u64) -> YuvFrame {
        let mut p = picture(i);
        let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for y in p.y.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *y = y.saturating_add((x % 8) as u8);
        }
        p
    }

    #[test]
    fn the_bit_rate_changes_while_encoding() {
        let mut enc =
            H264Encoder::new(H264Settings { bitrate: 2_000_000, keyframe_interval: 1000, fps: 30.0 }).unwrap();
        let mut sizes = Vec::new();
        for i in 1..=120 {
            if i == 61 {
                enc.set_rate(40_000, 15.0);
            }
            let (au, _) = enc.encode(&noisy(i), false).unwrap();
            sizes.push(au.len());
        }
        let before: usize = sizes[30..60].iter().sum();
        let after: usize = sizes[90..120].iter().sum();
        assert!(after * 3 < before, "30 frames took {before} bytes at 2 Mbit/s, then {after} at 40 kbit/s");
    }

    #[test]
    fn the_keyframe_interval_changes_while_encoding_and_comes_back() {
        let mut enc = H264Encoder::new(settings(10)).unwrap();
        let mut idrs = Vec::new();
        for i in 1..=100u64 {
            match i {
                21 => enc.set_keyframe_interval(Some(40)),
                61 => enc.set_keyframe_interval(None),
                _ => {}
            }
            if enc.encode(&noisy(i), false).unwrap().1 {
                idrs.push(i);
            }
        }
        assert_eq!(idrs, [1, 11, 21, 61, 71, 81, 91]);
    }

    #[test]
    fn forced_keyframe_is_an_idr() {
        let out = encode(5, 1000, |i| i == 3);
        let idr: Vec<bool> = out.iter().map(|(_, k)| *k).collect();
        assert_eq!(idr, [true, false, true, false, false]);
    }

    #[test]
    fn baseline_profile_in_the_sps() {
        let (au, _) = &encode(1, 30, |_| false)[0];
        let sps = nal_units(au).find(|n| NalType::of(n) == Some(NalType::Sps)).unwrap();
        assert_eq!(sps[1], 66, "profile_idc baseline");
        assert_ne!(sps[2] & 0x40, 0, "constraint_set1_flag: constrained baseline");
    }

    #[test]
    fn round_trip_through_the_openh264_decoder() {
        use openh264::{decoder::Decoder, formats::YUVSource};
        let mut dec = Decoder::new().unwrap();
        let mut pictures = 0;
        for (au, _) in encode(20, 10, |_| false) {
            if let Some(pic) = dec.decode(&au).unwrap() {
                assert_eq!(pic.dimensions(), (320, 240));
                pictures += 1;
            }
        }
        assert_eq!(pictures, 20);
    }
}
