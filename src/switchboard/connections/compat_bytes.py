"""A workaround for a2a-sdk's v0.3 HTTP+JSON client, which base64-encodes file bytes twice.

Its `compat.v0_3.proto_utils` turns the v0.3 model's bytes (already base64 text) into the
proto's `bytes` field as that text's UTF-8, which protobuf JSON base64-encodes again on the way
out; on the way in it decodes the proto bytes as UTF-8 text and then as base64. So an agent
gets the base64 text of a file instead of the file, and a file an agent sends (not UTF-8, or
not base64 once decoded) breaks the turn. On the wire of a v0.3 request (`A2A-Version: 0.3`)
`fileWithBytes` is decoded once more going out and encoded once more coming in, so what the SDK
does cancels out. Only while the installed SDK still does it (checked once, at import).

An agent served by the same SDK encodes twice itself: bytes that are base64 text once decoded
are taken as that (the SDK reads them right) and noted; a file that truly is base64 text of
a length divisible by four would be misread, which is the price of reading both. The demo
agent, served by that SDK, mends its own side with the same two functions (`demo.v03_bytes`).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

import httpx

VERSION_HEADER = "a2a-version"
# A v0.3 proto FilePart's bytes, in either spelling protobuf JSON allows (values are base64).
FILE_BYTES = re.compile(rb'("(?:fileWithBytes|file_with_bytes)"\s*:\s*")([A-Za-z0-9+/=_\-\\]*)"')
MARKER_NAMES = (b"fileWithBytes", b"file_with_bytes")


def _sdk_encodes_twice() -> bool:
    """Whether the installed SDK's v0.3 proto conversion keeps base64 text as the bytes."""
    try:
        from a2a.compat.v0_3 import proto_utils, types  # an optional SDK module

        converted = proto_utils.ToProto.file(types.FileWithBytes(bytes="AA=="))
    except Exception:  # a newer SDK without it, or with another shape: nothing to undo
        return False
    return bool(converted.file_with_bytes == b"AA==")


ENCODES_TWICE = _sdk_encodes_twice()


def applies(request: httpx.Request) -> bool:
    """Whether `request` is a v0.3 request whose file bytes need mending."""
    return ENCODES_TWICE and request.headers.get(VERSION_HEADER, "").startswith("0.")


def has_file_bytes(body: bytes) -> bool:
    """Whether `body` may hold a v0.3 proto file part's bytes."""
    return any(name in body for name in MARKER_NAMES)


def outgoing(request: httpx.Request) -> httpx.Request:
    """`request` with each file's bytes decoded once more (so the agent gets the file)."""
    try:
        body = request.content
    except httpx.RequestNotRead:  # a streamed body: the SDK never sends one
        return request
    if not has_file_bytes(body):
        return request
    mended = decode_once(body)
    headers = httpx.Headers(request.headers)
    headers.pop("content-length", None)
    return httpx.Request(
        request.method, request.url, headers=headers, content=mended, extensions=request.extensions
    )


TWICE_NOTE = (
    "The agent sent file bytes base64-encoded twice (as a2a-sdk's v0.3 HTTP+JSON does); "
    "they were read as the file they encode."
)


def decode_once(body: bytes) -> bytes:
    """`body` with each file's bytes that are base64 twice decoded once (others as they are)."""
    return FILE_BYTES.sub(_decoded_once, body) if has_file_bytes(body) else body


def encode_once(body: bytes, noticed: Callable[[str], None]) -> bytes:
    """`body` (a response, events, or for the demo agent a request) with each file's bytes
    encoded once more, so the SDK's two decodings give the file back; unless they were encoded
    twice already (`noticed` is told)."""
    if not has_file_bytes(body):
        return body
    twice = 0

    def encoded_once(match: re.Match[bytes]) -> bytes:
        nonlocal twice
        value = match.group(2).replace(b"\\", b"")
        if _is_base64(value) and _is_base64(base64.b64decode(value)):
            twice += 1
            return match.group(0)
        return match.group(1) + base64.b64encode(value) + b'"'

    mended = FILE_BYTES.sub(encoded_once, body)
    if twice:
        noticed(TWICE_NOTE)
    return mended


def _is_base64(value: bytes) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(value)


def _decoded_once(match: re.Match[bytes]) -> bytes:
    value = match.group(2).replace(b"\\", b"")
    if not _is_base64(value) or not _is_base64(inner := base64.b64decode(value)):
        return match.group(0)  # not what the SDK makes: left as it is
    return match.group(1) + inner + b'"'
