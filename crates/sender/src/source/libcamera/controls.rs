//! The camera controls of [`CameraOptions`] checked against a camera's own
//! control list and made into the ControlList the camera starts with; and
//! `--list-cameras`' list of a camera's controls.

use std::fmt::Write;

use ::libcamera::{
    control::{ControlInfo, ControlInfoMap, ControlList},
    control_value::ControlValue,
    controls::ControlId,
    geometry::Rectangle,
    utils::UniquePtr,
};
use anyhow::{bail, Context, Result};
use tracing::{debug, warn};

use crate::controls::CameraOptions;

/// The control named `name` in `map`: its id and what it accepts.
fn find<'a>(map: &'a ControlInfoMap, name: &str) -> Option<(u32, &'a ControlInfo)> {
    map.into_iter().find(|(key, _)| control_name(*key).is_some_and(|n| n.eq_ignore_ascii_case(name)))
}

fn control_name(key: u32) -> Option<String> {
    ControlId::from_id(key).map(|c| c.name())
}

/// The controls `opts` asks for, each checked against the camera's control
/// list, plus the frame rate; a control the camera lacks is one warning line
/// and left out, a value it cannot take is an error that says the range.
pub(super) fn start_controls(
    map: &ControlInfoMap,
    id: &str,
    opts: &CameraOptions,
    fps: f64,
) -> Result<UniquePtr<ControlList>> {
    if !opts.controls.is_empty() {
        debug!("camera {id} controls asked for: {}", opts.summary());
    }
    let mut list = ControlList::new();
    let mut applied: Vec<String> = Vec::new();
    let mut set = |list: &mut ControlList, key: u32, name: &str, value: ControlValue| -> Result<()> {
        applied.push(format!("{name}={}", show(&value)));
        list.set_raw(key, value).map_err(|e| anyhow::anyhow!("camera {id}: cannot set {name}: {e}"))
    };
    let user_sets_rate = opts.controls.iter().any(|c| c.name.eq_ignore_ascii_case("FrameDurationLimits"));
    match find(map, "FrameDurationLimits") {
        Some((key, _)) if !user_sets_rate && fps > 0.0 => {
            let micros = (1e6 / fps).round() as i64;
            set(&mut list, key, "FrameDurationLimits", ControlValue::from([micros, micros]))?;
        }
        Some(_) => {}
        None => debug!("camera {id} has no FrameDurationLimits control; frames are only paced"),
    }
    for c in &opts.controls {
        let Some((key, info)) = find(map, &c.name) else {
            warn!(
                "camera {id} has no control {} ({}): not applied; see --list-cameras for its controls",
                c.name, c.option
            );
            continue;
        };
        let name = control_name(key).unwrap_or_else(|| c.name.clone());
        let value = parse_value(key, info, &c.value).with_context(|| format!("{}: camera {id}'s {name}", c.option))?;
        check_range(info, &value).with_context(|| format!("{}: camera {id}'s {name}", c.option))?;
        set(&mut list, key, &name, value)?;
    }
    if let Some([x, y, w, h]) = opts.roi {
        match find(map, "ScalerCrop") {
            None => {
                warn!("camera {id} has no control ScalerCrop (--roi): not applied; see --list-cameras for its controls")
            }
            Some((key, info)) => {
                let ControlValue::Rectangle(max) = info.max() else {
                    bail!("camera {id} reports no ScalerCrop maximum")
                };
                let full = max.first().copied().context("camera reports an empty ScalerCrop maximum")?;
                let (fw, fh) = (f64::from(full.width), f64::from(full.height));
                let crop = Rectangle {
                    x: full.x + (x * fw).round() as i32,
                    y: full.y + (y * fh).round() as i32,
                    width: (w * fw).round() as u32,
                    height: (h * fh).round() as u32,
                };
                set(&mut list, key, "ScalerCrop", crop.into())?;
            }
        }
    }
    debug!("camera {id} start controls: {}", if applied.is_empty() { "(none)".into() } else { applied.join(", ") });
    Ok(list)
}

/// `text` as a value of the control's type: numbers (comma-separated for
/// arrays), `true`/`false`, an enumerator's name, or `x,y,w,h`.
fn parse_value(key: u32, info: &ControlInfo, text: &str) -> Result<ControlValue> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    fn all<T: std::str::FromStr>(parts: &[&str], what: &str) -> Result<Vec<T>> {
        parts
            .iter()
            .map(|p| p.parse::<T>().ok())
            .collect::<Option<Vec<T>>>()
            .with_context(|| format!("{what} expected"))
    }
    let enumerators = ControlId::from_id(key).map(|c| c.enumerators_map()).unwrap_or_default();
    let by_name = |p: &str| enumerators.iter().find(|(_, n)| n.eq_ignore_ascii_case(p)).map(|(v, _)| *v);
    // The type, from whichever of default, minimum and maximum the camera gives.
    let template = [info.def(), info.min(), info.max()].into_iter().find(|v| !matches!(v, ControlValue::None));
    Ok(match template.unwrap_or(ControlValue::None) {
        ControlValue::Bool(_) => {
            let v = parts.iter().map(|p| match p.to_ascii_lowercase().as_str() {
                "true" | "1" | "on" | "yes" => Some(true),
                "false" | "0" | "off" | "no" => Some(false),
                _ => None,
            });
            v.collect::<Option<Vec<bool>>>().context("true or false expected")?.into()
        }
        ControlValue::Int32(_) => {
            let v: Option<Vec<i32>> = parts.iter().map(|p| p.parse().ok().or_else(|| by_name(p))).collect();
            v.with_context(|| match enumerators.is_empty() {
                true => "a whole number expected".to_string(),
                false => {
                    let mut names: Vec<_> = enumerators.iter().collect();
                    names.sort();
                    let names: Vec<String> = names.iter().map(|(v, n)| format!("{n} ({v})")).collect();
                    format!("one of {} expected", names.join(", "))
                }
            })?
            .into()
        }
        ControlValue::Int64(_) => all::<i64>(&parts, "a whole number")?.into(),
        ControlValue::Uint32(_) => all::<u32>(&parts, "a whole number")?.into(),
        ControlValue::Uint16(_) => all::<u16>(&parts, "a whole number")?.into(),
        ControlValue::Byte(_) => all::<u8>(&parts, "a number 0-255")?.into(),
        ControlValue::Float(_) => all::<f32>(&parts, "a number")?.into(),
        ControlValue::Rectangle(_) => {
            let v = all::<i64>(&parts, "x,y,width,height in pixels")?;
            let [x, y, w, h] = v[..] else { bail!("x,y,width,height in pixels expected") };
            Rectangle { x: x as i32, y: y as i32, width: w.max(0) as u32, height: h.max(0) as u32 }.into()
        }
        other => bail!("cam-send cannot set controls of this type ({})", show(&other)),
    })
}

