//! N WebRTC viewers of a cam-recv WHEP endpoint, cheap enough that 20 of
//! them fit beside the receiver on a small machine: str0m (the receiver's own
//! WebRTC stack) as the client, each viewer one thread and one UDP socket,
//! receiving and reassembling the H.264 frames but decoding nothing. For
//! `scripts/bench` (receiver CPU per WebRTC viewer), where 20 Chromiums would
//! not fit on 2 cores.
//!
//! ```text
//! whep_viewers HTTP_PORT VIEWERS SECS [PATH]
//! ```
//!
//! Viewer `i` comes from loopback address 127.0.1.(i+1) (127.0.2.x past 250),
//! so that the receiver's per-address limit does not apply. Once every viewer
//! is connected (or 30 s have passed) it prints `connected N of M`, watches
//! for SECS seconds, prints `frames min MIN median MED max MAX latency_ms P50
//! P99` (the frames each viewer received in those SECS seconds; capture to a
//! whole frame here, from the RTP timestamp that carries the capture time),
//! ends every session with a WHEP `DELETE`, and exits.

use std::{
    io::{Read, Write},
    net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream, UdpSocket},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{bail, Context, Result};
use str0m::{
    change::SdpAnswer,
    media::{Direction, MediaKind},
    net::{Protocol, Receive},
    Candidate, Event, Input, Output, RtcConfig,
};

/// What one viewer saw.
#[derive(Default)]
struct Seen {
    frames: u64,
    latencies_ms: Vec<f64>,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: whep_viewers HTTP_PORT VIEWERS SECS [PATH]";
    let [port, viewers, secs, rest @ ..] = args.as_slice() else { bail!("{usage}") };
    let port: u16 = port.parse().context(usage)?;
    let viewers: usize = viewers.parse().context(usage)?;
    let secs: f64 = secs.parse().context(usage)?;
    let path = rest.first().cloned().unwrap_or_else(|| "/whep".into());

    let connected = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let counting = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..viewers)
        .map(|i| {
            let (connected, stop, counting, path) = (connected.clone(), stop.clone(), counting.clone(), path.clone());
            thread::spawn(move || viewer(i, port, &path, &connected, &counting, &stop))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while connected.load(Ordering::SeqCst) < viewers && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    counting.store(true, Ordering::SeqCst);
    println!("connected {} of {viewers}", connected.load(Ordering::SeqCst));
    std::io::stdout().flush()?;
    thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::SeqCst);
    let mut frames = Vec::new();
    let mut latencies = Vec::new();
    for t in threads {
        match t.join().expect("a viewer thread") {
            Ok(seen) => {
                frames.push(seen.frames);
                latencies.extend(seen.latencies_ms);
            }
            Err(e) => {
                eprintln!("whep_viewers: {e:#}");
                frames.push(0);
            }
        }
    }
    frames.sort_unstable();
    latencies.sort_by(f64::total_cmp);
    let at = |xs: &[f64], p: f64| xs.get(((xs.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(f64::NAN);
    println!(
        "frames min {} median {} max {} latency_ms {:.1} {:.1}",
        frames.first().unwrap_or(&0),
        frames.get(frames.len() / 2).unwrap_or(&0),
        frames.last().unwrap_or(&0),
        at(&latencies, 0.5),
        at(&latencies, 0.99)
    );
    Ok(())
}

/// One viewer, from its own loopback address, until `stop`; it counts what it receives once `counting`.
fn viewer(
    i: usize,
    port: u16,
    path: &str,
    connected: &AtomicUsize,
    counting: &AtomicBool,
    stop: &AtomicBool,
) -> Result<Seen> {
    let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 1 + (i / 250) as u8, (i % 250 + 1) as u8));
    let udp = UdpSocket::bind((ip, 0)).with_context(|| format!("UDP on {ip}"))?;
    let local = udp.local_addr()?;
    let mut rtc = RtcConfig::new().build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp")?);
    let mut sdp = rtc.sdp_api();
    sdp.add_media(MediaKind::Video, Direction::RecvOnly, None, None, None);
    let (offer, pending) = sdp.apply().context("an offer")?;
    let (status, location, answer) = http(ip, port, "POST", path, &offer.to_sdp_string())?;
    if status != 201 {
        bail!("viewer {i}: WHEP answered {status}: {}", answer.trim());
    }
    rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer)?)?;

    let mut seen = Seen::default();
    let mut buf = vec![0u8; 2048];
    let mut is_connected = false;
    while !stop.load(Ordering::SeqCst) {
        let wake = loop {
            match rtc.poll_output()? {
                Output::Timeout(at) => break at,
                Output::Transmit(t) => {
                    let _ = udp.send_to(&t.contents, t.destination);
                }
                Output::Event(Event::Connected) => {
                    is_connected = true;
                    connected.fetch_add(1, Ordering::SeqCst);
                }
                Output::Event(Event::MediaData(data)) if counting.load(Ordering::Relaxed) => {
                    seen.frames += 1;
                    // The RTP timestamp is the capture time in 90 kHz ticks (32 bits of it).
                    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_micros() * 9 / 100;
                    let ticks = (now as u64).wrapping_sub(data.time.numer()) & 0xffff_ffff;
                    if ticks < 90 * 60_000 {
                        seen.latencies_ms.push(ticks as f64 / 90.0);
                    }
                }
                Output::Event(_) => {}
            }
        };
        let wait =
            wake.saturating_duration_since(Instant::now()).clamp(Duration::from_millis(1), Duration::from_millis(100));
        udp.set_read_timeout(Some(wait))?;
        let input = match udp.recv_from(&mut buf) {
            Ok((n, source)) => Input::Receive(
                Instant::now(),
                Receive { proto: Protocol::Udp, source, destination: local, contents: buf[..n].try_into()? },
            ),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                Input::Timeout(Instant::now())
            }
            Err(e) => return Err(e.into()),
        };
        rtc.handle_input(input)?;
    }
    if !is_connected {
        eprintln!("whep_viewers: viewer {i} never connected");
    }
    if let Some(location) = location {
        http(ip, port, "DELETE", &location, "")?;
    }
    Ok(seen)
}

/// One HTTP/1.1 request from `ip`: (status, Location, body).
fn http(ip: IpAddr, port: u16, method: &str, path: &str, body: &str) -> Result<(u16, Option<String>, String)> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::new(ip, 0).into())?;
    socket.connect(&SocketAddr::from(([127, 0, 0, 1], port)).into())?;
    let mut stream: TcpStream = socket.into();
    let content = if body.is_empty() { String::new() } else { "Content-Type: application/sdp\r\n".into() };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{content}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response.split_once("\r\n\r\n").context("a whole HTTP answer")?;
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("an HTTP status")?;
    let location = head.lines().find_map(|l| {
        l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case("location")).map(|(_, v)| v.trim().to_string())
    });
    Ok((status, location, body.to_string()))
}
