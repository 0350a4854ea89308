//! Per-stream counting: the `summary:` line scripts parse, and latency percentiles.

use std::net::SocketAddr;

use camwire_app::rates;

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
    /// A sink failed during the stream (a player exited, a file could not be written).
    pub sink_failed: bool,
    /// Files recorded from this stream (container recordings).
    pub files: Vec<std::path::PathBuf>,
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
        Self(hdrhistogram::Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds"))
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
    /// Ended cleanly, every frame was valid and no sink failed: what `--once` exits 0 for.
    pub fn is_clean(&self) -> bool {
        self.clean && self.invalid == 0 && !self.sink_failed
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
    /// then ` raw=yes` for an unframed stream, the latency percentiles when
    /// frames were stamped, ` sink_failed=yes` when a sink failed, and
    /// ` files=a.mp4,b.mp4` for container recordings.
    /// Scripts parse this: keep the format.
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

#[cfg(test)]
mod tests {
    use super::*;

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
