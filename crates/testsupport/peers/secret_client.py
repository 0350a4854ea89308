#!/usr/bin/env python3
"""A sender written from protocol.md ("Who may send") alone, with the
standard library and Pillow: answer the receiver's challenge with the
HMAC-SHA256 of its nonce, wait for OK, then send frames as the classic
recipe does.

    python3 secret_client.py PORT FRAMES SECRET_FILE

Prints the receiver's verdict line; exits 1 if it refused.
"""
import hashlib
import hmac
import io
import socket
import struct
import sys

from PIL import Image

port, count, secret_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
secret = open(secret_file, "rb").read()
if secret.endswith(b"\n"):
    secret = secret[:-1]
if secret.endswith(b"\r"):
    secret = secret[:-1]

sock = socket.create_connection(("127.0.0.1", port))
stream = sock.makefile("rwb")
challenge = stream.readline().decode("ascii").rstrip("\n").split(" ")
assert challenge[:3] == ["CAMWIRE", "CHALLENGE", "hmac-sha256"], challenge
nonce = bytes.fromhex(challenge[3])
mac = hmac.new(secret, b"camwire-auth-v1:" + nonce, hashlib.sha256).hexdigest()
stream.write(f"CAMWIRE RESPONSE {mac}\n".encode("ascii"))
stream.flush()
verdict = stream.readline().decode("ascii").rstrip("\n")
print(verdict, flush=True)
if verdict != "CAMWIRE OK":
    sys.exit(1)
for i in range(count):
    picture = io.BytesIO()
    Image.new("RGB", (320, 240), (20, 40 + i, 90)).save(picture, "JPEG", quality=85)
    data = picture.getvalue()
    stream.write(struct.pack("<L", len(data)) + data)
    stream.flush()
stream.write(struct.pack("<L", 0))
stream.flush()
sock.close()
