//! Many cameras, one receiver: which camera a connection streams, and the
//! slot each camera streams into.
//!
//! A camera is named by its sender's hello (`cam-send --name`, protocol.md
//! section 11); a classic sender, which cannot say a name, by the port it
//! came to (`--listen garden=:8001`), else by its address (`--camera
//! door=192.168.1.30`), else by its address made safe (`192-168-1-30`).
//!
//! Each camera has a slot: holding its lock is being that camera's
//! sender, so a second sender for a streaming camera waits briefly and is
//! then refused as busy, naming the camera. At most `--max-cameras` slots
//! exist at once; an idle one (its camera not streaming) is closed to make
//! room for a new camera, and when every slot is streaming a new camera is
//! refused. A slot keeps its sinks between its camera's streams, as the
//! single-camera receiver always did.
//!
//! When a file, folder or URL option has no `{camera}` field, every camera
//! would write the same file: then one shared slot serves one camera at a
//! time (as before this module), and asking for several is an error at start.

use std::{
    collections::BTreeMap,
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    sync::{Arc, Mutex as StdMutex},
};

use anyhow::{bail, Context, Result};
use camwire_wire::CameraName;
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use crate::config::{CameraOptions, DEFAULT_MAX_CAMERAS};
use crate::{
    config::Config,
    frame::{Frame, StreamInfo},
    metrics::Metrics,
    sink::{SinkReport, Sinks},
};

/// The field that file, folder and URL options take the camera's name in.
pub const FIELD: &str = "{camera}";

impl CameraOptions {
    /// The name of the camera a sender streams: its own (`hello`), else the
    /// listening port's, else its address's, else its address made safe.
    pub fn name(&self, hello: Option<&CameraName>, port_name: Option<&CameraName>, peer: SocketAddr) -> CameraName {
        let ip = peer.ip().to_canonical();
        hello
            .or(port_name)
            .or_else(|| self.by_address.iter().find(|(net, _)| net.contains(&ip)).map(|(_, name)| name))
            .cloned()
            .unwrap_or_else(|| address_name(ip))
    }

    /// Every name the configuration gives, with the option that gives it.
    fn configured(&self) -> Vec<(String, &CameraName)> {
        let listens = self.listen_name.iter().map(|n| ("--listen".to_string(), n));
        let more = self.more_listens.iter().filter_map(|(_, n)| n.as_ref().map(|n| ("--listen".to_string(), n)));
        let cameras = self.by_address.iter().map(|(net, n)| (format!("--camera {n}={net}"), n));
        listens.chain(more).chain(cameras).collect()
    }
}

/// A sender's address, made safe as a camera name (`192-168-1-30`).
pub fn address_name(ip: IpAddr) -> CameraName {
    CameraName::made_safe(&ip.to_canonical().to_string()).expect("an address has digits")
}

/// The options that name a file, folder or URL, with the value each has.
fn templates(config: &Config) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some((path, _)) = &config.record {
        out.push(("--record", path.display().to_string()));
    }
    if let Some(dir) = &config.save_dir {
        out.push(("--save-dir", dir.display().to_string()));
    }
    if let Some(url) = &config.publish {
        out.push(("--publish", url.clone()));
    }
    out
}

/// Whether each camera gets sinks of its own: every file, folder and URL
/// option holds `{camera}` (or there is none). Checks the options at start:
/// an unknown `{field}`, a name given twice, or two cameras that would write
/// the same file are errors.
pub fn check(config: &Config) -> Result<bool> {
    for (option, value) in templates(config) {
        let mut rest = value.as_str();
        while let Some(at) = rest.find('{') {
            let field = rest[at..].find('}').map_or(&rest[at..], |end| &rest[at..=at + end]);
            if field != FIELD {
                bail!("{option} {value}: {field} is not a field; the one field is {FIELD}, the camera's name");
            }
            rest = &rest[at + FIELD.len()..];
        }
    }
    let named = config.cameras.configured();
    for (i, (option, name)) in named.iter().enumerate() {
        if let Some((other, _)) = named[..i].iter().find(|(_, n)| n == name) {
            bail!("{option}: the camera name {name} is given twice (also by {other}); give each camera its own name");
        }
    }
    let shared: Vec<_> = templates(config).into_iter().filter(|(_, v)| !v.contains(FIELD)).collect();
    let Some((option, value)) = shared.first() else { return Ok(true) };
    let several = if config.cameras.max_given && config.cameras.max > 1 {
        Some(format!("--max-cameras {}", config.cameras.max))
    } else if named.len() > 1 {
        Some(format!("{} cameras named by --listen and --camera", named.len()))
    } else {
        None
    };
    if let Some(several) = several {
        bail!(
            "{option} {value} has no {FIELD} field, so with {several} two cameras would write the same file: \
             put the camera's name in it (e.g. {option} '{}'), or take one camera at a time (--max-cameras 1)",
            example(option, value)
        );
    }
    Ok(false)
}

