//! Who is watching, and how: each stream response holds a [`Place`] here
//! for as long as it lasts, so `/status` can list every viewer with its mode
//! (`h264` fragments for the browser's decoder, or `mjpeg` pictures encoded
//! here) and what the viewer's page reports back about its screen.
//!
//! The JPEG encoder only runs while [`Watching::wants_jpeg`] says someone
//! needs pictures: an MJPEG viewer, or a `/snapshot.jpg` waiting for one;
//! they also have the H.264 decoded ([`PictureDemand`]).

use crate::sink::{PictureDemand, PictureWanted};

use std::{
    fmt::Write,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

/// How a viewer is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// The H.264 access units as sent, in fragmented MP4 (`/stream.mp4`).
    H264,
    /// JPEG pictures (`/stream.mjpg`).
    Mjpeg,
    /// The H.264 access units as sent, over WebRTC (`whep`).
    WebRtc,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::H264 => "h264",
            Mode::Mjpeg => "mjpeg",
            Mode::WebRtc => "webrtc",
        }
    }
}

/// What a viewer's page says about its screen, on each `/status` poll: the H.264 page about its
/// `<video>`, the MJPEG page about the `<canvas>` it draws the pictures on.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct ScreenReport {
    /// Frames the browser presented (`requestVideoFrameCallback` calls; for MJPEG, pictures drawn
    /// and followed by an animation frame).
    pub presented: u64,
    /// The picture's size as decoded.
    pub width: u32,
    pub height: u32,
    /// The playback position, seconds (0 for MJPEG).
    pub current_time: f64,
    /// Capture to presentation on the screen, milliseconds: the median of recent frames (for
    /// MJPEG, the part's `X-Timestamp` to the animation frame after the picture was drawn).
    pub latency_ms: Option<f64>,
    /// The same, 99th percentile.
    pub latency_p99_ms: Option<f64>,
    /// The picture's mean colour as the page sees it (`&probe=R,G,B`, pages opened with `?probe`).
    pub probe: Option<[u8; 3]>,
}

struct Entry {
    serial: u64,
    mode: Mode,
    /// The page's name for its stream, to match its reports to this place.
    page_id: Option<String>,
    report: Option<ScreenReport>,
}

/// The viewers connected now.
pub(super) struct Watching {
    entries: Mutex<(u64, Vec<Entry>)>,
    /// MJPEG viewers and waiting snapshots: the JPEG encoder runs while this is above 0.
    jpeg_wanted: Arc<AtomicUsize>,
    /// The H.264 decoder's demand, raised with every JPEG wanted.
    pictures: PictureDemand,
}

/// A viewer's place; dropping it (the response ended) takes it off the list.
pub(super) struct Place {
    watching: Arc<Watching>,
    serial: u64,
    _jpeg: Option<JpegWanted>,
}

/// Keeps the JPEG encoder running while it lives.
pub(super) struct JpegWanted {
    count: Arc<AtomicUsize>,
    _pictures: PictureWanted,
}

impl Drop for JpegWanted {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The longest page id kept; the page makes 32 hex digits.
const MAX_PAGE_ID: usize = 64;

impl Watching {
    /// No viewers yet; wanting JPEG raises `pictures`.
    pub(super) fn new(pictures: PictureDemand) -> Self {
        Self { entries: Mutex::default(), jpeg_wanted: Arc::default(), pictures }
    }

    /// H.264 pictures decoded since the receiver started (for `/status`).
    pub(super) fn pictures_decoded(&self) -> u64 {
        self.pictures.decoded()
    }

    /// Adds a viewer served in `mode`; `page_id` is the page's own name for it, if it gave one.
    pub(super) fn join(self: &Arc<Self>, mode: Mode, page_id: Option<&str>) -> Place {
        let page_id = page_id.filter(|id| id.len() <= MAX_PAGE_ID).map(String::from);
        let mut entries = self.entries.lock().expect("watching lock");
        entries.0 += 1;
        let serial = entries.0;
        entries.1.push(Entry { serial, mode, page_id, report: None });
        drop(entries);
        let jpeg = (mode == Mode::Mjpeg).then(|| self.want_jpeg());
        Place { watching: self.clone(), serial, _jpeg: jpeg }
    }

    /// Keeps JPEG pictures coming while the result lives (a snapshot waiting for one).
    pub(super) fn want_jpeg(&self) -> JpegWanted {
        self.jpeg_wanted.fetch_add(1, Ordering::SeqCst);
        JpegWanted { count: self.jpeg_wanted.clone(), _pictures: self.pictures.want() }
    }

    /// Whether anyone needs JPEG pictures now.
    pub(super) fn wants_jpeg(&self) -> bool {
        self.jpeg_wanted.load(Ordering::SeqCst) > 0
    }

