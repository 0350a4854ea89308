//! Process plumbing that `cam-send` and `cam-recv` share, so both behave
//! alike: log lines on stderr, Ctrl-C and SIGTERM as a cancellation token,
//! a live status line on a terminal, and the rates their summaries print.
//! Enabled by the `app` feature; the protocol itself needs none of it.

use std::{
    fmt::Display,
    io::{IsTerminal, Write},
    time::{Duration, Instant},
};

use tokio_util::sync::CancellationToken;

/// Logs to stderr without timestamps: warnings and errors always, info
/// unless `quiet`, more with each `verbose`. Colour only on a terminal.
pub fn init_logging(quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, _) => tracing::Level::WARN,
        (false, 0) => tracing::Level::INFO,
        (false, 1) => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .init();
}

/// A token cancelled on Ctrl-C or SIGTERM. Call inside a tokio runtime.
pub fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("install SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        cancel.cancel();
    });
    token
}

/// Frames per second and payload kilobits per second over `seconds`.
pub fn rates(frames: u64, bytes: u64, seconds: f64) -> (f64, f64) {
    let secs = seconds.max(1e-9);
    (frames as f64 / secs, bytes as f64 * 8.0 / 1000.0 / secs)
}

/// A status line redrawn in place on stderr about once a second:
/// `<label>: <frames> frames  <fps> fps  <kbps> kbit/s`.
#[derive(Debug)]
pub struct StatusLine {
    enabled: bool,
    last: Instant,
    last_frames: u64,
    last_bytes: u64,
    drawn: bool,
}

impl StatusLine {
    /// A status line that draws only when `enabled` (stderr a terminal, not `--quiet`).
    pub fn new(enabled: bool) -> Self {
        Self { enabled, last: Instant::now(), last_frames: 0, last_bytes: 0, drawn: false }
    }

    /// Redraws with the running totals if a second has passed since the last time.
    pub fn tick(&mut self, label: impl Display, frames: u64, bytes: u64) {
        let dt = self.last.elapsed();
        if !self.enabled || dt < Duration::from_secs(1) {
            return;
        }
        let (fps, kbps) = rates(frames - self.last_frames, bytes - self.last_bytes, dt.as_secs_f64());
        let _ = write!(std::io::stderr(), "\r\x1b[K{label}: {frames} frames  {fps:.1} fps  {kbps:.0} kbit/s");
        (self.last, self.last_frames, self.last_bytes, self.drawn) = (Instant::now(), frames, bytes, true);
    }

    /// Clears the line so the next output starts on a clean line.
    pub fn clear(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            self.drawn = false;
        }
    }
}

/// Asks the kernel to give up on a connection whose peer is gone (a host that
/// left the network sends no FIN and no RST) within about `timeout`, instead
/// of the default quarter of an hour: keepalive probes after 2 s of silence,
/// one a second, and `TCP_USER_TIMEOUT` for data that stays unacknowledged.
pub fn detect_dead_peer(sock: &impl std::os::fd::AsFd, timeout: Duration) -> std::io::Result<()> {
    let sock = socket2::SockRef::from(sock);
    let probes = socket2::TcpKeepalive::new()
        .with_time(Duration::from_secs(2))
        .with_interval(Duration::from_secs(1))
        .with_retries(timeout.as_secs().clamp(1, 30) as u32);
    sock.set_tcp_keepalive(&probes)?;
    sock.set_tcp_user_timeout(Some(timeout.max(Duration::from_secs(1))))
}

#[cfg(test)]
mod tests {
    use std::net::{TcpListener, TcpStream};

    use super::*;

    #[test]
    fn dead_peer_detection_sets_keepalive_and_user_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let sock = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        detect_dead_peer(&sock, Duration::from_secs(5)).unwrap();
        let s = socket2::SockRef::from(&sock);
        assert!(s.keepalive().unwrap());
        assert_eq!(s.tcp_keepalive_time().unwrap(), Duration::from_secs(2));
        assert_eq!(s.tcp_keepalive_interval().unwrap(), Duration::from_secs(1));
        assert_eq!(s.tcp_keepalive_retries().unwrap(), 5);
        assert_eq!(s.tcp_user_timeout().unwrap(), Some(Duration::from_secs(5)));
    }
}
