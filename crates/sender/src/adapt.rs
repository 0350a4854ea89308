//! A bit rate that follows the link (`--adapt`, on by default for cam-send's
//! own encoder): the output measures what the link carries from its own
//! socket, and the capture thread encodes to fit.
//!
//! The output's socket keeps almost nothing unsent in live mode
//! (`TCP_NOTSENT_LOWAT`, see `output/link.rs`), so a link slower than the
//! stream shows as time the output spends waiting for the socket to take
//! the next frame. Every half second the output hands the [`Controller`] a
//! [`Window`]: the bytes the socket took, the time it spent waiting, the
//! frames dropped. Waiting a third of the time over two windows, and still
//! in the last, is a congested link, and the bytes the window took are what
//! the link carries: the target becomes a little under that (the encoder
//! overshoots at times, and the queue must drain). A keyframe larger than a
//! frame interval of the link makes one window wait for it, and not the
//! next: that is a link that keeps up. A window without waiting lets the
//! target climb back: fast while
//! far below the rate where the link last choked, slowly near it, until it
//! is the configured rate again and adaptation is off. A fast link never
//! waits, so it never adapts.
//!
//! The capture thread reads the target from [`Adaptation`]: H.264 gets it
//! as OpenH264's bit rate; JPEG turns it into a quality; below what a
//! picture needs at the lowest quality or bits per pixel, pictures are
//! left out (a lower frame rate) instead, down to 4 in 5; below that the
//! picture is made half as wide and half as high (a quarter of the pixels,
//! so the full frame rate again), and the frame rate follows from there; it
//! grows back once the target has paid for the full picture for 2 s. While
//! adapted, with a receiver that asks for keyframes over the back channel,
//! periodic keyframes come 4 times as far apart.
//!
//! The receiver's reports over the back channel (protocol.md, section
//! 12.7) tell what the socket cannot: a link that buffers (a proxy, a Wi-Fi
//! access point) takes bytes at once and delivers them late. A reported
//! latency well over the lowest seen lately is a queue on the way: the
//! window is congested, and what the receiver says arrived is what the link
//! carries.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use camwire_wire::channel::Report;

/// How long the output measures before it asks the controller.
pub const WINDOW: Duration = Duration::from_millis(500);

/// What the output saw of the link over one window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Window {
    /// How long the window lasted.
    pub elapsed: Duration,
    /// Bytes the socket took.
    pub bytes: u64,
    /// Time the output waited for the socket with a frame in hand.
    pub blocked: Duration,
    /// Frames dropped or not encoded because the link was busy.
    pub dropped: u64,
    /// What the receiver reported over the window, when it reports.
    pub report: Option<Report>,
}

/// The link is slower than the stream when the output waited this much of
/// the time for the socket over the last two windows. A keyframe larger
/// than a frame interval of the link, and the frames dropped while it goes,
/// fill one window at most: a link that keeps up with the stream waits for
/// it a fifth of a second or so, and not at all between keyframes.
const CONGESTED: f64 = 0.35;
/// ... and this much of the last window.
const CONGESTED_NOW: f64 = 0.25;
/// The target after congestion, as a share of what the link carried.
const HEADROOM: f64 = 0.8;
/// The lowest target, bits per second.
const MIN_BITRATE: f64 = 16_000.0;
/// Windows after a cut before the target climbs again.
const HOLD: u32 = 4;
/// Windows after a cut that may still be congested by what went before it
/// (OpenH264's rate control takes a second or so to settle on a new rate).
const DRAINING: u32 = 4;
/// A reported latency this far over the lowest of the last [`FLOOR_WINDOWS`]
/// is frames queued on the way, milliseconds.
const QUEUED_MS: u32 = 150;
/// ... and the receiver got less than this share of what the socket took.
const BEHIND: f64 = 0.9;
/// A queue on the way is given about this long to drain ...
const DRAIN: Duration = Duration::from_secs(2);
/// ... with the target at least this share of what arrived.
const MIN_HEADROOM: f64 = 0.25;
/// The windows over which the lowest reported latency is the link's own (30 s).
const FLOOR_WINDOWS: usize = 60;
/// Climb per window far below the last congested rate, and near it.
const CLIMB_FAST: f64 = 1.25;
const CLIMB_SLOW: f64 = 1.05;

