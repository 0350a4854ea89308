//! Counting what was sent: the final `sent:` summary.

use camwire_app::rates;

/// What a run sent, printed as one `sent:` line at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Frames written to the receiver.
    pub frames: u64,
    /// Payload bytes written.
    pub bytes: u64,
    /// Frames captured but never sent: replaced by a newer one or too late
    /// for `--max-latency` on a slow link, not encoded because the link was
    /// still busy (H.264), skipped waiting for a keyframe, or captured while
    /// reconnecting.
    pub dropped: u64,
    /// Successful reconnections after the first connection.
    pub reconnects: u64,
    /// Wall time from the first connection to the end.
    pub seconds: f64,
    /// Whether the terminator reached the receiver.
    pub terminated: bool,
}

impl Summary {
    /// Frames per second over the run.
    pub fn fps(&self) -> f64 {
        rates(self.frames, self.bytes, self.seconds).0
    }

    /// Payload kilobits per second over the run.
    pub fn kbps(&self) -> f64 {
        rates(self.frames, self.bytes, self.seconds).1
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sent: frames={} bytes={} seconds={:.2} fps={:.1} kbps={:.0} dropped={} reconnects={} terminator={}",
            self.frames,
            self.bytes,
            self.seconds,
            self.fps(),
            self.kbps(),
            self.dropped,
            self.reconnects,
            if self.terminated { "yes" } else { "no" }
        )
    }
}
