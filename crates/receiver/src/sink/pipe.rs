//! `--pipe CMD`: the raw payload bytes into a player's standard input.
//!
//! A bare `mplayer`, `mpv`, `ffplay` or `vlc` is started with the arguments
//! that make it read this stream from stdin with low latency (no multi-second
//! probing or caching); anything else runs through `sh -c` as given. The
//! player keeps running across streams, so a sender that restarts shows up in
//! the same window; it is restarted only when the stream changes between
//! JPEG and H.264. A player that exits ends this sink, never the receiver.
//!
//! `CAMWIRE_PIPE_EXTRA_ARGS` adds arguments to a bare player's command line
//! (before the input): `-vo null -ao null` runs mplayer headless in tests.

use std::{process::Stdio, time::Duration};

use camwire_wire::PayloadKind;
use tokio::{
    io::AsyncWriteExt,
    process::{Child, ChildStdin, Command},
    sync::mpsc,
    task::JoinHandle,
};
use tracing::{error, info, warn};

use super::{SinkEvent, SinkReport};

/// The program and arguments `--pipe cmd` runs for a stream of `kind`.
pub fn player_command(cmd: &str, kind: PayloadKind) -> Vec<String> {
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
        ],
        "mpv" => vec![
            "--no-cache".into(),
            "--untimed".into(),
            "--profile=low-latency".into(),
            format!("--demuxer-lavf-format={fmt}"),
            "--demuxer-lavf-probesize=32".into(),
            "--demuxer-lavf-analyzeduration=0".into(),
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

struct Player {
    child: Child,
    stdin: ChildStdin,
    kind: PayloadKind,
    name: String,
}

impl Player {
    fn start(cmd: &str, kind: PayloadKind) -> std::io::Result<Self> {
        let argv = player_command(cmd, kind);
        info!("--pipe: starting {}", argv.join(" "));
        let mut child = Command::new(&argv[0]).args(&argv[1..]).stdin(Stdio::piped()).kill_on_drop(true).spawn()?;
        let stdin = child.stdin.take().expect("stdin is piped");
        Ok(Self { child, stdin, kind, name: argv[0].clone() })
    }

    /// Closes its stdin and gives it `grace` to finish (a recorder writes its
    /// file trailer now), then kills it.
    async fn finish(mut self, grace: Duration) {
        drop(self.stdin);
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(Ok(status)) if !status.success() => warn!("--pipe: {} exited with {status}", self.name),
            Ok(_) => {}
            Err(_) => {
                warn!("--pipe: {} still running {} s after end of input; stopping it", self.name, grace.as_secs());
                let _ = self.child.kill().await;
            }
        }
    }
}

pub(super) fn spawn(cmd: String, mut rx: mpsc::Receiver<SinkEvent>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut player: Option<Player> = None;
        // Each stream starts at a keyframe, so the player never sees H.264 it cannot decode.
        let mut waiting_for_keyframe = true;
        while let Some(event) = rx.recv().await {
            match event {
                SinkEvent::Start(_) => waiting_for_keyframe = true,
                SinkEvent::Frame(frame) if waiting_for_keyframe && !frame.keyframe => {}
                SinkEvent::End(report) => {
                    if let Some(p) = player.as_mut() {
                        let _ = p.stdin.flush().await;
                    }
                    let _ = report.send(SinkReport::default());
                }
                SinkEvent::Frame(frame) => {
                    waiting_for_keyframe = false;
                    if player.as_ref().is_some_and(|p| p.kind != frame.kind) {
                        info!("--pipe: the stream changed to {}; restarting the player", frame.kind);
                        player.take().expect("checked").finish(Duration::from_secs(2)).await;
                    }
                    if player.is_none() {
                        match Player::start(&cmd, frame.kind) {
                            Ok(p) => player = Some(p),
                            Err(e) => {
                                error!("--pipe: cannot start {cmd:?}: {e}; pipe sink stopped");
                                return;
                            }
                        }
                    }
                    let p = player.as_mut().expect("started");
                    if let Err(e) = p.stdin.write_all(&frame.data).await {
                        let status = p.child.try_wait().ok().flatten();
                        let how = status.map_or_else(|| e.to_string(), |s| format!("exited with {s}"));
                        info!("--pipe: {} stopped reading ({how}); pipe sink stopped, receiving goes on", p.name);
                        return;
                    }
                }
            }
        }
        if let Some(p) = player {
            p.finish(Duration::from_secs(10)).await;
        }
    })
}
