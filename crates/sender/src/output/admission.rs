//! Whether a receiver admitted this sender. After the secret handshake it
//! said so (`CAMWIRE OK`); without one it only ever says no (`CAMWIRE
//! REFUSED`), so a connection it has not refused for a while counts as
//! admitted. Frames written on a connection that is then refused never
//! reached a sink: they are not counted as sent, and a refused reconnection
//! is no reconnection.

use std::time::Duration;

use tokio::time::Instant;

/// How long a connection without the secret handshake must go unrefused
/// before it counts as admitted: longer than cam-recv takes to refuse (at
/// once outside `--allow`; a busy one after waiting 2 s for the other sender
/// to finish).
pub const ADMISSION: Duration = Duration::from_secs(3);

/// One connection: what was written on it, and whether it was admitted.
#[derive(Debug, Default)]
pub struct Connection {
    /// Frames written on this connection.
    pub frames: u64,
    /// Payload bytes written on this connection.
    pub bytes: u64,
    reconnect: bool,
    admitted: bool,
    admit_at: Option<Instant>,
}

impl Connection {
    /// A connection just made: after the secret `handshake` it is admitted
    /// already, otherwise once [`ADMISSION`] has passed without a refusal.
    pub fn new(reconnect: bool, handshake: bool) -> Self {
        let admit_at = (!handshake).then(|| Instant::now() + ADMISSION);
        Self { reconnect, admitted: false, admit_at, frames: 0, bytes: 0 }
    }

    /// Marks it admitted; true when that admits a reconnection, to be announced and counted.
    pub fn admit(&mut self) -> bool {
        let newly = !self.admitted;
        self.admitted = true;
        newly && self.reconnect
    }

    /// Whether it went unrefused long enough to count as admitted, and is not yet.
    pub fn due(&self) -> bool {
        !self.admitted && self.admit_at.is_some_and(|at| Instant::now() >= at)
    }

    /// Waits until it is [`due`](Self::due); never, once admitted.
    pub async fn until_due(&self) {
        match self.admit_at.filter(|_| !self.admitted) {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_silent_receiver_admits_after_the_admission_time_and_a_handshake_at_once() {
        let mut plain = Connection::new(true, false);
        assert!(!plain.due());
        tokio::time::sleep(ADMISSION - Duration::from_millis(1)).await;
        assert!(!plain.due(), "a busy cam-recv may still refuse");
        plain.until_due().await;
        assert!(plain.due());
        assert!(plain.admit(), "a reconnection, to announce");
        assert!(!plain.admit(), "announced once");
        let mut handshake = Connection::new(false, true);
        assert!(!handshake.due() && !handshake.admit(), "the first connection is no reconnection");
    }
}
