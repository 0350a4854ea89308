//! Connections that are not streaming yet: from the first byte until the
//! stream holds the sender slot (the handshake, the first picture, the wait
//! for a busy slot and a refusal as busy), how many may wait, from one
//! address and in all, and how many bytes they may hold together.
//!
//! A flood of idle connections costs bounded file descriptors and never locks
//! out a real sender: past a limit, a waiting connection is dropped, the one
//! that made the least progress first (nothing read, then no picture yet,
//! then waiting for the slot), the oldest of those first. A connection that
//! passed the secret or TLS is never dropped, and one from an address at its
//! cap is dropped for a newer one from the same address only after
//! [`Admission::grace`]: time for a real sender's handshake round trip.
//! Bytes read before a connection streams are charged to a shared
//! [`Budget`], so many connections that each announce a large frame cannot
//! add up to gigabytes, whether they trickle it or wait for the slot.
//!
//! Once a connection has sent its first picture it waits for its camera's
//! slot, and is counted under that camera too: at most
//! [`MAX_WAITING_PER_CAMERA`] wait for one camera (the oldest is dropped for
//! a newer one), and together they hold at most a quarter of the budget, so
//! a flood aimed at one camera leaves room for the others' senders.
//!
//! Peers refused outright (`--allow`) are counted too ([`Refusals`]): past a
//! cap they are closed at once instead of being given the refusal line.

use std::{
    collections::{BTreeMap, HashMap},
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering},
        Arc, Mutex, OnceLock,
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use camwire_wire::CameraName;
use tokio::io::{AsyncRead, ReadBuf, ReadHalf};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::{sender_check::SenderConnection, throttle::Throttle};

/// Connections that are not streaming yet: at most this many at a time, and
/// at most a quarter of the open-file limit.
const MAX_PENDING_CONNECTIONS: usize = 1024;

/// Connections from one address (an IPv4 address or one IPv6 address) that
/// may wait at once.
pub(crate) const MAX_PENDING_PER_ADDRESS: usize = 16;

/// Connections from one IPv6 /64 network (usually one LAN) that may wait at once.
pub(crate) const MAX_PENDING_PER_NETWORK: usize = 64;

/// Bytes that connections not streaming yet may have read, all together:
/// this, or two of the largest frames if that is more. A connection whose
/// read would pass it is dropped.
pub(crate) const HANDSHAKE_BUDGET: usize = 64 << 20;

/// Connections with a first picture that may wait for one camera's slot at once.
pub(crate) const MAX_WAITING_PER_CAMERA: usize = 4;

/// How a dropped connection or a refused one is logged: one line per kind every 10 s.
static EVICTED: Throttle = Throttle::new(1, Duration::from_secs(10));
static TURNED_AWAY: Throttle = Throttle::new(1, Duration::from_secs(10));

fn max_pending() -> usize {
    let nofile = crate::nofile::open_file_limit();
    ((nofile / 4) as usize).clamp(16, MAX_PENDING_CONNECTIONS)
}

/// How far a waiting connection got; the least progress is dropped first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub(crate) enum Progress {
    /// Nothing read from it yet.
    Connected = 0,
    /// Bytes read, no picture yet.
    Reading = 1,
    /// Sent its first picture; waits for the sender slot.
    Picture = 2,
}

/// The waiting room: every connection until it streams.
pub(crate) struct Admission {
    room: Mutex<Room>,
    max_pending: usize,
    grace: Duration,
    budget: Arc<Budget>,
    /// The bytes the connections waiting for one camera may hold together.
    camera_budget: usize,
}

/// The waiting connections, oldest first, and how many per address.
#[derive(Default)]
struct Room {
    next_id: u64,
    waiting: BTreeMap<u64, Arc<Place>>,
    per_key: HashMap<IpAddr, usize>,
    /// How many wait for each camera's slot, and the bytes they hold.
    per_camera: HashMap<CameraName, (usize, Arc<Budget>)>,
}

