//! WebRTC for the web view: the sessions behind WHEP (RFC 9725), on one UDP
//! port for every viewer of every camera.
//!
//! A browser (or any WHEP player) posts an SDP offer to `/whep` or
//! `/cam/NAME/whep` ([`http::whep`](super::http)); [`WebRtc::open`] answers it
//! with one H.264 track whose `profile-level-id` is the stream's own (from its
//! SPS), and starts a [`session`] that sends the access units as they came,
//! packetized per RFC 6184 (packetization-mode 1) by str0m: no decode, no
//! re-encode. The library is str0m, a sans-IO WebRTC stack: it never opens a
//! socket itself, so all sessions share the one socket read here, and each
//! session is a tokio task owning its `Rtc`.
//!
//! The receiver is an ICE-lite peer: it answers the viewer's connectivity
//! checks on its host candidate (the address the viewer reached the web view
//! on) and never probes itself. For viewers outside the LAN the answer also
//! carries server-reflexive candidates: `--webrtc-public-ip`, and the address
//! a `--webrtc-stun` server saw the port's requests come from (asked at the
//! start and every [`STUN_REFRESH`], which keeps a NAT's mapping open). Packets are routed to their session by the STUN username (whose
//! first half is the session's own ICE ufrag), then by the source address the
//! checks came from.
//!
//! Guards: sessions in total and per address are counted ([`Limits`]); a
//! session that has not completed ICE and DTLS within [`CONNECT_TIMEOUT`] is
//! dropped; a connected one whose viewer stops its consent checks for
//! [`CONSENT_TIMEOUT`] (RFC 7675) is ended; a session's inbox is bounded and
//! drops what does not fit.

mod session;

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{Context, Result};
use str0m::{
    change::SdpOffer,
    config::CryptoProvider,
    format::Codec,
    ice::StunMessage,
    media::{MediaTime, Mid},
    rtp::Extension,
    Candidate, IceCreds, RtcConfig,
};
use tokio::{net::UdpSocket, sync::mpsc};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

pub use crate::config::WebRtcOptions;
use crate::{backchannel::KeyframeRequests, config::PlayoutDelay, decode::PixelLimit, sink::live_mp4::LiveFragment};

/// The playout-delay extension's id in str0m's map (unused by its standard ones); an
/// answer takes the id the offer gave it.
const PLAYOUT_DELAY_ID: u8 = 12;

/// The UDP port every WebRTC session shares unless `--webrtc-port` says otherwise (MediaMTX's).
pub const DEFAULT_PORT: u16 = 8189;

/// How long a new session may take to complete ICE and DTLS.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// A connected session whose viewer sends no consent check for this long has vanished (RFC 7675).
pub const CONSENT_TIMEOUT: Duration = Duration::from_secs(30);

/// WebRTC sessions open at once from one address (an IPv6 /64 counts as one).
pub const MAX_PER_ADDRESS: usize = 8;

/// Packets queued for one session; past it they are dropped, as the network would.
const INBOX: usize = 256;

/// Media sections (`m=` lines) an offer may have: a WHEP player offers one
/// video and perhaps one audio; hundreds would each cost the session memory.
const MAX_MEDIA_SECTIONS: usize = 8;

/// Source addresses remembered per session (its viewer's candidates that sent checks).
const MAX_ADDRESSES_PER_SESSION: usize = 8;

/// Why an offer was not answered.
#[derive(Debug)]
pub enum Refused {
    /// `max` sessions are open, the limit.
    Full(usize),
    /// `max` sessions are open from this address, the limit.
    TooManyFromAddress(usize),
    /// The offer is not an SDP offer str0m can answer.
    BadOffer(String),
    /// The offer has no video this stream can be sent as.
    NoH264(String),
}

/// The viewer's things a session holds while it lasts (its places among the viewers).
pub type Hold = Box<dyn Send + Sync>;

