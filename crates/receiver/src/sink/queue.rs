//! A sink's queue, bounded in events and in the bytes of the frames waiting
//! in it. A count alone lets 64 frames of 16 MiB pile up in front of one
//! slow sink (a gigabyte); with the bytes bounded too, a queue of large
//! frames is full after a few of them: a sink that takes every frame makes
//! the network wait, one that skips skips. A frame larger than the whole
//! budget still goes through an empty queue, so every frame can be delivered.
//! Each camera's sinks have their own queues, so the budgets are per camera.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use tokio::sync::{
    mpsc::{self, error::TrySendError},
    Notify,
};

use super::SinkEvent;

/// Frame bytes a queue of a sink that takes every frame may hold.
pub(crate) const EVERY_QUEUE_BYTES: usize = 16 << 20;

/// Frame bytes a queue of a sink that skips may hold.
pub(crate) const LATEST_QUEUE_BYTES: usize = 16 << 20;

/// The bytes of the frames waiting in one queue.
struct Bytes {
    used: AtomicUsize,
    limit: usize,
    /// Woken when the sink takes a frame.
    taken: Notify,
}

impl Bytes {
    /// Whether a frame of `n` bytes fits now.
    fn fits(&self, n: usize) -> bool {
        let used = self.used.load(Ordering::Acquire);
        used == 0 || used + n <= self.limit
    }
}

fn frame_len(event: &SinkEvent) -> usize {
    match event {
        SinkEvent::Frame(frame) => frame.data.len(),
        _ => 0,
    }
}

/// A queue of at most `depth` events and `limit` bytes of frames.
pub(crate) fn channel(depth: usize, limit: usize) -> (EventSender, EventReceiver) {
    let (tx, rx) = mpsc::channel(depth);
    let bytes = Arc::new(Bytes { used: AtomicUsize::new(0), limit, taken: Notify::new() });
    (EventSender { tx, bytes: bytes.clone() }, EventReceiver { rx, bytes })
}

/// The receiving end, for the sink.
pub struct EventReceiver {
    rx: mpsc::Receiver<SinkEvent>,
    bytes: Arc<Bytes>,
}

impl EventReceiver {
    fn took(&self, event: Option<SinkEvent>) -> Option<SinkEvent> {
        let n = event.as_ref().map_or(0, frame_len);
        if n > 0 {
            self.bytes.used.fetch_sub(n, Ordering::AcqRel);
            self.bytes.taken.notify_one();
        }
        event
    }

    /// The next event; `None` once the receiver closed the queue.
    pub async fn recv(&mut self) -> Option<SinkEvent> {
        let event = self.rx.recv().await;
        self.took(event)
    }

    /// The next event, from a blocking thread.
    pub fn blocking_recv(&mut self) -> Option<SinkEvent> {
        let event = self.rx.blocking_recv();
        self.took(event)
    }
}

/// The sending end, owned by the receiver's fan-out.
pub(crate) struct EventSender {
    tx: mpsc::Sender<SinkEvent>,
    bytes: Arc<Bytes>,
}

impl EventSender {
    /// Sends `event`, waiting for room in events and in bytes.
    pub(crate) async fn send(&self, event: SinkEvent) -> Result<(), mpsc::error::SendError<SinkEvent>> {
        let n = frame_len(&event);
        loop {
            let taken = self.bytes.taken.notified();
            if self.bytes.fits(n) || self.tx.is_closed() {
                break;
            }
            taken.await;
        }
        self.bytes.used.fetch_add(n, Ordering::AcqRel);
        self.tx.send(event).await.inspect_err(|_| {
            self.bytes.used.fetch_sub(n, Ordering::AcqRel);
        })
    }

    /// Sends `event` if there is room in events and in bytes now.
    pub(crate) fn try_send(&self, event: SinkEvent) -> Result<(), TrySendError<SinkEvent>> {
        let n = frame_len(&event);
        if !self.bytes.fits(n) {
            return Err(TrySendError::Full(event));
        }
        self.bytes.used.fetch_add(n, Ordering::AcqRel);
        self.tx.try_send(event).inspect_err(|_| {
            self.bytes.used.fetch_sub(n, Ordering::AcqRel);
        })
    }

    /// Events that fit now; 0 when the bytes are used up.
    pub(crate) fn capacity(&self) -> usize {
        if self.bytes.used.load(Ordering::Acquire) >= self.bytes.limit {
            return 0;
        }
        self.tx.capacity()
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use camwire_wire::PayloadKind;

    use super::*;
    use crate::frame::Frame;

    fn frame(len: usize) -> SinkEvent {
        SinkEvent::Frame(Frame {
            seq: 1,
            data: vec![0; len].into(),
            kind: PayloadKind::Jpeg,
            keyframe: true,
            received_at: SystemTime::now(),
            captured_at: None,
            sender: None,
        })
    }

    #[test]
    fn a_queue_is_full_when_its_bytes_are_used_up_and_a_large_frame_fits_an_empty_one() {
        let (tx, mut rx) = channel(64, 100);
        assert!(tx.try_send(frame(60)).is_ok());
        assert!(matches!(tx.try_send(frame(60)), Err(TrySendError::Full(_))), "over the bytes");
        assert!(tx.try_send(frame(40)).is_ok(), "exactly up to the bytes");
        assert_eq!(tx.capacity(), 0);
        rx.blocking_recv().unwrap();
        rx.blocking_recv().unwrap();
        assert!(tx.try_send(frame(1000)).is_ok(), "an empty queue takes any frame");
        assert!(tx.try_send(frame(1)).is_err());
    }

    #[tokio::test]
    async fn send_waits_until_the_sink_takes_bytes() {
        let (tx, mut rx) = channel(64, 100);
        tx.send(frame(80)).await.unwrap();
        let sending = tokio::spawn(async move { tx.send(frame(80)).await.is_ok() });
        tokio::task::yield_now().await;
        assert!(!sending.is_finished(), "waits for room");
        rx.recv().await.unwrap();
        assert!(sending.await.unwrap());
    }
}
