//! `--publish` into a real media server: nginx with the RTMP module
//! (Debian's nginx and libnginx-mod-rtmp, `scripts/setup test`), started on
//! loopback with a configuration written here. ffprobe plays from the
//! server what cam-recv published.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use camwire_testsupport::*;

const RTMP_MODULE: &str = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

/// nginx with one RTMP application `live` (HLS on) on a free loopback port; stopped on drop.
struct Nginx {
    child: std::process::Child,
    dir: TempDir,
    port: u16,
}

impl Nginx {
    fn start() -> Nginx {
        need_tool("nginx", "nginx and libnginx-mod-rtmp");
        assert!(Path::new(RTMP_MODULE).exists(), "{RTMP_MODULE} is missing: install libnginx-mod-rtmp");
        let dir = TempDir::new("nginx");
        std::fs::create_dir_all(dir.path("hls")).unwrap();
        let port = free_port();
        let d = dir.0.display();
        let conf = format!(
            "load_module {RTMP_MODULE};\n\
             daemon off;\nmaster_process off;\nworker_processes 1;\n\
             pid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 64; }}\n\
             rtmp {{ server {{ listen 127.0.0.1:{port};\n\
               application live {{ live on; record off;\n\
                 hls on; hls_path {d}/hls; hls_fragment 1s; hls_playlist_length 6s; }} }} }}\n"
        );
        std::fs::write(dir.path("nginx.conf"), conf).unwrap();
        let mut n = Nginx { child: Nginx::spawn(&dir.0), dir, port };
        n.wait_listening();
        n
    }

    fn spawn(dir: &Path) -> std::process::Child {
        Command::new("nginx")
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx")
    }

    fn wait_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(self.dir.path("error.log")).unwrap_or_default();
                panic!("nginx exited with {status}:\n{log}");
            }
            assert!(Instant::now() < deadline, "nginx is not listening on {} after 10 s", self.port);
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn restart(&mut self) {
        self.stop();
        self.child = Nginx::spawn(&self.dir.0);
        self.wait_listening();
    }

    fn url(&self) -> String {
        format!("rtmp://127.0.0.1:{}/live/x", self.port)
    }

    fn hls(&self) -> PathBuf {
        self.dir.path("hls")
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What ffprobe sees at `input` (`key=value` lines), once it sees a video stream; panics after `secs`.
fn probe_until_video(input: &str, secs: u64) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let out = run(Command::new("timeout")
            .args(["10", "ffprobe", "-v", "error", "-select_streams", "v:0"])
            .args([
                "-show_entries",
                "stream=codec_name,width,height,r_frame_rate,avg_frame_rate",
                "-of",
                "default=nw=1",
            ])
            .arg(input));
        let lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
        if out.status.success() && lines.iter().any(|l| l.starts_with("codec_name=")) {
            return lines;
        }
        assert!(
            Instant::now() < deadline,
            "ffprobe {input} saw no video in {secs} s: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        thread::sleep(Duration::from_millis(200));
    }
}

fn value<'a>(lines: &'a [String], key: &str) -> &'a str {
    lines.iter().find_map(|l| l.strip_prefix(key)?.strip_prefix('=')).unwrap_or_else(|| panic!("no {key} in {lines:?}"))
}

/// The presentation times of the first `n` video packets ffprobe reads from `input`.
fn packet_times(input: &str, n: usize) -> Vec<f64> {
    let out = run(Command::new("timeout")
        .args(["10", "ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time"])
        .args(["-read_intervals", &format!("%+#{n}"), "-of", "csv=p=0", input]));
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().trim_end_matches(',').parse().ok()).collect()
}

/// ffprobe sees H.264 at 320x240 whose frames are 0.1 s apart, as sent.
fn assert_h264_320x240_at_10fps(input: &str, lines: &[String]) {
    assert_eq!(value(lines, "codec_name"), "h264", "{lines:?}");
    assert_eq!((value(lines, "width"), value(lines, "height")), ("320", "240"), "{lines:?}");
    let times = packet_times(input, 20);
    assert!(times.len() >= 10, "ffprobe read {times:?}");
    let mut gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let median = gaps[gaps.len() / 2];
    assert!((median - 0.1).abs() < 0.01, "frames {median} s apart, not 0.1 (10 fps): {times:?} {lines:?}");
}

