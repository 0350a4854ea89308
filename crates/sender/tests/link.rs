//! `cam-send` live over real links: the real binaries through a proxy that
//! plays a slow link (half of what the stream really sends, measured first,
//! with the noisy test picture so the encoders spend what a camera's picture
//! costs), a receiver that stops reading, and a receiver that refuses the sender.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::Command,
    thread,
    time::{Duration, Instant},
};

use camwire_testsupport::{proxy::Proxy, *};
use camwire_wire::{nal_units, AnnexBSplitter, NalType, RbspBits, Sps};

/// The capture-to-arrival latencies of `cam-recv --verify`'s frame lines, in order.
fn latencies(recv: &Proc) -> Vec<f64> {
    recv.out()
        .iter()
        .filter(|l| l.starts_with("frame "))
        .filter_map(|l| l.rsplit_once("latency=").and_then(|(_, ms)| ms.parse().ok()))
        .collect()
}

fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    xs[((xs.len() - 1) as f64 * p).round() as usize]
}

/// The noisy test picture (`--source test:noise`) at 640x480: it costs an
/// encoder what a camera picture does, so a link sized from it binds.
const NOISE: [&str; 6] = ["--source", "test:noise", "--width", "640", "--height", "480"];

/// A proxy to `port` that carries `share` of what `send_args` really sends:
/// the sender (started here, through the proxy) is measured on the open link
/// for two seconds first, after `recv` shows its first frames. The queue is
/// small (4 kB), as a link's with little buffering.
fn link_at_share_of_the_stream(recv: &Proc, port: u16, share: f64, send_args: &[&str]) -> (Proxy, Proc, u64) {
    buffered_link_at_share_of_the_stream(recv, port, share, send_args, 4096)
}

/// [`link_at_share_of_the_stream`] with a queue of about `queue` bytes.
fn buffered_link_at_share_of_the_stream(
    recv: &Proc,
    port: u16,
    share: f64,
    send_args: &[&str],
    queue: u32,
) -> (Proxy, Proc, u64) {
    let proxy = Proxy::start(port, 0, queue);
    let send = sender(proxy.port, send_args);
    recv.wait_for_count(" ok", 15, 20);
    let sent = proxy.measure_rate(2.0);
    let rate = (sent as f64 * share) as u64;
    eprintln!("the stream sends {sent} B/s on an open link; the link now carries {rate} B/s");
    proxy.set_rate(rate);
    (proxy, send, rate)
}

/// Streams `args` (the noisy picture, `--adapt off`) through a link at half
/// what it really sends for 10 s, then lifts the limit; checks that latency
/// stayed bounded, frames kept coming, all of them decode, the sender
/// counted its drops, and latency came back down.
fn slow_link_then_recovery(args: &[&str], extra_recv: &[&str]) -> (Proc, Proc) {
    let mut recv_args = vec!["--verify", "--once"];
    recv_args.extend_from_slice(extra_recv);
    let (mut recv, port) = receiver(&recv_args);
    let send_args = [&NOISE[..], &["--secs", "18", "--adapt", "off"], args].concat();
    let (proxy, mut send, _) = link_at_share_of_the_stream(&recv, port, 0.5, &send_args);
    let before = latencies(&recv).len();
    // The link is the thing under test: ten seconds of it, throttled.
    thread::sleep(Duration::from_secs(10));
    let throttled = latencies(&recv)[before..].to_vec();
    proxy.set_rate(0);
    let n = throttled.len();
    assert!(n >= 30, "frames kept arriving over the slow link: only {n} in 10 s");
    let p99 = percentile(&throttled, 0.99);
    // Without dropping, ten seconds at half the rate would queue about five
    // seconds of stream; the figure itself is the bench's (scripts/bench,
    // "slow link"), this only tells bounded from growing.
    assert!(p99 < 3000.0, "latency over the slow link must stay bounded: p99 {p99:.0} ms over {n} frames");
    eprintln!("slow link: {n} frames in 10 s, latency p50 {:.0} ms, p99 {p99:.0} ms", percentile(&throttled, 0.5));
    // A second after the link recovers (30 frames at 30 fps), latency is well under the throttled link's.
    let n = before + n;
    recv.wait_for_count(" ok", n + 60, 20);
    let after = latencies(&recv)[n + 30..n + 60].to_vec();
    let median = percentile(&after, 0.5);
    assert!(median < p99 / 2.0, "latency after the link recovered: median {median:.0} ms (throttled p99 {p99:.0} ms)");
    let summary = both_succeed(&mut send, &mut recv);
    assert_eq!(field(&summary, "invalid"), "0", "every frame decodes: {summary}");
    let sent = sent_summary(&send);
    assert_eq!(field(&sent, "frames"), field(&summary, "frames"), "{sent}");
    assert!(field(&sent, "dropped").parse::<u64>().unwrap() > 0, "the sender reports its drops: {sent}");
    assert!(!sent.contains("adapted"), "--adapt off: {sent}");
    (send, recv)
}

