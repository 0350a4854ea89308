//! WHEP (RFC 9725): `POST /whep` (or `/cam/NAME/whep`) with an SDP offer
//! answers `201 Created` with the SDP answer and the session's URL in
//! `Location`; `DELETE` on that URL ends the session. `OPTIONS` says what is
//! allowed; `PATCH` (trickle ICE, ICE restarts) is not supported: 405, as the
//! RFC allows, so a client sends its candidates in the offer or not at all
//! (the receiver is ICE-lite: it needs none of them).
//!
//! The offer passes the page's access rules like every request ([`access`](super::access)),
//! takes a place among `--max-viewers`, and the session counts as a `webrtc`
//! viewer in `/status` (named by `?viewer=ID`, as the page's other streams are).

use std::time::Duration;

use axum::{
    body::Body,
    extract::{Extension, State},
    http::{header, HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use camwire_wire::PayloadKind;
use tokio::sync::broadcast::error::RecvError;

use super::{
    no_store, page_id,
    server::{Local, Peer},
    viewer_place,
    watching::Mode,
    AppState,
};
use crate::view::webrtc::{profile_level_id, Keyframes, Refused, WebRtc};

/// The largest SDP offer read; a browser's is a few KiB.
pub(super) const MAX_OFFER: usize = 64 * 1024;

/// How long an offer waits for the camera's next access unit (to learn its H.264 profile).
const FIRST_FRAME_WAIT: Duration = Duration::from_secs(5);

fn text(status: StatusCode, body: String) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response();
    no_store(response.headers_mut());
    response
}

/// `POST .../whep`: an SDP offer in, the answer out.
pub(super) async fn offer(
    State(state): State<AppState>,
    Extension(peer): Extension<Peer>,
    Extension(local): Extension<Local>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(webrtc) = state.webrtc.clone() else {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "503: WebRTC is off (cam-recv --webrtc-port off); use /stream.mp4 or /stream.mjpg\n".into(),
        );
    };
    let sdp_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !sdp_type.trim().eq_ignore_ascii_case("application/sdp") {
        return text(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("415: a WHEP offer is an SDP offer sent as Content-Type: application/sdp (got {sdp_type:?})\n"),
        );
    }
    let Ok(sdp) = axum::body::to_bytes(body, MAX_OFFER).await else {
        return text(StatusCode::PAYLOAD_TOO_LARGE, format!("413: an SDP offer is at most {MAX_OFFER} bytes\n"));
    };
    let Ok(sdp) = std::str::from_utf8(&sdp) else {
        return text(StatusCode::BAD_REQUEST, "400: the SDP offer is not UTF-8 text\n".into());
    };
    let offer = match WebRtc::parse_offer(sdp) {
        Ok(offer) => offer,
        Err(why) => return text(StatusCode::BAD_REQUEST, format!("400: not a usable SDP offer: {why}\n")),
    };
    let (kind, camera) = {
        let stats = state.shared.stats.lock().expect("stats lock");
        (stats.kind, stats.camera.clone())
    };
    let jpeg = kind == Some(PayloadKind::Jpeg);
    if let Some(setting) = jpeg.then(|| webrtc.transcode_refused(camera.as_ref())).flatten() {
        return text(
            StatusCode::CONFLICT,
            format!(
                "409: this camera sends JPEG, and {setting} keeps it off WebRTC: use /stream.mjpg, change that \
                 setting, or have the camera send H.264 (cam-send --codec h264)\n"
            ),
        );
    }
    // A JPEG camera's H.264 comes from its encoder here, started for the first WebRTC viewer;
    // an offer past the limits is refused before it starts one.
    let mut early_slot = None;
    if jpeg {
        if let Err(why) = webrtc.room_for(peer.0.ip().to_canonical()) {
            return refused(why);
        }
        early_slot = match viewer_place(&state, peer) {
            Ok(slot) => Some(slot),
            Err(response) => return *response,
        };
    }
    let (mut feed, keyframes, encoder) = if jpeg {
        let (running, feed, keyframes) = state.transcoder.watch(&state.frames);
        (feed, keyframes, Some(running))
    } else {
        let Some(feed) = state.live_mp4.as_ref().and_then(|w| w.upgrade()).map(|tx| tx.subscribe()) else {
            return text(StatusCode::SERVICE_UNAVAILABLE, "503: cam-recv is shutting down\n".into());
        };
        (feed, Keyframes::Sender(state.keyframes.clone()), None)
    };
    // The stream's H.264 profile, from the next access unit's parameter sets.
    let deadline = tokio::time::Instant::now() + FIRST_FRAME_WAIT;
    let profile = loop {
        match tokio::time::timeout_at(deadline, feed.recv()).await {
            Ok(Ok(fragment)) => break profile_level_id(&fragment.init.codec),
            Ok(Err(RecvError::Lagged(_))) => continue,
            Ok(Err(RecvError::Closed)) | Err(_) => break None,
        }
    };
    let Some(profile) = profile else {
        let why = match state.shared.stats.lock().expect("stats lock").kind {
            Some(PayloadKind::Jpeg) => "no JPEG picture from the camera could be encoded to H.264 (see the log)",
            _ => "no H.264 is arriving from the camera (is cam-send running with --codec h264?)",
        };
        return text(StatusCode::SERVICE_UNAVAILABLE, format!("503: {why}; try again once it streams\n"));
    };
    if encoder.is_some() {
        // The access unit read above is gone: the viewer's first comes as a keyframe.
        keyframes.request("webrtc");
    }
    let slot = match early_slot.map_or_else(|| viewer_place(&state, peer), Ok) {
        Ok(slot) => slot,
        Err(response) => return *response,
    };
    let place = state.watching.join(Mode::WebRtc, page_id(uri.query()));
    let ended = slot.ended().clone();
    let hold: crate::view::webrtc::Hold = Box::new((slot, place, encoder));
    let local_ip = local.0.ip().to_canonical();
    let endpoint = uri.path().trim_end_matches('/').to_string();
    let camera = crate::view::webrtc::Camera { feed, keyframes, endpoint: endpoint.clone() };
    match webrtc.open(offer, peer.0.ip().to_canonical(), local_ip, profile, camera, hold, ended) {
        Ok((id, answer)) => {
            let location = format!("{endpoint}/{id}");
            let mut response = (
                StatusCode::CREATED,
                [(header::CONTENT_TYPE, "application/sdp".to_string()), (header::LOCATION, location)],
                answer,
            )
                .into_response();
            no_store(response.headers_mut());
            response
        }
        Err(why) => refused(why),
    }
}

