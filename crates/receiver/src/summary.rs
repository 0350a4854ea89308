//! Per-stream counting: the `summary:` line scripts parse, and latency
//! percentiles, of a whole stream and of a viewer's recent frames; and the
//! [`Outcome`] of a whole run.

use std::{collections::VecDeque, net::SocketAddr};

use camwire_app::Totals;

use crate::frame::Frame;

/// The figures of one finished stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSummary {
    /// The sender.
    pub peer: SocketAddr,
    /// The camera it streamed: the name its hello gave, else its address made safe.
    pub camera: camwire_wire::CameraName,
    /// Frames and payload bytes received, the time from the first byte to
    /// the end of the stream, and whether it ended with the zero-length
    /// terminator; read through `Deref` (`summary.frames`).
    pub totals: Totals,
    /// Frames a sink found invalid (with `--verify`: failed to decode).
    pub invalid: u64,
    /// The sender wrote bare MJPEG or H.264 with no framing.
    pub raw: bool,
    /// The stream ended as its sender meant it to: with the terminator, or
    /// (raw streams, which have none) closed between frames.
    pub clean: bool,
    /// Capture-to-arrival latency, when the frames were stamped.
    pub latency: Option<LatencyFigures>,
    /// A sink failed during the stream (a player exited, a file could not be written).
    pub sink_failed: bool,
    /// Files recorded from this stream (container recordings).
    pub files: Vec<std::path::PathBuf>,
    /// Whether the latency figures are corrected for the sender's clock.
    pub clock: crate::clock::ClockState,
}

impl StreamSummary {
    /// This summary, its latency corrected as `clock` says.
    pub(crate) fn with_clock(self, clock: crate::clock::ClockState) -> Self {
        Self { clock, ..self }
    }
}

/// Percentiles of capture-to-arrival latency over one stream, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyFigures {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// Every capture-to-arrival latency of one stream, in constant memory: a
/// histogram at 1 µs resolution with 3 significant digits, 1 µs to 1 hour,
/// so a stream that runs for days costs the same as one that runs a minute.
/// Negative latencies (sender clock ahead of the receiver's) count as 0.
pub struct LatencyHistogram(hdrhistogram::Histogram<u64>);

impl LatencyHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self::up_to(3_600_000.0)
    }

    /// An empty histogram for latencies up to `ms` (at most 1 hour): the
    /// same resolution in less memory when the largest value is known.
    fn up_to(ms: f64) -> Self {
        let high = ((ms * 1000.0) as u64).clamp(2, 3_600_000_000);
        Self(hdrhistogram::Histogram::new_with_bounds(1, high, 3).expect("valid histogram bounds"))
    }

    /// Adds one latency in milliseconds.
    pub fn record(&mut self, ms: f64) {
        self.0.saturating_record((ms * 1000.0).max(1.0) as u64);
    }

    /// p50, p99 and max; `None` when nothing was recorded.
    pub fn figures(&self) -> Option<LatencyFigures> {
        let ms = |us: u64| us as f64 / 1000.0;
        (!self.0.is_empty()).then(|| LatencyFigures {
            p50: ms(self.0.value_at_quantile(0.5)),
            p99: ms(self.0.value_at_quantile(0.99)),
            max: ms(self.0.max()),
        })
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

/// Capture-to-arrival latency of the last frames a viewer saw (the window
/// title, the web view's `/status`), in milliseconds.
#[derive(Debug)]
pub(crate) struct RecentLatency {
    samples: VecDeque<f64>,
    capacity: usize,
}

impl RecentLatency {
    /// Keeps the last `capacity` samples.
    pub(crate) fn new(capacity: usize) -> Self {
        Self { samples: VecDeque::with_capacity(capacity), capacity }
    }

    /// Counts `frame`, if it is stamped.
    pub(crate) fn add(&mut self, frame: &Frame) {
        if let Some(ms) = frame.latency_ms() {
            self.add_ms(ms);
        }
    }

    /// Counts one latency in milliseconds.
    pub(crate) fn add_ms(&mut self, ms: f64) {
        if self.samples.len() == self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(ms);
    }

    /// Forgets every sample (a new stream).
    pub(crate) fn clear(&mut self) {
        self.samples.clear();
    }

    /// Median and 99th percentile, taken as a whole stream's are (one
    /// [`LatencyHistogram`]); `None` without stamped frames.
    pub(crate) fn p50_p99(&self) -> Option<(f64, f64)> {
        let mut histogram = LatencyHistogram::up_to(self.samples.iter().copied().fold(0.0, f64::max));
        self.samples.iter().for_each(|&ms| histogram.record(ms));
        histogram.figures().map(|f| (f.p50, f.p99))
    }
}

impl StreamSummary {
    /// Ended cleanly, every frame was valid and no sink failed: what `--once` exits 0 for.
    pub fn is_clean(&self) -> bool {
        self.clean && self.invalid == 0 && !self.sink_failed
    }
}

impl std::ops::Deref for StreamSummary {
    type Target = Totals;
    fn deref(&self) -> &Totals {
        &self.totals
    }
}

impl std::fmt::Display for StreamSummary {
    /// `summary: frames=<n> invalid=<k> bytes=<b> seconds=<s> fps=<f> kbps=<r> camera=<name> terminator=<yes|no>`,
    /// then ` raw=yes` for an unframed stream, the latency percentiles when
    /// frames were stamped (with ` clock=uncorrected`, or ` clock=corrected
    /// clock_offset_ms=<sender minus receiver> clock_uncertainty_ms=<half the round trip>`), ` sink_failed=yes` when a sink failed, and
    /// ` files=a.mp4,b.mp4` for container recordings.
    /// Scripts parse this: keep the format.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "summary: frames={} invalid={} bytes={} seconds={:.2} fps={:.1} kbps={:.0} camera={} terminator={}",
            self.frames,
            self.invalid,
            self.bytes,
            self.seconds,
            self.fps(),
            self.kbps(),
            self.camera,
            if self.terminated { "yes" } else { "no" }
        )?;
        if self.raw {
            f.write_str(" raw=yes")?;
        }
        if let Some(l) = self.latency {
            write!(f, " latency_p50_ms={:.2} latency_p99_ms={:.2} latency_max_ms={:.2}", l.p50, l.p99, l.max)?;
            match self.clock {
                crate::clock::ClockState::Uncorrected => f.write_str(" clock=uncorrected")?,
                crate::clock::ClockState::Corrected(c) => write!(
                    f,
                    " clock=corrected clock_offset_ms={:.3} clock_uncertainty_ms={:.3}",
                    c.offset_us as f64 / 1000.0,
                    c.uncertainty_us as f64 / 1000.0
                )?,
            }
        }
        if self.sink_failed {
            f.write_str(" sink_failed=yes")?;
        }
        if !self.files.is_empty() {
            let names: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
            write!(f, " files={}", names.join(","))?;
        }
        Ok(())
    }
}

