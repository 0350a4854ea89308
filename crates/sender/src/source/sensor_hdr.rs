//! `--hdr sensor|auto`: the Camera Module 3's (imx708's) own HDR.
//!
//! libcamera has no control for it: the sensor driver exposes it as the V4L2
//! control `V4L2_CID_WIDE_DYNAMIC_RANGE` on its sub-device, and the sensor
//! modes libcamera sees depend on it. So, as rpicam-apps does
//! (`set_imx708_subdev_hdr_ctrl` in its `core/options.cpp`), the control is
//! set on `/dev/v4l-subdevN` directly, and the camera manager is started
//! again when that changed it. The sub-device is found through sysfs: its
//! driver's module is imx708 and its device-tree node is the camera's id.
//! A Camera Module 3 is switched back to HDR off when `--hdr` does not ask
//! for it, since the control outlives the process that set it.

use std::path::Path;

use anyhow::{bail, Result};
use tracing::{debug, info};

use crate::controls::SensorHdr;

/// Sub-devices looked at: `v4l-subdev0` to `v4l-subdev15`, as rpicam-apps does.
const SUBDEVS: u32 = 16;

/// The indices `N` of the `v4l-subdevN` sub-devices under `sys` (`/sys` on a
/// real system) whose driver's module is imx708 and whose device-tree node
/// is the camera `camera_id` (libcamera's id of a Raspberry Pi camera is its
/// device-tree path, e.g. `/base/soc/i2c0mux/i2c@1/imx708@1a`).
pub(crate) fn imx708_subdevs(sys: &Path, camera_id: &str) -> Vec<u32> {
    (0..SUBDEVS)
        .filter(|i| {
            let device = sys.join(format!("class/video4linux/v4l-subdev{i}/device"));
            let link = |name: &str| std::fs::read_link(device.join(name)).ok();
            link("driver/module").is_some_and(|m| m.to_string_lossy().contains("imx708"))
                && link("of_node").is_some_and(|n| n.to_string_lossy().contains(camera_id))
        })
        .collect()
}

/// Sets camera `camera_id`'s sensor HDR as `hdr` asks (off for `None`) on
/// each imx708 sub-device under `sys`, through `set` (see [`set_wide_dynamic_range`]);
/// returns whether anything changed, in which case the camera manager must be
/// started again to see the sensor's new modes.
///
/// `--hdr sensor` without a Camera Module 3 is an error; `--hdr auto`
/// without one leaves HDR off and says so.
pub(crate) fn apply(
    sys: &Path,
    camera_id: &str,
    hdr: Option<SensorHdr>,
    mut set: impl FnMut(&Path, bool) -> std::io::Result<bool>,
) -> Result<bool> {
    let subdevs = imx708_subdevs(sys, camera_id);
    if subdevs.is_empty() {
        match hdr {
            Some(SensorHdr::Sensor) => {
                bail!("no Camera Module 3 (imx708) sensor found for camera {camera_id}; --hdr sensor needs one")
            }
            Some(SensorHdr::Auto) => {
                info!("--hdr auto: camera {camera_id} is not a Camera Module 3 (imx708); HDR stays off")
            }
            None => {}
        }
        return Ok(false);
    }
    let on = hdr.is_some();
    let mut changed = false;
    for i in subdevs {
        let dev = format!("/dev/v4l-subdev{i}");
        match set(Path::new(&dev), on) {
            Ok(c) => {
                if c {
                    info!("camera {camera_id}: sensor HDR {} ({dev})", if on { "on" } else { "off" });
                }
                changed |= c;
            }
            Err(e) if on => bail!("--hdr: cannot switch on the sensor HDR of camera {camera_id} ({dev}): {e}"),
            // Not asked for: a sensor we cannot switch back is left as it is.
            Err(e) => debug!("camera {camera_id}: cannot read or clear sensor HDR on {dev}: {e}"),
        }
    }
    Ok(changed)
}