/// One waiting connection.
struct Place {
    /// Its address, and its IPv6 /64 network.
    host: IpAddr,
    network: Option<IpAddr>,
    since: Instant,
    progress: AtomicU8,
    /// Passed the secret or TLS: never dropped to make room.
    passed: AtomicBool,
    /// The camera whose slot it waits for, once it has sent its first picture.
    camera: OnceLock<CameraName>,
    evicted: CancellationToken,
}

impl Place {
    fn keys(&self) -> impl Iterator<Item = IpAddr> {
        std::iter::once(self.host).chain(self.network)
    }

    /// Whether it may be dropped for another: not passed, and (with `grace`) old enough.
    fn droppable(&self, grace: Option<Duration>) -> bool {
        !self.passed.load(Ordering::Relaxed) && grace.is_none_or(|g| self.since.elapsed() >= g)
    }

    fn progress(&self) -> u8 {
        self.progress.load(Ordering::Relaxed)
    }
}

impl Room {
    /// Takes connection `id` off the list, cancelling its token; true if it was on it.
    fn remove(&mut self, id: u64) -> bool {
        let Some(place) = self.waiting.remove(&id) else { return false };
        for key in place.keys() {
            if let Some(n) = self.per_key.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    self.per_key.remove(&key);
                }
            }
        }
        if let Some(camera) = place.camera.get() {
            if let Some((n, _)) = self.per_camera.get_mut(camera) {
                *n -= 1;
                if *n == 0 {
                    self.per_camera.remove(camera);
                }
            }
        }
        place.evicted.cancel();
        true
    }

    fn count(&self, key: IpAddr) -> usize {
        self.per_key.get(&key).copied().unwrap_or(0)
    }

    /// The connection to drop among those `matching`: the least progress, then the oldest.
    fn victim(&self, matching: impl Fn(&Place) -> bool, grace: Option<Duration>) -> Option<u64> {
        let candidates = self.waiting.iter().filter(|(_, p)| matching(p) && p.droppable(grace));
        candidates.min_by_key(|(&id, p)| (p.progress(), id)).map(|(&id, _)| id)
    }
}

/// The keys a connection is counted under: its address, and for IPv6 its /64.
fn address_keys(ip: IpAddr) -> (IpAddr, Option<IpAddr>) {
    match ip.to_canonical() {
        IpAddr::V6(v6) => (IpAddr::V6(v6), Some(IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()))),
        v4 => (v4, None),
    }
}

impl Admission {
    /// A waiting room for a receiver whose largest frame is `max_frame` and
    /// whose handshakes may take `handshake_timeout`.
    pub(crate) fn new(max_frame: usize, handshake_timeout: Duration) -> Self {
        let budget = HANDSHAKE_BUDGET.max(max_frame.saturating_mul(2));
        Self {
            room: Mutex::new(Room::default()),
            max_pending: max_pending(),
            grace: handshake_timeout / 4,
            budget: Arc::new(Budget::new(budget)),
            // A quarter, and at least room for one largest frame and what is read with it.
            camera_budget: (budget / 4).max(max_frame.saturating_add(1 << 20)),
        }
    }

    /// The waiting connections allowed at once.
    pub(crate) fn max_pending(&self) -> usize {
        self.max_pending
    }

