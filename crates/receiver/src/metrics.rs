//! The receiver's figures for Prometheus: `/metrics` on the web view.
//!
//! One [`Metrics`] registry per receiver holds every series; each camera's
//! series carry the label `camera="NAME"` and are reached through the
//! [`CameraMetrics`] handles that [`Metrics::camera`] hands out, so counting
//! a frame is an atomic add on a handle already resolved, never a lookup.
//! The name is the stream's camera ([`StreamInfo::camera`](crate::frame::StreamInfo):
//! `cam-send --name`, else the port's or address's name; see
//! [`cameras`](crate::cameras)); each handle is resolved at the start of a
//! stream, by the connection's handler, each sink and the web view's
//! viewers, so a camera's series appear once it first streams.
//! The process's own figures (resident memory, CPU seconds, open file
//! descriptors) come from the `prometheus` crate's process collector.
//!
//! | series | type | what |
//! |--------|------|------|
//! | `camwire_frames_total` | counter | frames received |
//! | `camwire_bytes_total` | counter | payload bytes received |
//! | `camwire_invalid_frames_total` | counter | frames found invalid (`--verify`, or not a picture at all) |
//! | `camwire_dropped_frames_total` | counter | frames a sink that skips (a player, a publisher, the viewers' feeds) did not get, one count per sink and frame |
//! | `camwire_streams_total` | counter | streams received |
//! | `camwire_reconnects_total` | counter | streams after the camera's first |
//! | `camwire_latency_seconds` | histogram | capture-to-arrival latency of stamped frames |
//! | `camwire_stage_latency_seconds` | histogram | the latency of one stage, labelled `stage`: `encode` (capture to encoded), `send` (encoded to sent), `network` (sent to received), from a sender's stage stamps (protocol.md, section 12.6); `decode` (received to decoded by `--verify`, for the same frames) |
//! | `camwire_clock_offset_seconds` | gauge | the sender's clock minus this receiver's, from the back channel's pings (only for a camera whose sender answers them) |
//! | `camwire_clock_uncertainty_seconds` | gauge | how far the offset may be off: half the round trip of its ping |
//! | `camwire_sender_connected` | gauge | 1 while the camera's sender is streaming |
//! | `camwire_bitrate_bits_per_second` | gauge | payload bits a second received over the last second, as frames arrive (0 between streams): what an adapting sender fits to its link |
//! | `camwire_viewers` | gauge | web viewers watching the camera |
//! | `camwire_recorded_bytes_total` | counter | payload bytes written by `--record` and `--save-dir` |
//! | `camwire_sink_failures_total` | counter | streams in which a sink failed or was stuck |
//! | `process_*` | | resident memory, CPU seconds, open and maximum file descriptors, threads |

use std::sync::{Arc, Mutex};

use camwire_app::RateCounter;

