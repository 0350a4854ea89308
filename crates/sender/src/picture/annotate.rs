//! `--annotate TEXT`: a line of text burned into every picture before it is
//! encoded (picamera's `annotate_text`, MediaMTX's `rpiCameraTextOverlay`,
//! rpicam-apps' annotate stage), light on a dark box in one corner.
//!
//! The text is a strftime pattern filled in with each frame's capture time
//! (local time), plus `%frame`, the frame's number as rpicam-apps spells it.
//! Glyphs come from embedded-graphics' bitmap fonts (ISO 8859-1), drawn on the
//! luma plane; the box's chroma is set to grey so it stays neutral on colour.

use std::{convert::Infallible, time::SystemTime};

use anyhow::{Context, Result};
use embedded_graphics::{
    mono_font::{
        iso_8859_1::{FONT_10X20, FONT_6X10},
        MonoFont, MonoTextStyle,
    },
    pixelcolor::{Gray8, GrayColor},
    prelude::*,
    text::{Baseline, Text},
};

use super::YuvFrame;

/// Where the box goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Corner {
    /// Top left.
    #[default]
    TopLeft,
    /// Top right.
    TopRight,
    /// Bottom left.
    BottomLeft,
    /// Bottom right.
    BottomRight,
}

/// Luma of the box and of the text (video range: black and white).
const BOX_LUMA: u8 = 16;
const TEXT_LUMA: u8 = 235;

/// A text overlay: the pattern and its corner.
#[derive(Debug, Clone)]
pub struct Annotation {
    pattern: String,
    corner: Corner,
}

impl Annotation {
    /// Checks `pattern`'s strftime fields now, so a typo is one line at start
    /// rather than a failure on the first frame.
    pub fn new(pattern: &str, corner: Corner) -> Result<Self> {
        let annotation = Self { pattern: pattern.to_string(), corner };
        annotation.text(1, SystemTime::now()).with_context(|| {
            format!("--annotate {pattern:?} is not a valid strftime pattern (e.g. 'cam1 %Y-%m-%d %H:%M:%S #%frame')")
        })?;
        Ok(annotation)
    }

    /// The characters of the pattern the font cannot draw (outside ISO 8859-1,
    /// drawn as `?`), quoted for a message: `'☃', '日' and '本' are`.
    pub fn undrawable(&self) -> Option<String> {
        let mut missing: Vec<char> = Vec::new();
        for c in self.pattern.chars().filter(|&c| u32::from(c) > 0xFF) {
            if !missing.contains(&c) && missing.len() < 8 {
                missing.push(c);
            }
        }
        let quoted: Vec<String> = missing.iter().map(|c| format!("'{c}'")).collect();
        match quoted.split_last() {
            None => None,
            Some((one, [])) => Some(format!("{one} is")),
            Some((last, rest)) => Some(format!("{} and {last} are", rest.join(", "))),
        }
    }

    /// The text for frame number `frame` captured at `at`: `%frame` becomes
    /// the number, then the strftime fields become the local time.
    pub fn text(&self, frame: u64, at: SystemTime) -> Result<String> {
        let mut pattern = String::with_capacity(self.pattern.len() + 16);
        let mut rest = self.pattern.as_str();
        while let Some(i) = rest.find('%') {
            pattern.push_str(&rest[..i]);
            rest = &rest[i..];
            if let Some(after) = rest.strip_prefix("%frame") {
                pattern.push_str(&frame.to_string());
                rest = after;
            } else {
                // `%%` and every other field go to strftime as they are.
                let len = if rest.starts_with("%%") { 2 } else { 1 };
                pattern.push_str(&rest[..len]);
                rest = &rest[len..];
            }
        }
        pattern.push_str(rest);
        let at = jiff::ZonedDateTime::try_from(at).context("the capture time is out of range")?;
        Ok(jiff::fmt::strtime::format(pattern, &at)?)
    }

