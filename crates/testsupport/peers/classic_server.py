#!/usr/bin/env python3
"""A receiver written the way the classic picamera recipe writes it
("Capturing to a network stream", server side): accept one connection, read
a little-endian u32 length with struct.unpack('<L', ...), stop at a zero
length, otherwise read that many bytes and open them with Pillow.

Unlike the recipe, each image is fully decoded (Image.load()), because
verify() alone passes a JPEG cut in half. Prints one line per frame and a
summary; exits 0 only if the stream ended with the zero length and every
image decoded.

    python3 classic_server.py PORT    (0: any free port; the line "listening on PORT" says which)
"""
import io
import socket
import struct
import sys

from PIL import Image

server_socket = socket.socket()
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_socket.bind(("127.0.0.1", int(sys.argv[1])))
server_socket.listen(0)
print("listening on", server_socket.getsockname()[1], flush=True)

# Accept a single connection and make a file-like object out of it
connection = server_socket.accept()[0].makefile("rb")
frames = bad = 0
terminated = False
try:
    while True:
        # Read the length of the image as a 32-bit unsigned int. If the
        # length is zero, quit the loop
        header = connection.read(struct.calcsize("<L"))
        if len(header) < 4:
            break
        image_len = struct.unpack("<L", header)[0]
        if not image_len:
            terminated = True
            break
        # Construct a stream to hold the image data and read the image
        # data from the connection
        image_stream = io.BytesIO()
        data = connection.read(image_len)
        if len(data) < image_len:
            print(f"cut inside frame {frames + 1}", flush=True)
            break
        image_stream.write(data)
        # Rewind the stream, open it as an image with PIL and decode it
        image_stream.seek(0)
        frames += 1
        try:
            image = Image.open(image_stream)
            image.load()
            print(f"frame {frames}: {image.size[0]}x{image.size[1]} {image.format} ok", flush=True)
        except Exception as e:  # noqa: BLE001 - any decoder failure is a bad frame
            bad += 1
            print(f"frame {frames}: invalid ({e})", flush=True)
finally:
    connection.close()
    server_socket.close()

print(f"summary: frames={frames} invalid={bad} terminator={'yes' if terminated else 'no'}", flush=True)
sys.exit(0 if terminated and bad == 0 else 1)
