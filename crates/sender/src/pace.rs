//! Pacing a source to `--fps`. A floor below `source/`: every source that
//! paces itself uses it, and it knows nothing of them.

use std::{
    sync::{Arc, Condvar, Mutex},
    time::{Duration, Instant},
};

/// Closed until [`open`](Self::open), then open for good; clones share it.
/// A `--secs` run's pacing clock waits on it for the stream to start (the
/// first connection), so frames captured while connecting do not count.
#[derive(Debug, Clone, Default)]
pub struct Latch(Arc<(Mutex<bool>, Condvar)>);

impl Latch {
    /// Opens the latch and wakes every waiter.
    pub fn open(&self) {
        *self.0 .0.lock().expect("latch lock") = true;
        self.0 .1.notify_all();
    }

    /// Blocks until the latch is open.
    pub fn wait(&self) {
        let open = self.0 .0.lock().expect("latch lock");
        drop(self.0 .1.wait_while(open, |open| !*open).expect("latch lock"));
    }
}

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
        let delay = self.delay(Instant::now());
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
    }

    /// How long a frame asked for at `now` waits, and the deadline of the one after it.
    fn delay(&mut self, now: Instant) -> Duration {
        let Some(period) = self.period else { return Duration::ZERO };
        let due = *self.next.get_or_insert(now);
        if due > now {
            self.next = Some(due + period);
            due - now
        } else if now - due > period {
            self.next = Some(now + period);
            Duration::ZERO
        } else {
            self.next = Some(due + period);
            Duration::ZERO
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn deadlines_are_absolute_so_a_late_frame_does_not_shift_the_next() {
        let mut pacer = Pacer::new(10.0);
        let t0 = Instant::now();
        assert_eq!(pacer.delay(t0), Duration::ZERO, "the first frame goes at once");
        assert_eq!(pacer.delay(t0 + 40 * MS), 60 * MS, "the second is due a period after the first");
        // Asked 30 ms after its deadline of t0 + 200 ms: no wait, and the next stays at t0 + 300 ms.
        assert_eq!(pacer.delay(t0 + 230 * MS), Duration::ZERO);
        assert_eq!(pacer.delay(t0 + 290 * MS), 10 * MS);
    }

    #[test]
    fn a_source_more_than_a_frame_behind_starts_over_instead_of_bursting() {
        let mut pacer = Pacer::new(10.0);
        let t0 = Instant::now();
        pacer.delay(t0);
        // Due at t0 + 100 ms, asked at t0 + 550 ms: the next is a period from now, not at t0 + 200 ms.
        assert_eq!(pacer.delay(t0 + 550 * MS), Duration::ZERO);
        assert_eq!(pacer.delay(t0 + 560 * MS), 90 * MS);
    }

    #[test]
    fn zero_fps_never_waits() {
        let mut pacer = Pacer::new(0.0);
        let t0 = Instant::now();
        assert!((0..5).all(|_| pacer.delay(t0).is_zero()));
    }
}
