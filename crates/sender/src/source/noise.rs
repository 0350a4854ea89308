//! The noisy test picture (`--source test:noise`): a textured scene that pans
//! slowly, with textured objects moving across it and fresh sensor-like noise
//! in every frame, generated straight into I420.
//!
//! The plain test pattern is flat colour that an encoder predicts almost for
//! free (720p30 H.264 asked for 2 Mbit/s comes out near 270 kbit/s), so a link
//! sized from it never binds. This picture costs what a camera's does: fine
//! detail for every JPEG and I-frame, motion and per-frame noise for every
//! P-frame. Frame `n` depends only on the seed, the size and `n`, so tests and
//! benches see the same pictures on every run.

use std::time::SystemTime;

use anyhow::Result;

use super::{Captured, Source};
use crate::{pace::Pacer, picture::YuvFrame};

/// Standard deviation of the per-frame noise in luma and chroma levels: about
/// what a small sensor shows indoors.
const LUMA_NOISE: f64 = 3.0;
const CHROMA_NOISE: f64 = 1.5;

/// Moving objects in front of the background.
const OBJECTS: usize = 3;

/// A moving, detailed, noisy picture, paced in real time.
#[derive(Debug)]
pub struct NoiseSource {
    width: u32,
    height: u32,
    seed: u64,
    n: u64,
    pacer: Pacer,
    /// The background, larger than the picture by the pan range on each side.
    scene: Scene,
    /// Per-frame noise for each value of a random byte, in luma and chroma levels.
    luma_noise: [i8; 256],
    chroma_noise: [i8; 256],
}

/// The background planes in I420: `w` x `h` luma, half that in chroma.
#[derive(Debug)]
struct Scene {
    w: usize,
    h: usize,
    y: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
}

impl NoiseSource {
    /// The seed `--source test:noise` uses.
    pub const DEFAULT_SEED: u64 = 0x6361_6d77_6972_6521;

    /// A `width` x `height` picture at `fps` frames per second (0: unpaced),
    /// its scene and noise drawn from `seed`.
    pub fn new(width: u32, height: u32, fps: f64, seed: u64) -> Self {
        let (w, h) = (width as usize, height as usize);
        let scene = Scene::new(w + 2 * margin(w), h + 2 * margin(h), seed);
        Self {
            width,
            height,
            seed,
            n: 0,
            pacer: Pacer::new(fps),
            scene,
            luma_noise: noise_table(LUMA_NOISE),
            chroma_noise: noise_table(CHROMA_NOISE),
        }
    }

    /// Frame `n` (1-based) of the picture.
    pub fn render(&self, n: u64) -> YuvFrame {
        let (w, h) = (self.width as usize, self.height as usize);
        let (mx, my) = (margin(w), margin(h));
        let mut f = YuvFrame::black(self.width, self.height);
        // The view pans around the scene, as a camera on a slow pan-tilt head.
        let t = n as f64;
        let px = mx as f64 * (1.0 + (t * std::f64::consts::TAU / 300.0).sin());
        let py = my as f64 * (1.0 + (t * std::f64::consts::TAU / 420.0).sin());
        self.copy(&mut f, (px as usize) & !1, (py as usize) & !1, (0, 0), (w, h));
        // Objects: pieces of the scene moving across it, each at its own speed.
        let size = ((h / 5).max(2) & !1).min(w & !1);
        for k in 0..OBJECTS {
            let speed = [6, 10, 3][k % 3] * (k / 3 + 1);
            let x = bounce(n as usize * speed + k * w / 3, w - size) & !1;
            let y = ((h - size) as f64 * (0.5 + 0.4 * (t / (37.0 + 11.0 * k as f64) + k as f64).sin())) as usize & !1;
            // Taken from the scene's far corner, so it differs from the background around it.
            let from = ((self.scene.w - size) * k / OBJECTS) & !1;
            self.copy(&mut f, from, self.scene.h - size, (x, y), (size, size));
        }
        self.add_noise(&mut f, n);
        f
    }

