#!/usr/bin/env python3
"""The classic picamera "capture to a network stream" client, fed JPEG files
instead of a camera: connect, then for each picture write its length with
struct.pack('<L', ...) and the bytes through a file made from the socket,
flush, and end with a zero length. The files are read once, before the clock
starts, as cam-send's looping files source does.

    classic_sender.py PORT FRAMES FPS [--stamp] FILES...

FPS 0 sends as fast as the receiver takes them. --stamp puts the send time in
each JPEG, the way cam-send does (a COM segment `camwire capture_us=<us>`
after SOI), so a receiver can measure latency.
"""
import socket
import struct
import sys
import time

port, count, fps = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
stamp = sys.argv[4] == "--stamp"
files = sys.argv[5:] if stamp else sys.argv[4:]
pictures = [open(f, "rb").read() for f in files]

client_socket = socket.socket()
client_socket.connect(("127.0.0.1", port))
# Make a file-like object out of the connection
connection = client_socket.makefile("wb")
period = 1 / fps if fps > 0 else 0
due = time.monotonic()
try:
    for i in range(count):
        if period:
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            due += period
        data = pictures[i % len(pictures)]
        if stamp:
            text = b"camwire capture_us=%d" % int(time.time() * 1e6)
            data = data[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + data[2:]
        # Write the length of the capture to the stream and flush to
        # ensure it actually gets sent
        connection.write(struct.pack("<L", len(data)))
        connection.write(data)
        connection.flush()
    # Write a length of zero to the stream to signal we're done
    connection.write(struct.pack("<L", 0))
finally:
    connection.close()
    client_socket.close()
