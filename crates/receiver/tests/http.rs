//! `cam-recv --http`: the web view, driven by the real binaries and looked at
//! with raw HTTP, ffmpeg and headless Chromium.

use std::{
    io::Write,
    net::TcpStream,
    process::Command,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use camwire_testsupport::*;

/// Writes `pictures` as JPEG files and returns the `files:` source naming them all.
fn files_source(dir: &TempDir, pictures: &[Vec<u8>]) -> String {
    for (i, jpeg) in pictures.iter().enumerate() {
        std::fs::write(dir.path(&format!("pic-{i:02}.jpg")), jpeg).unwrap();
    }
    format!("files:{}", dir.path("pic-*.jpg").display())
}

/// A flat picture of one colour.
fn flat(colour: [u8; 3]) -> Vec<u8> {
    Rgb::from_fn(320, 240, |_, _| colour).to_jpeg(90)
}

/// 640x480 pictures with fine detail, so each JPEG is tens of kilobytes.
fn detailed(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|k| {
            let mut seed = 0x9E37_79B9u32.wrapping_mul(k as u32 + 1);
            Rgb::from_fn(640, 480, |x, y| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (seed >> 26) as u8;
                [(x / 3) as u8 ^ noise, ((y / 2) as u8).wrapping_add(noise), (k * 60) as u8 ^ noise]
            })
            .to_jpeg(85)
        })
        .collect()
}

#[test]
fn snapshot_is_503_before_the_first_frame_then_the_newest_jpeg() {
    let dir = TempDir::new("http-snapshot");
    let (_recv, port, http) = http_receiver(&[], &[]);
    let before = http_get(http, "/snapshot.jpg");
    assert_eq!(before.status, 503);
    let body = String::from_utf8_lossy(&before.body);
    assert!(body.contains("no picture yet"), "503 body should say why: {body:?}");
    assert!(before.header("cache-control").unwrap_or_default().contains("no-store"));

    let red = flat([200, 30, 30]);
    let _send = sender(
        port,
        &["--source", &files_source(&dir, std::slice::from_ref(&red)), "--fps", "10", "--loop", "--no-stamp"],
    );
    wait_until("first snapshot", 10, || http_get(http, "/snapshot.jpg").status == 200);
    let after = http_get(http, "/snapshot.jpg");
    assert_eq!(after.header("content-type"), Some("image/jpeg"));
    assert!(after.header("cache-control").unwrap_or_default().contains("no-store"));
    assert_eq!(after.body, red, "the snapshot is the frame exactly as sent");
}

#[test]
fn status_reports_sender_frames_rates_viewers_and_kind() {
    let dir = TempDir::new("http-status");
    let (_recv, port, http) = http_receiver(&[], &[]);
    let idle = status_json(http);
    assert_eq!(idle["sender_connected"], false);
    assert_eq!(idle["peer"], serde_json::Value::Null);
    assert_eq!(idle["frames"], 0);
    assert_eq!(idle["viewers"], 0);
    assert_eq!(idle["viewable"], true);

    let mut send = sender(port, &["--source", &files_source(&dir, &[flat([20, 200, 20])]), "--fps", "20", "--loop"]);
    let _viewer = mjpeg_stream(http);
    let _viewer2 = mjpeg_stream(http);
    // The rate is taken over the last 2 s: wait for 50 frames, 2.5 s of a 20 fps stream.
    let live = poll_until("50 frames in /status", 10, || {
        let s = status_json(http);
        (s["frames"].as_u64().unwrap() >= 50).then_some(s)
    });
    eprintln!("/status while streaming: {live}");
    assert_eq!(live["sender_connected"], true);
    assert!(live["peer"].as_str().unwrap().starts_with("127.0.0.1:"));
    assert_eq!(live["kind"], "jpeg");
    assert_eq!((live["width"].as_u64(), live["height"].as_u64()), (Some(320), Some(240)));
    assert!(live["frames"].as_u64().unwrap() >= 30, "frames {}", live["frames"]);
    let fps = live["fps"].as_f64().unwrap();
    assert!((15.0..=25.0).contains(&fps), "fps {fps}");
    assert!(live["kbps"].as_f64().unwrap() > 0.0);
    assert_eq!(live["viewers"], 2);
    assert_eq!(live["note"], serde_json::Value::Null);
    let p50 = live["latency_ms"]["p50"].as_f64().unwrap_or_else(|| panic!("stamped frames give latency: {live}"));
    assert!((0.0..1000.0).contains(&p50), "latency p50 {p50} ms on one host");

    send.signal("TERM");
    assert!(send.wait(10).success(), "{:?}", send.err());
    wait_until("sender_connected false after the sender stopped", 10, || {
        status_json(http)["sender_connected"] == false
    });
}

