//! Where encoded frames go. The TCP output is the product; it owns
//! connecting, reconnecting and the end-of-stream terminator.

mod backoff;
mod link;
mod secure;
mod tcp;

pub use backoff::Backoff;
pub use link::{LinkError, LIVE_NOTSENT_LOWAT};
pub use tcp::stream;
