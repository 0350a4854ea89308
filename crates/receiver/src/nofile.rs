//! The open-file limit, raised and read once per process: the web view's
//! connection limits and the waiting room's size both follow it.

use std::sync::OnceLock;

/// The soft open-file limit, first raised to the hard limit so that many idle
/// clients meet a connection limit with a log line, never the process's
/// file-descriptor limit. 1024 when it cannot be read.
pub(crate) fn open_file_limit() -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        rlimit::increase_nofile_limit(u64::MAX).unwrap_or_else(|e| {
            tracing::debug!("could not raise the open-file limit: {e}");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
        })
    })
}
