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
//! A camera streamed by a sender that nothing vouches for is a stranger's:
//! no secret (`--secret-file`), no `--allow`, and neither its port
//! (`--listen NAME=...`) nor its address (`--camera NAME=...`) is named by
//! the configuration. On such an open port any peer can make a camera per
//! address, or one per hello name. Strangers become cameras only with a
//! first picture, as every sender does, and then only [`MAX_STRANGERS`] at
//! once (fewer when the cameras the configuration names need the room), at
//! most [`MAX_STRANGERS_PER_ADDRESS`] from one address: a peer cannot open
//! sixteen recording files and players, nor keep a named camera out.
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

pub use crate::checks::{check_fields, FIELD};
pub use crate::config::{CameraOptions, DEFAULT_MAX_CAMERAS};
use crate::{
    config::Config,
    config_file::FileConfig,
    frame::{Frame, StreamInfo},
    metrics::Metrics,
    sink::{SinkReport, Sinks},
};

/// Cameras nothing vouches for (see the module's docs) that may have a slot at once.
pub const MAX_STRANGERS: usize = 4;

/// Cameras nothing vouches for that one address may stream at once.
pub const MAX_STRANGERS_PER_ADDRESS: usize = 2;

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

    /// [`name`](Self::name), with the `--config` file's `from` addresses
    /// after the command line's `--camera`.
    pub fn name_with(
        &self,
        file: Option<&FileConfig>,
        hello: Option<&CameraName>,
        port_name: Option<&CameraName>,
        peer: SocketAddr,
    ) -> CameraName {
        let ip = peer.ip().to_canonical();
        let by_file = || file.and_then(|f| f.by_address(ip));
        match hello.or(port_name).or_else(|| self.by_address.iter().find(|(net, _)| net.contains(&ip)).map(|(_, n)| n))
        {
            Some(name) => name.clone(),
            None => by_file().cloned().unwrap_or_else(|| address_name(ip)),
        }
    }

    /// Whether the configuration names the port a connection came to
    /// (`port_name`) or its address (`--camera NAME=ADDRESS`): it is the
    /// user's own camera, not a stranger's.
    pub fn vouches_for(&self, port_name: Option<&CameraName>, peer: SocketAddr) -> bool {
        let ip = peer.ip().to_canonical();
        port_name.is_some() || self.by_address.iter().any(|(net, _)| net.contains(&ip))
    }

    /// How many cameras nothing vouches for may have a slot at once: the
    /// room the named cameras (on the command line and in `file`) leave, at
    /// most [`MAX_STRANGERS`].
    pub fn max_strangers(&self, file: Option<&FileConfig>) -> usize {
        MAX_STRANGERS.min(self.max.saturating_sub(self.configured(file).len()))
    }

    /// Every name the configuration gives, with the option that gives it.
    fn configured<'a>(&'a self, file: Option<&'a FileConfig>) -> Vec<(String, &'a CameraName)> {
        let listens = self.listen_name.iter().map(|n| ("--listen".to_string(), n));
        let more = self.more_listens.iter().filter_map(|(_, n)| n.as_ref().map(|n| ("--listen".to_string(), n)));
        let cameras = self.by_address.iter().map(|(net, n)| (format!("--camera {n}={net}"), n));
        let in_file = file.into_iter().flat_map(|f| f.cameras.keys()).map(|n| ("--config".to_string(), n));
        listens.chain(more).chain(cameras).chain(in_file).collect()
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
        check_fields(option, &value)?;
    }
    let named = config.cameras.configured(config.file.as_deref());
    for (i, (option, name)) in named.iter().enumerate() {
        if let Some((other, _)) = named[..i].iter().find(|(_, n)| n == name) {
            bail!("{option}: the camera name {name} is given twice (also by {other}); give each camera its own name");
        }
    }
    let shared: Vec<_> = templates(config).into_iter().filter(|(_, v)| !v.contains(FIELD)).collect();
    let Some((option, value)) = shared.first() else { return Ok(true) };
    let several = if config.cameras.max_given && config.cameras.max > 1 {
        Some(format!("--max-cameras {}", config.cameras.max))
    } else if config.file.as_ref().is_some_and(|f| !f.cameras.is_empty()) {
        Some("the cameras of --config".to_string())
    } else if named.len() > 1 {
        Some(format!("{} cameras named by --listen and --camera", named.len()))
    } else {
        None
    };
    if let Some(several) = several {
        let or = if config.file.as_ref().is_some_and(|f| !f.cameras.is_empty()) {
            "or set it in each camera's table of the file instead"
        } else {
            "or take one camera at a time (--max-cameras 1)"
        };
        bail!(
            "{option} {value} has no {FIELD} field, so with {several} two cameras would write the same file: \
             put the camera's name in it (e.g. {option} '{}'), {or}",
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

/// `config` for what each camera opens for itself: all but the feeds of the
/// first camera that streams (`has_viewers`), whose feeds are the viewers'
/// (opened at start). Any other camera opens the feeds its own web page reads
/// (`/cam/NAME/`) and its cell in the window (`--display`, one window for all
/// cameras).
pub fn without_viewers(config: &Config, has_viewers: bool) -> Config {
    let (http, display) = if has_viewers { (None, false) } else { (config.http, config.display) };
    Config { display, http, ..config.clone() }
}

/// Whether each camera opens outputs of its own (the options
/// [`viewers_only`] leaves out), so the window is not the only thing running.
pub fn has_outputs(config: &Config) -> bool {
    config.file.as_ref().is_some_and(|f| f.cameras.values().any(|c| c.sinks.has_outputs()))
        || config.verify
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
    /// The camera's `--config` table its own sinks were opened with.
    pub(crate) opened_with: Option<crate::config_file::SinkOverrides>,
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
    /// For a camera nothing vouches for, the address of the sender that made it.
    stranger: Option<IpAddr>,
    /// The camera streaming into it now, for a busy refusal.
    pub(crate) streaming: StdMutex<Option<CameraName>>,
    pub(crate) held: Arc<Mutex<Held>>,
}

/// Why a camera has no slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Full {
    /// Every one of this many slots is streaming (`--max-cameras`).
    Cameras(usize),
    /// This many cameras nothing vouches for are streaming.
    Strangers(usize),
    /// This many cameras nothing vouches for are streaming from this address.
    FromAddress(usize, IpAddr),
}

impl Full {
    /// The refusal the sender is told.
    pub(crate) fn refusal(&self) -> String {
        match self {
            Full::Cameras(max) => format!("full: this receiver takes {max} cameras at once (cam-recv --max-cameras)"),
            Full::Strangers(max) => format!(
                "full: this receiver takes {max} cameras at once that its --camera and --listen options do not name \
                 (cam-recv --camera NAME=ADDRESS, or --secret-file or --allow)"
            ),
            Full::FromAddress(max, _) => format!(
                "full: this receiver takes {max} cameras at once from one address that its --camera and --listen \
                 options do not name (cam-recv --camera NAME=ADDRESS, or --secret-file or --allow)"
            ),
        }
    }

    /// The receiver's log line about refusing `camera`.
    pub(crate) fn log_line(&self, camera: &CameraName) -> String {
        match self {
            Full::Cameras(max) => {
                format!("refused: {max} cameras are streaming, the most at once (--max-cameras); camera {camera} must wait")
            }
            Full::Strangers(max) => format!(
                "refused camera {camera}: {max} cameras that no --camera, --listen, --allow or secret vouches for are \
                 streaming, the most at once; name its address (--camera {camera}=ADDRESS), or vouch for senders with \
                 --secret-file or --allow"
            ),
            Full::FromAddress(max, ip) => format!(
                "refused camera {camera}: {ip} streams {max} cameras that no --camera, --listen, --allow or secret \
                 vouches for, the most from one address; name the address (--camera NAME={ip}), or vouch for senders with \
                 --secret-file or --allow"
            ),
        }
    }
}

/// Every camera's slot.
pub(crate) struct Slots {
    /// One slot for every camera (a file option without `{camera}`).
    shared: Option<Arc<Slot>>,
    per_camera: StdMutex<BTreeMap<CameraName, Arc<Slot>>>,
    max: usize,
    /// Slots cameras that nothing vouches for may have at once.
    max_strangers: usize,
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
            max_strangers: max.min(MAX_STRANGERS),
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
        let held = Held::Open(Box::new(CameraSinks { own: sinks, viewers: None, opened_with: None }));
        let slot =
            Slot { camera: None, stranger: None, streaming: StdMutex::new(None), held: Arc::new(Mutex::new(held)) };
        Self {
            shared: Some(Arc::new(slot)),
            per_camera: StdMutex::new(BTreeMap::new()),
            max: 1,
            max_strangers: 1,
            viewers: StdMutex::new(None),
            shown: StdMutex::new(None),
            directory: directory().0,
        }
    }

    /// Puts back the viewers' sinks taken for a camera whose own sinks could not be opened.
    pub(crate) fn give_back_viewers(&self, viewers: Option<Sinks>) {
        if let Some(viewers) = viewers {
            *self.viewers.lock().expect("viewers lock") = Some(viewers);
            *self.shown.lock().expect("shown lock") = None;
        }
    }

    /// At most `max` slots for cameras nothing vouches for (see [`CameraOptions::max_strangers`]).
    pub(crate) fn with_max_strangers(mut self, max: usize) -> Self {
        self.max_strangers = max;
        self
    }

    /// The viewers' sinks for `camera`, if no camera has taken them yet.
    pub(crate) fn take_viewers(&self, camera: &CameraName) -> Option<Sinks> {
        let viewers = self.viewers.lock().expect("viewers lock").take()?;
        *self.shown.lock().expect("shown lock") = Some(camera.clone());
        Some(viewers)
    }

    /// The slot `camera` streams into: its own (made now if new, closing an
    /// idle one when all are taken), or the shared one. `stranger` is the
    /// sender's address when nothing vouches for the camera. `Full` when
    /// every slot (or every slot strangers may have, from anywhere or from
    /// this address) is streaming. The idle slots closed to make room are
    /// returned: the caller closes their sinks.
    pub(crate) fn slot(
        &self,
        camera: &CameraName,
        stranger: Option<IpAddr>,
    ) -> Result<(Arc<Slot>, Vec<CameraSinks>), Full> {
        if let Some(shared) = &self.shared {
            return Ok((shared.clone(), Vec::new()));
        }
        let mut slots = self.per_camera.lock().expect("slots lock");
        if let Some(slot) = slots.get(camera) {
            return Ok((slot.clone(), Vec::new()));
        }
        let mut closed = Vec::new();
        if let Some(ip) = stranger {
            loop {
                let from = |ip: IpAddr| slots.values().filter(|s| s.stranger == Some(ip)).count();
                let strangers = slots.values().filter(|s| s.stranger.is_some()).count();
                let (full, room) = if from(ip) >= MAX_STRANGERS_PER_ADDRESS {
                    (
                        Full::FromAddress(MAX_STRANGERS_PER_ADDRESS, ip),
                        self.close_idle(&mut slots, |s| s.stranger == Some(ip)),
                    )
                } else if strangers >= self.max_strangers {
                    // When strangers may have every place, that is the limit they met.
                    let full = if self.max_strangers >= self.max {
                        Full::Cameras(self.max)
                    } else {
                        Full::Strangers(self.max_strangers)
                    };
                    (full, self.close_idle(&mut slots, |s| s.stranger.is_some()))
                } else {
                    break;
                };
                closed.extend(room.ok_or(full)?);
            }
        }
        while slots.len() >= self.max {
            closed.extend(self.close_idle(&mut slots, |_| true).ok_or(Full::Cameras(self.max))?);
        }
        let slot = Arc::new(Slot {
            camera: Some(camera.clone()),
            stranger,
            streaming: StdMutex::new(None),
            held: Arc::new(Mutex::new(Held::New)),
        });
        slots.insert(camera.clone(), slot.clone());
        Ok((slot, closed))
    }

    /// The `--config` file changed to `file`: the sinks of each idle camera
    /// whose table changed are taken out (to be closed by the caller), so its
    /// next stream opens them anew. A streaming camera sees to its own.
    pub(crate) fn reload_idle(&self, file: &FileConfig) -> Vec<CameraSinks> {
        let slots = self.per_camera.lock().expect("slots lock");
        let mut out = Vec::new();
        for (name, slot) in slots.iter() {
            let Ok(mut held) = slot.held.clone().try_lock_owned() else { continue };
            let Held::Open(sinks) = &*held else { continue };
            let now = file.cameras.get(name).map(|c| &c.sinks);
            if sinks.opened_with.as_ref() == now {
                continue;
            }
            self.directory.send_modify(|d| {
                d.remove(name);
            });
            let Held::Open(mut sinks) = std::mem::replace(&mut *held, Held::New) else { unreachable!() };
            // The viewers (window, web view) go to the next camera that streams.
            self.give_back_viewers(sinks.viewers.take());
            out.push(*sinks);
        }
        out
    }

    /// Closes an idle slot among those `matching` (nobody holds or waits for
    /// its lock; not the viewers' camera): its sinks, if it had any open.
    fn close_idle(
        &self,
        slots: &mut BTreeMap<CameraName, Arc<Slot>>,
        matching: impl Fn(&Slot) -> bool,
    ) -> Option<Option<CameraSinks>> {
        let shown = self.shown.lock().expect("shown lock").clone();
        let idle =
            slots.iter().filter(|(name, s)| Some(*name) != shown.as_ref() && matching(s)).find_map(|(name, s)| {
                let guard = s.held.clone().try_lock_owned().ok()?;
                Some((name.clone(), guard))
            });
        let (name, mut guard) = idle?;
        slots.remove(&name);
        self.directory.send_modify(|d| {
            d.remove(&name);
        });
        match std::mem::replace(&mut *guard, Held::Closed) {
            Held::Open(sinks) => Some(Some(*sinks)),
            _ => Some(None),
        }
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
            out.push(CameraSinks { own: viewers, viewers: None, opened_with: None });
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
        let (a, _) = slots.slot(&name("a"), None).unwrap();
        let (b, _) = slots.slot(&name("b"), None).unwrap();
        assert!(Arc::ptr_eq(&a, &slots.slot(&name("a"), None).unwrap().0), "the same camera, the same slot");
        let wait = std::time::Duration::from_millis(10);
        let _a = a.claim(&name("a"), wait).await.unwrap();
        let _b = b.claim(&name("b"), wait).await.unwrap();
        assert_eq!(slots.slot(&name("c"), None).err(), Some(Full::Cameras(2)));
        assert_eq!(a.claim(&name("a"), wait).await.err(), Some(Some(name("a"))), "busy, naming the camera");
        drop(_b);
        b.release();
        let (c, closed) = slots.slot(&name("c"), None).unwrap();
        assert!(closed.is_empty(), "b had no sinks open yet");
        assert!(matches!(*b.held.lock().await, Held::Closed), "b's slot made room");
        assert!(c.claim(&name("c"), wait).await.is_ok());
    }

    #[tokio::test]
    async fn strangers_have_a_few_slots_and_one_address_fewer_and_named_cameras_keep_theirs() {
        let slots = Slots::per_camera(16, None, directory().0).with_max_strangers(3);
        let wait = std::time::Duration::from_millis(10);
        let (one, two): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let mut held = Vec::new();
        for (camera, ip) in [("x1", one), ("x2", one), ("y1", two)] {
            let (slot, _) = slots.slot(&name(camera), Some(ip)).unwrap();
            held.push(slot.claim(&name(camera), wait).await.unwrap());
        }
        assert_eq!(slots.slot(&name("x3"), Some(one)).err(), Some(Full::FromAddress(MAX_STRANGERS_PER_ADDRESS, one)));
        assert_eq!(slots.slot(&name("y2"), Some(two)).err(), Some(Full::Strangers(3)));
        assert!(slots.slot(&name("garden"), None).is_ok(), "a named camera is not held up by strangers");
        assert!(slots.slot(&name("x1"), Some(one)).is_ok(), "a stranger's own slot is its own");
        // A stranger that stopped streaming makes room for another.
        held.pop();
        let (y2, _) = slots.slot(&name("y2"), Some(two)).unwrap();
        assert!(y2.claim(&name("y2"), wait).await.is_ok());
    }

    #[test]
    fn the_configuration_vouches_for_the_cameras_it_names_and_leaves_them_room() {
        let mut options = CameraOptions::default();
        options.by_address.push(("192.0.2.0/24".parse().unwrap(), name("door")));
        assert!(options.vouches_for(Some(&name("garden")), "198.51.100.1:1".parse().unwrap()));
        assert!(options.vouches_for(None, "192.0.2.9:1".parse().unwrap()));
        assert!(!options.vouches_for(None, "198.51.100.1:1".parse().unwrap()));
        assert_eq!(options.max_strangers(None), MAX_STRANGERS);
        options.max = 3;
        assert_eq!(options.max_strangers(None), 2, "one slot stays for door");
        let file = crate::config_file::parse("[camera.porch]\n", std::path::Path::new("f.toml")).unwrap();
        assert_eq!(options.max_strangers(Some(&file)), 1, "and one for the file's porch");
    }
}
