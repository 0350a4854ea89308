//! Feeding a child process (a `--pipe` player, `--publish`'s ffmpeg) on its
//! standard input without ever being held up by it.
//!
//! The child leads a process group of its own, and it is always ended as a
//! group (when it stalls, when it is finished with, when it is dropped), so
//! a shell's child or a helper the program started cannot outlive it holding
//! the pipe. A child that takes nothing for [`STALL`] (once the receiver is
//! closing, [`CLOSING_GRACE`]) has stalled.

use std::{
    io,
    process::{ExitStatus, Stdio},
    time::Duration,
};

use rustix::process::{kill_process_group, Pid, Signal};
use tokio::{
    io::AsyncWriteExt,
    process::{Child, ChildStdin, Command},
};
use tokio_util::sync::CancellationToken;

/// A child that has not taken a whole write after this long is stopped.
pub const STALL: Duration = Duration::from_secs(10);

/// Once the receiver is closing, a child that is not reading gets this long.
pub const CLOSING_GRACE: Duration = Duration::from_secs(2);

/// Why a write to a child failed.
#[derive(Debug)]
pub(super) enum Unfed {
    /// It took nothing for this long (`closing`: after the receiver began to close); its group was ended.
    Stalled { after: Duration, closing: bool },
    /// Its input is closed: why (its exit status, when it has exited).
    StoppedReading(String),
}

impl std::fmt::Display for Unfed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Stalled { after, closing: false } => write!(f, "took nothing for {} s", after.as_secs()),
            Self::Stalled { after, closing: true } => {
                write!(f, "took nothing for {} s while the receiver closed", after.as_secs())
            }
            Self::StoppedReading(why) => write!(f, "stopped reading ({why})"),
        }
    }
}

/// A running child process fed on its standard input.
pub(super) struct FedChild {
    child: Child,
    stdin: Option<ChildStdin>,
    group: Option<Pid>,
}

impl FedChild {
    /// Starts `command` with a pipe to its standard input, as the leader of a new process group.
    pub(super) fn spawn(command: &mut Command) -> io::Result<Self> {
        let mut child = command.stdin(Stdio::piped()).process_group(0).kill_on_drop(true).spawn()?;
        let stdin = child.stdin.take();
        let group = child.id().and_then(|id| Pid::from_raw(id as i32));
        Ok(Self { child, stdin, group })
    }

    /// Its process id (and process group id).
    pub(super) fn id(&self) -> u32 {
        self.group.map_or(0, |p| p.as_raw_nonzero().get() as u32)
    }

    /// The child itself, for its other pipes.
    pub(super) fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Writes `data`. `Err` says how the child failed: it stopped reading,
    /// or it took nothing in time, and then its group is ended now.
    pub(super) async fn write(&mut self, data: &[u8], closing: &CancellationToken) -> Result<(), Unfed> {
        let Some(stdin) = self.stdin.as_mut() else { return Err(Unfed::StoppedReading("its input is closed".into())) };
        let write = stdin.write_all(data);
        tokio::pin!(write);
        let stalled = tokio::select! {
            r = &mut write => return r.map_err(|e| self.stopped_reading(e)),
            _ = tokio::time::sleep(STALL) => Unfed::Stalled { after: STALL, closing: false },
            _ = closing.cancelled() => match tokio::time::timeout(CLOSING_GRACE, &mut write).await {
                Ok(r) => return r.map_err(|e| self.stopped_reading(e)),
                Err(_) => Unfed::Stalled { after: CLOSING_GRACE, closing: true },
            },
        };
        self.kill_group();
        Err(stalled)
    }

    fn stopped_reading(&mut self, e: io::Error) -> Unfed {
        Unfed::StoppedReading(match self.exited() {
            Some(status) => format!("exited with {status}"),
            None => e.to_string(),
        })
    }

    /// Hands on what is written so far, waiting at most [`CLOSING_GRACE`].
    pub(super) async fn flush(&mut self) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = tokio::time::timeout(CLOSING_GRACE, stdin.flush()).await;
        }
    }

    /// The exit status, if it has exited.
    pub(super) fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Closes its input and gives it `grace` to finish (a recorder writes
    /// its file trailer now), then ends its whole process group. The exit
    /// status, or `None` when it was still running after `grace`.
    pub(super) async fn finish(mut self, grace: Duration) -> Option<ExitStatus> {
        drop(self.stdin.take());
        let status = tokio::time::timeout(grace, self.child.wait()).await.ok().and_then(Result::ok);
        self.kill_group();
        let _ = self.child.wait().await;
        // Reaped: its number may be given to another process now.
        self.group = None;
        status
    }

    /// Ends every process of its group at once.
    fn kill_group(&mut self) {
        if let Some(group) = self.group {
            let _ = kill_process_group(group, Signal::KILL);
        }
    }
}

impl Drop for FedChild {
    fn drop(&mut self) {
        self.kill_group();
    }
}
