//! Connections still in their handshake (no picture yet): how many may wait,
//! from one address and in all, and how many bytes they may hold together.
//!
//! A flood of idle connections costs bounded file descriptors and never locks
//! out a real sender: past a limit the oldest waiting connection (of the same
//! address, when that address is over its share) is dropped. Bytes read
//! before a first picture are charged to a shared budget, so many connections
//! that each announce a large frame and trickle it cannot add up to gigabytes.

use std::{
    collections::{BTreeMap, HashMap},
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::sender_check::SenderConnection;

/// Connections that have not delivered their first picture yet: at most this
/// many at a time, and at most a quarter of the open-file limit.
const MAX_PENDING_CONNECTIONS: usize = 1024;

/// Connections from one address (an IPv4 address or an IPv6 /64) that may
/// wait for their first picture at once; past it that address's oldest is dropped.
pub(crate) const MAX_PENDING_PER_ADDRESS: usize = 16;

/// Bytes that connections still in their handshake may have read, all
/// together: this, or two of the largest frames if that is more. A
/// connection whose read would pass it is dropped.
pub(crate) const HANDSHAKE_BUDGET: usize = 64 << 20;

fn max_pending() -> usize {
    let nofile = crate::nofile::open_file_limit();
    ((nofile / 4) as usize).clamp(16, MAX_PENDING_CONNECTIONS)
}

/// The waiting room: every connection until its first picture.
pub(crate) struct Admission {
    pending: Mutex<Pending>,
    max_pending: usize,
    budget: Arc<Budget>,
}

/// The connections still in their handshake, oldest first.
#[derive(Default)]
struct Pending {
    next_id: u64,
    waiting: BTreeMap<u64, (IpAddr, CancellationToken)>,
    per_address: HashMap<IpAddr, usize>,
    evicted: u64,
    last_report: Option<Instant>,
}

impl Pending {
    /// Takes connection `id` off the list, cancelling its token; true if it was on it.
    fn remove(&mut self, id: u64) -> bool {
        let Some((addr, token)) = self.waiting.remove(&id) else { return false };
        if let Some(n) = self.per_address.get_mut(&addr) {
            *n -= 1;
            if *n == 0 {
                self.per_address.remove(&addr);
            }
        }
        token.cancel();
        true
    }

    /// Drops connection `id`, with a log line at most every 10 s:
    /// "`why`; dropping the oldest (`note`N dropped so far)".
    fn evict(&mut self, id: u64, why: std::fmt::Arguments<'_>, note: &str) {
        if self.remove(id) {
            self.evicted += 1;
            if self.last_report.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                warn!("{why}; dropping the oldest ({note}{} dropped so far)", self.evicted);
                self.last_report = Some(Instant::now());
            }
        }
    }
}

/// The address a limit counts by: IPv4 addresses one by one, IPv6 by /64
/// (one host usually has a whole /64).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

impl Admission {
    /// A waiting room for a receiver whose largest frame is `max_frame`.
    pub(crate) fn new(max_frame: usize) -> Self {
        let limit = HANDSHAKE_BUDGET.max(max_frame.saturating_mul(2));
        Self {
            pending: Mutex::new(Pending::default()),
            max_pending: max_pending(),
            budget: Arc::new(Budget { used: AtomicUsize::new(0), limit }),
        }
    }

    /// Registers a new connection, dropping the oldest waiting one of its
    /// address, or of all, when full.
    pub(crate) fn admit(self: &Arc<Self>, peer: SocketAddr) -> Ticket {
        let key = address_key(peer.ip());
        let mut p = self.pending.lock().expect("pending lock");
        if p.per_address.get(&key).is_some_and(|&n| n >= MAX_PENDING_PER_ADDRESS) {
            let oldest = p.waiting.iter().find(|(_, (k, _))| *k == key).map(|(&id, _)| id);
            if let Some(id) = oldest {
                p.evict(
                    id,
                    format_args!("{key}: {MAX_PENDING_PER_ADDRESS} connections are waiting to send a first frame"),
                    "the most one address may have; ",
                );
            }
        } else if p.waiting.len() >= self.max_pending {
            if let Some(id) = p.waiting.keys().next().copied() {
                p.evict(id, format_args!("{} connections are waiting to send a first frame", self.max_pending), "");
            }
        }
        let id = p.next_id;
        p.next_id += 1;
        let evicted = CancellationToken::new();
        p.waiting.insert(id, (key, evicted.clone()));
        *p.per_address.entry(key).or_default() += 1;
        let charge =
            Arc::new(Charge { budget: self.budget.clone(), held: AtomicUsize::new(0), done: AtomicBool::new(false) });
        Ticket { admission: self.clone(), id, evicted, charge }
    }
}

