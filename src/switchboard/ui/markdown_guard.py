"""Counterpart markdown made safe to draw: remote images held back until the person allows
their host, and links whose scheme would run or forge a page (`javascript:`, `data:`) made
inert. It fails closed without trusting any one reading of the markdown: every image opener
`![` is kept only as a plain inline image from an allowed source, else neutralized (whatever
context a renderer's extensions would give it); a scheme that is not safe anywhere a link
could start (after entities and percent-escapes are decoded), or in a link a CommonMark parser
finds, leaves the whole text shown as typed."""

from __future__ import annotations

import hashlib
import html
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Schemes that run code or open a page the text makes up, wherever a link could start.
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "filesystem"})
INLINE_IMAGE = re.compile(r"data:image/[\w.+-]+[;,]", re.IGNORECASE)
# A plain inline image, read the same by any CommonMark renderer: nothing in its text or
# destination that escapes, decodes or nests (no brackets, backticks, `<`, `&`, `\`, `@`).
PLAIN_IMAGE = re.compile(
    r"(?<!\\)(?P<lead>(?:\\\\)*)!\[(?P<alt>[^\[\]`<&\\\n$]*)\]\("
    r"(?P<dest>[^\s()<>&\\@\"']+)(?:\s+\"[^\"\n&\\]*\")?\)"
)
OPENER = re.compile(r"(?<!\\)((?:\\\\)*)!\[")  # an `![` no backslash escapes
# Where a link's destination starts: after `](`, `]:` (a definition) or `<` (an autolink).
LINK_START = re.compile(r"(?:\]\(|\]:|<)<*([a-z][a-z0-9+.-]*):(image/)?", re.IGNORECASE)
PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
CACHED = 2048  # texts whose links were read, kept by digest (a page draws the same each rerun)


@dataclass(frozen=True)
class Guarded:
    """Markdown ready to draw, and the hosts whose images it holds back."""

    text: str
    blocked: tuple[str, ...] = ()
    flattened: bool = False  # a link that would run code: the whole text is shown as typed


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"maxNesting": 1000}).enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # see every link the browser would get
    return parser


PARSER = _parser()


def host_of(url: str) -> str | None:
    """`host[:port]` of an absolute or protocol-relative http(s) URL that every URL parser
    reads alike (no backslash, control character, space or user part); None otherwise."""
    if "\\" in url or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https", "") or not parts.hostname:
            return None
        if "@" in parts.netloc:
            return None
        return parts.hostname + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return None


def guard(text: str, allowed: Callable[[str], bool]) -> Guarded:
    """`text` with every image from a host `allowed` refuses held back (a note in its place)
    and, when a link would run code or open a forged page, the whole text made plain."""
    if _unsafe_links(text):
        return Guarded(flatten(text), flattened=True)
    if "![" not in text:
        return Guarded(text)
    held: dict[str, None] = {}

    def keep_or_hold(match: re.Match[str]) -> str:
        destination = match.group("dest")
        host = host_of(destination)
        if INLINE_IMAGE.match(destination) or (host is not None and allowed(host)):
            return match.group(0)
        if host is not None:
            held[host] = None
        alt = flatten(match.group("alt").strip()) or "image"
        where = host or "an address that is not a web host"
        return f"{match.group('lead')}🖼️ _{alt} (image from {where}, not loaded)_"

    pieces, last = [], 0
    for match in PLAIN_IMAGE.finditer(text):
        pieces += [_neutralized(text[last : match.start()]), keep_or_hold(match)]
        last = match.end()
    pieces.append(_neutralized(text[last:]))
    return Guarded("".join(pieces), tuple(held))


def flatten(text: str) -> str:
    """The text exactly as typed: every markdown character escaped."""
    return PUNCTUATION.sub(r"\\\1", text)


def _neutralized(text: str) -> str:
    """Every image opener in `text` made one no renderer reads (an entity for the `!`): the
    image is left as the link it names, which loads nothing until clicked."""
    return OPENER.sub(r"\1&#33;[", text)


def _unsafe_links(text: str) -> bool:
    """Whether a link or image in `text` has a scheme that is not safe to hand the browser:
    read from the decoded text wherever a link could start, and by a CommonMark parser."""
    if not any(mark in text for mark in ("](", "]:", "<", "[")):
        return False
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if digest in _SEEN:
        _SEEN.move_to_end(digest)
        return _SEEN[digest]
    # Decoded as a renderer and a browser would, controls and spaces (which browsers strip
    # or skip) gone: what is left of each link start is the scheme it would really have.
    decoded = re.sub(r"[\x00-\x20\x7f]", "", unquote(html.unescape(text)))
    unsafe = any(
        m.group(1).lower() in UNSAFE_SCHEMES and not (m.group(1).lower() == "data" and m.group(2))
        for m in LINK_START.finditer(decoded)
    )
    unsafe = unsafe or any(
        _scheme(url) in UNSAFE_SCHEMES and not INLINE_IMAGE.match(url) for url in _urls(text)
    )
    _SEEN[digest] = unsafe
    if len(_SEEN) > CACHED:
        _SEEN.popitem(last=False)
    return unsafe


_SEEN: OrderedDict[bytes, bool] = OrderedDict()


def _urls(text: str) -> Iterator[str]:
    """Every link target and image source a CommonMark parser finds in `text`."""
    for token in _inline(PARSER.parse(text)):
        if token.type == "image":
            yield str(token.attrs.get("src", ""))
        elif token.type == "link_open":
            yield str(token.attrs.get("href", ""))


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
