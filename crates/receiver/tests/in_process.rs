//! The receiver's library run in-process on 127.0.0.1:0 (as mini-redis's
//! `tests/server.rs` runs `server::run`): the listener, the per-connection
//! handler, framed-or-raw sniffing and the summaries `serve` hands out,
//! without a binary in between.

use std::time::Duration;

use camwire_receiver::{decode::PixelLimit, serve, Config, StreamSummary};
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

/// Sends one framed stream of `picture` with its terminator.
async fn send_one(addr: std::net::SocketAddr, picture: &[u8]) {
    let mut sock = TcpStream::connect(addr).await.unwrap();
    sock.write_all(&framed(picture)).await.unwrap();
    sock.write_all(&[0, 0, 0, 0]).await.unwrap();
    sock.shutdown().await.unwrap();
}

/// Starts a verifying receiver with `config`'s limits; its summaries come out of the channel.
async fn verifying(
    mut config: Config,
    stop: &CancellationToken,
) -> (std::net::SocketAddr, tokio::sync::mpsc::UnboundedReceiver<StreamSummary>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    config.listen = addr;
    config.verify = true;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(serve(listener, config, stop.clone(), move |s| {
        let _ = tx.send(s.clone());
    }));
    (addr, rx)
}

#[tokio::test]
async fn two_receivers_in_one_process_keep_their_own_max_pixels() {
    let stop = CancellationToken::new();
    let next = async |rx: &mut tokio::sync::mpsc::UnboundedReceiver<StreamSummary>| {
        tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("a summary").unwrap()
    };
    // A 64x48 JPEG: 3072 pixels, over a limit of 1000.
    let mut strict = Config::new("127.0.0.1:0".parse().unwrap());
    strict.max_pixels = PixelLimit(1000);
    let (strict_addr, mut strict_summaries) = verifying(strict, &stop).await;
    send_one(strict_addr, &small_jpeg()).await;
    assert_eq!(next(&mut strict_summaries).await.invalid, 1, "over --max-pixels: refused");
    // A second receiver with the default limit starts in the same process.
    let (lenient_addr, mut lenient_summaries) = verifying(Config::new("127.0.0.1:0".parse().unwrap()), &stop).await;
    send_one(lenient_addr, &small_jpeg()).await;
    assert_eq!(next(&mut lenient_summaries).await.invalid, 0, "within the default limit");
    // The first keeps its own.
    send_one(strict_addr, &small_jpeg()).await;
    assert_eq!(next(&mut strict_summaries).await.invalid, 1, "the other receiver's limit is not this one's");
    stop.cancel();
}