#[test]
fn jpeg_over_a_link_at_half_its_rate_stays_live_and_recovers_when_the_link_does() {
    let (send, _) = slow_link_then_recovery(&[], &[]);
    assert!(send.err().iter().any(|l| l.contains("the link is slower than the stream")), "{:?}", send.err());
}

#[test]
fn h264_over_a_link_at_half_its_rate_never_refers_to_a_dropped_frame() {
    let dir = TempDir::new("slow264");
    let file = dir.path("slow.h264");
    let args = ["--codec", "h264", "--bitrate", "1000000"];
    slow_link_then_recovery(&args, &["--record", file.to_str().unwrap()]);
    let stream = std::fs::read(&file).unwrap();
    let units = AnnexBSplitter::split_all(&stream).unwrap();
    assert!(units.len() > 100, "{} access units", units.len());
    assert_frame_nums_continuous(&units);
}

/// Streams the noisy picture with `args` through a link at half what it
/// really sends, then lifts the limit. With `--adapt` (the default) the
/// sender must fit the stream under the link (it says what the link
/// carries, and its lowest setting is under it), every frame must decode,
/// and it must say it is back at its configured setting once the link is
/// open again. Returns the sender's `sent:` line and the link's rate (bytes/s).
fn adapts_to_half_the_link_and_back(args: &[&str], extra_recv: &[&str]) -> (String, u64) {
    let mut recv_args = vec!["--verify", "--once"];
    recv_args.extend_from_slice(extra_recv);
    let (mut recv, port) = receiver(&recv_args);
    let send_args = [&NOISE[..], &["--secs", "30"], args].concat();
    let (proxy, mut send, rate) = link_at_share_of_the_stream(&recv, port, 0.5, &send_args);
    assert_eq!(count(&send.err(), "the link carries"), 0, "an open link is never adapted to: {:?}", send.err());
    let line = send.wait_for("the link carries about", 20);
    eprintln!("{line}");
    // Some seconds of the slow link after the sender fitted the stream to it.
    let fitted = recv.out().len();
    recv.wait_for_count(" ok", fitted + 90, 30);
    proxy.set_rate(0);
    send.wait_for("the link keeps up again: back to", 25);
    // Done: Ctrl-C ends the stream cleanly (a paced source on a busy machine may take longer than --secs).
    send.signal("INT");
    let summary = both_succeed(&mut send, &mut recv);
    assert_eq!(field(&summary, "invalid"), "0", "every frame decodes: {summary}");
    let sent = sent_summary(&send);
    assert!(sent.contains("(adapted"), "the sender says it adapted: {sent}");
    (sent, rate)
}

#[test]
fn h264_from_its_own_encoder_fits_a_link_at_half_its_rate_and_comes_back_when_the_link_does() {
    let dir = TempDir::new("adapt264");
    let file = dir.path("adapt.h264");
    let (sent, rate) = adapts_to_half_the_link_and_back(
        &["--codec", "h264", "--bitrate", "1000000"],
        &["--record", file.to_str().unwrap()],
    );
    // bitrate=1M (adapted, lowest 420k, back up)
    let lowest = sent.split("lowest ").nth(1).and_then(|l| l.split(['k', 'M']).next()).unwrap();
    let lowest_bits =
        lowest.parse::<f64>().unwrap() * if sent.contains(&format!("lowest {lowest}M")) { 1e6 } else { 1e3 };
    assert!(lowest_bits < rate as f64 * 8.0, "the bit rate went under the link's {} bit/s: {sent}", rate * 8);
    assert!(sent.starts_with("sent:") && sent.contains("bitrate="), "{sent}");
    let units = AnnexBSplitter::split_all(&std::fs::read(&file).unwrap()).unwrap();
    assert_frame_nums_continuous(&units);
}

