//! Giving memory back to the system after a burst. glibc keeps freed
//! memory in its arenas (and raises its mmap threshold after freeing a large
//! block), so the frames of a burst of hostile connections stay in the
//! process's resident size long after they are dropped. After a connection
//! that held much is gone, free pages are handed back with `malloc_trim`, at
//! most once a second; a connection that ends within that second has its
//! memory handed back when the second is over, so what the last connections
//! of a burst held does not stay.

use std::{
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

/// A connection that held at least this many bytes gives memory back when it ends.
pub(crate) const GIVE_BACK_AFTER: usize = 4 << 20;

/// The least time between two trims, in milliseconds.
const EVERY_MS: u64 = 1000;

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Hands free memory back to the system (glibc only; a no-op elsewhere): now, or
/// within a second of the last time, once that second is over.
pub(crate) fn give_back() {
    static LAST: AtomicU64 = AtomicU64::new(0);
    static PENDING: AtomicBool = AtomicBool::new(false);
    let now = now_ms();
    let last = LAST.load(Ordering::Relaxed);
    let since = now.saturating_sub(last);
    if since >= EVERY_MS && LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
        trim();
        return;
    }
    // One trim waits for the end of the second, whoever else asks meanwhile.
    if !PENDING.swap(true, Ordering::AcqRel) {
        let wait = Duration::from_millis(EVERY_MS.saturating_sub(since).max(1));
        let spawned = std::thread::Builder::new().name("give-back".into()).spawn(move || {
            std::thread::sleep(wait);
            PENDING.store(false, Ordering::Release);
            LAST.store(now_ms(), Ordering::Relaxed);
            trim();
        });
        if spawned.is_err() {
            PENDING.store(false, Ordering::Release);
        }
    }
}

#[allow(unsafe_code)]
fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; any pad value is valid.
    unsafe {
        libc::malloc_trim(0);
    }
}
