//! The live H.264 stream as fragmented MP4, muxed once for every browser.
//!
//! A sink with [`Delivery::Latest`](super::Delivery::Latest) takes the
//! access units in order (when it falls behind it resumes at the next
//! keyframe) and turns each into one fragment: a `prft` with the capture
//! time, then a `moof` and an `mdat` holding the access unit's NAL units as
//! they arrived (length-prefixed instead of start codes: no re-encode). A
//! fragment per access unit is what keeps the browser's latency at one
//! frame: MSE can only play a sample once its whole fragment is appended.
//!
//! Every fragment names its init segment (`ftyp`+`moov`, from the stream's
//! SPS and PPS); a new stream, or new parameter sets, start a new one, which
//! tells the page to start a new `SourceBuffer`. The fragments go to the
//! viewers through a [`broadcast`] channel of [`LIVE_FRAGMENTS`], which also
//! holds at most [`LIVE_BYTES`] for viewers that have not read them yet: a
//! viewer that lags is moved on to the next keyframe, never queued for.

use std::{collections::VecDeque, sync::Arc, time::SystemTime};

use bytes::Bytes;
use camwire_wire::PayloadKind;
use tokio::sync::broadcast;
use tracing::{debug, warn};

use super::runner::Sink;
use crate::{
    frame::{Frame, StreamInfo},
    mux::{
        avc::{length_prefixed, H264Config},
        fmp4::{self, codec_string, ticks, Sample, TIMESCALE},
        timeline::Timeline,
    },
};

/// Fragments kept for viewers that are a little behind; one that falls
/// further behind skips to the next keyframe.
pub(crate) const LIVE_FRAGMENTS: usize = 32;

/// Fragment bytes kept for viewers that are behind: past it the oldest are
/// pushed out (those viewers skip to the next keyframe), whatever their count.
pub(crate) const LIVE_BYTES: usize = 16 << 20;

/// An init segment: `ftyp` and `moov` for one stream's parameter sets.
#[derive(Debug)]
pub(crate) struct Init {
    /// Counts up with every new init segment.
    pub serial: u64,
    pub bytes: Bytes,
    /// `avc1.PPCCLL`, for the log and `/status`.
    pub codec: String,
}

/// One access unit as a fragment, and the init segment it needs in front.
/// An empty `data` is a marker that only pushes older fragments out: viewers skip it.
#[derive(Debug, Clone)]
pub(crate) struct LiveFragment {
    pub init: Arc<Init>,
    /// `prft` (when the frame is stamped), `moof`, `mdat`.
    pub data: Bytes,
    /// A decoder can start here (an IDR).
    pub keyframe: bool,
    /// The access unit as it arrived (Annex B), for the WebRTC viewers; empty in a marker.
    pub access_unit: Bytes,
    /// Its decode time on the stream's timeline, 90 kHz ticks.
    pub dts: u64,
    /// When the camera captured it, if the frame was stamped.
    pub captured_at: Option<SystemTime>,
}

/// The muxing sink: publishes each fragment into its channel.
pub(super) struct LiveMp4Sink {
    muxer: Muxer,
    out: Ring,
}

impl LiveMp4Sink {
    /// Publishes into `out` until the sink closes.
    pub(super) fn new(out: broadcast::Sender<LiveFragment>) -> Self {
        Self { muxer: Muxer::default(), out: Ring { out, sizes: VecDeque::new() } }
    }
}

impl Sink for LiveMp4Sink {
    async fn start(&mut self, _stream: &StreamInfo) {
        self.muxer.start();
    }

    async fn frame(&mut self, frame: Frame) -> anyhow::Result<()> {
        if let Some(fragment) = self.muxer.frame(&frame) {
            self.out.send(fragment);
        }
        Ok(())
    }
}

/// The broadcast channel, with the sizes of the fragments it may still hold.
struct Ring {
    out: broadcast::Sender<LiveFragment>,
    /// Sizes of the last [`LIVE_FRAGMENTS`] values sent, newest last.
    sizes: VecDeque<usize>,
}

impl Ring {
    /// Bytes held for viewers that have not read them: the newest `len()` values.
    fn held(&self) -> usize {
        self.sizes.iter().rev().take(self.out.len()).sum()
    }

    fn sent(&mut self, n: usize) {
        if self.sizes.len() == LIVE_FRAGMENTS {
            self.sizes.pop_front();
        }
        self.sizes.push_back(n);
    }