/// `value` with `{camera}` put where it is most useful.
fn example(option: &str, value: &str) -> String {
    match option {
        "--publish" => format!("{}/{FIELD}", value.trim_end_matches('/')),
        "--save-dir" => format!("{}/{FIELD}", value.trim_end_matches('/')),
        _ => {
            let path = std::path::Path::new(value);
            let file = path.file_name().map_or(value.to_string(), |f| f.to_string_lossy().into_owned());
            match path.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(dir) => format!("{}/{FIELD}/{file}", dir.display()),
                None => format!("{FIELD}/{file}"),
            }
        }
    }
}

/// `config` for one camera: `{camera}` in its file, folder and URL options
/// replaced by `name`.
pub fn for_camera(config: &Config, name: &CameraName) -> Config {
    let fill = |s: &str| s.replace(FIELD, name.as_str());
    let mut config = config.clone();
    if let Some((path, _)) = &mut config.record {
        *path = PathBuf::from(fill(&path.to_string_lossy()));
    }
    if let Some(dir) = &mut config.save_dir {
        *dir = PathBuf::from(fill(&dir.to_string_lossy()));
    }
    if let Some(url) = &mut config.publish {
        *url = fill(url);
    }
    config
}

/// Opens `camera`'s own sinks, as `config` (with `{camera}` in it) asks:
/// the folder its `--record` file goes in is made first, as `--save-dir`'s is.
/// They count into `metrics`, under each stream's camera (this one).
pub(crate) fn open_sinks(config: &Config, camera: &CameraName, metrics: &Arc<Metrics>) -> Result<Sinks> {
    let config = for_camera(config, camera);
    if let Some(dir) = config.record.as_ref().and_then(|(path, _)| path.parent()).filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--record: cannot create the folder {} for camera {camera}", dir.display()))?;
    }
    Sinks::open(&config, metrics)
}

/// `config` for what each camera opens for itself: all but the window (one
/// for all cameras), with the feeds its own web page reads (`/cam/NAME/`).
pub fn without_viewers(config: &Config) -> Config {
    Config { display: false, ..config.clone() }
}

/// Whether each camera opens outputs of its own (the options
/// [`viewers_only`] leaves out), so the window is not the only thing running.
pub fn has_outputs(config: &Config) -> bool {
    config.verify
        || config.record.is_some()
        || config.save_dir.is_some()
        || config.pipe.is_some()
        || config.publish.is_some()
}

/// `config` with only the sinks the window and the web view read: opened
/// once at start, for the first camera that streams.
pub fn viewers_only(config: &Config) -> Config {
    Config { verify: false, record: None, save_dir: None, pipe: None, publish: None, ..config.clone() }
}

/// One camera's sinks, and the viewers' (window, web view) when this camera
/// is the one they show.
pub(crate) struct CameraSinks {
    pub(crate) own: Sinks,
    pub(crate) viewers: Option<Sinks>,
}

impl CameraSinks {
    pub(crate) async fn start(&mut self, info: StreamInfo) {
        if let Some(viewers) = &mut self.viewers {
            viewers.start(info.clone()).await;
        }
        self.own.start(info).await;
    }

    pub(crate) async fn frame(&mut self, frame: Frame) {
        if let Some(viewers) = &mut self.viewers {
            viewers.frame(frame.clone()).await;
        }
        self.own.frame(frame).await;
    }

    /// The stream ended: what the camera's own sinks found (the viewers'
    /// failures count too).
    pub(crate) async fn end(&mut self) -> SinkReport {
        let mut report = self.own.end().await;
        if let Some(viewers) = &mut self.viewers {
            let theirs = viewers.end().await;
            report.failed = report.failed.or(theirs.failed);
        }
        report
    }