    /// Draws the text for frame `frame` captured at `at` onto `picture`.
    pub fn apply(&self, picture: &mut YuvFrame, frame: u64, at: SystemTime) {
        // The pattern was checked at start; a time jiff cannot place still gets the frame.
        let text = self.text(frame, at).unwrap_or_else(|_| format!("#{frame}"));
        draw(picture, &text, self.corner);
    }
}

/// A font whose glyphs are about 2-3% of the picture's height: 10 pixels up
/// to 480 lines, 20 above, doubled at 2160 lines and up.
fn font_for(height: u32) -> (&'static MonoFont<'static>, u32) {
    if height < 480 {
        (&FONT_6X10, 1)
    } else {
        (&FONT_10X20, (height / 1080).clamp(1, 4))
    }
}

/// Draws `text` light on a dark box in `corner` of `picture`.
fn draw(picture: &mut YuvFrame, text: &str, corner: Corner) {
    let (font, scale) = font_for(picture.height);
    let style = MonoTextStyle::new(font, Gray8::new(TEXT_LUMA));
    let text = Text::with_baseline(text, Point::zero(), style, Baseline::Top);
    let size = text.bounding_box().size;
    let (width, height) = (picture.width as usize, picture.height as usize);
    let pad = 2 * scale as usize;
    // The box, clipped to the picture, on even lines and columns so it covers whole chroma samples.
    let box_w = ((size.width * scale) as usize + 2 * pad).next_multiple_of(2).min(width);
    let box_h = ((size.height * scale) as usize + 2 * pad).next_multiple_of(2).min(height);
    let margin = pad.next_multiple_of(2);
    let left = matches!(corner, Corner::TopLeft | Corner::BottomLeft);
    let top = matches!(corner, Corner::TopLeft | Corner::TopRight);
    let x0 = if left { margin.min(width - box_w) } else { width.saturating_sub(box_w + margin) & !1 };
    let y0 = if top { margin.min(height - box_h) } else { height.saturating_sub(box_h + margin) & !1 };

    for row in picture.y[y0 * width..].chunks_exact_mut(width).take(box_h) {
        row[x0..x0 + box_w].fill(BOX_LUMA);
    }
    let half = width / 2;
    for plane in [&mut picture.u, &mut picture.v] {
        for row in plane[y0 / 2 * half..].chunks_exact_mut(half).take(box_h / 2) {
            row[x0 / 2..(x0 + box_w) / 2].fill(128);
        }
    }
    let mut luma = LumaTarget {
        plane: &mut picture.y,
        stride: width,
        origin: (x0 + pad, y0 + pad),
        end: (x0 + box_w, y0 + box_h),
        scale: scale as usize,
    };
    let Ok(_) = text.draw(&mut luma);
}

/// The luma plane as an embedded-graphics canvas: a window from `origin` to
/// `end` (exclusive) in which each font pixel is `scale` x `scale` pixels.
struct LumaTarget<'a> {
    plane: &'a mut [u8],
    stride: usize,
    origin: (usize, usize),
    end: (usize, usize),
    scale: usize,
}

impl OriginDimensions for LumaTarget<'_> {
    fn size(&self) -> Size {
        let w = self.end.0.saturating_sub(self.origin.0) / self.scale;
        let h = self.end.1.saturating_sub(self.origin.1) / self.scale;
        Size::new(w as u32, h as u32)
    }
}

