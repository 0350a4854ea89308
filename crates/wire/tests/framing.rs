//! The frame codec, fed in every chunking a socket could produce.

mod common;

use bytes::{Bytes, BytesMut};
use camwire_wire::{
    BlockingEvent, BlockingFrameReader, BlockingFrameWriter, Event, FrameCodec, FrameReader, FrameWriter, Message,
    StreamEnd, WireError, DEFAULT_MAX_FRAME, GROW_STEP,
};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::Decoder;

/// `02 00 00 00 AB CD`, `03 00 00 00 01 02 03`, terminator.
const TWO_FRAMES: &[u8] = &[2, 0, 0, 0, 0xAB, 0xCD, 3, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0];

/// Feeds `chunks` one at a time into the codec, as reads would arrive.
fn decode_chunks(chunks: &[&[u8]]) -> Result<(Vec<Message>, usize), WireError> {
    let (msgs, left) = common::decode_reads(FrameCodec::default(), chunks, false)?;
    Ok((msgs, left.len()))
}

fn expected_two_frames() -> Vec<Message> {
    vec![
        Message::Frame(Bytes::from_static(&[0xAB, 0xCD])),
        Message::Frame(Bytes::from_static(&[1, 2, 3])),
        Message::Terminator,
    ]
}

#[test]
fn two_frames_and_terminator_in_one_read() {
    let (msgs, left) = decode_chunks(&[TWO_FRAMES]).unwrap();
    assert_eq!(msgs, expected_two_frames());
    assert_eq!(left, 0);
}

#[test]
fn stream_split_at_every_byte_boundary() {
    for cut in 0..=TWO_FRAMES.len() {
        let (a, b) = TWO_FRAMES.split_at(cut);
        let (msgs, _) = decode_chunks(&[a, b]).unwrap();
        assert_eq!(msgs, expected_two_frames(), "cut at {cut}");
    }
}

#[test]
fn stream_split_at_every_pair_of_boundaries() {
    for i in 0..=TWO_FRAMES.len() {
        for j in i..=TWO_FRAMES.len() {
            let chunks = [&TWO_FRAMES[..i], &TWO_FRAMES[i..j], &TWO_FRAMES[j..]];
            let (msgs, _) = decode_chunks(&chunks).unwrap();
            assert_eq!(msgs, expected_two_frames(), "cuts at {i} and {j}");
        }
    }
}

#[test]
fn stream_fed_one_byte_at_a_time() {
    let chunks: Vec<&[u8]> = TWO_FRAMES.chunks(1).collect();
    let (msgs, _) = decode_chunks(&chunks).unwrap();
    assert_eq!(msgs, expected_two_frames());
}

#[test]
fn rejects_length_over_limit_from_the_header_alone() {
    let mut codec = FrameCodec::new(1000);
    let mut buf = BytesMut::from(&1001u32.to_le_bytes()[..]);
    match codec.decode(&mut buf) {
        Err(WireError::FrameTooLarge { len: 1001, max: 1000 }) => {}
        other => panic!("expected FrameTooLarge, got {other:?}"),
    }
}

#[test]
fn accepts_length_equal_to_limit() {
    let mut codec = FrameCodec::new(3);
    let mut buf = BytesMut::from(&[3, 0, 0, 0, 7, 8, 9][..]);
    assert_eq!(codec.decode(&mut buf).unwrap(), Some(Message::Frame(Bytes::from_static(&[7, 8, 9]))));
}

#[test]
fn rejects_ffffffff_length_without_allocating() {
    let mut codec = FrameCodec::default();
    let mut buf = BytesMut::from(&[0xFF, 0xFF, 0xFF, 0xFF][..]);
    let cap_before = buf.capacity();
    let err = codec.decode(&mut buf).unwrap_err();
    assert!(matches!(err, WireError::FrameTooLarge { len: 0xFFFF_FFFF, max: DEFAULT_MAX_FRAME }));
    assert_eq!(buf.capacity(), cap_before, "nothing reserved for the announced length");
    assert!(err.to_string().contains("4294967295") && err.to_string().contains("16777216"), "{err}");
}