    pub(crate) async fn close(self) {
        self.own.close().await;
        if let Some(viewers) = self.viewers {
            viewers.close().await;
        }
    }
}

/// What the web view reads of one camera: its newest frame, its live
/// fragments, who wants its pictures decoded.
#[derive(Clone)]
pub struct CameraFeeds {
    /// The camera's newest frame.
    pub(crate) latest: tokio::sync::watch::Receiver<crate::sink::Latest>,
    /// Its live H.264 fragments.
    pub(crate) live_mp4: Option<tokio::sync::broadcast::WeakSender<crate::sink::live_mp4::LiveFragment>>,
    /// Who wants its H.264 decoded.
    pub(crate) pictures: crate::sink::PictureDemand,
    /// Keyframe requests to its sender.
    pub(crate) keyframes: crate::backchannel::KeyframeRequests,
}

impl CameraFeeds {
    /// What the web view reads of `sinks`.
    pub(crate) fn of(sinks: &Sinks) -> Self {
        Self {
            latest: sinks.latest(),
            live_mp4: sinks.live_mp4(),
            pictures: sinks.pictures(),
            keyframes: sinks.keyframes(),
        }
    }
}

/// Every camera with its sinks open, by name: what the web view serves at `/cam/NAME/`.
pub type Directory = tokio::sync::watch::Receiver<BTreeMap<CameraName, CameraFeeds>>;

/// A directory to fill, and its reader.
pub fn directory() -> (tokio::sync::watch::Sender<BTreeMap<CameraName, CameraFeeds>>, Directory) {
    tokio::sync::watch::channel(BTreeMap::new())
}

/// What a slot holds: nothing yet, its camera's sinks, or nothing any more.
pub(crate) enum Held {
    /// Made, not yet streamed into: the sinks are opened by the first sender.
    New,
    /// The camera's sinks.
    Open(Box<CameraSinks>),
    /// Closed to make room for another camera: the sender asks for a new slot.
    Closed,
}

/// One camera's place: holding its lock is being its sender.
pub(crate) struct Slot {
    /// The camera, or `None` for the shared slot (one camera at a time).
    pub(crate) camera: Option<CameraName>,
    /// The camera streaming into it now, for a busy refusal.
    pub(crate) streaming: StdMutex<Option<CameraName>>,
    pub(crate) held: Arc<Mutex<Held>>,
}

/// Why a camera has no slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Full {
    /// The limit.
    pub(crate) max: usize,
}

/// Every camera's slot.
pub(crate) struct Slots {
    /// One slot for every camera (a file option without `{camera}`).
    shared: Option<Arc<Slot>>,
    per_camera: StdMutex<BTreeMap<CameraName, Arc<Slot>>>,
    max: usize,
    /// The viewers' sinks, until the first camera takes them; its slot is then never closed.
    viewers: StdMutex<Option<Sinks>>,
    /// The camera the viewers show.
    shown: StdMutex<Option<CameraName>>,
    /// Every camera whose sinks are open, for the web view.
    directory: tokio::sync::watch::Sender<BTreeMap<CameraName, CameraFeeds>>,
}

impl Slots {
    /// One slot per camera, at most `max`; the first camera that streams
    /// also feeds `viewers`.
    pub(crate) fn per_camera(
        max: usize,
        viewers: Option<Sinks>,
        directory: tokio::sync::watch::Sender<BTreeMap<CameraName, CameraFeeds>>,
    ) -> Self {
        Self {
            shared: None,
            per_camera: StdMutex::new(BTreeMap::new()),
            max,
            viewers: StdMutex::new(viewers),
            shown: StdMutex::new(None),
            directory,
        }
    }

    /// `camera`'s sinks are open: the web view may serve it.
    pub(crate) fn opened(&self, camera: &CameraName, sinks: &Sinks) {
        self.directory.send_modify(|d| {
            d.insert(camera.clone(), CameraFeeds::of(sinks));
        });
    }