/// The shared UDP socket and the sessions on it.
pub struct WebRtc {
    socket: Arc<UdpSocket>,
    port: u16,
    public_ip: Option<IpAddr>,
    transcode_off: bool,
    /// The `--config` file, whose cameras may say `webrtc-transcode` themselves.
    file: Option<crate::config_file::Live>,
    max_pixels: PixelLimit,
    /// The least and most playout delay every packet asks for (`--webrtc-playout-delay`);
    /// `None` sends no playout-delay extension.
    playout_delay: Option<(MediaTime, MediaTime)>,
    /// What `--webrtc-stun` learned: the address the port is reached at from outside.
    stun: Stun,
    crypto: Arc<CryptoProvider>,
    max_sessions: usize,
    table: Mutex<Table>,
    stop: CancellationToken,
}

/// A packet for a session.
struct Packet {
    at: Instant,
    from: SocketAddr,
    data: Vec<u8>,
}

struct Entry {
    ip: IpAddr,
    /// The WHEP endpoint whose `DELETE` may end the session.
    endpoint: String,
    ufrag: String,
    inbox: mpsc::Sender<Packet>,
    cancel: CancellationToken,
    /// Cancelled when the viewer's place among `--max-viewers` went to another viewer.
    ended: CancellationToken,
    addresses: Vec<SocketAddr>,
}

#[derive(Default)]
struct Table {
    sessions: HashMap<String, Entry>,
    by_ufrag: HashMap<String, String>,
    by_addr: HashMap<SocketAddr, String>,
}

impl Table {
    fn remove(&mut self, id: &str) -> Option<Entry> {
        let entry = self.sessions.remove(id)?;
        self.by_ufrag.remove(&entry.ufrag);
        for a in &entry.addresses {
            self.by_addr.remove(a);
        }
        Some(entry)
    }
}

/// The key sessions are counted under per address: the address, or its /64 for IPv6.
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

impl WebRtc {
    /// Binds the UDP port on `ip` (the web view's address) and reads it until `stop`.
    /// An explicit port that is taken is an error; the default one falls back to any free port.
    /// A camera's `webrtc-transcode` in `file` overrides `--webrtc-transcode`.
    pub async fn bind(
        ip: IpAddr,
        options: &WebRtcOptions,
        max_sessions: usize,
        file: Option<crate::config_file::Live>,
    ) -> Result<Arc<Self>> {
        let socket = match options.port {
            Some(port) => UdpSocket::bind((ip, port)).await.with_context(|| {
                format!("--webrtc-port {port}: cannot bind UDP {ip}:{port} (is another cam-recv or MediaMTX on it?)")
            })?,
            None => match UdpSocket::bind((ip, DEFAULT_PORT)).await {
                Ok(socket) => socket,
                Err(e) => {
                    let socket = UdpSocket::bind((ip, 0)).await.context("WebRTC: binding a UDP port")?;
                    let port = socket.local_addr()?.port();
                    warn!(
                        "WebRTC: UDP {DEFAULT_PORT} is not free ({e}); using UDP {port} instead (a firewall \
                         must let that one through; --webrtc-port fixes it)"
                    );
                    socket
                }
            },
        };
        let port = socket.local_addr()?.port();
        let this = Arc::new(Self {
            socket: Arc::new(socket),
            port,
            public_ip: options.public_ip,
            transcode_off: options.transcode_off,
            file,
            max_pixels: options.max_pixels,
            playout_delay: match options.playout_delay {
                PlayoutDelay::UpTo(max) => Some((
                    MediaTime::from_millis(0),
                    MediaTime::from_millis(u64::try_from(max.as_millis()).unwrap_or(u64::MAX)),
                )),
                PlayoutDelay::Browser => None,
            },
            stun: Stun::default(),
            crypto: Arc::new(str0m::crypto::from_feature_flags()),
            max_sessions,
            table: Mutex::new(Table::default()),
            stop: CancellationToken::new(),
        });
        tokio::spawn(this.clone().read());
        info!("WebRTC (WHEP) on UDP port {port}");
        if let Some(server) = options.stun.clone() {
            tokio::spawn(this.clone().ask_stun(server));
        }
        Ok(this)
    }

