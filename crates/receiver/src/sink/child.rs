//! Feeding a child process (a `--pipe` player, `--publish`'s ffmpeg) without
//! ever being held up by it.

use std::time::Duration;

/// A child that has not taken a whole write after this long is stopped.
pub const STALL: Duration = Duration::from_secs(10);

/// Once the receiver is closing, a child that is not reading gets this long.
pub const CLOSING_GRACE: Duration = Duration::from_secs(2);
