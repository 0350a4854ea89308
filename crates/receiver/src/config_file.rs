//! `cam-recv --config FILE`: what the command line cannot say well, in TOML:
//! each camera's secret, the addresses it may send from, its own listen port
//! and its own sinks; and viewers that may watch some cameras and not others.
//!
//! ```toml
//! [camera.garden]
//! secret-file = "/etc/camwire/garden.secret"
//! from = ["192.168.1.30"]
//! record = "/var/lib/cam-recv/garden/%F/%H%M%S.mp4"
//! segment = "10m"
//!
//! [viewer.neighbour]
//! token-file = "/etc/camwire/neighbour.token"
//! cameras = ["garden"]
//!
//! [webrtc]
//! public-ip = "203.0.113.7"
//! stun = "stun.example.net:3478"
//! ```
//!
//! How it combines with the command line: the command line's sink options
//! (`--record`, `--segment`, `--keep`, `--max-bytes`, `--save-dir`,
//! `--publish`, `--pipe`, `--verify`) are every camera's defaults, and a
//! camera's table overrides only the keys it sets; `--secret-file` is the
//! secret of every camera without its own; `--http-auth`/`--http-token` see
//! every camera, besides the file's viewers; `webrtc-transcode = false` (or
//! `true`) overrides `--webrtc-transcode` for the camera's WebRTC viewers. A camera is named either on the
//! command line (`--camera`, `--listen NAME=`) or in the file, never both; so are the `[webrtc]`
//! table's `public-ip` and `stun` (`--webrtc-public-ip`, `--webrtc-stun`), which are read at start
//! only (the WebRTC port is bound then).
//!
//! Unknown keys and bad values are one line naming the file, the line and the
//! key. SIGHUP reads the file again (`reload.rs`); a broken file
//! then leaves the running configuration as it was.

use std::{
    collections::BTreeMap,
    fmt,
    net::SocketAddr,
    ops::Range,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{anyhow, bail, Result};
use camwire_wire::{handshake::Secret, CameraName};
use serde::Deserialize;
use toml::Spanned;

use crate::checks::{
    check_basic, check_fields, check_publish_url, check_record_folder, check_save_dir, check_token, parse_listen,
    segment_duration, size_in_bytes, RecordFormat, FIELD,
};

/// The file as written: every table and key it may hold.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    camera: BTreeMap<Spanned<String>, RawCamera>,
    #[serde(default)]
    viewer: BTreeMap<Spanned<String>, RawViewer>,
    webrtc: Option<RawWebRtc>,
}

/// `[webrtc]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawWebRtc {
    public_ip: Option<Spanned<String>>,
    stun: Option<Spanned<String>>,
}

/// `[camera.NAME]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCamera {
    secret_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    from: Vec<Spanned<String>>,
    listen: Option<Spanned<String>>,
    record: Option<Spanned<PathBuf>>,
    overwrite: Option<bool>,
    segment: Option<Spanned<String>>,
    keep: Option<Spanned<u64>>,
    max_bytes: Option<Spanned<String>>,
    save_dir: Option<Spanned<PathBuf>>,
    publish: Option<Spanned<String>>,
    pipe: Option<Spanned<String>>,
    verify: Option<bool>,
    webrtc_transcode: Option<bool>,
}

/// `[viewer.NAME]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawViewer {
    token: Option<Spanned<String>>,
    token_file: Option<Spanned<PathBuf>>,
    password: Option<Spanned<String>>,
    password_file: Option<Spanned<PathBuf>>,
    cameras: Spanned<Vec<Spanned<String>>>,
}

/// The file, checked: cameras by name, and viewers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileConfig {
    /// Where it was read from.
    pub path: PathBuf,
    /// `[camera.NAME]` tables.
    pub cameras: BTreeMap<CameraName, CameraEntry>,
    /// `[viewer.NAME]` tables.
    pub viewers: Vec<Viewer>,
    /// The `[webrtc]` table.
    pub webrtc: WebRtcFile,
}

/// `[webrtc]`: how viewers outside the LAN reach the WebRTC port, as `--webrtc-public-ip`
/// and `--webrtc-stun` say it on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebRtcFile {
    /// `public-ip`.
    pub public_ip: Option<std::net::IpAddr>,
    /// `stun`, as `HOST:PORT`.
    pub stun: Option<String>,
}

/// One camera of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraEntry {
    /// Who may send as this camera.
    pub admission: CameraAdmission,
    /// Its own sinks, over the command line's.
    pub sinks: SinkOverrides,
    /// Whether its WebRTC viewers get a JPEG stream encoded to H.264
    /// (`webrtc-transcode`), over `--webrtc-transcode`.
    pub webrtc_transcode: Option<bool>,
}