    /// Why the WebRTC viewers of JPEG camera `camera` are refused rather than get it encoded
    /// (`--webrtc-transcode off`, or the camera's `webrtc-transcode = false` in the config file);
    /// `None` if they are not.
    pub fn transcode_refused(&self, camera: Option<&camwire_wire::CameraName>) -> Option<String> {
        let file = self.file.as_ref().map(|live| live.borrow().clone());
        let own = file.as_ref().zip(camera).and_then(|(file, name)| {
            let setting = file.cameras.get(name)?.webrtc_transcode?;
            Some((setting, format!("webrtc-transcode = false in [camera.{name}] of {}", file.path.display())))
        });
        match own {
            Some((true, _)) => None,
            Some((false, why)) => Some(why),
            None => self.transcode_off.then(|| "cam-recv --webrtc-transcode off".to_string()),
        }
    }

    /// The pixel budget of a JPEG camera's pictures encoded for WebRTC.
    pub fn max_pixels(&self) -> PixelLimit {
        self.max_pixels
    }

    /// Ends every session and stops reading.
    pub fn close(&self) {
        self.stop.cancel();
    }

    /// Answers `offer` from `peer`, who reached the web view on `local`: a new
    /// session sending the H.264 of `camera` at `profile_level_id`. Returns the
    /// session's id and the SDP answer. `hold` is kept until the session ends;
    /// the session ends when `ended` is cancelled (its viewer's place went to
    /// another viewer), and no longer counts from then on.
    #[allow(clippy::too_many_arguments)]
    pub fn open(
        self: &Arc<Self>,
        offer: SdpOffer,
        peer: IpAddr,
        local: IpAddr,
        profile_level_id: u32,
        camera: Camera,
        hold: Hold,
        ended: CancellationToken,
    ) -> Result<(String, String), Refused> {
        let Camera { feed, keyframes, endpoint } = camera;
        self.room_for(peer)?;
        let creds = IceCreds::new();
        let mut config = RtcConfig::new()
            .set_ice_lite(true)
            .set_crypto_provider(self.crypto.clone())
            .set_local_ice_credentials(creds.clone())
            .clear_codecs();
        if self.playout_delay.is_some() {
            config = config.set_extension(PLAYOUT_DELAY_ID, Extension::PlayoutDelay);
        }
        config.codec_config().add_h264(96.into(), None, true, profile_level_id);
        let mut rtc = config.build(Instant::now());
        let base = SocketAddr::new(local, self.port);
        let host =
            Candidate::host(base, "udp").map_err(|e| Refused::BadOffer(format!("host candidate {base}: {e}")))?;
        rtc.add_local_candidate(host);
        let answer = rtc.sdp_api().accept_offer(offer).map_err(|e| Refused::BadOffer(one_line(&e.to_string())))?;
        // The video the viewer receives (str0m tells its mid only once connected: read it from the
        // answer), and the payload type agreed for the stream's H.264.
        let answer = answer.to_sdp_string();
        // The addresses viewers outside reach the port at: str0m, ICE-lite, offers host
        // candidates only, so these go into the answer's text as server-reflexive ones (their
        // checks arrive on the same socket and are answered like the host candidate's).
        // The STUN server's answer goes in as it came (without NAT it is the host address again).
        let mut reflexive: Vec<SocketAddr> =
            self.public_ip.filter(|ip| *ip != local).map(|ip| SocketAddr::new(ip, self.port)).into_iter().collect();
        reflexive.extend(*self.stun.learned.lock().expect("stun lock"));
        reflexive.dedup();
        let answer = with_reflexive(answer, &reflexive, base, &creds.ufrag);
        let video = video_mid(&answer);
        let no_h264 = || {
            Refused::NoH264(format!(
                "the offer has no video this browser receives as H.264 profile-level-id {profile_level_id:06x} \
                 with packetization-mode 1"
            ))
        };
        let mid = video.ok_or_else(no_h264)?;
        let pt = rtc
            .writer(mid)
            .and_then(|w| w.payload_params().find(|p| p.spec().codec == Codec::H264).map(|p| p.pt()))
            .ok_or_else(no_h264)?;
        let id = session_id();
        let (inbox_tx, inbox) = mpsc::channel(INBOX);
        let cancel = self.stop.child_token();
        {
            let mut table = self.table.lock().expect("webrtc table");
            table.by_ufrag.insert(creds.ufrag.clone(), id.clone());
            table.sessions.insert(
                id.clone(),
                Entry {
                    ip: peer,
                    endpoint,
                    ufrag: creds.ufrag,
                    inbox: inbox_tx,
                    cancel: cancel.clone(),
                    ended: ended.clone(),
                    addresses: Vec::new(),
                },
            );
        }
        let run = session::Session {
            rtc,
            mid,
            pt,
            local: base,
            socket: self.socket.clone(),
            feed,
            inbox,
            cancel,
            ended,
            peer,
            id: id.clone(),
            keyframes,
            playout_delay: self.playout_delay,
        };
        let this = self.clone();
        tokio::spawn(async move {
            let end = run.run().await;
            this.table.lock().expect("webrtc table").remove(&end.id);
            debug!("WebRTC: session {} with {peer} ended: {}", &end.id[..8], end.why);
            drop(hold);
        });
        debug!("WebRTC: session {} for {peer} (H.264 {profile_level_id:06x}, payload type {pt})", &id[..8]);
        Ok((id, answer))
    }

