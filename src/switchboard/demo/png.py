"""A tiny, dependency-free PNG encoder for the demo agent's picture."""

import struct
import zlib


def render_badge(width: int = 96, height: int = 96) -> bytes:
    """Return an RGB PNG: a diagonal blue-to-purple gradient with a ringed orange sun."""
    if width < 1 or height < 1:
        raise ValueError("width and height must be positive")
    cx, cy, radius = (width - 1) / 2, (height - 1) / 2, min(width, height) * 0.3
    span = max(width + height - 2, 1)
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type 0: the row's bytes follow unchanged
        for x in range(width):
            d = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
            if d <= radius:
                rows += bytes((255, 200 - int(80 * d / radius), 40))
            elif d <= radius + max(min(width, height) // 24, 1):
                rows += b"\xff\xff\xff"
            else:
                t = (x + y) / span
                rows += bytes((int(30 + 140 * t), int(110 - 70 * t), int(220 - 60 * t)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
