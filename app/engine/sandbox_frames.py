"""The frames `sandbox_pool` and `sandbox_child` exchange on the child's stdin and stdout: a
4-byte big-endian length, then that many bytes (a pickle)."""
from __future__ import annotations

import struct

HEADER = struct.Struct("!I")


def read_message(stream):
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    size = HEADER.unpack(header)[0]
    return stream.read(size)


def write_message(stream, payload: bytes) -> None:
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()
