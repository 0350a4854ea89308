//! A TCP proxy on loopback that plays a network link between cam-send and
//! cam-recv: a fixed rate towards the receiver with a small queue (the
//! proxy's receive buffer), a switch to lift the rate, connections it takes
//! and never reads (a receiver whose host is gone), and a freeze after a
//! given number of bytes (the link dies mid-frame: no FIN, no RST, nothing),
//! and a count of the bytes forwarded, to size a link from what is really sent.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
    runtime::Runtime,
    time::{sleep_until, Instant},
};

#[derive(Default)]
struct Ctl {
    /// Bytes per second towards the receiver; 0 is unlimited.
    rate: AtomicU64,
    /// The next this many connections are accepted and never read.
    blackholes: AtomicU64,
    /// Each connection stops forwarding (both ways) after this many bytes towards the receiver.
    freeze_at: AtomicU64,
    /// Connections accepted so far.
    accepted: AtomicU64,
    /// Bytes forwarded towards the receiver, all connections.
    forwarded: AtomicU64,
}

/// A running proxy; stops when dropped.
pub struct Proxy {
    /// The port the proxy listens on: point the sender here.
    pub port: u16,
    ctl: Arc<Ctl>,
    _rt: Runtime,
}

impl Proxy {
    /// Forwards `127.0.0.1:<port>` to `127.0.0.1:<upstream>` at `rate` bytes/s
    /// (0: unlimited), queueing about `queue` bytes in its receive buffer.
    pub fn start(upstream: u16, rate: u64, queue: u32) -> Proxy {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let ctl = Arc::new(Ctl { rate: AtomicU64::new(rate), freeze_at: AtomicU64::new(u64::MAX), ..Ctl::default() });
        let listener = rt.block_on(async {
            let sock = TcpSocket::new_v4().unwrap();
            // Accepted connections inherit it: the link's queue.
            sock.set_recv_buffer_size(queue).unwrap();
            sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            sock.listen(64).unwrap()
        });
        let port = listener.local_addr().unwrap().port();
        let c = ctl.clone();
        rt.spawn(async move {
            let mut held = Vec::new();
            loop {
                let Ok((client, _)) = listener.accept().await else { continue };
                c.accepted.fetch_add(1, Ordering::SeqCst);
                let blackhole =
                    c.blackholes.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                if blackhole {
                    held.push(client);
                    continue;
                }
                tokio::spawn(forward(client, upstream, c.clone()));
            }
        });
        Proxy { port, ctl, _rt: rt }
    }

    /// Sets the rate towards the receiver, in bytes per second; 0 lifts the limit.
    pub fn set_rate(&self, rate: u64) {
        self.ctl.rate.store(rate, Ordering::SeqCst);
    }

    /// The next `n` connections are accepted and then never read or answered.
    pub fn blackhole_next(&self, n: u64) {
        self.ctl.blackholes.store(n, Ordering::SeqCst);
    }

    /// Every connection goes silent, both ways, after `bytes` towards the receiver.
    pub fn freeze_after(&self, bytes: u64) {
        self.ctl.freeze_at.store(bytes, Ordering::SeqCst);
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> u64 {
        self.ctl.accepted.load(Ordering::SeqCst)
    }

    /// Bytes forwarded towards the receiver so far.
    pub fn forwarded(&self) -> u64 {
        self.ctl.forwarded.load(Ordering::SeqCst)
    }

    /// What the sender sends, in bytes per second, measured over `secs`
    /// seconds of the link as it is: size a slow link from this, not from
    /// what the sender was asked for (an encoder may send far less).
    pub fn measure_rate(&self, secs: f64) -> u64 {
        let (before, started) = (self.forwarded(), std::time::Instant::now());
        std::thread::sleep(Duration::from_secs_f64(secs));
        ((self.forwarded() - before) as f64 / started.elapsed().as_secs_f64()) as u64
    }
}

async fn forward(client: TcpStream, upstream: u16, ctl: Arc<Ctl>) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else { return };
    let _ = server.set_nodelay(true);
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let frozen = Arc::new(AtomicU64::new(0));
    let back_frozen = frozen.clone();
    // Back towards the sender (a receiver's refusal line), unthrottled.
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        while let Ok(n) = from_server.read(&mut buf).await {
            if back_frozen.load(Ordering::SeqCst) == 1 {
                return std::future::pending().await;
            }
            if n == 0 {
                let _ = to_client.shutdown().await;
                return;
            }
            if to_client.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    });
    let mut buf = vec![0u8; 4096];
    let (mut total, mut next) = (0u64, Instant::now());
    loop {
        let room = ctl.freeze_at.load(Ordering::SeqCst).saturating_sub(total);
        if room == 0 {
            frozen.store(1, Ordering::SeqCst);
            // Hold both sockets open, silent: a link that died without a word.
            let _keep = (from_client, to_server);
            return std::future::pending().await;
        }
        // About 10 ms of the link at a time, so a new rate applies at once.
        let rate = ctl.rate.load(Ordering::SeqCst);
        let chunk = if rate == 0 { buf.len() } else { (rate / 100).clamp(16, buf.len() as u64) as usize };
        let want = chunk.min(room as usize);
        let n = match from_client.read(&mut buf[..want]).await {
            Ok(0) | Err(_) => {
                let _ = to_server.shutdown().await;
                return;
            }
            Ok(n) => n,
        };
        if to_server.write_all(&buf[..n]).await.is_err() {
            return;
        }
        total += n as u64;
        ctl.forwarded.fetch_add(n as u64, Ordering::SeqCst);
        // Paid at the rate the chunk was sized for: a chunk of a fast link
        // paid at a new, near-stopped rate would hold the link for many
        // seconds (2,445 bytes at 200 B/s is 12 s), long after it recovered.
        if rate > 0 {
            next = next.max(Instant::now()) + Duration::from_secs_f64(n as f64 / rate as f64);
            sleep_until(next).await;
        }
    }
}
