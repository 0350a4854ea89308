//! What an option may be: the checks the command line (`cli.rs`) and the
//! `--config` file (`config_file.rs`) both make, and the small types they
//! both need, so that each reads them from here rather than from the other.

use std::{net::SocketAddr, path::Path, time::Duration};

use anyhow::{anyhow, bail, Result};

/// The shortest token accepted.
pub const MIN_TOKEN_LEN: usize = 16;

/// The shortest `--http-auth` password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

/// The field that file, folder and URL options take the camera's name in.
pub const FIELD: &str = "{camera}";

/// What a `--record` file holds, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// Concatenated JPEGs (`.mjpeg`, `.mjpg`).
    Mjpeg,
    /// Raw Annex-B H.264 (`.h264`, `.264`).
    H264,
    /// Matroska (`.mkv`): JPEG or H.264, timed by the capture stamps.
    Mkv,
    /// Fragmented MP4 (`.mp4`): H.264, timed by the capture stamps.
    Mp4,
    /// MPEG transport stream (`.ts`): H.264, timed by the capture stamps.
    Ts,
}

impl RecordFormat {
    /// The format a file name asks for.
    pub fn from_path(path: &Path) -> Result<Self> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        Ok(match ext.as_deref() {
            Some("mjpeg" | "mjpg") => Self::Mjpeg,
            Some("h264" | "264") => Self::H264,
            Some("mkv") => Self::Mkv,
            Some("mp4") => Self::Mp4,
            Some("ts") => Self::Ts,
            _ => bail!(
                "--record {}: name the file .mkv (JPEG or H.264), .mp4 or .ts (H.264), or .mjpeg/.h264 for the raw \
                 stream, so players know what it holds",
                path.display()
            ),
        })
    }

    /// The payload kind this format holds (`Unknown` for `.mkv`, which holds either).
    pub fn kind(self) -> camwire_wire::PayloadKind {
        match self {
            Self::Mjpeg => camwire_wire::PayloadKind::Jpeg,
            Self::H264 | Self::Mp4 | Self::Ts => camwire_wire::PayloadKind::H264,
            Self::Mkv => camwire_wire::PayloadKind::Unknown,
        }
    }

    /// A container with timestamps, rather than the raw payloads one after another.
    pub fn is_container(self) -> bool {
        matches!(self, Self::Mkv | Self::Mp4 | Self::Ts)
    }
}

/// The fields in `value` (of `option`) are all `{camera}`.
pub fn check_fields(option: &str, value: &str) -> Result<()> {
    let mut rest = value;
    while let Some(at) = rest.find('{') {
        let field = rest[at..].find('}').map_or(&rest[at..], |end| &rest[at..=at + end]);
        if field != FIELD {
            bail!("{option} {value}: {field} is not a field; the one field is {FIELD}, the camera's name");
        }
        rest = &rest[at + FIELD.len()..];
    }
    Ok(())
}

/// `--segment`: a duration with its unit; a bare number gets the units to choose from.
pub(crate) fn segment_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{s} has no unit: write {s}s, {s}m or {s}h"));
    }
    humantime::parse_duration(s).map_err(|e| format!("{e}; use e.g. 30s, 10m or 1h"))
}

/// `--max-bytes`: a number of bytes, with or without a unit (`10G`, `500MB`, `1.5GiB`).
pub(crate) fn size_in_bytes(s: &str) -> Result<u64, String> {
    parse_size::parse_size(s).map_err(|e| format!("{e}: use bytes or a size with a unit, e.g. 500M, 10G or 10GiB"))
}

/// `USER:PASSWORD` with a password long enough; `from` says where it was given.
pub(crate) fn check_basic(auth: &str, from: &str) -> Result<()> {
    let Some((_, password)) = auth.split_once(':').filter(|(user, _)| !user.is_empty()) else {
        bail!("{from} needs USER:PASSWORD, e.g. viewer:correct-horse");
    };
    if password.chars().count() < MIN_PASSWORD_LEN {
        bail!(
            "{from}: the password has {} characters, too few to resist guessing; use at least {} \
             (`openssl rand -base64 12` makes one)",
            password.chars().count(),
            MIN_PASSWORD_LEN
        );
    }
    Ok(())
}

/// A token that fits in a URL and is long enough; `from` says where it was given.
pub(crate) fn check_token(token: &str, from: &str) -> Result<()> {
    if !token.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) {
        bail!("{from}: the token may hold only letters, digits and -._~ (it goes into URLs as ?token=...)");
    }
    if token.len() < MIN_TOKEN_LEN {
        bail!(
            "{from}: the token has {} characters, too few to resist guessing; use at least {} \
             (`openssl rand -hex 16` makes one)",
            token.len(),
            MIN_TOKEN_LEN
        );
    }
    Ok(())
}