#[test]
fn jpeg_quality_fits_a_link_at_half_its_rate_and_comes_back_when_the_link_does() {
    let (sent, _) = adapts_to_half_the_link_and_back(&["--quality", "80"], &[]);
    let lowest: u32 =
        sent.split("lowest ").nth(1).and_then(|l| l.split([',', ' ', ')']).next()).unwrap().parse().unwrap();
    assert!(lowest < 80, "the quality went down: {sent}");
    assert!(sent.contains("quality="), "{sent}");
}

/// The picture sizes of the SPSs in an H.264 stream, in order, each once per run of equal ones.
fn sizes(units: &[bytes::Bytes]) -> Vec<(u32, u32)> {
    let mut sizes: Vec<(u32, u32)> = units.iter().filter_map(|u| Sps::find(u)).map(|s| (s.width, s.height)).collect();
    sizes.dedup();
    sizes
}

#[test]
fn h264_over_a_link_at_a_quarter_of_its_rate_halves_the_picture_and_comes_back_to_full_size() {
    let dir = TempDir::new("size264");
    let file = dir.path("size.h264");
    let (mut recv, port) = receiver(&["--verify", "--once", "--record", file.to_str().unwrap()]);
    // 400 kbit/s at 640x480: a quarter of it pays for under 24 fps of the full picture at the encoder's floor.
    let send_args =
        [&NOISE[..], &["--secs", "60", "--codec", "h264", "--bitrate", "400000", "--name", "yard"]].concat();
    let (proxy, mut send, _) = link_at_share_of_the_stream(&recv, port, 0.25, &send_args);
    eprintln!("{}", send.wait_for("sending 320x240", 30));
    // Some pictures at the smaller size, then the link recovers.
    recv.wait_for_count(" ok", recv.out().len() + 30, 30);
    proxy.set_rate(0);
    send.wait_for("back to full size", 30);
    send.wait_for("the link keeps up again: back to", 30);
    send.signal("INT");
    let summary = both_succeed(&mut send, &mut recv);
    assert_eq!(field(&summary, "invalid"), "0", "every frame decodes across both size changes: {summary}");
    let sent = sent_summary(&send);
    assert!(sent.contains("at 320x240"), "the sent: line says the smallest size: {sent}");
    let units = AnnexBSplitter::split_all(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(sizes(&units), [(640, 480), (320, 240), (640, 480)], "{sent}");
    assert_frame_nums_continuous(&units);
}

#[test]
fn a_link_that_buffers_what_the_socket_sends_shows_in_the_receivers_reports() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    // A queue of megabytes (a buffering access point): the sender's socket never waits, and
    // at half the stream's rate the queue grows by a second every two, unseen by the sender.
    let send_args =
        [&NOISE[..], &["--secs", "60", "--codec", "h264", "--bitrate", "1000000", "--name", "yard"]].concat();
    let (proxy, mut send, _) = buffered_link_at_share_of_the_stream(&recv, port, 0.5, &send_args, 4 << 20);
    let line = send.wait_for("the link carries about", 20);
    assert!(line.contains("the receiver's reports show frames queued on the way"), "{line}");
    // Five seconds more of the slow link: unseen, its queue would hold about three seconds of
    // stream by then; seen, it drains and the latency stays bounded.
    let fitted = latencies(&recv).len();
    recv.wait_for_count(" ok", recv.out().len() + 150, 40);
    let last = latencies(&recv)[fitted..].iter().rev().take(30).copied().collect::<Vec<_>>();
    let median = percentile(&last, 0.5);
    assert!(median < 1000.0, "latency over the buffering link must stay bounded: median {median:.0} ms of {last:?}");
    proxy.set_rate(0);
    send.signal("INT");
    let summary = both_succeed(&mut send, &mut recv);
    assert_eq!(field(&summary, "invalid"), "0", "{summary}");
}

