//! What a sender can make cam-recv spend, and no more, each attack against
//! the real cam-recv: length prefixes that only claim memory, bytes held by
//! connections in their handshake, scraps that would hold the sender slot,
//! and picture headers that claim gigabytes (`--max-pixels`). Each test
//! failed before its fix. Sinks that fail or are attacked are in sinks.rs.

use std::{
    io::Write,
    net::{SocketAddr, TcpStream},
    process::Command,
    thread,
    time::{Duration, Instant},
};

use camwire_testsupport::*;

/// Waits until the receiver on `port` has read every byte of at least `n`
/// connections (`/proc/net/tcp`: their receive queues are empty).
fn wait_until_read(port: u16, n: usize, secs: u64) {
    let local = format!(":{port:04X}");
    wait_until(&format!("{n} connections to :{port} with every byte read"), secs, || {
        let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap();
        let conns: Vec<&str> = tcp
            .lines()
            .skip(1)
            .filter(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f[1].ends_with(&local) && f[3] == "01" // established, on the receiver's side
            })
            .collect();
        let unread = conns.iter().filter(|l| !l.split_whitespace().nth(4).unwrap().ends_with(":00000000")).count();
        conns.len() >= n && unread == 0
    });
}

#[test]
fn sixty_five_byte_headers_announcing_16_mib_cost_nothing_under_an_address_space_limit() {
    let (mut recv, port) = receiver(&[]);
    assert!(sender(port, &["--frames", "5", "--fps", "60"]).wait(20).success());
    recv.wait_for("summary:", 10);
    // 400 MB above what it uses now: 60 reservations of 16 MiB would need 1 GB.
    let before = proc_status_kib(recv.pid(), "VmSize");
    let limit = (before + 400_000) * 1024;
    let out = run(Command::new("prlimit").arg("--pid").arg(recv.pid().to_string()).arg(format!("--as={limit}")));
    assert!(out.status.success(), "prlimit: {}", String::from_utf8_lossy(&out.stderr));
    // 60 connections from 60 addresses (so no per-address cap helps), each `FF FF FF 00 FF`.
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let attackers: Vec<TcpStream> = rt.block_on(async {
        let mut socks = Vec::new();
        for i in 0..60u8 {
            let sock = tokio::net::TcpSocket::new_v4().unwrap();
            sock.bind(format!("127.0.1.{}:0", i + 1).parse().unwrap()).unwrap();
            socks.push(sock.connect(addr).await.unwrap().into_std().unwrap());
        }
        socks
    });
    for mut s in &attackers {
        s.set_nonblocking(false).unwrap();
        s.write_all(&[0xFF, 0xFF, 0xFF, 0x00, 0xFF]).unwrap();
    }
    wait_until_read(port, 60, 10);
    assert!(recv.child.try_wait_alive(), "the receiver died: {:?}", recv.err());
    assert!(sender(port, &["--frames", "10", "--fps", "60"]).wait(20).success());
    let summary = recv.wait_for_count("summary:", 2, 10);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("10", "yes"));
    let grown_mib = proc_status_kib(recv.pid(), "VmSize").saturating_sub(before) / 1024;
    assert!(grown_mib < 100, "address space grew by {grown_mib} MiB for 300 bytes");
    drop(attackers);
}

#[test]
fn bytes_held_by_connections_in_their_handshake_are_budgeted() {
    let (mut recv, port) = receiver(&[]);
    // 40 connections from 40 addresses, each 2 MiB into a 16 MiB frame: 80 MiB, over the 64 MiB budget.
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let chunk = vec![0xFFu8; 2 << 20];
    let writers: Vec<thread::JoinHandle<TcpStream>> = rt.block_on(async {
        let mut out = Vec::new();
        for i in 0..40u8 {
            let sock = tokio::net::TcpSocket::new_v4().unwrap();
            sock.bind(format!("127.0.2.{}:0", i + 1).parse().unwrap()).unwrap();
            let mut s = sock.connect(addr).await.unwrap().into_std().unwrap();
            s.set_nonblocking(false).unwrap();
            let chunk = chunk.clone();
            out.push(thread::spawn(move || {
                let _ = s.write_all(&[0xFF, 0xFF, 0xFF, 0x00]).and_then(|()| s.write_all(&chunk));
                s
            }));
        }
        out
    });
    recv.wait_for("hold more than 64 MiB together (the handshake budget)", 20);
    let held: Vec<TcpStream> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    assert!(recv.child.try_wait_alive(), "the receiver died: {:?}", recv.err());
    assert!(sender(port, &["--frames", "10", "--fps", "60"]).wait(20).success());
    let summary = recv.wait_for("summary:", 10);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("10", "yes"));
    drop(held);
}

trait Alive {
    fn try_wait_alive(&mut self) -> bool;
}

impl Alive for std::process::Child {
    fn try_wait_alive(&mut self) -> bool {
        matches!(self.try_wait(), Ok(None))
    }
}

