//! The capture side of the pipeline: the thread that takes frames from a
//! source, turns pictures and encodes them, and hands them to the output,
//! and the flags it shares with the output.
//!
//! This sits above `source/` and `encoder/` (it drives both) and below
//! [`run`](crate::run), which connects it to `output/`.

use std::sync::{
    atomic::{AtomicBool, AtomicU64, Ordering},
    Arc,
};

use anyhow::Result;

use crate::{
    encoder::Encoder,
    frames::{EncodedFrame, FrameTx},
    picture::{Annotation, Orientation},
    source::{Captured, Source},
};

/// Flags the capture thread and the output share.
#[derive(Debug, Default)]
pub struct PipelineFlags {
    /// The output wants the next frame to be a keyframe (after a reconnect).
    pub want_keyframe: AtomicBool,
    /// The capture thread should stop.
    pub stop: AtomicBool,
    /// The receiver's latest clock ping not answered yet: its `t1`, and this
    /// sender's clock (`frames::clock_us`) when it was read. The next frame sent carries the reply.
    pub clock_ping: std::sync::Mutex<Option<(u64, u64)>>,
    /// Send payloads exactly as captured, without the capture-time stamp.
    pub no_stamp: AtomicBool,
    /// Pictures the capture did not encode because the output had not taken
    /// the previous frame yet (H.264 in live mode); the output adds them to `dropped`.
    pub skipped: AtomicU64,
    /// Opened by the output when the stream starts (its first connection),
    /// and by `run` when the output has ended.
    pub streaming: crate::pace::Latch,
    /// The bit rate the output measured the link for (`--adapt`).
    pub adapt: crate::adapt::Adaptation,
    /// The receiver took the back channel (protocol.md, section 12): it asks
    /// for a keyframe whenever it needs one.
    pub channel: AtomicBool,
}

/// Runs `source` and `encoder` on their own thread, sending frames to `tx`
/// until the source ends, `flags.stop` is set or the receiver is gone. The
/// returned channel carries the thread's result, sent before `tx` is dropped.
///
/// In live mode a predictive encoder (H.264) is not given a picture while the
/// output still has the previous frame waiting: every frame it encodes is
/// then sent, so no frame ever refers to one that was dropped.
///
/// Pictures are turned to `orientation` before encoding, less what the source
/// has done already ([`Source::orientation_done`]), then `annotation` is drawn on them.
pub fn spawn_capture(
    mut source: Box<dyn Source>,
    mut encoder: Box<dyn Encoder>,
    orientation: Orientation,
    annotation: Option<Annotation>,
    mut tx: FrameTx,
    flags: Arc<PipelineFlags>,
    fps: f64,
) -> std::sync::mpsc::Receiver<Result<()>> {
    let orientation = orientation.after(source.orientation_done());
    if !orientation.is_identity() {
        tracing::debug!("flipping pictures in software: {orientation}");
    }
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            let mut follow = Follow::new(fps);
            let result =
                capture_loop(source.as_mut(), encoder.as_mut(), orientation, annotation, &mut tx, &flags, &mut follow);
            // The source goes first: a camera is stopped and released before
            // `run` hears the result, so the process never exits under it.
            drop(source);
            drop(encoder);
            let _ = done_tx.send(result);
            drop(tx);
        })
        .expect("spawn capture thread");
    done_rx
}

