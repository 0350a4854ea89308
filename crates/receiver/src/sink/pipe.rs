//! `--pipe CMD`: the raw payload bytes into a player's standard input.
//!
//! A bare `mplayer`, `mpv`, `ffplay` or `vlc` is started with the arguments
//! that make it read this stream from stdin with low latency (no multi-second
//! probing or caching), its window titled `camwire <camera>` (mplayer,
//! mpv, ffplay); anything else runs through `sh -c` as given. Each camera
//! has its own player, which finds the camera's name in `CAMWIRE_CAMERA`. The player keeps running across streams, so a sender
//! that restarts shows up in the same window; it is restarted when the stream changes between JPEG and
//! H.264, and for the next stream after it exited or stopped reading.
//!
//! A player must never hold up the receiver: it is fed as a
//! [`FedChild`], in its own process group, and one that cannot take a frame
//! in time is stopped (the whole group, so a shell's child cannot linger
//! holding the pipe).
//! Every failure is a warning, and the stream's report says the sink failed.
//!
//! `CAMWIRE_PIPE_EXTRA_ARGS` adds arguments to a bare player's command line
//! (before the input): `-vo null -ao null` runs mplayer headless in tests.

use std::{process::Stdio, time::Duration};

use anyhow::{bail, Result};
use camwire_wire::{KeyframeGate, PayloadKind};
use tokio::process::Command;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::{
    child::FedChild,
    runner::{Sink, SinkReport},
};
use crate::frame::Frame;

/// Bare players that open a window of their own.
const WINDOWED: [&str; 4] = ["mplayer", "mpv", "ffplay", "vlc"];