    /// One slot for every camera, holding `sinks` (opened at start).
    pub(crate) fn shared(sinks: Sinks) -> Self {
        let held = Held::Open(Box::new(CameraSinks { own: sinks, viewers: None }));
        let slot = Slot { camera: None, streaming: StdMutex::new(None), held: Arc::new(Mutex::new(held)) };
        Self {
            shared: Some(Arc::new(slot)),
            per_camera: StdMutex::new(BTreeMap::new()),
            max: 1,
            viewers: StdMutex::new(None),
            shown: StdMutex::new(None),
            directory: directory().0,
        }
    }

    /// The viewers' sinks for `camera`, if no camera has taken them yet.
    pub(crate) fn take_viewers(&self, camera: &CameraName) -> Option<Sinks> {
        let viewers = self.viewers.lock().expect("viewers lock").take()?;
        *self.shown.lock().expect("shown lock") = Some(camera.clone());
        Some(viewers)
    }

    /// The slot `camera` streams into: its own (made now if new, closing an
    /// idle one when all are taken), or the shared one. `Full` when every
    /// slot is streaming. The idle slots closed to make room are returned:
    /// the caller closes their sinks.
    pub(crate) fn slot(&self, camera: &CameraName) -> Result<(Arc<Slot>, Vec<CameraSinks>), Full> {
        if let Some(shared) = &self.shared {
            return Ok((shared.clone(), Vec::new()));
        }
        let mut slots = self.per_camera.lock().expect("slots lock");
        if let Some(slot) = slots.get(camera) {
            return Ok((slot.clone(), Vec::new()));
        }
        let mut closed = Vec::new();
        while slots.len() >= self.max {
            // An idle slot: nobody holds (or waits for) its lock; not the viewers' camera.
            let shown = self.shown.lock().expect("shown lock").clone();
            let idle = slots.iter().filter(|(name, _)| Some(*name) != shown.as_ref()).find_map(|(name, slot)| {
                let guard = slot.held.clone().try_lock_owned().ok()?;
                Some((name.clone(), guard))
            });
            let Some((name, mut guard)) = idle else { return Err(Full { max: self.max }) };
            slots.remove(&name);
            self.directory.send_modify(|d| {
                d.remove(&name);
            });
            if let Held::Open(sinks) = std::mem::replace(&mut *guard, Held::Closed) {
                closed.push(*sinks);
            }
        }
        let slot = Arc::new(Slot {
            camera: Some(camera.clone()),
            streaming: StdMutex::new(None),
            held: Arc::new(Mutex::new(Held::New)),
        });
        slots.insert(camera.clone(), slot.clone());
        Ok((slot, closed))
    }

    /// Every slot's sinks, taken out to be closed as the receiver stops.
    pub(crate) async fn close_all(&self) -> Vec<CameraSinks> {
        let all: Vec<Arc<Slot>> = match &self.shared {
            Some(shared) => vec![shared.clone()],
            None => std::mem::take(&mut *self.per_camera.lock().expect("slots lock")).into_values().collect(),
        };
        self.directory.send_modify(BTreeMap::clear);
        let mut out = Vec::new();
        for slot in all {
            if let Held::Open(sinks) = std::mem::replace(&mut *slot.held.lock().await, Held::Closed) {
                out.push(*sinks);
            }
        }
        if let Some(viewers) = self.viewers.lock().expect("viewers lock").take() {
            out.push(CameraSinks { own: viewers, viewers: None });
        }
        out
    }
}

impl Slot {
    /// Tries to become this camera's sender within `wait`: the held sinks,
    /// or `None` when another sender still streams (whose camera is then
    /// returned for the refusal).
    pub(crate) async fn claim(
        &self,
        camera: &CameraName,
        wait: std::time::Duration,
    ) -> Result<OwnedMutexGuard<Held>, Option<CameraName>> {
        match tokio::time::timeout(wait, self.held.clone().lock_owned()).await {
            Ok(guard) => {
                *self.streaming.lock().expect("streaming lock") = Some(camera.clone());
                Ok(guard)
            }
            Err(_) => Err(self.streaming.lock().expect("streaming lock").clone()),
        }
    }

