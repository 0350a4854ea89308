//! The sender's clock, seen from the receiver: an NTP-style estimate of
//! how far it is from ours, from the back channel's pings (protocol.md,
//! section 12), so latency is true across two hosts whose clocks disagree
//! (a Pi without a clock battery, a LAN without NTP).
//!
//! Each ping gives four times: `t1` (ours, as the ping was written), `t2`
//! (the sender's, as it read it), `t3` (the sender's, as it began to write
//! the frame carrying the reply) and `t4` (ours, as that frame arrived).
//! The offset is `((t2 - t1) + (t3 - t4)) / 2` and the round trip
//! `(t4 - t1) - (t3 - t2)`; whatever the split of the round trip between
//! the two ways, the true offset is within half of it. The estimate is the
//! sample with the shortest round trip among the last [`SAMPLES`].

use std::{
    collections::VecDeque,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use camwire_wire::stamp::ClockReply;

/// Samples the estimate is chosen from: the newest this many.
pub const SAMPLES: usize = 8;

/// A ping whose reply takes longer than this is not used.
const MAX_ROUND_TRIP_US: i128 = 10_000_000;

/// How long a stream's capture times wait for a first estimate before they
/// are taken as the sender gives them (a sender that offered the channel but
/// does not answer pings).
pub const FIRST_ESTIMATE_WAIT: Duration = Duration::from_secs(3);

/// The sender's clock minus ours, within `uncertainty`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockOffset {
    /// Microseconds the sender's clock is ahead of ours (negative: behind).
    pub offset_us: i128,
    /// Half the round trip of the sample: the offset is within this many microseconds.
    pub uncertainty_us: u64,
}

/// Whether a stream's latency figures are corrected for the sender's clock.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ClockState {
    /// Taken as the sender gives them: exact on one host, otherwise only as
    /// good as the two clocks' synchronisation (a classic sender).
    #[default]
    Uncorrected,
    /// Corrected by the offset estimated over the back channel.
    Corrected(ClockOffset),
}

/// One stream's estimate of its sender's clock.
#[derive(Debug, Default)]
pub(crate) struct SenderClock {
    samples: VecDeque<ClockOffset>,
}

fn us(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_micros() as i128,
        Err(e) => -(e.duration().as_micros() as i128),
    }
}

impl SenderClock {
    /// Takes the reply that arrived in a frame at `t4`; false when it is not
    /// usable (no ping of ours, or a round trip below zero or over 10 s).
    pub(crate) fn sample(&mut self, reply: ClockReply, t4: SystemTime) -> bool {
        let (t1, t2, t3, t4) = (reply.t1 as i128, reply.t2 as i128, reply.t3 as i128, us(t4));
        let round_trip = (t4 - t1) - (t3 - t2);
        if !(0..=MAX_ROUND_TRIP_US).contains(&round_trip) || t3 < t2 || t4 < t1 {
            return false;
        }
        let offset_us = ((t2 - t1) + (t3 - t4)) / 2;
        if self.samples.len() == SAMPLES {
            self.samples.pop_front();
        }
        self.samples.push_back(ClockOffset { offset_us, uncertainty_us: (round_trip as u64).div_ceil(2) });
        true
    }

    /// The estimate: the sample with the shortest round trip.
    pub(crate) fn estimate(&self) -> Option<ClockOffset> {
        self.samples.iter().min_by_key(|s| s.uncertainty_us).copied()
    }

    /// A capture stamp of the sender's, in microseconds, on our clock.
    pub(crate) fn correct(&self, stamp_us: u64) -> Option<SystemTime> {
        let ours = stamp_us as i128 - self.estimate()?.offset_us;
        let ours = u64::try_from(ours).ok()?;
        Some(UNIX_EPOCH + Duration::from_micros(ours))
    }
}

/// "3.700 s ahead of", "2.0 years behind": how far the sender's clock is from ours.
pub(crate) fn describe(offset_us: i128) -> String {
    let secs = offset_us.unsigned_abs() as f64 / 1e6;
    let how = if offset_us >= 0 { "ahead of" } else { "behind" };
    // The thresholds sit just under 2 of a unit, so a clock 2 years off, measured
    // a fraction of a millisecond short, still reads "2.0 years", not "730.0 days".
    match secs {
        s if s >= 1.95 * 86_400.0 * 365.0 => format!("{:.1} years {how}", s / (86_400.0 * 365.0)),
        s if s >= 1.95 * 86_400.0 => format!("{:.1} days {how}", s / 86_400.0),
        s if s >= 1.0 => format!("{s:.3} s {how}"),
        s => format!("{:.1} ms {how}", s * 1e3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(us: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_micros(us)
    }

    #[test]
    fn the_shortest_round_trip_gives_the_offset_within_half_of_it() {
        let mut clock = SenderClock::default();
        // Sender 3.7 s ahead; 1 ms out and 5 ms back (a frame waiting), then 0.2 ms each way.
        let shift = 3_700_000;
        assert!(clock.sample(ClockReply { t1: 1_000, t2: 2_000 + shift, t3: 10_000 + shift }, at(15_000)));
        assert!(clock.sample(ClockReply { t1: 20_000, t2: 20_200 + shift, t3: 30_000 + shift }, at(30_200)));
        let e = clock.estimate().unwrap();
        assert_eq!(e, ClockOffset { offset_us: shift as i128, uncertainty_us: 200 });
        assert_eq!(clock.correct(50_000 + shift), Some(at(50_000)));
    }

    #[test]
    fn replies_that_cannot_be_ours_are_not_used() {
        let mut clock = SenderClock::default();
        assert!(!clock.sample(ClockReply { t1: 100, t2: 50, t3: 40 }, at(200)), "t3 before t2");
        assert!(!clock.sample(ClockReply { t1: 100, t2: 0, t3: 0 }, at(50)), "arrived before it was sent");
        assert!(!clock.sample(ClockReply { t1: 0, t2: 0, t3: 0 }, at(20_000_000)), "a 20 s round trip");
        assert_eq!(clock.estimate(), None);
        assert_eq!(clock.correct(5), None);
    }

    #[test]
    fn offsets_read_as_people_say_them() {
        assert_eq!(describe(3_700_000), "3.700 s ahead of");
        assert_eq!(describe(-2 * 365 * 86_400 * 1_000_000), "2.0 years behind");
        assert_eq!(describe(1_500), "1.5 ms ahead of");
        assert_eq!(describe(-2 * 365 * 86_400 * 1_000_000 + 300), "2.0 years behind", "a little short of 2 years");
    }
}
