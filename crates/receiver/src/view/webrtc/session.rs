//! One WebRTC viewer: its `Rtc`, fed the packets routed to it and the
//! camera's access units, until the viewer leaves, vanishes or never connects.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Instant, UNIX_EPOCH},
};

use str0m::{
    media::{MediaTime, Mid, Pt},
    net::{Protocol, Receive},
    Event, IceConnectionState, Input, Output, Rtc,
};
use tokio::{
    net::UdpSocket,
    sync::{broadcast, mpsc},
};
use tokio_util::sync::CancellationToken;
use tracing::debug;

use super::{Keyframes, Packet, CONNECT_TIMEOUT, CONSENT_TIMEOUT};
use crate::sink::live_mp4::LiveFragment;

/// A session's state, moved into its task.
pub(super) struct Session {
    pub rtc: Rtc,
    /// The video track and its H.264 payload type.
    pub mid: Mid,
    pub pt: Pt,
    /// The host candidate's address: where the viewer's packets were sent to.
    pub local: SocketAddr,
    pub socket: Arc<UdpSocket>,
    pub feed: broadcast::Receiver<LiveFragment>,
    pub inbox: mpsc::Receiver<Packet>,
    pub cancel: CancellationToken,
    /// Cancelled when the viewer's place among `--max-viewers` goes to another viewer.
    pub ended: CancellationToken,
    /// Asks for an IDR (the camera's sender through protocol.md section 12,
    /// or the JPEG camera's encoder here), for a new viewer and for the browser's PLI/FIR.
    pub keyframes: Keyframes,
    pub peer: IpAddr,
    pub id: String,
    /// The least and most playout delay each frame's packets ask for, if any
    /// (`--webrtc-playout-delay`; a browser that did not offer the extension gets none).
    pub playout_delay: Option<(MediaTime, MediaTime)>,
}

/// How a session ended.
pub(super) struct End {
    pub id: String,
    pub why: &'static str,
}

impl Session {
    /// Runs until the session ends.
    pub(super) async fn run(mut self) -> End {
        let why = self.serve().await;
        self.rtc.disconnect();
        End { id: self.id, why }
    }

    async fn serve(&mut self) -> &'static str {
        let started = tokio::time::Instant::now();
        let mut connected = false;
        // A new viewer starts at the stream's next IDR, as does one that fell behind.
        let mut need_keyframe = true;
        let mut heard = tokio::time::Instant::now();
        loop {
            let wake = match self.drain(&mut connected) {
                Ok(wake) => wake,
                Err(why) => return why,
            };
            if !self.rtc.is_alive() {
                return "the connection closed";
            }
            let wake = tokio::time::Instant::from_std(wake);
            let deadline = if connected { heard + CONSENT_TIMEOUT } else { started + CONNECT_TIMEOUT };
            tokio::select! {
                biased;
                () = self.cancel.cancelled() => return "ended by the viewer (DELETE) or by cam-recv",
                () = self.ended.cancelled() => return "ended to make room for a viewer from another address",
                packet = self.inbox.recv() => {
                    let Some(packet) = packet else { return "cam-recv stopped" };
                    if packet.data.first().is_some_and(|b| *b <= 3) {
                        // STUN: the viewer's connectivity and consent checks.
                        heard = tokio::time::Instant::now();
                    }
                    let Ok(contents) = packet.data.as_slice().try_into() else { continue };
                    let receive = Receive { proto: Protocol::Udp, source: packet.from, destination: self.local, contents };
                    if let Err(e) = self.rtc.handle_input(Input::Receive(packet.at, receive)) {
                        debug!("WebRTC: session {}: {e}", &self.id[..8]);
                    }
                }
                fragment = self.feed.recv() => match fragment {
                    Ok(fragment) => self.send(&fragment, connected, &mut need_keyframe),
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        need_keyframe = true;
                        self.keyframes.request("webrtc");
                    }
                    Err(broadcast::error::RecvError::Closed) => return "the camera's stream closed",
                },
                () = tokio::time::sleep_until(wake) => {
                    if let Err(e) = self.rtc.handle_input(Input::Timeout(Instant::now())) {
                        debug!("WebRTC: session {}: {e}", &self.id[..8]);
                    }
                }
                () = tokio::time::sleep_until(deadline) => {
                    return if connected {
                        "the viewer vanished (no consent check for 30 s)"
                    } else {
                        "ICE and DTLS did not complete in time"
                    };
                }
            }
        }
    }

    /// Sends what str0m has to send and handles its events; returns when it next needs a timeout.
    fn drain(&mut self, connected: &mut bool) -> Result<Instant, &'static str> {
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(at)) => return Ok(at),
                Ok(Output::Transmit(t)) => {
                    // A full socket buffer drops the packet, as a congested network would.
                    let _ = self.socket.try_send_to(&t.contents, t.destination);
                }
                Ok(Output::Event(event)) => match event {
                    Event::Connected => {
                        *connected = true;
                        // The viewer plays from the next IDR: ask for it now rather than wait.
                        self.keyframes.request("webrtc");
                        debug!("WebRTC: session {} with {} connected", &self.id[..8], self.peer);
                    }
                    Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                        return Err("ICE disconnected");
                    }
                    Event::KeyframeRequest(_) => {
                        self.keyframes.request("webrtc");
                    }
                    _ => {}
                },
                Err(e) => {
                    debug!("WebRTC: session {}: {e}", &self.id[..8]);
                    return Err("a WebRTC error");
                }
            }
        }
    }

    /// Writes one access unit, from a keyframe on.
    fn send(&mut self, fragment: &LiveFragment, connected: bool, need_keyframe: &mut bool) {
        if fragment.access_unit.is_empty() {
            return;
        }
        if !connected {
            *need_keyframe = true;
            return;
        }
        if *need_keyframe {
            if !fragment.keyframe {
                return;
            }
            *need_keyframe = false;
        }
        let Some(mut writer) = self.rtc.writer(self.mid) else { return };
        if let Some((least, most)) = self.playout_delay {
            writer = writer.playout_delay(least, most);
        }
        let rtp_time = MediaTime::from_90khz(rtp_ticks(fragment));
        if let Err(e) = writer.write(self.pt, Instant::now(), rtp_time, fragment.access_unit.as_ref()) {
            debug!("WebRTC: session {}: writing a frame: {e}", &self.id[..8]);
        }
    }
}

/// The RTP timestamp: the capture time in 90 kHz ticks since 1970 when the
/// frame is stamped (so a page maps `rtpTimestamp` back to the capture time
/// with its own clock), else the stream's timeline.
fn rtp_ticks(fragment: &LiveFragment) -> u64 {
    match fragment.captured_at.and_then(|at| at.duration_since(UNIX_EPOCH).ok()) {
        Some(since) => (since.as_micros() * 9 / 100) as u64,
        None => fragment.dts,
    }
}
