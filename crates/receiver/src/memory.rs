//! Giving memory back to the system after a burst. glibc keeps freed
//! memory in its arenas (and raises its mmap threshold after freeing a large
//! block), so the frames of a burst of hostile connections stay in the
//! process's resident size long after they are dropped. After a connection
//! that held much is gone, free pages are handed back with `malloc_trim`, at
//! most once a second.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

/// A connection that held at least this many bytes gives memory back when it ends.
pub(crate) const GIVE_BACK_AFTER: usize = 4 << 20;

/// Hands free memory back to the system (glibc only; a no-op elsewhere).
#[allow(unsafe_code)]
pub(crate) fn give_back() {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let last = LAST.load(Ordering::Relaxed);
    if now.saturating_sub(last) < 1000
        || LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err()
    {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; any pad value is valid.
    unsafe {
        libc::malloc_trim(0);
    }
}
