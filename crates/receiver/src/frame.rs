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
}

impl Frame {
    /// Capture-to-arrival latency in milliseconds, when the frame is stamped.
    /// Exact on one host; across hosts only as good as their clock sync.
    pub fn latency_ms(&self) -> Option<f64> {
        let captured = self.captured_at?;
        Some(match self.received_at.duration_since(captured) {
            Ok(d) => d.as_secs_f64() * 1000.0,
            Err(e) => -e.duration().as_secs_f64() * 1000.0,
        })
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
                }
            })
            .collect()
    }
}