    /// Copies the scene's `size` block at `from` into the picture at `to` (all even).
    fn copy(&self, f: &mut YuvFrame, from: usize, from_y: usize, to: (usize, usize), size: (usize, usize)) {
        let s = &self.scene;
        let (fw, cw, scw) = (f.width as usize, f.width as usize / 2, s.w / 2);
        for row in 0..size.1 {
            let src = (from_y + row) * s.w + from;
            let dst = (to.1 + row) * fw + to.0;
            f.y[dst..dst + size.0].copy_from_slice(&s.y[src..src + size.0]);
        }
        for row in 0..size.1 / 2 {
            let src = (from_y / 2 + row) * scw + from / 2;
            let dst = (to.1 / 2 + row) * cw + to.0 / 2;
            f.u[dst..dst + size.0 / 2].copy_from_slice(&s.u[src..src + size.0 / 2]);
            f.v[dst..dst + size.0 / 2].copy_from_slice(&s.v[src..src + size.0 / 2]);
        }
    }

    /// Adds fresh noise, the same for the same seed and frame number.
    fn add_noise(&self, f: &mut YuvFrame, n: u64) {
        let mut rng = XorShift::new(self.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for (plane, table) in
            [(&mut f.y, &self.luma_noise), (&mut f.u, &self.chroma_noise), (&mut f.v, &self.chroma_noise)]
        {
            for chunk in plane.chunks_mut(8) {
                let bits = rng.next().to_le_bytes();
                for (p, b) in chunk.iter_mut().zip(bits) {
                    *p = p.saturating_add_signed(table[b as usize]);
                }
            }
        }
    }
}

/// How far the view pans each way across a dimension of `len` pixels (even).
fn margin(len: usize) -> usize {
    (len / 8) & !1
}

/// A position that goes back and forth across `0..=span` as `travel` grows.
fn bounce(travel: usize, span: usize) -> usize {
    let span = span.max(1);
    let t = travel % (2 * span);
    if t <= span {
        t
    } else {
        2 * span - t
    }
}

impl Scene {
    /// A `w` x `h` scene (even): fractal texture in luma from coarse to
    /// single-pixel detail, hard-edged blocks of other tones and colours, and
    /// smooth colour variation in chroma.
    fn new(w: usize, h: usize, seed: u64) -> Self {
        let (cw, ch) = (w / 2, h / 2);
        let mut y = vec![0f32; w * h];
        // Coarse to fine: shapes, then texture, then grain.
        for (i, (cell, amplitude)) in [(64, 48.0), (16, 28.0), (4, 18.0), (1, 8.0)].into_iter().enumerate() {
            add_value_noise(&mut y, w, h, cell, amplitude, seed.wrapping_add(i as u64));
        }
        let mut u = vec![0f32; cw * ch];
        let mut v = vec![0f32; cw * ch];
        add_value_noise(&mut u, cw, ch, 48, 14.0, seed ^ 0xc0);
        add_value_noise(&mut v, cw, ch, 48, 14.0, seed ^ 0xc1);
        add_value_noise(&mut u, cw, ch, 6, 3.0, seed ^ 0xc2);
        add_value_noise(&mut v, cw, ch, 6, 3.0, seed ^ 0xc3);
        // Blocks with edges, as walls, windows and furniture give a real scene.
        let mut rng = XorShift::new(seed ^ 0xb10c);
        for _ in 0..(w * h / 10_000).max(1) {
            let bw = (rng.below(w / 6 + 1) + 2) & !1;
            let bh = (rng.below(h / 6 + 1) + 2) & !1;
            let x0 = rng.below(w - bw.min(w) + 1) & !1;
            let y0 = rng.below(h - bh.min(h) + 1) & !1;
            let dy = rng.below(120) as f32 - 60.0;
            let (du, dv) = (rng.below(24) as f32 - 12.0, rng.below(24) as f32 - 12.0);
            for row in y0..(y0 + bh).min(h) {
                for p in &mut y[row * w + x0..row * w + (x0 + bw).min(w)] {
                    *p += dy;
                }
            }
            for row in y0 / 2..((y0 + bh) / 2).min(ch) {
                for x in x0 / 2..((x0 + bw) / 2).min(cw) {
                    u[row * cw + x] += du;
                    v[row * cw + x] += dv;
                }
            }
        }
        let level = |base: f32, lo: f32, hi: f32| move |p: f32| (base + p).clamp(lo, hi) as u8;
        Self {
            w,
            h,
            y: y.into_iter().map(level(120.0, 16.0, 235.0)).collect(),
            u: u.into_iter().map(level(128.0, 16.0, 240.0)).collect(),
            v: v.into_iter().map(level(128.0, 16.0, 240.0)).collect(),
        }
    }
}

/// Adds value noise to a `w` x `h` plane: random values on a grid of `cell`
/// pixels, in `-amplitude..amplitude`, interpolated bilinearly between.
fn add_value_noise(plane: &mut [f32], w: usize, h: usize, cell: usize, amplitude: f32, seed: u64) {
    let (gw, gh) = (w / cell + 2, h / cell + 2);
    let mut rng = XorShift::new(seed);
    let grid: Vec<f32> = (0..gw * gh).map(|_| (rng.unit() * 2.0 - 1.0) * amplitude).collect();
    let inv = 1.0 / cell as f32;
    for (row, line) in plane.chunks_exact_mut(w).enumerate().take(h) {
        let (gy, fy) = (row / cell, (row % cell) as f32 * inv);
        let (top, bottom) = (&grid[gy * gw..(gy + 1) * gw], &grid[(gy + 1) * gw..(gy + 2) * gw]);
        for (x, p) in line.iter_mut().enumerate() {
            let (gx, fx) = (x / cell, (x % cell) as f32 * inv);
            let a = top[gx] + (top[gx + 1] - top[gx]) * fx;
            let b = bottom[gx] + (bottom[gx + 1] - bottom[gx]) * fx;
            *p += a + (b - a) * fy;
        }
    }
}

/// Noise in levels for each value of a random byte: a normal distribution of
/// standard deviation `sigma`, by its quantiles.
fn noise_table(sigma: f64) -> [i8; 256] {
    std::array::from_fn(|i| (sigma * probit((i as f64 + 0.5) / 256.0)).round().clamp(-127.0, 127.0) as i8)
}

/// The standard normal quantile of `p` in (0, 1), within 0.00045
/// (Abramowitz and Stegun 26.2.23).
fn probit(p: f64) -> f64 {
    let q = p.min(1.0 - p);
    let t = (-2.0 * q.ln()).sqrt();
    let x = t
        - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    if p < 0.5 {
        -x
    } else {
        x
    }
}

/// Marsaglia's xorshift64* generator: fast and plenty for pictures (not for secrets).
#[derive(Debug)]
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        // SplitMix64 of the seed: nearby seeds give unrelated streams, and 0 is never the state.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Self((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (((self.next() >> 32) * n as u64) >> 32) as usize
        }
    }
}

