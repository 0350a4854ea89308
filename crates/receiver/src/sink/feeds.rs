//! What the viewers (the window, the web view) read from the sinks: the
//! newest frame ([`Latest`]), the newest decoded H.264 picture and who wants
//! one ([`PictureDemand`]), and the live fMP4 fragments. The viewers skip to
//! the newest frame instead of queueing, so they watch these rather than
//! being sinks themselves.

use std::{
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
    time::SystemTime,
};

use tokio::sync::{broadcast, watch};

use super::live_mp4::LiveFragment;
use crate::{
    decode::picture::Picture,
    frame::{Frame, StreamInfo},
};

/// The newest frame and the stream it belongs to, for viewers that skip.
#[derive(Debug, Clone, Default)]
pub struct Latest {
    /// The stream currently running, if any.
    pub stream: Option<Arc<StreamInfo>>,
    /// The newest frame of the current or last stream.
    pub frame: Option<Frame>,
    /// The newest H.264 picture, decoded once for every viewer (only with `--display` or `--http`).
    pub decoded: Decoded,
}

/// A decoded H.264 picture for the viewers.
#[derive(Debug)]
pub struct DecodedFrame {
    /// The number of the stream it belongs to.
    pub stream: u64,
    /// Counts the stream's pictures from 1; a gap is pictures the viewer never got.
    pub serial: u64,
    /// The picture, RGB.
    pub picture: Picture,
    /// When the camera captured it, if its frame was stamped.
    pub captured_at: Option<SystemTime>,
}

/// What the decoding sink tells the viewers about the current H.264 stream.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    /// The newest picture, if one has been decoded.
    pub picture: Option<Arc<DecodedFrame>>,
    /// Why the stream cannot be shown, when it cannot be decoded at all.
    pub failure: Option<Arc<str>>,
}

/// Who wants decoded pictures now, and how many were decoded: shared by the
/// decoding sink and the viewers that need pictures.
#[derive(Debug, Clone, Default)]
pub struct PictureDemand {
    wanted: Arc<AtomicUsize>,
    decoded: Arc<AtomicU64>,
}

/// Keeps pictures coming while it lives.
#[derive(Debug)]
pub struct PictureWanted(Arc<AtomicUsize>);

impl Drop for PictureWanted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PictureDemand {
    /// Has H.264 decoded while the result lives.
    pub fn want(&self) -> PictureWanted {
        self.wanted.fetch_add(1, Ordering::SeqCst);
        PictureWanted(self.wanted.clone())
    }

    /// Whether anyone wants pictures now.
    pub fn is_wanted(&self) -> bool {
        self.wanted.load(Ordering::SeqCst) > 0
    }

    /// H.264 pictures decoded since the receiver started.
    pub fn decoded(&self) -> u64 {
        self.decoded.load(Ordering::Relaxed)
    }

    /// Counts one more picture decoded.
    pub(super) fn count_decoded(&self) {
        self.decoded.fetch_add(1, Ordering::Relaxed);
    }
}

/// The viewers' side of the sinks.
#[derive(Debug)]
pub(super) struct Feeds {
    pub(super) latest: watch::Sender<Latest>,
    /// Who wants H.264 decoded: the window always, the web view while someone watches as MJPEG.
    pub(super) pictures: PictureDemand,
    /// The web view's live H.264 fragments (with `--http`); they end when the muxing sink closes.
    pub(super) live_mp4: Option<broadcast::WeakSender<LiveFragment>>,
    /// The window's lasting want of pictures (with `--display`).
    pub(super) window_wants_pictures: Option<PictureWanted>,
    /// Keyframe requests to the camera's sender, over the back channel.
    pub(super) keyframes: crate::backchannel::KeyframeRequests,
}

impl Default for Feeds {
    fn default() -> Self {
        Self {
            latest: watch::Sender::new(Latest::default()),
            pictures: PictureDemand::default(),
            live_mp4: None,
            window_wants_pictures: None,
            keyframes: Default::default(),
        }
    }
}
