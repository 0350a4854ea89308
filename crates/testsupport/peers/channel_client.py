#!/usr/bin/env python3
"""A sender written from protocol.md alone ("the optional back channel",
section 12), with the standard library and Pillow: it names its camera and
offers the back channel in its hello, sends frames as the classic recipe
does, and listens on a thread for the receiver's lines while it sends.

    python3 channel_client.py PORT NAME FRAMES_FILE MAX_FRAMES
    python3 channel_client.py PORT NAME jpeg MAX_FRAMES [CLOCK_SHIFT_SECONDS]

FRAMES_FILE holds the frames to send, each as section 1 puts it on the wire
(a u32 little-endian length, then the payload); they are sent in a loop, 30
a second. With `jpeg` it makes its own JPEGs with Pillow, stamps them with
their capture time (section 4) on a clock shifted by CLOCK_SHIFT_SECONDS,
answers the receiver's clock pings (12.5) on that same clock, and stamps
each frame with when it was encoded and sent (12.6). Every receiver line is printed as `heard <line>`,
and each report of what arrived (12.7) as `report: N frames, R kbit/s[, latency L ms]`. On a KEYFRAME
request the next frame sent is one that starts with an IDR (the file's
frames are tried in turn). It stops after MAX_FRAMES frames, or a few frames
after its first keyframe request, ends with the terminator, and exits 0 if
the receiver answered the offer (CHANNEL) and asked for a keyframe.
"""
import io
import socket
import struct
import sys
import threading
import time

port, name, frames_file, max_frames = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])

frames = []
shift_us = int(float(sys.argv[5]) * 1e6) if len(sys.argv) > 5 else 0
make_jpegs = frames_file == "jpeg"


def clock_us():
    """This sender's clock, as it goes on the wire: microseconds since the epoch."""
    return time.time_ns() // 1000 + shift_us


def with_comment(jpeg, text):
    """A COM segment (FF FE, length) right after SOI, as section 4 places it
    when there is no APP0/APP1 (Pillow's JFIF APP0 is left out below)."""
    data = text.encode("ascii")
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", 2 + len(data)) + data + jpeg[2:]


def make_jpeg(i):
    """A JPEG stamped with its capture time, and when its encoding finished."""
    captured = clock_us()
    picture = io.BytesIO()
    Image.new("RGB", (160, 120), (90, (40 + i) % 256, 20)).save(picture, "JPEG", quality=80)
    jpeg = picture.getvalue()
    # Drop the APP0 (JFIF) segment Pillow writes, so the COM goes right after SOI.
    if jpeg[2:4] == b"\xff\xe0":
        jpeg = jpeg[:2] + jpeg[4 + struct.unpack(">H", jpeg[4:6])[0]:]
    encoded = clock_us()
    return with_comment(jpeg, f"camwire capture_us={captured}"), encoded


if make_jpegs:
    from PIL import Image
else:
    with open(frames_file, "rb") as f:
        while True:
            header = f.read(4)
            if len(header) < 4:
                break
            (length,) = struct.unpack("<L", header)
            frames.append(f.read(length))


def is_idr(payload):
    """An H.264 access unit (section 3) holding an IDR slice (NAL type 5)."""
    for start in range(len(payload) - 3):
        if payload[start:start + 3] == b"\x00\x00\x01" and payload[start + 3] & 0x1F == 5:
            return True
    return False


sock = socket.create_connection(("127.0.0.1", port))
heard = []
want_keyframe = threading.Event()
ping = []  # the newest unanswered (t1, t2)
lock = threading.Lock()


def listen():
    lines = sock.makefile("rb")
    while True:
        line = lines.readline(256)  # a line is at most 256 bytes (12.2)
        if not line:
            return
        text = line.decode("ascii", "replace").rstrip("\n")
        print(f"heard {text}", flush=True)
        words = text.split(" ")
        if words[0] != "CAMWIRE" or len(words) < 2:
            continue
        heard.append(words[1])
        if words[1] == "KEYFRAME":
            want_keyframe.set()
        if words[1] == "PING":
            fields = dict(w.split("=", 1) for w in words[2:] if "=" in w)
            if fields.get("t1", "").isdigit():
                with lock:
                    ping[:] = [(int(fields["t1"]), clock_us())]
        if words[1] == "REPORT":
            # What reached the receiver (12.7): a sender that sets its own rate fits it to this.
            fields = dict(w.split("=", 1) for w in words[2:] if "=" in w)
            if all(fields.get(k, "").isdigit() for k in ("ms", "frames", "bytes")) and int(fields["ms"]) > 0:
                kbits = int(fields["bytes"]) * 8 / int(fields["ms"])
                latency = fields.get("latency", "")
                latency = f", latency {latency} ms" if latency.isdigit() else ""
                print(f"report: {fields['frames']} frames, {kbits:.1f} kbit/s{latency}", flush=True)
        # CHANNEL needs nothing done; REFUSED ends the stream (the receiver
        # closes); a word not known here is ignored.


threading.Thread(target=listen, daemon=True).start()

sock.sendall(f"CAMWIRE HELLO name={name} channel=1\n".encode("ascii"))
sent, next_frame, stop_at = 0, 0, max_frames
while sent < stop_at:
    if make_jpegs:
        data, encoded = make_jpeg(sent)
        data = with_comment(data, f"camwire stage encoded_us={encoded} sent_us={clock_us()}")
        with lock:
            answer = ping.pop() if ping else None
        if answer:
            t1, t2 = answer
            data = with_comment(data, f"camwire clock t1={t1} t2={t2} t3={clock_us()}")
        try:
            sock.sendall(struct.pack("<L", len(data)) + data)
        except OSError as e:
            print(f"connection lost: {e}", flush=True)
            break
        sent += 1
        time.sleep(1 / 30)
        continue
    if want_keyframe.is_set():
        want_keyframe.clear()
        for _ in range(len(frames)):
            if is_idr(frames[next_frame % len(frames)]):
                break
            next_frame += 1
        print(f"keyframe sent as frame {sent + 1}", flush=True)
        stop_at = min(stop_at, sent + 5)
    data = frames[next_frame % len(frames)]
    next_frame += 1
    try:
        sock.sendall(struct.pack("<L", len(data)) + data)
    except OSError as e:
        print(f"connection lost: {e}", flush=True)
        break
    sent += 1
    time.sleep(1 / 30)
try:
    sock.sendall(struct.pack("<L", 0))
    sock.shutdown(socket.SHUT_WR)
except OSError:
    pass
time.sleep(0.2)
print(f"sent {sent} frames; heard {' '.join(heard) or 'nothing'}", flush=True)
wanted = "PING" if make_jpegs else "KEYFRAME"
sys.exit(0 if heard[:1] == ["CHANNEL"] and wanted in heard else 1)