/// Who may send as one camera: a change disconnects its sender on reload.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CameraAdmission {
    /// Its own secret (`secret-file`).
    pub secret: Option<CameraSecret>,
    /// The addresses it may send from, which also name its classic senders (`from`).
    pub from: Vec<ipnet::IpNet>,
    /// Its own listen port (`listen`), whose classic senders are this camera.
    pub listen: Option<SocketAddr>,
}

/// A secret, compared by what it answers (never by showing it).
#[derive(Clone)]
pub struct CameraSecret {
    /// The secret.
    pub secret: Secret,
    key: [u8; 32],
}

impl CameraSecret {
    /// Wraps `secret`.
    pub fn new(secret: Secret) -> Self {
        let key = secret.answer(&[0; camwire_wire::handshake::NONCE_LEN]);
        Self { secret, key }
    }

    /// A value equal for equal secrets, which does not reveal the secret.
    pub fn key(&self) -> [u8; 32] {
        self.key
    }
}

impl PartialEq for CameraSecret {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl fmt::Debug for CameraSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.secret.fmt(f)
    }
}

/// A camera's sink options; `None` keeps the command line's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SinkOverrides {
    pub(crate) record: Option<(PathBuf, RecordFormat)>,
    pub(crate) overwrite: Option<bool>,
    pub(crate) segment: Option<Duration>,
    pub(crate) keep: Option<usize>,
    pub(crate) max_bytes: Option<u64>,
    pub(crate) save_dir: Option<PathBuf>,
    pub(crate) publish: Option<String>,
    pub(crate) pipe: Option<String>,
    pub(crate) verify: Option<bool>,
}

impl SinkOverrides {
    /// Whether the camera opens an output of its own.
    pub fn has_outputs(&self) -> bool {
        self.record.is_some()
            || self.save_dir.is_some()
            || self.publish.is_some()
            || self.pipe.is_some()
            || self.verify == Some(true)
    }
}

/// A viewer of the file: its credentials and the cameras they show.
#[derive(Clone, PartialEq, Eq)]
pub struct Viewer {
    /// `[viewer.NAME]`.
    pub name: String,
    /// `USER:PASSWORD` for HTTP basic authentication.
    pub basic: Option<String>,
    /// A token, as `--http-token` takes it.
    pub token: Option<String>,
    /// The cameras it may watch; `None` is every camera (`cameras = ["*"]`).
    pub cameras: Option<Vec<CameraName>>,
}

/// Never prints a secret.
impl fmt::Debug for Viewer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Viewer").field("name", &self.name).field("cameras", &self.cameras).finish_non_exhaustive()
    }
}

impl Viewer {
    /// Whether it may watch `camera`.
    pub fn sees(&self, camera: &str) -> bool {
        self.cameras.as_ref().is_none_or(|list| list.iter().any(|c| c.as_str() == camera))
    }
}

impl FileConfig {
    /// The camera a classic sender from `ip` is, by its `from` addresses. A
    /// camera with its own `listen` port is named by that port: its `from`
    /// only says where it may send from, so another camera's sender on the
    /// same host (or every sender, on one test machine) is not taken for it.
    pub fn by_address(&self, ip: std::net::IpAddr) -> Option<&CameraName> {
        let named =
            |c: &CameraEntry| c.admission.listen.is_none() && c.admission.from.iter().any(|net| net.contains(&ip));
        self.cameras.iter().find(|(_, c)| named(c)).map(|(n, _)| n)
    }

    /// Any secret it gives a camera.
    pub fn has_secrets(&self) -> bool {
        self.cameras.values().any(|c| c.admission.secret.is_some())
    }
}

/// Where in the file a span is, for the error line.
fn line_of(text: &str, span: Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}

/// Reads and checks the file at `path`; the error is one line with the file and line number.
pub fn load(path: &Path) -> Result<FileConfig> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| anyhow!("--config {shown}: cannot read it: {e}"))?;
    parse(&text, path)
}

