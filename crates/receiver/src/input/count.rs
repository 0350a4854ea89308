//! Per-stream counting: frames, bytes, latencies, and the summary they make.

use camwire_app::Totals;
use camwire_wire::CameraName;
use std::time::Instant;

use crate::{
    frame::Frame,
    summary::{LatencyHistogram, StreamSummary},
};

/// What one stream has delivered so far.
pub(super) struct StreamCount {
    started: Instant,
    /// Frames counted (the next frame's number is one more).
    pub(super) frames: u64,
    /// Payload bytes counted.
    pub(super) bytes: u64,
    latencies: LatencyHistogram,
}

impl StreamCount {
    /// Counting from `started` (the connection's first byte).
    pub(super) fn new(started: Instant) -> Self {
        Self { started, frames: 0, bytes: 0, latencies: LatencyHistogram::new() }
    }

    /// Counts the next frame, `len` payload bytes; returns its number.
    pub(super) fn add(&mut self, len: usize) -> u64 {
        self.frames += 1;
        self.bytes += len as u64;
        self.frames
    }

    /// Records the frame's capture-to-arrival latency, when it is stamped.
    pub(super) fn latency(&mut self, frame: &Frame) {
        if let Some(ms) = frame.latency_ms() {
            self.latencies.record(ms);
        }
    }

    /// The summary of the stream, now ended as `ending` says.
    pub(super) fn summary(&self, peer: std::net::SocketAddr, camera: CameraName, ending: Ended) -> StreamSummary {
        StreamSummary {
            peer,
            camera,
            totals: Totals {
                frames: self.frames,
                bytes: self.bytes,
                seconds: self.started.elapsed().as_secs_f64(),
                terminated: ending.terminated,
            },
            invalid: ending.invalid,
            raw: ending.raw,
            clean: ending.clean,
            latency: self.latencies.figures(),
            sink_failed: ending.sink_failed,
            files: ending.files,
            clock: Default::default(),
        }
    }
}

/// How a stream ended, for its summary.
#[derive(Debug, Default)]
pub(super) struct Ended {
    pub(super) invalid: u64,
    pub(super) terminated: bool,
    pub(super) raw: bool,
    pub(super) clean: bool,
    pub(super) sink_failed: bool,
    pub(super) files: Vec<std::path::PathBuf>,
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use bytes::Bytes;
    use camwire_wire::PayloadKind;

    use super::*;

    #[test]
    fn counts_frames_bytes_and_stamped_latencies_into_the_summary() {
        let mut count = StreamCount::new(Instant::now());
        let now = SystemTime::now();
        for (len, stamped) in [(100, true), (50, false), (10, true)] {
            let seq = count.add(len);
            let captured_at = stamped.then(|| now - Duration::from_millis(20));
            let frame = Frame {
                seq,
                data: Bytes::new(),
                kind: PayloadKind::Jpeg,
                keyframe: true,
                received_at: now,
                captured_at,
                sender: None,
            };
            count.latency(&frame);
        }
        let peer = "127.0.0.1:1".parse().unwrap();
        let summary = count.summary(
            peer,
            CameraName::new("cam").unwrap(),
            Ended { terminated: true, clean: true, ..Ended::default() },
        );
        assert_eq!((summary.frames, summary.bytes), (3, 160));
        assert!(summary.terminated && summary.is_clean());
        let latency = summary.latency.expect("two frames were stamped");
        assert!((latency.max - 20.0).abs() < 0.1, "{latency:?}");
    }

    #[test]
    fn no_stamped_frame_means_no_latency_figures() {
        let mut count = StreamCount::new(Instant::now());
        count.add(1);
        assert!(count
            .summary("127.0.0.1:1".parse().unwrap(), CameraName::new("cam").unwrap(), Ended::default())
            .latency
            .is_none());
    }
}