fn publish_and_probe(codec: &str) {
    need_tool("ffprobe", "ffmpeg");
    let nginx = Nginx::start();
    let (recv, port) = receiver(&["--publish", &nginx.url()]);
    let _send = sender(port, &["--codec", codec, "--fps", "10", "--width", "320", "--height", "240", "--secs", "60"]);
    recv.wait_for("--publish: publishing to", 20);
    assert_h264_320x240_at_10fps(&nginx.url(), &probe_until_video(&nginx.url(), 30));
    // nginx's HLS output: a playlist whose segments ffprobe reads.
    let playlist = nginx.hls().join("x.m3u8");
    let deadline = Instant::now() + Duration::from_secs(20);
    let segment = loop {
        let text = std::fs::read_to_string(&playlist).unwrap_or_default();
        if let Some(name) = text.lines().find(|l| l.ends_with(".ts")) {
            break nginx.hls().join(name);
        }
        assert!(Instant::now() < deadline, "no HLS segment in {} after 20 s", playlist.display());
        thread::sleep(Duration::from_millis(100));
    };
    let seg = probe_until_video(segment.to_str().unwrap(), 5);
    assert_eq!(value(&seg, "codec_name"), "h264", "{seg:?}");
    assert_eq!((value(&seg, "width"), value(&seg, "height")), ("320", "240"), "{seg:?}");
    let hls = probe_until_video(playlist.to_str().unwrap(), 10);
    assert_eq!(value(&hls, "codec_name"), "h264", "{hls:?}");
}

#[test]
fn h264_is_published_to_nginx_rtmp_at_the_sent_size_and_rate_and_comes_out_as_hls() {
    publish_and_probe("h264");
}

#[test]
fn jpeg_is_encoded_to_h264_once_and_published() {
    publish_and_probe("jpeg");
}

#[test]
fn publishing_resumes_after_the_server_restarts() {
    need_tool("ffprobe", "ffmpeg");
    let mut nginx = Nginx::start();
    let (recv, port) = receiver(&["--publish", &nginx.url()]);
    let _send = sender(port, &["--codec", "h264", "--fps", "10", "--width", "320", "--height", "240", "--secs", "120"]);
    assert_h264_320x240_at_10fps(&nginx.url(), &probe_until_video(&nginx.url(), 30));
    nginx.restart();
    recv.wait_for("connection lost", 20);
    recv.wait_for_count("--publish: publishing to", 2, 30);
    assert_h264_320x240_at_10fps(&nginx.url(), &probe_until_video(&nginx.url(), 30));
}