    /// The sender of this slot is done.
    pub(crate) fn release(&self) {
        *self.streaming.lock().expect("streaming lock") = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> CameraName {
        CameraName::new(s).unwrap()
    }

    fn config() -> Config {
        Config::new("127.0.0.1:0".parse().unwrap())
    }

    #[test]
    fn a_sender_is_named_by_its_hello_then_its_port_then_its_address() {
        let mut options = CameraOptions::default();
        options.by_address.push(("192.0.2.0/24".parse().unwrap(), name("door")));
        let (inside, outside) = ("192.0.2.7:5000".parse().unwrap(), "198.51.100.1:5000".parse().unwrap());
        assert_eq!(options.name(Some(&name("garden")), Some(&name("port")), inside), name("garden"));
        assert_eq!(options.name(None, Some(&name("port")), inside), name("port"));
        assert_eq!(options.name(None, None, inside), name("door"));
        assert_eq!(options.name(None, None, outside), name("198-51-100-1"));
        assert_eq!(options.name(None, None, "[::ffff:192.0.2.9]:1".parse().unwrap()), name("door"));
    }

    #[test]
    fn options_with_the_field_give_each_camera_its_own_files() {
        let mut c = config();
        c.record = Some(("rec/{camera}/%F.mp4".into(), crate::config::RecordFormat::Mp4));
        c.save_dir = Some("shots/{camera}".into());
        c.publish = Some("rtmp://server/live/{camera}".into());
        assert!(check(&c).unwrap());
        let garden = for_camera(&c, &name("garden"));
        assert_eq!(garden.record.unwrap().0, PathBuf::from("rec/garden/%F.mp4"));
        assert_eq!(garden.save_dir.unwrap(), PathBuf::from("shots/garden"));
        assert_eq!(garden.publish.unwrap(), "rtmp://server/live/garden");
        assert!(check(&config()).unwrap(), "no file option: every camera its own sinks");
    }

    #[test]
    fn a_missing_field_is_one_camera_at_a_time_or_an_error_when_several_are_asked_for() {
        let mut c = config();
        c.record = Some(("out.mp4".into(), crate::config::RecordFormat::Mp4));
        assert!(!check(&c).unwrap(), "one shared slot");
        c.cameras.max = 4;
        c.cameras.max_given = true;
        let err = check(&c).unwrap_err().to_string();
        assert!(err.contains("--record out.mp4 has no {camera} field"), "{err}");
        assert!(err.contains("--record '{camera}/out.mp4'"), "{err}");
        c.cameras.max = 1;
        assert!(!check(&c).unwrap());
        c.cameras.listen_name = Some(name("a"));
        c.cameras.more_listens.push(("127.0.0.1:1".parse().unwrap(), Some(name("b"))));
        let err = check(&c).unwrap_err().to_string();
        assert!(err.contains("with 2 cameras named by --listen and --camera"), "{err}");
    }

    #[test]
    fn unknown_fields_and_names_given_twice_are_errors() {
        let mut c = config();
        c.save_dir = Some("shots/{cam}".into());
        assert!(check(&c).unwrap_err().to_string().contains("{cam} is not a field"));
        let mut c = config();
        c.cameras.listen_name = Some(name("a"));
        c.cameras.by_address.push(("10.0.0.1/32".parse().unwrap(), name("a")));
        assert!(check(&c).unwrap_err().to_string().contains("the camera name a is given twice"));
    }

    #[tokio::test]
    async fn a_new_camera_closes_an_idle_slot_and_is_refused_when_all_stream() {
        let slots = Slots::per_camera(2, None, directory().0);
        let (a, _) = slots.slot(&name("a")).unwrap();
        let (b, _) = slots.slot(&name("b")).unwrap();
        assert!(Arc::ptr_eq(&a, &slots.slot(&name("a")).unwrap().0), "the same camera, the same slot");
        let wait = std::time::Duration::from_millis(10);
        let _a = a.claim(&name("a"), wait).await.unwrap();
        let _b = b.claim(&name("b"), wait).await.unwrap();
        assert_eq!(slots.slot(&name("c")).err(), Some(Full { max: 2 }));
        assert_eq!(a.claim(&name("a"), wait).await.err(), Some(Some(name("a"))), "busy, naming the camera");
        drop(_b);
        b.release();
        let (c, closed) = slots.slot(&name("c")).unwrap();
        assert!(closed.is_empty(), "b had no sinks open yet");
        assert!(matches!(*b.held.lock().await, Held::Closed), "b's slot made room");
        assert!(c.claim(&name("c"), wait).await.is_ok());
    }
}