    /// Registers a new connection, dropping a waiting one when its address,
    /// its network or the room is full; `None` (close it) when no waiting
    /// connection may be dropped for it.
    pub(crate) fn admit(self: &Arc<Self>, peer: SocketAddr) -> Option<Ticket> {
        let (host, network) = address_keys(peer.ip());
        let mut room = self.room.lock().expect("admission lock");
        let full = if room.count(host) >= MAX_PENDING_PER_ADDRESS {
            let victim = room.victim(|p| p.host == host, Some(self.grace));
            Some((victim, format!("{host}: {MAX_PENDING_PER_ADDRESS} connections from one address")))
        } else if let Some(net) = network.filter(|&n| room.count(n) >= MAX_PENDING_PER_NETWORK) {
            let victim = room.victim(|p| p.network == Some(net), Some(self.grace));
            Some((victim, format!("{net}/64: {MAX_PENDING_PER_NETWORK} connections from one network")))
        } else if room.waiting.len() >= self.max_pending {
            Some((room.victim(|_| true, None), format!("{} connections", self.max_pending)))
        } else {
            None
        };
        match full {
            None => {}
            Some((Some(id), what)) => {
                room.remove(id);
                if let Some(tally) = EVICTED.tick() {
                    warn!(
                        "{what} are waiting to send a first frame; dropping the oldest of those that got least \
                         far ({} dropped so far)",
                        tally.total
                    );
                }
            }
            Some((None, what)) => {
                if let Some(tally) = TURNED_AWAY.tick() {
                    warn!(
                        "{what} are waiting to send a first frame, none that may be dropped yet; closed a new \
                         one from {host} ({} so far)",
                        tally.total
                    );
                }
                return None;
            }
        }
        let id = room.next_id;
        room.next_id += 1;
        let place = Arc::new(Place {
            host,
            network,
            since: Instant::now(),
            progress: AtomicU8::new(Progress::Connected as u8),
            passed: AtomicBool::new(false),
            camera: OnceLock::new(),
            evicted: CancellationToken::new(),
        });
        for key in place.keys() {
            *room.per_key.entry(key).or_default() += 1;
        }
        room.waiting.insert(id, place.clone());
        let charge = Arc::new(Charge::new(self.budget.clone()));
        Some(Ticket { admission: self.clone(), id, place, charge })
    }
}

/// A connection's place in the waiting room. Dropping it (once the stream
/// holds the sender slot, or when the connection ends before) gives the
/// place and the connection's bytes back.
pub(crate) struct Ticket {
    admission: Arc<Admission>,
    id: u64,
    place: Arc<Place>,
    charge: Arc<Charge>,
}

impl Ticket {
    /// Cancelled when the connection is dropped to make room for newer ones.
    pub(crate) fn evicted(&self) -> &CancellationToken {
        &self.place.evicted
    }

    /// The connection got this far.
    pub(crate) fn advance(&self, progress: Progress) {
        self.place.progress.fetch_max(progress as u8, Ordering::Relaxed);
    }

    /// The connection passed the secret or TLS: it is never dropped to make room.
    pub(crate) fn passed(&self) {
        self.place.passed.store(true, Ordering::Relaxed);
    }

    /// The connection sent its first picture and waits for `camera`'s slot:
    /// counted under that camera too, dropping the oldest that waits for it
    /// when [`MAX_WAITING_PER_CAMERA`] already do. `Err` says why it must
    /// close instead: none may be dropped for it, or the bytes that
    /// connections waiting for this camera hold would pass the camera's share.
    pub(crate) fn waits_for(&self, camera: &CameraName) -> Result<(), String> {
        let admission = &self.admission;
        let mut room = admission.room.lock().expect("admission lock");
        if room.per_camera.get(camera).is_some_and(|(n, _)| *n >= MAX_WAITING_PER_CAMERA) {
            let victim = room.victim(|p| p.camera.get() == Some(camera), None);
            let Some(id) = victim else {
                return Err(format!(
                    "{MAX_WAITING_PER_CAMERA} connections that passed the secret are waiting for camera {camera}'s slot"
                ));
            };
            room.remove(id);
            if let Some(tally) = EVICTED.tick() {
                warn!(
                    "{MAX_WAITING_PER_CAMERA} connections are waiting for camera {camera}'s slot; dropping the oldest \
                     ({} dropped so far)",
                    tally.total
                );
            }
        }
        if !room.waiting.contains_key(&self.id) || self.place.camera.set(camera.clone()).is_err() {
            // Dropped already, or counted already.
            return Ok(());
        }
        let limit = admission.camera_budget;
        let (n, budget) = room.per_camera.entry(camera.clone()).or_insert_with(|| (0, Arc::new(Budget::new(limit))));
        *n += 1;
        if !self.charge.attach(budget.clone()) {
            return Err(format!(
                "connections waiting for camera {camera}'s slot hold more than {} MiB together (its share of the \
                 handshake budget)",
                limit >> 20
            ));
        }
        Ok(())
    }