/// A connection's place in the waiting room. Dropping it (after the
/// handshake, or when the connection ends before one) gives the place and
/// the connection's bytes back.
pub(crate) struct Ticket {
    admission: Arc<Admission>,
    id: u64,
    evicted: CancellationToken,
    charge: Arc<Charge>,
}

impl Ticket {
    /// Cancelled when the connection is dropped to make room for newer ones.
    pub(crate) fn evicted(&self) -> &CancellationToken {
        &self.evicted
    }

    /// `sock`, with its reads charged to the handshake budget until this ticket is dropped.
    pub(crate) fn meter(&self, sock: SenderConnection) -> Metered {
        Metered { sock, charge: self.charge.clone() }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.admission.pending.lock().expect("pending lock").remove(self.id);
        self.charge.release();
    }
}

/// The bytes read by connections still in their handshake.
struct Budget {
    used: AtomicUsize,
    limit: usize,
}

/// One connection's share of the [`Budget`], until its handshake ends.
struct Charge {
    budget: Arc<Budget>,
    held: AtomicUsize,
    done: AtomicBool,
}

impl Charge {
    /// Counts `n` more bytes; false if that passes the budget.
    fn add(&self, n: usize) -> bool {
        if self.done.load(Ordering::Relaxed) {
            return true;
        }
        self.held.fetch_add(n, Ordering::Relaxed);
        self.budget.used.fetch_add(n, Ordering::Relaxed) + n <= self.budget.limit
    }

    /// Gives the bytes back: the handshake is over.
    fn release(&self) {
        if !self.done.swap(true, Ordering::Relaxed) {
            self.budget.used.fetch_sub(self.held.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }
}

/// A socket whose reads are charged to the handshake budget.
pub(crate) struct Metered {
    sock: SenderConnection,
    charge: Arc<Charge>,
}

impl Metered {
    /// The socket, to write to it (a refusal line).
    pub(crate) fn into_inner(self) -> SenderConnection {
        self.sock
    }
}

impl AsyncRead for Metered {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.sock).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        if n > 0 && !self.charge.add(n) {
            let limit = self.charge.budget.limit >> 20;
            return Poll::Ready(Err(std::io::Error::other(format!(
                "connections that have not sent a whole picture yet hold more than {limit} MiB together \
                 (the handshake budget)"
            ))));
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_by_their_64_bit_prefix() {
        let a = address_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = address_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(address_key("::ffff:192.0.2.7".parse().unwrap()), v4);
    }

    #[tokio::test]
    async fn one_address_past_its_share_loses_its_own_oldest_connection() {
        let admission = Arc::new(Admission::new(1 << 20));
        let a: SocketAddr = "192.0.2.1:1000".parse().unwrap();
        let b: SocketAddr = "192.0.2.2:1000".parse().unwrap();
        let other = admission.admit(b);
        let tickets: Vec<Ticket> = (0..MAX_PENDING_PER_ADDRESS).map(|_| admission.admit(a)).collect();
        assert!(tickets.iter().all(|t| !t.evicted().is_cancelled()));
        let newest = admission.admit(a);
        assert!(tickets[0].evicted().is_cancelled(), "the address's oldest made room");
        assert!(!tickets[1].evicted().is_cancelled() && !newest.evicted().is_cancelled());
        assert!(!other.evicted().is_cancelled(), "another address is untouched");
    }
}