use prometheus::{
    core::Collector, Encoder, Gauge, GaugeVec, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec,
    IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::frame::Frame;

/// Latency buckets, in seconds: 0.5 ms to 5 s.
const LATENCY_BUCKETS: [f64; 13] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

/// The content type of [`Metrics::render`]: Prometheus's text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Every series of one receiver.
pub struct Metrics {
    registry: Registry,
    frames: IntCounterVec,
    bytes: IntCounterVec,
    invalid: IntCounterVec,
    dropped: IntCounterVec,
    streams: IntCounterVec,
    reconnects: IntCounterVec,
    latency: HistogramVec,
    stage: HistogramVec,
    clock_offset: GaugeVec,
    clock_uncertainty: GaugeVec,
    connected: IntGaugeVec,
    bitrate: IntGaugeVec,
    viewers: IntGaugeVec,
    recorded: IntCounterVec,
    sink_failures: IntCounterVec,
}

/// One camera's series, resolved once: each method is an atomic add.
#[derive(Clone)]
pub struct CameraMetrics {
    /// Frames received.
    pub frames: IntCounter,
    /// Payload bytes received.
    pub bytes: IntCounter,
    /// Frames found invalid.
    pub invalid: IntCounter,
    /// Frames a skipping sink did not get.
    pub dropped: IntCounter,
    /// Streams received.
    pub streams: IntCounter,
    /// Streams after the camera's first.
    pub reconnects: IntCounter,
    /// Capture-to-arrival latency, in seconds.
    pub latency: prometheus::Histogram,
    /// Latency per stage, in seconds.
    pub stages: StageHistograms,
    /// The sender's clock offset and its uncertainty, made at the first correction.
    clock: Arc<std::sync::OnceLock<(Gauge, Gauge)>>,
    clock_vecs: (GaugeVec, GaugeVec),
    name: String,
    /// 1 while a sender streams.
    pub connected: IntGauge,
    /// Payload bits a second over the last second.
    pub bitrate: IntGauge,
    /// The arrivals `bitrate` is counted from.
    rate: Arc<Mutex<RateCounter>>,
    /// Web viewers watching.
    pub viewers: IntGauge,
    /// Payload bytes written by recordings (`--record`, `--save-dir`).
    pub recorded: IntCounter,
    /// Streams in which a sink failed or was stuck.
    pub sink_failures: IntCounter,
}

/// One camera's latency per stage, in seconds.
#[derive(Clone)]
pub struct StageHistograms {
    /// Capture to encoded.
    pub encode: Histogram,
    /// Encoded to sent.
    pub send: Histogram,
    /// Sent to received.
    pub network: Histogram,
    /// Received to decoded (`--verify`).
    pub decode: Histogram,
}

impl Metrics {
    /// A registry with every camwire series (none labelled yet) and the process collector.
    pub fn new() -> Arc<Self> {
        let counter = |name: &str, help: &str| IntCounterVec::new(Opts::new(name, help), &["camera"]).expect("valid");
        let gauge = |name: &str, help: &str| IntGaugeVec::new(Opts::new(name, help), &["camera"]).expect("valid");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "camwire_latency_seconds",
                "Capture-to-arrival latency of the frames that carry a capture stamp.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["camera"],
        )
        .expect("valid");
        let stage = HistogramVec::new(
            HistogramOpts::new(
                "camwire_stage_latency_seconds",
                "Latency per stage: encode (capture to encoded), send (encoded to sent), network (sent to \
                 received), decode (received to decoded, --verify).",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["camera", "stage"],
        )
        .expect("valid");
        let float = |name: &str, help: &str| GaugeVec::new(Opts::new(name, help), &["camera"]).expect("valid");
        let metrics = Self {
            registry: Registry::new(),
            frames: counter("camwire_frames_total", "Frames received."),
            bytes: counter("camwire_bytes_total", "Payload bytes received."),
            invalid: counter("camwire_invalid_frames_total", "Frames found invalid (--verify), or not a picture."),
            dropped: counter(
                "camwire_dropped_frames_total",
                "Frames a sink that skips when behind (player, publisher, viewers' feeds) did not get, per sink.",
            ),
            streams: counter("camwire_streams_total", "Streams received."),
            reconnects: counter("camwire_reconnects_total", "Streams after the camera's first."),
            latency,
            stage,
            clock_offset: float(
                "camwire_clock_offset_seconds",
                "The sender's clock minus this receiver's, estimated over the back channel.",
            ),
            clock_uncertainty: float(
                "camwire_clock_uncertainty_seconds",
                "How far the clock offset may be off: half the round trip of its ping.",
            ),
            connected: gauge("camwire_sender_connected", "1 while the camera's sender is streaming."),
            bitrate: gauge(
                "camwire_bitrate_bits_per_second",
                "Payload bits a second received from the camera over the last second.",
            ),
            viewers: gauge("camwire_viewers", "Web viewers watching the camera."),
            recorded: counter("camwire_recorded_bytes_total", "Payload bytes written by --record and --save-dir."),
            sink_failures: counter("camwire_sink_failures_total", "Streams in which a sink failed or was stuck."),
        };
        let collectors: [Box<dyn Collector>; 15] = [
            Box::new(metrics.frames.clone()),
            Box::new(metrics.bytes.clone()),
            Box::new(metrics.invalid.clone()),
            Box::new(metrics.dropped.clone()),
            Box::new(metrics.streams.clone()),
            Box::new(metrics.reconnects.clone()),
            Box::new(metrics.latency.clone()),
            Box::new(metrics.stage.clone()),
            Box::new(metrics.clock_offset.clone()),
            Box::new(metrics.clock_uncertainty.clone()),
            Box::new(metrics.connected.clone()),
            Box::new(metrics.bitrate.clone()),
            Box::new(metrics.viewers.clone()),
            Box::new(metrics.recorded.clone()),
            Box::new(metrics.sink_failures.clone()),
        ];
        for c in collectors {
            metrics.registry.register(c).expect("distinct names");
        }
        #[cfg(target_os = "linux")]
        metrics.registry.register(Box::new(prometheus::process_collector::ProcessCollector::for_self())).expect("once");
        Arc::new(metrics)
    }

    /// The series of camera `name`, made (at zero) on first use.
    pub fn camera(&self, name: &str) -> CameraMetrics {
        let l = &[name];
        CameraMetrics {
            frames: self.frames.with_label_values(l),
            bytes: self.bytes.with_label_values(l),
            invalid: self.invalid.with_label_values(l),
            dropped: self.dropped.with_label_values(l),
            streams: self.streams.with_label_values(l),
            reconnects: self.reconnects.with_label_values(l),
            latency: self.latency.with_label_values(l),
            stages: StageHistograms {
                encode: self.stage.with_label_values(&[name, "encode"]),
                send: self.stage.with_label_values(&[name, "send"]),
                network: self.stage.with_label_values(&[name, "network"]),
                decode: self.stage.with_label_values(&[name, "decode"]),
            },
            clock: Arc::default(),
            clock_vecs: (self.clock_offset.clone(), self.clock_uncertainty.clone()),
            name: name.to_string(),
            connected: self.connected.with_label_values(l),
            bitrate: self.bitrate.with_label_values(l),
            rate: Arc::new(Mutex::new(RateCounter::new(std::time::Duration::from_secs(1)))),
            viewers: self.viewers.with_label_values(l),
            recorded: self.recorded.with_label_values(l),
            sink_failures: self.sink_failures.with_label_values(l),
        }
    }

    /// Every series in Prometheus's text format ([`CONTENT_TYPE`]).
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("text encoding into memory");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

impl CameraMetrics {
    /// A stream of this camera begins: its sender is connected, and any
    /// stream after the first is a reconnect.
    pub fn stream_started(&self) {
        if self.streams.get() > 0 {
            self.reconnects.inc();
        }
        self.streams.inc();
        self.connected.set(1);
    }

    /// Counts a received frame, and its latency when it is stamped (a
    /// negative one, from clocks apart, as zero).
    pub fn frame(&self, frame: &Frame) {
        self.frames.inc();
        self.bytes.inc_by(frame.data.len() as u64);
        if let Ok(mut rate) = self.rate.lock() {
            rate.add(1, frame.data.len() as u64);
            self.bitrate.set((rate.rates().1 * 1000.0) as i64);
        }
        if let Some(ms) = frame.latency_ms() {
            self.latency.observe(ms.max(0.0) / 1000.0);
            let stages = frame.stages();
            for (h, ms) in [
                (&self.stages.encode, stages.encode_ms),
                (&self.stages.send, stages.send_ms),
                (&self.stages.network, stages.network_ms),
            ] {
                ms.iter().for_each(|ms| h.observe(ms / 1000.0));
            }
        }
        if let crate::clock::ClockState::Corrected(c) = frame.clock() {
            let (offset, uncertainty) = self.clock.get_or_init(|| {
                let l = &[self.name.as_str()];
                (self.clock_vecs.0.with_label_values(l), self.clock_vecs.1.with_label_values(l))
            });
            offset.set(c.offset_us as f64 / 1e6);
            uncertainty.set(c.uncertainty_us as f64 / 1e6);
        }
    }

    /// The stream ended with `invalid` more frames found invalid (besides
    /// those `--verify` counted as it went), and a sink failed in it or not.
    pub fn stream_ended(&self, invalid: u64, sink_failed: bool) {
        self.connected.set(0);
        self.bitrate.set(0);
        if let Ok(mut rate) = self.rate.lock() {
            rate.clear();
        }
        self.invalid.inc_by(invalid);
        if sink_failed {
            self.sink_failures.inc();
        }
    }
}
