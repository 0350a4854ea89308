//! Log lines a stranger can cause (a failed handshake, a refused address, a
//! connection dropped to make room), kept to a few per period: the first
//! [`Throttle::burst`] of a period are logged, the rest only counted, and the
//! next line logged says how many were not. A flood of bad connections then
//! costs a few lines every few seconds instead of one line per attempt.

use std::{
    fmt,
    sync::Mutex,
    time::{Duration, Instant},
};

/// How often each kind of line may be logged, and how many at once.
pub(crate) struct Throttle {
    burst: u32,
    period: Duration,
    state: Mutex<State>,
}

struct State {
    /// When the current period began; `None` before the first event.
    since: Option<Instant>,
    logged: u32,
    not_logged: u64,
    total: u64,
}

/// What a line that may be logged should add: the events not logged before it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tally {
    /// Events of this kind since the last logged line that were not logged.
    pub not_logged: u64,
    /// Events of this kind so far, this one included.
    pub total: u64,
}

impl Throttle {
    /// At most `burst` lines every `period`.
    pub(crate) const fn new(burst: u32, period: Duration) -> Self {
        Self { burst, period, state: Mutex::new(State { since: None, logged: 0, not_logged: 0, total: 0 }) }
    }

    /// Counts one event: `Some` when its line may be logged.
    pub(crate) fn tick(&self) -> Option<Tally> {
        let mut s = self.state.lock().expect("throttle lock");
        s.total += 1;
        let now = Instant::now();
        if s.since.is_none_or(|t| now.duration_since(t) >= self.period) {
            s.since = Some(now);
            s.logged = 0;
        }
        if s.logged >= self.burst {
            s.not_logged += 1;
            return None;
        }
        s.logged += 1;
        let tally = Tally { not_logged: s.not_logged, total: s.total };
        s.not_logged = 0;
        Some(tally)
    }
}

/// Nothing when every earlier event was logged, else ` (N more not logged)`.
impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.not_logged > 0 {
            write!(f, " ({} more like it not logged)", self.not_logged)?;
        }
        Ok(())
    }
}

/// `warn!` through a [`Throttle`]: logged with the tally of lines not
/// logged before it, or only counted.
macro_rules! warn_throttled {
    ($throttle:expr, $($arg:tt)+) => {
        if let Some(tally) = $throttle.tick() {
            tracing::warn!("{}{tally}", format_args!($($arg)+));
        }
    };
}
pub(crate) use warn_throttled;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_burst_events_are_counted_and_the_next_line_says_how_many() {
        let throttle = Throttle::new(2, Duration::from_millis(50));
        assert!(throttle.tick().is_some() && throttle.tick().is_some());
        assert!((0..5).all(|_| throttle.tick().is_none()));
        std::thread::sleep(Duration::from_millis(60));
        let tally = throttle.tick().expect("a new period");
        assert_eq!((tally.not_logged, tally.total), (5, 8));
        assert_eq!(tally.to_string(), " (5 more like it not logged)");
        assert_eq!(throttle.tick().unwrap().to_string(), "");
    }
}
