//! The `--max-viewers` places: each stream response holds one while it
//! lasts. Any address may take free places; when every place is taken, a
//! viewer from an address that holds fewer than the fullest one takes the
//! place of that address's oldest viewer, whose stream ends. So one address
//! holds at most its share once others want to watch, and sockets that
//! never read cannot keep real viewers out (a fixed cap per address would
//! turn away a classroom behind one NAT even with places free). An IPv6
//! client counts by its /64 network, as in [`limit`](super::limit).

use std::{
    collections::BTreeMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use prometheus::IntGauge;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::limit::{client_key, shown};
use crate::throttle::Throttle;

/// A stream response that had nothing to send for this long ends; a page
/// opens it again (a socket that never reads holds no place for nothing).
pub(super) const STREAM_IDLE: Duration = Duration::from_secs(30);

/// Viewers ended to make room, logged once every 10 s.
static ENDED: Throttle = Throttle::new(1, Duration::from_secs(10));

/// The places, and who holds them.
pub(super) struct Viewers {
    max: usize,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    next_id: u64,
    /// Oldest first: each place's address and the token that ends its stream.
    open: BTreeMap<u64, (IpAddr, CancellationToken)>,
}

impl Held {
    fn count(&self, key: IpAddr) -> usize {
        self.open.values().filter(|(k, _)| *k == key).count()
    }
}

/// No place: all `0` are taken, by addresses that hold no more than this one.
pub(super) struct Full(pub usize);

impl Viewers {
    /// At most `max` viewers at once.
    pub(super) fn new(max: usize) -> Arc<Self> {
        Arc::new(Self { max, held: Mutex::default() })
    }

    /// Viewers watching now.
    pub(super) fn len(&self) -> usize {
        self.held.lock().expect("viewers lock").open.len()
    }

    /// A place for a viewer from `ip`, ending another address's oldest stream if it must.
    /// The place counts in `gauge` (its camera's `camwire_viewers`) while it is held.
    pub(super) fn join(self: &Arc<Self>, ip: IpAddr, gauge: Option<IntGauge>) -> Result<ViewerSlot, Full> {
        let key = client_key(ip);
        let mut held = self.held.lock().expect("viewers lock");
        if held.open.len() >= self.max {
            let mine = held.count(key);
            let mut per_key = std::collections::HashMap::<IpAddr, usize>::new();
            for (k, _) in held.open.values() {
                *per_key.entry(*k).or_default() += 1;
            }
            let (&fullest, &most) = per_key.iter().max_by_key(|(_, &n)| n).expect("places are taken");
            if most <= mine + 1 {
                return Err(Full(self.max));
            }
            let oldest = held.open.iter().find(|(_, (k, _))| *k == fullest).map(|(&id, _)| id);
            if let Some((_, ended)) = oldest.and_then(|id| held.open.remove(&id)) {
                ended.cancel();
                if let Some(tally) = ENDED.tick() {
                    warn!(
                        "--http: {} viewers are watching, the limit; ended the oldest stream of {} (which had {most}) \
                         for a viewer from another address ({} so far)",
                        self.max,
                        shown(fullest),
                        tally.total
                    );
                }
            }
        }
        held.next_id += 1;
        let id = held.next_id;
        let ended = CancellationToken::new();
        held.open.insert(id, (key, ended.clone()));
        debug!("http: a viewer connected ({} watching)", held.open.len());
        gauge.iter().for_each(IntGauge::inc);
        Ok(ViewerSlot { viewers: self.clone(), id, ended, gauge })
    }
}

/// A place among `--max-viewers`, held by one stream response.
pub(super) struct ViewerSlot {
    viewers: Arc<Viewers>,
    id: u64,
    ended: CancellationToken,
    /// The camera's `camwire_viewers`, one lower when the place is given back.
    gauge: Option<IntGauge>,
}

impl ViewerSlot {
    /// Cancelled when the stream must end to make room for another viewer.
    pub(super) fn ended(&self) -> &CancellationToken {
        &self.ended
    }
}

impl Drop for ViewerSlot {
    fn drop(&mut self) {
        let mut held = self.viewers.held.lock().expect("viewers lock");
        held.open.remove(&self.id);
        self.gauge.iter().for_each(IntGauge::dec);
        debug!("http: a viewer left ({} watching)", held.open.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, n))
    }

    #[test]
    fn when_full_the_fullest_address_gives_up_its_oldest_for_another_address() {
        let viewers = Viewers::new(4);
        let flood: Vec<_> = (0..4).map(|_| viewers.join(ip(1), None).ok().unwrap()).collect();
        assert!(viewers.join(ip(1), None).is_err(), "the address holding every place waits");
        let newcomer = viewers.join(ip(2), None).ok().expect("room is made");
        assert!(flood[0].ended().is_cancelled() && !flood[1].ended().is_cancelled());
        assert!(!newcomer.ended().is_cancelled());
        assert_eq!(viewers.len(), 4);
        let _second = viewers.join(ip(2), None).ok().expect("ip 1 still holds more");
        assert!(viewers.join(ip(2), None).is_err(), "two and two: nobody is ended");
        drop(flood);
        assert_eq!(viewers.len(), 2);
    }
}
