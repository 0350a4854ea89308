//! Turning a sender away with a reason it can read: one line
//! `CAMWIRE REFUSED <reason>\n` (protocol.md, section 9), then a clean close.
//!
//! The line goes first, then our side is shut (FIN), then whatever the sender
//! still writes is read and discarded until it closes too, for at most
//! [`DRAIN`]. Closing with unread bytes would send an RST instead, and an RST
//! can make the sender's kernel discard the line before the sender reads it.

use std::time::Duration;

use camwire_wire::notice::Notice;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
    time::timeout,
};

/// How long a refused sender may keep writing before the connection is dropped anyway.
pub(crate) const DRAIN: Duration = Duration::from_secs(2);

/// Writes the refusal line on `sock`, closes our side and drains the sender's.
pub(crate) async fn refuse<S: AsyncRead + AsyncWrite + Unpin>(mut sock: S, reason: &str) {
    let line = Notice::Refused(reason.to_string()).to_line();
    let _ = timeout(DRAIN, async {
        sock.write_all(line.as_bytes()).await?;
        sock.shutdown().await?;
        let mut sink = [0u8; 16 * 1024];
        while sock.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}
