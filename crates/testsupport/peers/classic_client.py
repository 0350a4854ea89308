#!/usr/bin/env python3
"""A sender written the way the classic picamera recipe writes it
("Capturing to a network stream", client side): connect, then for each
JPEG write its length with struct.pack('<L', ...) followed by the bytes,
and finish with a zero length. Pictures are drawn with Pillow (a moving
box and the frame number), so no camera is needed.

    python3 classic_client.py PORT FRAMES [--no-terminator] [--cut-last]

--cut-last writes only half of the last frame and then closes, as a sender
killed mid-frame would.
"""
import io
import socket
import struct
import sys

from PIL import Image, ImageDraw

port, count = int(sys.argv[1]), int(sys.argv[2])
terminator = "--no-terminator" not in sys.argv and "--cut-last" not in sys.argv
cut_last = "--cut-last" in sys.argv

client_socket = socket.socket()
client_socket.connect(("127.0.0.1", port))

# Make a file-like object out of the connection
connection = client_socket.makefile("wb")
try:
    for i in range(count):
        image = Image.new("RGB", (320, 240), (20, 40, 90))
        draw = ImageDraw.Draw(image)
        x = (i * 9) % 260
        draw.rectangle([x, 100, x + 60, 160], fill=(250, 200, 30))
        draw.text((8, 8), f"frame {i + 1}", fill=(255, 255, 255))
        stream = io.BytesIO()
        image.save(stream, "JPEG", quality=85)
        data = stream.getvalue()
        # Write the length of the capture to the stream and flush to
        # ensure it actually gets sent
        connection.write(struct.pack("<L", len(data)))
        if cut_last and i == count - 1:
            connection.write(data[: len(data) // 2])
            connection.flush()
            break
        connection.write(data)
        connection.flush()
    if terminator:
        # Write a length of zero to the stream to signal we're done
        connection.write(struct.pack("<L", 0))
finally:
    connection.close()
    client_socket.close()
print(f"sent {count} frames", flush=True)
