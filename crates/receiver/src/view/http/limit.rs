//! Which connections the web view keeps: at most `max` at once and at most
//! `per_address` from one address, so idle sockets can never lock viewers
//! out. An IPv6 client is counted by its /64 network, which one host
//! usually holds whole. When a limit is reached, a connection that is doing nothing (no
//! request in flight: still sending its request head, or idle between
//! requests) makes room for the new one, the oldest of the fullest address
//! first; only when every connection is busy is the new one closed. A log
//! line says so, at most once every ten seconds per kind.

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tracing::warn;

use crate::throttle::Throttle;

/// How often each kind of limit message may be logged.
const REPORT_EVERY: Duration = Duration::from_secs(10);

/// The open connections.
pub struct Connections {
    max: usize,
    per_address: usize,
    state: Mutex<State>,
}

struct State {
    next_id: u64,
    /// Oldest first.
    open: Vec<Arc<Slot>>,
    refused: Throttle,
    evicted_per_address: Throttle,
    evicted_total: Throttle,
}

impl Default for State {
    fn default() -> Self {
        let throttle = || Throttle::new(1, REPORT_EVERY);
        Self {
            next_id: 0,
            open: Vec::new(),
            refused: throttle(),
            evicted_per_address: throttle(),
            evicted_total: throttle(),
        }
    }
}

/// One open connection's place.
struct Slot {
    id: u64,
    ip: IpAddr,
    /// Requests in flight (a streaming response counts until it ends).
    busy: AtomicUsize,
    /// Cancelled when the connection must close to make room.
    evict: CancellationToken,
}

impl Slot {
    fn idle(&self) -> bool {
        self.busy.load(Ordering::SeqCst) == 0
    }
}

impl Connections {
    /// At most `max` connections, `per_address` of them from one address.
    pub fn new(max: usize, per_address: usize) -> Arc<Self> {
        Arc::new(Self { max, per_address: per_address.min(max), state: Mutex::default() })
    }

    /// A place for a new connection from `ip`, making room if it must;
    /// `None` (after a log line) when every connection in the way is busy.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Admitted> {
        let ip = client_key(ip);
        let mut state = self.state.lock().expect("connections lock");
        let from_ip = state.open.iter().filter(|s| s.ip == ip).count();
        if from_ip >= self.per_address {
            let Some(oldest) = state.open.iter().position(|s| s.ip == ip && s.idle()) else {
                return self.refuse(&mut state, ip);
            };
            state.open.remove(oldest).evict.cancel();
            if let Some(tally) = state.evicted_per_address.tick() {
                warn!(
                    "--http: {from_ip} connections open from {}, the limit per address; closing its oldest idle one \
                     ({} so far)",
                    shown(ip),
                    tally.total
                );
            }
        } else if state.open.len() >= self.max {
            let mut per_ip: HashMap<IpAddr, usize> = HashMap::new();
            for slot in &state.open {
                *per_ip.entry(slot.ip).or_default() += 1;
            }
            // The fullest address's oldest idle connection (max_by_key keeps the last of equals).
            let victim = state
                .open
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, s)| s.idle())
                .max_by_key(|(_, s)| per_ip[&s.ip])
                .map(|(i, _)| i);
            let Some(victim) = victim else {
                return self.refuse(&mut state, ip);
            };
            let slot = state.open.remove(victim);
            slot.evict.cancel();
            if let Some(tally) = state.evicted_total.tick() {
                warn!(
                    "--http: {} connections open, the limit; closing the oldest idle one, from {} ({} so far)",
                    self.max,
                    shown(slot.ip),
                    tally.total
                );
            }
        }
        state.next_id += 1;
        let slot = Arc::new(Slot { id: state.next_id, ip, busy: AtomicUsize::new(0), evict: CancellationToken::new() });
        state.open.push(slot.clone());
        Some(Admitted { connections: self.clone(), slot })
    }

    fn refuse(&self, state: &mut State, ip: IpAddr) -> Option<Admitted> {
        if let Some(tally) = state.refused.tick() {
            warn!(
                "--http: {} connections open, the limit (at most {} from one address), all busy; closing new ones \
                 ({} so far, latest from {})",
                state.open.len(),
                self.per_address,
                tally.total,
                shown(ip)
            );
        }
        None
    }

    /// Connections open now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.state.lock().expect("connections lock").open.len()
    }
}