#[test]
fn five_bytes_announcing_16_mib_reserve_only_a_small_step() {
    // `FF FF FF 00` announces 16 MiB - 1 (under the limit); one payload byte follows.
    let mut codec = FrameCodec::default();
    let mut buf = BytesMut::from(&[0xFF, 0xFF, 0xFF, 0x00, 0xFF][..]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert!(buf.capacity() <= GROW_STEP + 64, "{} bytes reserved for 5 received", buf.capacity());
}

#[test]
fn buffer_grows_with_the_bytes_that_arrive_not_the_announced_length() {
    let len = DEFAULT_MAX_FRAME;
    let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
    let mut codec = FrameCodec::default();
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&(len as u32).to_le_bytes());
    let mut frames = Vec::new();
    for chunk in payload.chunks(8 * 1024) {
        // A socket read fills what spare room the buffer has (FramedRead adds one byte when full).
        if buf.capacity() == buf.len() {
            buf.reserve(1);
        }
        buf.extend_from_slice(chunk);
        let received = buf.len();
        if let Some(msg) = codec.decode(&mut buf).unwrap() {
            frames.push(msg);
        } else {
            assert!(
                buf.capacity() <= 4 * received + 2 * GROW_STEP,
                "{} bytes reserved after {received} arrived",
                buf.capacity()
            );
        }
    }
    assert_eq!(frames, vec![Message::Frame(Bytes::from(payload))]);
}

/// One frame of `len` bytes with its header, as it goes on the wire.
fn framed(len: usize) -> Vec<u8> {
    let mut wire = (len as u32).to_le_bytes().to_vec();
    wire.extend((0..len).map(|i| i as u8));
    wire
}