#[test]
fn h264_frame_too_late_for_max_latency_is_dropped_and_the_stream_resumes_on_a_fresh_idr() {
    let dir = TempDir::new("hiccup264");
    let file = dir.path("hiccup.h264");
    let (mut recv, port) = receiver(&["--verify", "--once", "--record", file.to_str().unwrap()]);
    // No periodic keyframe: every IDR after the first is one the sender asked for.
    let args = [&NOISE[..], &["--codec", "h264", "--keyframe-interval", "1000", "--secs", "8"]].concat();
    let (proxy, mut send, rate) = link_at_share_of_the_stream(&recv, port, 2.0, &args);
    // The link nearly stops for a moment: the frame on its way falls past
    // --max-latency. The stall's length is the scenario (past the 500 ms default).
    proxy.set_rate(200);
    thread::sleep(Duration::from_millis(1500));
    proxy.set_rate(rate);
    assert!(send.wait(20).success(), "{:?}", send.err());
    assert!(recv.wait(20).success(), "the stream ends with the terminator: {:?}", recv.err());
    let summary = recv.wait_for("summary:", 1);
    assert_eq!(field(&summary, "invalid"), "0", "{summary}");
    let units = AnnexBSplitter::split_all(&std::fs::read(&file).unwrap()).unwrap();
    let idrs = units.iter().filter(|u| camwire_wire::is_idr_access_unit(u)).count();
    assert!(idrs >= 2, "after the late frame the sender asks for an IDR: {idrs} IDRs in {} frames", units.len());
    assert_frame_nums_continuous(&units);
}

/// Each reference picture's `frame_num` is the previous one's plus one
/// (modulo `MaxFrameNum`), from 0 at every IDR: no picture was left out
/// between a frame and the one it refers to.
fn assert_frame_nums_continuous(units: &[bytes::Bytes]) {
    let mut log2_max = None;
    let mut prev: Option<u32> = None;
    for (i, au) in units.iter().enumerate() {
        for nal in nal_units(au) {
            match NalType::of(nal) {
                Some(NalType::Sps) => {
                    let mut r = RbspBits::new(&nal[1..]);
                    let profile = r.bits(8).unwrap();
                    assert_eq!(profile, 66, "constrained baseline expected");
                    r.bits(16).unwrap(); // constraint flags, level
                    r.ue().unwrap(); // seq_parameter_set_id
                    log2_max = Some(r.ue().unwrap() + 4);
                }
                Some(t @ (NalType::IdrSlice | NalType::Slice)) => {
                    let bits = log2_max.expect("an SPS before the first slice");
                    let mut r = RbspBits::new(&nal[1..]);
                    if r.ue().unwrap() != 0 {
                        continue; // not the first slice of the picture
                    }
                    r.ue().unwrap(); // slice_type
                    r.ue().unwrap(); // pic_parameter_set_id
                    let frame_num = r.bits(bits).unwrap();
                    if t == NalType::IdrSlice {
                        assert_eq!(frame_num, 0, "access unit {i}: an IDR has frame_num 0");
                    } else {
                        let want = prev.map(|p| (p + 1) % (1 << bits));
                        assert_eq!(Some(frame_num), want, "access unit {i} follows a picture that was left out");
                    }
                    if nal[0] & 0x60 != 0 {
                        prev = Some(frame_num);
                    }
                    break;
                }
                _ => {}
            }
        }
    }
}

#[test]
fn max_latency_0_over_the_slow_link_loses_no_frame() {
    let (mut recv, port) = receiver(&["--verify", "--once"]);
    let args = [&NOISE[..], &["--max-latency", "0", "--frames", "150"]].concat();
    let (_proxy, mut send, _) = link_at_share_of_the_stream(&recv, port, 0.5, &args);
    assert!(send.wait(60).success(), "{:?}", send.err());
    assert!(recv.wait(20).success(), "{:?}", recv.err());
    let summary = recv.wait_for("summary:", 1);
    assert_eq!((field(&summary, "frames"), field(&summary, "invalid")), ("150", "0"), "{summary}");
    let sent = sent_summary(&send);
    assert_eq!((field(&sent, "frames"), field(&sent, "dropped")), ("150", "0"), "{sent}");
    let seq: Vec<usize> =
        recv.out().iter().filter_map(|l| l.strip_prefix("frame ")?.split(':').next()?.parse().ok()).collect();
    assert_eq!(seq, (1..=150).collect::<Vec<_>>(), "every frame, in order");
}

