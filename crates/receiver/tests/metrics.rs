//! `/metrics`: the web view's figures in Prometheus's text format, behind
//! the view's own access rules, scraped by a real Prometheus (Debian's
//! `prometheus` package) and read back through its HTTP API.

use std::process::Command;

use camwire_testsupport::*;

const TOKEN: &str = "metrics-test-token-0123456789";

/// A PromQL query through Prometheus's HTTP API: the result vector as
/// (labels, value) pairs, or `None` while Prometheus has no answer.
fn query(prometheus: u16, promql: &str) -> Option<Vec<(serde_json::Value, f64)>> {
    let encoded: String = promql
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let response = http_get(prometheus, &format!("/api/v1/query?query={encoded}"));
    let json: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    let results = json["data"]["result"].as_array()?;
    let pairs: Vec<_> = results
        .iter()
        .filter_map(|r| Some((r["metric"].clone(), r["value"][1].as_str()?.parse::<f64>().ok()?)))
        .collect();
    (!pairs.is_empty()).then_some(pairs)
}

/// Prometheus on a port of its choosing, scraping `http_port`'s `/metrics`
/// every second with the bearer token in `token_file`; and that port.
fn prometheus(dir: &TempDir, http_port: u16, token_file: &std::path::Path) -> (Proc, u16) {
    need_tool("prometheus", "prometheus");
    let config = dir.path("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: camwire\n    \
             authorization:\n      credentials_file: {}\n    static_configs:\n      - targets: ['127.0.0.1:{http_port}']\n",
            token_file.display()
        ),
    )
    .unwrap();
    let p = Proc::spawn(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path("data").display()))
            .arg("--web.listen-address=127.0.0.1:0"),
    );
    // `msg="Listening on" address=127.0.0.1:PORT`
    let port = printed_port(&p.wait_for("msg=\"Listening on\"", 20), "address=");
    (p, port)
}

#[test]
fn prometheus_scrapes_per_camera_frame_rates_and_process_figures_behind_the_token() {
    let dir = TempDir::new("metrics-prometheus");
    let token_file = dir.path("token");
    std::fs::write(&token_file, TOKEN).unwrap();
    let (_recv, port, http) = http_receiver(&[], &["--http-token-file", token_file.to_str().unwrap()]);
    let _send = sender(port, &["--fps", "30", "-q"]);

    // The same access as the rest of the view.
    assert_eq!(http_get(http, "/metrics").status, 401);
    let text = poll_until("a frame counted in /metrics", 10, || {
        let r = http_get(http, &format!("/metrics?token={TOKEN}"));
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
        let text = String::from_utf8(r.body).unwrap();
        text.lines()
            .any(|l| l.starts_with("camwire_frames_total{camera=\"127-0-0-1\"} ") && !l.ends_with(" 0"))
            .then_some(text)
    });
    for series in [
        "# TYPE camwire_frames_total counter",
        "camwire_bytes_total{camera=\"127-0-0-1\"}",
        "camwire_invalid_frames_total{camera=\"127-0-0-1\"} 0",
        "camwire_dropped_frames_total{camera=\"127-0-0-1\"}",
        "camwire_reconnects_total{camera=\"127-0-0-1\"} 0",
        "camwire_latency_seconds_bucket{camera=\"127-0-0-1\",le=\"0.005\"}",
        "camwire_sender_connected{camera=\"127-0-0-1\"} 1",
        "camwire_viewers{camera=\"127-0-0-1\"} 0",
        "camwire_recorded_bytes_total{camera=\"127-0-0-1\"} 0",
        "camwire_sink_failures_total{camera=\"127-0-0-1\"} 0",
        "process_resident_memory_bytes ",
        "process_cpu_seconds_total ",
        "process_open_fds ",
    ] {
        assert!(text.contains(series), "no {series:?} in /metrics:\n{text}");
    }
    // The bit rate the camera's stream arrives at now, in bits a second.
    let bitrate = sample(&text, "camwire_bitrate_bits_per_second{camera=\"127-0-0-1\"}");
    assert!(bitrate > 0.0, "a streaming camera has a bit rate:\n{text}");

    // A real Prometheus, scraping every second with the token, answers a rate per camera.
    let (_prometheus, prom) = prometheus(&dir, http, &token_file);
    let rates = poll_until("a per-camera frame rate from Prometheus", 30, || {
        query(prom, "rate(camwire_frames_total[5s])").filter(|r| r.iter().all(|(_, v)| *v > 0.0))
    });
    assert_eq!(rates.len(), 1, "one camera, one series: {rates:?}");
    assert_eq!(rates[0].0["camera"], "127-0-0-1", "{rates:?}");
    assert_eq!(rates[0].0["job"], "camwire", "{rates:?}");
    let latency = query(prom, "histogram_quantile(0.5, rate(camwire_latency_seconds_bucket[5s]))").unwrap();
    assert_eq!(latency[0].0["camera"], "127-0-0-1", "{latency:?}");
    let rss = query(prom, "process_resident_memory_bytes").unwrap();
    assert!(rss[0].1 > 1e6, "{rss:?}");
}