/// Checks the TOML `text`, read from `path`.
pub fn parse(text: &str, path: &Path) -> Result<FileConfig> {
    let shown = path.display();
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        match e.span() {
            Some(span) => anyhow!("--config {shown} line {}: {message}", line_of(text, span)),
            None => anyhow!("--config {shown}: {message}"),
        }
    })?;
    let at = |span: Range<usize>| format!("--config {shown} line {}", line_of(text, span));
    let mut out = FileConfig { path: path.to_path_buf(), ..FileConfig::default() };
    for (name, raw) in raw.camera {
        let where_ = at(name.span());
        let camera =
            CameraName::new(name.get_ref()).map_err(|e| anyhow!("{where_}: camera {:?}: {e}", name.get_ref()))?;
        let entry = camera_entry(raw, &camera, &at).map_err(|e| anyhow!("{e:#}"))?;
        out.cameras.insert(camera, entry);
    }
    for (name, raw) in raw.viewer {
        let where_ = at(name.span());
        out.viewers.push(viewer(name.get_ref(), raw, &where_, &at)?);
    }
    if let Some(raw) = raw.webrtc {
        if let Some(ip) = raw.public_ip {
            let parsed = ip.get_ref().parse().map_err(|_| {
                anyhow!(
                    "{}: [webrtc] public-ip: {:?} is not an IP address, e.g. 203.0.113.7",
                    at(ip.span()),
                    ip.get_ref()
                )
            })?;
            out.webrtc.public_ip = Some(parsed);
        }
        if let Some(stun) = raw.stun {
            let parsed = crate::cli::parse_stun_server(stun.get_ref())
                .map_err(|e| anyhow!("{}: [webrtc] stun: {e}", at(stun.span())))?;
            out.webrtc.stun = Some(parsed);
        }
    }
    for (i, a) in out.viewers.iter().enumerate() {
        for b in &out.viewers[..i] {
            if a.token.is_some() && a.token == b.token || a.basic.is_some() && a.basic == b.basic {
                bail!(
                    "--config {shown}: viewers {} and {} have the same token or password; give each its own",
                    b.name,
                    a.name
                );
            }
        }
    }
    // Two cameras writing the same file or folder, or publishing to the same URL.
    let mut seen: Vec<(String, &CameraName)> = Vec::new();
    for (name, camera) in &out.cameras {
        let s = &camera.sinks;
        let values = [
            s.record.as_ref().map(|(p, _)| p.display().to_string()),
            s.save_dir.as_ref().map(|p| p.display().to_string()),
            s.publish.clone(),
        ];
        for value in values.into_iter().flatten() {
            let value = value.replace(FIELD, name.as_str());
            if let Some((_, other)) = seen.iter().find(|(v, _)| *v == value) {
                bail!("--config {shown}: cameras {other} and {name} both write {value}; give each its own");
            }
            seen.push((value, name));
        }
    }
    Ok(out)
}

