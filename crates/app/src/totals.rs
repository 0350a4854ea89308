//! The figures both binaries' end-of-stream summaries share.

use crate::rates;

/// What went over one connection or run: the part of cam-send's `sent:`
/// line and cam-recv's `summary:` line that both have.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// Frames sent or received.
    pub frames: u64,
    /// Payload bytes sent or received.
    pub bytes: u64,
    /// Wall time the figures cover.
    pub seconds: f64,
    /// Whether the stream ended with the zero-length terminator.
    pub terminated: bool,
}

impl Totals {
    /// Frames per second over [`Totals::seconds`].
    pub fn fps(&self) -> f64 {
        rates(self.frames, self.bytes, self.seconds).0
    }

    /// Payload kilobits per second over [`Totals::seconds`].
    pub fn kbps(&self) -> f64 {
        rates(self.frames, self.bytes, self.seconds).1
    }
}