/// The value of the one sample of `series` (`name{labels}`) in a `/metrics` text.
fn sample(text: &str, series: &str) -> f64 {
    let line = text.lines().find(|l| l.strip_prefix(series).is_some_and(|rest| rest.starts_with(' ')));
    let line = line.unwrap_or_else(|| panic!("no {series} in /metrics:\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn metrics_count_bytes_recorded_frames_a_stuck_player_skipped_and_each_reconnect() {
    let dir = TempDir::new("metrics-counts");
    let recording = dir.path("all.mjpeg");
    // A player that never reads: once its pipe and queue are full, it skips frames.
    let (mut recv, port, http) = http_receiver(&[], &["--record", recording.to_str().unwrap(), "--pipe", "sleep 30"]);
    for _ in 0..2 {
        assert!(sender(port, &["--frames", "100", "--fps", "100", "-q"]).wait(20).success());
    }
    recv.wait_for_count("summary:", 2, 20);
    let text = String::from_utf8(http_get(http, "/metrics").body).unwrap();
    let camera = |name: &str| sample(&text, &format!("{name}{{camera=\"127-0-0-1\"}}"));
    assert_eq!(camera("camwire_frames_total"), 200.0);
    assert_eq!((camera("camwire_streams_total"), camera("camwire_reconnects_total")), (2.0, 1.0));
    assert_eq!(camera("camwire_sender_connected"), 0.0);
    assert_eq!(camera("camwire_bitrate_bits_per_second"), 0.0, "no stream, no bit rate");
    assert_eq!(camera("camwire_latency_seconds_count"), 200.0, "every frame was stamped");
    let file_len = std::fs::metadata(&recording).unwrap().len() as f64;
    assert_eq!(camera("camwire_recorded_bytes_total"), file_len);
    assert_eq!(camera("camwire_bytes_total"), file_len, "every payload byte was recorded");
    assert!(camera("camwire_dropped_frames_total") > 0.0, "the player read nothing, yet skipped nothing");
    // Stopped properly, the receiver ends the player too.
    recv.signal("TERM");
    assert!(recv.wait(20).success());
}

#[test]
fn each_named_camera_has_its_own_series_and_its_own_recorded_bytes() {
    let dir = TempDir::new("metrics-cameras");
    let record = dir.path("{camera}/all.mjpeg");
    // With {camera} in --record, each camera gets its own sinks, opened at its first stream.
    let (recv, port, http) = http_receiver(&[], &["--record", record.to_str().unwrap()]);
    let senders: Vec<_> =
        ["a", "b"].iter().map(|name| sender(port, &["--name", name, "--frames", "40", "--fps", "100", "-q"])).collect();
    for mut s in senders {
        assert!(s.wait(20).success());
    }
    recv.wait_for_count("summary:", 2, 20);
    let text = String::from_utf8(http_get(http, "/metrics").body).unwrap();
    for name in ["a", "b"] {
        let camera = |series: &str| sample(&text, &format!("{series}{{camera=\"{name}\"}}"));
        assert_eq!(camera("camwire_frames_total"), 40.0, "camera {name}");
        assert_eq!((camera("camwire_streams_total"), camera("camwire_reconnects_total")), (1.0, 0.0), "camera {name}");
        let file_len = std::fs::metadata(dir.path(&format!("{name}/all.mjpeg"))).unwrap().len() as f64;
        assert_eq!(camera("camwire_recorded_bytes_total"), file_len, "camera {name}");
        assert_eq!(camera("camwire_bytes_total"), file_len, "camera {name}");
    }
    assert!(!text.contains("camera=\"default\""), "no series for a camera that never streamed:\n{text}");
    assert!(!text.contains("camera=\"127-0-0-1\""), "the senders named their cameras:\n{text}");
}