impl Source for NoiseSource {
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
    fn the_same_seed_gives_the_same_frames() {
        let (a, b) = (NoiseSource::new(96, 64, 0.0, 7), NoiseSource::new(96, 64, 0.0, 7));
        for n in [1, 2, 300, 12_345] {
            assert_eq!(a.render(n), b.render(n), "frame {n}");
        }
        assert_ne!(a.render(1), NoiseSource::new(96, 64, 0.0, 8).render(1), "another seed, another picture");
    }

    #[test]
    fn consecutive_frames_differ_everywhere() {
        let src = NoiseSource::new(96, 64, 0.0, NoiseSource::DEFAULT_SEED);
        let (a, b) = (src.render(1), src.render(2));
        // Noise changes most pixels, not only where something moved.
        let changed = a.y.iter().zip(&b.y).filter(|(p, q)| p != q).count();
        assert!(changed * 2 > a.y.len(), "only {changed} of {} luma samples changed", a.y.len());
    }

    #[test]
    fn noise_has_the_asked_spread() {
        let table = noise_table(3.0);
        let mean = table.iter().map(|&v| f64::from(v)).sum::<f64>() / 256.0;
        let sd = (table.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / 256.0).sqrt();
        assert!(mean.abs() < 0.05 && (sd - 3.0).abs() < 0.2, "mean {mean}, sd {sd}");
    }

    #[test]
    fn odd_looking_sizes_do_not_panic() {
        for (w, h) in [(2, 2), (16, 2), (2, 16), (8, 1000), (1000, 8), (1920, 1080)] {
            let f = NoiseSource::new(w, h, 0.0, 1).render(123_456);
            assert_eq!(f.y.len(), (w * h) as usize);
        }
    }
}
