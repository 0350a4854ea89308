//! `cam-recv --http` over WebRTC (WHEP, RFC 9725): headless Chromium plays
//! the H.264 as sent, and the endpoint holds up against offers that are
//! absurd or never finish ICE.

use std::process::Command;

use camwire_testsupport::*;

fn status(http: u16) -> serde_json::Value {
    status_json(http)
}

/// The first WebRTC viewer in `/status`'s list, once its page reports a screen.
fn screen(http: u16) -> Option<serde_json::Value> {
    let s = status(http);
    s["viewer_list"].as_array()?.iter().find(|v| v["mode"] == "webrtc" && v["presented"].is_u64()).cloned()
}

/// WebRTC viewers in `/status`'s list.
fn webrtc_viewers(http: u16) -> usize {
    let s = status(http);
    s["viewer_list"].as_array().map_or(0, |l| l.iter().filter(|v| v["mode"] == "webrtc").count())
}

/// `/cam/NAME/status` of camera `name`.
fn camera_status(http: u16, name: &str) -> serde_json::Value {
    let r = http_get(http, &format!("/cam/{name}/status"));
    serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null)
}

/// Headless Chromium showing `path` of the web view on `http`.
fn chromium(http: u16, profile: &TempDir, path: &str) -> Proc {
    need_tool("chromium", "chromium");
    Proc::spawn(
        Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .args(["--autoplay-policy=no-user-gesture-required", "--window-size=800,600"])
            // The receiver's candidate is the address the page came from: loopback here.
            .arg("--allow-loopback-in-peer-connection")
            .arg(format!("--user-data-dir={}", profile.0.display()))
            .arg(format!("http://127.0.0.1:{http}{path}")),
    )
}

const PLAYOUT_DELAY: &str = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

/// An SDP offer as a browser makes it: one video to receive, H.264 in the usual profiles,
/// the playout-delay header extension among those it takes (Chromium's id for it).
fn offer() -> String {
    let fingerprint = (0..32).map(|i| format!("{:02X}", i * 7 % 256)).collect::<Vec<_>>().join(":");
    let mut sdp = String::from(
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n\
         a=msid-semantic: WMS\r\nm=video 9 UDP/TLS/RTP/SAVPF 102 106 127 112\r\nc=IN IP4 0.0.0.0\r\n\
         a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:t3st\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n",
    );
    sdp += &format!("a=fingerprint:sha-256 {fingerprint}\r\n");
    sdp += "a=setup:actpass\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n";
    sdp += &format!("a=extmap:6 {PLAYOUT_DELAY}\r\n");
    for (pt, plid) in [(102, "42001f"), (106, "42e01f"), (127, "4d001f"), (112, "64001f")] {
        sdp += &format!(
            "a=rtpmap:{pt} H264/90000\r\na=rtcp-fb:{pt} nack\r\na=rtcp-fb:{pt} nack pli\r\n\
             a=fmtp:{pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id={plid}\r\n"
        );
    }
    sdp
}

fn post_offer(http: u16, path: &str, sdp: &str) -> HttpResponse {
    http_send(http, "POST", path, "application/sdp", sdp.as_bytes())
}