    /// `sock`, with its reads charged to the budget until this ticket is dropped.
    pub(crate) fn meter(&self, sock: SenderConnection) -> Metered {
        let (sock, write) = tokio::io::split(sock);
        let write = Arc::new(Mutex::new(Some(write)));
        Metered { sock, write, charge: self.charge.clone(), place: self.place.clone() }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.admission.room.lock().expect("admission lock").remove(self.id);
        if self.charge.release() >= crate::memory::GIVE_BACK_AFTER {
            crate::memory::give_back();
        }
    }
}

/// Bytes held by a set of holders, and the most they may hold together.
/// Today one budget covers every connection that is not streaming; with
/// several cameras a holder can be charged to its camera's budget as well.
pub(crate) struct Budget {
    used: AtomicUsize,
    limit: usize,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Self {
        Self { used: AtomicUsize::new(0), limit }
    }
}

/// One connection's share of the [`Budget`], and once it waits for a
/// camera's slot of that camera's too, until it streams.
struct Charge {
    budget: Arc<Budget>,
    camera: OnceLock<Arc<Budget>>,
    held: AtomicUsize,
    done: AtomicBool,
}

impl Budget {
    /// Counts `n` more bytes; false if that passes the limit.
    fn charge(&self, n: usize) -> bool {
        self.used.fetch_add(n, Ordering::Relaxed) + n <= self.limit
    }
}

impl Charge {
    fn new(budget: Arc<Budget>) -> Self {
        Self { budget, camera: OnceLock::new(), held: AtomicUsize::new(0), done: AtomicBool::new(false) }
    }

    /// Counts `n` more bytes; false if that passes a budget.
    fn add(&self, n: usize) -> bool {
        if self.done.load(Ordering::Relaxed) {
            return true;
        }
        self.held.fetch_add(n, Ordering::Relaxed);
        let camera = self.camera.get().is_none_or(|c| c.charge(n));
        self.budget.charge(n) && camera
    }

    /// Charges the bytes held, and those read from now on, to `camera`'s
    /// budget as well; false if they pass it.
    fn attach(&self, camera: Arc<Budget>) -> bool {
        if self.done.load(Ordering::Relaxed) {
            return true;
        }
        let fits = camera.charge(self.held.load(Ordering::Relaxed));
        let _ = self.camera.set(camera);
        fits
    }

    /// Gives the bytes back; how many it held.
    fn release(&self) -> usize {
        if self.done.swap(true, Ordering::Relaxed) {
            return 0;
        }
        let held = self.held.load(Ordering::Relaxed);
        self.budget.used.fetch_sub(held, Ordering::Relaxed);
        if let Some(camera) = self.camera.get() {
            camera.used.fetch_sub(held, Ordering::Relaxed);
        }
        held
    }
}

/// A socket whose reads are charged to the budget and mark progress.
/// Its write half stays apart, for the back channel once the stream holds
/// its slot ([`Metered::writer`]).
pub(crate) struct Metered {
    sock: ReadHalf<SenderConnection>,
    write: SharedWriter,
    charge: Arc<Charge>,
    place: Arc<Place>,
}

/// A connection's write half, until the back channel takes it.
pub(crate) type SharedWriter = Arc<Mutex<Option<tokio::io::WriteHalf<SenderConnection>>>>;

