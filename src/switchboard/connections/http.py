"""The per-agent `httpx.AsyncClient`: secrets pinned to one origin, bodies capped in size,
every exchange logged."""

from __future__ import annotations

import contextlib
import json
import re
import ssl
from collections.abc import AsyncIterator, Callable, Iterable, Mapping

import httpx

from switchboard.connections import compat_bytes
from switchboard.connections.deep_json import LenientStream
from switchboard.connections.redaction import MASK
from switchboard.connections.url_guard import GuardedTransport, UrlGuard
from switchboard.connections.wire import STREAM, Direction, Role, WireLog

Origin = tuple[str, str, int]

# No read timeout: SSE streams and blocking sends may be quiet for minutes (the SDK's own 5 s
# default kills them). Connecting and writing still time out.
TIMEOUT = httpx.Timeout(10.0, read=None)
# Many conversations stream from one agent at once: keep their connections for reuse.
LIMITS = httpx.Limits(max_connections=None, max_keepalive_connections=100)
MAX_BYTES = "switchboard.max_bytes"  # a request's own cap on its response (request extension)
PARSED_BODY = 65_536  # characters of a request body parsed for its JSON-RPC method
HEAD = 4096  # characters of a larger body searched for it
NAMED_METHOD = re.compile(r'"method"\s*:\s*"([^"\\]+)"')
WIRE_KEY = "switchboard.wire_key"  # the exchange a request was logged as (request extension)


class BodyTooLarge(httpx.DecodingError):
    """A response (or one event of a stream) was larger than it may be; it was not read."""

    def __init__(self, limit: int, url: httpx.URL) -> None:
        super().__init__(f"the answer from {url} is larger than {limit:,} bytes")
        self.limit = limit


