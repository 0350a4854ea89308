//! One connection to the receiver, seen from the sender: frames go out on
//! the write half, and the read half listens for a line from the receiver
//! (`CAMWIRE REFUSED busy`, see `camwire_wire::notice`) or its close.
//!
//! Writes are done by hand on the non-blocking socket so the caller knows
//! the moment the first byte of a frame is taken: until then a newer frame
//! may still go instead. Every byte taken counts as progress; a socket that
//! takes nothing for the stall timeout while a frame waits is a dead link.
//!
//! In live mode the socket keeps at most [`LIVE_NOTSENT_LOWAT`] bytes of
//! earlier frames unsent (`TCP_NOTSENT_LOWAT`), so a slow link cannot build
//! a queue of old frames in the kernel either.

use std::{
    io,
    io::IoSlice,
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use bytes::{Buf, Bytes};
use camwire_wire::{
    channel::Message,
    frame_header,
    notice::{read_notice, Heard, Notice},
    WireError, HEADER_LEN,
};
use tokio::{
    net::TcpStream,
    sync::mpsc,
    task::JoinHandle,
    time::{sleep_until, timeout, Instant},
};
use tracing::debug;

use super::secure::{self, SetupError, Writer};
use crate::{config::Config, pipeline::PipelineFlags};

/// Unsent bytes the kernel may hold before the socket stops taking more, in
/// live mode. Small, because on a slow link every queued byte is delay (1 kB
/// is 125 ms at 64 kbit/s); a frame is handed over whole as soon as the
/// socket is below it, and what is in flight keeps a fast link busy.
pub const LIVE_NOTSENT_LOWAT: u32 = 1024;

/// How long to wait, after the terminator, for the receiver to close or say why not.
const GOODBYE_WAIT: Duration = Duration::from_secs(2);

/// Why a connection cannot carry frames any more.
#[derive(Debug)]
pub enum LinkError {
    /// The receiver wrote `CAMWIRE REFUSED <reason>`.
    Refused(String),
    /// The socket took no byte for this long while a frame was waiting.
    Stalled(Duration),
    /// The receiver closed the connection.
    Closed,
    /// A write failed (reset, timeout, ...).
    Io(io::Error),
    /// The frame cannot be put on the wire (too large).
    Wire(WireError),
    /// A web server answered with this status line: the address is an HTTP port.
    WebServer(String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(reason) => write!(f, "refused by the receiver: {reason}"),
            Self::Stalled(d) => write!(
                f,
                "no byte could be written for {:.0} s (--stall-timeout): the link or the receiver is gone",
                d.as_secs_f64()
            ),
            Self::Closed => f.write_str("the receiver closed the connection"),
            Self::Io(e) => write!(f, "{e}"),
            Self::Wire(e) => write!(f, "{e}"),
            Self::WebServer(status) => write!(
                f,
                "a web server answered ({status}), not cam-recv's frame port: this is likely its --http port; \
                 send to its --listen port (8000 unless set)"
            ),
        }
    }
}