/// Checks at start that `--pipe cmd` can run: its program exists (for a
/// shell command, the first word), and warns when a windowed player has no
/// display to open a window on.
pub fn check_command(cmd: &str) -> Result<()> {
    let argv = player_command(cmd, PayloadKind::Jpeg, "camwire");
    let program = if argv[0] == "sh" {
        // The first word that is not a `NAME=value` assignment; anything the
        // shell expands is left to the shell.
        let words = shlex::split(cmd).unwrap_or_default();
        let first = words.into_iter().find(|w| !is_assignment(w));
        match first {
            Some(word) if !word.contains(['$', '`', '(', ')', '{', '}', '<', '>', '|', '&', ';']) => word,
            _ => return Ok(()),
        }
    } else {
        argv[0].clone()
    };
    let found = std::process::Command::new("sh")
        .args(["-c", "command -v -- \"$1\" >/dev/null", "sh", &program])
        .stdin(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        bail!("--pipe {cmd:?}: there is no program {program:?} (install it, or give its full path)");
    }
    let extra = std::env::var("CAMWIRE_PIPE_EXTRA_ARGS").unwrap_or_default();
    let headless = extra.contains("-vo") || extra.contains("--vo");
    let display = ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
    if WINDOWED.contains(&cmd.trim()) && !display && !headless {
        warn!(
            "--pipe {}: no DISPLAY or WAYLAND_DISPLAY is set, so it cannot open a window \
             (run cam-recv in a desktop session, or set DISPLAY)",
            cmd.trim()
        );
    }
    Ok(())
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// The program and arguments `--pipe cmd` runs for a stream of `kind`; a
/// bare player's window is titled `title` (the camera's name).
pub fn player_command(cmd: &str, kind: PayloadKind, title: &str) -> Vec<String> {
    let fmt = if kind == PayloadKind::H264 { "h264" } else { "mjpeg" };
    let extra: Vec<String> = std::env::var("CAMWIRE_PIPE_EXTRA_ARGS")
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    let args: Vec<String> = match cmd.trim() {
        "mplayer" => vec![
            "-really-quiet".into(),
            "-nolirc".into(),
            "-demuxer".into(),
            "lavf".into(),
            "-lavfdopts".into(),
            format!("format={fmt}:probesize=32:analyzeduration=0"),
            "-benchmark".into(),
            "-nocache".into(),
            "-title".into(),
            title.into(),
        ],
        "mpv" => vec![
            "--no-cache".into(),
            "--untimed".into(),
            "--profile=low-latency".into(),
            format!("--demuxer-lavf-format={fmt}"),
            "--demuxer-lavf-probesize=32".into(),
            "--demuxer-lavf-analyzeduration=0".into(),
            format!("--title={title}"),
        ],
        "ffplay" => vec![
            "-hide_banner".into(),
            "-loglevel".into(),
            "warning".into(),
            "-probesize".into(),
            "32".into(),
            "-analyzeduration".into(),
            "0".into(),
            "-flags".into(),
            "low_delay".into(),
            "-framedrop".into(),
            "-window_title".into(),
            title.into(),
            "-f".into(),
            fmt.into(),
            "-i".into(),
        ],
        "vlc" => vec![
            format!("--demux={fmt}"),
            "--network-caching=0".into(),
            "--file-caching=0".into(),
            "--live-caching=0".into(),
        ],
        other => return vec!["sh".into(), "-c".into(), other.into()],
    };
    let mut argv = vec![cmd.trim().to_string()];
    argv.extend(args);
    argv.extend(extra);
    argv.push("-".into());
    argv
}

/// A running player.
struct Player {
    child: FedChild,
    kind: PayloadKind,
    name: String,
}

impl Player {
    fn start(cmd: &str, kind: PayloadKind, camera: &str) -> std::io::Result<Self> {
        let argv = player_command(cmd, kind, &format!("camwire {camera}"));
        let child = FedChild::spawn(Command::new(&argv[0]).args(&argv[1..]).env("CAMWIRE_CAMERA", camera))?;
        info!("--pipe: starting {} (process group {})", argv.join(" "), child.id());
        Ok(Self { child, kind, name: argv[0].clone() })
    }

    /// Closes its stdin and gives it `grace` to finish, then ends its whole process group.
    async fn finish(self, grace: Duration) {
        match self.child.finish(grace).await {
            Some(status) if !status.success() => warn!("--pipe: {} exited with {status}", self.name),
            Some(_) => {}
            None => warn!("--pipe: {} still running {} s after end of input; stopping it", self.name, grace.as_secs()),
        }
    }
}

/// The pipe sink's state across streams.
pub(super) struct PipeSink {
    cmd: String,
    player: Option<Player>,
    /// Each stream starts at a keyframe, so the player never sees H.264 it cannot decode.
    start: KeyframeGate,
    /// The player failed in this stream: nothing more goes to it until the next one.
    failed: bool,
    /// Cancelled once the receiver closes: a player that is not reading is not waited for.
    closing: CancellationToken,
    /// The camera's name: in a bare player's window title (`camwire <camera>`), and in `CAMWIRE_CAMERA`.
    camera: String,
}

impl PipeSink {
    /// Runs `cmd` for the first stream; `closing` is cancelled once the receiver closes.
    pub(super) fn new(cmd: &str, closing: CancellationToken) -> Self {
        let camera = String::new();
        Self { cmd: cmd.to_owned(), player: None, start: KeyframeGate::new(), failed: false, closing, camera }
    }
}

impl Sink for PipeSink {
    async fn start(&mut self, stream: &crate::frame::StreamInfo) {
        self.camera = stream.camera.to_string();
        self.start.close();
        self.failed = false;
        if let Some(p) = self.player.as_mut() {
            if let Some(status) = p.child.exited() {
                warn!("--pipe: {} exited with {status}; starting it again for this stream", p.name);
                self.player = None;
            }
        }
    }

    async fn frame(&mut self, frame: Frame) -> Result<()> {
        if self.failed || !self.start.pass(frame.keyframe) {
            return Ok(());
        }
        if self.player.as_ref().is_some_and(|p| p.kind != frame.kind) {
            info!("--pipe: the stream changed to {}; restarting the player", frame.kind);
            self.player.take().expect("checked").finish(Duration::from_secs(2)).await;
        }
        if self.player.is_none() {
            match Player::start(&self.cmd, frame.kind, &self.camera) {
                Ok(p) => self.player = Some(p),
                Err(e) => {
                    warn!("--pipe: cannot start {:?}: {e}; trying again with the next stream", self.cmd);
                    self.failed = true;
                    return Ok(());
                }
            }
        }
        let p = self.player.as_mut().expect("started");
        if let Err(how) = p.child.write(&frame.data, &self.closing).await {
            if self.closing.is_cancelled() {
                warn!("--pipe: {} {how}; stopped it (its whole process group)", p.name);
            } else {
                warn!(
                    "--pipe: {} {how}; stopped it (its whole process group); it starts again with the next \
                     stream, receiving goes on",
                    p.name
                );
            }
            self.failed = true;
            self.player = None;
        }
        Ok(())
    }

    async fn end(&mut self) -> SinkReport {
        if let Some(p) = self.player.as_mut() {
            p.child.flush().await;
        }
        let failed = self.failed.then(|| "the --pipe player failed (see the warning above)".to_string());
        SinkReport { failed, ..SinkReport::default() }
    }

    async fn close(&mut self) {
        if let Some(p) = self.player.take() {
            debug!("--pipe: end of input for {}", p.name);
            p.finish(Duration::from_secs(5)).await;
        }
    }
}