    /// Sends `fragment`, first pushing out the oldest held ones while it would not fit.
    /// With no viewer nothing is kept.
    fn send(&mut self, fragment: LiveFragment) {
        // The access unit rides along for the WebRTC viewers: it counts too.
        let n = fragment.data.len() + fragment.access_unit.len();
        for _ in 0..2 * LIVE_FRAGMENTS {
            if self.out.is_empty() || self.held() + n <= LIVE_BYTES {
                break;
            }
            let marker = LiveFragment {
                init: fragment.init.clone(),
                data: Bytes::new(),
                keyframe: false,
                access_unit: Bytes::new(),
                dts: fragment.dts,
                captured_at: None,
            };
            if self.out.send(marker).is_err() {
                break;
            }
            self.sent(0);
        }
        if self.out.send(fragment).is_ok() {
            self.sent(n);
        }
    }
}

/// One stream's muxing state.
#[derive(Default)]
struct Muxer {
    init: Option<Arc<Init>>,
    /// The parameter sets behind `init`.
    params: Option<(Vec<u8>, Vec<u8>)>,
    serial: u64,
    timeline: Timeline,
    sequence: u32,
    last_dts: Option<u64>,
    /// A keyframe without parameter sets was logged.
    warned: bool,
}

impl Muxer {
    /// A new stream: a new init segment and timeline from its first keyframe on.
    fn start(&mut self) {
        let (serial, warned) = (self.serial, self.warned);
        *self = Self { serial, warned, ..Self::default() };
    }

    /// The fragment for `frame`, if it can be played: H.264, from a keyframe with SPS and PPS on.
    fn frame(&mut self, frame: &Frame) -> Option<LiveFragment> {
        if frame.kind != PayloadKind::H264 {
            return None;
        }
        if frame.keyframe {
            match H264Config::from_keyframe(&frame.data) {
                Ok(config) => {
                    let params = (config.sps.clone(), config.pps.clone());
                    if self.params.as_ref() != Some(&params) {
                        self.serial += 1;
                        let init = Init {
                            serial: self.serial,
                            bytes: Bytes::from(fmp4::init_segment(&config)),
                            codec: codec_string(&config),
                        };
                        debug!("--http: H.264 for browsers: {} {}x{}", init.codec, config.width, config.height);
                        self.init = Some(Arc::new(init));
                        self.params = Some(params);
                    }
                }
                Err(e) if self.init.is_none() => {
                    if !self.warned {
                        warn!("--http: {e}; the browser view waits for a keyframe that has them");
                        self.warned = true;
                    }
                    return None;
                }
                Err(_) => {}
            }
        }
        let init = self.init.clone()?;
        let dts = ticks(self.timeline.pts_us(frame));
        // The true duration is known only when the next frame comes: the last one's stands in.
        let duration =
            self.last_dts.map_or(TIMESCALE / 30, |last| dts.saturating_sub(last).clamp(1, TIMESCALE.into()) as u32);
        self.last_dts = Some(dts);
        self.sequence = self.sequence.wrapping_add(1);
        let sample = length_prefixed(&frame.data);
        let fragment =
            fmp4::fragment(self.sequence, dts, &[Sample { data: &sample, duration, keyframe: frame.keyframe }]);
        let data = match frame.captured_at {
            Some(at) => [fmp4::prft(at, dts), fragment].concat(),
            None => fragment,
        };
        Some(LiveFragment {
            init,
            data: Bytes::from(data),
            keyframe: frame.keyframe,
            access_unit: frame.data.clone(),
            dts,
            captured_at: frame.captured_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Six access units of a flat 64x48 picture, an IDR every third.
    fn units() -> Vec<Frame> {
        crate::frame::test_frames::h264(6, 3)
    }

    #[test]
    fn nothing_before_the_first_keyframe_then_one_init_for_the_stream() {
        let units = units();
        assert!(units[0].keyframe && !units[1].keyframe && units[3].keyframe);
        let mut muxer = Muxer::default();
        assert!(muxer.frame(&units[1]).is_none());
        let first = muxer.frame(&units[3]).expect("a fragment from the keyframe");
        let second = muxer.frame(&units[4]).expect("and the frames after it");
        assert!(first.keyframe && !second.keyframe);
        assert!(Arc::ptr_eq(&first.init, &second.init));
        assert_eq!(&first.init.bytes[4..8], b"ftyp");
        assert_eq!(&first.data[4..8], b"prft", "a stamped frame's capture time goes first");
        muxer.start();
        assert!(muxer.frame(&units[5]).is_none(), "a new stream waits for its keyframe");
        let next = muxer.frame(&units[0]).unwrap();
        assert_eq!(next.init.serial, first.init.serial + 1);
        assert!(next.init.codec.starts_with("avc1."), "{}", next.init.codec);
    }
}