#[test]
fn chromium_plays_h264_over_whep_at_the_sent_size_with_the_test_pattern_and_latency() {
    let profile = TempDir::new("chromium-webrtc-profile");
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "640", "--height", "480"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let _chromium = chromium(http, &profile, "/?via=webrtc&probe");
    wait_until("Chromium presenting frames over WebRTC at 640x480", 60, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(30) && v["width"] == 640 && v["height"] == 480)
    });
    let s = status(http);
    assert_eq!((s["viewers_h264"].as_u64(), s["viewers_mjpeg"].as_u64()), (Some(0), Some(0)), "{s}");
    assert_eq!(s["jpeg_encoded"], 0, "WebRTC sends the H.264 as it came: no JPEG made ({s})");

    // Frames keep coming.
    let before = screen(http).unwrap();
    let (frames_before, decoded_before) =
        (status(http)["frames"].as_u64().unwrap(), status(http)["h264_decoded"].clone());
    wait_until("60 more frames sent", 20, || status(http)["frames"].as_u64().unwrap() >= frames_before + 60);
    wait_until("the page's next report", 5, || screen(http).unwrap()["presented"] != before["presented"]);
    let after = screen(http).unwrap();
    assert_eq!(status(http)["h264_decoded"], decoded_before, "nothing is decoded here for a WebRTC viewer");
    let frames = status(http)["frames"].as_u64().unwrap() - frames_before;
    let presented = after["presented"].as_u64().unwrap() - before["presented"].as_u64().unwrap();
    eprintln!("{presented} frames presented while {frames} were sent; screen {after}");
    // Playing, not frozen: how many of them the page had time to show is the bench's figure
    // (a loaded machine presents fewer), so only a tenth of them is asked for.
    assert!(presented * 10 >= frames, "{presented} frames presented while {frames} were sent");
    let latency = after["screen_latency_ms"].as_f64().expect("the page measures the latency to the screen");
    // A figure, not an absurd one (its size is the bench's: scripts/bench, "browser").
    assert!(latency > 0.0 && latency < 60_000.0, "capture to screen {latency} ms");

    // The picture is the test pattern: its mean colour as Chromium decoded it is the receiver's own
    // decode of the stream (the bars scroll, so only roughly).
    let probe: Vec<f64> =
        after["probe"].as_array().expect("the page's probe").iter().map(|c| c.as_f64().unwrap()).collect();
    let snapshot = http_get(http, "/snapshot.jpg");
    assert_eq!(snapshot.status, 200);
    let snapshot = Rgb::from_jpeg(&snapshot.body);
    let mean = snapshot.mean(0, 0, snapshot.width, snapshot.height);
    let distance = colour_distance([probe[0], probe[1], probe[2]], mean);
    eprintln!("mean colour: Chromium {probe:?}, receiver {mean:.1?}");
    assert!(probe.iter().all(|c| *c > 40.0), "the bars are on screen: mean colour {probe:?}");
    assert!(distance < 30.0, "Chromium shows {probe:?}, the stream is {mean:.1?}");
}

#[test]
fn whep_answers_deletes_and_refuses_as_rfc_9725_says() {
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");

    let options = http_send(http, "OPTIONS", "/whep", "", b"");
    assert_eq!(options.status, 204);
    assert!(options.header("allow").is_some_and(|a| a.contains("POST")), "{:?}", options.headers);
    assert_eq!(options.header("accept-post"), Some("application/sdp"));

    let answer = post_offer(http, "/whep", &offer());
    assert_eq!(answer.status, 201, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.header("content-type"), Some("application/sdp"));
    let sdp = String::from_utf8(answer.body.clone()).unwrap();
    assert!(sdp.contains("a=ice-lite"), "{sdp}");
    assert!(sdp.contains("a=sendonly"), "{sdp}");
    assert!(sdp.contains("typ host"), "the receiver's host candidate is in the answer: {sdp}");
    assert!(sdp.contains("packetization-mode=1"), "{sdp}");
    // Every frame asks the browser for no playout delay (at most --webrtc-playout-delay's 500 ms).
    assert!(sdp.contains(&format!("a=extmap:6 {PLAYOUT_DELAY}\r\n")), "{sdp}");
    let location = answer.header("location").expect("the session's URL").to_string();
    assert!(location.starts_with("/whep/"), "{location}");
    assert_eq!(webrtc_viewers(http), 1, "{}", status(http));

    assert_eq!(http_send(http, "PATCH", &location, "application/trickle-ice-sdpfrag", b"a=x\r\n").status, 405);
    assert_eq!(http_send(http, "DELETE", &location, "", b"").status, 200);
    wait_until("the session freed", 10, || webrtc_viewers(http) == 0 && status(http)["viewers"] == 0);
    assert_eq!(http_send(http, "DELETE", &location, "", b"").status, 404, "a session ends once");

    // Bad offers: each one clear line, nothing kept.
    let wrong_type = http_send(http, "POST", "/whep", "text/plain", offer().as_bytes());
    assert_eq!(wrong_type.status, 415);
    let absurd = post_offer(http, "/whep", "v=0\r\nm=nonsense\r\n");
    assert_eq!(absurd.status, 400, "{}", String::from_utf8_lossy(&absurd.body));
    assert!(String::from_utf8_lossy(&absurd.body).starts_with("400: not a usable SDP offer"));
    let vp8_only = offer().replace("H264/90000", "VP8/90000");
    let refused = post_offer(http, "/whep", &vp8_only);
    assert_eq!(refused.status, 406, "{}", String::from_utf8_lossy(&refused.body));
    let huge = post_offer(http, "/whep", &"a=x\r\n".repeat(20_000));
    assert_eq!(huge.status, 413);
    assert_eq!(webrtc_viewers(http), 0, "{}", status(http));
}