/// `--publish URL`: a host, and the port where the scheme has no usual one
/// (`srt://`, `udp://`), so a URL that cannot work is refused at start.
pub(crate) fn check_publish_url(url: &str) -> Result<()> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let scheme = scheme.to_ascii_lowercase();
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let authority = authority.split(['?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !port.contains(']') => (host, Some(port)),
        _ => (host_port, None),
    };
    let example = match scheme.as_str() {
        "rtmp" | "rtmps" => "rtmp://HOST/APP/KEY, e.g. rtmp://127.0.0.1/live/cam",
        "rtsp" | "rtsps" => "rtsp://HOST:PORT/PATH, e.g. rtsp://127.0.0.1:8554/cam",
        _ => "srt://HOST:PORT or udp://HOST:PORT, e.g. udp://127.0.0.1:1234",
    };
    // SRT's listener mode waits for the server to call: no host then.
    let listener = url.contains("mode=listener");
    if host.is_empty() && !listener {
        bail!("--publish {url:?}: no host; use {example}");
    }
    match port {
        Some(port) if port.parse::<u16>().map_or(true, |p| p == 0) => {
            bail!("--publish {url:?}: {port:?} is not a port number (1-65535); use {example}")
        }
        None if matches!(scheme.as_str(), "srt" | "udp") => bail!("--publish {url:?}: no port; use {example}"),
        _ => {}
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    if path.trim_matches('/').is_empty() && !matches!(scheme.as_str(), "srt" | "udp") {
        bail!("--publish {url:?}: no stream name after the host; use {example}");
    }
    Ok(())
}

/// `--save-dir DIR`: a folder this user may write into, or one it may create
/// (its parent exists: only DIR itself is created, so a typo in the path is
/// not made into folders). With `{camera}` in it (`per_camera`), cam-recv
/// makes every camera's folders, as `--record` does for a `{camera}` or
/// strftime name: the nearest folder that exists must be writable.
pub(crate) fn check_save_dir(dir: &std::path::Path, per_camera: bool) -> Result<()> {
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => bail!("--save-dir {shown}: exists and is not a folder"),
        Ok(_) => writable(dir).map_err(|why| anyhow!("--save-dir {shown}: cannot write into it: {why}")),
        Err(_) => {
            let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let parent = match per_camera {
                true => parent.ancestors().find(|p| p.as_os_str().is_empty() || p.exists()).unwrap_or(parent),
                false => parent,
            };
            let parent = if parent.as_os_str().is_empty() { std::path::Path::new(".") } else { parent };
            if !parent.is_dir() {
                bail!(
                    "--save-dir {shown}: the folder {} does not exist; cam-recv creates only the last folder \
                     (mkdir -p {shown} makes them all)",
                    parent.display()
                );
            }
            writable(parent)
                .map_err(|why| anyhow!("--save-dir {shown}: cannot create it in {}: {why}", parent.display()))
        }
    }
}

/// Whether this user may make files in the folder `dir`; if not, why.
fn writable(dir: &std::path::Path) -> Result<(), String> {
    match rustix::fs::access(dir, rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::ROFS) => Err("the file system is read-only".to_string()),
        Err(rustix::io::Errno::ACCESS) => Err("permission denied".to_string()),
        Err(e) => Err(std::io::Error::from(e).to_string()),
    }
}

/// `--record FILE`: the file is made with the first frame, so its folder is
/// checked now (a name with strftime fields makes its folders itself, and
/// one with `{camera}` has each camera's folder made at its first stream).
pub(crate) fn check_record_folder(path: &std::path::Path) -> Result<()> {
    let text = path.to_string_lossy();
    if text.contains('%') || text.contains(FIELD) {
        return Ok(());
    }
    let shown = path.display();
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if !folder.is_dir() {
        bail!("--record {shown}: the folder {} does not exist; create it first", folder.display());
    }
    writable(folder).map_err(|why| anyhow!("--record {shown}: cannot make files in {}: {why}", folder.display()))
}

/// `ADDR:PORT`, `HOST:PORT`, `:PORT` (all interfaces) or a bare `PORT`.
pub(crate) fn parse_listen(s: &str) -> Result<SocketAddr> {
    parse_addr(s).map_err(|why| {
        anyhow!(
            "--listen {s:?}: {why}; use ADDR:PORT or HOST:PORT, e.g. 0.0.0.0:8000, 127.0.0.1:9000 or localhost:9000"
        )
    })
}

/// An address to bind: a host name is looked up, and its first IPv4 address
/// (else its first address) is used, so `localhost:8000` binds 127.0.0.1.
/// The error says what is wrong with `s`.
pub(crate) fn parse_addr(s: &str) -> Result<SocketAddr, String> {
    let full = if let Some(port) = s.strip_prefix(':') {
        format!("0.0.0.0:{port}")
    } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("0.0.0.0:{s}")
    } else {
        s.to_string()
    };
    if let Ok(addr) = full.parse() {
        return Ok(addr);
    }
    let (host, port) = full.rsplit_once(':').ok_or("no port")?;
    if port.parse::<u16>().is_err() {
        return Err(if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            format!("port {port} is out of range (0-65535)")
        } else {
            format!("{port:?} is not a port number (0-65535)")
        });
    }
    let addrs: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&full)
        .map_err(|_| format!("the name {host:?} does not resolve"))?
        .collect();
    addrs.iter().find(|a| a.is_ipv4()).or(addrs.first()).copied().ok_or_else(|| "the name has no address".into())
}
