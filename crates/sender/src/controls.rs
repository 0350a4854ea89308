//! Camera controls as the command line asks for them: rpicam-vid's options
//! (`--shutter`, `--awb`, ...) and `--set NAME=VALUE`, all turned into
//! libcamera control names with values in text. The `libcamera` build checks
//! each against the camera's own control list and applies it
//! (`source::libcamera`); this module needs no camera.

use anyhow::{bail, Context, Result};

/// One control to set: libcamera's name, the value as text (a number, a
/// comma-separated list, an enumerator's name or number, `true`/`false`), and
/// the option that asked for it, for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlRequest {
    /// libcamera's control name, e.g. `ExposureTime`.
    pub name: String,
    /// The value as text.
    pub value: String,
    /// The option as the user gave it, e.g. `--shutter 10ms`, for messages.
    pub option: String,
}

/// Everything the user asked of the camera besides size, rate and orientation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CameraOptions {
    /// Controls to set when the camera starts, in command-line order.
    pub controls: Vec<ControlRequest>,
    /// `--roi x,y,w,h`: the part of the sensor to use, as fractions (ScalerCrop).
    pub roi: Option<[f64; 4]>,
    /// `--tuning-file`: Raspberry Pi's pipeline handlers read it from `LIBCAMERA_RPI_TUNING_FILE`.
    pub tuning_file: Option<String>,
    /// `--buffer-count`: camera buffers (and requests) in flight.
    pub buffer_count: Option<u32>,
    /// `--camera-timeout`: a camera that delivers no frame for this long is restarted.
    pub timeout: Option<std::time::Duration>,
    /// `--hdr sensor|auto`: the sensor's own HDR, a V4L2 control outside libcamera.
    pub sensor_hdr: Option<SensorHdr>,
}

/// `--hdr sensor` or `--hdr auto`: a Camera Module 3's (imx708's) own HDR,
/// which libcamera has no control for (see `source::sensor_hdr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorHdr {
    /// `--hdr sensor`: a camera without one is an error.
    Sensor,
    /// `--hdr auto`: HDR stays off on a camera without one.
    Auto,
}

impl CameraOptions {
    /// Whether anything is asked of the camera at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The options given, by name, for a message.
    pub fn options_given(&self) -> String {
        let mut names: Vec<&str> = self.controls.iter().filter_map(|c| c.option.split(' ').next()).collect();
        if self.roi.is_some() {
            names.push("--roi");
        }
        if self.tuning_file.is_some() {
            names.push("--tuning-file");
        }
        if self.buffer_count.is_some() {
            names.push("--buffer-count");
        }
        if self.timeout.is_some() {
            names.push("--camera-timeout");
        }
        if self.sensor_hdr.is_some() {
            names.push("--hdr");
        }
        names.dedup();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(", "),
        }
    }

    /// How many options [`Self::options_given`] names.
    pub fn options_count(&self) -> usize {
        self.options_given().matches("--").count()
    }

    /// Adds `name` = `value` for `option` (as given, e.g. `--awb daylight`).
    pub fn push(&mut self, option: impl Into<String>, name: &str, value: impl ToString) {
        self.controls.push(ControlRequest { name: name.into(), value: value.to_string(), option: option.into() });
    }

    /// `Name=value, ...` of the controls asked for, for the log.
    pub fn summary(&self) -> String {
        let v: Vec<String> = self.controls.iter().map(|c| format!("{}={}", c.name, c.value)).collect();
        v.join(", ")
    }
}

/// An rpicam-vid keyword and the libcamera enumerator value it means.
type Keywords = &'static [(&'static str, i32)];

