"""The per-agent `httpx.AsyncClient`: secrets pinned to one origin, every exchange logged."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from switchboard.connections.redaction import MASK
from switchboard.connections.wire import Direction, WireLog

Origin = tuple[str, str, int]

# No read timeout: SSE streams and blocking sends may be quiet for minutes (the SDK's own 5 s
# default kills them). Connecting and writing still time out.
TIMEOUT = httpx.Timeout(10.0, read=None)
# Many conversations stream from one agent at once: keep their connections for reuse.
LIMITS = httpx.Limits(max_connections=None, max_keepalive_connections=100)


def origin_of(url: str | httpx.URL) -> Origin:
    """(scheme, host, port) with the default port filled in, for same-origin checks."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, (parsed.host or "").lower(), port


def make_http_client(
    origin_url: str, headers: Mapping[str, str], wire: WireLog
) -> httpx.AsyncClient:
    """A client that adds `headers` only to requests for `origin_url`'s origin (also after
    redirects), and logs every request and non-streaming response body to `wire`.

    Create it on the background loop: it belongs to the loop that first uses it.
    """
    inner = httpx.AsyncHTTPTransport(limits=LIMITS)
    transport = PinnedHeadersTransport(origin_of(origin_url), headers, inner)

    async def log_request(request: httpx.Request) -> None:
        shown = dict(request.headers)
        if origin_of(request.url) == transport.origin:
            shown.update({name: MASK for name in headers})
        body = request.content.decode("utf-8", "replace") if request.content else ""
        wire.record_headers(Direction.REQUEST, f"{request.method} {request.url}", shown, body)

    async def log_response(response: httpx.Response) -> None:
        body = ""
        if "text/event-stream" in response.headers.get("content-type", ""):
            body = "(event stream: each event is logged as it arrives)"
        else:
            await response.aread()
            body = response.text
        title = f"{response.status_code} {response.reason_phrase} ← {response.request.url}"
        wire.record_headers(Direction.RESPONSE, title, dict(response.headers), body)

    return httpx.AsyncClient(
        transport=transport,
        timeout=TIMEOUT,
        follow_redirects=True,
        event_hooks={"request": [log_request], "response": [log_response]},
    )


class PinnedHeadersTransport(httpx.AsyncBaseTransport):
    """Adds the configured headers to a request only when it goes to the configured origin.

    Working at the transport seam covers every request the client sends, redirects included, so
    a card that names another host, or a redirect elsewhere, never receives the credentials.
    """

    def __init__(
        self, origin: Origin, headers: Mapping[str, str], inner: httpx.AsyncBaseTransport
    ) -> None:
        self.origin = origin
        self._headers = dict(headers)
        self._inner = inner

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
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