/// A connected socket, with the receiver's side listened to.
#[derive(Debug)]
pub struct Link {
    write: Writer,
    heard: mpsc::Receiver<Heard>,
    reader: JoinHandle<()>,
    framed: bool,
    max_frame: usize,
    stall: Duration,
    /// The rest of the frame being written.
    rest: Option<bytes::buf::Chain<Bytes, Bytes>>,
    /// When the socket last took a byte, or a frame started waiting.
    progress: Instant,
    /// Bytes the socket took, and the time spent waiting for it to take
    /// more, since [`Self::take_meter`] last asked (`--adapt`).
    written: u64,
    blocked: Duration,
    /// The socket, for the kernel's count of bytes the other end acknowledged.
    fd: std::os::fd::RawFd,
    acked: Option<u64>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Link {
    /// Connects to the receiver, then through TLS and the secret challenge as
    /// configured (`secure`). Live mode keeps the kernel's unsent queue short;
    /// the kernel is asked to give up on a silent peer after the stall timeout.
    /// A keyframe the receiver asks for on the back channel (protocol.md,
    /// section 12) is asked of the encoder through `flags`.
    pub async fn connect(config: &Config, flags: &Arc<PipelineFlags>) -> Result<Self, SetupError> {
        let (framed, max_frame, stall) = (!config.raw, config.max_frame, config.stall_timeout);
        let to = config.to.as_str();
        // A name that does not resolve is a `NotFound` error that says so.
        let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host(to)
            .await
            .map_err(|e| {
                let host = to.rsplit_once(':').map_or(to, |(h, _)| h);
                io::Error::new(io::ErrorKind::NotFound, format!("the name {host:?} does not resolve ({e})"))
            })?
            .collect();
        debug!("{to} is {addrs:?}; connecting");
        let stream = TcpStream::connect(&addrs[..]).await?;
        stream.set_nodelay(true)?;
        if let (Ok(peer), Ok(local)) = (stream.peer_addr(), stream.local_addr()) {
            debug!("connected to {peer} from {local}");
        }
        // The kernel's own limit comes later, so the stall is reported as one.
        camwire_app::detect_dead_peer(&stream, stall * 2)?;
        if config.live() {
            socket2::SockRef::from(&stream).set_tcp_notsent_lowat(LIVE_NOTSENT_LOWAT)?;
        }
        let fd = std::os::fd::AsRawFd::as_raw_fd(&stream);
        let (mut read, write) = secure::split(secure::secure(stream, config).await?);
        let (tx, heard) = mpsc::channel(4);
        let flags = flags.clone();
        // Until this receiver says it takes the back channel.
        flags.channel.store(false, Ordering::Relaxed);
        let reader = tokio::spawn(async move {
            loop {
                let h = read_notice(&mut read).await;
                match &h {
                    Heard::Notice(Notice::Other(line)) => match Message::parse(line.as_bytes()) {
                        Ok(Message::Keyframe { why }) => {
                            debug!(
                                "the receiver asked for a keyframe ({})",
                                why.as_deref().unwrap_or("no reason given")
                            );
                            flags.want_keyframe.store(true, Ordering::Relaxed);
                        }
                        Ok(Message::Channel { version }) => {
                            debug!("the receiver took the back channel (v{version})");
                            flags.channel.store(true, Ordering::Relaxed);
                        }
                        Ok(Message::Report(report)) => flags.adapt.heard(report),
                        Ok(Message::Ping { t1 }) => {
                            let t2 = crate::frames::clock_us(std::time::SystemTime::now());
                            *flags.clock_ping.lock().expect("clock ping lock") = Some((t1, t2));
                        }
                        _ => debug!("the receiver said {line:?}"),
                    },
                    Heard::Noise => debug!("the receiver wrote bytes that are not a camwire line"),
                    Heard::Notice(Notice::Refused(_)) | Heard::Closed | Heard::Http(_) => {
                        let _ = tx.send(h).await;
                        return;
                    }
                }
            }
        });
        Ok(Self {
            write,
            heard,
            reader,
            framed,
            max_frame,
            stall,
            rest: None,
            progress: Instant::now(),
            written: 0,
            blocked: Duration::ZERO,
            acked: bytes_acked(fd),
            fd,
        })
    }

    /// Starts the stall clock for a frame that is about to wait for the socket.
    pub fn frame_waiting(&mut self) {
        self.progress = Instant::now();
    }

    /// Tries to hand the first bytes of `payload` (with its header) to the
    /// socket without waiting. `Ok(false)`: the socket took nothing, the frame
    /// is not started and another may go instead.
    pub fn try_start(&mut self, payload: &Bytes) -> Result<bool, LinkError> {
        let header = if self.framed {
            Bytes::copy_from_slice(&frame_header(payload.len(), self.max_frame).map_err(LinkError::Wire)?)
        } else {
            Bytes::new()
        };
        let mut frame = header.chain(payload.clone());
        match self.try_write(&mut frame) {
            Ok(0) => Ok(false),
            Ok(_) => {
                self.rest = Some(frame);
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
            Err(e) => Err(LinkError::Io(e)),
        }
    }

    fn try_write(&mut self, buf: &mut impl Buf) -> io::Result<usize> {
        let mut slices = [IoSlice::new(&[]); 2];
        let n = buf.chunks_vectored(&mut slices);
        let written = self.write.try_write_vectored(&slices[..n])?;
        buf.advance(written);
        self.written += written as u64;
        if written > 0 {
            self.progress = Instant::now();
        }
        Ok(written)
    }

    /// Waits until the socket may take bytes again; fails when it took none
    /// for the stall timeout, or the receiver refused or closed.
    pub async fn writable(&mut self) -> Result<(), LinkError> {
        let deadline = self.progress + self.stall;
        // Counted even when the wait is given up for a newer frame (dropped).
        let _waiting = Waiting(&mut self.blocked, Instant::now());
        tokio::select! {
            r = self.write.writable() => r.map_err(LinkError::Io),
            _ = sleep_until(deadline) => Err(LinkError::Stalled(self.stall)),
            e = next_word(&mut self.heard) => Err(e),
        }
    }

    /// The bytes the link carried and the time spent waiting for the
    /// socket since the last call: what the link carried, and whether it was
    /// the limit. Carried is what the other end acknowledged where the
    /// kernel says (Linux), else what the socket took.
    pub fn take_meter(&mut self) -> (u64, Duration) {
        let written = std::mem::take(&mut self.written);
        let carried = match (self.acked, bytes_acked(self.fd)) {
            (Some(before), Some(now)) => {
                self.acked = Some(now);
                now.saturating_sub(before)
            }
            _ => written,
        };
        (carried, std::mem::take(&mut self.blocked))
    }

    /// The receiver refused or closed the connection (never returns otherwise).
    pub async fn heard(&mut self) -> LinkError {
        next_word(&mut self.heard).await
    }

    /// Writes the rest of the frame [`Self::try_start`] started.
    pub async fn finish_frame(&mut self) -> Result<(), LinkError> {
        let Some(mut frame) = self.rest.take() else { return Ok(()) };
        while frame.has_remaining() {
            match self.try_write(&mut frame) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.writable().await?,
                Err(e) => return Err(LinkError::Io(e)),
            }
        }
        Ok(())
    }

    /// Ends the stream: the terminator (framed) and a close of our side; then
    /// waits briefly for the receiver to close too, or to say it refused the
    /// stream. Returns whether a terminator was written.
    pub async fn goodbye(mut self) -> Result<bool, LinkError> {
        if self.framed {
            let mut terminator = Bytes::from_static(&[0; HEADER_LEN]).chain(Bytes::new());
            self.frame_waiting();
            while terminator.has_remaining() {
                match self.try_write(&mut terminator) {
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.writable().await?,
                    Err(e) => return Err(LinkError::Io(e)),
                }
            }
        }
        let _ = self.write.shutdown().await;
        match timeout(GOODBYE_WAIT, next_word(&mut self.heard)).await {
            Ok(LinkError::Refused(reason)) => Err(LinkError::Refused(reason)),
            _ => Ok(self.framed),
        }
    }
}

/// Bytes of `fd`'s stream the other end has acknowledged (`TCP_INFO`).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn bytes_acked(fd: std::os::fd::RawFd) -> Option<u64> {
    // SAFETY: `tcp_info` is plain integers, valid zeroed; getsockopt writes
    // at most `len` bytes into it and says how many. `fd` is the link's
    // socket, open for as long as the link holds its write half.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let rc = unsafe {
        libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_INFO, std::ptr::addr_of_mut!(info).cast(), &mut len)
    };
    let has_it = len as usize >= std::mem::offset_of!(libc::tcp_info, tcpi_bytes_received);
    (rc == 0 && has_it).then_some(info.tcpi_bytes_acked)
}

