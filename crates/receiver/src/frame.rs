//! A received frame, as every sink sees it.

use std::time::SystemTime;

use bytes::Bytes;
use camwire_wire::PayloadKind;

/// One payload and what is known about it.
#[derive(Debug, Clone)]
pub struct Frame {
    /// 1-based position in its stream.
    pub seq: u64,
    /// The payload, exactly as received.
    pub data: Bytes,
    /// What the payload is, by sniffing.
    pub kind: PayloadKind,
    /// A decoder can start here: every JPEG, an H.264 IDR access unit.
    pub keyframe: bool,
    /// When its last byte arrived.
    pub received_at: SystemTime,
    /// When the sender captured it (the payload's camwire stamp), if stamped.
    pub captured_at: Option<SystemTime>,
    /// What the sender says of the frame's later stages, and of its clock:
    /// `None` for a sender without the back channel (shared, so a frame
    /// handed to every sink stays small).
    pub sender: Option<std::sync::Arc<SenderTimes>>,
}

/// When a frame passed the sender's later stages (its stage stamp,
/// protocol.md section 12.6), on this receiver's clock as `captured_at` is,
/// and how the sender's clock was corrected. A stage the sender did not
/// stamp (a classic sender, a payload that came encoded) is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SenderTimes {
    /// When the sender's encoder gave it out.
    pub encoded_at: Option<SystemTime>,
    /// When the sender began to hand it to its socket.
    pub sent_at: Option<SystemTime>,
    /// Whether the stream's times are corrected for the sender's clock, and by how much.
    pub clock: crate::clock::ClockState,
}

/// A frame's latency split by stage, in milliseconds; a stage whose ends
/// are not both known is `None`. Each is at least 0: a stage shorter than
/// the two clocks' uncertainty can come out a little below, and reads 0.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stages {
    /// Capture to encoded (the sender's encoder).
    pub encode_ms: Option<f64>,
    /// Encoded to sent (the sender's queue, waiting for its socket).
    pub send_ms: Option<f64>,
    /// Sent to received (the network, corrected for the sender's clock).
    pub network_ms: Option<f64>,
}

impl Stages {
    /// The stages as ` encode_ms=<a> send_ms=<b> network_ms=<c>`, the known ones only.
    pub fn fields(&self) -> String {
        [("encode_ms", self.encode_ms), ("send_ms", self.send_ms), ("network_ms", self.network_ms)]
            .into_iter()
            .filter_map(|(key, ms)| Some(format!(" {key}={:.2}", ms?)))
            .collect()
    }
}

/// Milliseconds from `from` to `to`, at least 0.
pub fn ms_between(from: SystemTime, to: SystemTime) -> f64 {
    to.duration_since(from).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

impl Frame {
    /// Capture-to-arrival latency in milliseconds, when the frame is stamped.
    /// Exact on one host; across hosts only as good as their clock sync. A
    /// latency corrected for the sender's clock is at least 0: one a little
    /// below is the estimate's uncertainty, not a frame from the future. An
    /// uncorrected one can be below 0, which says the sender's clock is ahead.
    pub fn latency_ms(&self) -> Option<f64> {
        let captured = self.captured_at?;
        let ms = match self.received_at.duration_since(captured) {
            Ok(d) => d.as_secs_f64() * 1000.0,
            Err(e) => -e.duration().as_secs_f64() * 1000.0,
        };
        Some(match self.clock() {
            crate::clock::ClockState::Corrected(_) => ms.max(0.0),
            crate::clock::ClockState::Uncorrected => ms,
        })
    }

    /// Whether the frame's times are corrected for its sender's clock.
    pub fn clock(&self) -> crate::clock::ClockState {
        self.sender.as_deref().map_or_else(Default::default, |s| s.clock)
    }

    /// The frame's latency by stage, as far as its stamps tell.
    pub fn stages(&self) -> Stages {
        let between = |from: Option<SystemTime>, to: Option<SystemTime>| Some(ms_between(from?, to?));
        let (encoded_at, sent_at) = self.sender.as_deref().map_or((None, None), |s| (s.encoded_at, s.sent_at));
        Stages {
            encode_ms: between(self.captured_at, encoded_at),
            send_ms: between(encoded_at, sent_at),
            network_ms: between(sent_at, Some(self.received_at)),
        }
    }
}

/// What sinks are told when a stream starts.
#[derive(Debug, Clone)]
pub struct StreamInfo {
    /// The sender's address.
    pub peer: std::net::SocketAddr,
    /// 1-based count of streams since the receiver started.
    pub number: u64,
    /// The sender writes bare MJPEG or H.264 bytes with no length prefixes.
    pub raw: bool,
    /// The camera it streams (its hello's name, else its port's or address's).
    pub camera: camwire_wire::CameraName,
}

/// Frames for the crate's own tests.
#[cfg(test)]
pub(crate) mod test_frames {
    use std::time::{Duration, SystemTime};

    use bytes::Bytes;
    use camwire_wire::{is_idr_access_unit, PayloadKind};
    use openh264::{
        encoder::{Encoder, EncoderConfig, IntraFramePeriod},
        formats::YUVBuffer,
        OpenH264API,
    };

    use super::Frame;

    /// `n` access units of a flat 64x48 picture, an IDR every `gop`, as frames stamped `1000 + seq` ms.
    pub(crate) fn h264(n: u64, gop: u32) -> Vec<Frame> {
        let config = EncoderConfig::new().skip_frames(false).intra_frame_period(IntraFramePeriod::from_num_frames(gop));
        let mut enc = Encoder::with_api_config(OpenH264API::from_source(), config).unwrap();
        let (w, h) = (64, 48);
        (1..=n)
            .map(|seq| {
                let data =
                    Bytes::from(enc.encode(&YUVBuffer::from_vec(vec![128; w * h * 3 / 2], w, h)).unwrap().to_vec());
                Frame {
                    seq,
                    keyframe: is_idr_access_unit(&data),
                    kind: PayloadKind::H264,
                    data,
                    received_at: SystemTime::now(),
                    captured_at: Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1000 + seq)),
                    sender: None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::Arc,
        time::{Duration, SystemTime},
    };

    use bytes::Bytes;
    use camwire_wire::PayloadKind;

    use super::{Frame, SenderTimes};
    use crate::clock::{ClockOffset, ClockState};

    /// A frame stamped 1.67 ms after it arrived, with its clock as given.
    fn from_the_future(clock: ClockState) -> Frame {
        let received_at = SystemTime::now();
        Frame {
            seq: 1,
            data: Bytes::new(),
            kind: PayloadKind::Jpeg,
            keyframe: true,
            received_at,
            captured_at: Some(received_at + Duration::from_micros(1670)),
            sender: Some(Arc::new(SenderTimes { clock, ..SenderTimes::default() })),
        }
    }

    #[test]
    fn a_corrected_latency_is_never_below_zero_and_an_uncorrected_one_says_the_clock_is_ahead() {
        let corrected = ClockState::Corrected(ClockOffset { offset_us: 0, uncertainty_us: 2000 });
        assert_eq!(from_the_future(corrected).latency_ms(), Some(0.0));
        let uncorrected = from_the_future(ClockState::Uncorrected).latency_ms().unwrap();
        assert!((uncorrected + 1.67).abs() < 0.01, "{uncorrected}");
    }
}
