//! One opened, configured and started camera, and the loop that turns its
//! completed requests into frames. Lives on the worker thread only.

use std::{
    path::Path,
    sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError},
    time::{Duration, SystemTime},
};

use ::libcamera::{
    camera::{ActiveCamera, Orientation as CameraOrientation},
    camera_manager::CameraManager,
    controls::SensorTimestamp,
    framebuffer::{AsFrameBuffer, FrameMetadataStatus},
    framebuffer_allocator::{FrameBuffer, FrameBufferAllocator},
    framebuffer_map::MemoryMappedFrameBuffer,
    geometry::Size,
    pixel_format::PixelFormat,
    properties::Rotation,
    request::{Request, RequestStatus, ReuseFlag},
    stream::{Stream, StreamRole},
};
use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use tracing::{debug, info, warn};

use super::{
    list::{find_camera, start_manager},
    Frame,
};
use crate::{
    controls::CameraOptions,
    picture::{Orientation, YuvFrame},
    source::{sensor_hdr, Captured},
};

/// Pixel formats by fourcc: the crate's `formats::` constants depend on the
/// libcamera headers it was built against (0.4's cannot be read by bindgen).
pub(super) const NV12: PixelFormat = PixelFormat::new(u32::from_le_bytes(*b"NV12"), 0);
pub(super) const YUV420: PixelFormat = PixelFormat::new(u32::from_le_bytes(*b"YU12"), 0);
pub(super) const MJPEG: PixelFormat = PixelFormat::new(u32::from_le_bytes(*b"MJPG"), 0);
/// Linux's errno for "device or resource busy" (libcamera runs on Linux only).
const EBUSY: i32 = 16;

/// What the user asked of the camera.
#[derive(Debug)]
pub(super) struct Settings {
    pub camera: Option<String>,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// The codec is JPEG, so the camera's own MJPEG can go out as it is.
    pub allow_mjpeg: bool,
    /// `--hflip`, `--vflip`, `--rotation`: asked of the camera first.
    pub orientation: Orientation,
    /// Controls, ROI, tuning file, buffer count.
    pub options: CameraOptions,
}

/// How to read a completed buffer.
#[derive(Debug, Clone, Copy)]
struct Layout {
    format: PixelFormat,
    width: u32,
    height: u32,
    stride: usize,
}

/// A started camera. Dropping it stops the camera first (see the `Drop`
/// impl); then field order is drop order: completed requests (and their
/// buffers), the camera (released), the manager it came from.
pub(super) struct Session {
    completed: Receiver<Request>,
    /// Requests queued in the camera and not yet completed.
    queued: usize,
    /// Completed requests not queued again; freed only after the camera has
    /// stopped (see the `Drop` impl).
    parked: Vec<Request>,
    stream: Stream,
    layout: Layout,
    /// The flips the camera does itself.
    pub orientation_done: Orientation,
    /// 1 for the first session of the process, then one more per restart.
    #[cfg(feature = "fault-injection")]
    generation: u64,
    /// Longest wait for a frame before the camera counts as gone.
    timeout: Duration,
    id: String,
    cam: ActiveCamera<'static>,
    _manager: CameraManager,
}

impl Drop for Session {
    /// Stops the camera while everything its completion callback touches is
    /// still alive. Left to `ActiveCamera`'s own drop, the callback would be
    /// disconnected before the stop, racing a completion being delivered on
    /// libcamera's thread.
    fn drop(&mut self) {
        // First take back every request still queued, and keep them until the
        // camera has stopped, so that the pipeline handler is never working on
        // a request while the camera stops or the request is freed. libcamera
        // 0.7.1's virtual pipeline handler signals completion before it has
        // finished with a request, and crashes (SIGSEGV in its processRequest)
        // if the request is destroyed at once or stopDevice runs meanwhile:
        // about 1 run in 25 before. A real camera waits at most a frame time here.
        while self.queued > 0 {
            match self.completed.recv_timeout(Duration::from_millis(500)) {
                Ok(req) => {
                    self.parked.push(req);
                    self.queued -= 1;
                }
                Err(_) => break,
            }
        }
        // Let the handler's thread leave the function that completed the last one.
        std::thread::sleep(Duration::from_millis(5));
        if let Err(e) = self.cam.stop() {
            debug!("stopping camera {}: {e}", self.id);
        }
        self.parked.clear();
    }
}

