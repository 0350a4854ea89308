//! SIGHUP reads the `--config` file again (`systemctl reload cam-recv`).
//!
//! A file that reads and checks replaces the running one: each camera whose
//! table changed restarts (its sinks are closed cleanly and opened anew; its
//! sender is disconnected only when who may send as it changed), every
//! other camera keeps streaming untouched, and viewers' access follows the
//! new file at once. A file that does not is reported in one line, with its
//! line number, and the running configuration stays.
//!
//! Listen ports are bound once at start: a file that changes them is refused
//! with a line saying to restart.

use std::sync::Arc;

use anyhow::{bail, Result};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::{error, info};

use crate::{
    config::Config,
    config_file::{self, FileConfig, Live},
};

/// The file as it is now, and its reader; `None` without `--config`.
pub(crate) fn live(config: &Config) -> Option<(watch::Sender<Arc<FileConfig>>, Live)> {
    let file = config.file.clone()?;
    Some(watch::channel(file))
}

/// Reads the file again on every SIGHUP until `stop`, replacing what `sender` holds.
/// The handler is installed before this returns, so a SIGHUP from then on never ends the process.
pub(crate) fn on_sighup(config: Config, sender: watch::Sender<Arc<FileConfig>>, stop: CancellationToken) -> Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hup = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                got = hup.recv() => if got.is_none() { return },
            }
            let old = sender.borrow().clone();
            match reread(&config, &old) {
                Ok(new) => {
                    let changed = changes(&old, &new);
                    info!(
                        "reloaded --config {}: {}",
                        new.path.display(),
                        if changed.is_empty() { "nothing changed".to_string() } else { changed.join(", ") }
                    );
                    sender.send_replace(Arc::new(new));
                }
                Err(e) => error!("{e:#}; kept the running configuration"),
            }
        }
    });
    Ok(())
}

/// The file read again and checked against what cannot change while running.
fn reread(config: &Config, old: &FileConfig) -> Result<FileConfig> {
    let new = config_file::load(&old.path)?;
    let shown = old.path.display();
    let names = new.cameras.keys().chain(old.cameras.keys());
    for name in names {
        let listen = |f: &FileConfig| f.cameras.get(name).and_then(|c| c.admission.listen);
        if listen(old) != listen(&new) {
            bail!(
                "--config {shown}: camera {name}'s listen port changed; ports are bound at start, so restart cam-recv \
                 (systemctl restart cam-recv) to change them"
            );
        }
    }
    if new.webrtc != old.webrtc {
        bail!(
            "--config {shown}: [webrtc] changed; WebRTC's addresses are set at start, so restart cam-recv \
             (systemctl restart cam-recv) to change them"
        );
    }
    if !new.viewers.is_empty() && config.http.is_none() {
        bail!("--config {shown}: the file's viewers watch the web view, which this cam-recv does not serve (--http)");
    }
    let with_new = Config { file: Some(Arc::new(new.clone())), ..config.clone() };
    crate::cameras::check(&with_new)?;
    Ok(new)
}

/// What changed between two files, for the log line.
fn changes(old: &FileConfig, new: &FileConfig) -> Vec<String> {
    let mut out = Vec::new();
    for (name, camera) in &new.cameras {
        match old.cameras.get(name) {
            None => out.push(format!("camera {name} added")),
            Some(was) if was.admission != camera.admission => out.push(format!("camera {name} changed who may send")),
            Some(was) if was.sinks != camera.sinks => out.push(format!("camera {name} changed its sinks")),
            Some(_) => {}
        }
    }
    out.extend(old.cameras.keys().filter(|n| !new.cameras.contains_key(*n)).map(|n| format!("camera {n} removed")));
    if old.viewers != new.viewers {
        out.push("viewers changed".to_string());
    }
    out
}