#[test]
fn a_session_ends_only_through_its_own_cameras_whep_url() {
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let h264 = ["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"];
    let _a = sender(port, &[&["--name", "a"][..], &h264].concat());
    let _b = sender(port, &[&["--name", "b"][..], &h264].concat());
    wait_until("both cameras streaming H.264", 20, || {
        ["a", "b"].iter().all(|c| camera_status(http, c)["kind"] == "h264")
    });
    let answer = post_offer(http, "/cam/b/whep", &offer());
    assert_eq!(answer.status, 201, "{}", String::from_utf8_lossy(&answer.body));
    let location = answer.header("location").expect("the session's URL").to_string();
    let id = location.strip_prefix("/cam/b/whep/").expect("under camera b's endpoint");
    for elsewhere in [format!("/cam/a/whep/{id}"), format!("/whep/{id}")] {
        assert_eq!(http_send(http, "DELETE", &elsewhere, "", b"").status, 404, "{elsewhere}");
    }
    let sessions = || {
        let s = camera_status(http, "b");
        s["viewer_list"].as_array().map_or(0, |l| l.iter().filter(|v| v["mode"] == "webrtc").count())
    };
    assert_eq!(sessions(), 1, "camera b's session is still open: {}", camera_status(http, "b"));
    assert_eq!(http_send(http, "DELETE", &location, "", b"").status, 200);
    wait_until("the session freed", 10, || sessions() == 0);
}

#[test]
fn webrtc_playout_delay_browser_leaves_the_delay_to_the_browser() {
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0", "--webrtc-playout-delay", "browser"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let answer = post_offer(http, "/whep", &offer());
    assert_eq!(answer.status, 201, "{}", String::from_utf8_lossy(&answer.body));
    let sdp = String::from_utf8(answer.body).unwrap();
    assert!(!sdp.contains(PLAYOUT_DELAY), "{sdp}");
}

#[test]
fn a_jpeg_camera_is_refused_with_a_clear_message_when_webrtc_transcode_is_off() {
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0", "--webrtc-transcode", "off"]);
    let _send = sender(port, &["--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the JPEG stream", 20, || status(http)["kind"] == "jpeg");
    let r = post_offer(http, "/whep", &offer());
    let body = String::from_utf8_lossy(&r.body);
    assert_eq!(r.status, 409, "{body}");
    assert!(body.contains("--webrtc-transcode off") && body.contains("/stream.mjpg"), "{body}");
    assert_eq!(status(http)["webrtc_encoder"]["started"], 0, "nothing encoded: {}", status(http));
}

#[test]
fn a_flood_of_offers_from_one_address_is_bounded_and_the_viewer_still_plays() {
    let profile = TempDir::new("chromium-webrtc-flood");
    let (recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    // The page as a user opens it: WebRTC is its first choice.
    let _chromium = chromium(http, &profile, "/");
    wait_until("Chromium presenting frames over WebRTC", 60, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(30))
    });

    // Absurd offers: refused, nothing kept.
    for junk in ["", "v=0", "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n", &"\u{0}".repeat(1000)] {
        assert_eq!(post_offer(http, "/whep", junk).status, 400);
    }
    // Offers that never go on to ICE: a few are answered, then the address is at its limit.
    let codes: Vec<u16> = (0..20).map(|_| post_offer(http, "/whep", &offer()).status).collect();
    let answered = codes.iter().filter(|c| **c == 201).count();
    eprintln!("20 offers from one address: {codes:?}");
    // Eight sessions per address, Chromium's among them.
    assert_eq!(answered, 7, "{codes:?}");
    assert!(codes[7..].iter().all(|c| *c == 429), "{codes:?}");
    let rss_flooded = proc_status_kib(recv.pid(), "VmRSS");

    // The viewer still plays through it.
    let before = screen(http).unwrap()["presented"].as_u64().unwrap();
    wait_until("frames presented during the flood", 20, || {
        screen(http).unwrap()["presented"].as_u64().unwrap() > before + 30
    });
    // The sessions that never connected are dropped; the viewer stays.
    wait_until("the sessions that never connected dropped", 40, || webrtc_viewers(http) == 1);
    assert_eq!(post_offer(http, "/whep", &offer()).status, 201, "room again once they are gone");
    eprintln!("receiver resident memory after the flood: {rss_flooded} KiB");
}

