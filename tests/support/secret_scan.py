"""Looking for secrets where they must never be: every file under a directory (the database,
the journal, exports, logs) and any text (the inspector's entries, a page), each secret also
in the encodings a leak would take (base64, URL-encoded, JSON-escaped)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote


def spellings(secret: str) -> set[bytes]:
    """`secret` as it might be written down by mistake."""
    raw = secret.encode()
    return {
        raw,
        base64.b64encode(raw).rstrip(b"="),
        base64.urlsafe_b64encode(raw).rstrip(b"="),
        quote(secret, safe="").encode(),
        json.dumps(secret)[1:-1].encode(),
    }


def leaks(
    secrets: Iterable[str], places: Iterable[Path] = (), texts: Iterable[str] = ()
) -> list[str]:
    """Where any of `secrets` (at least 8 characters each) turns up: "path: secret[:6]…" for
    files under `places`, "text N: …" for `texts`; [] when nowhere."""
    wanted = {secret: spellings(secret) for secret in secrets if len(secret) >= 8}
    found: list[str] = []
    files = [p for place in places for p in ([place] if place.is_file() else place.rglob("*"))]
    for path in (p for p in files if p.is_file()):
        content = path.read_bytes()
        found += [f"{path}: {s[:6]}…" for s, forms in wanted.items() if _has(content, forms)]
    for number, text in enumerate(texts):
        content = text.encode()
        found += [f"text {number}: {s[:6]}…" for s, forms in wanted.items() if _has(content, forms)]
    return found


def _has(content: bytes, forms: set[bytes]) -> bool:
    return any(form and form in content for form in forms)
