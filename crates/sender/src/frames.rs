//! The hand-over from the capture thread to the output.
//!
//! Live (the default): one slot. A new frame replaces one the output has not
//! taken yet, so the output always finds the newest frame and a slow link
//! never builds a queue here; the output learns how many were replaced.
//! Every frame, in order (`--max-latency 0`, and unpaced sources): a queue of
//! two that makes the capture wait for the output.
//! Live H.264 passed through from stdin: a backlog the reader never waits
//! on; the output drops what grew too old. Replacing a frame there would cost
//! every frame up to the next keyframe, which only the stream can bring.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::SystemTime,
};

use bytes::Bytes;
use tokio::sync::{mpsc, watch};

/// One encoded frame on its way to the output.
#[derive(Debug, Clone)]
pub struct EncodedFrame {
    /// The payload: a JPEG, or an H.264 access unit.
    pub data: Bytes,
    /// When the picture was captured.
    pub captured_at: SystemTime,
    /// A decoder can start here (every JPEG; an IDR access unit).
    pub keyframe: bool,
    /// When cam-send's own encoder gave it out; `None` for a payload that
    /// came encoded (a camera's own JPEG, H.264 passed through).
    pub encoded_at: Option<SystemTime>,
}

impl EncodedFrame {
    /// The frame with its capture time stamped inside the payload
    /// (`camwire_wire::stamp`): a JPEG COM segment or an H.264 SEI, invisible
    /// to decoders, read by `cam-recv` for latency figures.
    pub fn stamped(self) -> Self {
        let us = clock_us(self.captured_at);
        match camwire_wire::stamp::stamp(&self.data, us) {
            Some(data) => Self { data: Bytes::from(data), ..self },
            None => self,
        }
    }
}

/// The environment variable that shifts this sender's clock, in seconds
/// (`3.7`, `-63072000`): for tests of a sender whose clock is wrong. Every
/// time the sender puts on the wire (capture stamps, clock replies) moves by it.
pub const TEST_CLOCK_SHIFT: &str = "CAMWIRE_TEST_CLOCK_SHIFT";

/// `at` on the sender's clock as it goes on the wire: microseconds since the
/// Unix epoch, shifted by [`TEST_CLOCK_SHIFT`] when that is set.
pub fn clock_us(at: SystemTime) -> u64 {
    static SHIFT_US: std::sync::OnceLock<i128> = std::sync::OnceLock::new();
    let shift = *SHIFT_US.get_or_init(|| {
        std::env::var(TEST_CLOCK_SHIFT).ok().and_then(|s| s.trim().parse::<f64>().ok()).map_or(0, |s| (s * 1e6) as i128)
    });
    let us = at.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as i128);
    (us + shift).clamp(0, i128::from(u64::MAX)) as u64
}

/// Frames a backlog may hold: seconds of a live stream.
pub const BACKLOG: usize = 128;

/// How frames are handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handover {
    /// The newest frame replaces the waiting one.
    Latest,
    /// Every frame, in order; the capture waits for room.
    Queue,
    /// Every frame, in order; the capture never waits, and a full backlog loses frames.
    Backlog,
}

/// The capture thread's end.
#[derive(Debug)]
pub enum FrameTx {
    /// Waits for room: nothing is ever dropped here.
    Queue(mpsc::Sender<EncodedFrame>),
    /// Never waits; frames that find it full are lost, and counted.
    Backlog(mpsc::Sender<EncodedFrame>, Arc<AtomicU64>),
    /// Replaces the waiting frame; frames are numbered so replacements show.
    Latest {
        /// The slot.
        tx: watch::Sender<Option<(u64, EncodedFrame)>>,
        /// The number of the last frame handed over.
        seq: u64,
        /// The number of the last frame the output took.
        taken: Arc<AtomicU64>,
    },
}

/// The output's end.
#[derive(Debug)]
pub enum FrameRx {
    /// Every frame, in order.
    Queue(mpsc::Receiver<EncodedFrame>),
    /// In order, with a count of the frames lost to a full backlog.
    Backlog(mpsc::Receiver<EncodedFrame>, Arc<AtomicU64>),
    /// The newest frame.
    Latest {
        /// The slot.
        rx: watch::Receiver<Option<(u64, EncodedFrame)>>,
        /// The number of the last frame taken.
        last: u64,
        /// Shared with the capture end.
        taken: Arc<AtomicU64>,
    },
}

/// The output went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// The two ends of a hand-over.
pub fn channel(kind: Handover) -> (FrameTx, FrameRx) {
    match kind {
        Handover::Latest => {
            let (tx, rx) = watch::channel(None);
            let taken = Arc::new(AtomicU64::new(0));
            (FrameTx::Latest { tx, seq: 0, taken: taken.clone() }, FrameRx::Latest { rx, last: 0, taken })
        }
        Handover::Queue => {
            let (tx, rx) = mpsc::channel(2);
            (FrameTx::Queue(tx), FrameRx::Queue(rx))
        }
        Handover::Backlog => {
            let (tx, rx) = mpsc::channel(BACKLOG);
            let lost = Arc::new(AtomicU64::new(0));
            (FrameTx::Backlog(tx, lost.clone()), FrameRx::Backlog(rx, lost))
        }
    }
}

