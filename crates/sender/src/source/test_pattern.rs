//! The built-in test pattern: scrolling colour bars, a bouncing white box and
//! the frame number in large digits, generated straight into I420.

use std::time::SystemTime;

use anyhow::Result;

use super::{Captured, Source};
use crate::{pace::Pacer, picture::YuvFrame};

/// 75% colour bars (white, yellow, cyan, green, magenta, red, blue, black) in BT.601 Y, Cb, Cr.
const BARS: [(u8, u8, u8); 8] = [
    (180, 128, 128),
    (162, 44, 142),
    (131, 156, 44),
    (112, 72, 58),
    (84, 184, 198),
    (65, 100, 212),
    (35, 212, 114),
    (16, 128, 128),
];

/// 3x5 bitmaps of the digits 0-9, one row per 3 bits.
const DIGITS: [[u8; 5]; 10] = [
    [7, 5, 5, 5, 7],
    [2, 6, 2, 2, 7],
    [7, 1, 7, 4, 7],
    [7, 1, 7, 1, 7],
    [5, 5, 7, 1, 1],
    [7, 4, 7, 1, 7],
    [7, 4, 7, 5, 7],
    [7, 1, 1, 1, 1],
    [7, 5, 7, 5, 7],
    [7, 5, 7, 1, 7],
];

/// A moving synthetic picture, paced in real time.
#[derive(Debug)]
pub struct TestPatternSource {
    width: u32,
    height: u32,
    n: u64,
    pacer: Pacer,
    /// One row of bars twice over, so any scroll offset is a plain slice.
    y_row: Vec<u8>,
    u_row: Vec<u8>,
    v_row: Vec<u8>,
}

impl TestPatternSource {
    /// A `width` x `height` pattern at `fps` frames per second (0: unpaced).
    pub fn new(width: u32, height: u32, fps: f64) -> Self {
        let w = width as usize;
        let bar = |x: usize| BARS[x * BARS.len() / w];
        let y_row: Vec<u8> = (0..2 * w).map(|x| bar(x % w).0).collect();
        let u_row: Vec<u8> = (0..w).map(|x| bar((2 * x) % w).1).collect();
        let v_row: Vec<u8> = (0..w).map(|x| bar((2 * x) % w).2).collect();
        Self { width, height, n: 0, pacer: Pacer::new(fps), y_row, u_row, v_row }
    }

    /// Frame `n` (1-based) of the pattern.
    pub fn render(&self, n: u64) -> YuvFrame {
        let (w, h) = (self.width as usize, self.height as usize);
        let cw = w / 2;
        let mut f = YuvFrame::black(self.width, self.height);
        // Bars scroll left 4 pixels a frame.
        let shift = (n as usize * 4) % w;
        for row in f.y.chunks_exact_mut(w) {
            row.copy_from_slice(&self.y_row[shift..shift + w]);
        }
        let cshift = shift / 2;
        for (urow, vrow) in f.u.chunks_exact_mut(cw).zip(f.v.chunks_exact_mut(cw)) {
            urow.copy_from_slice(&self.u_row[cshift..cshift + cw]);
            vrow.copy_from_slice(&self.v_row[cshift..cshift + cw]);
        }
        // A white box bouncing across the lower half.
        let size = (h / 6).clamp(2, w) & !1;
        let span = w.saturating_sub(size).max(1);
        let travel = (n as usize * 8) % (2 * span);
        let x0 = if travel < span { travel } else { 2 * span - travel } & !1;
        let y0 = (h * 2 / 3).min(h - size) & !1;
        fill(&mut f, x0, y0, size, size, (235, 128, 128));
        // The frame number, top left, on a black plate.
        let scale = (h / 40).max(2) & !1;
        let text = n.to_string();
        let plate_w = (text.len() * 4 + 1) * scale;
        fill(&mut f, 0, 0, plate_w.min(w) & !1, (7 * scale).min(h) & !1, (16, 128, 128));
        for (i, d) in text.bytes().enumerate() {
            let glyph = DIGITS[(d - b'0') as usize];
            for (gy, bits) in glyph.iter().enumerate() {
                for gx in 0..3 {
                    if bits & (4 >> gx) != 0 {
                        let x = (1 + i * 4 + gx) * scale;
                        let y = (1 + gy) * scale;
                        fill(&mut f, x, y, scale, scale, (235, 128, 128));
                    }
                }
            }
        }
        f
    }
}

/// Fills a rectangle (even position and size) with one colour, clipped to the picture.
fn fill(f: &mut YuvFrame, x: usize, y: usize, w: usize, h: usize, (cy, cu, cv): (u8, u8, u8)) {
    let (fw, fh) = (f.width as usize, f.height as usize);
    let (x1, y1) = ((x + w).min(fw), (y + h).min(fh));
    if x >= x1 || y >= y1 {
        return;
    }
    for row in y..y1 {
        f.y[row * fw + x..row * fw + x1].fill(cy);
    }
    let cw = fw / 2;
    for row in y / 2..y1.div_ceil(2) {
        f.u[row * cw + x / 2..row * cw + x1.div_ceil(2)].fill(cu);
        f.v[row * cw + x / 2..row * cw + x1.div_ceil(2)].fill(cv);
    }
}

impl Source for TestPatternSource {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        self.pacer.wait();
        self.n += 1;
        let captured_at = SystemTime::now();
        Ok(Some((Captured::Picture(self.render(self.n)), captured_at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_frames_differ() {
        let src = TestPatternSource::new(64, 48, 0.0);
        assert_ne!(src.render(1), src.render(2));
    }

    #[test]
    fn odd_looking_sizes_do_not_panic() {
        for (w, h) in [(2, 2), (16, 2), (2, 16), (1920, 1080), (8, 1000)] {
            let f = TestPatternSource::new(w, h, 0.0).render(123_456);
            assert_eq!(f.y.len(), (w * h) as usize);
        }
    }
}
