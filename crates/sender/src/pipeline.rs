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
) -> std::sync::mpsc::Receiver<Result<()>> {
    let orientation = orientation.after(source.orientation_done());
    if !orientation.is_identity() {
        tracing::debug!("flipping pictures in software: {orientation}");
    }
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            let result = capture_loop(source.as_mut(), encoder.as_mut(), orientation, annotation, &mut tx, &flags);
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
) -> Result<()> {
    let stamped = !flags.no_stamp.load(Ordering::Relaxed);
    // Frames handed to the output so far (in live H.264 every encoded frame is sent).
    let mut n = 0u64;
    while !flags.stop.load(Ordering::Relaxed) {
        let Some((captured, captured_at)) = source.next_frame()? else {
            return Ok(());
        };
        let frame = match captured {
            Captured::Picture(_) if encoder.predictive() && tx.waiting() => {
                flags.skipped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            Captured::Picture(mut picture) => {
                orientation.apply(&mut picture);
                annotation.iter().for_each(|a| a.apply(&mut picture, n + 1, captured_at));
                let restarted = source.take_restart();
                if restarted {
                    tracing::info!("the camera was restarted: frame {} is a keyframe", n + 1);
                }
                let force = flags.want_keyframe.swap(false, Ordering::Relaxed) || restarted;
                let (data, keyframe) = encoder.encode(&picture, force)?;
                EncodedFrame { data, captured_at, keyframe }
            }
            Captured::Encoded(data) => EncodedFrame { data, captured_at, keyframe: true },
            Captured::AccessUnit { data, keyframe } => EncodedFrame { data, captured_at, keyframe },
        };
        let frame = if stamped { frame.stamped() } else { frame };
        if tx.send(frame).is_err() {
            return Ok(());
        }
        n += 1;
    }
    Ok(())
}