#[test]
fn a_server_that_is_down_never_slows_the_other_sinks() {
    let dir = TempDir::new("publish-down");
    let file = dir.path("all.mkv");
    // Nothing listens on this port: ffmpeg fails, again and again.
    let url = format!("rtmp://127.0.0.1:{}/live/x", free_port());
    let (recv, port) = receiver(&["--publish", &url, "--verify", "--record", file.to_str().unwrap()]);
    let mut send = sender(port, &["--codec", "h264", "--fps", "30", "--frames", "90"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = recv.wait_for("summary:", 30);
    assert_eq!(field(&line, "frames"), "90", "{line}");
    assert_eq!(count(&recv.out(), " h264 ok"), 90);
    recv.wait_for("reconnecting in", 5);
}

#[test]
fn an_unknown_publish_scheme_is_refused_at_start() {
    let out = run(Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0", "--publish", "http://127.0.0.1/x"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use rtmp://"), "{out:?}");
}

/// A listening ffmpeg at `input` takes `--publish URL` and keeps 30 frames; ffprobe reads them back.
fn publish_to_a_listening_ffmpeg(input: &[&str], url: &str) {
    need_tool("ffmpeg", "ffmpeg");
    let dir = TempDir::new("publish-ffmpeg");
    let out = dir.path("got.mkv");
    let mut server = Proc::spawn(
        Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error"])
            .args(input)
            .args(["-c", "copy", "-frames:v", "30", "-f", "matroska"])
            .arg(&out),
    );
    let (recv, port) = receiver(&["--publish", url]);
    let _send = sender(port, &["--codec", "h264", "--fps", "10", "--width", "320", "--height", "240", "--secs", "60"]);
    recv.wait_for("--publish: publishing to", 20);
    let status = server.wait(30);
    assert!(status.success(), "ffmpeg at {url}: {:?}", server.err());
    let probe = probe_until_video(out.to_str().unwrap(), 5);
    assert_eq!(value(&probe, "codec_name"), "h264", "{probe:?}");
    assert_eq!((value(&probe, "width"), value(&probe, "height")), ("320", "240"), "{probe:?}");
    let times = packet_times(out.to_str().unwrap(), 30);
    assert!(times.len() >= 20, "{times:?}");
    let mut gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    assert!((gaps[gaps.len() / 2] - 0.1).abs() < 0.01, "{times:?}");
}

#[test]
fn rtsp_publishes_with_record_to_a_listening_server() {
    let url = format!("rtsp://127.0.0.1:{}/cam", free_port());
    publish_to_a_listening_ffmpeg(&["-rtsp_flags", "listen", "-i", &url], &url);
}

#[test]
fn srt_carries_mpeg_ts_to_a_listener() {
    let port = free_port();
    let listen = format!("srt://127.0.0.1:{port}?mode=listener");
    publish_to_a_listening_ffmpeg(&["-f", "mpegts", "-i", &listen], &format!("srt://127.0.0.1:{port}"));
}

#[test]
fn udp_carries_mpeg_ts() {
    let url = format!("udp://127.0.0.1:{}", free_port());
    publish_to_a_listening_ffmpeg(&["-f", "mpegts", "-i", &url], &url);
}

#[test]
fn without_ffmpeg_publishing_stops_with_one_line_and_the_receiver_goes_on() {
    let (recv, port) =
        Proc::spawn_env_receiver(&[("PATH", "/nonexistent")], &["--publish", "rtmp://127.0.0.1:1/live/x", "--verify"]);
    let mut send = sender(port, &["--codec", "h264", "--fps", "30", "--frames", "30"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = recv.wait_for("summary:", 30);
    assert_eq!(field(&line, "frames"), "30", "{line}");
    assert_eq!(count(&recv.err(), "cannot start ffmpeg"), 1, "{:?}", recv.err());
    assert_eq!(count(&recv.out(), " h264 ok"), 30);
}

#[test]
fn a_server_that_accepts_and_never_answers_is_given_up_on_and_tried_again() {
    // Accepts RTMP connections and never reads or says a word: ffmpeg hangs in the handshake.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("rtmp://127.0.0.1:{}/live/x", server.local_addr().unwrap().port());
    thread::spawn(move || {
        let mut held = Vec::new();
        for conn in server.incoming().flatten() {
            held.push(conn);
        }
    });
    let (recv, port) = receiver(&["--publish", &url, "--verify", "-v"]);
    // A noisy 640x480 picture fills ffmpeg's input pipe within a second: from then on the
    // publish sink is behind, too far to report on the stream's end itself.
    let mut send = sender(port, &["--source", "test:noise", "--codec", "h264", "--fps", "30", "--secs", "14"]);
    let given_up = recv.wait_for("did not take the stream within 10 s", 30);
    assert!(given_up.contains(&url) && given_up.contains("trying again in 1 s"), "{given_up}");
    recv.wait_for_count("--publish: starting ffmpeg", 2, 10);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = recv.wait_for("summary:", 30);
    // The stalled publisher held up nothing: every frame was verified.
    assert_eq!(count(&recv.out(), " h264 ok").to_string(), field(&line, "frames"), "{line}");
    // It never published, never said it did, and the stream says it failed, though the sink was behind.
    assert_eq!(field(&line, "sink_failed"), "yes", "{line}");
    assert_eq!(count(&recv.err(), "publishing to"), 0, "{:?}", recv.err());
    assert_eq!(count(&recv.err(), "did not take the stream"), 1, "one line for one give-up: {:?}", recv.err());
}

#[test]
fn a_once_run_whose_publishing_never_reached_the_server_fails() {
    // Nothing listens there: ffmpeg is refused, again and again.
    let url = format!("rtmp://127.0.0.1:{}/live/x", free_port());
    let (mut recv, port) = receiver(&["--once", "--publish", &url]);
    let mut send =
        sender(port, &["--codec", "h264", "--fps", "20", "--frames", "40", "--width", "160", "--height", "120"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    assert_eq!(recv.wait(30).code(), Some(1), "{:?}", recv.err());
    assert_eq!(field(&recv.wait_for("summary:", 1), "sink_failed"), "yes");
    assert_eq!(count(&recv.err(), "publishing to"), 0, "said it published: {:?}", recv.err());
    recv.wait_for("Connection refused", 1);
}
