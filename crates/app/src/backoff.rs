//! How long to wait before the next connection attempt: `cam-send`'s
//! reconnects to the receiver, `cam-recv --publish` restarting ffmpeg.

use std::time::Duration;

/// Capped exponential backoff between connection attempts.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    next: Duration,
    cap: Duration,
}

impl Default for Backoff {
    /// 100 ms, doubling up to 1 s: a restarted receiver gets frames again within about a second.
    fn default() -> Self {
        Self::new(Duration::from_millis(100), Duration::from_secs(1))
    }
}

impl Backoff {
    /// Starts at `first`, doubling up to `cap`.
    pub fn new(first: Duration, cap: Duration) -> Self {
        Self { first, next: first, cap }
    }

    /// For a receiver that answered `CAMWIRE REFUSED`: 1 s, doubling up to
    /// 10 s. It is there and said no; asking again at once changes nothing.
    pub fn refused() -> Self {
        Self::new(Duration::from_secs(1), Duration::from_secs(10))
    }

    /// The delay before the next attempt; each call doubles the following one up to the cap.
    pub fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.cap);
        d
    }

    /// Starts over from the first delay (after a connection that worked).
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

#[cfg(test)]
mod tests {
    use tokio::time::{sleep, Instant};

    use super::*;

    async fn attempts_within(mut backoff: Backoff, window: Duration) -> usize {
        let end = Instant::now() + window;
        let mut n = 1; // the first attempt is immediate
        loop {
            sleep(backoff.next_delay()).await;
            if Instant::now() > end {
                return n;
            }
            n += 1;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn unreachable_receiver_is_retried_about_once_a_second() {
        let mut b = Backoff::default();
        let delays: Vec<u64> = (0..6).map(|_| b.next_delay().as_millis() as u64).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        // 0, 0.1, 0.3, 0.7, 1.5, 2.5, 3.5, ... 9.5: 13 attempts in 10 s.
        assert_eq!(attempts_within(Backoff::default(), Duration::from_secs(10)).await, 13);
    }

    #[tokio::test(start_paused = true)]
    async fn refusing_receiver_is_asked_a_few_times_a_minute_not_many_times_a_second() {
        let mut b = Backoff::refused();
        let delays: Vec<u64> = (0..6).map(|_| b.next_delay().as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        // 0, 1, 3, 7: four attempts in the first 10 s, then one every 10 s.
        assert_eq!(attempts_within(Backoff::refused(), Duration::from_secs(10)).await, 4);
        assert_eq!(attempts_within(Backoff::refused(), Duration::from_secs(60)).await, 9);
    }

    #[tokio::test(start_paused = true)]
    async fn reset_starts_over() {
        let mut b = Backoff::refused();
        b.next_delay();
        b.next_delay();
        b.reset();
        assert_eq!(b.next_delay(), Duration::from_secs(1));
    }
}
