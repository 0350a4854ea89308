//! A fault for tests only (cargo feature `fault-injection`, never in a
//! release build): with `CAMWIRE_FAULT_STALL_AFTER=N` in the environment, the
//! first camera session of the process stops re-queueing capture requests
//! once it has handed N frames to the encoder, so the camera stops delivering as a timed-out frontend
//! does; the watchdog must restart it. Later sessions run normally, unless
//! `CAMWIRE_FAULT_STALL_SESSIONS=M` makes the first M sessions stall (a
//! camera that never recovers: the watchdog's give-up path).

use std::sync::{
    atomic::{AtomicU64, Ordering},
    OnceLock,
};

static GENERATION: AtomicU64 = AtomicU64::new(0);
static DELIVERED: AtomicU64 = AtomicU64::new(0);
static ANNOUNCED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Counts a frame handed over.
pub(super) fn delivered() {
    DELIVERED.fetch_add(1, Ordering::Relaxed);
}

/// A number for a new session: 1, 2, ...
pub(super) fn next_generation() -> u64 {
    GENERATION.fetch_add(1, Ordering::Relaxed) + 1
}

/// Whether session `generation` should drop the request it just completed.
pub(super) fn stall(generation: u64) -> bool {
    static AFTER: OnceLock<Option<u64>> = OnceLock::new();
    let Some(after) = *AFTER.get_or_init(|| std::env::var("CAMWIRE_FAULT_STALL_AFTER").ok()?.parse().ok()) else {
        return false;
    };
    static SESSIONS: OnceLock<u64> = OnceLock::new();
    let sessions = *SESSIONS
        .get_or_init(|| std::env::var("CAMWIRE_FAULT_STALL_SESSIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(1));
    if generation > sessions {
        return false;
    }
    let stalled = DELIVERED.load(Ordering::Relaxed) >= after;
    if stalled && !ANNOUNCED.swap(true, Ordering::Relaxed) {
        tracing::warn!("fault injection: camera requests stop being re-queued after {after} frames");
    }
    stalled
}
