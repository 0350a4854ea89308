//! Recordings (`--record x.mkv|.mp4|.ts`, and raw `.h264`) judged by ffprobe
//! and ffmpeg: they play at the capture rate, keep pauses, survive `kill -9`,
//! split into segments on keyframes and never overwrite a file.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use camwire_testsupport::*;

/// `ffprobe -show_entries SECTION=KEYS -of default=nw=1` as `key=value` lines.
fn ffprobe(file: &Path, entries: &str, extra: &[&str]) -> Vec<String> {
    let out = run(Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", entries, "-of", "default=nw=1"])
        .args(extra)
        .arg(file));
    assert!(out.status.success(), "ffprobe {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect()
}

fn value(lines: &[String], key: &str) -> String {
    let prefix = format!("{key}=");
    lines.iter().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("no {key} in {lines:?}")).to_string()
}

/// `30/1` or `459000/45919` as a number.
fn rate(s: &str) -> f64 {
    let (n, d) = s.split_once('/').unwrap();
    n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap()
}

/// Frames ffprobe counts by reading the whole file.
fn frames_in(file: &Path) -> u64 {
    value(&ffprobe(file, "stream=nb_read_frames", &["-count_frames", "-select_streams", "v:0"]), "nb_read_frames")
        .parse()
        .unwrap()
}