#[cfg(not(target_os = "linux"))]
fn bytes_acked(_fd: std::os::fd::RawFd) -> Option<u64> {
    None
}

/// Adds the time since it was made to the waiting time when dropped.
struct Waiting<'a>(&'a mut Duration, Instant);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        *self.0 += self.1.elapsed();
    }
}

/// The receiver's refusal or close, as an error; pending forever once the
/// listener has nothing more to say.
async fn next_word(heard: &mut mpsc::Receiver<Heard>) -> LinkError {
    match heard.recv().await {
        Some(Heard::Notice(Notice::Refused(reason))) => LinkError::Refused(reason),
        Some(Heard::Http(status)) => LinkError::WebServer(status),
        Some(_) => LinkError::Closed,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use tokio::{io::AsyncWriteExt, net::TcpListener};

    use super::*;

    /// A framed link to `to`, frames of at most 1000 bytes, a 3 s stall timeout.
    async fn connect(to: &str, live: bool) -> Link {
        let mut config = Config::test_pattern(to);
        config.max_frame = 1000;
        config.stall_timeout = Duration::from_secs(3);
        if !live {
            config.max_latency = Duration::ZERO;
        }
        Link::connect(&config, &Arc::default()).await.unwrap()
    }

    #[tokio::test]
    async fn live_links_keep_the_unsent_queue_short_and_give_up_on_a_dead_peer() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let to = listener.local_addr().unwrap().to_string();
        for live in [true, false] {
            let link = connect(&to, live).await;
            let Writer::Plain(write) = &link.write else { panic!("a plain connection") };
            let sock = socket2::SockRef::from(write.as_ref());
            let lowat = sock.tcp_notsent_lowat().unwrap();
            assert_eq!(lowat == LIVE_NOTSENT_LOWAT, live, "lowat {lowat}");
            assert_eq!(sock.tcp_user_timeout().unwrap(), Some(Duration::from_secs(6)));
            assert!(sock.keepalive().unwrap());
        }
    }

    #[tokio::test]
    async fn a_refusal_line_is_heard_while_streaming() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let to = listener.local_addr().unwrap().to_string();
        let mut link = connect(&to, true).await;
        let (mut conn, _) = listener.accept().await.unwrap();
        conn.write_all(b"CAMWIRE REFUSED busy\n").await.unwrap();
        conn.shutdown().await.unwrap();
        match link.heard().await {
            LinkError::Refused(reason) => assert_eq!(reason, "busy"),
            other => panic!("expected a refusal, got {other}"),
        }
    }

    #[tokio::test]
    async fn a_receiver_that_closes_is_heard_as_closed() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let to = listener.local_addr().unwrap().to_string();
        let mut link = connect(&to, true).await;
        drop(listener.accept().await.unwrap());
        assert!(matches!(link.heard().await, LinkError::Closed));
    }
}
