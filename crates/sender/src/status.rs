//! Counting what was sent: the live status line and the final summary.

use std::{
    io::Write,
    time::{Duration, Instant},
};

/// What a run sent, printed as one `sent:` line at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Frames written to the receiver.
    pub frames: u64,
    /// Payload bytes written.
    pub bytes: u64,
    /// Frames the capture produced while no receiver was connected, or that
    /// were skipped waiting for a keyframe.
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
        self.frames as f64 / self.seconds.max(1e-9)
    }

    /// Payload kilobits per second over the run.
    pub fn kbps(&self) -> f64 {
        self.bytes as f64 * 8.0 / 1000.0 / self.seconds.max(1e-9)
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

/// A status line redrawn in place on stderr about once a second.
#[derive(Debug)]
pub(crate) struct StatusLine {
    enabled: bool,
    last: Instant,
    last_frames: u64,
    last_bytes: u64,
    drawn: bool,
}

impl StatusLine {
    pub(crate) fn new(enabled: bool) -> Self {
        Self { enabled, last: Instant::now(), last_frames: 0, last_bytes: 0, drawn: false }
    }

    /// Redraws if a second has passed since the last time.
    pub(crate) fn tick(&mut self, s: &Summary, connected: bool) {
        let dt = self.last.elapsed();
        if !self.enabled || dt < Duration::from_secs(1) {
            return;
        }
        let fps = (s.frames - self.last_frames) as f64 / dt.as_secs_f64();
        let kbps = (s.bytes - self.last_bytes) as f64 * 8.0 / 1000.0 / dt.as_secs_f64();
        let state = if connected { "streaming" } else { "waiting for receiver" };
        let _ = write!(std::io::stderr(), "\r\x1b[K{state}: {} frames  {fps:.1} fps  {kbps:.0} kbit/s", s.frames);
        (self.last, self.last_frames, self.last_bytes, self.drawn) = (Instant::now(), s.frames, s.bytes, true);
    }

    /// Clears the line so the next output starts on a clean line.
    pub(crate) fn clear(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            self.drawn = false;
        }
    }
}