impl Metered {
    /// The socket, to write to it (a refusal line). Only before the back
    /// channel took the write half, which it does once the stream holds its
    /// slot, when nothing is refused any more.
    pub(crate) fn into_inner(self) -> SenderConnection {
        let write = self.write.lock().expect("writer lock").take();
        self.sock.unsplit(write.expect("a refusal comes before the back channel takes the write half"))
    }

    /// The write half, for the back channel to take once the stream holds its slot.
    pub(crate) fn writer(&self) -> SharedWriter {
        self.write.clone()
    }
}

impl AsyncRead for Metered {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.sock).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        if n > 0 {
            self.place.progress.fetch_max(Progress::Reading as u8, Ordering::Relaxed);
            if !self.charge.add(n) {
                let limit = self.charge.budget.limit >> 20;
                return Poll::Ready(Err(std::io::Error::other(format!(
                    "connections that are not streaming yet hold more than {limit} MiB together \
                     (the handshake budget)"
                ))));
            }
        }
        polled
    }
}

/// Peers being turned away with a refusal line (`--allow`): at most a
/// quarter of the waiting room at once; past it they are closed at once.
pub(crate) struct Refusals {
    busy: Arc<AtomicUsize>,
    max: usize,
}

/// One counted refusal; dropped when it is done.
pub(crate) struct Refusing(Arc<AtomicUsize>);

impl Refusals {
    pub(crate) fn new(max_pending: usize) -> Self {
        Self { busy: Arc::default(), max: (max_pending / 4).max(4) }
    }

    /// A place for one more refusal, `None` when there are too many already.
    pub(crate) fn start(&self) -> Option<Refusing> {
        let busy = &self.busy;
        busy.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < self.max).then_some(n + 1)).ok()?;
        Some(Refusing(busy.clone()))
    }
}

impl Drop for Refusing {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> Arc<Admission> {
        Arc::new(Admission::new(1 << 20, Duration::ZERO))
    }

    fn camera(name: &str) -> CameraName {
        CameraName::new(name).unwrap()
    }

    #[tokio::test]
    async fn a_camera_past_its_share_of_waiting_connections_loses_its_own_oldest() {
        let admission = room();
        let peer = |i: u8| SocketAddr::from(([192, 0, 2, i], 1000));
        let other = admission.admit(peer(100)).unwrap();
        other.waits_for(&camera("door")).unwrap();
        let garden: Vec<Ticket> =
            (0..MAX_WAITING_PER_CAMERA as u8).map(|i| admission.admit(peer(i)).unwrap()).collect();
        for t in &garden {
            t.advance(Progress::Picture);
            t.waits_for(&camera("garden")).unwrap();
        }
        let newest = admission.admit(peer(50)).unwrap();
        newest.waits_for(&camera("garden")).unwrap();
        assert!(garden[0].evicted().is_cancelled(), "garden's oldest waiting connection made room");
        assert!(garden[1..].iter().all(|t| !t.evicted().is_cancelled()) && !newest.evicted().is_cancelled());
        assert!(!other.evicted().is_cancelled(), "the door's sender is untouched");
        // Those that passed the secret are never dropped: past the share, the new one closes.
        for t in &garden[1..] {
            t.passed();
        }
        newest.passed();
        let late = admission.admit(peer(51)).unwrap();
        assert!(late.waits_for(&camera("garden")).is_err());
    }

    #[tokio::test]
    async fn the_bytes_waiting_for_one_camera_are_bounded_and_given_back() {
        let admission = room();
        let share = admission.camera_budget;
        let peer = |i: u8| SocketAddr::from(([192, 0, 2, i], 1000));
        let big = admission.admit(peer(1)).unwrap();
        assert!(big.charge.add(share - 10));
        big.waits_for(&camera("garden")).unwrap();
        let next = admission.admit(peer(2)).unwrap();
        assert!(next.charge.add(20));
        assert!(next.waits_for(&camera("garden")).unwrap_err().contains("its share of the handshake budget"));
        let door = admission.admit(peer(3)).unwrap();
        assert!(door.charge.add(20));
        door.waits_for(&camera("door")).expect("another camera has its own share");
        drop((big, next));
        let again = admission.admit(peer(4)).unwrap();
        assert!(again.charge.add(share - 10));
        again.waits_for(&camera("garden")).expect("the bytes were given back");
    }

