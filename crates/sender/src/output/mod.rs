//! Where encoded frames go. The TCP output (plain, or TLS with `--tls-pin`) is
//! the product; it owns connecting, reconnecting, the handshake and the
//! end-of-stream terminator.

mod admission;
mod link;
mod meter;
mod secure;
mod tcp;

pub use link::{LinkError, LIVE_NOTSENT_LOWAT};
pub use tcp::stream;