/// How a run ended. It holds what `--once` needs and no more, so a receiver
/// that serves streams for months keeps constant memory: every summary is
/// handed out when its stream ends, only the first is kept.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Streams received.
    pub streams: u64,
    /// The first stream's summary: the one `--once` exits on.
    pub first: Option<StreamSummary>,
    /// With `--once`: the stream ended with the terminator, every frame was
    /// valid and no sink failed. Otherwise: the receiver shut down cleanly.
    pub success: bool,
}

impl Outcome {
    /// Counts a finished stream, keeping its summary only if it is the first.
    pub fn add(&mut self, summary: StreamSummary) {
        self.streams += 1;
        self.first.get_or_insert(summary);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(frames: u64) -> StreamSummary {
        StreamSummary {
            peer: "127.0.0.1:1".parse().unwrap(),
            camera: camwire_wire::CameraName::new("cam").unwrap(),
            totals: Totals { frames, bytes: 0, seconds: 1.0, terminated: true },
            invalid: 0,
            raw: false,
            clean: true,
            latency: None,
            sink_failed: false,
            files: vec![format!("/rec/{frames}.mkv").into()],
            clock: Default::default(),
        }
    }

    #[test]
    fn outcome_keeps_the_first_summary_and_a_count_however_many_streams() {
        let mut outcome = Outcome::default();
        let mut shown_after = Vec::new();
        for n in 1..=200_000 {
            outcome.add(summary(n));
            if n == 100_000 || n == 200_000 {
                shown_after.push(format!("{outcome:?}"));
            }
        }
        assert_eq!(outcome.streams, 200_000);
        assert_eq!(outcome.first.as_ref().map(|s| s.frames), Some(1), "--once reports on the first stream");
        // Nothing grows with the streams: all it holds (every field shows in
        // its Debug form) is as long after 200,000 streams as after 100,000.
        assert_eq!(shown_after[0].len(), shown_after[1].len(), "{}", shown_after[1]);
    }

    #[test]
    fn histogram_percentiles_match_the_samples() {
        let mut h = LatencyHistogram::new();
        assert!(h.figures().is_none());
        for i in 1..=1000 {
            h.record(i as f64 / 100.0); // 0.01 .. 10 ms
        }
        let f = h.figures().unwrap();
        assert!((f.p50 - 5.0).abs() < 0.01, "{f:?}");
        assert!((f.p99 - 9.9).abs() < 0.01, "{f:?}");
        assert!((f.max - 10.0).abs() < 0.01, "{f:?}");
        // A sender clock ahead of ours gives a negative latency: counted as the smallest value.
        h.record(-3.0);
        assert_eq!(h.figures().unwrap().max, f.max);
        // Past the 1-hour range it saturates instead of failing.
        h.record(1e12);
        assert!(h.figures().unwrap().max >= 3_600_000.0);
    }
}
