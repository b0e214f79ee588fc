"""Chunked encryption at rest for attachment content.

Format: the magic ``EGOVENC1`` then, per 1 MiB plaintext chunk, a 4-byte big-endian length and a Fernet token
(``egov_base.crypto.encrypt_bytes``). Reading and writing stream chunk by chunk, so memory stays bounded."""

from __future__ import annotations

import struct

from .. import crypto

MAGIC = b"EGOVENC1"
CHUNK = 1024 * 1024


def encrypt_stream(src, dst) -> None:
    dst.write(MAGIC)
    while True:
        chunk = src.read(CHUNK)
        if not chunk:
            break
        token = crypto.encrypt_bytes(chunk)
        dst.write(struct.pack(">I", len(token)))
        dst.write(token)


def decrypt_chunks(src):
    magic = src.read(len(MAGIC))
    if magic != MAGIC:
        raise ValueError("not an encrypted attachment")
    while True:
        header = src.read(4)
        if not header:
            break
        (length,) = struct.unpack(">I", header)
        yield crypto.decrypt_bytes(src.read(length))


def open_plain(version):
    """An iterator of the plaintext bytes of an AttachmentVersion (decrypting if needed). Closes the file."""
    fh = version.file.open("rb")
    try:
        if version.encrypted:
            yield from decrypt_chunks(fh)
        else:
            while True:
                chunk = fh.read(64 * 1024)
                if not chunk:
                    break
                yield chunk
    finally:
        fh.close()


def read_plain(version) -> bytes:
    return b"".join(open_plain(version))