/// Decides the target bit rate from what the link carried.
#[derive(Debug, Clone)]
pub struct Controller {
    /// The configured rate (H.264's `--bitrate`); `None` for JPEG, whose
    /// rate follows its quality: adaptation ends when the encoder is back at
    /// its configured quality.
    nominal: Option<f64>,
    target: Option<f64>,
    /// What the link carried the last time it was congested.
    choked_at: Option<f64>,
    hold: u32,
    /// Windows after a cut in which the queue built before it still drains:
    /// congestion then cuts only to what the link carried, not below the target.
    draining: u32,
    lowest: Option<f64>,
    /// The highest latency the receiver reported in each of the last windows, ms.
    latencies: VecDeque<u32>,
    /// What the last window saw.
    before: Option<Seen>,
}

/// What one window saw, for the next.
#[derive(Debug, Clone, Copy)]
struct Seen {
    /// How long it lasted, and how long the output waited for the socket in it, seconds.
    secs: f64,
    blocked: f64,
    /// The bytes the socket took, and the bytes the receiver reported arriving.
    took: u64,
    arrived: Option<u64>,
    /// The receiver reported a latency well over the link's lowest.
    late: bool,
}

/// What a window changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// The link is slower than the stream.
    Down {
        /// The new target, bits per second.
        target: f64,
        /// What the link carried over the window, bits per second.
        carried: f64,
        /// It was the receiver's report that showed the queue (the socket did not wait).
        reported: bool,
    },
    /// The target climbs to this.
    Up(f64),
    /// Back at the configured rate: adaptation is off.
    Restored,
}

impl Controller {
    /// A controller for a stream configured at `nominal` bits per second
    /// (`None`: JPEG, no configured rate).
    pub fn new(nominal: Option<u32>) -> Self {
        Self {
            nominal: nominal.map(f64::from),
            target: None,
            choked_at: None,
            hold: 0,
            draining: 0,
            lowest: None,
            latencies: VecDeque::new(),
            before: None,
        }
    }

    /// The target in bits per second, `None` while not adapted.
    pub fn target(&self) -> Option<f64> {
        self.target
    }

    /// The lowest target so far.
    pub fn lowest(&self) -> Option<f64> {
        self.lowest
    }