impl Session {
    /// Opens, configures and starts the camera `settings` names, with all its buffers queued.
    pub fn open(settings: &Settings) -> Result<Self> {
        let mut manager = start_manager(settings.options.tuning_file.as_deref())?;
        let mut camera = find_camera(&manager, settings.camera.as_deref())?;
        let id = camera.id().to_string();
        // A Camera Module 3's own HDR changes its sensor modes, which the
        // manager reads when it starts: a change needs a new manager.
        let hdr = settings.options.sensor_hdr;
        if sensor_hdr::apply(Path::new("/sys"), &id, hdr, sensor_hdr::set_wide_dynamic_range)? {
            drop(camera);
            drop(manager);
            manager = start_manager(settings.options.tuning_file.as_deref())?;
            camera = find_camera(&manager, Some(&id))?;
        }
        let mut cam = camera.acquire().map_err(|e| match e.raw_os_error() {
            Some(EBUSY) => anyhow!("camera {id} is busy: another program (rpicam-apps, another cam-send?) is using it"),
            _ => anyhow!("cannot acquire camera {id}: {e}"),
        })?;
        let (layout, stream, orientation_done) = configure(&mut cam, &id, settings)?;
        let requests =
            make_requests(&mut cam, &stream).with_context(|| format!("setting up buffers for camera {id}"))?;
        let completed = cam.subscribe_request_completed();
        let controls = super::controls::start_controls(cam.controls(), &id, &settings.options, settings.fps)?;
        cam.start(Some(&controls)).map_err(|e| anyhow!("cannot start camera {id}: {e}"))?;
        let queued = requests.len();
        debug!(
            "camera {id}: {}x{} {}, stride {} bytes, {queued} capture buffers, {} start controls",
            layout.width,
            layout.height,
            layout.format,
            layout.stride,
            controls.len()
        );
        for req in requests {
            cam.queue_request(req).map_err(|(_, e)| anyhow!("camera {id} refused a capture request: {e}"))?;
        }
        let passthrough = if layout.format == MJPEG { ", passed through as JPEG" } else { "" };
        info!("camera {id}: {}x{} {} at {} fps{passthrough}", layout.width, layout.height, layout.format, settings.fps);
        let timeout = settings
            .options
            .timeout
            .unwrap_or_else(|| Duration::from_secs(5).max(Duration::from_secs_f64(4.0 / settings.fps)));
        Ok(Self {
            completed,
            queued,
            parked: Vec::new(),
            stream,
            layout,
            orientation_done,
            #[cfg(feature = "fault-injection")]
            generation: super::fault::next_generation(),
            timeout,
            id,
            cam,
            _manager: manager,
        })
    }

