//! Presentation times from the capture stamps, shared by every timed
//! container: the recordings, the live fMP4 feed and `--publish`.

use std::time::{Duration, SystemTime};

use crate::frame::Frame;

/// Presentation times for one file: from the capture stamps when the first
/// frame is stamped (so pauses, drops and a variable rate play as they were
/// captured), otherwise from arrival. The first frame is at 0; each later one
/// is at least 1 ms after the one before.
#[derive(Debug, Default)]
pub(crate) struct Timeline {
    first_capture: Option<SystemTime>,
    last: Option<(u64, SystemTime)>,
}

impl Timeline {
    /// The presentation time of `frame`, in microseconds.
    pub(crate) fn pts_us(&mut self, frame: &Frame) -> u64 {
        let pts = match (self.last, self.first_capture, frame.captured_at) {
            (None, ..) => {
                self.first_capture = frame.captured_at;
                0
            }
            (Some(_), Some(first), Some(captured)) => micros_between(first, captured),
            // Unstamped (a classic sender), or a stamp missing mid-stream: by arrival.
            (Some((last_pts, last_arrival)), ..) => last_pts + micros_between(last_arrival, frame.received_at),
        };
        let pts = match self.last {
            Some((last_pts, _)) if pts < last_pts + 1000 => last_pts + 1000,
            _ => pts,
        };
        self.last = Some((pts, frame.received_at));
        pts
    }
}

fn micros_between(from: SystemTime, to: SystemTime) -> u64 {
    to.duration_since(from).unwrap_or(Duration::ZERO).as_micros() as u64
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use bytes::Bytes;
    use camwire_wire::PayloadKind;

    use super::*;

    fn frame(captured_ms: Option<u64>, received_ms: u64) -> Frame {
        Frame {
            seq: 1,
            data: Bytes::new(),
            kind: PayloadKind::Jpeg,
            keyframe: true,
            received_at: UNIX_EPOCH + Duration::from_millis(received_ms),
            captured_at: captured_ms.map(|ms| UNIX_EPOCH + Duration::from_millis(ms)),
            sender: None,
        }
    }

    #[test]
    fn stamped_frames_are_timed_by_capture_not_arrival() {
        let mut t = Timeline::default();
        let pts: Vec<u64> = [(1_000, 5_000), (1_100, 5_010), (3_100, 5_020)]
            .into_iter()
            .map(|(c, r)| t.pts_us(&frame(Some(c), r)))
            .collect();
        assert_eq!(pts, [0, 100_000, 2_100_000]);
    }

    #[test]
    fn unstamped_frames_are_timed_by_arrival() {
        let mut t = Timeline::default();
        let pts: Vec<u64> = [5_000, 5_100, 7_100].into_iter().map(|r| t.pts_us(&frame(None, r))).collect();
        assert_eq!(pts, [0, 100_000, 2_100_000]);
    }

    #[test]
    fn times_always_rise() {
        let mut t = Timeline::default();
        let pts: Vec<u64> =
            [(1_000, 0), (900, 1), (1_000, 2)].into_iter().map(|(c, r)| t.pts_us(&frame(Some(c), r))).collect();
        assert_eq!(pts, [0, 1_000, 2_000]);
    }
}