fn capture_loop(
    source: &mut dyn Source,
    encoder: &mut dyn Encoder,
    orientation: Orientation,
    annotation: Option<Annotation>,
    tx: &mut FrameTx,
    flags: &PipelineFlags,
    follow: &mut Follow,
) -> Result<()> {
    let stamped = !flags.no_stamp.load(Ordering::Relaxed);
    // Frames handed to the output so far (in live H.264 every encoded frame is sent).
    let mut n = 0u64;
    while !flags.stop.load(Ordering::Relaxed) {
        let Some((captured, captured_at)) = source.next_frame()? else {
            return Ok(());
        };
        let frame = match captured {
            Captured::Picture(ref p) if follow.leaves_out(p, encoder, flags) => continue,
            Captured::Picture(_) if encoder.predictive() && tx.waiting() => {
                flags.skipped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Captured::Picture(picture) => {
                let mut picture = follow.sized(picture);
                orientation.apply(&mut picture);
                annotation.iter().for_each(|a| a.apply(&mut picture, n + 1, captured_at));
                let restarted = source.take_restart();
                if restarted {
                    tracing::info!("the camera was restarted: frame {} is a keyframe", n + 1);
                }
                let force = flags.want_keyframe.swap(false, Ordering::Relaxed) || restarted;
                let (data, keyframe) = encoder.encode(&picture, force)?;
                if let Some(q) = encoder.quality() {
                    flags.adapt.quality.store(q.into(), Ordering::Relaxed);
                }
                EncodedFrame { data, captured_at, keyframe, encoded_at: Some(std::time::SystemTime::now()) }
            }
            Captured::Encoded(data) => EncodedFrame { data, captured_at, keyframe: true, encoded_at: None },
            Captured::AccessUnit { data, keyframe } => EncodedFrame { data, captured_at, keyframe, encoded_at: None },
        };
        let frame = if stamped { frame.stamped() } else { frame };
        if tx.send(frame).is_err() {
            return Ok(());
        }
        n += 1;
    }
    Ok(())
}

/// The capture thread's side of `--adapt`: gives the encoder the output's
/// target, leaves pictures out when the target is under what a picture
/// needs at the encoder's lowest setting (a lower frame rate), and below
/// [`MIN_SHARE_AT_FULL_SIZE`] of the pictures halves the picture's sides
/// instead (an encoder that can change size: H.264, with an IDR).
#[derive(Debug)]
struct Follow {
    fps: f64,
    target: Option<u64>,
    /// The share of pictures encoded, and the credit towards the next one.
    share: f64,
    credit: f64,
    /// The sides are divided by this: 1 or 2.
    scale: u32,
    /// Since when the target has paid for the full picture while it is halved.
    paid_since: Option<std::time::Instant>,
}

/// How long the target pays for the full picture before a halved one grows back.
const FULL_SIZE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// While adapted to a slow link, with a receiver that asks for keyframes,
/// periodic keyframes are this many times as far apart as configured.
const KEYFRAMES_APART_WHILE_ADAPTED: u32 = 4;

/// The lowest frame rate adaptation goes to: one picture in this many.
const MAX_DIVISOR: f64 = 6.0;

/// At full size, at least this share of the pictures is encoded (24 of 30
/// a second); a target that leaves fewer halves the picture's sides instead.
pub(crate) const MIN_SHARE_AT_FULL_SIZE: f64 = 0.8;

impl Follow {
    fn new(fps: f64) -> Self {
        Self { fps, target: None, share: 1.0, credit: 0.0, scale: 1, paid_since: None }
    }

    /// Whether this picture is left out; sets the encoder's rate (and the
    /// picture's size) when the target changed.
    fn leaves_out(&mut self, p: &crate::picture::YuvFrame, encoder: &mut dyn Encoder, flags: &PipelineFlags) -> bool {
        let adapt = &flags.adapt;
        let target = adapt.target();
        // Over a link slower than the stream each keyframe costs the frames
        // that wait while it goes; a receiver that asks for keyframes when it
        // needs them (a new viewer, a segment, a decode error) needs fewer.
        let asks = target.is_some() && flags.channel.load(Ordering::Relaxed);
        encoder.space_keyframes(if asks { KEYFRAMES_APART_WHILE_ADAPTED } else { 1 });
        // The full picture comes back once the target has paid for it for a
        // while: a target that climbs past what the link carries is cut
        // again within a second or two, and the full picture's keyframe
        // alone would freeze a slow link for longer than that.
        let grown = self.paid_since.is_some_and(|t| t.elapsed() >= FULL_SIZE_AFTER);
        if (target != self.target || grown) && self.fps > 0.0 {
            self.target = target;
            // The share of pictures the target pays for at the encoder's floor, at `scale`.
            let share = |t: u64, scale: u32| {
                let pixels = u64::from(p.width / scale) * u64::from(p.height / scale);
                t as f64 / (encoder.floor_bits_per_picture(pixels) * self.fps)
            };
            let resizes = encoder.resizes() && crate::picture::scale::can_halve(p.width, p.height);
            let scale = match target {
                None => 1,
                Some(t) if resizes && self.scale == 1 && share(t, 1) < MIN_SHARE_AT_FULL_SIZE => 2,
                // Back up once the full picture is paid for at the full frame rate.
                Some(t) if self.scale == 2 && share(t, 1) >= 1.0 && grown => 1,
                Some(_) => self.scale,
            };
            self.paid_since = match target {
                Some(t) if scale == 2 && share(t, 1) >= 1.0 => self.paid_since.or(Some(std::time::Instant::now())),
                _ => None,
            };
            if scale != self.scale {
                self.scale = scale;
                // A new size starts with a new sequence: the encoder makes an IDR anyway; ask to be sure.
                flags.want_keyframe.store(true, Ordering::Relaxed);
                let (w, h) = (p.width / scale, p.height / scale);
                tracing::debug!("--adapt: pictures are now {w}x{h}");
                adapt.size.store((u64::from(w) << 32) | u64::from(h), Ordering::Relaxed);
                adapt.scale.store(scale, Ordering::Relaxed);
            }
            self.share = target.map_or(1.0, |t| share(t, scale).clamp(1.0 / MAX_DIVISOR, 1.0));
            adapt.permille.store((self.share * 1000.0).round() as u32, Ordering::Relaxed);
            encoder.set_rate(target.map(|t| t.min(u64::from(u32::MAX)) as u32), self.fps * self.share);
        }
        self.credit += self.share;
        if self.credit >= 1.0 - 1e-9 {
            self.credit -= 1.0;
            return false;
        }
        true
    }

    /// `picture` at the size adaptation chose.
    fn sized(&self, picture: crate::picture::YuvFrame) -> crate::picture::YuvFrame {
        match self.scale {
            2 if crate::picture::scale::can_halve(picture.width, picture.height) => {
                crate::picture::scale::halved(&picture)
            }
            _ => picture,
        }
    }
}
