//! Which sinks a configuration asks for, opened: files are created now, so
//! a bad path is an error at start, not at the first frame.

use anyhow::Result;
use tokio::sync::broadcast;

use super::{
    fanout::{Delivery, Sinks},
    h264_pictures::H264PictureSink,
    live_mp4::{self, LiveMp4Sink},
    pipe::PipeSink,
    publish::PublishSink,
    record::{RecordSink, TimedRecordSink},
    runner::{spawn_blocking_sink, spawn_sink},
    save_dir::SaveDirSink,
    verify::VerifySink,
};
use std::sync::Arc;

use crate::{config::Config, metrics::Metrics};

impl Sinks {
    /// Opens the sinks `config` asks for, and the feeds its viewers read;
    /// they count into the series of each stream's camera (frames skipped,
    /// bytes recorded, invalid frames) in `metrics`.
    pub fn open(config: &Config, metrics: &Arc<Metrics>) -> Result<Self> {
        let recorded = metrics.clone();
        let invalid = metrics.clone();
        let mut sinks = Self::new(metrics.clone());
        let limit = config.max_pixels;
        if config.verify {
            sinks.add("verify", Delivery::Every, 64, |rx| {
                spawn_blocking_sink(rx, move || VerifySink::new(limit, invalid))
            });
        }
        if let Some((path, format)) = config.record.as_ref().filter(|(_, f)| f.is_container()) {
            let sink = TimedRecordSink::create(path, *format, &config.segments, config.overwrite)?
                .counting(recorded.clone())
                .asking(sinks.keyframes());
            sinks.add("record", Delivery::Every, 64, |rx| spawn_blocking_sink(rx, || Ok(sink)));
        } else if let Some((path, format)) = &config.record {
            let sink = RecordSink::create(path, *format, config.overwrite)?.counting(recorded.clone());
            sinks.add("record", Delivery::Every, 64, |rx| spawn_blocking_sink(rx, || Ok(sink)));
        }
        if let Some(dir) = &config.save_dir {
            let sink = SaveDirSink::create(dir)?.counting(recorded.clone());
            sinks.add("save-dir", Delivery::Every, 64, |rx| spawn_blocking_sink(rx, || Ok(sink)));
        }
        if let Some(cmd) = &config.pipe {
            let sink = PipeSink::new(cmd, sinks.closing());
            sinks.add("pipe", Delivery::Latest, 30, |rx| spawn_sink(rx, async { Ok(sink) }));
        }
        if let Some(url) = &config.publish {
            let sink = PublishSink::new(url, sinks.closing(), limit, sinks.keyframes());
            let verdict = sink.verdict();
            sinks.add_judged("publish", 30, verdict, |rx| spawn_sink(rx, async { Ok(sink) }));
        }
        if config.display || config.http.is_some() {
            // H.264 viewers need every frame decoded in order; the decoder is made when H.264 arrives.
            // Decoded only while someone wants pictures: the window always does.
            let feeds = sinks.feeds_mut();
            feeds.window_wants_pictures = config.display.then(|| feeds.pictures.want());
            let (latest, pictures, keyframes) = (feeds.latest.clone(), feeds.pictures.clone(), feeds.keyframes.clone());
            let make = move || Ok(H264PictureSink::new(latest, pictures, limit).asking(keyframes));
            sinks.add_feed("h264-pictures", Delivery::Latest, 30, |rx| spawn_blocking_sink(rx, make));
        }
        if config.http.is_some() {
            // Browsers decode the H.264 themselves: every access unit in order, muxed once for all of them.
            let (out, _) = broadcast::channel(live_mp4::LIVE_FRAGMENTS);
            sinks.feeds_mut().live_mp4 = Some(out.downgrade());
            let sink = LiveMp4Sink::new(out);
            sinks.add_feed("live-mp4", Delivery::Latest, 30, |rx| spawn_sink(rx, async { Ok(sink) }));
        }
        Ok(sinks)
    }
}