#[test]
fn a_viewer_that_vanishes_is_dropped_once_its_consent_checks_stop() {
    let profile = TempDir::new("chromium-webrtc-vanish");
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let chromium = chromium(http, &profile, "/?via=webrtc");
    wait_until("Chromium presenting frames over WebRTC", 60, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(10))
    });
    // Gone without a word (no DELETE, no DTLS close): only the missing consent checks tell.
    chromium.signal("KILL");
    // ICE notices first (str0m's agent hears no checks), the 30 s consent timer is the backstop.
    wait_until("the vanished viewer's session ended", 60, || webrtc_viewers(http) == 0 && status(http)["viewers"] == 0);
}

/// The JPEG camera's H.264 encoder for WebRTC viewers, as `/status` reports it.
fn encoder(http: u16) -> serde_json::Value {
    status(http)["webrtc_encoder"].clone()
}

#[test]
fn chromium_plays_a_jpeg_camera_over_whep_through_one_shared_encoder_that_stops_when_its_viewers_leave() {
    let profile = TempDir::new("chromium-webrtc-jpeg");
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let _send = sender(port, &["--fps", "30", "--width", "640", "--height", "480"]);
    wait_until("the JPEG stream", 20, || status(http)["kind"] == "jpeg");
    assert_eq!(encoder(http)["running"], false, "no encoder before a WebRTC viewer: {}", status(http));

    let chromium = chromium(http, &profile, "/?via=webrtc&probe");
    wait_until("Chromium presenting the JPEG camera over WebRTC at 640x480", 60, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(30) && v["width"] == 640 && v["height"] == 480)
    });
    let e = encoder(http);
    assert_eq!((e["running"].as_bool(), e["started"].as_u64()), (Some(true), Some(1)), "{e}");

    // Frames keep coming, and they are the camera's: the page's mean colour is the JPEG's.
    let before = screen(http).unwrap();
    wait_until("frames presented and encoded", 30, || {
        screen(http).unwrap()["presented"].as_u64() > Some(before["presented"].as_u64().unwrap() + 30)
    });
    let after = screen(http).unwrap();
    let probe: Vec<f64> =
        after["probe"].as_array().expect("the page's probe").iter().map(|c| c.as_f64().unwrap()).collect();
    let snapshot = http_get(http, "/snapshot.jpg");
    assert_eq!(snapshot.status, 200);
    let snapshot = Rgb::from_jpeg(&snapshot.body);
    let mean = snapshot.mean(0, 0, snapshot.width, snapshot.height);
    eprintln!(
        "mean colour: Chromium {probe:?}, the camera's JPEG {mean:.1?}; encoder {}; capture to screen {} ms",
        encoder(http),
        after["screen_latency_ms"]
    );
    assert!(after["screen_latency_ms"].as_f64().is_some(), "the page times the encoded frames too: {after}");
    assert!(probe.iter().all(|c| *c > 40.0), "the bars are on screen: mean colour {probe:?}");
    assert!(
        colour_distance([probe[0], probe[1], probe[2]], mean) < 30.0,
        "Chromium shows {probe:?}, the camera {mean:.1?}"
    );

    // A second viewer shares the running encoder.
    let second = post_offer(http, "/whep", &offer());
    assert_eq!(second.status, 201, "{}", String::from_utf8_lossy(&second.body));
    assert_eq!(webrtc_viewers(http), 2, "{}", status(http));
    let e = encoder(http);
    assert_eq!((e["running"].as_bool(), e["started"].as_u64()), (Some(true), Some(1)), "one encoder for both: {e}");

    // One leaves: the encoder runs on for the other; both gone: it stops.
    let location = second.header("location").unwrap().to_string();
    assert_eq!(http_send(http, "DELETE", &location, "", b"").status, 200);
    wait_until("the second session freed", 10, || webrtc_viewers(http) == 1);
    assert_eq!(encoder(http)["running"], true, "{}", status(http));
    chromium.signal("KILL");
    wait_until("the encoder stopped with its last viewer gone", 60, || {
        webrtc_viewers(http) == 0 && encoder(http)["running"] == false
    });
    let e = encoder(http);
    assert_eq!(e["started"], 1, "{e}");
    let encoded = e["encoded"].as_u64().unwrap();
    // Stopped means stopped: nothing more is encoded while the camera streams on.
    let frames = status(http)["frames"].as_u64().unwrap();
    wait_until("30 more frames from the camera", 20, || status(http)["frames"].as_u64().unwrap() >= frames + 30);
    assert_eq!(encoder(http)["encoded"].as_u64(), Some(encoded), "{}", status(http));
}