    /// Takes one window; `at_full` says the encoder is at its configured
    /// setting even with the target (JPEG at its quality).
    pub fn window(&mut self, w: Window, at_full: bool) -> Option<Change> {
        let secs = w.elapsed.as_secs_f64();
        if secs <= 0.0 {
            return None;
        }
        let mut carried = w.bytes as f64 * 8.0 / secs;
        let arrived = w.report.map(|r| r.bytes);
        let late_ms = self.late(w.report);
        let late = late_ms > QUEUED_MS;
        let this = Seen { secs, blocked: w.blocked.as_secs_f64(), took: w.bytes, arrived, late };
        let before = self.before.replace(this);
        let (blocked, span) = before.map_or((this.blocked, secs), |b| (b.blocked + this.blocked, b.secs + secs));
        // ... and waits in this one too: a link that waits no more is no limit now.
        let waiting = blocked / span >= CONGESTED && this.blocked / secs >= CONGESTED_NOW;
        // A queue on the way delivers less than the socket took (a frame that
        // was late leaving, on a busy machine, is no queue), and it stays:
        // frames late in two windows in a row. A keyframe larger than the
        // link's buffers is late in one, and what it left behind arrives in
        // the next.
        let queued = match (before, arrived) {
            (Some(Seen { late: true, took, arrived: Some(arrived_before), .. }), Some(arrived)) => {
                this.late && ((arrived + arrived_before) as f64) < (w.bytes + took) as f64 * BEHIND
            }
            _ => false,
        };
        tracing::trace!(
            "--adapt: a window carried {carried:.0} bit/s, waited {:.2} of it ({:.2} over two), dropped {}, \
             the receiver reported {:?}",
            this.blocked / secs,
            blocked / span,
            w.dropped,
            w.report
        );
        if let Some(r) = w.report.filter(|_| queued) {
            carried = r.bits_per_second();
        }
        if waiting || queued {
            let reported = !waiting;
            // A queue on the way drains only at what the link carries over the
            // target: the later the frames, the lower the target, so the
            // queue is gone within a few seconds.
            let headroom = if waiting {
                HEADROOM
            } else {
                (1.0 - f64::from(late_ms) / DRAIN.as_millis() as f64).clamp(MIN_HEADROOM, HEADROOM)
            };
            let mut target = carried * headroom;
            if let Some(t) = self.target {
                if target >= t && self.draining > 0 {
                    // The frames sent before the cut are still on their way.
                    self.draining -= 1;
                    return None;
                }
                // Still congested at the target: the encoder overshoots it.
                if target >= t {
                    target = t * HEADROOM;
                }
            }
            if self.nominal.is_some_and(|n| target >= n) {
                return None;
            }
            self.draining = DRAINING;
            let target = target.max(MIN_BITRATE);
            self.target = Some(target);
            self.choked_at = Some(carried);
            self.hold = HOLD;
            self.lowest = Some(self.lowest.map_or(target, |l| l.min(target)));
            return Some(Change::Down { target, carried, reported });
        }
        self.draining = 0;
        if late {
            // A queue on the way still drains.
            return None;
        }
        if self.hold > 0 {
            self.hold -= 1;
            return None;
        }
        let t = self.target?;
        let step = if self.choked_at.is_some_and(|c| t * CLIMB_FAST > c) { CLIMB_SLOW } else { CLIMB_FAST };
        let up = t * step;
        if self.choked_at.is_some_and(|c| up > c * 1.1) {
            self.choked_at = None;
        }
        if self.nominal.is_some_and(|n| up >= n) || (self.nominal.is_none() && at_full) {
            self.target = None;
            self.choked_at = None;
            return Some(Change::Restored);
        }
        self.target = Some(up);
        Some(Change::Up(up))
    }

    /// How late `report` shows frames, milliseconds: its latency over the
    /// lowest of the last windows.
    fn late(&mut self, report: Option<Report>) -> u32 {
        let Some(latency) = report.and_then(|r| r.latency_ms) else { return 0 };
        let floor = self.latencies.iter().copied().min().unwrap_or(latency).min(latency);
        if self.latencies.len() == FLOOR_WINDOWS {
            self.latencies.pop_front();
        }
        self.latencies.push_back(latency);
        latency - floor
    }
}

/// The target the output sets and the capture thread follows, and what the
/// capture thread made of it, for the status line.
#[derive(Debug, Default)]
pub struct Adaptation {
    /// Bits per second to encode at; 0: as configured.
    target: AtomicU64,
    /// Pictures encoded per thousand captured (0 or 1000: every one).
    pub permille: AtomicU32,
    /// The picture's sides are divided by this (0 or 1: full size).
    pub scale: AtomicU32,
    /// The picture size in use when scaled: width and height.
    pub size: AtomicU64,
    /// The receiver's reports not yet taken by the output, summed.
    pub reports: Mutex<Option<Report>>,
    /// The JPEG quality in use (0: not JPEG, or not known yet).
    pub quality: AtomicU32,
}

impl Adaptation {
    /// Sets the target; `None` is the configured rate.
    pub fn set_target(&self, bits_per_sec: Option<f64>) {
        self.target.store(bits_per_sec.map_or(0, |b| b.max(1.0) as u64), Ordering::Relaxed);
    }

    /// The target, `None` while not adapted.
    pub fn target(&self) -> Option<u64> {
        Some(self.target.load(Ordering::Relaxed)).filter(|&t| t > 0)
    }

