//! The window's labelled grid: where each camera's cell goes, its picture
//! scaled to fit the cell with its aspect ratio kept, and its name drawn on
//! a strip right above the picture (never over it).
//!
//! Pixels are minifb's: one `u32` a pixel, 0RGB, rows top to bottom.

use std::convert::Infallible;

use embedded_graphics::{
    mono_font::{ascii::FONT_10X20, MonoTextStyle},
    pixelcolor::{Rgb888, RgbColor},
    prelude::{DrawTarget, OriginDimensions, Pixel, Point, Size},
    text::{Baseline, Text},
    Drawable,
};

/// The grid's background, between and around the pictures (dark grey).
pub(super) const BACKGROUND: u32 = 0x0020_2020;

/// The strip a cell's name is written on (black), and the text (white).
const STRIP: u32 = 0x0000_0000;
const TEXT: Rgb888 = Rgb888::WHITE;

/// The strip's height: the font's 20 rows and 2 pixels above and below.
pub(super) const STRIP_HEIGHT: usize = 24;

/// The text's left margin in the strip.
const TEXT_MARGIN: usize = 4;

/// Pixels between two cells.
const GAP: usize = 2;

/// A rectangle of the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Rect {
    pub(super) x: usize,
    pub(super) y: usize,
    pub(super) w: usize,
    pub(super) h: usize,
}

/// Where one camera goes: its whole cell, its picture, and the strip with
/// its name right above the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cell {
    pub(super) cell: Rect,
    pub(super) strip: Rect,
    pub(super) picture: Rect,
}

/// Cells for pictures of `sizes` (width, height; 0x0 when a camera has no
/// picture yet, taken as 4:3) on a canvas of `canvas` pixels, in rows, left
/// to right: as many columns as show the pictures largest in all.
pub(super) fn layout(canvas: (usize, usize), sizes: &[(usize, usize)]) -> Vec<Cell> {
    let n = sizes.len();
    if n == 0 {
        return Vec::new();
    }
    let cells_of = |columns: usize| {
        let rows = n.div_ceil(columns);
        let w = canvas.0.saturating_sub(GAP * (columns - 1)) / columns;
        let h = canvas.1.saturating_sub(GAP * (rows - 1)) / rows;
        sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                let (column, row) = (i % columns, i / columns);
                let cell = Rect { x: column * (w + GAP), y: row * (h + GAP), w, h };
                let strip_h = STRIP_HEIGHT.min(h);
                let below = Rect { y: cell.y + strip_h, h: h - strip_h, ..cell };
                let picture = fit(if size.0 == 0 { (4, 3) } else { size }, below);
                // The name right above its picture, as wide as it.
                let strip = Rect { x: picture.x, y: picture.y - strip_h, w: picture.w, h: strip_h };
                Cell { cell, strip, picture }
            })
            .collect::<Vec<_>>()
    };
    let area = |cells: &[Cell]| cells.iter().map(|c| c.picture.w * c.picture.h).sum::<usize>();
    // On a tie, more columns: side by side reads better than stacked.
    (1..=n).map(cells_of).fold(Vec::new(), |best, cells| if area(&cells) >= area(&best) { cells } else { best })
}

/// The largest rectangle of `size`'s aspect ratio inside `area`, centred in it.
pub(super) fn fit((w, h): (usize, usize), area: Rect) -> Rect {
    if w == 0 || h == 0 || area.w == 0 || area.h == 0 {
        return Rect { w: 0, h: 0, ..area };
    }
    // As wide as the area, unless that makes it too tall.
    let (fw, fh) = if area.w * h <= area.h * w { (area.w, area.w * h / w) } else { (area.h * w / h, area.h) };
    let (fw, fh) = (fw.max(1), fh.max(1));
    Rect { x: area.x + (area.w - fw) / 2, y: area.y + (area.h - fh) / 2, w: fw, h: fh }
}

/// A canvas of `width` pixels a row.
pub(super) struct Canvas<'a> {
    pub(super) pixels: &'a mut [u32],
    pub(super) width: usize,
}

impl Canvas<'_> {
    /// Fills `rect` with `colour`.
    pub(super) fn fill(&mut self, rect: Rect, colour: u32) {
        for row in self.pixels[rect.y * self.width..].chunks_mut(self.width).take(rect.h) {
            row[rect.x..rect.x + rect.w].fill(colour);
        }
    }

    /// Draws `picture` (`size` pixels) scaled into `dst`, nearest pixel.
    pub(super) fn draw_scaled(&mut self, picture: &[u32], (sw, sh): (usize, usize), dst: Rect) {
        if sw == 0 || sh == 0 || dst.w == 0 || dst.h == 0 || picture.len() < sw * sh {
            return;
        }
        // The source column of each column of `dst`, taken at its centre.
        let columns: Vec<usize> = (0..dst.w).map(|x| ((2 * x + 1) * sw / (2 * dst.w)).min(sw - 1)).collect();
        for (y, row) in self.pixels[dst.y * self.width..].chunks_mut(self.width).take(dst.h).enumerate() {
            let sy = ((2 * y + 1) * sh / (2 * dst.h)).min(sh - 1);
            let source = &picture[sy * sw..(sy + 1) * sw];
            for (out, &sx) in row[dst.x..dst.x + dst.w].iter_mut().zip(&columns) {
                *out = source[sx];
            }
        }
    }

    /// Writes `text` on a strip filling `strip`, white on black, cut at its right end.
    pub(super) fn label(&mut self, strip: Rect, text: &str) {
        self.fill(strip, STRIP);
        let inside = Rect {
            x: strip.x + TEXT_MARGIN.min(strip.w),
            y: strip.y + 2.min(strip.h),
            w: strip.w.saturating_sub(TEXT_MARGIN),
            h: strip.h.saturating_sub(2),
        };
        let style = MonoTextStyle::new(&FONT_10X20, TEXT);
        let Ok(_) = Text::with_baseline(text, Point::zero(), style, Baseline::Top)
            .draw(&mut Clipped { canvas: self, area: inside });
    }
}

