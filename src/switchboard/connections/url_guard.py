"""Where a connection someone entered in the UI may send requests. Served for a team, the app
would otherwise fetch any address its users type (an agent URL, an MCP URL, a model's base
URL) and show the body in the Inspector. Every request is checked, redirects and the
endpoints a card names included: link-local and cloud-metadata addresses are always refused,
and when the app listens beyond loopback, hosts must be on the allow list."""

from __future__ import annotations

import fnmatch
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx
import httpx2

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud instance-metadata services that are not in a link-local range, and their names.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog", "instance-data"})
ALLOW_HINT = "An admin can add the host to `allowedHosts` in the config file."


class UrlRefused(Exception):
    """A request to an address this connection may not reach; the message says why."""


@dataclass(frozen=True)
class UrlGuard:
    """The hosts UI-entered connections may reach: `allowed` patterns (`host`, `host:port`,
    `*.example.com`, `*`), or None for any host (the app listens on loopback only)."""

    allowed: tuple[str, ...] | None = None

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be fetched, from the URL alone (no name lookup); None if it may."""
        try:
            parts = urlsplit(url)
            host, port = (parts.hostname or "").lower().rstrip("."), parts.port
        except ValueError:
            return f"{url!r} is not a URL this app can fetch."
        if not host:
            return f"{url!r} names no host."
        if host in METADATA_NAMES:
            return f"{host} is a cloud metadata service: never fetched."
        literal = _address(host)
        if literal is not None and (reason := forbidden_address(literal)):
            return f"{host}: {reason}"
        if self.allowed is not None and not self.permits(host, port or _default_port(parts)):
            return f"{host} is not on this app's list of allowed hosts. {ALLOW_HINT}"
        return None

    def permits(self, host: str, port: int) -> bool:
        """Whether `host` on `port` matches an allowed pattern."""
        for pattern in self.allowed or ("*",):
            wanted_host, wanted_port = _pattern(pattern.lower())
            if fnmatch.fnmatchcase(host, wanted_host) and wanted_port in (None, port):
                return True
        return False

    async def check(self, url: str) -> None:
        """UrlRefused unless `url` may be fetched, its host's addresses looked up and checked."""
        reason = self.refusal(url)
        if reason is None:
            reason = await _resolved_refusal(url)
        if reason is not None:
            raise UrlRefused(reason)


def forbidden_address(address: IPAddress) -> str | None:
    """Why an address is never fetched (link-local, cloud metadata), or None; an IPv6 address
    that carries an IPv4 one (mapped, NAT64, 6to4, Teredo) is judged by that too."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = _carried_ipv4(address)
        if carried is not None and (reason := forbidden_address(carried)):
            return reason
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address: never fetched."
    if address.is_link_local:
        return "a link-local address (where cloud metadata services live): never fetched."
    return None


def allowed_by_default(urls: list[str]) -> tuple[str, ...]:
    """`host:port` of each configured connection's URL (a configured host's other ports may
    be services no one meant to offer)."""
    hosts: dict[str, None] = {}
    for url in urls:
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port or _default_port(parts)
        except ValueError:
            continue
        if host:
            host = host.lower()
            hosts[f"[{host}]:{port}" if ":" in host else f"{host}:{port}"] = None
    return tuple(hosts)


def _carried_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _pattern(pattern: str) -> tuple[str, int | None]:
    """`host`, `host:port`, `[v6]` or `[v6]:port` → (host pattern, port or None)."""
    if pattern.startswith("["):
        host, _, rest = pattern[1:].partition("]")
        return host, int(rest[1:]) if rest[1:].isdigit() else None
    host, colon, port = pattern.rpartition(":")
    if colon and port.isdigit() and ":" not in host:
        return host, int(port)
    return pattern, None


def _default_port(parts: Any) -> int:
    return 443 if parts.scheme == "https" else 80


def _address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def _resolved_refusal(url: str) -> str | None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _address(host) is not None:
        return None
    try:
        found = await anyio.getaddrinfo(host, parts.port or 0, type=socket.SOCK_STREAM)
    except OSError:  # the request itself fails and says so
        return None
    for *_, address in found:
        if reason := forbidden_address(ipaddress.ip_address(str(address[0]).split("%")[0])):
            return f"{host} resolves to {address[0]}, {reason}"
    return None


class _Guarding:
    """Checks each request (redirects too: the client sends each hop through here)."""

    refused: type[Exception]

    def __init__(self, inner: Any, guard: UrlGuard) -> None:
        self._inner = inner
        self._guard = guard

    async def handle_async_request(self, request: Any) -> Any:
        try:
            await self._guard.check(str(request.url))
        except UrlRefused as exc:
            raise self.refused(str(exc), request=request) from None
        response = await self._inner.handle_async_request(request)
        # The address really connected to (a name may resolve anew for the connection): its
        # answer is not read when it is one never fetched.
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        reason = forbidden_address(ipaddress.ip_address(peer[0].split("%")[0])) if peer else None
        if reason is not None:
            await response.aclose()
            raise self.refused(
                f"{request.url.host} connected to {peer[0]}, {reason}", request=request
            )
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class Refused(UrlRefused, httpx.TransportError):
    """A refused request, as httpx (the A2A client) raises errors."""


class Refused2(UrlRefused, httpx2.TransportError):
    """A refused request, as httpx2 (the MCP and OpenAI clients) raises errors."""


class GuardedTransport(_Guarding, httpx.AsyncBaseTransport):
    """An httpx transport that refuses what the guard refuses."""

    refused = Refused


class GuardedTransport2(_Guarding, httpx2.AsyncBaseTransport):
    """An httpx2 transport that refuses what the guard refuses."""

    refused = Refused2
