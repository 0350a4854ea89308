//! Process plumbing that `cam-send` and `cam-recv` share, so both behave
//! alike: log lines on stderr, Ctrl-C and SIGTERM as a cancellation token,
//! a live status line on a terminal, and the rates their summaries print.
//! The protocol itself (`camwire-wire`) needs none of it.

mod backoff;
mod rate;
mod totals;

use std::{io::IsTerminal, time::Duration};

pub use backoff::Backoff;
pub use rate::{rates, RateCounter, StatusLine};
pub use totals::Totals;

use tokio_util::sync::CancellationToken;

/// Logs to stderr without timestamps: warnings and errors always, info
/// unless `quiet`, debug detail with `-v`, trace with `-vv` (our crates; a
/// third `-v` lets every library trace too). `RUST_LOG` (`debug`, or
/// directives such as `warn,camwire_receiver=trace`) replaces the default
/// filter. Colour only on a terminal, and never when `NO_COLOR` is set.
pub fn init_logging(quiet: bool, verbose: u8) {
    use tracing_subscriber::{filter::Targets, layer::SubscriberExt, util::SubscriberInitExt};
    let (ours, others) = match (quiet, verbose) {
        (true, _) => (LevelFilter::WARN, LevelFilter::WARN),
        (false, 0) => (LevelFilter::INFO, LevelFilter::WARN),
        (false, 1) => (LevelFilter::DEBUG, LevelFilter::WARN),
        (false, 2) => (LevelFilter::TRACE, LevelFilter::INFO),
        _ => (LevelFilter::TRACE, LevelFilter::TRACE),
    };
    let default = Targets::new().with_default(others).with_target("camwire", ours);
    let (filter, bad_rust_log) = match std::env::var("RUST_LOG") {
        Ok(s) if !s.trim().is_empty() && !quiet && verbose == 0 => match s.parse::<Targets>() {
            Ok(t) => (t, None),
            Err(e) => (default, Some(format!("RUST_LOG={s:?} ignored ({e}); use e.g. RUST_LOG=debug"))),
        },
        _ => (default, None),
    };
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(use_colour(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR")))
        .without_time();
    tracing_subscriber::registry().with(fmt).with(filter).init();
    if let Some(msg) = bad_rust_log {
        tracing::warn!("{msg}");
    }
}

use tracing_subscriber::filter::LevelFilter;

/// Colour on a terminal unless `NO_COLOR` is set to anything non-empty (no-color.org).
pub fn use_colour(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Parses the command line like `P::parse()`, but a mistake is one line on
/// stderr that says what is allowed (`cam-send: invalid value 'h265' for
/// '--codec <CODEC>' (use one of: jpeg, h264); see --help`), then exit 2.
/// `--help` and `--version` print as usual.
pub fn parse_args<P: clap::Parser>(name: &str) -> P {
    P::try_parse().unwrap_or_else(|e| {
        use clap::error::ErrorKind;
        if matches!(
            e.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        ) {
            e.exit();
        }
        eprintln!("{name}: {}", one_line_error(&e));
        std::process::exit(2);
    })
}

/// A clap value parser for options that take a positive number of seconds
/// (`--secs`, `--idle-timeout`, ...), fractions allowed.
pub fn positive_secs(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err("use a positive number of seconds, e.g. 5 or 0.5".into()),
    }
}

/// A clap error as one line: clap's own first line, what values are
/// allowed, and the option it guesses was meant.
pub fn one_line_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let text = e.render().to_string();
    let mut line = text.lines().next().unwrap_or_default().trim().trim_start_matches("error: ").to_string();
    if line.ends_with(':') {
        if let Some(ContextValue::Strings(args)) = e.get(ContextKind::InvalidArg) {
            line = format!("{line} {}", args.join(", "));
        }
    }
    // An option that takes any value (`--pipe CMD`) lists none: nothing to add.
    match e.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(valid)) if !valid.is_empty() => {
            line += &format!(" (use one of: {})", valid.join(", "))
        }
        _ => {}
    }
    match e.get(ContextKind::SuggestedArg) {
        Some(ContextValue::String(s)) => line += &format!(" (did you mean {s}?)"),
        Some(ContextValue::Strings(s)) if !s.is_empty() => line += &format!(" (did you mean {}?)", s.join(" or ")),
        _ => {}
    }
    line + "; see --help"
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

/// The shared secret both binaries take: from `--secret-file FILE` (or
/// `CAMWIRE_SECRET_FILE`), or the secret itself in `CAMWIRE_SECRET`; never
/// from the command line, where `ps` would show it. `None` when neither is set.
pub fn load_secret(file: Option<&std::path::Path>) -> Result<Option<camwire_wire::handshake::Secret>, String> {
    let env = std::env::var_os("CAMWIRE_SECRET").filter(|v| !v.is_empty());
    match (file, env) {
        (Some(_), Some(_)) => {
            Err("both --secret-file (or CAMWIRE_SECRET_FILE) and CAMWIRE_SECRET are set: use one".to_string())
        }
        (Some(path), None) => {
            let secret = camwire_wire::handshake::Secret::read_file(path)?;
            let mode = std::fs::metadata(path).map_or(0, |m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()));
            if mode & 0o077 != 0 {
                tracing::warn!("{} is readable by others (mode {:o}): chmod 600 it", path.display(), mode & 0o777);
            }
            Ok(Some(secret))
        }
        (None, Some(value)) => camwire_wire::handshake::Secret::new(
            std::os::unix::ffi::OsStrExt::as_bytes(value.as_os_str()),
            "CAMWIRE_SECRET",
        )
        .map(Some),
        (None, None) => Ok(None),
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