    /// Frames a second encoded out of `fps` captured.
    pub fn fps(&self, fps: f64) -> f64 {
        match self.permille.load(Ordering::Relaxed) {
            0 => fps,
            p => fps * f64::from(p) / 1000.0,
        }
    }

    /// The picture size when it is made smaller than captured.
    pub fn smaller(&self) -> Option<(u32, u32)> {
        if self.scale.load(Ordering::Relaxed) <= 1 {
            return None;
        }
        let size = self.size.load(Ordering::Relaxed);
        Some(((size >> 32) as u32, size as u32)).filter(|&(w, h)| w > 0 && h > 0)
    }

    /// A report from the receiver (protocol.md, section 12.7), added to those not taken yet.
    pub fn heard(&self, r: Report) {
        let mut reports = self.reports.lock().expect("reports lock");
        *reports = Some(match *reports {
            None => r,
            Some(sum) => Report {
                ms: sum.ms.saturating_add(r.ms),
                frames: sum.frames.saturating_add(r.frames),
                bytes: sum.bytes.saturating_add(r.bytes),
                latency_ms: sum.latency_ms.max(r.latency_ms),
            },
        });
    }

    /// The reports heard since the last call, summed.
    pub fn take_reports(&self) -> Option<Report> {
        self.reports.lock().expect("reports lock").take()
    }
}

