//! `--adapt` seen from the output: every [`WINDOW`] the link's figures go to
//! the [`Controller`], whose target the capture thread follows
//! ([`Adaptation`]); what the stream is adapted to, for the status line and
//! the `sent:` line.

use std::{sync::atomic::Ordering, time::Instant};

use camwire_app::StatusLine;
use tracing::{debug, info};

use super::link::Link;
use crate::{
    adapt::{human_bits, Adaptation, Change, Controller, Window, WINDOW},
    config::{Codec, Config},
};

/// Windows of what the link carried, and the controller they feed.
pub(super) struct Meter {
    controller: Controller,
    since: Instant,
    /// The run's `dropped` when the window began.
    dropped: u64,
    /// The lowest JPEG quality, the fewest frames a second encoded per
    /// thousand captured, and the smallest picture, so far.
    lowest_quality: Option<u32>,
    permille: u32,
    smallest: Option<(u32, u32)>,
    /// The smaller size the capture thread was last seen using.
    sized: Option<(u32, u32)>,
    /// The run adapted at some point; it is adapted now.
    adapted: bool,
    now: bool,
}

impl Meter {
    pub(super) fn new(codec: Codec) -> Self {
        let nominal = match codec {
            Codec::H264 { bitrate, .. } => Some(bitrate),
            Codec::Jpeg { .. } => None,
        };
        Meter {
            controller: Controller::new(nominal),
            since: Instant::now(),
            dropped: 0,
            lowest_quality: None,
            permille: 1000,
            smallest: None,
            sized: None,
            adapted: false,
            now: false,
        }
    }

    /// A new connection: the window starts again.
    pub(super) fn restart(&mut self, dropped: u64) {
        self.since = Instant::now();
        self.dropped = dropped;
    }

    /// Once a [`WINDOW`] has passed: what `link` carried sets the target in
    /// `adapt`; `dropped` is the run's count so far. Says (on `status`'s
    /// stderr) when the stream first adapts, and when it is back.
    pub(super) fn measure(
        &mut self,
        link: &mut Link,
        config: &Config,
        adapt: &Adaptation,
        dropped: u64,
        status: &mut StatusLine,
    ) {
        let elapsed = self.since.elapsed();
        if elapsed < WINDOW {
            return;
        }
        let (bytes, blocked) = link.take_meter();
        let report = adapt.take_reports();
        let window = Window { elapsed, bytes, blocked, dropped: dropped - self.dropped, report };
        self.restart(dropped);
        let quality = adapt.quality.load(Ordering::Relaxed);
        let at_full = matches!(config.codec, Codec::Jpeg { quality: q } if quality >= u32::from(q));
        if self.now {
            let permille = adapt.permille.load(Ordering::Relaxed);
            if permille > 0 {
                self.permille = self.permille.min(permille);
            }
            if let Some((w, h)) = adapt.smaller() {
                self.smallest = Some(self.smallest.map_or((w, h), |s| if w * h < s.0 * s.1 { (w, h) } else { s }));
            }
            if matches!(config.codec, Codec::Jpeg { .. }) && quality > 0 {
                self.lowest_quality = Some(self.lowest_quality.map_or(quality, |l| l.min(quality)));
            }
        }
        let configured = match config.codec {
            Codec::H264 { bitrate, .. } => format!("{} (--bitrate)", human_bits(f64::from(bitrate))),
            Codec::Jpeg { quality } => format!("quality {quality}"),
        };
        let sized = adapt.smaller();
        if sized != self.sized {
            status.clear();
            match sized {
                Some((w, h)) => info!(
                    "the link is too slow for the full picture at {:.0} fps: sending {w}x{h}, back to the full \
                     size when it recovers",
                    config.fps * crate::pipeline::MIN_SHARE_AT_FULL_SIZE
                ),
                None => info!("the link keeps up with the full picture again: back to full size"),
            }
            self.sized = sized;
        }
        match self.controller.window(window, at_full) {
            Some(Change::Down { target, carried, reported }) => {
                adapt.set_target(Some(target));
                let by = if reported { " (the receiver's reports show frames queued on the way)" } else { "" };
                if !self.now {
                    status.clear();
                    info!(
                        "the link carries about {}bit/s, less than the stream{by}: encoding to {}bit/s, back up \
                         to {configured} when it recovers (--adapt off: drop frames instead)",
                        human_bits(carried),
                        human_bits(target)
                    );
                } else {
                    debug!(
                        "the link carries about {}bit/s{by}: target {}bit/s",
                        human_bits(carried),
                        human_bits(target)
                    );
                }
                self.adapted = true;
                self.now = true;
            }
            Some(Change::Up(target)) => {
                adapt.set_target(Some(target));
                debug!("the link keeps up: target {}bit/s", human_bits(target));
            }
            Some(Change::Restored) => {
                adapt.set_target(None);
                self.now = false;
                status.clear();
                info!("the link keeps up again: back to {configured}");
            }
            None => {}
        }
    }

    /// What the run adapted to, for the `sent:` line, if it did:
    /// `bitrate=640k (adapted from 2M, lowest 120k at 15 fps at 640x360)`.
    pub(super) fn summary(&self, config: &Config, adapt: &Adaptation) -> Option<String> {
        if !self.adapted {
            return None;
        }
        let mut fps = match self.permille {
            p if p < 1000 => format!(" at {:.0} fps", config.fps * f64::from(p) / 1000.0),
            _ => String::new(),
        };
        if let Some((w, h)) = self.smallest {
            fps += &format!(" at {w}x{h}");
        }
        let now = adapt.target();
        Some(match config.codec {
            Codec::H264 { bitrate, .. } => {
                let (lowest, bitrate) = (human_bits(self.controller.lowest().unwrap_or(0.0)), f64::from(bitrate));
                match now {
                    Some(t) => format!(
                        "bitrate={} (adapted from {}, lowest {lowest}{fps})",
                        human_bits(t as f64),
                        human_bits(bitrate)
                    ),
                    None => format!("bitrate={} (adapted, lowest {lowest}{fps}, back up)", human_bits(bitrate)),
                }
            }
            Codec::Jpeg { quality } => {
                let lowest = self.lowest_quality.unwrap_or(u32::from(quality));
                match now {
                    Some(_) => format!(
                        "quality={} (adapted from {quality}, lowest {lowest}{fps})",
                        adapt.quality.load(Ordering::Relaxed)
                    ),
                    None => format!("quality={quality} (adapted, lowest {lowest}{fps}, back up)"),
                }
            }
        })
    }
}

/// What the stream is adapted to now, for the status line: `, bitrate 640k
/// (adapted from 2M) at 15 fps at 640x360`; empty when it is not.
pub(super) fn adapted_now(config: &Config, adapt: &Adaptation) -> String {
    let Some(target) = adapt.target() else { return String::new() };
    let setting = match config.codec {
        Codec::H264 { bitrate, .. } => {
            format!(", bitrate {} (adapted from {})", human_bits(target as f64), human_bits(f64::from(bitrate)))
        }
        Codec::Jpeg { quality } => match adapt.quality.load(Ordering::Relaxed) {
            0 => format!(", {} (adapted)", human_bits(target as f64)),
            q => format!(", quality {q} (adapted from {quality})"),
        },
    };
    let setting = match adapt.fps(config.fps) {
        fps if fps < config.fps - 0.5 => format!("{setting} at {fps:.0} fps"),
        _ => setting,
    };
    match adapt.smaller() {
        Some((w, h)) => format!("{setting} at {w}x{h}"),
        None => setting,
    }
}