/// What the per-address limit counts: an IPv4 address (also when mapped
/// into IPv6), or an IPv6 address's /64 network.
pub(super) fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
        v4 => v4,
    }
}

/// A [`client_key`] for the log: an IPv6 network with its `/64`.
pub(super) fn shown(key: IpAddr) -> String {
    match key {
        IpAddr::V6(_) => format!("{key}/64"),
        IpAddr::V4(_) => key.to_string(),
    }
}

/// A connection's place; given back when dropped.
pub struct Admitted {
    connections: Arc<Connections>,
    slot: Arc<Slot>,
}

impl Admitted {
    /// Resolves when the connection must close to make room for another.
    pub fn evicted(&self) -> WaitForCancellationFutureOwned {
        self.slot.evict.clone().cancelled_owned()
    }

    #[cfg(test)]
    fn busy(&self) -> Busy {
        Busy::new(self.slot.clone())
    }

    /// Hands out busy guards for the connection's requests.
    pub fn busy_maker(&self) -> BusyMaker {
        BusyMaker(self.slot.clone())
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut state = self.connections.state.lock().expect("connections lock");
        if let Some(i) = state.open.iter().position(|s| s.id == self.slot.id) {
            state.open.remove(i);
        }
    }
}

/// Makes [`Busy`] guards for one connection.
#[derive(Clone)]
pub struct BusyMaker(Arc<Slot>);

impl BusyMaker {
    /// Marks one request in flight until the guard is dropped.
    pub fn busy(&self) -> Busy {
        Busy::new(self.0.clone())
    }
}

/// One request in flight: its connection is not idle while this lives.
pub struct Busy(Arc<Slot>);

impl Busy {
    fn new(slot: Arc<Slot>) -> Self {
        slot.busy.fetch_add(1, Ordering::SeqCst);
        Self(slot)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, n))
    }

    #[test]
    fn a_full_address_gives_up_its_oldest_idle_connection() {
        let conns = Connections::new(10, 2);
        let first = conns.admit(ip(1)).unwrap();
        let second = conns.admit(ip(1)).unwrap();
        let third = conns.admit(ip(1)).expect("room is made");
        assert!(first.slot.evict.is_cancelled(), "the oldest idle one goes");
        assert!(!second.slot.evict.is_cancelled() && !third.slot.evict.is_cancelled());
        assert_eq!(conns.len(), 2);
        drop(first);
        assert_eq!(conns.len(), 2, "an evicted place is not counted twice");
    }

    #[test]
    fn busy_connections_are_never_evicted_and_then_new_ones_are_refused() {
        let conns = Connections::new(10, 2);
        let a = conns.admit(ip(1)).unwrap();
        let b = conns.admit(ip(1)).unwrap();
        let (_busy_a, busy_b) = (a.busy(), b.busy());
        assert!(conns.admit(ip(1)).is_none());
        assert!(conns.admit(ip(2)).is_some(), "another address still gets in");
        drop(busy_b);
        assert!(conns.admit(ip(1)).is_some(), "an idle one makes room again");
        assert!(b.slot.evict.is_cancelled() && !a.slot.evict.is_cancelled());
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let conns = Connections::new(10, 2);
        let host = |last: u16| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 7, 0, 0, 0, last));
        let held: Vec<_> = (1..=2).map(|n| conns.admit(host(n)).unwrap()).collect();
        let _busy: Vec<_> = held.iter().map(Admitted::busy).collect();
        assert!(conns.admit(host(3)).is_none(), "another address in the same /64");
        assert!(conns.admit(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 8, 0, 0, 0, 1))).is_some());
        assert_eq!(client_key("::ffff:10.0.0.1".parse().unwrap()), ip(1));
    }

    #[test]
    fn at_the_total_limit_the_fullest_address_makes_room() {
        let conns = Connections::new(4, 3);
        let other = conns.admit(ip(9)).unwrap();
        let flood: Vec<_> = (0..3).map(|_| conns.admit(ip(1)).unwrap()).collect();
        let newcomer = conns.admit(ip(2)).expect("room is made");
        assert!(flood[0].slot.evict.is_cancelled(), "the flooding address's oldest goes");
        assert!(!other.slot.evict.is_cancelled(), "not the older connection of a quiet address");
        assert!(!newcomer.slot.evict.is_cancelled());
        assert_eq!(conns.len(), 4);
    }
}
