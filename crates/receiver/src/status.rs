//! Per-stream counting: the `summary:` line scripts parse, and latency percentiles.

use std::net::SocketAddr;

use camwire_wire::app::rates;

/// The figures of one finished stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSummary {
    /// The sender.
    pub peer: SocketAddr,
    /// Frames received.
    pub frames: u64,
    /// Frames a sink found invalid (with `--verify`: failed to decode).
    pub invalid: u64,
    /// Payload bytes received.
    pub bytes: u64,
    /// From the first byte to the end of the stream.
    pub seconds: f64,
    /// The stream ended with the zero-length terminator.
    pub terminated: bool,
    /// The sender wrote bare MJPEG or H.264 with no framing.
    pub raw: bool,
    /// The stream ended as its sender meant it to: with the terminator, or
    /// (raw streams, which have none) closed between frames.
    pub clean: bool,
    /// Capture-to-arrival latency, when the frames were stamped.
    pub latency: Option<LatencyFigures>,
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

impl LatencyFigures {
    /// The figures of `samples` (sorted in place); `None` when empty.
    pub fn of(samples: &mut [f64]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        Some(Self { p50: at(0.5), p99: at(0.99), max: samples[samples.len() - 1] })
    }
}

impl StreamSummary {
    /// Ended cleanly and every frame was valid: what `--once` exits 0 for.
    pub fn is_clean(&self) -> bool {
        self.clean && self.invalid == 0
    }

    /// Frames per second over the stream.
    pub fn fps(&self) -> f64 {
        rates(self.frames, self.bytes, self.seconds).0
    }

    /// Payload kilobits per second over the stream.
    pub fn kbps(&self) -> f64 {
        rates(self.frames, self.bytes, self.seconds).1
    }
}

impl std::fmt::Display for StreamSummary {
    /// `summary: frames=<n> invalid=<k> bytes=<b> seconds=<s> fps=<f> kbps=<r> terminator=<yes|no>`,
    /// then ` raw=yes` for an unframed stream and the latency percentiles when
    /// frames were stamped. Scripts parse this: keep the format.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "summary: frames={} invalid={} bytes={} seconds={:.2} fps={:.1} kbps={:.0} terminator={}",
            self.frames,
            self.invalid,
            self.bytes,
            self.seconds,
            self.fps(),
            self.kbps(),
            if self.terminated { "yes" } else { "no" }
        )?;
        if self.raw {
            f.write_str(" raw=yes")?;
        }
        if let Some(l) = self.latency {
            write!(f, " latency_p50_ms={:.2} latency_p99_ms={:.2} latency_max_ms={:.2}", l.p50, l.p99, l.max)?;
        }
        Ok(())
    }
}