    /// Re-queues every completed buffer at once, and copies out one frame per
    /// message on `wants` into `frames`. Returns `Ok` when the source is gone,
    /// an error when the camera fails or stops delivering.
    pub fn run(&mut self, wants: &Receiver<()>, frames: &SyncSender<Result<Frame>>, pending: &mut usize) -> Result<()> {
        loop {
            let mut req = match self.completed.recv_timeout(self.timeout) {
                Ok(req) => {
                    self.queued -= 1;
                    req
                }
                Err(RecvTimeoutError::Timeout) => {
                    bail!("camera {} delivered no frame for {:.1} s", self.id, self.timeout.as_secs_f64())
                }
                Err(RecvTimeoutError::Disconnected) => bail!("camera {} stopped", self.id),
            };
            // From here `req` is ours until it is queued again; a request that is
            // not goes to `parked`, never dropped while the camera runs.
            loop {
                match wants.try_recv() {
                    Ok(()) => *pending += 1,
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        self.parked.push(req);
                        return Ok(());
                    }
                }
            }
            if req.status() != RequestStatus::Complete {
                self.parked.push(req);
                bail!("camera {} cancelled a capture request: was it unplugged or stopped?", self.id);
            }
            #[cfg(feature = "fault-injection")]
            if super::fault::stall(self.generation) {
                self.parked.push(req);
                continue;
            }
            let frame = match if *pending > 0 { self.frame(&req) } else { Ok(None) } {
                Ok(frame) => frame,
                Err(e) => {
                    self.parked.push(req);
                    return Err(e);
                }
            };
            req.reuse(ReuseFlag::REUSE_BUFFERS);
            if let Err((req, e)) = self.cam.queue_request(req) {
                self.parked.push(req);
                bail!("camera {} refused a capture request: {e}", self.id);
            }
            self.queued += 1;
            if let Some(frame) = frame {
                *pending -= 1;
                #[cfg(feature = "fault-injection")]
                super::fault::delivered();
                if frames.send(Ok(frame)).is_err() {
                    return Ok(());
                }
            }
        }
    }

    /// The frame in a completed request; `None` for a buffer the camera marked bad.
    fn frame(&self, req: &Request) -> Result<Option<Frame>> {
        let fb: &MemoryMappedFrameBuffer<FrameBuffer> =
            req.buffer(&self.stream).context("a completed request came back without its buffer")?;
        let meta = fb.metadata();
        if let Some(status) = meta.as_ref().map(|m| m.status()).filter(|s| *s != FrameMetadataStatus::Success) {
            debug!("camera {}: skipping a frame with status {status:?}", self.id);
            return Ok(None);
        }
        let sensor_ns = req.metadata().get::<SensorTimestamp>().ok().map(|t| t.0);
        let captured_at = wall_clock(sensor_ns.or_else(|| meta.as_ref().map(|m| m.timestamp() as i64)));
        let planes = fb.data();
        let Layout { format, width, height, stride } = self.layout;
        let captured = if format == MJPEG {
            let plane =
                planes.first().with_context(|| format!("camera {} returned a buffer without planes", self.id))?;
            let used = meta.as_ref().and_then(|m| m.planes().get(0)).map_or(plane.len(), |p| p.bytes_used as usize);
            Captured::Encoded(Bytes::copy_from_slice(&plane[..used.min(plane.len())]))
        } else {
            let y_len = stride * height as usize;
            let c_stride = if format == NV12 { stride } else { stride / 2 };
            let c_len = c_stride * height as usize / 2;
            // Some cameras put all planes in one; split it by the layout.
            let (y, c1, c2) = match planes.as_slice() {
                [y, c1, c2, ..] => (*y, *c1, *c2),
                [y, c] => (*y, *c, &c[c.len().min(c_len)..]),
                [all] => {
                    let (y, c) = all.split_at(y_len.min(all.len()));
                    (y, c, &c[c.len().min(c_len)..])
                }
                [] => bail!("camera {} returned a buffer without planes", self.id),
            };
            Captured::Picture(if format == NV12 {
                YuvFrame::from_nv12(width, height, y, stride, c1, stride)?
            } else {
                YuvFrame::from_yuv420(width, height, (y, stride), (c1, c2, c_stride))?
            })
        };
        Ok(Some((captured, captured_at)))
    }
}

