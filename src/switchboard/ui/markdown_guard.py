"""Counterpart markdown made safe to draw: remote images held back until the person allows
their host, and links whose scheme would run or forge a page (`javascript:`, `data:`) made
inert. What the browser will do is decided by a CommonMark parser, not by patterns, so a
trick the rewriting misses is caught by the check after it and the text falls back to plain."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
INLINE_IMAGE = re.compile(r"data:image/[\w.+-]+[;,]", re.IGNORECASE)
# An inline image whose text and destination are plain; anything fancier is escaped instead.
IMAGE = re.compile(
    r"!\[(?P<alt>[^\[\]`<\\\n]*)\]\(\s*(?P<dest><[^<>\n]*>|[^\s()<>]+)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
)
UNESCAPED_IMAGE = re.compile(r"(?<!\\)((?:\\\\)*)!\[")
PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class Guarded:
    """Markdown ready to draw, and the hosts whose images it holds back."""

    text: str
    blocked: tuple[str, ...] = ()
    flattened: bool = False  # a link that would run code: the whole text is shown as typed


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # see every link the browser would get
    return parser


PARSER = _parser()


def host_of(url: str) -> str | None:
    """`host[:port]` of an absolute or protocol-relative http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https", "") or not parts.hostname:
            return None
        return parts.hostname + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return None


def guard(text: str, allowed: Callable[[str], bool]) -> Guarded:
    """`text` with every image from a host `allowed` refuses held back (a note in its place)
    and, when a link would run code or open a forged page, the whole text made plain."""
    found = _findings(text, allowed)
    if found.unsafe:
        return Guarded(flatten(text), found.hosts, flattened=True)
    if not found.held:
        return Guarded(text)
    for rewrite in (_placeholders, _unimaged):
        text = rewrite(text, allowed)
        after = _findings(text, allowed)
        if not after.held and not after.unsafe:
            return Guarded(text, found.hosts)
    return Guarded(flatten(text), found.hosts, flattened=True)


def flatten(text: str) -> str:
    """The text exactly as typed: every markdown character escaped."""
    return PUNCTUATION.sub(r"\\\1", text)


@dataclass
class _Findings:
    hosts: tuple[str, ...] = ()  # hosts of images that would be fetched without leave
    held: bool = False  # any image to hold back (a relative one has no host to allow)
    unsafe: bool = False  # a link or image whose scheme is not safe to hand the browser


def _findings(text: str, allowed: Callable[[str], bool]) -> _Findings:
    """What the browser would fetch or follow in `text`, as a CommonMark parser reads it."""
    found, hosts = _Findings(), dict[str, None]()
    for kind, url in _urls(text):
        if kind == "image":
            host = host_of(url)
            if INLINE_IMAGE.match(url) or (host is not None and allowed(host)):
                continue
            found.held = True
            if host is not None:
                hosts[host] = None
            found.unsafe |= host is None and _scheme(url) not in ("", *SAFE_LINK_SCHEMES)
        else:
            found.unsafe |= _scheme(url) not in ("", *SAFE_LINK_SCHEMES)
    found.hosts = tuple(hosts)
    return found


@functools.lru_cache(maxsize=4096)
def _urls(text: str) -> tuple[tuple[str, str], ...]:
    """Every image source and link target in `text` (parsed once per text: a page draws the
    same turns on every rerun). Without `[` or `<` there can be neither."""
    if "[" not in text and "<" not in text:
        return ()
    found = []
    for token in _inline(PARSER.parse(text)):
        if token.type == "image":
            found.append(("image", str(token.attrs.get("src", ""))))
        elif token.type == "link_open":
            found.append(("link", str(token.attrs.get("href", ""))))
    return tuple(found)


def _scheme(url: str) -> str:
    """The scheme a browser could see: it drops tabs and newlines anywhere, controls before
    (read after percent-decoding, as a renderer that does not encode them would pass them)."""
    cleaned = re.sub(r"[\t\n\r]", "", unquote(url)).lstrip("".join(map(chr, range(33))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def _inline(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _inline(token.children)


def _placeholders(text: str, allowed: Callable[[str], bool]) -> str:
    """Each plain inline image from a refused host replaced by a note naming the host."""

    def hold(match: re.Match[str]) -> str:
        destination = match.group("dest").strip("<>")
        host = host_of(destination)
        if INLINE_IMAGE.match(destination) or (host is not None and allowed(host)):
            return match.group(0)
        alt = flatten(match.group("alt").strip()) or "image"
        return f"🖼️ _{alt} (image from {host or 'a relative address'}, not loaded)_"

    return IMAGE.sub(hold, text)


def _unimaged(text: str, allowed: Callable[[str], bool]) -> str:
    """Every image opener escaped: images the first rewrite could not read become links."""
    return UNESCAPED_IMAGE.sub(r"\1\\![", text)