#[test]
fn a_trickle_of_jpeg_scraps_never_holds_the_sender_slot() {
    let (recv, port) = receiver(&["--handshake-timeout", "2"]);
    // `FF D8 FF` (sniffs as JPEG, is no picture) every half second: the pacing is the attack.
    let scraps = thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        for _ in 0..20 {
            if s.write_all(&framed(&[0xFF, 0xD8, 0xFF])).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(500));
        }
    });
    wait_until_read(port, 1, 10);
    assert!(sender(port, &["--frames", "10", "--fps", "60"]).wait(20).success());
    let summary = recv.wait_for("summary:", 10);
    assert_eq!((field(&summary, "frames"), field(&summary, "terminator")), ("10", "yes"), "{summary}");
    recv.wait_for("frames but no picture within 2 s (--handshake-timeout); dropped", 10);
    scraps.join().unwrap();

    // One real picture, then only scraps, paced as above: the slot is taken back.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&framed(&small_jpeg())).unwrap();
    let started = Instant::now();
    for _ in 0..30 {
        if s.write_all(&framed(&[0xFF, 0xD8, 0xFF])).is_err() {
            break;
        }
        if recv.err().iter().any(|l| l.contains("sent no picture")) {
            break;
        }
        thread::sleep(Duration::from_millis(500));
    }
    let line = recv.wait_for("sent no picture (no readable JPEG or H.264 header) for 5 s; dropped it", 5);
    assert!(started.elapsed() < Duration::from_secs(9), "held the slot for {:?}: {line}", started.elapsed());
    recv.wait_for_count("summary:", 2, 5);
    assert!(sender(port, &["--frames", "3", "--fps", "60"]).wait(20).success());
    recv.wait_for_count("terminator=yes", 2, 10);
}

/// A 4:4:4 JPEG of 16x16 whose frame header says `width` x `height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = turbojpeg::compress(
        turbojpeg::Image {
            pixels: &[128u8; 16 * 16 * 3][..],
            width: 16,
            pitch: 48,
            height: 16,
            format: turbojpeg::PixelFormat::RGB,
        },
        90,
        turbojpeg::Subsamp::None,
    )
    .unwrap()
    .to_vec();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("a baseline SOF");
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

#[test]
fn a_jpeg_header_claiming_7000x7000_is_refused_before_decoding() {
    let (recv, port) = receiver(&["--verify"]);
    let bomb = jpeg_claiming(7000, 7000);
    assert!(bomb.len() < 1000, "{} bytes", bomb.len());
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&framed(&bomb)).unwrap();
    s.write_all(&framed(&small_jpeg())).unwrap();
    s.write_all(&[0; 4]).unwrap();
    let line = recv.wait_for("frame 1:", 10);
    assert!(
        line.contains("invalid (jpeg of 7000x7000 pixels is over the 16777216-pixel limit")
            && line.contains("--max-pixels"),
        "{line}"
    );
    recv.wait_for("frame 2: 64x48 jpeg ok", 10);
    let peak_mib = recv.peak_rss_kib() / 1024;
    assert!(peak_mib < 100, "peak RSS {peak_mib} MiB for a 7000x7000 header");
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(field(&summary, "invalid"), "1", "{summary}");

    // The budget is the user's: a larger one lets the picture through to the decoder.
    let (recv, port) = receiver(&["--verify", "--max-pixels", "50000000"]);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&framed(&jpeg_claiming(5000, 5000))).unwrap();
    s.write_all(&[0; 4]).unwrap();
    let line = recv.wait_for("frame 1:", 20);
    assert!(!line.contains("pixel limit"), "{line}");
}

#[test]
fn a_progressive_jpeg_with_hundreds_of_scans_is_refused() {
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_progressive(true).unwrap();
    c.set_quality(90).unwrap();
    let pic = Rgb::from_fn(64, 64, |x, y| [(x * 3) as u8, (y * 3) as u8, 60]);
    let image = turbojpeg::Image {
        pixels: &pic.data[..],
        width: 64,
        pitch: 64 * 3,
        height: 64,
        format: turbojpeg::PixelFormat::RGB,
    };
    let jpeg = c.compress_to_vec(image).unwrap();
    // The last scan (SOS to EOI), repeated: each one more pass over the picture.
    let last_sos = jpeg.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap();
    let eoi = jpeg.len() - 2;
    let mut bomb = jpeg[..eoi].to_vec();
    for _ in 0..500 {
        bomb.extend_from_slice(&jpeg[last_sos..eoi]);
    }
    bomb.extend_from_slice(&[0xFF, 0xD9]);
    let (recv, port) = receiver(&["--verify"]);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(&framed(&jpeg)).unwrap();
    s.write_all(&framed(&bomb)).unwrap();
    s.write_all(&[0; 4]).unwrap();
    recv.wait_for("frame 1: 64x64 jpeg ok", 10);
    let line = recv.wait_for("frame 2:", 10);
    assert!(line.contains("invalid") && line.contains("more than 64 scans"), "{line}");
}

#[test]
fn max_pixels_applies_to_h264_from_its_parameter_sets() {
    let (recv, port) = receiver(&["--verify", "--max-pixels", "100000"]);
    assert!(sender(port, &["--frames", "5", "--fps", "60", "--codec", "h264"]).wait(20).success());
    let line = recv.wait_for("frame 1:", 10);
    assert!(line.contains("invalid (h264 of 640x480 pixels is over the 100000-pixel limit"), "{line}");
    let summary = recv.wait_for("summary:", 10);
    assert_eq!(field(&summary, "invalid"), "5", "{summary}");
}

#[test]
fn decoding_buffers_of_large_pictures_are_given_back_after_the_stream() {
    let (recv, port) = receiver(&["--verify"]);
    // 12 MP, 4:4:4: a 36 MB decoding buffer on each verify worker.
    let big = Rgb::from_fn(4000, 3000, |x, y| [(x / 16) as u8, (y / 12) as u8, 40]).to_jpeg(80);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    for _ in 0..4 {
        s.write_all(&framed(&big)).unwrap();
    }
    s.write_all(&[0; 4]).unwrap();
    let summary = recv.wait_for("summary:", 30);
    assert_eq!(field(&summary, "invalid"), "0", "{summary}");
    let peak = recv.peak_rss_kib();
    assert!(peak > 60_000, "the pictures were decoded: peak RSS {peak} KiB");
    wait_until(&format!("RSS 30 MB under its peak of {peak} KiB"), 10, || {
        proc_status_kib(recv.pid(), "VmRSS") <= peak - 30_000
    });
}