/// A bit rate for people: `640k`, `2M`, `1.5M`.
pub fn human_bits(bits: f64) -> String {
    if bits >= 1e6 {
        let m = bits / 1e6;
        if (m - m.round()).abs() < 0.05 {
            format!("{:.0}M", m)
        } else {
            format!("{m:.1}M")
        }
    } else {
        format!("{:.0}k", bits / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A half-second window that carried `kbits` kbit/s, waiting `waited` of its time.
    fn window(kbits: f64, waited: f64, dropped: u64) -> Window {
        Window {
            elapsed: WINDOW,
            bytes: (kbits * 1000.0 / 8.0 * WINDOW.as_secs_f64()) as u64,
            blocked: WINDOW.mul_f64(waited),
            dropped,
            report: None,
        }
    }

    /// A window whose socket never waited, with the receiver's report of `kbits` kbit/s at `latency` ms.
    fn reported(socket_kbits: f64, kbits: f64, latency: u32) -> Window {
        let bytes = (kbits * 1000.0 / 8.0 * WINDOW.as_secs_f64()) as u64;
        let report = Report { ms: WINDOW.as_millis() as u32, frames: 15, bytes, latency_ms: Some(latency) };
        Window { report: Some(report), ..window(socket_kbits, 0.0, 0) }
    }

    #[test]
    fn a_queue_the_socket_cannot_see_shows_in_the_receivers_reports() {
        let mut c = Controller::new(Some(2_000_000));
        // A buffering link takes 2 Mbit/s from the socket and delivers 500 kbit/s; at first the latency is low.
        for _ in 0..10 {
            assert_eq!(c.window(reported(2000.0, 2000.0, 60), false), None);
        }
        // Latency grows, but not yet by the queue's bound: nothing yet.
        assert_eq!(c.window(reported(2000.0, 500.0, 60 + QUEUED_MS), false), None);
        // Late, but the receiver got what the socket took (a busy sender): no queue on the way.
        assert_eq!(c.window(reported(500.0, 500.0, 400), false), None);
        let Some(Change::Down { target, carried, reported: true }) = c.window(reported(2000.0, 500.0, 400), false)
        else {
            panic!("a latency over the floor is congestion")
        };
        assert!((carried - 500_000.0).abs() < 1000.0, "what arrived is what the link carries: {carried}");
        assert!(target < carried, "{target}");
        // Without a latency (no clock estimate yet) a report alone is no congestion.
        let mut c = Controller::new(Some(2_000_000));
        let mut w = reported(2000.0, 500.0, 0);
        w.report.as_mut().unwrap().latency_ms = None;
        assert_eq!(c.window(w, false), None);
    }

    #[test]
    fn reports_heard_between_windows_are_summed() {
        let a = Adaptation::default();
        assert_eq!(a.take_reports(), None);
        a.heard(Report { ms: 500, frames: 15, bytes: 1000, latency_ms: Some(40) });
        a.heard(Report { ms: 250, frames: 5, bytes: 500, latency_ms: None });
        assert_eq!(a.take_reports(), Some(Report { ms: 750, frames: 20, bytes: 1500, latency_ms: Some(40) }));
        assert_eq!(a.take_reports(), None);
    }

    #[test]
    fn a_link_that_never_waits_never_adapts() {
        let mut c = Controller::new(Some(2_000_000));
        for _ in 0..100 {
            assert_eq!(c.window(window(2000.0, 0.0, 0), false), None);
            assert_eq!(c.window(window(2000.0, 0.01, 1), false), None, "a stray drop is not congestion");
        }
        assert_eq!(c.target(), None);
    }

    #[test]
    fn a_keyframe_that_fills_one_window_of_a_link_that_keeps_up_is_no_congestion() {
        let mut c = Controller::new(Some(2_000_000));
        let Some(Change::Down { target, .. }) = c.window(window(1000.0, 0.9, 8), false) else { panic!() };
        // At the target, a keyframe a second fills every other window and drops a few frames while it goes.
        for _ in 0..40 {
            for w in [window(600.0, 0.0, 0), window(950.0, 0.4, 5)] {
                assert!(!matches!(c.window(w, false), Some(Change::Down { .. })), "no cut");
            }
            if let Some(t) = c.target() {
                assert!(t >= target, "{t} fell under {target}");
            }
        }
        // Waiting in every window is a link slower than the stream again.
        assert!(matches!(c.window(window(950.0, 0.4, 5), false), Some(Change::Down { .. })));
    }

    #[test]
    fn a_congested_link_sets_the_target_under_what_it_carried_then_climbs_back_to_the_configured_rate() {
        let mut c = Controller::new(Some(2_000_000));
        let Some(Change::Down { target, carried, reported: false }) = c.window(window(1000.0, 0.9, 3), false) else {
            panic!()
        };
        assert!((carried - 1_000_000.0).abs() < 1000.0, "{carried}");
        assert!(target < carried, "{target}");
        // Congested while the queue from before the cut drains and the encoder settles: no deeper cut.
        for _ in 0..DRAINING {
            assert_eq!(c.window(window(1000.0, 0.9, 3), false), None);
        }
        // Still congested at that target after that: it goes lower.
        let Some(Change::Down { target: lower, .. }) = c.window(window(1000.0, 0.9, 3), false) else { panic!() };
        assert!(lower < target);
        // The link recovers: after the hold, up and up, then restored.
        let mut windows = 0;
        loop {
            windows += 1;
            assert!(windows < 40, "restored within 20 s");
            if c.window(window(lower / 1000.0, 0.0, 0), false) == Some(Change::Restored) {
                break;
            }
        }
        assert_eq!(c.target(), None);
        assert!(windows <= 20, "back at the configured rate within 10 s of windows: {windows}");
        assert_eq!(c.lowest(), Some(lower));
    }

    #[test]
    fn jpeg_is_restored_when_its_encoder_is_back_at_its_quality() {
        let mut c = Controller::new(None);
        assert!(matches!(c.window(window(3000.0, 0.5, 0), false), Some(Change::Down { .. })));
        for _ in 0..HOLD {
            assert_eq!(c.window(window(2000.0, 0.0, 0), false), None);
        }
        assert!(matches!(c.window(window(2000.0, 0.0, 0), false), Some(Change::Up(_))));
        assert_eq!(c.window(window(2000.0, 0.0, 0), true), Some(Change::Restored));
    }

    #[test]
    fn bits_for_people() {
        assert_eq!(human_bits(2_000_000.0), "2M");
        assert_eq!(human_bits(1_500_000.0), "1.5M");
        assert_eq!(human_bits(640_400.0), "640k");
    }
}