impl DrawTarget for LumaTarget<'_> {
    type Color = Gray8;
    type Error = Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Gray8>>>(&mut self, pixels: I) -> Result<(), Infallible> {
        for Pixel(p, color) in pixels {
            let (Ok(px), Ok(py)) = (usize::try_from(p.x), usize::try_from(p.y)) else { continue };
            let (x, y) = (self.origin.0 + px * self.scale, self.origin.1 + py * self.scale);
            for yy in y..(y + self.scale).min(self.end.1) {
                for xx in x..(x + self.scale).min(self.end.0) {
                    self.plane[yy * self.stride + xx] = color.luma();
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-30 06:05:04 UTC.
    fn at() -> SystemTime {
        SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_796_018_704)
    }

    fn grey(width: u32, height: u32) -> YuvFrame {
        let (w, h) = (width as usize, height as usize);
        YuvFrame { width, height, y: vec![128; w * h], u: vec![90; w * h / 4], v: vec![160; w * h / 4] }
    }

    #[test]
    fn strftime_fields_and_the_frame_number_are_filled_in() {
        let a = Annotation::new("cam %Y-%m-%d #%frame, 100%% %%frame", Corner::TopLeft).unwrap();
        let text = a.text(42, at()).unwrap();
        let local = jiff::ZonedDateTime::try_from(at()).unwrap();
        assert_eq!(text, format!("cam {} #42, 100% %frame", local.strftime("%Y-%m-%d")));
        let a = Annotation::new("%H:%M:%S", Corner::TopLeft).unwrap();
        assert_eq!(a.text(1, at()).unwrap(), local.strftime("%H:%M:%S").to_string());
    }

    #[test]
    fn a_bad_field_is_refused_at_start() {
        let err = Annotation::new("%Y-%", Corner::TopLeft).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.starts_with("--annotate \"%Y-%\" is not a valid strftime pattern"), "{msg}");
    }

    #[test]
    fn the_box_is_dark_grey_in_chroma_holds_light_text_and_nothing_else_changes() {
        let mut f = grey(64, 48);
        draw(&mut f, "Hi", Corner::TopLeft);
        // 2 glyphs of 6x10 with 2 pixels of padding: 16x14 at (2, 2).
        let inside = |x: usize, y: usize| (2..18).contains(&x) && (2..16).contains(&y);
        let mut text_pixels = 0;
        for y in 0..48 {
            for x in 0..64 {
                let l = f.y[y * 64 + x];
                if !inside(x, y) {
                    assert_eq!(l, 128, "({x}, {y}) outside the box changed");
                } else if l == TEXT_LUMA {
                    text_pixels += 1;
                } else {
                    assert_eq!(l, BOX_LUMA, "({x}, {y})");
                }
            }
        }
        assert!(text_pixels > 10, "{text_pixels} text pixels");
        assert_eq!(f.u[32 + 1], 128, "chroma in the box is neutral");
        assert_eq!(f.u[32 * 23 + 31], 90, "chroma outside is untouched");
        assert_eq!(f.v[32 * 23 + 31], 160);
    }

    #[test]
    fn corners_place_the_box_and_a_long_text_is_clipped_to_the_picture() {
        let dark_at = |corner, x: usize, y: usize| {
            let mut f = grey(64, 48);
            draw(&mut f, "Hi", corner);
            f.y[y * 64 + x] == BOX_LUMA
        };
        assert!(dark_at(Corner::TopLeft, 3, 3));
        assert!(dark_at(Corner::TopRight, 60, 3) && !dark_at(Corner::TopRight, 3, 3));
        assert!(dark_at(Corner::BottomLeft, 3, 44) && !dark_at(Corner::BottomLeft, 3, 3));
        assert!(dark_at(Corner::BottomRight, 60, 44) && !dark_at(Corner::BottomRight, 60, 3));
        for corner in [Corner::TopLeft, Corner::BottomRight] {
            let mut f = grey(16, 8);
            draw(&mut f, "far longer than sixteen pixels", corner);
            assert!(f.y.iter().all(|&l| l == BOX_LUMA || l == TEXT_LUMA));
        }
    }

    #[test]
    fn larger_pictures_get_larger_glyphs() {
        assert_eq!(font_for(480).0.character_size, Size::new(10, 20));
        assert_eq!(font_for(240).0.character_size, Size::new(6, 10));
        assert_eq!(font_for(2160).1, 2);
    }
}
