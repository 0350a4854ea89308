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
//! on, and `--webrtc-public-ip` for viewers behind NAT) and never probes
//! itself. Packets are routed to their session by the STUN username (whose
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
    change::SdpOffer, config::CryptoProvider, format::Codec, ice::StunMessage, media::Mid, Candidate, IceCreds,
    RtcConfig,
};
use tokio::{net::UdpSocket, sync::mpsc};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

pub use crate::config::WebRtcOptions;
use crate::{backchannel::KeyframeRequests, sink::live_mp4::LiveFragment};

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
    ufrag: String,
    inbox: mpsc::Sender<Packet>,
    cancel: CancellationToken,
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
    pub async fn bind(ip: IpAddr, options: &WebRtcOptions, max_sessions: usize) -> Result<Arc<Self>> {
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
            crypto: Arc::new(str0m::crypto::from_feature_flags()),
            max_sessions,
            table: Mutex::new(Table::default()),
            stop: CancellationToken::new(),
        });
        tokio::spawn(this.clone().read());
        info!("WebRTC (WHEP) on UDP port {port}");
        Ok(this)
    }

    /// Ends every session and stops reading.
    pub fn close(&self) {
        self.stop.cancel();
    }

    /// Answers `offer` from `peer`, who reached the web view on `local`: a new
    /// session sending the H.264 of `camera` at `profile_level_id`. Returns the
    /// session's id and the SDP answer. `hold` is kept until the session ends.
    pub fn open(
        self: &Arc<Self>,
        offer: SdpOffer,
        peer: IpAddr,
        local: IpAddr,
        profile_level_id: u32,
        camera: Camera,
        hold: Hold,
    ) -> Result<(String, String), Refused> {
        let Camera { feed, keyframes } = camera;
        {
            let table = self.table.lock().expect("webrtc table");
            if table.sessions.len() >= self.max_sessions {
                return Err(Refused::Full(self.max_sessions));
            }
            let key = address_key(peer);
            if table.sessions.values().filter(|e| address_key(e.ip) == key).count() >= MAX_PER_ADDRESS {
                return Err(Refused::TooManyFromAddress(MAX_PER_ADDRESS));
            }
        }
        let creds = IceCreds::new();
        let mut config = RtcConfig::new()
            .set_ice_lite(true)
            .set_crypto_provider(self.crypto.clone())
            .set_local_ice_credentials(creds.clone())
            .clear_codecs();
        config.codec_config().add_h264(96.into(), None, true, profile_level_id);
        let mut rtc = config.build(Instant::now());
        let base = SocketAddr::new(local, self.port);
        let host =
            Candidate::host(base, "udp").map_err(|e| Refused::BadOffer(format!("host candidate {base}: {e}")))?;
        rtc.add_local_candidate(host);
        if let Some(public) = self.public_ip.filter(|ip| *ip != local) {
            match Candidate::server_reflexive(SocketAddr::new(public, self.port), base, "udp") {
                Ok(c) => {
                    rtc.add_local_candidate(c);
                }
                Err(e) => debug!("WebRTC: --webrtc-public-ip {public}: {e}"),
            }
        }
        let answer = rtc.sdp_api().accept_offer(offer).map_err(|e| Refused::BadOffer(e.to_string()))?;
        // The video the viewer receives (str0m tells its mid only once connected: read it from the
        // answer), and the payload type agreed for the stream's H.264.
        let answer = answer.to_sdp_string();
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
                Entry { ip: peer, ufrag: creds.ufrag, inbox: inbox_tx, cancel: cancel.clone(), addresses: Vec::new() },
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
            peer,
            id: id.clone(),
            keyframes,
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

    /// Reads an SDP offer.
    pub fn parse_offer(sdp: &str) -> Result<SdpOffer, String> {
        SdpOffer::from_sdp_string(sdp).map_err(|e| e.to_string())
    }

    /// Ends session `id` (a WHEP `DELETE`); false if there is none.
    pub fn end(&self, id: &str) -> bool {
        match self.table.lock().expect("webrtc table").remove(id) {
            Some(entry) => {
                entry.cancel.cancel();
                true
            }
            None => false,
        }
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

/// The camera a session watches: its access units, and the way to ask its
/// sender for an IDR.
pub struct Camera {
    /// The camera's H.264, access unit by access unit.
    pub feed: tokio::sync::broadcast::Receiver<LiveFragment>,
    /// Asks the camera's sender for a keyframe (protocol.md section 12).
    pub keyframes: KeyframeRequests,
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
    fn only_stun_binding_requests_name_a_session() {
        assert_eq!(stun_ufrag(&[0x80, 0x60, 0, 0]), None, "RTP");
        assert_eq!(stun_ufrag(&[22, 254, 253]), None, "DTLS");
        assert_eq!(stun_ufrag(&[0, 1, 0, 0]), None, "a short STUN header");
    }
}
