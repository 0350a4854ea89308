#!/usr/bin/env python3
"""The classic picamera "capture to a network stream" server: accept one
connection, read a little-endian u32 length with struct.unpack('<L', ...),
stop at a zero length, otherwise read that many bytes into a BytesIO. Like
cam-recv without sinks it does not decode; with --latency it reads the
capture stamp cam-send (or classic_sender.py --stamp) puts in each JPEG and
reports capture-to-arrival latency.

    classic_receiver.py PORT [--latency]

Prints "listening" on stderr once bound, and at the end one line:
frames=N bytes=B [latency_ms=a,b,c...]
"""
import io
import re
import socket
import struct
import sys
import time

latency = "--latency" in sys.argv
server_socket = socket.socket()
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(("127.0.0.1", int(sys.argv[1])))
server_socket.listen(0)
print("listening", file=sys.stderr, flush=True)

# Accept a single connection and make a file-like object out of it
connection = server_socket.accept()[0].makefile("rb")
frames = total = 0
latencies = []
stamp = re.compile(rb"camwire capture_us=(\d+)")
try:
    while True:
        # Read the length of the image as a 32-bit unsigned int. If the
        # length is zero, quit the loop
        image_len = struct.unpack("<L", connection.read(struct.calcsize("<L")))[0]
        if not image_len:
            break
        # Construct a stream to hold the image data and read the image
        # data from the connection
        image_stream = io.BytesIO()
        image_stream.write(connection.read(image_len))
        arrived = time.time()
        frames += 1
        total += image_len
        if latency:
            m = stamp.search(image_stream.getbuffer()[:200].tobytes())
            if m:
                latencies.append((arrived - int(m.group(1)) / 1e6) * 1000)
finally:
    connection.close()
    server_socket.close()
line = f"frames={frames} bytes={total}"
if latency:
    line += " latency_ms=" + ",".join(f"{x:.3f}" for x in latencies)
print(line, flush=True)