impl FrameTx {
    /// Hands `frame` over; blocks only in queue mode. Call from a plain thread.
    pub fn send(&mut self, frame: EncodedFrame) -> Result<(), Closed> {
        match self {
            Self::Queue(tx) => tx.blocking_send(frame).map_err(|_| Closed),
            Self::Backlog(tx, lost) => match tx.try_send(frame) {
                Ok(()) => Ok(()),
                Err(mpsc::error::TrySendError::Full(_)) => {
                    lost.fetch_add(1, Ordering::Relaxed);
                    Ok(())
                }
                Err(mpsc::error::TrySendError::Closed(_)) => Err(Closed),
            },
            Self::Latest { tx, seq, .. } => {
                *seq += 1;
                tx.send(Some((*seq, frame))).map_err(|_| Closed)
            }
        }
    }

    /// A frame is waiting that the output has not taken (live mode only).
    pub fn waiting(&self) -> bool {
        match self {
            Self::Queue(_) | Self::Backlog(..) => false,
            Self::Latest { seq, taken, .. } => taken.load(Ordering::Acquire) < *seq,
        }
    }
}

impl FrameRx {
    /// The next frame, and how many frames were replaced unsent before it;
    /// `None` once the capture has ended and every frame was taken.
    pub async fn recv(&mut self) -> Option<(EncodedFrame, u64)> {
        match self {
            Self::Queue(rx) => return rx.recv().await.map(|f| (f, 0)),
            Self::Backlog(rx, lost) => return rx.recv().await.map(|f| (f, lost.swap(0, Ordering::Relaxed))),
            Self::Latest { .. } => {}
        }
        loop {
            if let Some(taken) = self.take() {
                return Some(taken);
            }
            let Self::Latest { rx, .. } = self else { unreachable!("live mode") };
            rx.changed().await.ok()?;
        }
    }

    /// The newest frame if one is waiting that was not taken yet (queue
    /// mode: the next one), without waiting.
    pub fn take(&mut self) -> Option<(EncodedFrame, u64)> {
        let (rx, last, taken) = match self {
            Self::Queue(rx) => return rx.try_recv().ok().map(|f| (f, 0)),
            Self::Backlog(rx, lost) => return rx.try_recv().ok().map(|f| (f, lost.swap(0, Ordering::Relaxed))),
            Self::Latest { rx, last, taken } => (rx, last, taken),
        };
        let (seq, frame) = rx.borrow_and_update().clone()?;
        if seq <= *last {
            return None;
        }
        let skipped = seq - *last - 1;
        *last = seq;
        taken.store(seq, Ordering::Release);
        Some((frame, skipped))
    }

    /// Waits until a frame newer than the last one taken is waiting; never
    /// returns in queue mode, or once the capture has ended.
    pub async fn newer(&mut self) {
        let Self::Latest { rx, last, .. } = self else { return std::future::pending().await };
        loop {
            if rx.borrow_and_update().as_ref().is_some_and(|(seq, _)| seq > last) {
                return;
            }
            if rx.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use bytes::Bytes;

    use super::*;

    fn frame(n: u8) -> EncodedFrame {
        EncodedFrame { data: Bytes::from(vec![n]), captured_at: SystemTime::now(), keyframe: true, encoded_at: None }
    }

    #[tokio::test]
    async fn live_slot_keeps_the_newest_and_counts_the_replaced() {
        let (mut tx, mut rx) = channel(Handover::Latest);
        assert!(!tx.waiting());
        for n in 1..=3 {
            tx.send(frame(n)).unwrap();
        }
        assert!(tx.waiting());
        let (f, skipped) = rx.recv().await.unwrap();
        assert_eq!((f.data[0], skipped), (3, 2));
        assert!(!tx.waiting(), "taken");
        assert!(rx.take().is_none(), "nothing newer");
        tx.send(frame(4)).unwrap();
        rx.newer().await;
        assert_eq!(rx.take().map(|(f, s)| (f.data[0], s)), Some((4, 0)));
        drop(tx);
        assert!(rx.recv().await.is_none(), "ends once the capture has ended");
    }

    #[tokio::test]
    async fn the_last_frame_is_delivered_after_the_capture_ends() {
        let (mut tx, mut rx) = channel(Handover::Latest);
        tx.send(frame(1)).unwrap();
        drop(tx);
        assert_eq!(rx.recv().await.map(|(f, s)| (f.data[0], s)), Some((1, 0)));
        assert!(rx.recv().await.is_none());
    }

    #[tokio::test]
    async fn backlog_never_blocks_and_counts_what_it_lost() {
        let (mut tx, mut rx) = channel(Handover::Backlog);
        for n in 0..(BACKLOG + 3) {
            tx.send(frame(n as u8)).unwrap();
        }
        let (f, lost) = rx.recv().await.unwrap();
        assert_eq!((f.data[0], lost), (0, 3), "in order; the three that found it full are counted");
    }
}
