//! The back channel (protocol.md, section 12): a sender that offers it in
//! its hello is answered, and asked for a keyframe when a new H.264 viewer
//! needs one; `cam-send`'s own encoder answers with an IDR at once. A
//! sender that does not offer it hears nothing, as sections 1-8 promise.

use std::{
    io::{Read, Write},
    net::TcpStream,
    process::Command,
    sync::{Arc, Mutex},
    thread,
};

use camwire_testsupport::*;

/// The top-level boxes of an MP4 byte stream: (type, whole box); a partial box at the end is left out.
fn boxes(mut data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    while data.len() >= 8 {
        let size = u32::from_be_bytes(data[..4].try_into().unwrap()) as usize;
        if size < 8 || size > data.len() {
            break;
        }
        out.push((data[4..8].try_into().unwrap(), &data[..size]));
        data = &data[size..];
    }
    out
}

/// Whether an `mdat` box's length-prefixed samples hold an IDR slice.
fn mdat_has_idr(mdat: &[u8]) -> bool {
    let mut body = &mdat[8..];
    while body.len() > 4 {
        let len = u32::from_be_bytes(body[..4].try_into().unwrap()) as usize;
        if body[4] & 0x1F == 5 {
            return true;
        }
        body = &body[(4 + len).min(body.len())..];
    }
    false
}

/// Reads an H.264 viewer's stream on a thread; the bytes so far are in the returned buffer.
fn watch(http: u16, path: &str) -> Arc<Mutex<Vec<u8>>> {
    let (code, _, reader) = http_open(http, path);
    assert_eq!(code, 200, "{path}");
    collect_chunked(reader)
}

fn frames(http: u16) -> u64 {
    status_json(http)["frames"].as_u64().unwrap_or(0)
}