/// `area` of a canvas as an embedded-graphics target: its own origin, nothing drawn outside it.
struct Clipped<'a, 'b> {
    canvas: &'a mut Canvas<'b>,
    area: Rect,
}

impl OriginDimensions for Clipped<'_, '_> {
    fn size(&self) -> Size {
        Size::new(self.area.w as u32, self.area.h as u32)
    }
}

impl DrawTarget for Clipped<'_, '_> {
    type Color = Rgb888;
    type Error = Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(&mut self, pixels: I) -> Result<(), Infallible> {
        for Pixel(p, colour) in pixels {
            let (Ok(x), Ok(y)) = (usize::try_from(p.x), usize::try_from(p.y)) else { continue };
            if x < self.area.w && y < self.area.h {
                let at = (self.area.y + y) * self.canvas.width + self.area.x + x;
                self.canvas.pixels[at] =
                    (u32::from(colour.r()) << 16) | (u32::from(colour.g()) << 8) | u32::from(colour.b());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_4_3_pictures_go_side_by_side_each_fitted_below_its_strip() {
        let cells = layout((640, 480), &[(320, 240), (320, 240)]);
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].cell, Rect { x: 0, y: 0, w: 319, h: 480 });
        assert_eq!(cells[1].cell, Rect { x: 321, y: 0, w: 319, h: 480 });
        for c in &cells {
            assert_eq!((c.picture.w, c.picture.h), (319, 239));
            assert_eq!(c.strip, Rect { y: c.picture.y - STRIP_HEIGHT, h: STRIP_HEIGHT, ..c.picture }, "right above");
            assert!(c.strip.y >= c.cell.y, "inside the cell");
        }
    }

    #[test]
    fn three_or_four_pictures_make_two_rows_on_a_4_3_canvas() {
        for n in [3, 4] {
            let cells = layout((1024, 768), &vec![(640, 480); n]);
            assert_eq!(cells[2].cell.y, cells[0].cell.h + GAP, "{n} pictures: the third starts the second row");
            assert_eq!(cells[1].cell.y, 0);
        }
    }

    #[test]
    fn a_picture_is_fitted_with_its_aspect_kept_and_centred() {
        let area = Rect { x: 10, y: 20, w: 400, h: 400 };
        assert_eq!(fit((320, 180), area), Rect { x: 10, y: 20 + 87, w: 400, h: 225 });
        assert_eq!(fit((180, 320), area), Rect { x: 10 + 87, y: 20, w: 225, h: 400 });
        assert_eq!(fit((0, 0), area).w, 0);
    }

    #[test]
    fn a_picture_is_scaled_by_the_nearest_pixel() {
        let mut pixels = vec![0; 8 * 4];
        let mut canvas = Canvas { pixels: &mut pixels, width: 8 };
        canvas.draw_scaled(&[1, 2, 3, 4], (2, 2), Rect { x: 2, y: 0, w: 4, h: 4 });
        let rows: Vec<&[u32]> = pixels.chunks(8).collect();
        assert_eq!(rows[0], [0, 0, 1, 1, 2, 2, 0, 0]);
        assert_eq!(rows[3], [0, 0, 3, 3, 4, 4, 0, 0]);
    }

    #[test]
    fn the_label_is_white_text_on_its_strip_and_nowhere_else() {
        let (w, h) = (200, 60);
        let mut pixels = vec![BACKGROUND; w * h];
        let strip = Rect { x: 10, y: 5, w: 100, h: STRIP_HEIGHT };
        Canvas { pixels: &mut pixels, width: w }.label(strip, "garden");
        let white: Vec<(usize, usize)> =
            (0..w * h).filter(|i| pixels[*i] == 0x00FF_FFFF).map(|i| (i % w, i / w)).collect();
        assert!(white.len() > 50, "the name is drawn: {} white pixels", white.len());
        let (x0, x1) = (white.iter().map(|p| p.0).min().unwrap(), white.iter().map(|p| p.0).max().unwrap());
        // Six glyphs 10 pixels wide, from the text margin.
        assert!(x0 >= strip.x + TEXT_MARGIN && x1 < strip.x + TEXT_MARGIN + 60, "{x0}..{x1}");
        assert!(white.iter().all(|&(_, y)| (strip.y..strip.y + strip.h).contains(&y)));
        assert_eq!(pixels[4 * w + 50], BACKGROUND, "nothing above the strip");
        assert_eq!(pixels[(strip.y + 1) * w + strip.x + 90], STRIP, "the strip is black behind the text");
        // A name wider than the strip is cut at its end.
        let mut pixels = vec![BACKGROUND; w * h];
        Canvas { pixels: &mut pixels, width: w }.label(Rect { w: 30, ..strip }, "a-long-camera-name");
        assert!((0..w * h).filter(|i| pixels[*i] == 0x00FF_FFFF).all(|i| i % w < strip.x + 30));
    }
}