#[test]
fn a_frame_within_twice_the_largest_delivered_gets_its_whole_room_at_once() {
    // A camera's 250 kB JPEGs: once one has arrived whole, the next one's room is
    // reserved when its header is in, so its bytes are never copied to a larger buffer.
    let len = 250_000;
    let mut codec = FrameCodec::default();
    let mut buf = BytesMut::from(&framed(len)[..]);
    assert!(matches!(codec.decode(&mut buf).unwrap(), Some(Message::Frame(f)) if f.len() == len));
    let next = framed(len + 1000);
    buf.extend_from_slice(&next[..5]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert!(buf.capacity() >= next.len(), "{} bytes of room for a {}-byte frame", buf.capacity(), next.len());
    // Past twice the largest frame delivered, the claim is not trusted: the buffer grows in steps.
    let mut buf = BytesMut::from(&framed(2 * len + 1)[..5]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert!(buf.capacity() <= GROW_STEP + 64, "{} bytes reserved for 5 received", buf.capacity());
}

#[test]
fn terminator_alone_is_a_message() {
    let (msgs, _) = decode_chunks(&[&[0, 0, 0, 0]]).unwrap();
    assert_eq!(msgs, vec![Message::Terminator]);
}

#[test]
fn partial_header_is_not_an_error() {
    let (msgs, left) = decode_chunks(&[&[5, 0]]).unwrap();
    assert!(msgs.is_empty());
    assert_eq!(left, 2);
}

#[test]
fn eof_inside_header_is_truncated() {
    let mut codec = FrameCodec::default();
    let mut buf = BytesMut::from(&[5, 0][..]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert!(matches!(codec.decode_eof(&mut buf), Err(WireError::Truncated { got: 2, expected: 4 })));
}

#[test]
fn eof_inside_payload_is_truncated() {
    let mut codec = FrameCodec::default();
    let mut buf = BytesMut::from(&[5, 0, 0, 0, 1, 2][..]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert!(matches!(codec.decode_eof(&mut buf), Err(WireError::Truncated { got: 2, expected: 5 })));
}

#[test]
fn encodes_the_documented_bytes() {
    use tokio_util::codec::Encoder;
    let mut codec = FrameCodec::default();
    let mut out = BytesMut::new();
    codec.encode(Bytes::from_static(&[0xAB, 0xCD]), &mut out).unwrap();
    codec.encode(Bytes::from_static(&[1, 2, 3]), &mut out).unwrap();
    codec.encode(Message::Terminator, &mut out).unwrap();
    assert_eq!(&out[..], TWO_FRAMES);
}

#[test]
fn refuses_to_encode_an_empty_frame() {
    use tokio_util::codec::Encoder;
    let mut codec = FrameCodec::default();
    let mut out = BytesMut::new();
    assert!(matches!(codec.encode(Bytes::new(), &mut out), Err(WireError::EmptyFrame)));
    assert!(out.is_empty());
}

async fn read_all_async(bytes: &'static [u8]) -> (Vec<Bytes>, StreamEnd) {
    let (mut tx, rx) = tokio::io::duplex(3);
    tokio::spawn(async move {
        for chunk in bytes.chunks(5) {
            tx.write_all(chunk).await.unwrap();
        }
    });
    let mut reader = FrameReader::new(rx, DEFAULT_MAX_FRAME);
    let mut frames = Vec::new();
    loop {
        match reader.next_event().await.unwrap() {
            Event::Frame(f) => frames.push(f),
            Event::End(end) => return (frames, end),
        }
    }
}

#[tokio::test]
async fn reader_reports_terminated() {
    let (frames, end) = read_all_async(TWO_FRAMES).await;
    assert_eq!(frames.len(), 2);
    assert_eq!(end, StreamEnd::Terminated);
}

#[tokio::test]
async fn reader_reports_closed_between_frames() {
    let (frames, end) = read_all_async(&TWO_FRAMES[..13]).await;
    assert_eq!(frames.len(), 2);
    assert_eq!(end, StreamEnd::Closed);
}

#[tokio::test]
async fn reader_reports_truncated_payload() {
    let (frames, end) = read_all_async(&TWO_FRAMES[..11]).await;
    assert_eq!(frames.len(), 1);
    assert_eq!(end, StreamEnd::Truncated { got: 1, expected: 3 });
}

#[tokio::test]
async fn reader_reports_truncated_header() {
    let (frames, end) = read_all_async(&TWO_FRAMES[..8]).await;
    assert_eq!(frames.len(), 1);
    assert_eq!(end, StreamEnd::Truncated { got: 2, expected: 4 });
}

#[tokio::test]
async fn writer_round_trips_through_reader() {
    let (tx, rx) = tokio::io::duplex(64);
    let writer = tokio::spawn(async move {
        let mut w = FrameWriter::new(tx, DEFAULT_MAX_FRAME);
        for i in 1..=50u8 {
            w.send(Bytes::from(vec![i; i as usize * 7])).await.unwrap();
        }
        w.finish().await.unwrap();
    });
    let mut reader = FrameReader::new(rx, DEFAULT_MAX_FRAME);
    for i in 1..=50u8 {
        assert_eq!(reader.next_event().await.unwrap(), Event::Frame(Bytes::from(vec![i; i as usize * 7])));
    }
    assert_eq!(reader.next_event().await.unwrap(), Event::End(StreamEnd::Terminated));
    writer.await.unwrap();
}

#[test]
fn blocking_round_trip_and_ends() {
    let mut w = BlockingFrameWriter::new(Vec::new(), DEFAULT_MAX_FRAME);
    w.send(&[0xAB, 0xCD]).unwrap();
    w.send(&[1, 2, 3]).unwrap();
    let bytes = w.finish().unwrap();
    assert_eq!(bytes, TWO_FRAMES);

    let cases: [(&[u8], usize, StreamEnd); 4] = [
        (TWO_FRAMES, 2, StreamEnd::Terminated),
        (&TWO_FRAMES[..13], 2, StreamEnd::Closed),
        (&TWO_FRAMES[..11], 1, StreamEnd::Truncated { got: 1, expected: 3 }),
        (&TWO_FRAMES[..8], 1, StreamEnd::Truncated { got: 2, expected: 4 }),
    ];
    for (input, n, want) in cases {
        let mut r = BlockingFrameReader::new(input, DEFAULT_MAX_FRAME);
        let mut frames = 0;
        let end = loop {
            match r.next_event().unwrap() {
                BlockingEvent::Frame(_) => frames += 1,
                BlockingEvent::End(end) => break end,
            }
        };
        assert_eq!((frames, end), (n, want));
    }
}

#[test]
fn blocking_reader_rejects_over_limit_before_allocating() {
    let mut r = BlockingFrameReader::new(&[0xFF, 0xFF, 0xFF, 0xFF, 1][..], DEFAULT_MAX_FRAME);
    assert!(matches!(r.next_event(), Err(WireError::FrameTooLarge { len: 0xFFFF_FFFF, .. })));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trip_on_arbitrary_chunking(
            payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..300), 0..20),
            cuts in prop::collection::vec(1usize..64, 1..50),
        ) {
            let mut w = BlockingFrameWriter::new(Vec::new(), DEFAULT_MAX_FRAME);
            for p in &payloads { w.send(p).unwrap(); }
            let bytes = w.finish().unwrap();
            let chunks = common::cut(&bytes, &cuts);
            let (msgs, left) = decode_chunks(&chunks).unwrap();
            let mut want: Vec<Message> = payloads.iter().map(|p| Message::Frame(Bytes::from(p.clone()))).collect();
            want.push(Message::Terminator);
            prop_assert_eq!(msgs, want);
            prop_assert_eq!(left, 0);
        }
    }
}