#[test]
fn stream_headers_forbid_caching_and_buffering() {
    let (_recv, _port, http) = http_receiver(&[], &[]);
    let (status, headers, _body) = http_open(http, "/stream.mjpg");
    assert_eq!(status, 200);
    let get = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.as_str());
    let content_type = get("content-type").unwrap_or_default();
    assert!(content_type.starts_with("multipart/x-mixed-replace; boundary=camwire-"), "{content_type}");
    assert_eq!(get("cache-control"), Some("no-store, no-cache, must-revalidate, max-age=0"));
    assert_eq!(get("pragma"), Some("no-cache"));
    assert_eq!(get("expires"), Some("0"));
    assert_eq!(get("connection"), Some("close"));
    assert_eq!(get("x-accel-buffering"), Some("no"));
    let page = http_get(http, "/");
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body);
    // The script picks MJPEG or, for H.264, the <video>; without script the page still shows MJPEG.
    assert!(html.contains("<img id=\"live\"") && html.contains("<video id=\"video\""), "{html}");
    assert!(html.contains("<canvas id=\"picture\""), "the script draws MJPEG here where it can time it: {html}");
    // Relative, so the same page serves each camera at /cam/NAME/.
    assert!(html.contains("<noscript><img src=\"stream.mjpg\""), "{html}");
    // The page's script picks the stream: /stream.mjpg for JPEG (and ?mjpeg), /stream.mp4 for H.264.
    let script = String::from_utf8_lossy(&http_get(http, "/page.js").body).into_owned();
    assert!(script.contains("live.src = \"stream.mjpg"), "{script}");
    assert!(script.contains("\"stream.mjpg?viewer="), "{script}");
    assert!(html.contains("name=\"viewport\""), "usable on a phone: {html}");
    assert!(page.header("cache-control").unwrap_or_default().contains("no-store"));
}

#[test]
fn viewers_stay_connected_across_a_sender_restart() {
    let dir = TempDir::new("http-restart");
    let (red, blue) = (flat([200, 30, 30]), flat([30, 30, 200]));
    let (_recv, port, http) = http_receiver(&[], &[]);
    let mut parts = mjpeg_stream(http);
    let red_dir = TempDir::new("http-restart-red");
    let mut first = sender(
        port,
        &["--source", &files_source(&red_dir, std::slice::from_ref(&red)), "--fps", "10", "--loop", "--no-stamp"],
    );
    assert_eq!(parts.next_part().unwrap().body, red);
    first.signal("TERM");
    first.wait(10);
    let _second = sender(
        port,
        &["--source", &files_source(&dir, std::slice::from_ref(&blue)), "--fps", "10", "--loop", "--no-stamp"],
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let part = parts.next_part().expect("the same connection keeps delivering parts");
        if part.body == blue {
            break;
        }
        assert_eq!(part.body, red, "only the two pictures were sent");
        assert!(Instant::now() < deadline, "the new sender's picture never arrived on the open connection");
    }
}