    /// Whether a session for `peer` fits within the limits now.
    pub fn room_for(&self, peer: IpAddr) -> Result<(), Refused> {
        let table = self.table.lock().expect("webrtc table");
        // A session whose place was just given to this viewer is ending: it does not count.
        let open = || table.sessions.values().filter(|e| !e.ended.is_cancelled());
        if open().count() >= self.max_sessions {
            return Err(Refused::Full(self.max_sessions));
        }
        let key = address_key(peer);
        if open().filter(|e| address_key(e.ip) == key).count() >= MAX_PER_ADDRESS {
            return Err(Refused::TooManyFromAddress(MAX_PER_ADDRESS));
        }
        Ok(())
    }

    /// Reads an SDP offer; what is wrong with it is said on one line.
    pub fn parse_offer(sdp: &str) -> Result<SdpOffer, String> {
        let sections = sdp.lines().filter(|l| l.starts_with("m=")).count();
        if sections > MAX_MEDIA_SECTIONS {
            return Err(format!(
                "{sections} media sections (m= lines); a WHEP viewer offers one video (and maybe audio), at most \
                 {MAX_MEDIA_SECTIONS}"
            ));
        }
        SdpOffer::from_sdp_string(sdp).map_err(|e| one_line(&e.to_string()))
    }

    /// Ends session `id` of WHEP endpoint `endpoint` (a `DELETE` of its URL); false if that
    /// endpoint has no such session (another camera's session is not this camera's to end).
    pub fn end(&self, endpoint: &str, id: &str) -> bool {
        let mut table = self.table.lock().expect("webrtc table");
        if table.sessions.get(id).is_none_or(|entry| entry.endpoint != endpoint) {
            return false;
        }
        let entry = table.remove(id).expect("the session just found");
        entry.cancel.cancel();
        true
    }

