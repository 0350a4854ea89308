#!/usr/bin/env python3
"""A sender written from protocol.md alone ("Which camera: the optional
hello", and "Who may send" for the secret), with the standard library and
Pillow: after the secret handshake if there is one, say the camera's name
in one line, then send frames as the classic recipe does.

    python3 named_client.py PORT FRAMES NAME [SECRET_FILE]

The hello and the first frame go out in one write, as the protocol allows.
At the end, prints what the receiver wrote back (nothing, for a receiver
that took the stream) and exits 1 if it refused.
"""
import hashlib
import hmac
import io
import socket
import struct
import sys

from PIL import Image

port, count, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
secret_file = sys.argv[4] if len(sys.argv) > 4 else None

sock = socket.create_connection(("127.0.0.1", port))
stream = sock.makefile("rwb")
if secret_file:
    secret = open(secret_file, "rb").read()
    if secret.endswith(b"\n"):
        secret = secret[:-1]
    if secret.endswith(b"\r"):
        secret = secret[:-1]
    challenge = stream.readline().decode("ascii").rstrip("\n").split(" ")
    assert challenge[:3] == ["CAMWIRE", "CHALLENGE", "hmac-sha256"], challenge
    mac = hmac.new(secret, b"camwire-auth-v1:" + bytes.fromhex(challenge[3]), hashlib.sha256).hexdigest()
    stream.write(f"CAMWIRE RESPONSE {mac}\n".encode("ascii"))
    stream.flush()
    verdict = stream.readline().decode("ascii").rstrip("\n")
    if verdict != "CAMWIRE OK":
        print(verdict, flush=True)
        sys.exit(1)

hello = f"CAMWIRE HELLO name={name}\n".encode("ascii")
for i in range(count):
    picture = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 40 + i, 20)).save(picture, "JPEG", quality=85)
    data = picture.getvalue()
    stream.write((hello if i == 0 else b"") + struct.pack("<L", len(data)) + data)
    stream.flush()
stream.write(struct.pack("<L", 0))
stream.flush()
sock.shutdown(socket.SHUT_WR)
# A receiver that took the stream closes without a word; one that refused
# wrote "CAMWIRE REFUSED <reason>".
said = stream.read().decode("ascii", "replace").strip()
print(said or "(nothing)", flush=True)
sys.exit(1 if said.startswith("CAMWIRE REFUSED") else 0)