#[test]
fn ffmpeg_reads_the_stream_as_input() {
    need_tool("ffmpeg", "ffmpeg");
    let dir = TempDir::new("http-ffmpeg");
    let (_recv, port, http) = http_receiver(&[], &[]);
    let _send = sender(port, &["--source", &files_source(&dir, &detailed(3)), "--fps", "30", "--loop"]);
    for format in ["mjpeg", "mpjpeg"] {
        let out = run(Command::new("ffmpeg")
            .args(["-hide_banner", "-v", "error", "-f", format, "-i"])
            .arg(format!("http://127.0.0.1:{http}/stream.mjpg"))
            .args(["-frames:v", "30", "-f", "null", "-"]));
        assert!(out.status.success(), "ffmpeg -f {format}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "ffmpeg -f {format} complained: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Counts the parts each viewer receives while `counting` is set; checks
/// every part. Each viewer adds one to `started` at its first part.
fn spawn_viewers(
    http: u16,
    n: usize,
    pictures: &Arc<Vec<Vec<u8>>>,
    counting: &Arc<AtomicBool>,
    stop: &Arc<AtomicBool>,
    started: &Arc<AtomicUsize>,
) -> Vec<thread::JoinHandle<Result<u64, String>>> {
    (0..n)
        .map(|_| {
            let (pictures, counting, stop, started) =
                (pictures.clone(), counting.clone(), stop.clone(), started.clone());
            thread::spawn(move || {
                let mut parts = mjpeg_stream(http);
                let mut counted = 0;
                let mut first = true;
                while !stop.load(Ordering::SeqCst) {
                    let part = parts.next_part()?;
                    if std::mem::take(&mut first) {
                        started.fetch_add(1, Ordering::SeqCst);
                    }
                    if !pictures.contains(&part.body) {
                        return Err(format!("a part of {} bytes is none of the JPEGs sent", part.body.len()));
                    }
                    if counting.load(Ordering::SeqCst) {
                        counted += 1;
                    }
                }
                Ok(counted)
            })
        })
        .collect()
}

/// Counts parts per viewer over `secs`, against the frames the receiver got meanwhile.
fn measure(http: u16, viewers: usize, pictures: &Arc<Vec<Vec<u8>>>, secs: f64) -> (u64, Vec<u64>) {
    let (counting, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let started = Arc::new(AtomicUsize::new(0));
    let handles = spawn_viewers(http, viewers, pictures, &counting, &stop, &started);
    wait_until("every viewer connected", 20, || status_json(http)["viewers"].as_u64().unwrap() >= viewers as u64);
    wait_until("every viewer got a first part", 20, || started.load(Ordering::SeqCst) == viewers);
    let before = status_json(http)["frames"].as_u64().unwrap();
    counting.store(true, Ordering::SeqCst);
    // The sleep is the measurement: parts counted over `secs` against the frames that arrived meanwhile.
    thread::sleep(Duration::from_secs_f64(secs));
    counting.store(false, Ordering::SeqCst);
    let after = status_json(http)["frames"].as_u64().unwrap();
    stop.store(true, Ordering::SeqCst);
    let counts = handles.into_iter().map(|h| h.join().unwrap().unwrap_or_else(|e| panic!("viewer: {e}"))).collect();
    (after - before, counts)
}

/// A connection to the web view whose receive buffer is as small as the kernel allows.
fn small_buffer_connection(http: u16) -> TcpStream {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    sock.connect(&std::net::SocketAddr::from(([127, 0, 0, 1], http)).into()).unwrap();
    sock.into()
}

/// Bytes waiting unread in `sock`'s receive buffer.
fn queued(sock: &TcpStream) -> usize {
    sock.set_nonblocking(true).unwrap();
    let mut buf = vec![0; 1 << 20];
    let n = sock.peek(&mut buf).unwrap_or(0);
    sock.set_nonblocking(false).unwrap();
    n
}

#[test]
fn fifty_viewers_get_the_stream_and_a_stalled_viewer_slows_no_one() {
    let dir = TempDir::new("http-fanout");
    let pictures = Arc::new(detailed(3));
    let sizes: Vec<usize> = pictures.iter().map(Vec::len).collect();
    for jpeg in pictures.iter() {
        Rgb::from_jpeg(jpeg); // every picture sent is a valid JPEG
    }
    let (_recv, port, http) = http_receiver(&[], &[]);
    let _send =
        sender(port, &["--source", &files_source(&dir, &pictures), "--fps", "30", "--loop", "--no-stamp", "--quiet"]);
    wait_until("frames arriving", 10, || status_json(http)["frames"].as_u64().unwrap() > 10);

    let secs = 3.0;
    let (sent, counts) = measure(http, 50, &pictures, secs);
    let report = |label: &str, sent: u64, counts: &[u64]| {
        let min = *counts.iter().min().unwrap();
        let mean = counts.iter().sum::<u64>() as f64 / counts.len() as f64;
        eprintln!(
            "{label}: receiver got {sent} frames in {secs} s ({:.1} fps); per viewer min {min} mean {mean:.1} \
             ({:.1} fps min) [JPEGs of {sizes:?} bytes]",
            sent as f64 / secs,
            min as f64 / secs
        );
        assert!(min as f64 >= 0.8 * sent as f64, "{label}: a viewer got {min} of {sent} frames");
    };
    report("50 viewers", sent, &counts);

    // A viewer that asks for the stream and never reads. Its receive buffer
    // takes about 4 KiB: once part data is in it, the rest of that part (tens
    // of KiB) cannot follow, and the view's writes to it wait from then on.
    let mut stalled = small_buffer_connection(http);
    write!(stalled, "GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    wait_until("part data in the stalled viewer's buffer", 10, || queued(&stalled) >= 2048);
    let (sent, counts) = measure(http, 50, &pictures, secs);
    report("50 viewers + 1 stalled", sent, &counts);
    drop(stalled);
}

#[test]
fn chromium_shows_the_live_picture_and_a_new_one_after_the_sender_restarts() {
    need_tool("chromium", "chromium");
    need_tool("convert", "imagemagick");
    let dir = TempDir::new("http-chromium");
    let profile = TempDir::new("chromium-profile");
    let (red, blue) = ([210, 40, 40], [40, 70, 210]);
    let (_recv, port, http) = http_receiver(&[], &[]);
    let screenshot = |name: &str| {
        let png = dir.path(name);
        let out = run(Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .arg(format!("--user-data-dir={}", profile.0.display()))
            .arg(format!("--screenshot={}", png.display()))
            .args(["--window-size=800,600", "--virtual-time-budget=3000"])
            .arg(format!("http://127.0.0.1:{http}/")));
        assert!(png.exists(), "chromium wrote no screenshot: {}", String::from_utf8_lossy(&out.stderr));
        let shot = Rgb::from_file(&png);
        let (r, b) = (shot.count_near(red, 12), shot.count_near(blue, 12));
        eprintln!("{}: {r} red pixels, {b} blue pixels", png.display());
        (r, b)
    };

    let (red_dir, blue_dir) = (TempDir::new("chromium-red"), TempDir::new("chromium-blue"));
    let mut first =
        sender(port, &["--source", &files_source(&red_dir, &[flat(red)]), "--fps", "10", "--loop", "--no-stamp"]);
    wait_until("a frame", 10, || http_get(http, "/snapshot.jpg").status == 200);
    let (r, b) = screenshot("first.png");
    // The picture is 320x240 = 76800 pixels, shown at its size.
    assert!(r > 60_000 && b == 0, "the first load should show the red picture ({r} red, {b} blue)");

    first.signal("TERM");
    first.wait(10);
    // Stamped this time (cam-send's default): the browser must show JPEGs carrying the capture-time comment.
    let _second = sender(port, &["--source", &files_source(&blue_dir, &[flat(blue)]), "--fps", "10", "--loop"]);
    wait_until("the blue frame", 10, || {
        let snap = http_get(http, "/snapshot.jpg");
        snap.status == 200
            && camwire_wire::stamp::read_stamp(&snap.body).is_some()
            && Rgb::from_jpeg(&snap.body).count_near(blue, 12) > 60_000
    });
    let (r, b) = screenshot("second.png");
    assert!(
        b > 60_000 && r == 0,
        "the second load (same profile) should show the new blue picture, not a cached one ({r} red, {b} blue)"
    );
}

#[test]
fn http_port_in_use_is_a_one_line_error_at_start() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let http = taken.local_addr().unwrap().port();
    let out =
        run(Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0", "--http", &format!("127.0.0.1:{http}")]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("cam-recv:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains(&format!("--http 127.0.0.1:{http}: port {http} is in use")), "{stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
}

#[test]
fn http_accepts_port_only_and_colon_port_forms() {
    // "PORT" and ":PORT" listen on every address; port 0 there, and the printed address says which.
    for arg in ["0", ":0"] {
        let recv = Proc::spawn(Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0", "--http", arg]));
        let line = recv.wait_for("web view on", 10);
        assert!(line.contains("(all interfaces)"), "--http {arg} listens on every address: {line}");
        let p = web_view_port(&recv);
        assert_eq!(http_get(p, "/status").status, 200, "--http {arg}");
    }
}

/// Raw H.264 from ffmpeg's libx264 (B-frames, one IDR for the whole run) of a flat 320x240 `colour`, at 10 fps.
fn libx264_colour(port: u16, colour: &str, pix_fmt: &str) -> Proc {
    need_tool("ffmpeg", "ffmpeg");
    Proc::spawn(
        Command::new("ffmpeg")
            .args(["-hide_banner", "-v", "error", "-re", "-f", "lavfi", "-i"])
            .arg(format!("color=c={colour}:size=320x240:rate=10"))
            .args(["-pix_fmt", pix_fmt, "-c:v", "libx264", "-g", "600", "-f", "h264"])
            .arg(format!("tcp://127.0.0.1:{port}")),
    )
}

/// Checks a JPEG is 320x240 and red all over; returns its mean colour.
fn assert_red_320x240(jpeg: &[u8]) -> [f64; 3] {
    let picture = Rgb::from_jpeg(jpeg);
    assert_eq!((picture.width, picture.height), (320, 240));
    let mean = picture.mean(0, 0, 320, 240);
    assert!(colour_distance(mean, [255.0, 0.0, 0.0]) <= 8.0, "not red: mean colour {mean:.1?}");
    assert!(picture.count_near([255, 0, 0], 12) >= 320 * 240 * 99 / 100, "not red all over");
    mean
}

#[test]
fn h264_stream_is_decoded_and_served_as_jpeg() {
    // libx264's lookahead keeps ffmpeg silent for about 4 s at 10 fps: longer than the default handshake.
    let (_recv, port, http) = http_receiver(&[], &["--handshake-timeout", "30"]);
    let _send = libx264_colour(port, "red", "yuv420p");
    wait_until("an H.264 picture as /snapshot.jpg", 10, || http_get(http, "/snapshot.jpg").status == 200);
    let snap = http_get(http, "/snapshot.jpg");
    assert_eq!(snap.header("content-type"), Some("image/jpeg"));
    eprintln!("snapshot: {} bytes, mean colour {:.1?}", snap.body.len(), assert_red_320x240(&snap.body));
    let s = status_json(http);
    eprintln!("/status: {s}");
    assert_eq!(s["kind"], "h264");
    assert_eq!(s["viewable"], true);
    assert_eq!(s["note"], serde_json::Value::Null);
    assert_eq!((s["width"].as_u64(), s["height"].as_u64()), (Some(320), Some(240)));
    assert_eq!(s["latency_ms"], serde_json::Value::Null, "libx264's frames carry no capture time");

    // A viewer that comes 2 s in (20 frames at 10 fps), long after the only IDR, still gets live pictures.
    wait_until("20 frames in /status", 10, || status_json(http)["frames"].as_u64().unwrap() >= 20);
    let mut parts = mjpeg_stream(http);
    let started = Instant::now();
    for _ in 0..5 {
        let part = parts.next_part().expect("a part");
        assert_red_320x240(&part.body);
        assert!(part.headers.iter().all(|(h, _)| h != "x-timestamp"), "no capture time to give: {:?}", part.headers);
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!("late viewer: 5 parts in {secs:.2} s");
    assert!(secs < 1.5, "5 parts of a 10 fps stream took {secs:.2} s: the late viewer is not live");
}

#[test]
fn h264_with_444_chroma_says_why_it_cannot_be_shown() {
    // libx264's lookahead keeps ffmpeg silent for about 4 s at 10 fps: longer than the default handshake.
    let (_recv, port, http) = http_receiver(&[], &["--handshake-timeout", "30"]);
    let _send = libx264_colour(port, "red", "yuv444p");
    wait_until("the H.264 stream in /status", 10, || status_json(http)["kind"] == "h264");
    wait_until("a note in /status", 5, || status_json(http)["note"] != serde_json::Value::Null);
    let s = status_json(http);
    assert_eq!(s["viewable"], false);
    assert!(s["note"].as_str().unwrap().contains("4:4:4 chroma"), "{s}");
    let snap = http_get(http, "/snapshot.jpg");
    assert_eq!(snap.status, 503);
    let body = String::from_utf8_lossy(&snap.body);
    assert!(body.contains("4:4:4") && body.contains("yuv420p"), "the 503 body should say why: {body}");
    let script = String::from_utf8_lossy(&http_get(http, "/page.js").body).into_owned();
    assert!(script.contains("s.note"), "the page shows /status's note");
}

/// Seconds since the Unix epoch, now.
fn unix_now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64()
}

#[test]
fn stamped_streams_give_latency_in_status_and_x_timestamp_on_parts() {
    for codec in ["jpeg", "h264"] {
        let (_recv, port, http) = http_receiver(&[], &[]);
        assert_eq!(status_json(http)["latency_ms"], serde_json::Value::Null, "no frames, no latency");
        let _send = sender(port, &["--source", "test", "--codec", codec, "--fps", "30", "--quiet"]);
        let mut parts = mjpeg_stream(http);
        for _ in 0..10 {
            let part = parts.next_part().expect("a part");
            let stamp = part.headers.iter().find(|(h, _)| h == "x-timestamp").map(|(_, v)| v.clone());
            let stamp = stamp.unwrap_or_else(|| panic!("{codec}: a part without X-Timestamp: {:?}", part.headers));
            let (secs, micros) = stamp.split_once('.').unwrap_or_else(|| panic!("{codec}: X-Timestamp {stamp:?}"));
            assert!(secs.len() >= 10 && micros.len() == 6, "{codec}: X-Timestamp {stamp:?} is not seconds.micros");
            let age = unix_now() - stamp.parse::<f64>().unwrap();
            assert!((0.0..1.0).contains(&age), "{codec}: X-Timestamp {stamp} is {age:.3} s from now");
            let picture = Rgb::from_jpeg(&part.body);
            assert_eq!((picture.width, picture.height), (640, 480), "{codec}");
        }
        // Percentiles over more than the parts read: 1.5 s of the 30 fps stream.
        wait_until("45 frames in /status", 10, || status_json(http)["frames"].as_u64().unwrap() >= 45);
        let s = status_json(http);
        eprintln!("{codec}: /status {s}");
        assert_eq!(s["kind"], codec);
        let (p50, p99) = (s["latency_ms"]["p50"].as_f64(), s["latency_ms"]["p99"].as_f64());
        let (Some(p50), Some(p99)) = (p50, p99) else { panic!("{codec}: no latency_ms.p50/p99 in {s}") };
        assert!(0.0 <= p50 && p50 <= p99 && p99 < 1000.0, "{codec}: latency p50 {p50} p99 {p99}");
    }
}

#[test]
fn chromium_runs_the_page_under_its_security_policy_on_a_token_session() {
    need_tool("chromium", "chromium");
    need_tool("convert", "imagemagick");
    const TOKEN: &str = "0123456789abcdef-chromium";
    let dir = TempDir::new("http-chromium-token");
    let profile = TempDir::new("chromium-token-profile");
    let red = [210, 40, 40];
    let (_recv, port, http) = http_receiver(&[], &["--http-token", TOKEN]);
    let _send = sender(port, &["--source", &files_source(&dir, &[flat(red)]), "--fps", "10", "--loop", "--no-stamp"]);
    wait_until("a frame", 10, || http_get(http, &format!("/snapshot.jpg?token={TOKEN}")).status == 200);
    // Only the first request carries the token; the stream, /status, the script
    // and the style ride on the session cookie it set.
    let chromium = |extra: &[String]| {
        run(Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .arg(format!("--user-data-dir={}", profile.0.display()))
            .args(["--window-size=800,600", "--virtual-time-budget=3000"])
            .args(extra)
            .arg(format!("http://127.0.0.1:{http}/?token={TOKEN}")))
    };
    let dom = chromium(&["--dump-dom".to_string()]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    // The script filled these in from /status: it ran, and its fetch was let in.
    assert!(dom.contains(">sender 127.0.0.1:"), "the page script did not run under the policy: {dom}");
    assert!(dom.contains(">320x240 jpeg<"), "{dom}");
    let png = dir.path("token.png");
    let out = chromium(&[format!("--screenshot={}", png.display())]);
    assert!(png.exists(), "chromium wrote no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let shot = Rgb::from_file(&png);
    let (r, dark) = (shot.count_near(red, 12), shot.count_near([17, 17, 17], 3));
    eprintln!("{}: {r} red pixels, {dark} page-background pixels", png.display());
    assert!(r > 60_000, "the stream is shown on the session cookie ({r} red pixels)");
    assert!(dark > 100_000, "the stylesheet applied: the page background is #111 ({dark} pixels)");
}

/// The size of the picture `/snapshot.jpg` serves now, once it serves one.
fn snapshot_size(http: u16) -> (u16, u16) {
    poll_until("a snapshot", 10, || {
        let r = http_get(http, "/snapshot.jpg");
        (r.status == 200).then(|| camwire_wire::jpeg_dimensions(&r.body).expect("a JPEG"))
    })
}

/// `/status`'s picture size, once it has one.
fn status_size(http: u16) -> (u64, u64) {
    poll_until("a size in /status", 10, || {
        let s = status_json(http);
        Some((s["width"].as_u64()?, s["height"].as_u64()?))
    })
}

#[test]
fn snapshot_and_status_are_the_live_streams_after_the_sender_changes_kind_or_size() {
    let (recv, port, http) = http_receiver(&[], &[]);
    let small = ["--width", "320", "--height", "240"];
    let mut jpeg = sender(port, &[&["--frames", "5", "--fps", "20"][..], &small].concat());
    assert!(jpeg.wait(20).success(), "{:?}", jpeg.err());
    recv.wait_for_count("summary:", 1, 10);
    assert_eq!(snapshot_size(http), (320, 240));
    // Then an H.264 camera at another size, and another after it: the snapshot is never the last stream's.
    for (n, (w, h)) in [(2, (640u16, 480u16)), (3, (160, 120))] {
        let size = [(*"--width").to_string(), w.to_string(), "--height".into(), h.to_string()];
        let size: Vec<&str> = size.iter().map(String::as_str).collect();
        let mut h264 = sender(port, &[&["--codec", "h264", "--fps", "10", "--secs", "60"][..], &size].concat());
        recv.wait_for(&format!("stream {n} from"), 10);
        wait_until("the new stream's frames in /status", 10, || status_json(http)["stream"] == n);
        assert_eq!(status_size(http), (w.into(), h.into()), "/status of stream {n}");
        assert_eq!(snapshot_size(http), (w, h), "/snapshot.jpg of stream {n}");
        h264.signal("TERM");
        assert!(h264.wait(10).success(), "{:?}", h264.err());
        recv.wait_for_count("summary:", n, 10);
    }
}

#[test]
fn stream_mp4_of_a_jpeg_camera_says_to_use_stream_mjpg() {
    let (_recv, port, http) = http_receiver(&[], &[]);
    let _send = sender(port, &["--fps", "10", "--secs", "60", "--width", "160", "--height", "120"]);
    wait_until("a JPEG stream in /status", 10, || status_json(http)["kind"] == "jpeg");
    // Not a 200 that never sends a byte.
    let (status, _, mut reader) = http_open(http, "/stream.mp4");
    assert_eq!(status, 409);
    let mut body = String::new();
    std::io::Read::read_to_string(&mut reader, &mut body).unwrap();
    assert!(body.contains("this camera sends JPEG") && body.contains("use /stream.mjpg"), "{body}");
}

#[test]
fn sender_stalled_mid_frame_is_dropped_and_web_viewers_resume_on_the_next_sender() {
    let dir = TempDir::new("stall");
    let (red_bytes, blue_bytes) = (flat([220, 20, 20]), flat([20, 20, 220]));
    let blue = files_source(&dir, std::slice::from_ref(&blue_bytes));
    let (recv, port, http) = http_receiver(&[], &["--idle-timeout", "1"]);
    // A sender that delivers one red frame, then half of the next, then nothing.
    let mut stalled = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stalled.write_all(&framed(&red_bytes)).unwrap();
    stalled.write_all(&framed(&red_bytes)[..4 + 100]).unwrap();
    let mut viewer = mjpeg_stream(http);
    assert_eq!(viewer.next_part().unwrap().body, red_bytes);
    recv.wait_for("nothing received for 1 s (--idle-timeout)", 10);
    let mut send = sender(port, &["--source", &blue, "--no-stamp", "--loop", "--fps", "10", "--frames", "30"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let part = viewer.next_part().expect("the viewer stays connected");
        if part.body == blue_bytes {
            break;
        }
        assert!(Instant::now() < deadline, "the viewer never saw the next sender");
    }
    assert!(send.wait(20).success());
    drop(stalled);
}