/// `--metering`: libcamera's AeMeteringMode (rpicam-vid's "average" is MeteringMatrix).
pub const METERING: Keywords = &[("centre", 0), ("spot", 1), ("average", 2), ("matrix", 2), ("custom", 3)];
/// `--exposure`: AeExposureMode (rpicam-vid's "sport" is ExposureShort).
pub const EXPOSURE: Keywords = &[("normal", 0), ("sport", 1), ("short", 1), ("long", 2), ("custom", 3)];
/// `--awb`: AwbMode.
pub const AWB: Keywords = &[
    ("auto", 0),
    ("incandescent", 1),
    ("tungsten", 2),
    ("fluorescent", 3),
    ("indoor", 4),
    ("daylight", 5),
    ("cloudy", 6),
    ("custom", 7),
];
/// `--denoise`: NoiseReductionMode; `auto` leaves the camera's own choice.
pub const DENOISE: Keywords = &[("off", 0), ("cdn_off", 3), ("cdn_fast", 1), ("cdn_hq", 2)];
/// `--autofocus-mode`: AfMode; `default` leaves the camera's own choice.
pub const AF_MODE: Keywords = &[("manual", 0), ("auto", 1), ("continuous", 2)];
/// `--hdr`: HdrMode; rpicam-vid's `sensor` and `auto` switch a sensor's V4L2 control instead ([`SensorHdr`]).
pub const HDR: Keywords = &[("off", 0), ("single-exp", 3)];

/// The enumerator value `word` means for `option`, or one line listing the words.
pub fn keyword(option: &str, word: &str, keywords: Keywords) -> Result<i32> {
    keywords.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|&(_, v)| v).with_context(|| {
        let words: Vec<&str> = keywords.iter().map(|(w, _)| *w).collect();
        format!("{option} {word:?}: use one of {}", words.join(", "))
    })
}

/// `R,B` of `--awbgains`, both positive.
pub fn parse_awbgains(s: &str) -> Result<(f32, f32)> {
    let v = parse_floats("--awbgains", s, 2)?;
    if v.iter().any(|&g| g <= 0.0) {
        bail!("--awbgains {s:?}: both gains must be positive, e.g. --awbgains 1.5,1.2");
    }
    Ok((v[0] as f32, v[1] as f32))
}

/// `x,y,w,h` of `--roi`: fractions of the sensor, the rectangle inside it.
pub fn parse_roi(s: &str) -> Result<[f64; 4]> {
    let v = parse_floats("--roi", s, 4)?;
    let inside = v.iter().all(|&f| (0.0..=1.0).contains(&f)) && v[2] > 0.0 && v[3] > 0.0;
    if !inside || v[0] + v[2] > 1.0 + 1e-9 || v[1] + v[3] > 1.0 + 1e-9 {
        bail!("--roi {s:?}: x,y,w,h are fractions of the sensor (0 to 1) with x+w and y+h at most 1, e.g. 0.25,0.25,0.5,0.5");
    }
    Ok([v[0], v[1], v[2], v[3]])
}

/// `NAME=VALUE` of `--set`.
pub fn parse_set(s: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => bail!(
            "--set {s:?}: use NAME=VALUE with libcamera's control name, e.g. --set AeEnable=false (see --list-cameras)"
        ),
    }
}

fn parse_floats(option: &str, s: &str, n: usize) -> Result<Vec<f64>> {
    let v: Vec<f64> = s.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().ok().unwrap_or_default();
    if v.len() != n || v.iter().any(|f| !f.is_finite()) {
        bail!("{option} {s:?}: {n} comma-separated numbers expected");
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_lists_parse_or_say_what_to_use() {
        assert_eq!(keyword("--awb", "Daylight", AWB).unwrap(), 5);
        let e = keyword("--metering", "middle", METERING).unwrap_err().to_string();
        assert_eq!(e, "--metering \"middle\": use one of centre, spot, average, matrix, custom");
        assert_eq!(parse_awbgains("1.5, 1.2").unwrap(), (1.5, 1.2));
        assert!(parse_awbgains("1.5").is_err() && parse_awbgains("0,1").is_err());
        assert_eq!(parse_roi("0.25,0.25,0.5,0.5").unwrap(), [0.25, 0.25, 0.5, 0.5]);
        assert!(parse_roi("0.5,0.5,0.6,0.5").is_err() && parse_roi("0,0,0,1").is_err());
        assert_eq!(parse_set("AeEnable = false").unwrap(), ("AeEnable".into(), "false".into()));
        assert!(parse_set("AeEnable").is_err() && parse_set("=1").is_err());
    }
}