/// One `[camera.NAME]`, checked.
fn camera_entry(raw: RawCamera, name: &CameraName, at: &dyn Fn(Range<usize>) -> String) -> Result<CameraEntry> {
    let fail = |span: Range<usize>, key: &str, e: anyhow::Error| anyhow!("{}: camera {name}, {key}: {e:#}", at(span));
    let secret = match raw.secret_file {
        Some(file) => {
            let secret = Secret::read_file(file.get_ref()).map_err(|e| fail(file.span(), "secret-file", anyhow!(e)))?;
            Some(CameraSecret::new(secret))
        }
        None => None,
    };
    let mut from = Vec::new();
    for addr in &raw.from {
        let text = addr.get_ref().trim();
        let net = text
            .parse::<ipnet::IpNet>()
            .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map_err(|_| {
                fail(addr.span(), "from", anyhow!("{text:?} is not an address or a network, e.g. 192.168.1.30"))
            })?;
        from.push(net);
    }
    let listen = match &raw.listen {
        Some(listen) => Some(parse_listen(listen.get_ref()).map_err(|e| fail(listen.span(), "listen", e))?),
        None => None,
    };
    let record = match &raw.record {
        Some(path) => {
            let format = RecordFormat::from_path(path.get_ref()).map_err(|e| fail(path.span(), "record", e))?;
            check_fields("record", &path.get_ref().display().to_string())
                .map_err(|e| fail(path.span(), "record", e))?;
            let filled = PathBuf::from(path.get_ref().to_string_lossy().replace(FIELD, name.as_str()));
            check_record_folder(&filled).map_err(|e| fail(path.span(), "record", e))?;
            Some((path.get_ref().clone(), format))
        }
        None => None,
    };
    let segment = match &raw.segment {
        Some(s) => {
            let d = segment_duration(s.get_ref()).map_err(|e| fail(s.span(), "segment", anyhow!(e)))?;
            if d < Duration::from_secs(1) {
                return Err(fail(s.span(), "segment", anyhow!("must be at least 1s (e.g. \"10m\")")));
            }
            Some(d)
        }
        None => None,
    };
    let keep = match &raw.keep {
        Some(n) if *n.get_ref() == 0 => return Err(fail(n.span(), "keep", anyhow!("keep at least 1 file"))),
        Some(n) => Some(*n.get_ref() as usize),
        None => None,
    };
    let max_bytes = match &raw.max_bytes {
        Some(s) => Some(size_in_bytes(s.get_ref()).map_err(|e| fail(s.span(), "max-bytes", anyhow!(e)))?),
        None => None,
    };
    let save_dir = match &raw.save_dir {
        Some(dir) => {
            check_fields("save-dir", &dir.get_ref().display().to_string())
                .map_err(|e| fail(dir.span(), "save-dir", e))?;
            let filled = dir.get_ref().to_string_lossy().replace(FIELD, name.as_str());
            check_save_dir(Path::new(&filled), filled != dir.get_ref().to_string_lossy())
                .map_err(|e| fail(dir.span(), "save-dir", e))?;
            Some(dir.get_ref().clone())
        }
        None => None,
    };
    let publish = match &raw.publish {
        Some(url) => {
            let text = url.get_ref();
            check_fields("publish", text).map_err(|e| fail(url.span(), "publish", e))?;
            crate::sink::publish_format(text).map_err(|e| fail(url.span(), "publish", e))?;
            check_publish_url(text).map_err(|e| fail(url.span(), "publish", e))?;
            Some(text.clone())
        }
        None => None,
    };
    let pipe = match &raw.pipe {
        Some(cmd) if cmd.get_ref().trim().is_empty() => {
            return Err(fail(cmd.span(), "pipe", anyhow!("give a command, e.g. pipe = \"mplayer\"")))
        }
        Some(cmd) => {
            crate::sink::check_pipe_command(cmd.get_ref()).map_err(|e| fail(cmd.span(), "pipe", e))?;
            Some(cmd.get_ref().clone())
        }
        None => None,
    };
    let sinks = SinkOverrides {
        record,
        overwrite: raw.overwrite,
        segment,
        keep,
        max_bytes,
        save_dir,
        publish,
        pipe,
        verify: raw.verify,
    };
    Ok(CameraEntry {
        admission: CameraAdmission { secret, from, listen },
        sinks,
        webrtc_transcode: raw.webrtc_transcode,
    })
}

/// One `[viewer.NAME]`, checked as `--http-auth` and `--http-token` are.
fn viewer(name: &str, raw: RawViewer, where_: &str, at: &dyn Fn(Range<usize>) -> String) -> Result<Viewer> {
    let first_line = |file: &Spanned<PathBuf>, key: &str| -> Result<String> {
        let text = std::fs::read_to_string(file.get_ref()).map_err(|e| {
            anyhow!("{}: viewer {name}, {key}: cannot read {}: {e}", at(file.span()), file.get_ref().display())
        })?;
        Ok(text.lines().next().unwrap_or("").trim().to_string())
    };
    let token = match (&raw.token, &raw.token_file) {
        (Some(_), Some(file)) => bail!("{}: viewer {name}: give token or token-file, not both", at(file.span())),
        (Some(token), None) => Some((token.get_ref().trim().to_string(), at(token.span()), "token")),
        (None, Some(file)) => Some((first_line(file, "token-file")?, at(file.span()), "token-file")),
        (None, None) => None,
    };
    let basic = match (&raw.password, &raw.password_file) {
        (Some(_), Some(file)) => bail!("{}: viewer {name}: give password or password-file, not both", at(file.span())),
        (Some(p), None) => Some((p.get_ref().trim().to_string(), at(p.span()), "password")),
        (None, Some(file)) => Some((first_line(file, "password-file")?, at(file.span()), "password-file")),
        (None, None) => None,
    };
    if token.is_none() && basic.is_none() {
        bail!("{where_}: viewer {name} has no token, token-file, password or password-file; give it one");
    }
    if let Some((token, place, key)) = &token {
        check_token(token, &format!("{place}: viewer {name}, {key}"))?;
    }
    if let Some((basic, place, key)) = &basic {
        check_basic(basic, &format!("{place}: viewer {name}, {key} (USER:PASSWORD)"))?;
    }
    let list = raw.cameras.get_ref();
    let cameras =
        if list.iter().any(|c| c.get_ref() == "*") {
            None
        } else {
            if list.is_empty() {
                bail!(
                    "{}: viewer {name}: cameras is empty; list the cameras it may watch, or \"*\" for all",
                    at(raw.cameras.span())
                );
            }
            let mut names = Vec::new();
            for camera in list {
                names.push(CameraName::new(camera.get_ref()).map_err(|e| {
                    anyhow!("{}: viewer {name}, cameras: {:?}: {e}", at(camera.span()), camera.get_ref())
                })?);
            }
            Some(names)
        };
    Ok(Viewer { name: name.to_string(), basic: basic.map(|(b, _, _)| b), token: token.map(|(t, _, _)| t), cameras })
}