#[test]
fn an_offer_for_a_jpeg_camera_past_the_viewer_limit_starts_no_encoder() {
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0", "--max-viewers", "1"]);
    let _send = sender(port, &["--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the JPEG stream", 20, || status(http)["kind"] == "jpeg");
    // The one place, held by an MJPEG viewer.
    let (code, _, _mjpeg) = http_open(http, "/stream.mjpg");
    assert_eq!(code, 200);
    wait_until("the MJPEG viewer counted", 10, || status(http)["viewers"] == 1);
    let r = post_offer(http, "/whep", &offer());
    assert_eq!(r.status, 503, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(status(http)["webrtc_encoder"]["started"], 0, "refused before an encoder started: {}", status(http));
}

#[test]
fn a_cameras_webrtc_transcode_in_the_config_file_overrides_the_command_line() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("webrtc-transcode-config");
    let mut tables = String::new();
    for (name, transcode) in [("a", false), ("b", true)] {
        let secret = dir.path(&format!("{name}.secret"));
        std::fs::write(&secret, format!("c2VjcmV0IG9mIGNhbWVyYSB7bmFtZX0sIGZvciB0ZXN0cw{name}\n")).unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        tables += &format!("[camera.{name}]\nsecret-file = {secret:?}\nwebrtc-transcode = {transcode}\n");
    }
    let file = dir.path("cam.toml");
    std::fs::write(&file, tables).unwrap();
    let file = file.to_str().unwrap();
    let (recv, port, http) = http_receiver(&[], &["--config", file, "--webrtc-port", "0", "--webrtc-transcode", "off"]);
    let mut senders = Vec::new();
    for name in ["a", "b"] {
        let secret = dir.path(&format!("{name}.secret"));
        let own = ["--name", name, "--secret-file", secret.to_str().unwrap(), "--width", "320", "--height", "240"];
        senders.push(sender(port, &own));
        recv.wait_for(&format!("camera {name}"), 10);
    }
    let kind = |name: &str| {
        let r = http_get(http, &format!("/cam/{name}/status"));
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["kind"].clone()
    };
    wait_until("both JPEG streams", 20, || kind("a") == "jpeg" && kind("b") == "jpeg");
    let a = post_offer(http, "/cam/a/whep", &offer());
    let body = String::from_utf8_lossy(&a.body);
    assert_eq!(a.status, 409, "{body}");
    assert!(body.contains(&format!("webrtc-transcode = false in [camera.a] of {file}")), "{body}");
    let b = post_offer(http, "/cam/b/whep", &offer());
    assert_eq!(b.status, 201, "camera b's own setting wins: {}", String::from_utf8_lossy(&b.body));
}

/// coturn's `turnserver` answering STUN only, on a free loopback UDP port: (server, its port).
fn stun_server(dir: &TempDir) -> (Proc, u16) {
    need_tool("turnserver", "coturn");
    let port = loop {
        let port = free_port();
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            break port;
        }
    };
    let server = Proc::spawn(
        Command::new("turnserver")
            .args(["--stun-only", "-L", "127.0.0.1", "--listening-port", &port.to_string()])
            .args(["--no-cli", "--no-tls", "--no-dtls", "-n", "--verbose", "--log-file", "stdout"])
            .arg("--userdb")
            .arg(dir.path("turndb"))
            .arg("--pidfile")
            .arg(dir.path("turnserver.pid")),
    );
    server.wait_for("UDP listener opened on", 20);
    (server, port)
}

/// The UDP port the receiver's WebRTC sessions use, from its log.
fn webrtc_port(recv: &Proc) -> u16 {
    printed_port(&recv.wait_for("WebRTC (WHEP) on UDP port", 10), "UDP port ")
}

