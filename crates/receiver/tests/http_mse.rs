//! `cam-recv --http` with an H.264 stream: the browser plays the H.264 as
//! sent from `/stream.mp4` (Media Source Extensions), checked with ffmpeg,
//! byte by byte against a recording, and in headless Chromium.

use std::{
    process::Command,
    thread,
    time::{Duration, Instant},
};

use camwire_testsupport::*;

fn status(port: u16) -> serde_json::Value {
    let r = http_get(port, "/status");
    assert_eq!(r.status, 200);
    serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("/status is not JSON ({e}): {}", String::from_utf8_lossy(&r.body)))
}

fn wait_until(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !ok() {
        assert!(Instant::now() < deadline, "{what}: not within {secs} s");
        thread::sleep(Duration::from_millis(50));
    }
}

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

/// The NAL units of an `mdat` box's length-prefixed samples.
fn mdat_nal_units(mdat: &[u8]) -> Vec<Vec<u8>> {
    let mut body = &mdat[8..];
    let mut out = Vec::new();
    while body.len() >= 4 {
        let len = u32::from_be_bytes(body[..4].try_into().unwrap()) as usize;
        out.push(body[4..4 + len].to_vec());
        body = &body[4 + len..];
    }
    out
}

/// Reads `/stream.mp4` on a thread; the bytes so far are in the returned buffer.
fn read_stream_mp4(http: u16) -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    let (code, headers, reader) = http_open(http, "/stream.mp4");
    assert_eq!(code, 200);
    assert!(headers.iter().any(|(n, v)| n == "content-type" && v == "video/mp4"), "{headers:?}");
    collect_chunked(reader)
}

#[test]
fn stream_mp4_holds_the_sent_access_units_byte_for_byte_and_ffmpeg_decodes_every_frame() {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("http-mse-bytes");
    let recorded = dir.path("sent.h264");
    let (recv, port, http) = http_receiver(&[], &["--record", recorded.to_str().unwrap()]);
    let got = read_stream_mp4(http);
    wait_until("the viewer in /status", 10, || status(http)["viewers_h264"] == 1);
    const FRAMES: usize = 45;
    let mut send =
        sender(port, &["--codec", "h264", "--frames", "45", "--fps", "30", "--width", "320", "--height", "240"]);
    assert!(send.wait(30).success());
    recv.wait_for("stream ended", 10);
    let moofs = || boxes(&got.lock().unwrap()).iter().filter(|(t, _)| t == b"moof").count();
    wait_until("a fragment per access unit", 10, || moofs() >= FRAMES);
    let bytes = got.lock().unwrap().clone();
    let kinds: Vec<[u8; 4]> = boxes(&bytes).iter().map(|(t, _)| *t).collect();
    assert_eq!(&kinds[..2], [*b"ftyp", *b"moov"], "the init segment comes first");
    assert_eq!(kinds[2..].chunks(3).filter(|c| c == &[*b"prft", *b"moof", *b"mdat"]).count(), FRAMES, "{kinds:?}");

    // The samples are the recorded access units' NAL units, unchanged.
    let served: Vec<Vec<u8>> =
        boxes(&bytes).iter().filter(|(t, _)| t == b"mdat").flat_map(|(_, b)| mdat_nal_units(b)).collect();
    let sent = || -> Vec<Vec<u8>> {
        camwire_wire::nal_units(&std::fs::read(&recorded).unwrap_or_default()).map(<[u8]>::to_vec).collect()
    };
    wait_until("the recording written", 10, || sent().len() >= served.len());
    let sent = sent();
    assert!(!sent.is_empty());
    assert!(served == sent, "served {} NAL units, sent {}; they differ", served.len(), sent.len());

    // ffprobe and ffmpeg take it as it is: every frame decodes, at the sent size.
    let file = dir.path("served.mp4");
    std::fs::write(&file, &bytes).unwrap();
    let probe = run(Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries"])
        .args(["stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0"])
        .arg(&file));
    let stdout = String::from_utf8_lossy(&probe.stdout);
    let stderr = String::from_utf8_lossy(&probe.stderr);
    assert!(probe.status.success() && stderr.trim().is_empty(), "ffprobe: {stderr}");
    assert_eq!(stdout.trim(), format!("h264,320,240,{FRAMES}"), "ffprobe: {stderr}");
    let decode =
        run(Command::new("ffmpeg").args(["-v", "error", "-xerror", "-i"]).arg(&file).args(["-f", "null", "-"]));
    assert!(decode.status.success(), "ffmpeg: {}", String::from_utf8_lossy(&decode.stderr));
    assert!(decode.stderr.is_empty(), "ffmpeg: {}", String::from_utf8_lossy(&decode.stderr));
}

