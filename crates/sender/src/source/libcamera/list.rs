//! Which cameras there are: `--list-cameras`, and finding the one
//! `--source libcamera[:N|:ID]` names.

use std::fmt::Write;

use ::libcamera::{camera::Camera, camera_manager::CameraManager, properties::Model, stream::StreamRole};
use anyhow::{bail, Context, Result};

/// libcamera's camera manager, started. Unless `-v` or `LIBCAMERA_LOG_LEVELS`
/// asks for more, libcamera logs errors only: its INFO lines (version,
/// every configuration) would drown our own one-line reports.
///
/// `tuning_file` (`--tuning-file`) goes to `LIBCAMERA_RPI_TUNING_FILE`, which
/// Raspberry Pi's pipeline handlers read when the manager starts them.
pub(super) fn start_manager(tuning_file: Option<&str>) -> Result<CameraManager> {
    if let Some(file) = tuning_file {
        if !std::path::Path::new(file).is_file() {
            anyhow::bail!("--tuning-file {file}: no such file (Raspberry Pi's are in /usr/share/libcamera/ipa/rpi/)");
        }
        // Read by libcamera while the manager starts, on this thread; no other thread of ours reads it.
        std::env::set_var("LIBCAMERA_RPI_TUNING_FILE", file);
    }
    if !tracing::enabled!(tracing::Level::DEBUG) && std::env::var_os("LIBCAMERA_LOG_LEVELS").is_none() {
        // libcamera reads this when its logger starts, on first use; no other
        // thread of ours reads the environment.
        std::env::set_var("LIBCAMERA_LOG_LEVELS", "*:ERROR");
    }
    CameraManager::new().context("starting libcamera's camera manager")
}

/// The camera `spec` names: the first one for `None`, else by index or id.
pub(super) fn find_camera(manager: &CameraManager, spec: Option<&str>) -> Result<Camera<'static>> {
    let cameras = manager.cameras();
    if cameras.is_empty() {
        bail!("no camera found: check that it is connected and enabled (libcamera sees none)");
    }
    let camera = match spec {
        None => cameras.get(0),
        Some(s) => match s.parse::<usize>() {
            Ok(index) => cameras.get(index),
            Err(_) => manager.get(s),
        },
    };
    let found = match cameras.len() {
        1 => "1 camera found".to_string(),
        n => format!("{n} cameras found"),
    };
    camera.with_context(|| format!("no such camera: {} ({found}; see --list-cameras)", spec.unwrap_or("0")))
}

/// One block per camera: index, id and model, then each pixel format with
/// the sizes the camera offers for it.
pub fn list_cameras() -> Result<String> {
    let manager = start_manager(None)?;
    let cameras = manager.cameras();
    if cameras.is_empty() {
        bail!("no camera found: check that it is connected and enabled (libcamera sees none)");
    }
    let mut out = String::new();
    for index in 0..cameras.len() {
        let Some(camera) = cameras.get(index) else { continue };
        let model = camera.properties().get::<Model>().map(|m| m.0).unwrap_or_else(|_| "unknown model".into());
        let _ = writeln!(out, "{index}: {} ({model})", camera.id());
        let Some(config) = camera.generate_configuration(&[StreamRole::VideoRecording]) else {
            let _ = writeln!(out, "    (no video stream)");
            continue;
        };
        let Some(stream) = config.get(0) else { continue };
        let formats = stream.formats();
        for format in &*formats.pixel_formats() {
            let sizes: Vec<String> =
                formats.sizes(format).iter().map(|s| format!("{}x{}", s.width, s.height)).collect();
            let sizes = if sizes.is_empty() {
                let r = formats.range(format);
                format!("{}x{} to {}x{}", r.min.width, r.min.height, r.max.width, r.max.height)
            } else {
                sizes.join(", ")
            };
            let _ = writeln!(out, "    {format}: {sizes}");
        }
        let _ = writeln!(out, "    controls:");
        out.push_str(&super::controls::describe(camera.controls()));
    }
    Ok(out)
}