    /// Reads the socket until [`Self::close`], handing each packet to its session.
    async fn read(self: Arc<Self>) {
        let mut buf = vec![0u8; 2048];
        loop {
            let (n, from) = tokio::select! {
                () = self.stop.cancelled() => break,
                r = self.socket.recv_from(&mut buf) => match r {
                    Ok(r) => r,
                    Err(e) => {
                        // ICMP port unreachable from a viewer that left, and the like.
                        debug!("WebRTC: UDP receive: {e}");
                        continue;
                    }
                },
            };
            let data = &buf[..n];
            if self.stun.answer(from, data) {
                continue;
            }
            let mut table = self.table.lock().expect("webrtc table");
            let id = match table.by_addr.get(&from) {
                Some(id) => Some(id.clone()),
                None => stun_ufrag(data).and_then(|ufrag| table.by_ufrag.get(&ufrag).cloned()),
            };
            let Some(id) = id else { continue };
            let Some(entry) = table.sessions.get_mut(&id) else { continue };
            let packet = Packet { at: Instant::now(), from, data: data.to_vec() };
            if entry.inbox.try_send(packet).is_err() {
                continue;
            }
            if !entry.addresses.contains(&from) && entry.addresses.len() < MAX_ADDRESSES_PER_SESSION {
                entry.addresses.push(from);
                table.by_addr.insert(from, id);
            }
        }
        let mut table = self.table.lock().expect("webrtc table");
        for (_, entry) in table.sessions.drain() {
            entry.cancel.cancel();
        }
    }
}

/// The STUN server asked for the receiver's public address (`--webrtc-stun`), and its answer.
#[derive(Default)]
struct Stun {
    /// The server's address, once looked up: what comes from it is its answers.
    server: Mutex<Option<SocketAddr>>,
    /// The transaction waited for.
    waiting: Mutex<Option<[u8; 12]>>,
    /// The address the server saw the requests come from.
    learned: Mutex<Option<SocketAddr>>,
    heard: tokio::sync::Notify,
}

/// How long the STUN server has to answer before it is reported as not answering;
/// requests are sent again within it (0, 0.5, 1.5 s).
const STUN_WAIT: Duration = Duration::from_secs(3);

/// How often the STUN server is asked again, which keeps a NAT's mapping of the port open.
const STUN_REFRESH: Duration = Duration::from_secs(25);

impl Stun {
    /// Takes `data` from `from` if it comes from the STUN server (an answer to the request
    /// waited for is kept).
    fn answer(&self, from: SocketAddr, data: &[u8]) -> bool {
        if *self.server.lock().expect("stun lock") != Some(from) {
            return false;
        }
        let mut waiting = self.waiting.lock().expect("stun lock");
        if let Some(addr) = waiting.as_ref().and_then(|id| binding_success(data, id)) {
            *waiting = None;
            *self.learned.lock().expect("stun lock") = Some(addr);
            self.heard.notify_one();
        }
        true
    }
}

/// STUN's magic cookie (RFC 8489 section 5).
const STUN_COOKIE: [u8; 4] = [0x21, 0x12, 0xa4, 0x42];

/// A STUN Binding request (RFC 8489 section 5): no attributes, transaction `id`.
fn binding_request(id: &[u8; 12]) -> [u8; 20] {
    let mut request = [0u8; 20];
    request[1] = 0x01;
    request[4..8].copy_from_slice(&STUN_COOKIE);
    request[8..].copy_from_slice(id);
    request
}