/// ffmpeg decodes the whole file and reports nothing (every frame at its own
/// time: no frame-rate conversion that would complain about bursts).
fn assert_decodes_cleanly(file: &Path) {
    let out = run(Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(file).args([
        "-fps_mode",
        "passthrough",
        "-f",
        "framecrc",
        "-",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.trim().is_empty(), "ffmpeg decoding {}: {err}", file.display());
}

/// Presentation times of the video packets, in seconds.
fn packet_times(file: &Path) -> Vec<f64> {
    ffprobe(file, "packet=pts_time", &["-select_streams", "v:0"])
        .iter()
        .filter_map(|l| l.strip_prefix("pts_time=")?.parse().ok())
        .collect()
}

fn summary(recv: &Proc, n: usize) -> String {
    recv.wait_for_count("summary:", n, 30)
}

/// Sends `--fps 10` for 5 s into `--record NAME` and checks duration and rate.
fn records_at_the_sent_rate(name: &str, codec: &str) {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-rate");
    let file = dir.path(name);
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let mut send = sender(port, &["--codec", codec, "--fps", "10", "--secs", "5", "--source", "test"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = summary(&recv, 1);
    assert!(line.contains(&format!("files={}", file.display())), "{line}");
    let frames: f64 = field(&line, "frames").parse().unwrap();
    let sent_seconds = frames / 10.0;
    let probe = ffprobe(&file, "format=duration:stream=codec_name,avg_frame_rate", &[]);
    let duration: f64 = value(&probe, "duration").parse().unwrap();
    assert!(
        (duration - sent_seconds).abs() <= 0.05 * sent_seconds,
        "{name}: {duration} s for {frames} frames at 10 fps"
    );
    assert_eq!(frames_in(&file) as f64, frames, "{name}");
    let fps = frames / duration;
    assert!((fps - 10.0).abs() <= 0.5, "{name}: {fps} fps, not 10");
    // ffprobe's own estimate, where it makes one (Matroska's may be 0/0).
    let avg = rate(&value(&probe, "avg_frame_rate"));
    assert!(avg.is_nan() || (avg - 10.0).abs() <= 0.5, "{name}: ffprobe says {avg} fps, not 10");
    assert_decodes_cleanly(&file);
}

#[test]
fn mkv_of_jpeg_plays_at_the_sent_rate() {
    records_at_the_sent_rate("jpeg.mkv", "jpeg");
}

#[test]
fn mkv_of_h264_plays_at_the_sent_rate() {
    records_at_the_sent_rate("h264.mkv", "h264");
}

#[test]
fn mp4_plays_at_the_sent_rate() {
    records_at_the_sent_rate("h264.mp4", "h264");
}

#[test]
fn ts_plays_at_the_sent_rate() {
    records_at_the_sent_rate("h264.ts", "h264");
}

/// JPEGs of a 320x240 test pattern, made by ffmpeg.
fn test_jpegs(n: u32) -> Vec<bytes::Bytes> {
    let out = run(Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10"])
        .args(["-frames:v", &n.to_string(), "-c:v", "mjpeg", "-f", "image2pipe", "-"]));
    camwire_wire::MjpegSplitter::split_all(&out.stdout).unwrap()
}

/// Ten H.264 access units of a 320x240 test pattern from libx264, starting with an IDR, in Annex B.
fn test_h264_burst() -> Vec<u8> {
    run(Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-frames:v", "10"])
        .args(["-c:v", "libx264", "-profile:v", "baseline", "-g", "10", "-pix_fmt", "yuv420p", "-f", "h264", "-"]))
    .stdout
}

/// A sender reading `chunks` from stdin (`--codec` says what they are), each
/// written 100 ms after the one before, but 2 s after it for chunk `pause_at`.
fn record_with_a_pause(name: &str, codec: &str, chunks: Vec<Vec<u8>>, pause_at: usize) -> (TempDir, PathBuf) {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-pause");
    let file = dir.path(name);
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let mut send = Proc::spawn(
        Command::new(bin("cam-send"))
            .args(["--to", &format!("127.0.0.1:{port}"), "--source", "stdin", "--fps", "0", "--codec", codec])
            .stdin(Stdio::piped()),
    );
    let mut stdin = send.child.stdin.take().unwrap();
    // The pacing is the test: the recording's timestamps must show it.
    for (i, chunk) in chunks.iter().enumerate() {
        if i == pause_at {
            thread::sleep(Duration::from_secs(2));
        } else if i > 0 {
            thread::sleep(Duration::from_millis(100));
        }
        stdin.write_all(chunk).unwrap();
        stdin.flush().unwrap();
    }
    drop(stdin);
    assert!(send.wait(30).success(), "{:?}", send.err());
    summary(&recv, 1);
    (dir, file)
}

/// The longest gap between frames, and where it is.
fn longest_gap(times: &[f64]) -> (f64, usize) {
    let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let longest = gaps.iter().cloned().fold(0.0, f64::max);
    assert!((1.9..2.6).contains(&longest), "the 2 s pause is a gap of {longest} s: {times:?}");
    assert!(gaps.iter().filter(|&&g| g != longest).all(|&g| g < 0.5), "a second long gap: {times:?}");
    (longest, gaps.iter().position(|&g| g == longest).unwrap())
}

#[test]
fn a_two_second_pause_is_in_the_timestamps() {
    let jpegs = test_jpegs(20).into_iter().map(|b| b.to_vec()).collect();
    let (_dir, file) = record_with_a_pause("pause.mkv", "jpeg", jpegs, 10);
    let times = packet_times(&file);
    assert_eq!(times.len(), 20, "{times:?}");
    assert_eq!(longest_gap(&times).1, 9, "{times:?}");
}

#[test]
fn a_two_second_pause_is_in_the_timestamps_of_an_mp4() {
    need_tool("ffmpeg", "ffmpeg");
    let mut units: Vec<Vec<u8>> = Vec::new();
    for _ in 0..2 {
        let burst = test_h264_burst();
        units.extend(camwire_wire::AnnexBSplitter::split_all(&burst).unwrap().into_iter().map(|b| b.to_vec()));
    }
    let (_dir, file) = record_with_a_pause("pause.mp4", "h264", units, 10);
    let times = packet_times(&file);
    assert_eq!(times.len(), 20, "{times:?}");
    longest_gap(&times);
    assert_decodes_cleanly(&file);
}

/// Waits until `file` has grown `n` times (a fragment or cluster each time).
fn wait_for_growth(file: &Path, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut seen, mut last) = (0, 0);
    while seen < n {
        assert!(Instant::now() < deadline, "{} grew {seen} times in 30 s", file.display());
        let len = std::fs::metadata(file).map_or(0, |m| m.len());
        if len > last {
            (seen, last) = (seen + 1, len);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn survives_kill_9(name: &str) {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-kill");
    let file = dir.path(name);
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let _send = sender(port, &["--codec", "h264", "--fps", "10", "--secs", "60", "--source", "test"]);
    // The header, then three fragments of about a second each.
    wait_for_growth(&file, 4);
    recv.signal("KILL");
    let frames = frames_in(&file);
    assert!(frames >= 20, "{name}: {frames} frames play after kill -9");
    assert_decodes_cleanly(&file);
    // Players learn the length from the file (for .mkv, a Duration kept up to date as clusters close).
    let duration = value(&ffprobe(&file, "format=duration", &[]), "duration");
    let seconds: f64 = duration.parse().unwrap_or_else(|_| panic!("{name}: duration={duration} after kill -9"));
    assert!((seconds - frames as f64 / 10.0).abs() <= 0.2, "{name}: {seconds} s for {frames} frames at 10 fps");
}

#[test]
fn mp4_plays_up_to_the_last_fragment_after_kill_9() {
    survives_kill_9("killed.mp4");
}

#[test]
fn mkv_plays_up_to_the_last_cluster_after_kill_9() {
    survives_kill_9("killed.mkv");
}

#[test]
fn segments_of_2s_keep_the_newest_3_each_starting_on_a_keyframe() {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-seg");
    let pattern = dir.path("cam-%H%M%S.mp4");
    let (recv, port) = receiver(&["--record", pattern.to_str().unwrap(), "--segment", "2s", "--keep", "3"]);
    let mut send = sender(port, &["--codec", "h264", "--fps", "10", "--secs", "10", "--source", "test"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = summary(&recv, 1);
    let written = count(&recv.err(), "--record: writing");
    assert!(written >= 5, "10 s in 2 s segments wrote {written} files: {line}");
    assert_eq!(field(&line, "files").split(',').count(), 3, "files= names the files kept: {line}");
    let mut left: Vec<PathBuf> = std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().path()).collect();
    left.sort();
    assert_eq!(left.len(), 3, "{left:?}");
    for (i, file) in left.iter().enumerate() {
        let first = ffprobe(file, "packet=flags", &["-select_streams", "v:0", "-read_intervals", "%+#1"]);
        assert!(value(&first, "flags").starts_with('K'), "{} starts with {first:?}", file.display());
        let duration: f64 = value(&ffprobe(file, "format=duration", &[]), "duration").parse().unwrap();
        // The newest holds what was left of the 10 s: as little as one frame.
        let expected = if i + 1 == left.len() { 0.01..2.5 } else { 1.5..2.5 };
        assert!(expected.contains(&duration), "{}: {duration} s", file.display());
        assert_decodes_cleanly(file);
    }
}

#[test]
fn a_new_stream_starts_a_new_file_and_the_summary_names_it() {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-streams");
    let file = dir.path("cam.mkv");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    for n in 1..=2 {
        let mut send = sender(port, &["--fps", "10", "--frames", "10", "--source", "test"]);
        assert!(send.wait(30).success(), "{:?}", send.err());
        summary(&recv, n);
    }
    let second = dir.path("cam-2.mkv");
    let lines: Vec<String> = recv.out().into_iter().filter(|l| l.starts_with("summary:")).collect();
    assert_eq!(field(&lines[0], "files"), file.to_str().unwrap());
    assert_eq!(field(&lines[1], "files"), second.to_str().unwrap());
    assert_eq!(frames_in(&file), 10);
    assert_eq!(frames_in(&second), 10);
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = TempDir::new("rec-exists");
    let file = dir.path("old.mp4");
    std::fs::write(&file, b"keep me").unwrap();
    let out = run(Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0", "--record"]).arg(&file));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("add --overwrite to replace it"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
}

#[test]
fn overwrite_replaces_an_existing_container_file_but_never_follows_a_link() {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-overwrite");
    let target = dir.path("elsewhere.txt");
    std::fs::write(&target, b"not yours").unwrap();
    let file = dir.path("cam.mkv");
    std::os::unix::fs::symlink(&target, &file).unwrap();
    let (recv, port) = receiver(&["--record", file.to_str().unwrap(), "--overwrite"]);
    let mut send = sender(port, &["--fps", "10", "--frames", "5", "--source", "test"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    summary(&recv, 1);
    assert!(!std::fs::symlink_metadata(&file).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), b"not yours", "the link's target is untouched");
    assert_eq!(frames_in(&file), 5);
}

#[test]
fn a_jpeg_stream_into_mp4_is_refused_with_one_line() {
    let dir = TempDir::new("rec-kind");
    let file = dir.path("jpeg.mp4");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let mut send = sender(port, &["--fps", "10", "--frames", "5", "--source", "test"]);
    assert!(send.wait(30).success());
    summary(&recv, 1);
    assert_eq!(count(&recv.err(), "a jpeg stream cannot go into .mp4"), 1, "{:?}", recv.err());
    assert!(!file.exists(), "no empty file is left behind");
}

#[test]
fn max_bytes_deletes_the_oldest_segments() {
    let dir = TempDir::new("rec-bytes");
    let pattern = dir.path("cam.mkv");
    // JPEG at 320x240 is about 10 kB a frame: 1 s segments of ~100 kB, at most 250 kB kept.
    let (recv, port) = receiver(&["--record", pattern.to_str().unwrap(), "--segment", "1s", "--max-bytes", "250000"]);
    let mut send = sender(port, &["--fps", "10", "--secs", "6", "--width", "320", "--height", "240"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = summary(&recv, 1);
    let written = count(&recv.err(), "--record: writing");
    assert!(written >= 5, "{line}");
    let left: Vec<PathBuf> = std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().path()).collect();
    let total: u64 = left.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    assert!(total <= 250_000 && left.len() < written, "{} files, {total} bytes left", left.len());
    // The newest are the ones kept, numbered on from the first, never a freed name again.
    let newest = dir.path(&format!("cam-{written}.mkv"));
    assert!(left.contains(&newest), "{left:?}");
    recv.wait_for("(--keep/--max-bytes)", 5);
}

#[test]
fn segment_options_without_a_container_recording_are_refused() {
    for args in [&["--segment", "10m"][..], &["--record", "x.mjpeg", "--keep", "3"]] {
        let out = run(Command::new(bin("cam-recv")).args(["--listen", "127.0.0.1:0"]).args(args));
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("add --record NAME.mp4"), "{args:?}: {err}");
    }
}

#[test]
fn frames_without_stamps_are_timed_by_arrival() {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-nostamp");
    let file = dir.path("classic.mkv");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let mut send = sender(port, &["--no-stamp", "--fps", "10", "--secs", "3", "--source", "test"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = summary(&recv, 1);
    assert!(!line.contains("latency_p50_ms"), "the frames were stamped: {line}");
    let frames: f64 = field(&line, "frames").parse().unwrap();
    let duration: f64 = value(&ffprobe(&file, "format=duration", &[]), "duration").parse().unwrap();
    let fps = frames / duration;
    assert!((fps - 10.0).abs() <= 1.0, "{frames} frames in {duration} s: {fps} fps, not about 10");
}

#[test]
fn a_stream_that_switches_kind_keeps_what_came_before_with_one_line() {
    need_tool("ffprobe", "ffmpeg");
    let dir = TempDir::new("rec-switch");
    let file = dir.path("switch.mkv");
    let (recv, port) = receiver(&["--record", file.to_str().unwrap()]);
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let h264 = camwire_wire::AnnexBSplitter::split_all(&test_h264_burst()).unwrap();
    for payload in test_jpegs(5).iter().chain(&h264[..3]) {
        conn.write_all(&framed(payload)).unwrap();
    }
    conn.write_all(&[0; 4]).unwrap();
    summary(&recv, 1);
    assert_eq!(count(&recv.err(), "the stream switched from jpeg to h264"), 1, "{:?}", recv.err());
    assert_eq!(frames_in(&file), 5);
    assert_decodes_cleanly(&file);
}

#[test]
fn a_jpeg_stream_into_mp4_or_ts_fails_a_once_run() {
    for name in ["jpeg.mp4", "jpeg.ts"] {
        let dir = TempDir::new("rec-once-kind");
        let file = dir.path(name);
        let (mut recv, port) = receiver(&["--once", "--record", file.to_str().unwrap()]);
        let mut send = sender(port, &["--fps", "20", "--frames", "3", "--width", "160", "--height", "120"]);
        assert!(send.wait(30).success(), "{:?}", send.err());
        assert_eq!(recv.wait(20).code(), Some(1), "{name}: {:?}", recv.err());
        assert_eq!(field(&summary(&recv, 1), "sink_failed"), "yes", "{name}");
        assert!(!file.exists(), "{name}: no empty file is left behind");
    }
}

#[test]
fn a_stream_of_no_frames_fails_a_once_recording_and_leaves_no_file() {
    for name in ["none.mp4", "none.mjpeg"] {
        let dir = TempDir::new("rec-empty");
        let file = dir.path(name);
        let (mut recv, port) = receiver(&["--once", "--record", file.to_str().unwrap()]);
        // A sender that sends only the terminator.
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        conn.write_all(&[0; 4]).unwrap();
        drop(conn);
        assert_eq!(recv.wait(10).code(), Some(1), "{name}: {:?}", recv.err());
        recv.wait_for("the stream held no frames: nothing recorded", 1);
        assert!(field(&summary(&recv, 1), "frames") == "0");
        assert!(!file.exists(), "{name}: an empty file was left");
    }
}

#[test]
fn the_file_is_made_with_the_first_frame_so_a_run_without_a_sender_leaves_nothing() {
    for name in ["a.mp4", "a.mjpeg"] {
        let dir = TempDir::new("rec-lazy");
        let file = dir.path(name);
        let arg = file.to_str().unwrap();
        let (mut recv, _port) = receiver(&["--record", arg]);
        recv.signal("INT");
        assert!(recv.wait(10).success(), "{:?}", recv.err());
        assert!(!file.exists(), "{name}: a run that received nothing left a file");
        // Last night's recording stays until a frame replaces it.
        std::fs::write(&file, b"last night").unwrap();
        let (mut recv, _port) = receiver(&["--record", arg, "--overwrite"]);
        recv.signal("INT");
        assert!(recv.wait(10).success(), "{:?}", recv.err());
        assert_eq!(std::fs::read(&file).unwrap(), b"last night", "{name}: --overwrite emptied it before any frame");
        // And the first frame does replace it.
        let (mut recv, port) = receiver(&["--once", "--record", arg, "--overwrite"]);
        assert!(sender(port, &["--codec", "h264", "--frames", "3", "--width", "160", "--height", "120"])
            .wait(20)
            .success());
        let status = recv.wait(10);
        if name.ends_with(".mp4") {
            assert!(status.success(), "{:?}", recv.err());
            assert_eq!(frames_in(&file), 3);
        } else {
            assert_eq!(status.code(), Some(1), "an H.264 stream cannot go into .mjpeg");
        }
    }
}

#[test]
fn sizes_with_units_are_taken_for_max_bytes() {
    let dir = TempDir::new("rec-units");
    let pattern = dir.path("cam-%H%M%S.mkv");
    for size in ["10M", "1.5GiB", "500 MB", "250000"] {
        drop(receiver(&["--record", pattern.to_str().unwrap(), "--max-bytes", size]));
    }
}

#[test]
fn the_summary_names_only_the_files_keep_left() {
    let dir = TempDir::new("rec-keep-files");
    let pattern = dir.path("cam.mkv");
    let (recv, port) = receiver(&["--record", pattern.to_str().unwrap(), "--segment", "1s", "--keep", "2"]);
    let mut send = sender(port, &["--fps", "20", "--secs", "4", "--width", "160", "--height", "120"]);
    assert!(send.wait(30).success(), "{:?}", send.err());
    let line = summary(&recv, 1);
    assert!(count(&recv.err(), "--record: writing") >= 3, "{:?}", recv.err());
    let mut named: Vec<String> = field(&line, "files").split(',').map(String::from).collect();
    let mut left: Vec<String> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    named.sort();
    left.sort();
    assert_eq!(named, left, "files= names what is on disk, not what --keep deleted");
}

/// Records 5 s of H.264 (about 30 kB a second) onto a 64 KiB file system: the
/// run fails, and what is on the disk ends on a whole fragment, access unit
/// or cluster, and plays to its end.
fn a_full_disk_leaves_a_file_that_ends_clean(name: &str) {
    need_tool("ffmpeg", "ffmpeg");
    let dir = TempDir::new("rec-full");
    let disk = dir.path("disk");
    std::fs::create_dir(&disk).unwrap();
    let _full = Mount::tmpfs(&disk, "size=64k");
    let file = disk.join(name);
    let (mut recv, port) = receiver(&["--once", "--record", file.to_str().unwrap()]);
    let args = ["--codec", "h264", "--fps", "50", "--frames", "250", "--width", "640", "--height", "480"];
    let mut send = sender(port, &args);
    let _ = send.wait(60);
    assert_eq!(recv.wait(20).code(), Some(1), "{name}: {:?}", recv.err());
    assert_eq!(field(&summary(&recv, 1), "sink_failed"), "yes", "{name}");
    recv.wait_for("No space left on device", 1);
    let len = std::fs::metadata(&file).unwrap().len();
    assert!(len > 16 * 1024, "{name}: only {len} bytes kept");
    assert!(frames_in(&file) >= 25, "{name}");
    assert_decodes_cleanly(&file);
}

#[test]
fn a_full_disk_leaves_an_mp4_that_ends_on_a_whole_fragment() {
    a_full_disk_leaves_a_file_that_ends_clean("full.mp4");
}

#[test]
fn a_full_disk_leaves_a_ts_that_ends_on_a_whole_access_unit() {
    a_full_disk_leaves_a_file_that_ends_clean("full.ts");
}

#[test]
fn a_full_disk_leaves_an_mkv_that_ends_on_a_whole_cluster() {
    a_full_disk_leaves_a_file_that_ends_clean("full.mkv");
}

/// Access units in the H.264 file at `path` so far.
fn access_units(path: &std::path::Path) -> usize {
    let data = std::fs::read(path).unwrap_or_default();
    camwire_wire::AnnexBSplitter::split_all(&data).map_or(0, |units| units.len())
}

#[test]
fn receiver_killed_mid_stream_leaves_a_playable_recording_and_a_retry_sender_resumes_on_an_idr() {
    let dir = TempDir::new("kill-recv");
    let file = dir.path("first.h264");
    let (first, port) = receiver(&["--record", file.to_str().unwrap()]);
    let mut send = sender(port, &["--codec", "h264", "--retry", "--keyframe-interval", "1000", "--fps", "30"]);
    first.wait_for("stream 1 from", 10);
    // Killed mid-stream: once the recording holds an IDR and some frames after it.
    wait_until("30 frames in the recording", 10, || access_units(&file) >= 30);
    first.signal("KILL");
    drop(first);
    send.wait_for("reconnecting", 10);
    let mut second = receiver_on(port, &["--verify", "--once"]);
    second.wait_for("frame 15: ", 10);
    send.signal("TERM");
    assert!(send.wait(10).success());
    assert!(second.wait(10).success(), "{:?}", second.out());
    let out = second.out();
    assert!(out[0].starts_with("frame 1: 640x480 h264 ok idr"), "the new connection starts on an IDR: {out:?}");
    let decode = run(Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(&file).args(["-f", "null", "-"]));
    assert!(decode.status.success() && decode.stderr.is_empty(), "{}", String::from_utf8_lossy(&decode.stderr));
    assert!(std::fs::metadata(&file).unwrap().len() > 1000);
}