/// A value outside the camera's min..max (when it gives one), or not among its listed values.
fn check_range(info: &ControlInfo, value: &ControlValue) -> Result<()> {
    let listed = info.values();
    if !listed.is_empty() {
        let nums: Vec<f64> = listed.iter().filter_map(|v| numbers(v).first().copied()).collect();
        if numbers(value).iter().all(|n| nums.contains(n)) || nums.is_empty() {
            return Ok(());
        }
        let shown: Vec<String> = listed.iter().map(show).collect();
        bail!("{} is not one of the values it takes: {}", show(value), shown.join(", "));
    }
    let (min, max) = (numbers(&info.min()), numbers(&info.max()));
    let (Some(&lo), Some(&hi)) = (min.first(), max.first()) else { return Ok(()) };
    if lo > hi || (lo == 0.0 && hi == 0.0) {
        return Ok(()); // no range given
    }
    if numbers(value).iter().any(|&n| n < lo || n > hi) {
        bail!("{} is out of range: it takes {} to {}", show(value), show(&info.min()), show(&info.max()));
    }
    Ok(())
}

fn numbers(v: &ControlValue) -> Vec<f64> {
    match v {
        ControlValue::Bool(v) => v.iter().map(|&b| f64::from(u8::from(b))).collect(),
        ControlValue::Byte(v) => v.iter().map(|&n| f64::from(n)).collect(),
        ControlValue::Uint16(v) => v.iter().map(|&n| f64::from(n)).collect(),
        ControlValue::Uint32(v) => v.iter().map(|&n| f64::from(n)).collect(),
        ControlValue::Int32(v) => v.iter().map(|&n| f64::from(n)).collect(),
        ControlValue::Int64(v) => v.iter().map(|&n| n as f64).collect(),
        ControlValue::Float(v) => v.iter().map(|&n| f64::from(n)).collect(),
        _ => Vec::new(),
    }
}

/// A value as the command line would give it.
fn show(v: &ControlValue) -> String {
    fn join<T: std::fmt::Display>(v: &[T]) -> String {
        v.iter().map(T::to_string).collect::<Vec<_>>().join(",")
    }
    match v {
        ControlValue::None => "none".into(),
        ControlValue::Bool(v) => join(v),
        ControlValue::Byte(v) => join(v),
        ControlValue::Uint16(v) => join(v),
        ControlValue::Uint32(v) => join(v),
        ControlValue::Int32(v) => join(v),
        ControlValue::Int64(v) => join(v),
        ControlValue::Float(v) => join(v),
        ControlValue::String(v) => join(v),
        ControlValue::Rectangle(v) => {
            v.iter().map(|r| format!("{},{},{},{}", r.x, r.y, r.width, r.height)).collect::<Vec<_>>().join(";")
        }
        ControlValue::Size(v) => v.iter().map(|s| format!("{}x{}", s.width, s.height)).collect::<Vec<_>>().join(";"),
        ControlValue::Point(v) => v.iter().map(|p| format!("{},{}", p.x, p.y)).collect::<Vec<_>>().join(";"),
    }
}

/// `--list-cameras`' lines for a camera's controls: name, range or values, default.
pub(super) fn describe(map: &ControlInfoMap) -> String {
    let mut lines: Vec<String> = map
        .into_iter()
        .map(|(key, info)| {
            let name = control_name(key).unwrap_or_else(|| format!("control {key:#x}"));
            let enumerators = ControlId::from_id(key).map(|c| c.enumerators_map()).unwrap_or_default();
            let values = info.values();
            let range = if !values.is_empty() {
                let shown: Vec<String> = values
                    .iter()
                    .map(|v| {
                        let n = numbers(v).first().map(|&n| n as i32);
                        match n.and_then(|n| enumerators.get(&n)) {
                            Some(name) => format!("{name}={}", show(v)),
                            None => show(v),
                        }
                    })
                    .collect();
                format!("one of {}", shown.join(", "))
            } else {
                format!("{} to {}", show(&info.min()), show(&info.max()))
            };
            format!("{name}: {range}, default {}", show(&info.def()))
        })
        .collect();
    lines.sort();
    let mut out = String::new();
    for l in lines {
        let _ = writeln!(out, "      {l}");
    }
    out
}
