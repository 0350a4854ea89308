//! `cam-send --codec h264` over loopback: one access unit per frame, raw
//! Annex B with `--raw`, and an IDR with SPS and PPS after every reconnect.

use std::time::Duration;

use camwire_sender::{run, Codec, Config};
use camwire_wire::{has_parameter_sets, is_idr_access_unit, AnnexBSplitter, Event, FrameReader, DEFAULT_MAX_FRAME};
use tokio::{io::AsyncReadExt, net::TcpListener};
use tokio_util::sync::CancellationToken;

fn h264_config(to: String) -> Config {
    let mut c = Config::test_pattern(to);
    c.width = 160;
    c.height = 120;
    c.fps = 100.0;
    c.codec = Codec::H264 { bitrate: 200_000, keyframe_interval: 1000 };
    c
}

#[tokio::test]
async fn raw_h264_is_a_bare_annex_b_stream_of_one_access_unit_per_frame() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = h264_config(listener.local_addr().unwrap().to_string());
    config.raw = true;
    config.frames = Some(12);
    let sender = tokio::spawn(run(config, CancellationToken::new()));
    let (mut conn, _) = listener.accept().await.unwrap();
    let mut bytes = Vec::new();
    conn.read_to_end(&mut bytes).await.unwrap();
    let summary = sender.await.unwrap().unwrap();
    assert_eq!(summary.frames, 12);
    assert!(!summary.terminated, "no terminator on a raw stream");
    assert_eq!(summary.bytes, bytes.len() as u64, "no length prefixes");
    assert!(bytes.starts_with(&[0, 0, 0, 1]));
    let units = AnnexBSplitter::split_all(&bytes).unwrap();
    assert_eq!(units.len(), 12);
    assert!(is_idr_access_unit(&units[0]) && has_parameter_sets(&units[0]));
    assert!(units[1..].iter().all(|u| !is_idr_access_unit(u)));
}

#[tokio::test]
async fn framed_h264_restarts_on_an_idr_with_parameter_sets_after_a_reconnect() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = h264_config(listener.local_addr().unwrap().to_string());
    config.retry = true;
    config.frames = Some(60);
    let sender = tokio::spawn(run(config, CancellationToken::new()));

    // The first receiver takes five frames, then goes away.
    let (conn, _) = listener.accept().await.unwrap();
    let mut reader = FrameReader::new(conn, DEFAULT_MAX_FRAME);
    for i in 0..5 {
        let Event::Frame(au) = reader.next_event().await.unwrap() else { panic!("stream ended early") };
        assert_eq!(is_idr_access_unit(&au), i == 0);
        assert_eq!(AnnexBSplitter::split_all(&au).unwrap().len(), 1, "one access unit per frame");
    }
    drop(reader);
    // The sender notices, waits its first backoff delay (capturing and
    // dropping frames meanwhile) and connects again: to the same listener,
    // which stays bound so that no other process can take the port.

    // The next one must be able to decode from its very first frame.
    let (conn, _) = tokio::time::timeout(Duration::from_secs(10), listener.accept()).await.unwrap().unwrap();
    let mut reader = FrameReader::new(conn, DEFAULT_MAX_FRAME);
    let Event::Frame(first) = reader.next_event().await.unwrap() else { panic!("no frame after the reconnect") };
    assert!(is_idr_access_unit(&first), "the first frame after a reconnect is an IDR");
    assert!(has_parameter_sets(&first), "with SPS and PPS in front");
    let mut n = 1;
    while let Event::Frame(au) = reader.next_event().await.unwrap() {
        assert!(!is_idr_access_unit(&au), "no periodic IDR within the interval");
        n += 1;
    }
    let summary = sender.await.unwrap().unwrap();
    assert_eq!(summary.reconnects, 1);
    assert!(summary.terminated);
    // --frames counts frames written: the first connection took the 5 read
    // and any written before the sender saw it closed; the second the rest.
    assert_eq!(summary.frames, 60, "{summary:?}");
    assert!((1..=55).contains(&n), "{n}");
}
