//! The one rate counter: frames and payload kilobits per second, over a
//! whole run ([`rates`]) or a sliding window ([`RateCounter`]), and the
//! terminal status line drawn from it.

use std::{
    collections::VecDeque,
    fmt::Display,
    io::Write,
    time::{Duration, Instant},
};

/// Frames per second and payload kilobits per second over `seconds`.
pub fn rates(frames: u64, bytes: u64, seconds: f64) -> (f64, f64) {
    let secs = seconds.max(1e-9);
    (frames as f64 / secs, bytes as f64 * 8.0 / 1000.0 / secs)
}

/// Frames and payload bytes that arrived within the last `window`, as
/// per-second rates: what the status line, the window title and the web
/// view's `/status` show. It holds one entry per arrival in the window.
#[derive(Debug)]
pub struct RateCounter {
    window: Duration,
    /// Arrivals in the window: (when, frames, bytes).
    samples: VecDeque<(Instant, u64, u64)>,
    /// The running totals last given to [`RateCounter::total`].
    last_total: Option<(u64, u64)>,
}

impl RateCounter {
    /// A counter that averages over `window`.
    pub fn new(window: Duration) -> Self {
        Self { window, samples: VecDeque::new(), last_total: None }
    }

    /// Counts `frames` frames of `bytes` bytes arriving now.
    pub fn add(&mut self, frames: u64, bytes: u64) {
        let now = Instant::now();
        self.samples.push_back((now, frames, bytes));
        while self.samples.front().is_some_and(|(at, ..)| now.duration_since(*at) > self.window) {
            self.samples.pop_front();
        }
    }

    /// Counts what running totals grew by since the last call. The first
    /// totals, and totals smaller than the last (a new stream), are only
    /// the base the next ones count from.
    pub fn total(&mut self, frames: u64, bytes: u64) {
        if let Some((f, b)) = self.last_total.filter(|&(f, b)| frames >= f && bytes >= b) {
            self.add(frames - f, bytes - b);
        }
        self.last_total = Some((frames, bytes));
    }

    /// Frames per second and kilobits per second over the last window.
    pub fn rates(&self) -> (f64, f64) {
        let now = Instant::now();
        let (frames, bytes) = self
            .samples
            .iter()
            .filter(|(at, ..)| now.duration_since(*at) <= self.window)
            .fold((0, 0), |(f, b), &(_, frames, bytes)| (f + frames, b + bytes));
        rates(frames, bytes, self.window.as_secs_f64())
    }

    /// Forgets every arrival and the running totals (the stream ended).
    pub fn clear(&mut self) {
        self.samples.clear();
        self.last_total = None;
    }
}

/// A status line redrawn in place on stderr about once a second:
/// `<label>: <frames> frames  <fps> fps  <kbps> kbit/s`.
#[derive(Debug)]
pub struct StatusLine {
    enabled: bool,
    rate: RateCounter,
    last: Instant,
    drawn: bool,
}

/// How often the status line is redrawn, and the window its rates cover.
const STATUS_PERIOD: Duration = Duration::from_secs(1);

impl StatusLine {
    /// A status line that draws only when `enabled` (stderr a terminal, not `--quiet`).
    pub fn new(enabled: bool) -> Self {
        let mut rate = RateCounter::new(STATUS_PERIOD);
        rate.total(0, 0);
        Self { enabled, rate, last: Instant::now(), drawn: false }
    }

    /// Redraws with the running totals if a second has passed since the last time.
    pub fn tick(&mut self, label: impl Display, frames: u64, bytes: u64) {
        if !self.enabled {
            return;
        }
        self.rate.total(frames, bytes);
        if self.last.elapsed() < STATUS_PERIOD {
            return;
        }
        let (fps, kbps) = self.rate.rates();
        let _ = write!(std::io::stderr(), "\r\x1b[K{label}: {frames} frames  {fps:.1} fps  {kbps:.0} kbit/s");
        (self.last, self.drawn) = (Instant::now(), true);
    }

    /// Clears the line so the next output starts on a clean line.
    pub fn clear(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_arrived_in_the_window_per_second() {
        let mut r = RateCounter::new(Duration::from_secs(2));
        assert_eq!(r.rates(), (0.0, 0.0));
        r.add(10, 1000);
        r.add(10, 1500);
        assert_eq!(r.rates(), (10.0, 10.0), "20 frames and 20 kbit in a 2 s window");
        r.clear();
        assert_eq!(r.rates(), (0.0, 0.0));
    }

    #[test]
    fn running_totals_count_their_growth_and_restart_when_they_fall() {
        let mut r = RateCounter::new(Duration::from_secs(1));
        r.total(100, 10_000);
        assert_eq!(r.rates(), (0.0, 0.0), "the first totals are the base");
        r.total(130, 13_000);
        assert_eq!(r.rates(), (30.0, 24.0));
        r.total(5, 500);
        assert_eq!(r.rates(), (30.0, 24.0), "a new stream's totals are a new base");
        r.total(6, 500);
        assert_eq!(r.rates().0, 31.0);
    }

    /// Moved here from the web view's `Stats` (view/http/feed.rs), whose window this was.
    #[test]
    fn rate_window_stays_bounded_without_status_requests() {
        let mut r = RateCounter::new(Duration::from_secs(2));
        for _ in 0..1000 {
            r.add(1, 100);
        }
        // Age the oldest sample past the window: the next count drops it, no rates() call needed.
        r.samples.front_mut().unwrap().0 -= Duration::from_secs(4);
        r.add(1, 100);
        assert_eq!(r.samples.len(), 1000);
    }
}