#[test]
fn retry_sender_notices_a_receiver_that_stopped_reading_and_reconnects() {
    let (recv, port) = receiver(&["--verify"]);
    let proxy = Proxy::start(port, 0, 16 * 1024);
    proxy.blackhole_next(1);
    let started = Instant::now();
    let send = sender(proxy.port, &["--retry", "--stall-timeout", "2"]);
    let line = send.wait_for("lost (", 15);
    assert!(line.contains("no byte could be written for 2 s (--stall-timeout)"), "{line}");
    recv.wait_for(" ok", 10);
    assert!(started.elapsed() < Duration::from_secs(2 + 6), "frames flow within the stall timeout and a few seconds");
    assert_eq!(proxy.accepted(), 2, "one reconnect");
    // Said once the receiver has taken frames for 3 s without refusing them.
    send.wait_for("reconnected to", 10);
    assert_eq!(count(&send.err(), "lost ("), 1, "{:?}", send.err());
}

#[test]
fn sender_without_retry_exits_1_with_one_line_when_the_receiver_stops_reading() {
    let (_recv, port) = receiver(&[]);
    let proxy = Proxy::start(port, 0, 16 * 1024);
    proxy.blackhole_next(1);
    let mut send = sender(proxy.port, &["--stall-timeout", "2"]);
    assert_eq!(send.wait(20).code(), Some(1));
    let errors: Vec<String> = send.err().into_iter().filter(|l| !l.contains("INFO")).collect();
    assert_eq!(errors.len(), 1, "one clear line: {errors:?}");
    assert!(errors[0].starts_with("cam-send: connection to 127.0.0.1:"), "{errors:?}");
    assert!(errors[0].contains("no byte could be written for 2 s (--stall-timeout)"), "{errors:?}");
    assert!(errors[0].contains("add --retry"), "{errors:?}");
}

/// cam-send with `args` is refused: it exits 1 with one line giving `reason`.
fn assert_cam_send_refused(port: u16, args: &[&str], reason: &str) {
    let mut send = sender(port, args);
    assert_eq!(send.wait(20).code(), Some(1));
    let err = send.wait_for("refused by the receiver", 1);
    assert!(err.starts_with(&format!("cam-send: refused by the receiver: {reason}")), "{err}");
}

/// A raw client's view of a refusal: exactly the line, then a clean close
/// (end of file, not a reset), even though it wrote more than the receiver read.
fn assert_refusal_line(mut sock: TcpStream, reason: &str) {
    sock.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut got = Vec::new();
    let r = sock.read_to_end(&mut got);
    assert!(r.is_ok(), "the refusal must end in a clean close, not {r:?} (got {:?})", String::from_utf8_lossy(&got));
    assert_eq!(String::from_utf8_lossy(&got), format!("CAMWIRE REFUSED {reason}\n"));
}

#[test]
fn busy_receiver_says_so_in_one_line_and_a_second_cam_send_exits_1_saying_why() {
    let (recv, port) = receiver(&["--verify"]);
    let first = sender(port, &["--fps", "30"]);
    recv.wait_for("stream 1 from", 10);
    // A raw second sender: one frame, then 64 kB the receiver never reads.
    let jpeg = quadrants(160, 120).to_jpeg(80);
    let mut raw = TcpStream::connect(("127.0.0.1", port)).unwrap();
    raw.write_all(&framed(&jpeg)).unwrap();
    raw.write_all(&[0xAB; 64 * 1024]).unwrap();
    assert_refusal_line(raw, "busy: camera 127-0-0-1 is streaming");
    // A second cam-send is told, and says so.
    assert_cam_send_refused(port, &["--frames", "1000"], "busy");
    drop(first);
    recv.wait_for_count("refused: another sender is streaming", 2, 1);
}

#[test]
fn sender_outside_allow_is_told_why_and_exits_1() {
    let (_recv, port) = receiver(&["--allow", "10.0.0.0/8"]);
    let mut raw = TcpStream::connect(("127.0.0.1", port)).unwrap();
    raw.write_all(&[0xCD; 64 * 1024]).unwrap();
    assert_refusal_line(raw, "not allowed");
    assert_cam_send_refused(port, &["--frames", "5"], "not allowed");
}