#[test]
fn h264_pictures_are_encoded_to_jpeg_only_while_someone_watches_mjpeg() {
    let (_recv, port, http) = http_receiver(&[], &[]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("30 frames", 20, || status(http)["frames"].as_u64().unwrap_or(0) >= 30);
    let s = status(http);
    assert_eq!(s["jpeg_encoded"], 0, "nobody watches as MJPEG: nothing is encoded ({s})");

    let mut parts = mjpeg_stream(http);
    for _ in 0..3 {
        let part = parts.next_part().expect("a part");
        assert_eq!(&part.body[..2], [0xFF, 0xD8]);
    }
    let s = status(http);
    assert_eq!(s["viewers_mjpeg"], 1, "{s}");
    assert_eq!(s["viewer_list"][0]["mode"], "mjpeg", "{s}");
    assert!(s["jpeg_encoded"].as_u64().unwrap() >= 3, "{s}");
    drop(parts);
    wait_until("the MJPEG viewer gone", 10, || status(http)["viewers_mjpeg"] == 0);
    let (encoded, frames) = (status(http)["jpeg_encoded"].as_u64().unwrap(), status(http)["frames"].as_u64().unwrap());
    wait_until("30 more frames", 10, || status(http)["frames"].as_u64().unwrap() >= frames + 30);
    let s = status(http);
    assert!(s["jpeg_encoded"].as_u64().unwrap() <= encoded + 1, "encoding went on with nobody watching: {s}");

    // A snapshot still works: it has the next picture encoded.
    let snap = http_get(http, "/snapshot.jpg");
    assert_eq!(snap.status, 200);
    assert_eq!(Rgb::from_jpeg(&snap.body).width, 320);
}

#[test]
fn h264_is_decoded_only_while_someone_wants_pictures() {
    let (_recv, port, http) = http_receiver(&[], &[]);
    let got = read_stream_mp4(http);
    let _send = sender(
        port,
        &["--codec", "h264", "--fps", "30", "--keyframe-interval", "15", "--width", "320", "--height", "240"],
    );
    wait_until("30 frames", 20, || status(http)["frames"].as_u64().unwrap_or(0) >= 30);
    let frames = status(http)["frames"].as_u64().unwrap();
    wait_until("30 more frames", 10, || status(http)["frames"].as_u64().unwrap() >= frames + 30);
    let s = status(http);
    assert_eq!(s["viewers_h264"], 1, "{s}");
    assert!(!got.lock().unwrap().is_empty(), "the MSE viewer gets fragments");
    assert_eq!(s["h264_decoded"], 0, "only a browser decoding the H.264 itself: nothing decoded here ({s})");

    // A late MJPEG viewer gets pictures at once: the access units since the last IDR are decoded to catch up.
    let mut parts = mjpeg_stream(http);
    let started = Instant::now();
    for _ in 0..3 {
        let part = parts.next_part().expect("a part");
        assert_eq!(Rgb::from_jpeg(&part.body).width, 320);
    }
    eprintln!("late MJPEG viewer: 3 parts in {:.2} s", started.elapsed().as_secs_f64());
    let decoded = status(http)["h264_decoded"].as_u64().unwrap();
    assert!(decoded >= 3, "{}", status(http));
    drop(parts);
    wait_until("the MJPEG viewer gone", 10, || status(http)["viewers_mjpeg"] == 0);
    let (decoded, frames) = (status(http)["h264_decoded"].as_u64().unwrap(), status(http)["frames"].as_u64().unwrap());
    wait_until("30 more frames", 10, || status(http)["frames"].as_u64().unwrap() >= frames + 30);
    let s = status(http);
    assert!(s["h264_decoded"].as_u64().unwrap() <= decoded + 1, "decoding went on with nobody wanting pictures: {s}");
}

/// The first H.264 viewer in `/status`'s list, once it reports a screen.
fn screen(http: u16) -> Option<serde_json::Value> {
    screen_of(http, "h264")
}

/// The first viewer served in `mode` in `/status`'s list, once it reports a screen.
fn screen_of(http: u16, mode: &str) -> Option<serde_json::Value> {
    let s = status(http);
    s["viewer_list"].as_array()?.iter().find(|v| v["mode"] == mode && v["presented"].is_u64()).cloned()
}

/// Headless Chromium showing `path` of the web view on `http`.
fn chromium(http: u16, profile: &TempDir, path: &str) -> Proc {
    Proc::spawn(
        Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .args(["--autoplay-policy=no-user-gesture-required", "--window-size=800,600"])
            .arg(format!("--user-data-dir={}", profile.0.display()))
            .arg(format!("http://127.0.0.1:{http}{path}")),
    )
}

#[test]
fn chromium_plays_h264_at_the_sent_size_with_the_latency_to_the_screen_and_after_a_restart() {
    need_tool("chromium", "chromium");
    let profile = TempDir::new("chromium-mse-profile");
    let (_recv, port, http) = http_receiver(&[], &[]);
    let mut first = sender(port, &["--codec", "h264", "--fps", "30", "--width", "640", "--height", "480"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let _chromium = chromium(http, &profile, "/?via=mse");
    wait_until("Chromium presenting frames at 640x480", 30, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(30) && v["width"] == 640 && v["height"] == 480)
    });
    let s = status(http);
    assert_eq!((s["viewers_h264"].as_u64(), s["viewers_mjpeg"].as_u64()), (Some(1), Some(0)), "{s}");
    assert_eq!(s["jpeg_encoded"], 0, "the page plays the H.264 itself: no JPEG made ({s})");

    // Frames keep coming.
    let before = screen(http).unwrap();
    let frames_before = status(http)["frames"].as_u64().unwrap();
    wait_until("60 more frames sent", 20, || status(http)["frames"].as_u64().unwrap() >= frames_before + 60);
    wait_until("the page's next report", 5, || screen(http).unwrap()["presented"] != before["presented"]);
    let after = screen(http).unwrap();
    let frames = status(http)["frames"].as_u64().unwrap() - frames_before;
    let presented = after["presented"].as_u64().unwrap() - before["presented"].as_u64().unwrap();
    eprintln!("{presented} frames presented while {frames} were sent; screen {after}");
    // Playing, not frozen: how many of them the page had time to show is the bench's figure
    // (a loaded machine presents fewer), so only a tenth of them is asked for.
    assert!(presented * 10 >= frames, "{presented} frames presented while {frames} were sent");
    assert!(after["current_time"].as_f64() > before["current_time"].as_f64(), "{before} -> {after}");
    // How long it takes is scripts/bench's to report (section 9), not a test's to bound.
    let latency = after["screen_latency_ms"].as_f64().expect("the page measures the latency to the screen");
    assert!(latency > 0.0, "capture to screen {latency} ms");

    // The sender restarts at another size: the page starts again on the new stream.
    first.signal("TERM");
    first.wait(10);
    let _second = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("Chromium presenting the new stream at 320x240", 30, || {
        screen(http).is_some_and(|v| v["width"] == 320 && v["height"] == 240)
    });
    let restarted = screen(http).unwrap()["presented"].as_u64().unwrap();
    wait_until("frames presented after the restart", 20, || {
        screen(http).unwrap()["presented"].as_u64().unwrap() > restarted + 30
    });
}

#[test]
fn chromium_draws_mjpeg_on_its_canvas_with_the_latency_to_the_screen_and_after_a_restart() {
    need_tool("chromium", "chromium");
    let profile = TempDir::new("chromium-mjpeg-profile");
    let (_recv, port, http) = http_receiver(&[], &[]);
    let mut first = sender(port, &["--codec", "h264", "--fps", "30", "--width", "640", "--height", "480"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    // ?mjpeg: the page reads /stream.mjpg itself, decodes each JPEG and draws it on its <canvas>.
    let _chromium = chromium(http, &profile, "/?mjpeg");
    wait_until("Chromium drawing pictures at 640x480", 30, || {
        screen_of(http, "mjpeg")
            .is_some_and(|v| v["presented"].as_u64() > Some(30) && v["width"] == 640 && v["height"] == 480)
    });
    let s = status(http);
    assert_eq!((s["viewers_h264"].as_u64(), s["viewers_mjpeg"].as_u64()), (Some(0), Some(1)), "{s}");
    assert!(s["jpeg_encoded"].as_u64() > Some(0), "the MJPEG page is sent JPEG: {s}");

    // Pictures keep being drawn, each timed from its X-Timestamp to the next animation frame.
    let before = screen_of(http, "mjpeg").unwrap();
    wait_until("more pictures drawn", 10, || {
        screen_of(http, "mjpeg").unwrap()["presented"].as_u64() > Some(before["presented"].as_u64().unwrap() + 30)
    });
    let after = screen_of(http, "mjpeg").unwrap();
    eprintln!("screen {after}");
    let latency = after["screen_latency_ms"].as_f64().expect("the page measures the latency to the screen");
    let p99 = after["screen_latency_p99_ms"].as_f64().expect("and its 99th percentile");
    // How long it takes is scripts/bench's to report (section 9), not a test's to bound.
    assert!(latency > 0.0 && latency <= p99, "capture to screen p50 {latency} p99 {p99} ms");

    // The sender restarts at another size: the same stream goes on, the canvas takes the new size.
    first.signal("TERM");
    first.wait(10);
    let _second = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("Chromium drawing the new stream at 320x240", 30, || {
        screen_of(http, "mjpeg").is_some_and(|v| v["width"] == 320 && v["height"] == 240)
    });
    let restarted = screen_of(http, "mjpeg").unwrap()["presented"].as_u64().unwrap();
    wait_until("pictures drawn after the restart", 20, || {
        screen_of(http, "mjpeg").unwrap()["presented"].as_u64().unwrap() > restarted + 30
    });
}

#[test]
fn a_browser_with_managed_media_source_and_no_media_source_plays_h264_through_it() {
    let profile = TempDir::new("chromium-mms-profile");
    let (_recv, port, http) = http_receiver(&[], &[]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    // iPhone Safari's shape (iOS 17.1 and later): ManagedMediaSource, no MediaSource. Chromium's
    // own MediaSource stands in under the other name, counting the sources the page makes.
    let mut page = Browser::open("about:blank", &profile, (800, 600));
    let safari = "window.managedSources = 0; \
                  window.ManagedMediaSource = class extends MediaSource { \
                    constructor() { super(); window.managedSources += 1; } }; \
                  delete window.MediaSource;";
    page.call("Page.enable", serde_json::json!({}));
    page.call("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": safari }));
    page.call("Page.navigate", serde_json::json!({ "url": format!("http://127.0.0.1:{http}/?via=mse") }));
    wait_until("Chromium presenting frames through ManagedMediaSource", 30, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(10) && v["width"] == 320)
    });
    let shape =
        page.eval("[typeof MediaSource, window.managedSources, document.querySelector('video').disableRemotePlayback]");
    assert_eq!(shape, serde_json::json!(["undefined", 1, true]), "the page played through ManagedMediaSource");
}
