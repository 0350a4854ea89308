//! Looking at pictures: a virtual X server for `--display`, its screenshots,
//! and RGB pictures made, decoded and compared.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::Mutex,
    thread,
    time::{Duration, Instant},
};

use crate::{need_tool, run};

/// A virtual X server (`xvfb-run -a`) for as long as this lives. One at a
/// time per test binary: `xvfb-run -a` races when two pick a display at once.
pub struct Xvfb {
    child: Child,
    /// `DISPLAY` for clients of this server.
    pub display: String,
    /// `XAUTHORITY` for clients of this server.
    pub xauthority: String,
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static XVFB_LOCK: Mutex<()> = Mutex::new(());

impl Xvfb {
    /// Starts a `width`x`height` 24-bit screen with a black background.
    pub fn start(width: u32, height: u32) -> Xvfb {
        need_tool("xvfb-run", "xvfb and xauth");
        need_tool("xauth", "xauth");
        let guard = XVFB_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut child = Command::new("xvfb-run")
            .args(["-a", "-s", &format!("-screen 0 {width}x{height}x24 -br -nolisten tcp")])
            .args(["sh", "-c", "echo \"XVFB $DISPLAY $XAUTHORITY\"; exec cat"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start xvfb-run");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let mut words = line.split_whitespace().skip(1);
        let (display, xauthority) = (words.next(), words.next());
        let (Some(display), Some(xauthority)) = (display, xauthority) else {
            panic!("xvfb-run did not start an X server (printed {line:?})");
        };
        Xvfb { child, display: display.into(), xauthority: xauthority.into(), _one_at_a_time: guard }
    }

    /// The environment a program needs to use this server.
    pub fn env(&self) -> [(&str, &str); 2] {
        [("DISPLAY", self.display.as_str()), ("XAUTHORITY", self.xauthority.as_str())]
    }

    /// The whole screen, as `import -window root` sees it.
    pub fn screenshot(&self) -> Rgb {
        need_tool("import", "imagemagick");
        let out = run(Command::new("import").args(["-window", "root", "-depth", "8", "ppm:-"]).envs(self.env()));
        assert!(out.status.success(), "import -window root failed: {}", String::from_utf8_lossy(&out.stderr));
        Rgb::from_ppm(&out.stdout)
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // Closing stdin ends `cat`; xvfb-run then stops the server.
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An RGB picture: 3 bytes a pixel, rows top to bottom.
#[derive(Clone)]
pub struct Rgb {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Rows top to bottom, three bytes (R, G, B) a pixel.
    pub data: Vec<u8>,
}

impl Rgb {
    /// Fills a picture pixel by pixel.
    pub fn from_fn(width: usize, height: usize, mut f: impl FnMut(usize, usize) -> [u8; 3]) -> Rgb {
        let mut data = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&f(x, y));
            }
        }
        Rgb { width, height, data }
    }

    /// Decodes a JPEG (libjpeg-turbo, as the receiver does).
    pub fn from_jpeg(jpeg: &[u8]) -> Rgb {
        let image = turbojpeg::decompress(jpeg, turbojpeg::PixelFormat::RGB).expect("a valid JPEG");
        Rgb { width: image.width, height: image.height, data: image.pixels }
    }

    /// Reads a picture file or bytes (PNG, PPM) with the `image` crate.
    pub fn from_image(picture: image::DynamicImage) -> Rgb {
        let rgb = picture.into_rgb8();
        Rgb { width: rgb.width() as usize, height: rgb.height() as usize, data: rgb.into_raw() }
    }

    /// Reads a binary PPM (what ImageMagick's `import` writes).
    pub fn from_ppm(ppm: &[u8]) -> Rgb {
        Rgb::from_image(image::load_from_memory_with_format(ppm, image::ImageFormat::Pnm).expect("a PPM"))
    }

    /// Reads a PNG file (Chromium's `--screenshot`).
    pub fn from_file(path: &Path) -> Rgb {
        Rgb::from_image(image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }

    /// Encodes as a JPEG (4:4:4, so flat colours stay flat).
    pub fn to_jpeg(&self, quality: i32) -> Vec<u8> {
        let image = turbojpeg::Image {
            pixels: &self.data[..],
            width: self.width,
            pitch: self.width * 3,
            height: self.height,
            format: turbojpeg::PixelFormat::RGB,
        };
        turbojpeg::compress(image, quality, turbojpeg::Subsamp::None).expect("encode").to_vec()
    }

    /// The colour at (`x`, `y`).
    pub fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// Mean colour of the rectangle [x0, x1) x [y0, y1).
    pub fn mean(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> [f64; 3] {
        let mut sum = [0f64; 3];
        for y in y0..y1 {
            for x in x0..x1 {
                let p = self.pixel(x, y);
                for c in 0..3 {
                    sum[c] += f64::from(p[c]);
                }
            }
        }
        let n = ((x1 - x0) * (y1 - y0)) as f64;
        sum.map(|s| s / n)
    }

    /// The smallest rectangle holding every pixel brighter than dark grey: (x0, y0, x1, y1).
    pub fn bright_box(&self) -> Option<(usize, usize, usize, usize)> {
        self.find_box((0, 0, self.width, self.height), is_bright)
    }

    /// The smallest rectangle inside `within` (x0, y0, x1, y1) holding every
    /// pixel of it that `keep` takes: (x0, y0, x1, y1).
    pub fn find_box(
        &self,
        (wx0, wy0, wx1, wy1): (usize, usize, usize, usize),
        keep: impl Fn([u8; 3]) -> bool,
    ) -> Option<(usize, usize, usize, usize)> {
        let mut b: Option<(usize, usize, usize, usize)> = None;
        for y in wy0..wy1.min(self.height) {
            for x in wx0..wx1.min(self.width) {
                if keep(self.pixel(x, y)) {
                    b = Some(b.map_or((x, y, x + 1, y + 1), |(x0, y0, x1, y1)| {
                        (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1))
                    }));
                }
            }
        }
        b
    }

    /// Pixels within `tolerance` levels of `colour` in every channel.
    pub fn count_near(&self, colour: [u8; 3], tolerance: u8) -> usize {
        self.data.chunks_exact(3).filter(|p| (0..3).all(|c| p[c].abs_diff(colour[c]) <= tolerance)).count()
    }
}

/// Brighter than dark grey (what [`Rgb::bright_box`] looks for).
pub fn is_bright(p: [u8; 3]) -> bool {
    u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) > 150
}

/// A small real JPEG (64x48): its headers parse, so it counts as a picture.
pub fn small_jpeg() -> Vec<u8> {
    jpeg_sized(64, 48)
}

/// A real JPEG of `width` x `height`, a gradient with a box in its top left quarter.
pub fn jpeg_sized(width: usize, height: usize) -> Vec<u8> {
    Rgb::from_fn(width, height, |x, y| {
        if (4..width / 2).contains(&x) && (4..height / 2).contains(&y) {
            [200, 40, 40]
        } else {
            [(x * 4) as u8, (y * 5) as u8, 90]
        }
    })
    .to_jpeg(85)
}

/// Four flat quadrants: red, green / blue, yellow.
pub fn quadrants(width: usize, height: usize) -> Rgb {
    const COLOURS: [[u8; 3]; 4] = [[200, 40, 40], [40, 200, 40], [40, 40, 200], [220, 220, 60]];
    Rgb::from_fn(width, height, |x, y| COLOURS[usize::from(x >= width / 2) + 2 * usize::from(y >= height / 2)])
}

/// The largest per-channel difference between two mean colours.
pub fn colour_distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    (0..3).map(|c| (a[c] - b[c]).abs()).fold(0.0, f64::max)
}