/// Sets `V4L2_CID_WIDE_DYNAMIC_RANGE` on the V4L2 sub-device `dev` to `on`
/// unless it already is; returns whether it changed.
#[cfg(feature = "libcamera")]
pub(crate) fn set_wide_dynamic_range(dev: &Path, on: bool) -> std::io::Result<bool> {
    use rustix::ioctl::{opcode, Opcode};

    /// `struct v4l2_control` from `<linux/videodev2.h>`.
    #[repr(C)]
    struct Control {
        id: u32,
        value: i32,
    }
    /// `V4L2_CID_CAMERA_CLASS_BASE + 21`.
    const WIDE_DYNAMIC_RANGE: u32 = 0x009a_0915;
    /// `VIDIOC_G_CTRL`: `_IOWR('V', 27, struct v4l2_control)`.
    const G_CTRL: Opcode = opcode::read_write::<Control>(b'V', 27);
    /// `VIDIOC_S_CTRL`: `_IOWR('V', 28, struct v4l2_control)`.
    const S_CTRL: Opcode = opcode::read_write::<Control>(b'V', 28);

    /// One control ioctl on `file`.
    #[allow(unsafe_code)]
    fn control<const OP: Opcode>(file: &std::fs::File, ctrl: &mut Control) -> std::io::Result<()> {
        // SAFETY: OP is VIDIOC_G_CTRL or VIDIOC_S_CTRL, both of which read and
        // write exactly one `struct v4l2_control`, which `Control` mirrors.
        unsafe { rustix::ioctl::ioctl(file, rustix::ioctl::Updater::<OP, Control>::new(ctrl)) }?;
        Ok(())
    }

    // Read-only, as rpicam-apps opens it: setting a control needs no write access.
    let file = std::fs::File::open(dev)?;
    let mut ctrl = Control { id: WIDE_DYNAMIC_RANGE, value: 0 };
    control::<G_CTRL>(&file, &mut ctrl)?;
    if (ctrl.value != 0) == on {
        return Ok(false);
    }
    ctrl.value = i32::from(on);
    control::<S_CTRL>(&file, &mut ctrl)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use std::{cell::RefCell, os::unix::fs::symlink, path::PathBuf};

    use super::*;

    /// The camera id libcamera gives a Camera Module 3 on a Pi 4's first port.
    const CAM: &str = "/base/soc/i2c0mux/i2c@1/imx708@1a";

    /// A sysfs tree as a Pi's kernel lays it out: `v4l-subdev{index}` for a
    /// sensor whose driver module is `module`, at device-tree node `node`.
    fn subdev(sys: &Path, index: u32, module: &str, node: &str) {
        let driver = sys.join(format!("bus/i2c/drivers/{module}"));
        if !driver.exists() {
            std::fs::create_dir_all(&driver).unwrap();
            symlink(format!("../../../../module/{module}"), driver.join("module")).unwrap();
        }
        let device = sys.join(format!("devices/platform/soc/i2c0mux/i2c-{index}/{index}-001a"));
        std::fs::create_dir_all(&device).unwrap();
        symlink(&driver, device.join("driver")).unwrap();
        symlink(format!("../../../../../../firmware/devicetree{node}"), device.join("of_node")).unwrap();
        let class = sys.join(format!("class/video4linux/v4l-subdev{index}"));
        std::fs::create_dir_all(&class).unwrap();
        symlink(&device, class.join("device")).unwrap();
    }

    /// `apply` with a setter that records its calls and reports `changes`.
    fn apply_recorded(sys: &Path, hdr: Option<SensorHdr>, changes: bool) -> (Result<bool>, Vec<(PathBuf, bool)>) {
        let calls = RefCell::new(Vec::new());
        let r = apply(sys, CAM, hdr, |dev, on| {
            calls.borrow_mut().push((dev.to_path_buf(), on));
            Ok(changes)
        });
        (r, calls.into_inner())
    }

    #[test]
    fn finds_the_imx708_of_this_camera_only() {
        let sys = tempfile::tempdir().unwrap();
        // Another sensor, another imx708 on the other port, then this camera's.
        subdev(sys.path(), 0, "imx219", "/base/soc/i2c0mux/i2c@0/imx219@10");
        subdev(sys.path(), 1, "imx708", "/base/soc/i2c0mux/i2c@0/imx708@1a");
        subdev(sys.path(), 3, "imx708", CAM);
        // A sub-device with no driver bound (no driver/module link) is skipped.
        std::fs::create_dir_all(sys.path().join("class/video4linux/v4l-subdev4/device")).unwrap();
        assert_eq!(imx708_subdevs(sys.path(), CAM), vec![3]);
        assert_eq!(imx708_subdevs(sys.path(), "/base/soc/i2c0mux/i2c@0/imx708@1a"), vec![1]);
        assert!(imx708_subdevs(sys.path(), "/base/soc/i2c0mux/i2c@0/imx219@10").is_empty());
    }

    #[test]
    fn sensor_hdr_without_a_camera_module_3_is_one_clear_error() {
        let sys = tempfile::tempdir().unwrap();
        subdev(sys.path(), 0, "imx219", CAM);
        let (r, calls) = apply_recorded(sys.path(), Some(SensorHdr::Sensor), true);
        assert_eq!(
            r.unwrap_err().to_string(),
            format!("no Camera Module 3 (imx708) sensor found for camera {CAM}; --hdr sensor needs one")
        );
        assert!(calls.is_empty());
        // auto and off ask nothing of a camera without one.
        for hdr in [Some(SensorHdr::Auto), None] {
            let (r, calls) = apply_recorded(sys.path(), hdr, true);
            assert!(!r.unwrap());
            assert!(calls.is_empty());
        }
    }

    #[test]
    fn sensor_and_auto_switch_it_on_and_off_switches_it_back() {
        let sys = tempfile::tempdir().unwrap();
        subdev(sys.path(), 2, "imx708", CAM);
        let dev = PathBuf::from("/dev/v4l-subdev2");
        for (hdr, on) in [(Some(SensorHdr::Sensor), true), (Some(SensorHdr::Auto), true), (None, false)] {
            let (r, calls) = apply_recorded(sys.path(), hdr, true);
            assert!(r.unwrap(), "{hdr:?}: a change restarts the camera manager");
            assert_eq!(calls, vec![(dev.clone(), on)]);
            let (r, _) = apply_recorded(sys.path(), hdr, false);
            assert!(!r.unwrap(), "{hdr:?}: nothing changed, no restart");
        }
    }

    #[test]
    fn a_sensor_that_refuses_fails_only_when_hdr_was_asked_for() {
        let sys = tempfile::tempdir().unwrap();
        subdev(sys.path(), 0, "imx708", CAM);
        let refuse = |_: &Path, _: bool| Err(std::io::Error::from_raw_os_error(13));
        let e = apply(sys.path(), CAM, Some(SensorHdr::Sensor), refuse).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("--hdr: cannot switch on the sensor HDR of camera {CAM} (/dev/v4l-subdev0): ")),
            "{e}"
        );
        assert!(!apply(sys.path(), CAM, None, refuse).unwrap());
    }
}