    #[test]
    fn ipv6_addresses_count_one_by_one_and_by_their_64_bit_prefix() {
        let (a, a_net) = address_keys("2001:db8:1:2:aaaa::1".parse().unwrap());
        let (b, b_net) = address_keys("2001:db8:1:2:bbbb::9".parse().unwrap());
        let (_, c_net) = address_keys("2001:db8:1:3::1".parse().unwrap());
        assert_ne!(a, b);
        assert_eq!(a_net, b_net);
        assert_ne!(a_net, c_net);
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(address_keys("::ffff:192.0.2.7".parse().unwrap()), (v4, None));
    }

    #[tokio::test]
    async fn one_address_past_its_share_loses_its_own_oldest_connection() {
        let admission = room();
        let a: SocketAddr = "192.0.2.1:1000".parse().unwrap();
        let b: SocketAddr = "192.0.2.2:1000".parse().unwrap();
        let other = admission.admit(b).unwrap();
        let tickets: Vec<Ticket> = (0..MAX_PENDING_PER_ADDRESS).map(|_| admission.admit(a).unwrap()).collect();
        assert!(tickets.iter().all(|t| !t.evicted().is_cancelled()));
        let newest = admission.admit(a).unwrap();
        assert!(tickets[0].evicted().is_cancelled(), "the address's oldest made room");
        assert!(!tickets[1].evicted().is_cancelled() && !newest.evicted().is_cancelled());
        assert!(!other.evicted().is_cancelled(), "another address is untouched");
    }

    #[tokio::test]
    async fn connections_that_got_further_or_passed_the_secret_are_dropped_last_or_never() {
        let admission = room();
        let a: SocketAddr = "192.0.2.1:1000".parse().unwrap();
        let tickets: Vec<Ticket> = (0..MAX_PENDING_PER_ADDRESS).map(|_| admission.admit(a).unwrap()).collect();
        tickets[0].passed();
        tickets[1].advance(Progress::Picture);
        tickets[2].advance(Progress::Reading);
        let admit_passed = || {
            let t = admission.admit(a).unwrap();
            t.passed();
            t
        };
        let _new = admit_passed();
        assert!(tickets[3].evicted().is_cancelled(), "the oldest that read nothing goes first");
        assert!(tickets[..3].iter().all(|t| !t.evicted().is_cancelled()));
        for t in &tickets[4..] {
            t.passed();
        }
        let _new2 = admit_passed();
        assert!(tickets[2].evicted().is_cancelled(), "then the one that sent no picture");
        let _new3 = admit_passed();
        assert!(tickets[1].evicted().is_cancelled(), "then the one waiting for the slot");
        assert!(admission.admit(a).is_none(), "the rest passed the secret: the new one is closed");
        assert!(!tickets[0].evicted().is_cancelled());
    }

    #[tokio::test]
    async fn a_young_connection_is_not_dropped_for_its_own_address() {
        let admission = Arc::new(Admission::new(1 << 20, Duration::from_secs(3600)));
        let a: SocketAddr = "[2001:db8::1]:1000".parse().unwrap();
        let held: Vec<Ticket> = (0..MAX_PENDING_PER_ADDRESS).map(|_| admission.admit(a).unwrap()).collect();
        assert!(admission.admit(a).is_none());
        assert!(held.iter().all(|t| !t.evicted().is_cancelled()));
        let neighbour: SocketAddr = "[2001:db8::2]:1000".parse().unwrap();
        assert!(admission.admit(neighbour).is_some(), "another address of the /64 still gets in");
    }
}
