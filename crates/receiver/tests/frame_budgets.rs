//! Large frames as fast as a sender can write them (issue 22): the sinks'
//! queues and the live-fragment ring are bounded in bytes, not only in
//! frames, so memory stays bounded on a 1 GB Pi. Each test runs the real
//! cam-recv and failed before its fix.

use std::{io::Write, net::TcpStream, thread};

use camwire_testsupport::*;

#[test]
fn large_frames_faster_than_verify_decodes_them_are_queued_within_a_byte_budget() {
    // Noise at quality 100: a JPEG of several MB that takes a while to decode.
    let mut seed = 0x2545_F491_u32;
    let jpeg = Rgb::from_fn(1000, 1000, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed.to_le_bytes()[..3].try_into().unwrap()
    })
    .to_jpeg(100);
    let (recv, port) = receiver(&["--verify"]);
    let before_kib = proc_status_kib(recv.pid(), "VmRSS");
    let frame = framed(&jpeg);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    for _ in 0..60 {
        s.write_all(&frame).unwrap();
    }
    s.write_all(&0u32.to_le_bytes()).unwrap();
    let summary = recv.wait_for("summary:", 60);
    assert_eq!(field(&summary, "frames"), "60", "{summary}");
    let peak_mib = recv.peak_rss_kib().saturating_sub(before_kib) / 1024;
    let sent_mib = (jpeg.len() * 60) >> 20;
    eprintln!("{sent_mib} MiB of {} KB JPEGs into --verify: peak RSS {peak_mib} MiB over its start", jpeg.len() / 1000);
    assert!(peak_mib < 150, "RSS peaked {peak_mib} MiB above its start for {sent_mib} MiB sent");
}

#[test]
fn large_h264_frames_with_a_viewer_that_never_reads_are_held_within_a_byte_budget() {
    let units = idr_access_units(4);
    let (recv, port, http) = http_receiver(&[], &[]);
    let mut viewer = TcpStream::connect(("127.0.0.1", http)).unwrap();
    viewer.write_all(b"GET /stream.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    wait_until("the viewer counted", 10, || status_json(http)["viewers"] == 1);
    let before_kib = proc_status_kib(recv.pid(), "VmRSS");
    // 40 access units of 4 MiB, as raw H.264, as fast as the receiver takes them.
    let writer = thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        for i in 0..40 {
            s.write_all(&with_filler(&units[i % units.len()], 4 << 20)).unwrap();
        }
    });
    writer.join().unwrap();
    recv.wait_for("summary:", 60);
    let peak_mib = recv.peak_rss_kib().saturating_sub(before_kib) / 1024;
    eprintln!("160 MiB of 4 MiB access units, one viewer that never reads: peak RSS {peak_mib} MiB over its start");
    assert!(peak_mib < 100, "RSS peaked {peak_mib} MiB above its start");
    drop(viewer);
}