#[test]
fn retry_against_a_refusing_receiver_backs_off_for_seconds() {
    let (recv, port) = receiver(&["--allow", "10.0.0.0/8"]);
    let send = sender(port, &["--retry"]);
    let first = send.wait_for("refused the stream (not allowed); asking again in 1 s", 10);
    let t1 = Instant::now();
    assert!(first.contains("127.0.0.1:"), "{first}");
    send.wait_for("asking again in 4 s", 15);
    // Two waits (1 s, then 2 s) between the first refusal and the third.
    assert!(t1.elapsed() >= Duration::from_millis(2500), "backed off only {:?}", t1.elapsed());
    let attempts = count(&recv.err(), "refused: not in --allow");
    assert!((3..=4).contains(&attempts), "{attempts} connections in about 3 s");
}

/// A secret file (mode 0600) in `dir`, for `--secret-file`.
fn secret_file(dir: &TempDir) -> String {
    let path = dir.path("secret");
    std::fs::write(&path, "a secret of more than sixteen bytes").unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn ctrl_c_during_the_secret_handshake_is_heard_at_once() {
    // A receiver that accepts and says nothing, as a plain cam-recv does.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = TempDir::new("send-int");
    let secret = secret_file(&dir);
    let to = silent.local_addr().unwrap().to_string();
    let mut send = Proc::spawn(Command::new(bin("cam-send")).args(["--to", &to, "--secret-file", &secret]));
    let _conn = silent.accept().unwrap();
    send.wait_for_signal_handlers(10);
    send.signal("INT");
    assert_eq!(send.wait(10).code(), Some(1), "{:?}", send.err());
    let err = send.err().join("\n");
    assert!(err.contains("stopped before a receiver was reached"), "the interrupt is named: {err}");
    assert!(!err.contains("challenge"), "it did not wait for the challenge: {err}");
}

#[test]
fn secret_or_tls_towards_a_plain_receiver_is_named_before_it_hangs_up() {
    let (recv, port) = receiver(&[]);
    let dir = TempDir::new("send-plain");
    let secret = secret_file(&dir);
    let pin = format!("SHA256:{}", "ab".repeat(32));
    let mut with_secret = sender(port, &["--secret-file", &secret]);
    let mut with_pin = sender(port, &["--tls-pin", &pin]);
    assert_eq!(with_secret.wait(20).code(), Some(1), "{:?}", with_secret.err());
    assert_eq!(with_pin.wait(20).code(), Some(1), "{:?}", with_pin.err());
    let err = with_secret.err().join("\n");
    assert!(err.contains("sent no secret challenge within 3 s: it does not ask for one"), "{err}");
    let err = with_pin.err().join("\n");
    assert!(err.contains("no TLS answer within 3 s: is cam-recv started with --tls?"), "{err}");
    drop(recv);
}

#[test]
fn a_refused_retrying_sender_counts_no_frame_and_no_reconnect_and_exits_1() {
    let dir = TempDir::new("send-refused");
    let secret = secret_file(&dir);
    let (recv, port) = receiver(&["--secret-file", &secret]);
    let mut send = sender(port, &[&["--retry"][..], &["--width", "160", "--height", "120"]].concat());
    send.wait_for_count("refused the stream (a secret is required", 2, 20);
    send.signal("INT");
    assert_eq!(send.wait(10).code(), Some(1), "{:?}", send.err());
    let sent = sent_summary(&send);
    assert_eq!((field(&sent, "frames"), field(&sent, "reconnects")), ("0", "0"), "{sent}");
    assert_eq!(count(&send.err(), "reconnected"), 0, "{:?}", send.err());
    assert_eq!(count(&send.err(), "ended cleanly"), 0, "no stream to end: {:?}", send.err());
    send.wait_for("nothing was sent", 1);
    drop(recv);
    // Nothing listening at all, then Ctrl-C: nothing was sent either.
    let mut send = sender(free_port(), &["--retry"]);
    send.wait_for("not reachable", 10);
    send.signal("INT");
    assert_eq!(send.wait(10).code(), Some(1), "{:?}", send.err());
    send.wait_for("nothing was sent", 1);
}
