//! `--secs` on a paced source: the run is `fps x secs` frames, counted on
//! the pacing clock, so `--fps 10 --secs 2` sends exactly 20 frames whatever
//! the timing of the run's start and end. A source that falls behind its
//! pace (a slow camera) still stops when the time is up.

use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;

use super::{Captured, Source};
use crate::{pace::Latch, picture::Orientation};

/// A paced source that ends after `--secs`: after `ceil(fps x secs)` frames,
/// or earlier at a frame that comes well after `secs` (half a second, or half
/// a frame time if longer: a source that fell behind its pace).
pub struct ForSecs {
    inner: Box<dyn Source>,
    /// Frames in the run when every frame is on time.
    frames: u64,
    /// When a late frame is past the run.
    until: Duration,
    period: Duration,
    given: u64,
    first: Option<Instant>,
    /// The first frame is asked for once this opens: when the stream starts.
    started: Latch,
}

impl ForSecs {
    /// `inner`, paced at `fps` (more than 0), for `secs` from when `started` opens.
    pub fn new(inner: Box<dyn Source>, fps: f64, secs: Duration, started: Latch) -> Self {
        let period = Duration::from_secs_f64(1.0 / fps);
        Self {
            inner,
            frames: frames_in(fps, secs),
            until: secs + (period / 2).max(Duration::from_millis(500)),
            period,
            given: 0,
            first: None,
            started,
        }
    }
}

/// Frames at `fps` whose slot (`k / fps`, from 0) falls within `secs`.
pub fn frames_in(fps: f64, secs: Duration) -> u64 {
    // The small allowance keeps 30 x 0.1 at 3 where floating point says 3.0000000000000004.
    (fps * secs.as_secs_f64() - 1e-9).ceil().max(1.0) as u64
}

impl Source for ForSecs {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        if self.given >= self.frames {
            // The last frame's time runs out before the run ends, so the
            // run lasts `frames / fps` (2 s for --fps 10 --secs 2), as the rates say.
            if let Some(end) = self.first.map(|t| t + self.period.mul_f64(self.frames as f64)) {
                std::thread::sleep(end.saturating_duration_since(Instant::now()));
            }
            return Ok(None);
        }
        if self.first.is_none() {
            self.started.wait();
        }
        let Some(frame) = self.inner.next_frame()? else { return Ok(None) };
        let now = Instant::now();
        let first = *self.first.get_or_insert(now);
        if now - first >= self.until {
            return Ok(None);
        }
        self.given += 1;
        Ok(Some(frame))
    }

    fn orientation_done(&self) -> Orientation {
        self.inner.orientation_done()
    }

    fn take_restart(&mut self) -> bool {
        self.inner.take_restart()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_is_fps_times_secs_frames() {
        let secs = Duration::from_secs_f64;
        assert_eq!(frames_in(10.0, secs(2.0)), 20);
        assert_eq!(frames_in(30.0, secs(0.1)), 3);
        assert_eq!(frames_in(30.0, secs(2.0)), 60);
        assert_eq!(frames_in(7.5, secs(1.0)), 8, "slots at 0, 0.13, ... 0.93 s");
        assert_eq!(frames_in(1.0, secs(0.2)), 1, "the first frame is always in");
    }
}
