"""Media that libraries refuse and browsers show, for tests of what a page can take."""

from __future__ import annotations

import struct
import zlib

from switchboard.demo.png import render_badge

PNG_SIGNATURE_AND_HEADER = 8 + 8 + 13 + 4  # signature, IHDR (length, type, data, CRC)


def odd_png() -> bytes:
    """A small PNG with an iCCP chunk whose CRC is wrong (like server-everything's tiny
    image): Pillow cannot identify it, browsers draw it."""
    png = render_badge(16, 16)
    icc = b"icc\x00\x00" + zlib.compress(b"not a profile")
    chunk = struct.pack(">I", len(icc)) + b"iCCP" + icc + b"\x00\x00\x00\x00"
    return png[:PNG_SIGNATURE_AND_HEADER] + chunk + png[PNG_SIGNATURE_AND_HEADER:]


def svg() -> bytes:
    """A small SVG drawing."""
    return b'<svg width="10" height="10"><rect width="10" height="10"/></svg>'
