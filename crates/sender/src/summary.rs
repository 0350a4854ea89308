//! Counting what was sent: the final `sent:` summary.

use camwire_app::Totals;

/// What a run sent, printed as one `sent:` line at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Frames and payload bytes written, wall time from the first
    /// connection to the end, and whether the terminator reached the
    /// receiver; read through `Deref` (`summary.frames`).
    pub totals: Totals,
    /// Frames captured but never sent: replaced by a newer one or too late
    /// for `--max-latency` on a slow link, not encoded because the link was
    /// still busy (H.264), skipped waiting for a keyframe, or captured while
    /// reconnecting.
    pub dropped: u64,
    /// Successful reconnections after the first connection.
    pub reconnects: u64,
    /// The camera's name, when it went on the wire (the receiver files the stream under it).
    pub camera: Option<String>,
}

impl std::ops::Deref for Summary {
    type Target = Totals;
    fn deref(&self) -> &Totals {
        &self.totals
    }
}

impl std::ops::DerefMut for Summary {
    fn deref_mut(&mut self) -> &mut Totals {
        &mut self.totals
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sent: frames={} bytes={} seconds={:.2} fps={:.1} kbps={:.0} dropped={} reconnects={}{} terminator={}",
            self.frames,
            self.bytes,
            self.seconds,
            self.fps(),
            self.kbps(),
            self.dropped,
            self.reconnects,
            self.camera.as_ref().map_or_else(String::new, |name| format!(" camera={name}")),
            if self.terminated { "yes" } else { "no" }
        )
    }
}