/// The XOR-MAPPED-ADDRESS (RFC 8489 section 14.2) of `data` if it is the Binding success
/// response to transaction `id`. Read here rather than with str0m's STUN parser, which
/// takes only ICE's binding responses (with MESSAGE-INTEGRITY, which a STUN server's lack).
fn binding_success(data: &[u8], id: &[u8; 12]) -> Option<SocketAddr> {
    if data.len() < 20 || data[..2] != [0x01, 0x01] || data[4..8] != STUN_COOKIE || &data[8..20] != id {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([data[2], data[3]]));
    let mut attrs = data.get(20..20 + len)?;
    while attrs.len() >= 4 {
        let kind = u16::from_be_bytes([attrs[0], attrs[1]]);
        let size = usize::from(u16::from_be_bytes([attrs[2], attrs[3]]));
        let value = attrs.get(4..4 + size)?;
        if kind == 0x0020 && size >= 8 {
            let port = u16::from_be_bytes([value[2], value[3]]) ^ 0x2112;
            let ip = match (value[1], size) {
                (0x01, 8) => IpAddr::from(std::array::from_fn::<u8, 4, _>(|i| value[4 + i] ^ STUN_COOKIE[i])),
                (0x02, 20) => {
                    let key: Vec<u8> = STUN_COOKIE.iter().chain(id).copied().collect();
                    IpAddr::from(std::array::from_fn::<u8, 16, _>(|i| value[4 + i] ^ key[i]))
                }
                _ => return None,
            };
            return Some(SocketAddr::new(ip, port));
        }
        attrs = attrs.get(4 + size.div_ceil(4) * 4..).unwrap_or(&[]);
    }
    None
}

impl WebRtc {
    /// Asks `server` (`HOST:PORT`) where this receiver's port is reached from outside, now and
    /// every [`STUN_REFRESH`]; its answer is offered to viewers. One line says what it said, or
    /// that it did not answer (viewers then get the host candidates only).
    async fn ask_stun(self: Arc<Self>, server: String) {
        let ipv6 = self.socket.local_addr().is_ok_and(|a| a.is_ipv6());
        let found = tokio::net::lookup_host(server.as_str()).await.map(|addrs| {
            let addrs: Vec<SocketAddr> = addrs.collect();
            addrs.iter().find(|a| a.is_ipv6() == ipv6).copied().or(addrs.first().copied())
        });
        let to = match found {
            Ok(Some(to)) => to,
            Ok(None) | Err(_) => {
                warn!(
                    "WebRTC: STUN server {server} (--webrtc-stun): the name does not resolve; viewers get this \
                     machine's own address only (outside the LAN, give the public address: --webrtc-public-ip)"
                );
                return;
            }
        };
        *self.stun.server.lock().expect("stun lock") = Some(to);
        let mut reported: Option<Option<SocketAddr>> = None;
        loop {
            let mut id = [0u8; 12];
            getrandom::fill(&mut id).expect("the system's random numbers");
            *self.stun.waiting.lock().expect("stun lock") = Some(id);
            let request = binding_request(&id);
            let deadline = tokio::time::Instant::now() + STUN_WAIT;
            let mut resend = Duration::from_millis(500);
            let mut next = tokio::time::Instant::now();
            let heard = loop {
                if tokio::time::Instant::now() >= next {
                    if let Err(e) = self.socket.send_to(&request, to).await {
                        debug!("WebRTC: STUN request to {to}: {e}");
                    }
                    next += resend;
                    resend *= 2;
                }
                tokio::select! {
                    () = self.stop.cancelled() => return,
                    () = self.stun.heard.notified() => break true,
                    () = tokio::time::sleep_until(next.min(deadline)) => {
                        if tokio::time::Instant::now() >= deadline { break false }
                    }
                }
            };
            let learned = if heard { *self.stun.learned.lock().expect("stun lock") } else { None };
            if reported != Some(learned) {
                match learned {
                    Some(addr) => info!(
                        "WebRTC: the STUN server {server} sees this receiver at {addr}; offered to viewers \
                         (a firewall or router must let UDP {} through to it)",
                        self.port
                    ),
                    None => warn!(
                        "WebRTC: the STUN server {server} ({to}) did not answer in {} s; viewers get this \
                         machine's own address only (check --webrtc-stun or [webrtc] stun in --config, or give \
                         the public address: --webrtc-public-ip)",
                        STUN_WAIT.as_secs()
                    ),
                }
                reported = Some(learned);
            }
            if !heard {
                *self.stun.learned.lock().expect("stun lock") = None;
            }
            tokio::select! {
                () = self.stop.cancelled() => return,
                () = tokio::time::sleep(STUN_REFRESH) => {}
            }
        }
    }
}