    /// Records what the page that named its stream `page_id` reports; false when no such viewer is connected.
    pub(super) fn report(&self, page_id: &str, report: ScreenReport) -> bool {
        let mut entries = self.entries.lock().expect("watching lock");
        match entries.1.iter_mut().find(|e| e.page_id.as_deref() == Some(page_id)) {
            Some(entry) => {
                entry.report = Some(report);
                true
            }
            None => false,
        }
    }

    /// `/status`'s figures: viewers per mode, then a JSON list of every viewer.
    pub(super) fn summary(&self) -> (usize, usize, String) {
        let entries = self.entries.lock().expect("watching lock");
        let count = |mode| entries.1.iter().filter(|e| e.mode == mode).count();
        let mut list = String::from("[");
        for (i, e) in entries.1.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            let _ = write!(list, "{{\"mode\":\"{}\"", e.mode.name());
            if let Some(r) = e.report {
                let ms = |v: Option<f64>| v.map_or_else(|| "null".to_string(), |ms| format!("{ms:.1}"));
                let _ = write!(
                    list,
                    ",\"presented\":{},\"width\":{},\"height\":{},\"current_time\":{:.3},\
                     \"screen_latency_ms\":{},\"screen_latency_p99_ms\":{}",
                    r.presented,
                    r.width,
                    r.height,
                    r.current_time,
                    ms(r.latency_ms),
                    ms(r.latency_p99_ms)
                );
                if let Some([red, green, blue]) = r.probe {
                    let _ = write!(list, ",\"probe\":[{red},{green},{blue}]");
                }
            }
            list.push('}');
        }
        list.push(']');
        (count(Mode::H264), count(Mode::Mjpeg), list)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut entries = self.watching.entries.lock().expect("watching lock");
        entries.1.retain(|e| e.serial != self.serial);
    }
}

/// A page's report from `/status`'s query
/// (`viewer=ID&presented=N&width=W&height=H&time=T&latency=MS&latency99=MS`).
pub(super) fn parse_report(query: &str) -> Option<(String, ScreenReport)> {
    let mut id = None;
    let mut report = ScreenReport::default();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "viewer" => id = Some(value.to_string()),
            "presented" => report.presented = value.parse().ok()?,
            "width" => report.width = value.parse().ok()?,
            "height" => report.height = value.parse().ok()?,
            "time" => report.current_time = value.parse::<f64>().ok().filter(|t| t.is_finite())?,
            "latency" => report.latency_ms = value.parse::<f64>().ok().filter(|ms| ms.is_finite()),
            "latency99" => report.latency_p99_ms = value.parse::<f64>().ok().filter(|ms| ms.is_finite()),
            "probe" => {
                let mut rgb = value.split(',').map(|c| c.parse::<u8>().ok());
                if let (Some(Some(r)), Some(Some(g)), Some(Some(b))) = (rgb.next(), rgb.next(), rgb.next()) {
                    report.probe = Some([r, g, b]);
                }
            }
            _ => {}
        }
    }
    Some((id?, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_come_and_go_with_their_mode_and_reports() {
        let pictures = PictureDemand::default();
        let watching = Arc::new(Watching::new(pictures.clone()));
        let a = watching.join(Mode::H264, Some("abc"));
        let b = watching.join(Mode::Mjpeg, None);
        assert!(watching.wants_jpeg());
        assert!(pictures.is_wanted(), "an MJPEG viewer has the H.264 decoded");
        assert!(watching.report(
            "abc",
            ScreenReport {
                presented: 5,
                width: 64,
                height: 48,
                current_time: 1.5,
                latency_ms: Some(40.0),
                latency_p99_ms: Some(55.0),
                probe: None,
            }
        ));
        assert!(!watching.report("nobody", ScreenReport::default()));
        let (h264, mjpeg, list) = watching.summary();
        assert_eq!((h264, mjpeg), (1, 1));
        assert_eq!(
            list,
            "[{\"mode\":\"h264\",\"presented\":5,\"width\":64,\"height\":48,\"current_time\":1.500,\
             \"screen_latency_ms\":40.0,\"screen_latency_p99_ms\":55.0},{\"mode\":\"mjpeg\"}]"
        );
        drop(b);
        assert!(!watching.wants_jpeg(), "no MJPEG viewer: no JPEG encoding");
        assert!(!pictures.is_wanted(), "and no decoding");
        drop(a);
        assert_eq!(watching.summary(), (0, 0, "[]".to_string()));
    }

    #[test]
    fn reports_parse_from_the_query_and_bad_numbers_are_refused() {
        let (id, r) = parse_report("viewer=ab12&presented=30&width=1280&height=720&time=2.5&latency=48.25").unwrap();
        assert_eq!(
            (id.as_str(), r.presented, r.width, r.height, r.current_time, r.latency_ms),
            ("ab12", 30, 1280, 720, 2.5, Some(48.25))
        );
        assert!(parse_report("viewer=x&presented=lots").is_none());
        assert!(parse_report("presented=3").is_none(), "no viewer named");
    }
}