/// With `recv` (frame port `port`, web view `http`) asking the STUN server `stun`: checks that
/// its log gives the server's answer, streams H.264 into it and offers to `/whep`. Returns the
/// sender (to keep it streaming), the WebRTC port and the SDP answer (a 201).
fn answer_with_stun(recv: &Proc, port: u16, http: u16, stun: &str) -> (Proc, u16, String) {
    let udp = webrtc_port(recv);
    // Without NAT the server sees the port as it is.
    let line = recv.wait_for("sees this receiver at", 20);
    assert!(line.contains(&format!("the STUN server {stun} sees this receiver at 127.0.0.1:{udp}")), "{line}");
    let send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let answer = post_offer(http, "/whep", &offer());
    let sdp = String::from_utf8_lossy(&answer.body).to_string();
    assert_eq!(answer.status, 201, "{sdp}");
    (send, udp, sdp)
}

#[test]
fn the_answer_offers_the_address_a_stun_server_reports_and_the_public_ip() {
    let dir = TempDir::new("webrtc-stun");
    let (_stun, stun_port) = stun_server(&dir);
    let stun = format!("127.0.0.1:{stun_port}");
    let (recv, port, http) =
        http_receiver(&[], &["--webrtc-port", "0", "--webrtc-stun", &stun, "--webrtc-public-ip", "192.0.2.7"]);
    let (_send, udp, sdp) = answer_with_stun(&recv, port, http, &stun);
    let candidates: Vec<&str> = sdp.lines().filter(|l| l.starts_with("a=candidate:")).collect();
    eprintln!("{candidates:#?}");
    let has = |what: &str| candidates.iter().any(|c| c.contains(what));
    assert!(has(&format!("udp 2130706175 127.0.0.1 {udp} typ host")), "{sdp}");
    assert!(has(&format!(" 127.0.0.1 {udp} typ srflx ")), "the STUN server's: {sdp}");
    assert!(has(&format!(" 192.0.2.7 {udp} typ srflx ")), "--webrtc-public-ip: {sdp}");
}

#[test]
fn the_config_files_webrtc_table_gives_the_stun_server_and_the_public_ip() {
    let dir = TempDir::new("webrtc-stun-file");
    let (_stun, stun_port) = stun_server(&dir);
    let stun = format!("127.0.0.1:{stun_port}");
    let file = dir.path("cam.toml");
    std::fs::write(&file, format!("[webrtc]\npublic-ip = \"192.0.2.8\"\nstun = \"{stun}\"\n")).unwrap();
    let file = file.to_str().unwrap();
    // Said twice, on the command line and in the file: one line, which to keep.
    let (code, err) = one_line_error("cam-recv", &["--config", file, "--http", "127.0.0.1:0", "--webrtc-stun", &stun]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--webrtc-stun and the config file's [webrtc] stun both name a STUN server: keep one"));

    let (recv, port, http) = http_receiver(&[], &["--config", file, "--webrtc-port", "0"]);
    let (_send, udp, sdp) = answer_with_stun(&recv, port, http, &stun);
    assert!(sdp.contains(&format!(" 127.0.0.1 {udp} typ srflx ")), "the STUN server's: {sdp}");
    assert!(sdp.contains(&format!(" 192.0.2.8 {udp} typ srflx ")), "[webrtc] public-ip: {sdp}");

    // The port and its addresses are set at start: a changed [webrtc] on SIGHUP is one line,
    // and the running configuration stays.
    std::fs::write(file, format!("[webrtc]\npublic-ip = \"192.0.2.9\"\nstun = \"{stun}\"\n")).unwrap();
    recv.signal("HUP");
    let line = recv.wait_for("[webrtc] changed", 10);
    assert!(line.contains("restart cam-recv"), "{line}");
    let again = String::from_utf8_lossy(&post_offer(http, "/whep", &offer()).body).to_string();
    assert!(again.contains(" 192.0.2.8 ") && !again.contains(" 192.0.2.9 "), "{again}");
}

#[test]
fn a_stun_server_that_does_not_answer_is_one_warning_and_viewers_still_play() {
    let profile = TempDir::new("chromium-webrtc-no-stun");
    // A port nothing answers on.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let stun = silent.local_addr().unwrap().to_string();
    let (recv, port, http) = http_receiver(&[], &["--webrtc-port", "0", "--webrtc-stun", &stun]);
    let line = recv.wait_for("did not answer", 20);
    assert!(line.contains("WARN") && line.contains(&stun) && line.contains("--webrtc-stun"), "{line}");
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let answer = post_offer(http, "/whep", &offer());
    let sdp = String::from_utf8_lossy(&answer.body).to_string();
    assert_eq!(answer.status, 201, "{sdp}");
    assert!(sdp.contains("typ host") && !sdp.contains("typ srflx"), "{sdp}");
    let _chromium = chromium(http, &profile, "/?via=webrtc");
    wait_until("Chromium presenting frames over WebRTC", 60, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(10))
    });
    let stun_lines = count(&recv.err(), "STUN") + count(&recv.out(), "STUN");
    assert_eq!(stun_lines, 1, "one line about the STUN server: {:?}", recv.err());
}

