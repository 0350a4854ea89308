//! Who may watch: `--http-auth USER:PASSWORD` (HTTP basic) or
//! `--http-token TOKEN` (`?token=TOKEN`, or `Authorization: Bearer TOKEN`),
//! checked on every route before anything else runs.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine;

/// The credentials a request must carry; both `None` means open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpAccess {
    /// `USER:PASSWORD` for HTTP basic authentication.
    pub basic: Option<String>,
    /// A token given as `?token=` or as a bearer token.
    pub token: Option<String>,
}

impl HttpAccess {
    /// Whether anything is required at all.
    pub fn is_open(&self) -> bool {
        self.basic.is_none() && self.token.is_none()
    }

    fn admits(&self, request: &Request) -> bool {
        let authorization = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let basic_ok = self.basic.as_ref().is_some_and(|expected| {
            authorization
                .and_then(|v| v.strip_prefix("Basic "))
                .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok())
                .is_some_and(|given| given == expected.as_bytes())
        });
        let token_ok = self.token.as_ref().is_some_and(|expected| {
            let bearer = authorization.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
            let query = request.uri().query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("token=")));
            bearer == Some(expected.as_str()) || query == Some(expected.as_str())
        });
        basic_ok || token_ok
    }
}

/// Middleware: passes admitted requests on, answers the rest with 401.
pub async fn check(State(access): State<HttpAccess>, request: Request, next: Next) -> Response {
    if access.is_open() || access.admits(&request) {
        return next.run(request).await;
    }
    let mut response = if access.basic.is_some() {
        let mut r =
            (StatusCode::UNAUTHORIZED, "401: this camwire view needs a user name and password\n").into_response();
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"camwire\""));
        r
    } else {
        (StatusCode::UNAUTHORIZED, "401: add ?token=YOUR-TOKEN to the address (the token cam-recv was given)\n")
            .into_response()
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
