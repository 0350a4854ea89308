//! The receiver's library run in-process on 127.0.0.1:0 (as mini-redis's
//! `tests/server.rs` runs `server::run`): the listener, the per-connection
//! handler, framed-or-raw sniffing and the summaries `serve` hands out,
//! without a binary in between.

use std::time::Duration;

use camwire_receiver::{serve, Config, StreamSummary};
use camwire_testsupport::{framed, small_jpeg};
use tokio::{io::AsyncWriteExt, net::TcpListener, net::TcpStream};
use tokio_util::sync::CancellationToken;

/// Runs `serve` with `--once` on a port of its own; `send` writes to it.
/// Returns the summaries handed out and whether the run succeeded.
async fn once(send: impl AsyncFnOnce(TcpStream)) -> (Vec<StreamSummary>, bool) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::new(addr);
    config.once = true;
    let receiver = tokio::spawn(async move {
        let mut summaries = Vec::new();
        let outcome = serve(listener, config, CancellationToken::new(), |s| summaries.push(s.clone())).await;
        (summaries, outcome.expect("serve").success)
    });
    send(TcpStream::connect(addr).await.unwrap()).await;
    tokio::time::timeout(Duration::from_secs(20), receiver).await.expect("the receiver ends after one stream").unwrap()
}

#[tokio::test]
async fn a_framed_stream_with_its_terminator_is_one_clean_summary() {
    let (summaries, success) = once(async |mut sock| {
        let picture = small_jpeg();
        for _ in 0..3 {
            sock.write_all(&framed(&picture)).await.unwrap();
        }
        sock.write_all(&[0, 0, 0, 0]).await.unwrap();
        sock.shutdown().await.unwrap();
    })
    .await;
    assert!(success, "--once succeeds on a clean stream");
    let [summary] = &summaries[..] else { panic!("one summary per stream: {summaries:?}") };
    assert_eq!((summary.frames, summary.bytes), (3, 3 * small_jpeg().len() as u64));
    assert!(summary.terminated && !summary.raw && summary.is_clean(), "{summary}");
    assert!(summary.to_string().starts_with("summary: frames=3 invalid=0 "), "{summary}");
}

#[tokio::test]
async fn bare_jpegs_are_sniffed_as_raw_and_a_close_ends_them_cleanly() {
    let (summaries, success) = once(async |mut sock| {
        for _ in 0..4 {
            sock.write_all(&small_jpeg()).await.unwrap();
        }
        sock.shutdown().await.unwrap();
    })
    .await;
    assert!(success, "a close between frames is a raw stream's normal end");
    let [summary] = &summaries[..] else { panic!("one summary per stream: {summaries:?}") };
    assert_eq!(summary.frames, 4);
    assert!(summary.raw && !summary.terminated && summary.is_clean(), "{summary}");
    assert!(summary.to_string().contains(" raw=yes"), "{summary}");
}

#[tokio::test]
async fn a_stream_cut_inside_a_frame_keeps_its_whole_frames_and_is_not_clean() {
    let (summaries, success) = once(async |mut sock| {
        let picture = small_jpeg();
        sock.write_all(&framed(&picture)).await.unwrap();
        sock.write_all(&framed(&picture)[..4 + picture.len() / 2]).await.unwrap();
        sock.shutdown().await.unwrap();
    })
    .await;
    assert!(!success, "--once fails on a cut stream");
    let [summary] = &summaries[..] else { panic!("one summary per stream: {summaries:?}") };
    assert_eq!(summary.frames, 1);
    assert!(!summary.terminated && !summary.is_clean(), "{summary}");
}