/// `n` IDR access units, framed as section 1 puts them on the wire.
fn framed_idrs(n: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for au in idr_access_units(n) {
        bytes.extend_from_slice(&(au.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&au);
    }
    bytes
}

#[test]
fn a_new_h264_viewer_gets_a_keyframe_within_a_few_frames_at_a_long_keyframe_interval() {
    let (_recv, port, http) = http_receiver(&[], &[]);
    let _named = sender(
        port,
        &[
            "--codec",
            "h264",
            "--keyframe-interval",
            "300",
            "--fps",
            "30",
            "--width",
            "320",
            "--height",
            "240",
            "--name",
            "porch",
        ],
    );
    // Past the stream's first IDR: the next one would be frame 300. (`--name`
    // makes cam-send write the hello, which offers the channel.)
    poll_until("40 frames", 60, || (frames(http) >= 40).then_some(()));
    let opened_at = frames(http);
    let got = watch(http, "/cam/porch/stream.mp4");
    let first = || {
        let bytes = got.lock().unwrap().clone();
        boxes(&bytes).iter().find(|(t, _)| t == b"mdat").map(|(_, mdat)| mdat.to_vec())
    };
    let mdat = poll_until("the viewer's first picture", 60, first);
    let shown_at = frames(http);
    assert!(mdat_has_idr(&mdat), "a viewer starts at an IDR");
    assert!(
        shown_at - opened_at <= 15,
        "the first picture came {} frames after the viewer opened (frame {opened_at}); \
         without the back channel it waits for frame 300",
        shown_at - opened_at
    );
}

#[test]
fn a_python_sender_that_offers_the_channel_is_answered_and_asked_for_a_keyframe() {
    need_tool("python3", "python3");
    let dir = TempDir::new("back-channel-python");
    let file = dir.path("frames.bin");
    std::fs::write(&file, framed_idrs(10)).unwrap();
    let (_recv, port, http) = http_receiver(&[], &[]);
    let mut peer = Proc::spawn(Command::new("python3").arg(peer("channel_client.py")).args([
        &port.to_string(),
        "garden",
        file.to_str().unwrap(),
        "3000",
    ]));
    peer.wait_for("heard CAMWIRE CHANNEL v=1", 30);
    let _viewer = watch(http, "/stream.mp4");
    peer.wait_for("heard CAMWIRE KEYFRAME why=viewer", 30);
    assert!(peer.wait(30).success(), "{:?} {:?}", peer.out(), peer.err());
    let out = peer.out();
    assert_eq!(count(&out, "heard CAMWIRE CHANNEL"), 1, "{out:?}");
}

#[test]
fn a_sender_that_does_not_offer_the_channel_hears_nothing() {
    let (_recv, port, http) = http_receiver(&[], &[]);
    let au = idr_access_units(1).remove(0);
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.write_all(b"CAMWIRE HELLO name=garden\n").unwrap();
    let frame = [&(au.len() as u32).to_le_bytes()[..], &au].concat();
    sock.write_all(&frame).unwrap();
    poll_until("the stream", 30, || (frames(http) >= 1).then_some(()));
    let got = watch(http, "/stream.mp4");
    // Every frame is an IDR: the viewer is shown the next one.
    let shown = || boxes(&got.lock().unwrap()).iter().any(|(t, _)| t == b"mdat");
    let mut sent = 1;
    while !shown() {
        sock.write_all(&frame).unwrap();
        sent += 1;
        assert!(sent < 3000, "the viewer got no picture");
        thread::sleep(std::time::Duration::from_millis(10));
    }
    sock.write_all(&[0; 4]).unwrap();
    sock.shutdown(std::net::Shutdown::Write).unwrap();
    let mut back = Vec::new();
    sock.read_to_end(&mut back).unwrap();
    assert!(back.is_empty(), "the receiver wrote {:?}", String::from_utf8_lossy(&back));
}

/// `cam-send --name pi` with its clock shifted by `shift` seconds into
/// `cam-recv --once --verify`: the receiver's summary and its verify lines' latencies.
fn shifted_sender(shift: &str, codec: &str, name: bool) -> (String, Vec<f64>, Vec<String>) {
    let (summary, latencies, log, _) = shifted_sender_lines(shift, codec, name);
    (summary, latencies, log)
}

/// [`shifted_sender`], with the receiver's verify lines too.
fn shifted_sender_lines(shift: &str, codec: &str, name: bool) -> (String, Vec<f64>, Vec<String>, Vec<String>) {
    let (mut recv, port) = receiver(&["--once", "--verify"]);
    let mut cmd = Command::new(bin("cam-send"));
    cmd.env("CAMWIRE_TEST_CLOCK_SHIFT", shift).arg("--to").arg(format!("127.0.0.1:{port}"));
    cmd.args(["--codec", codec, "--frames", "45", "--fps", "30", "--width", "160", "--height", "120"]);
    if name {
        cmd.args(["--name", "pi"]);
    }
    let mut send = Proc::spawn(&mut cmd);
    let summary = both_succeed(&mut send, &mut recv);
    let latencies =
        recv.out().iter().filter_map(|l| l.split_once(" latency=").map(|(_, ms)| ms.parse::<f64>().unwrap())).collect();
    (summary, latencies, recv.err(), recv.out())
}

/// A verify line's figures in milliseconds: `encode_ms`, `send_ms`,
/// `network_ms`, `decode_ms` and `latency`, each `None` when the line lacks it.
fn stage_figures(line: &str) -> [Option<f64>; 5] {
    ["encode_ms", "send_ms", "network_ms", "decode_ms", "latency"].map(|key| {
        line.split(' ').find_map(|w| w.strip_prefix(key)?.strip_prefix('=')).map(|v| v.parse::<f64>().unwrap())
    })
}

/// Every verify line with a latency has every stage, none below zero, and
/// the sender's stages and the network add up to the latency within
/// `uncertainty` ms (a stage shorter than the clocks' uncertainty reads 0)
/// plus the lines' rounding. Returns how many lines had them.
fn assert_stages_add_up(lines: &[String], uncertainty: f64) -> usize {
    let mut n = 0;
    for line in lines.iter().filter(|l| l.contains(" latency=")) {
        let [Some(encode), Some(send), Some(network), Some(decode), Some(latency)] = stage_figures(line) else {
            panic!("a stage is missing: {line}")
        };
        assert!([encode, send, network, decode].iter().all(|ms| *ms >= 0.0), "{line}");
        let sum = encode + send + network;
        assert!((sum - latency).abs() <= uncertainty + 0.02, "stages add up to {sum} ms: {line}");
        n += 1;
    }
    n
}

#[test]
fn verify_lines_split_latency_by_stage_and_the_stages_add_up_across_clocks_years_apart() {
    let (summary, _, _, lines) = shifted_sender_lines("-63072000", "h264", true);
    let uncertainty: f64 = field(&summary, "clock_uncertainty_ms").parse().unwrap();
    let n = assert_stages_add_up(&lines, uncertainty);
    assert!(n >= 40, "{n} lines with stages: {lines:?}");
}

#[test]
fn latency_is_corrected_for_a_sender_clock_off_by_seconds_or_years() {
    for (shift, codec, told) in [("3.7", "jpeg", "3.700 s ahead of"), ("-63115200", "h264", "2.0 years behind")] {
        let (summary, latencies, log) = shifted_sender(shift, codec, true);
        assert_eq!(field(&summary, "clock"), "corrected", "{summary}");
        let offset: f64 = field(&summary, "clock_offset_ms").parse().unwrap();
        let uncertainty: f64 = field(&summary, "clock_uncertainty_ms").parse().unwrap();
        let truth = shift.parse::<f64>().unwrap() * 1000.0;
        // Every latency is off the loopback truth by exactly the offset's error.
        assert!(
            (offset - truth).abs() <= uncertainty + 2.0,
            "offset {offset} ms, truth {truth} ms, uncertainty {uncertainty} ms: {summary}"
        );
        assert!(latencies.len() >= 40, "{shift}: {} frames with a latency", latencies.len());
        assert!(latencies.iter().all(|ms| (0.0..1000.0).contains(ms)), "{shift}: {latencies:?}");
        let p99: f64 = field(&summary, "latency_p99_ms").parse().unwrap();
        assert!((0.0..1000.0).contains(&p99), "{summary}");
        assert_eq!(count(&log, "the sender's clock is"), 1, "{log:?}");
        assert_eq!(count(&log, told), 1, "{log:?}");
    }
}

#[test]
fn a_sender_without_the_channel_has_its_latency_marked_uncorrected() {
    let (summary, latencies, log) = shifted_sender("0", "jpeg", false);
    assert_eq!(field(&summary, "clock"), "uncorrected", "{summary}");
    assert!(latencies.len() >= 44, "{summary}");
    assert_eq!(count(&log, "the sender's clock is"), 0, "{log:?}");
    // Stages only a stage stamp tells are absent, not zero: a classic sender's lines are as they were.
    let (_, _, _, lines) = shifted_sender_lines("0", "h264", false);
    for line in lines.iter().filter(|l| l.contains(" latency=")) {
        assert_eq!(stage_figures(line)[..4], [None; 4], "{line}");
    }
}

#[test]
fn a_python_sender_written_from_the_protocol_answers_clock_pings_and_stamps_stages() {
    need_tool("python3", "python3");
    let (mut recv, port) = receiver(&["--once", "--verify"]);
    // Two years and half a day: an estimate a few ms either side still reads "2.0 years".
    let shift = "-63115200";
    let mut peer = Proc::spawn(Command::new("python3").arg(peer("channel_client.py")).args([
        &port.to_string(),
        "garden",
        "jpeg",
        "60",
        shift,
    ]));
    let summary = both_succeed(&mut peer, &mut recv);
    assert_eq!(field(&summary, "clock"), "corrected", "{summary}");
    let offset: f64 = field(&summary, "clock_offset_ms").parse().unwrap();
    let uncertainty: f64 = field(&summary, "clock_uncertainty_ms").parse().unwrap();
    let truth = shift.parse::<f64>().unwrap() * 1000.0;
    assert!((offset - truth).abs() <= uncertainty + 2.0, "offset {offset} ms, truth {truth} ms: {summary}");
    let p99: f64 = field(&summary, "latency_p99_ms").parse().unwrap();
    assert!((0.0..1000.0).contains(&p99), "{summary}");
    assert_eq!(count(&recv.err(), "2.0 years behind"), 1, "{:?}", recv.err());
    // The receiver said what arrived (12.6), with a latency once the clock was known, and the peer read it.
    let reports: Vec<String> = peer.out().into_iter().filter(|l| l.starts_with("report: ")).collect();
    assert!(reports.iter().any(|l| !l.starts_with("report: 0 frames") && l.contains("latency")), "{reports:?}");
    let n = assert_stages_add_up(&recv.out(), uncertainty);
    assert!(n >= 40, "{n} lines with stages: {:?}", recv.out());
}

#[test]
fn status_and_metrics_show_each_cameras_stages_and_clock() {
    let (_recv, port, http) = http_receiver(&[], &[]);
    let mut cmd = Command::new(bin("cam-send"));
    cmd.env("CAMWIRE_TEST_CLOCK_SHIFT", "3.7").arg("--to").arg(format!("127.0.0.1:{port}"));
    cmd.args(["--name", "pi", "--codec", "h264", "--fps", "30", "--width", "160", "--height", "120"]);
    let _send = Proc::spawn(&mut cmd);
    let s = poll_until("stages and a corrected clock in /status", 30, || {
        let s = status_json(http);
        (s["clock"] == "corrected" && s["stages_ms"]["network"].is_number()).then_some(s)
    });
    for stage in ["encode", "send", "network"] {
        assert!(s["stages_ms"][stage].as_f64().is_some_and(|ms| ms >= 0.0), "{stage}: {s}");
    }
    let (offset, uncertainty) = (s["clock_offset_ms"].as_f64().unwrap(), s["clock_uncertainty_ms"].as_f64().unwrap());
    assert!((offset - 3700.0).abs() <= uncertainty + 2.0, "{s}");
    let metrics = String::from_utf8(http_get(http, "/metrics").body).unwrap();
    let value = |series: &str| -> f64 {
        let line = metrics.lines().find(|l| l.starts_with(series)).unwrap_or_else(|| panic!("no {series}: {metrics}"));
        line[series.len()..].trim().parse().unwrap()
    };
    for stage in ["encode", "send", "network"] {
        let series = format!("camwire_stage_latency_seconds_count{{camera=\"pi\",stage=\"{stage}\"}}");
        assert!(value(&series) > 0.0, "{series}: {metrics}");
    }
    let offset = value("camwire_clock_offset_seconds{camera=\"pi\"}");
    let uncertainty = value("camwire_clock_uncertainty_seconds{camera=\"pi\"}");
    assert!((offset - 3.7).abs() <= uncertainty + 0.002, "offset {offset} s within {uncertainty} s: {metrics}");
}

#[test]
fn a_full_recording_segment_asks_for_a_keyframe_so_each_segment_starts_on_time() {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("back-channel-segments");
    let pattern = dir.path("cam-%H%M%S.mp4");
    let (mut recv, port) = receiver(&["--once", "--record", pattern.to_str().unwrap(), "--segment", "1s"]);
    // One keyframe in 20 s: without asking, the 5 s stream would be one file.
    let mut send =
        sender(port, &["--name", "pi", "--codec", "h264", "--fps", "30", "--secs", "5", "--keyframe-interval", "600"]);
    let summary = both_succeed(&mut send, &mut recv);
    // In the order written (two in one second are told apart by a number).
    let files: Vec<&str> = field(&summary, "files").split(',').collect();
    assert!(files.len() >= 3, "5 s in 1 s segments wrote {files:?}: {summary}");
    for (i, file) in files.iter().enumerate() {
        let probe = |entries: &str, extra: &[&str]| {
            let out = run(Command::new("ffprobe")
                .args(["-v", "error", "-select_streams", "v:0", "-show_entries", entries, "-of", "csv=p=0"])
                .args(extra)
                .arg(file));
            assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        let first = probe("packet=flags", &["-read_intervals", "%+#1"]);
        assert!(first.starts_with('K'), "{file} starts with {first:?}");
        let duration: f64 = probe("format=duration", &[]).parse().unwrap();
        // Cut at the IDR asked for at the second, not at the next --keyframe-interval
        // (requests are spaced a second apart, so one may wait up to a second more).
        let expected = if i + 1 == files.len() { 0.0..2.5 } else { 0.9..2.5 };
        assert!(expected.contains(&duration), "{file}: {duration} s");
    }
}