#[test]
fn playback_over_whep_survives_a_sender_restart_and_a_size_change() {
    let profile = TempDir::new("chromium-webrtc-restart");
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "640", "--height", "480"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let _chromium = chromium(http, &profile, "/?via=webrtc");
    wait_until("Chromium presenting frames over WebRTC at 640x480", 60, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(10) && v["width"] == 640)
    });

    // The camera goes away and comes back at another size; the page is not reloaded.
    drop(send);
    wait_until("the sender gone", 20, || status(http)["sender_connected"] == false);
    let before = screen(http).unwrap()["presented"].as_u64().unwrap();
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    let after = poll_until("Chromium presenting the new stream at 320x240", 60, || {
        screen(http).filter(|v| v["width"] == 320 && v["height"] == 240 && v["presented"].as_u64() > Some(before + 30))
    });
    eprintln!("after the restart: {after}");
    // The same page's count went on (a reloaded page counts from 0 again), over WebRTC still.
    assert_eq!(webrtc_viewers(http), 1, "{}", status(http));
}

/// An offer that is an SDP offer in form but absurd in content.
fn absurd_offers() -> Vec<(&'static str, Vec<u8>)> {
    let browser = offer();
    let head = browser.split("m=video").next().unwrap().to_string();
    let video = format!("m=video{}", browser.split("m=video").nth(1).unwrap());
    vec![
        ("garbage bytes", (0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect()),
        ("not UTF-8", b"v=0\r\n\xff\xfe\r\n".to_vec()),
        ("no media at all", head.clone().into_bytes()),
        ("VP8 only", browser.replace("H264/90000", "VP8/90000").into_bytes()),
        ("audio only", browser.replace("m=video", "m=audio").replace("H264/90000", "opus/48000/2").into_bytes()),
        (
            "H.264 without packetization-mode 1",
            browser.replace("packetization-mode=1", "packetization-mode=0").into_bytes(),
        ),
        // Just under the 64 KiB limit: hundreds of video sections.
        ("hundreds of media sections", {
            let n = 60 * 1024 / (video.len() + 4);
            let mids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let mut sdp = head.replace("a=group:BUNDLE 0", &format!("a=group:BUNDLE {}", mids.join(" ")));
            for mid in &mids {
                sdp += &video.replace("a=mid:0", &format!("a=mid:{mid}"));
            }
            sdp.into_bytes()
        }),
        // Thousands of payload types in one section.
        ("thousands of codecs", {
            let mut sdp = browser.clone();
            let mut pt = 0u32;
            while sdp.len() < 60 * 1024 {
                sdp += &format!("a=rtpmap:{} VP9/90000\r\na=fmtp:{} profile-id={pt}\r\n", 96 + pt % 32, 96 + pt % 32);
                pt += 1;
            }
            sdp.into_bytes()
        }),
        ("over 64 KiB", "a=x\r\n".repeat(20_000).into_bytes()),
    ]
}

#[test]
fn absurd_offers_get_a_4xx_line_and_leave_nothing_behind() {
    let (recv, port, http) = http_receiver(&[], &["--webrtc-port", "0"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    for (what, sdp) in absurd_offers() {
        let r = http_send(http, "POST", "/whep", "application/sdp", &sdp);
        let body = String::from_utf8_lossy(&r.body);
        eprintln!("{what}: {} {}", r.status, body.trim());
        assert!((400..500).contains(&r.status), "{what}: {} {body}", r.status);
        assert_eq!(body.lines().count(), 1, "{what}: one line: {body}");
        assert!(body.starts_with(&r.status.to_string()), "{what}: {body}");
    }
    assert_eq!(webrtc_viewers(http), 0, "{}", status(http));
    assert_eq!(status(http)["viewers"], 0, "{}", status(http));

    // Many more of them, from many addresses: refused alike, and memory stays where it was.
    let rss_before = proc_status_kib(recv.pid(), "VmRSS");
    let offers = absurd_offers();
    for i in 0..300 {
        let (what, sdp) = &offers[i % offers.len()];
        let r = http_send_from(i, http, "POST", "/whep", "application/sdp", sdp);
        assert!((400..500).contains(&r.status), "{what}: {}", r.status);
    }
    let rss_after = proc_status_kib(recv.pid(), "VmRSS");
    eprintln!("receiver resident memory: {rss_before} KiB before 300 absurd offers, {rss_after} KiB after");
    assert_eq!(webrtc_viewers(http), 0, "{}", status(http));
    assert_eq!(status(http)["viewers"], 0, "{}", status(http));
    // Generous: what 300 leaked sessions or offers would hold shows well above it.
    assert!(rss_after < rss_before + 32 * 1024, "{rss_before} KiB before, {rss_after} KiB after");
}

#[test]
fn a_viewer_takes_the_place_of_a_flood_of_sessions_that_hold_every_place() {
    let (_recv, port, http) = http_receiver(&[], &["--webrtc-port", "0", "--max-viewers", "8"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    // One address takes every place with sessions that never go on to ICE.
    for _ in 0..8 {
        let r = http_send_from(0, http, "POST", "/whep", "application/sdp", offer().as_bytes());
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    }
    assert_eq!(webrtc_viewers(http), 8);
    // A viewer from another address ends that address's oldest session, as for the other streams.
    let r = post_offer(http, "/whep", &offer());
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    wait_until("the flood's oldest session ended for it", 10, || {
        webrtc_viewers(http) == 8 && status(http)["viewers"] == 8
    });
}

#[test]
fn sessions_that_never_finish_ice_from_many_addresses_are_bounded_and_dropped_while_the_viewer_plays() {
    let profile = TempDir::new("chromium-webrtc-many");
    let (recv, port, http) = http_receiver(&[], &["--webrtc-port", "0", "--max-viewers", "24"]);
    let _send = sender(port, &["--codec", "h264", "--fps", "30", "--width", "320", "--height", "240"]);
    wait_until("the H.264 stream", 20, || status(http)["kind"] == "h264");
    let _chromium = chromium(http, &profile, "/?via=webrtc");
    wait_until("Chromium presenting frames over WebRTC", 60, || {
        screen(http).is_some_and(|v| v["presented"].as_u64() > Some(10))
    });
    let rss_before = proc_status_kib(recv.pid(), "VmRSS");

    // An offer from each of 60 addresses: the places fill, then each new one is refused.
    let codes: Vec<u16> = (0..60)
        .map(|i| http_send_from(i, http, "POST", "/whep", "application/sdp", offer().as_bytes()).status)
        .collect();
    let answered = codes.iter().filter(|c| **c == 201).count();
    eprintln!("60 offers from 60 addresses: {codes:?}");
    assert_eq!(answered, 23, "every place but Chromium's: {codes:?}");
    assert!(codes.iter().all(|c| [201, 503].contains(c)), "{codes:?}");
    assert_eq!(webrtc_viewers(http), 24, "{}", status(http));
    let rss_flooded = proc_status_kib(recv.pid(), "VmRSS");

    // The viewer still plays through it.
    let before = screen(http).unwrap()["presented"].as_u64().unwrap();
    wait_until("frames presented during the flood", 20, || {
        screen(http).unwrap()["presented"].as_u64().unwrap() > before + 30
    });
    // The sessions that never connected are dropped; the viewer stays.
    wait_until("the sessions that never connected dropped", 40, || webrtc_viewers(http) == 1);
    let rss_after = proc_status_kib(recv.pid(), "VmRSS");
    eprintln!("receiver resident memory: {rss_before} KiB, {rss_flooded} KiB flooded, {rss_after} KiB after");
    // Generous bounds: 23 sessions cost a few MiB; one that kept its memory would show in rss_after.
    assert!(rss_flooded < rss_before + 64 * 1024, "{rss_before} KiB before, {rss_flooded} KiB flooded");
    assert!(rss_after < rss_before + 32 * 1024, "{rss_before} KiB before, {rss_after} KiB after");
    let before = screen(http).unwrap()["presented"].as_u64().unwrap();
    wait_until("frames presented after the flood", 20, || {
        screen(http).unwrap()["presented"].as_u64().unwrap() > before + 30
    });
}