def origin_of(url: str | httpx.URL) -> Origin:
    """(scheme, host, port) with the default port filled in, for same-origin checks."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, (parsed.host or "").lower(), port


def make_http_client(
    origin_url: str,
    headers: Mapping[str, str],
    wire: WireLog,
    max_body: int,
    guard: UrlGuard | None = None,
    tls: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """A client that adds `headers` only to requests for `origin_url`'s origin (also after
    redirects), refuses bodies over `max_body` bytes (a stream's events each), and logs every
    request and non-streaming response body to `wire`; with a `guard`, only to addresses it
    allows; with `tls`, connects to that origin with it (a client certificate goes nowhere
    else).

    Create it on the background loop: it belongs to the loop that first uses it.
    """
    inner: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport(limits=LIMITS)
    if tls is not None:
        own = httpx.AsyncHTTPTransport(limits=LIMITS, verify=tls)
        inner = ByOrigin(origin_of(origin_url), own, inner)
    if guard is not None:
        inner = GuardedTransport(inner, guard)

    def read_leniently(note: str) -> None:
        wire.record(Direction.WARNING, note)

    transport = PinnedHeadersTransport(
        origin_of(origin_url), headers, inner, max_body, read_leniently
    )

    hooks = WireHooks(wire, transport.origin, headers.keys())
    return httpx.AsyncClient(
        transport=transport,
        timeout=TIMEOUT,
        follow_redirects=True,
        event_hooks={"request": [hooks.request], "response": [hooks.response]},
    )


class WireHooks:
    """The client's event hooks: each request and its response logged as one exchange (a
    stream's events join it as they are read); the pinned headers masked."""

    def __init__(self, wire: WireLog, origin: Origin, pinned: Iterable[str]) -> None:
        self._wire, self._origin, self._pinned = wire, origin, tuple(pinned)

    async def request(self, request: httpx.Request) -> None:
        shown = dict(request.headers)
        if origin_of(request.url) == self._origin:
            shown.update({name: MASK for name in self._pinned})
        try:
            body = request.content.decode("utf-8", "replace")
        except httpx.RequestNotRead:  # a streamed body (a redirected request has one)
            body = "(a streamed body)"
        key = request.extensions[WIRE_KEY] = self._wire.new_key("http")
        title, method = f"{request.method} {request.url}", asked(request, body)
        self._wire.record_headers(
            Direction.REQUEST, title, shown, body, key=key, role=Role.CALL, method=method
        )

    async def response(self, response: httpx.Response) -> None:
        key = response.request.extensions.get(WIRE_KEY)
        if "text/event-stream" in response.headers.get("content-type", ""):
            body = "(event stream: each event is logged as it arrives)"
            STREAM.set(key)
        else:
            await response.aread()
            body = response.text
        title = f"{response.status_code} {response.reason_phrase} ← {response.request.url}"
        status = str(response.status_code)
        exchange = {"key": key, "role": Role.ANSWER, "status": status}
        self._wire.record_headers(
            Direction.RESPONSE, title, dict(response.headers), body, **exchange
        )


def asked(request: httpx.Request, body: str) -> str:
    """What a request asks, for the inspector: its JSON-RPC method, else method and path. A
    large body (a message with files) is not parsed on the loop: its head names the method."""
    method = None
    if body.startswith("{") and len(body) <= PARSED_BODY:
        with contextlib.suppress(ValueError):
            method = json.loads(body).get("method")
    elif body.startswith("{") and (named := NAMED_METHOD.search(body, 0, HEAD)) is not None:
        method = named.group(1)
    return method if isinstance(method, str) else f"{request.method} {request.url.path}"


class ByOrigin(httpx.AsyncBaseTransport):
    """Sends requests for one origin through `own`, all others through `other`."""

    def __init__(
        self, origin: Origin, own: httpx.AsyncBaseTransport, other: httpx.AsyncBaseTransport
    ) -> None:
        self._origin, self._own, self._other = origin, own, other

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chosen = self._own if origin_of(request.url) == self._origin else self._other
        return await chosen.handle_async_request(request)

    async def aclose(self) -> None:
        await self._own.aclose()
        await self._other.aclose()


class PinnedHeadersTransport(httpx.AsyncBaseTransport):
    """Adds the configured headers to a request only when it goes to the configured origin,
    and caps the size of what comes back.

    Working at the transport seam covers every request the client sends, redirects included, so
    a card that names another host, or a redirect elsewhere, never receives the credentials.
    """

    def __init__(
        self,
        origin: Origin,
        headers: Mapping[str, str],
        inner: httpx.AsyncBaseTransport,
        max_body: int,
        read_leniently: Callable[[str], None] = lambda note: None,
    ) -> None:
        self.origin = origin
        self._headers = dict(headers)
        self._inner = inner
        self._max_body = max_body
        self._read_leniently = read_leniently

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._headers and origin_of(request.url) == self.origin:
            # A copy: httpx builds a redirect from the original request's headers.
            headers = httpx.Headers(request.headers)
            headers.update(self._headers)
            request = httpx.Request(
                request.method,
                request.url,
                headers=headers,
                stream=request.stream,
                extensions=request.extensions,
            )
        mend_bytes = compat_bytes.applies(request)
        if mend_bytes:
            request = compat_bytes.outgoing(request)
        response = await self._inner.handle_async_request(request)
        limit = int(request.extensions.get(MAX_BYTES, self._max_body))
        content_type = response.headers.get("content-type", "")
        events = "text/event-stream" in content_type
        stream: httpx.AsyncByteStream = CappedStream(
            response.stream, limit, request.url, per_event=events
        )
        if events or "json" in content_type:
            stream = LenientStream(stream, events, self._read_leniently, mend_bytes)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=stream,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class CappedStream(httpx.AsyncByteStream):
    """A response body that stops with BodyTooLarge past `limit` bytes (for an event stream,
    past `limit` bytes in one event), so a counterpart cannot fill the memory."""

    def __init__(
        self, inner: httpx.AsyncByteStream, limit: int, url: httpx.URL, per_event: bool
    ) -> None:
        self._inner = inner
        self._limit = limit
        self._url = url
        self._per_event = per_event

    async def __aiter__(self) -> AsyncIterator[bytes]:
        counted = 0
        async for chunk in self._inner:
            counted += len(chunk)
            if self._per_event:
                end = max(chunk.rfind(b"\n\n"), chunk.rfind(b"\r\n\r\n"))
                if end >= 0:
                    counted = len(chunk) - end
            if counted > self._limit:
                raise BodyTooLarge(self._limit, self._url)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()
