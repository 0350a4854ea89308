//! Where encoded frames go. The TCP output is the product; it owns
//! connecting, reconnecting and the end-of-stream terminator.

mod secure;
mod tcp;

pub use tcp::{stream, Backoff};