/// The SDP answer `sdp` with a server-reflexive candidate for each of `addrs` (of host
/// candidate `base`) after its last candidate line.
fn with_reflexive(sdp: String, addrs: &[SocketAddr], base: SocketAddr, ufrag: &str) -> String {
    let lines: Vec<String> = addrs
        .iter()
        .filter_map(|addr| Candidate::server_reflexive(*addr, base, "udp").ok())
        .map(|mut c| {
            c.set_ufrag(ufrag);
            format!("a={}\r\n", c.to_sdp_string())
        })
        .collect();
    if lines.is_empty() {
        return sdp;
    }
    let at = match sdp.rfind("a=candidate:") {
        Some(last) => sdp[last..].find("\r\n").map_or(sdp.len(), |end| last + end + 2),
        None => sdp.len(),
    };
    let mut out = String::with_capacity(sdp.len() + 128 * lines.len());
    out.push_str(&sdp[..at]);
    lines.iter().for_each(|l| out.push_str(l));
    out.push_str(&sdp[at..]);
    out
}

/// str0m's error `text` on one line, without the parser's pointer addresses
/// (`Parse error at PointerOffset(0x7f...)`), which tell a user nothing.
fn one_line(text: &str) -> String {
    let parts = text.lines().map(|line| match line.find("Parse error at PointerOffset") {
        Some(at) => &line[..at],
        None => line,
    });
    let parts: Vec<&str> = parts.map(|p| p.trim().trim_end_matches(':').trim_end()).filter(|p| !p.is_empty()).collect();
    parts.join(": ")
}

/// The receiver's own ufrag in a STUN binding request's `USERNAME` (`ours:theirs`).
fn stun_ufrag(data: &[u8]) -> Option<String> {
    // RFC 7983: a first byte of 0-3 is STUN.
    if data.first().is_none_or(|b| *b > 3) {
        return None;
    }
    let message = StunMessage::parse(data).ok()?;
    if !message.is_binding_request() {
        return None;
    }
    message.split_username().map(|(ours, _)| ours.to_string())
}

/// The mid of the first video the answer `sdp` accepts (a port other than 0).
fn video_mid(sdp: &str) -> Option<Mid> {
    let mut in_video = false;
    for line in sdp.lines() {
        if let Some(media) = line.strip_prefix("m=") {
            in_video = media.starts_with("video ") && !media.starts_with("video 0 ");
        } else if let Some(mid) = line.strip_prefix("a=mid:").filter(|_| in_video) {
            return Some(Mid::from(mid.trim()));
        }
    }
    None
}

/// A new session's id: 128 random bits in hex, unguessable (it is the WHEP resource's URL).
fn session_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random numbers");
    hex_string(&bytes)
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The camera a session watches: its access units, and the way to ask for an IDR.
pub struct Camera {
    /// The camera's H.264 (or a JPEG camera's, encoded here), access unit by access unit.
    pub feed: tokio::sync::broadcast::Receiver<LiveFragment>,
    /// Where a keyframe comes from.
    pub keyframes: Keyframes,
    /// The WHEP endpoint the offer came to (`/whep`, `/cam/NAME/whep`): the session's URL
    /// is under it, and only a `DELETE` there ends it.
    pub endpoint: String,
}

/// Who makes a session's keyframes.
#[derive(Clone)]
pub enum Keyframes {
    /// The camera's sender, asked over the back channel (protocol.md section 12).
    Sender(KeyframeRequests),
    /// The receiver's own encoder of a JPEG camera: its next picture is an IDR.
    Encoder(Arc<std::sync::atomic::AtomicBool>),
}