/// Picks a format, applies the size, reports what the camera adjusted.
fn configure(cam: &mut ActiveCamera<'static>, id: &str, s: &Settings) -> Result<(Layout, Stream, Orientation)> {
    let mut config = cam
        .generate_configuration(&[StreamRole::VideoRecording])
        .with_context(|| format!("camera {id} offers no video stream"))?;
    let format = {
        let stream_config = config.get(0).with_context(|| format!("camera {id} offers no video stream"))?;
        let offered = stream_config.formats().pixel_formats().into_iter().collect::<Vec<_>>();
        // The camera's JPEGs cannot be flipped in software.
        let wanted: &[PixelFormat] =
            if s.allow_mjpeg && s.orientation.is_identity() { &[MJPEG, NV12, YUV420] } else { &[NV12, YUV420] };
        let Some(format) = wanted.iter().copied().find(|f| offered.contains(f)) else {
            let offered: Vec<String> = offered.iter().map(|f| f.to_string()).collect();
            bail!("camera {id} offers none of NV12, YUV420 or MJPEG (it offers {})", offered.join(", "));
        };
        format
    };
    {
        let mut stream_config = config.get_mut(0).expect("checked above");
        stream_config.set_pixel_format(format);
        stream_config.set_size(Size { width: s.width, height: s.height });
        if let Some(n) = s.options.buffer_count {
            stream_config.set_buffer_count(n);
        }
    }
    // Flipping in the camera is the sensor's readout order; a camera with no
    // sensor (no Rotation property: libcamera's virtual camera) is flipped in
    // software. (libcamera 0.7.1's virtual pipeline handler accepts any
    // Orientation and ignores it.)
    let has_sensor = cam.properties().get::<Rotation>().is_ok();
    if has_sensor {
        config.set_orientation(to_camera(s.orientation));
    } else if !s.orientation.is_identity() {
        debug!("camera {id} has no sensor Rotation property: not asking it to flip");
    }
    if config.validate().is_invalid() {
        bail!("camera {id} cannot deliver {}x{} {format}: see --list-cameras for what it offers", s.width, s.height);
    }
    cam.configure(&mut config).map_err(|e| anyhow!("cannot configure camera {id}: {e}"))?;
    let stream_config = config.get(0).expect("checked above");
    let Size { width, height } = stream_config.get_size();
    if (width, height) != (s.width, s.height) {
        warn!("camera adjusted {}x{} to {width}x{height}", s.width, s.height);
    }
    let got = stream_config.get_pixel_format();
    if got != format {
        bail!("camera {id} changed the pixel format from {format} to {got}: cam-send reads NV12, YUV420 and MJPEG");
    }
    let stream = stream_config.stream().with_context(|| format!("camera {id} has no stream after configuring"))?;
    let done = match if has_sensor { config.orientation() } else { CameraOrientation::Rotate0 } {
        CameraOrientation::Rotate0 => Orientation::default(),
        CameraOrientation::Rotate0Mirror => Orientation { hflip: true, vflip: false },
        CameraOrientation::Rotate180Mirror => Orientation { hflip: false, vflip: true },
        CameraOrientation::Rotate180 => Orientation { hflip: true, vflip: true },
        other => bail!("camera {id} turns its pictures by a quarter ({other:?}); cam-send cannot undo that"),
    };
    if !done.is_identity() {
        info!("camera {id} flips the picture itself ({:?})", config.orientation());
    }
    if done != s.orientation {
        let rest = s.orientation.after(done);
        info!("camera {id} cannot flip ({rest}) itself; flipping in software");
    }
    Ok((Layout { format, width, height, stride: stream_config.get_stride() as usize }, stream, done))
}

/// libcamera's name for a pair of flips.
fn to_camera(o: Orientation) -> CameraOrientation {
    match (o.hflip, o.vflip) {
        (false, false) => CameraOrientation::Rotate0,
        (true, false) => CameraOrientation::Rotate0Mirror,
        (false, true) => CameraOrientation::Rotate180Mirror,
        (true, true) => CameraOrientation::Rotate180,
    }
}

/// Maps every buffer of `stream` and attaches each to a request of its own.
fn make_requests(cam: &mut ActiveCamera<'static>, stream: &Stream) -> Result<Vec<Request>> {
    let buffers = FrameBufferAllocator::new(cam).alloc(stream).context("allocating buffers")?;
    let mut requests = Vec::with_capacity(buffers.len());
    for (i, buffer) in buffers.into_iter().enumerate() {
        let mapped = MemoryMappedFrameBuffer::new(buffer).context("mapping a buffer")?;
        let mut req = cam.create_request(Some(i as u64)).context("creating a capture request")?;
        req.add_buffer(stream, mapped).context("attaching a buffer to a request")?;
        requests.push(req);
    }
    Ok(requests)
}

/// The wall-clock time of a sensor timestamp.
///
/// libcamera documents SensorTimestamp as CLOCK_BOOTTIME; pipeline handlers
/// pass V4L2's CLOCK_MONOTONIC through, which only differs by time spent
/// suspended (never while streaming). Either way, the frame's age is "now on
/// the monotonic clock minus the timestamp", and its wall-clock time is
/// `SystemTime::now()` minus that age; a timestamp that is missing, in the
/// future or over 10 s old (another clock after all) counts as "now".
fn wall_clock(sensor_ns: Option<i64>) -> SystemTime {
    let now = SystemTime::now();
    let Some(sensor_ns) = sensor_ns else { return now };
    let mono = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let mono_ns = i128::from(mono.tv_sec) * 1_000_000_000 + i128::from(mono.tv_nsec);
    let age = mono_ns - i128::from(sensor_ns);
    tracing::trace!("sensor timestamp {sensor_ns} ns, {age} ns old");
    match u64::try_from(age) {
        Ok(age) if age <= 10_000_000_000 => now - Duration::from_nanos(age),
        _ => now,
    }
}
