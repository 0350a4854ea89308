//! Camera buffers to packed I420 in one pass. Cameras hand out planes with a
//! stride (row padding) and often NV12's interleaved chroma; the encoders want
//! [`YuvFrame`]'s packed planes. Each function here is the one copy out of the
//! camera's buffer: rows are copied without their padding and NV12's CbCr
//! pairs are split into U and V on the way.

use anyhow::{ensure, Result};

use super::YuvFrame;

impl YuvFrame {
    /// Copies an NV12 picture: a `y_stride`-byte-per-row luma plane and a
    /// half-height plane of interleaved Cb, Cr pairs, `uv_stride` bytes per row.
    pub fn from_nv12(width: u32, height: u32, y: &[u8], y_stride: usize, uv: &[u8], uv_stride: usize) -> Result<Self> {
        check_size(width, height)?;
        let (w, h) = (width as usize, height as usize);
        check_plane("NV12 Y", y, y_stride, w, h)?;
        check_plane("NV12 CbCr", uv, uv_stride, w, h / 2)?;
        let mut f = Self::empty(width, height);
        copy_rows(&mut f.y, w, y, y_stride);
        let cw = w / 2;
        let rows = f.u.chunks_exact_mut(cw).zip(f.v.chunks_exact_mut(cw));
        for ((u_row, v_row), src) in rows.zip(uv.chunks(uv_stride)) {
            for ((u, v), pair) in u_row.iter_mut().zip(v_row.iter_mut()).zip(src[..w].chunks_exact(2)) {
                *u = pair[0];
                *v = pair[1];
            }
        }
        Ok(f)
    }

    /// Copies a three-plane YUV420 picture whose chroma planes have `c_stride` bytes per row.
    pub fn from_yuv420(
        width: u32,
        height: u32,
        (y, y_stride): (&[u8], usize),
        (u, v, c_stride): (&[u8], &[u8], usize),
    ) -> Result<Self> {
        check_size(width, height)?;
        let (w, h) = (width as usize, height as usize);
        check_plane("YUV420 Y", y, y_stride, w, h)?;
        check_plane("YUV420 U", u, c_stride, w / 2, h / 2)?;
        check_plane("YUV420 V", v, c_stride, w / 2, h / 2)?;
        let mut f = Self::empty(width, height);
        copy_rows(&mut f.y, w, y, y_stride);
        copy_rows(&mut f.u, w / 2, u, c_stride);
        copy_rows(&mut f.v, w / 2, v, c_stride);
        Ok(f)
    }

    /// A picture whose planes are about to be overwritten (no point in filling them twice).
    fn empty(width: u32, height: u32) -> Self {
        let (w, h) = (width as usize, height as usize);
        Self { width, height, y: vec![0; w * h], u: vec![0; w * h / 4], v: vec![0; w * h / 4] }
    }
}

fn check_size(width: u32, height: u32) -> Result<()> {
    ensure!(
        width > 0 && height > 0 && width % 2 == 0 && height % 2 == 0,
        "the camera delivers {width}x{height}: width and height must be even; ask for another --width/--height"
    );
    Ok(())
}

/// A plane of `rows` rows of `row_len` bytes, `stride` apart; the last row needs no padding.
fn check_plane(name: &str, plane: &[u8], stride: usize, row_len: usize, rows: usize) -> Result<()> {
    ensure!(stride >= row_len, "{name} plane: stride {stride} is shorter than a row ({row_len} bytes)");
    let need = stride * (rows - 1) + row_len;
    ensure!(plane.len() >= need, "{name} plane: {} bytes, {need} needed", plane.len());
    Ok(())
}

fn copy_rows(dst: &mut [u8], row_len: usize, src: &[u8], stride: usize) {
    for (d, s) in dst.chunks_exact_mut(row_len).zip(src.chunks(stride)) {
        d.copy_from_slice(&s[..row_len]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4x2 picture with 2 bytes of padding per row: Y = 0..8, Cb = 100, 101, Cr = 200, 201.
    const Y_PADDED: [u8; 12] = [0, 1, 2, 3, 99, 99, 4, 5, 6, 7, 99, 99];

    #[test]
    fn nv12_with_padded_rows_becomes_packed_i420() {
        let uv = [100, 200, 101, 201, 99, 99];
        let f = YuvFrame::from_nv12(4, 2, &Y_PADDED, 6, &uv, 6).unwrap();
        assert_eq!(f.y, [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(f.u, [100, 101]);
        assert_eq!(f.v, [200, 201]);
    }

    #[test]
    fn last_row_needs_no_padding() {
        let f = YuvFrame::from_nv12(4, 2, &Y_PADDED[..10], 6, &[100, 200, 101, 201], 6).unwrap();
        assert_eq!(f.y, [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn yuv420_with_padded_rows_becomes_packed_i420() {
        let f = YuvFrame::from_yuv420(4, 2, (&Y_PADDED, 6), (&[100, 101, 9], &[200, 201, 9], 3)).unwrap();
        assert_eq!(
            (f.y.as_slice(), f.u.as_slice(), f.v.as_slice()),
            (&[0, 1, 2, 3, 4, 5, 6, 7][..], &[100, 101][..], &[200, 201][..])
        );
    }

    #[test]
    fn rejects_short_planes_and_odd_sizes() {
        assert!(YuvFrame::from_nv12(4, 2, &Y_PADDED[..9], 6, &[0; 4], 6).is_err());
        assert!(YuvFrame::from_nv12(4, 2, &Y_PADDED, 6, &[0; 3], 6).is_err());
        assert!(YuvFrame::from_nv12(4, 2, &Y_PADDED, 3, &[0; 4], 4).is_err());
        assert!(YuvFrame::from_nv12(3, 2, &Y_PADDED, 6, &[0; 4], 6).is_err());
    }

    #[test]
    fn a_full_hd_camera_buffer_converts() {
        let (w, h, stride) = (1920u32, 1080u32, 1920 + 64);
        let y: Vec<u8> = (0..stride * h as usize).map(|i| (i % 251) as u8).collect();
        let uv = vec![7u8; stride * h as usize / 2];
        let f = YuvFrame::from_nv12(w, h, &y, stride, &uv, stride).unwrap();
        assert_eq!(f.y[w as usize], y[stride]);
        assert!(f.u.iter().chain(&f.v).all(|&c| c == 7));
    }
}