/// The file's cameras and viewers as they are now: SIGHUP replaces them.
pub type Live = tokio::sync::watch::Receiver<Arc<FileConfig>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse_str(text: &str) -> Result<FileConfig> {
        parse(text, Path::new("cam.toml"))
    }

    #[test]
    fn an_unknown_key_names_its_line_and_the_key() {
        let err = parse_str("[camera.garden]\nverify = true\nrecrod = \"x.mp4\"\n").unwrap_err().to_string();
        assert!(err.starts_with("--config cam.toml line 3: unknown field `recrod`"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn a_bad_value_names_its_line_the_camera_and_the_key() {
        let err = parse_str("[camera.door]\n\nfrom = [\"10.0.0.1\", \"nope\"]\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "--config cam.toml line 3: camera door, from: \"nope\" is not an address or a network, e.g. 192.168.1.30"
        );
        let err = parse_str("[camera.Bad]\n").unwrap_err().to_string();
        assert!(err.starts_with("--config cam.toml line 1: camera \"Bad\""), "{err}");
    }

    #[test]
    fn cameras_and_viewers_are_read() {
        let file = parse_str(
            "[camera.door]\nfrom = [\"192.0.2.0/24\"]\nverify = true\nwebrtc-transcode = false\n[camera.garden]\nlisten = \"127.0.0.1:9001\"\n\
             from = [\"198.51.100.0/24\"]\n\
             [viewer.kid]\ntoken = \"0123456789abcdef0123\"\ncameras = [\"garden\"]\n",
        )
        .unwrap();
        let door = CameraName::new("door").unwrap();
        assert_eq!(file.by_address("192.0.2.7".parse().unwrap()), Some(&door));
        assert_eq!(file.by_address("198.51.100.7".parse().unwrap()), None, "garden is named by its port");
        assert_eq!(
            file.cameras[&CameraName::new("garden").unwrap()].admission.listen,
            Some("127.0.0.1:9001".parse().unwrap())
        );
        assert!(file.viewers[0].sees("garden") && !file.viewers[0].sees("door"));
        assert_eq!(file.cameras[&door].webrtc_transcode, Some(false));
        assert_eq!(file.cameras[&CameraName::new("garden").unwrap()].webrtc_transcode, None);
        let mut config = Config::new("127.0.0.1:0".parse().unwrap());
        file.apply(&door, &mut config);
        assert!(config.verify);
    }

    #[test]
    fn the_webrtc_table_gives_the_public_address_and_the_stun_server() {
        let file = parse_str("[webrtc]\npublic-ip = \"203.0.113.7\"\nstun = \"stun.example.net\"\n").unwrap();
        assert_eq!(file.webrtc.public_ip, Some("203.0.113.7".parse().unwrap()));
        assert_eq!(file.webrtc.stun.as_deref(), Some("stun.example.net:3478"));
        assert_eq!(parse_str("").unwrap().webrtc, WebRtcFile::default());
        let err = parse_str("[webrtc]\n\npublic-ip = \"my.router\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "--config cam.toml line 3: [webrtc] public-ip: \"my.router\" is not an IP address, e.g. 203.0.113.7"
        );
        let err = parse_str("[webrtc]\nstun = \"stun.example.net:port\"\n").unwrap_err().to_string();
        assert!(err.starts_with("--config cam.toml line 2: [webrtc] stun: ") && err.contains("not a number"), "{err}");
        let err = parse_str("[webrtc]\nport = 8189\n").unwrap_err().to_string();
        assert!(err.starts_with("--config cam.toml line 2: unknown field `port`"), "{err}");
    }

    #[test]
    fn a_short_token_and_two_cameras_writing_one_file_are_refused() {
        let err = parse_str("[viewer.kid]\ntoken = \"short\"\ncameras = [\"*\"]\n").unwrap_err().to_string();
        assert!(err.contains("line 2: viewer kid, token: the token has 5 characters"), "{err}");
        let err = parse_str(
            "[camera.a]\npublish = \"udp://127.0.0.1:1234\"\n[camera.b]\npublish = \"udp://127.0.0.1:1234\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("cameras a and b both write udp://127.0.0.1:1234"), "{err}");
    }
}