/// The answer to an offer `webrtc` refused.
fn refused(why: Refused) -> Response {
    match why {
        Refused::Full(max) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("503: {max} WebRTC sessions are open, the limit; try again later\n"),
        ),
        Refused::TooManyFromAddress(max) => text(
            StatusCode::TOO_MANY_REQUESTS,
            format!("429: {max} WebRTC sessions are open from your address, the limit; end one (DELETE) first\n"),
        ),
        Refused::BadOffer(why) => text(StatusCode::BAD_REQUEST, format!("400: not a usable SDP offer: {why}\n")),
        Refused::NoH264(why) => text(
            StatusCode::NOT_ACCEPTABLE,
            format!("406: {why}; this browser cannot play the camera over WebRTC: use /stream.mp4 or /stream.mjpg\n"),
        ),
    }
}

/// `DELETE .../whep/ID`: ends the session.
pub(super) async fn end(State(state): State<AppState>, uri: Uri) -> Response {
    let (endpoint, id) = uri.path().rsplit_once('/').unwrap_or(("", ""));
    match state.webrtc.as_ref() {
        Some(webrtc) if webrtc.end(endpoint, id) => {
            let mut response = StatusCode::OK.into_response();
            no_store(response.headers_mut());
            response
        }
        _ => text(StatusCode::NOT_FOUND, "404: no such WebRTC session (it ended already?)\n".into()),
    }
}

/// `PATCH .../whep/ID`: trickle ICE and ICE restarts are not supported.
pub(super) async fn patch() -> Response {
    let mut response = text(
        StatusCode::METHOD_NOT_ALLOWED,
        "405: no trickle ICE or ICE restart here: put the candidates in the offer, or none (cam-recv is \
         ICE-lite), and POST a new offer to restart\n"
            .into(),
    );
    response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("DELETE, OPTIONS"));
    response
}

/// `OPTIONS .../whep`: what the endpoint takes.
pub(super) async fn options() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(header::ALLOW, header::HeaderValue::from_static("POST, OPTIONS"));
    headers.insert("accept-post", header::HeaderValue::from_static("application/sdp"));
    no_store(headers);
    response
}

/// `OPTIONS .../whep/ID`.
pub(super) async fn session_options() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("DELETE, OPTIONS"));
    no_store(response.headers_mut());
    response
}
