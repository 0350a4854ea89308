//! Pacing a source to `--fps`. A floor below `source/`: every source that
//! paces itself uses it, and it knows nothing of them.

use std::time::{Duration, Instant};

/// Paces a source to a frame rate on absolute deadlines, so small delays do
/// not accumulate; a source that fell more than a frame behind starts over
/// from now instead of bursting to catch up.
#[derive(Debug)]
pub struct Pacer {
    period: Option<Duration>,
    next: Option<Instant>,
}

impl Pacer {
    /// A pacer for `fps` frames per second; 0 does not pace.
    pub fn new(fps: f64) -> Self {
        let period = (fps > 0.0).then(|| Duration::from_secs_f64(1.0 / fps));
        Self { period, next: None }
    }

    /// Sleeps until the next frame is due.
    pub fn wait(&mut self) {
        let Some(period) = self.period else { return };
        let now = Instant::now();
        let due = *self.next.get_or_insert(now);
        if due > now {
            std::thread::sleep(due - now);
            self.next = Some(due + period);
        } else if now - due > period {
            self.next = Some(now + period);
        } else {
            self.next = Some(due + period);
        }
    }
}