impl Keyframes {
    /// Asks for a keyframe; `why` names who needs it (a word, for the sender's log).
    pub fn request(&self, why: &'static str) {
        match self {
            Self::Sender(requests) => {
                requests.request(why);
            }
            Self::Encoder(wanted) => wanted.store(true, std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// The `profile-level-id` (profile_idc, constraint flags, level_idc) of the
/// stream whose fMP4 codec string (`avc1.PPCCLL`) is `codec`.
pub fn profile_level_id(codec: &str) -> Option<u32> {
    let hex = codec.strip_prefix("avc1.")?;
    (hex.len() == 6).then(|| u32::from_str_radix(hex, 16).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stun_servers_binding_response_gives_the_mapped_address() {
        // coturn 4.6's answer to a request from 127.0.0.1:58085: XOR-MAPPED-ADDRESS,
        // MAPPED-ADDRESS, RESPONSE-ORIGIN, SOFTWARE.
        let hex = "0101003c2112a4425ffd083dd1ebd876cc93d027002000080001c3f75e12a443000100080001e2e57f000001\
                   802b0008000187de7f00000180220014436f7475726e2d342e362e312027476f72737427";
        let data: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        let id: [u8; 12] = data[8..20].try_into().unwrap();
        assert_eq!(binding_success(&data, &id), Some("127.0.0.1:58085".parse().unwrap()));
        assert_eq!(binding_success(&data, &[0; 12]), None, "another transaction's");
        assert_eq!(binding_success(&data[..40], &id), None, "cut short");
        let request = binding_request(&id);
        assert_eq!(binding_success(&request, &id), None, "a request is no answer");
        assert_eq!(&request[..8], &[0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42]);
    }

    #[test]
    fn reflexive_candidates_go_after_the_host_candidate() {
        let sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=candidate:1 1 udp 2130706175 127.0.0.1 8189 typ host\r\n\
                   a=end-of-candidates\r\n"
            .to_string();
        let base: SocketAddr = "127.0.0.1:8189".parse().unwrap();
        let out = with_reflexive(sdp, &["192.0.2.7:8189".parse().unwrap()], base, "abcd");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[3].starts_with("a=candidate:") && lines[3].contains(" 192.0.2.7 8189 typ srflx "), "{out}");
        assert_eq!(lines[4], "a=end-of-candidates");
    }

    #[test]
    fn profile_level_id_comes_from_the_codec_string() {
        assert_eq!(profile_level_id("avc1.42c01f"), Some(0x42c01f));
        assert_eq!(profile_level_id("avc1.640028"), Some(0x640028));
        assert_eq!(profile_level_id("avc1.64"), None);
        assert_eq!(profile_level_id("mp4a.40.2"), None);
    }

    #[test]
    fn the_video_mid_is_read_from_the_answer() {
        let sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\nm=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n\
                   m=video 9 UDP/TLS/RTP/SAVPF 106\r\na=mid:v2\r\n";
        assert_eq!(video_mid(sdp), Some(Mid::from("v2")));
        assert_eq!(video_mid("v=0\r\nm=audio 9 RTP 0\r\na=mid:0\r\n"), None);
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        let a: IpAddr = "2001:db8:1:2::5".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::5".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
    }

    #[test]
    fn sdp_errors_are_one_line_without_pointers() {
        assert_eq!(
            one_line(
                "SDP parse: Parse error at PointerOffset(0x7fd9c0063425)\nMore than one a=rtp_map:102 for mid: 0\n"
            ),
            "SDP parse: More than one a=rtp_map:102 for mid: 0"
        );
        assert_eq!(one_line("remote sdp: No m-lines in offer"), "remote sdp: No m-lines in offer");
    }

    #[test]
    fn only_stun_binding_requests_name_a_session() {
        assert_eq!(stun_ufrag(&[0x80, 0x60, 0, 0]), None, "RTP");
        assert_eq!(stun_ufrag(&[22, 254, 253]), None, "DTLS");
        assert_eq!(stun_ufrag(&[0, 1, 0, 0]), None, "a short STUN header");
    }
}
