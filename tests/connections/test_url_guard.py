"""Where a connection entered in the UI may send requests: never to link-local or metadata
addresses, only to allowed hosts when the app is served beyond loopback, and every redirect
checked again (against real servers on loopback that redirect)."""

from __future__ import annotations

import asyncio
import ipaddress
import re

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route

from switchboard.connections.url_guard import (
    GuardedTransport,
    UrlGuard,
    UrlRefused,
    allowed_by_default,
    forbidden_address,
)
from switchboard.workspace import Workspace
from tests.support.servers import serve_app
from tests.support.turns import WAIT

ANYWHERE = UrlGuard()


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]:8080/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/latest/meta-data",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64
        "http://[2002:a9fe:a9fe::1]/",  # 6to4
    ],
)
def test_metadata_and_link_local_addresses_are_never_fetched(url: str) -> None:
    assert "never fetched" in (ANYWHERE.refusal(url) or "")
    with pytest.raises(Exception, match="never fetched"):
        asyncio.run(ANYWHERE.check(url))


def test_the_allow_list_takes_hosts_ports_and_wildcards() -> None:
    guard = UrlGuard(("agents.example.com", "*.internal.example.com", "10.0.0.5:8080", "[::1]"))
    allowed = [
        "https://agents.example.com/a2a",
        "http://agents.example.com:9999/",
        "https://mcp.internal.example.com/mcp",
        "http://10.0.0.5:8080/",
        "http://[::1]:7000/",
    ]
    refused = ["https://example.com/", "http://10.0.0.5/", "http://10.0.0.5:8081/", "http://x/"]
    assert [url for url in allowed if guard.refusal(url)] == []
    assert all("allowedHosts" in (guard.refusal(url) or "") for url in refused)
    assert ANYWHERE.refusal("http://10.1.2.3:5/") is None, "served on loopback: any host"


def test_the_default_list_is_the_configured_hosts_on_their_ports() -> None:
    urls = ["http://127.0.0.1:9999/", "https://API.openai.com/v1", "not a url", "http://[::1]"]
    allowed = allowed_by_default(urls)
    assert allowed == ("127.0.0.1:9999", "api.openai.com:443", "[::1]:80")
    guard = UrlGuard(allowed)
    assert guard.refusal("http://127.0.0.1:9999/other") is None
    assert guard.refusal("https://api.openai.com/v1/models") is None
    assert "allowedHosts" in (guard.refusal("http://127.0.0.1:6379/") or ""), "another port"


def test_a_forbidden_address_names_why() -> None:
    assert forbidden_address(ipaddress.ip_address("169.254.10.1"))
    assert forbidden_address(ipaddress.ip_address("127.0.0.1")) is None


def redirecting(to: str) -> Starlette:
    async def moved(_request: object) -> RedirectResponse:
        return RedirectResponse(to, status_code=302)

    return Starlette(routes=[Route("/{path:path}", moved)])


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("http://localhost:{port}/elsewhere", "localhost is not on this app's list"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254: a link-local address"),
    ],
)
def test_a_redirect_is_checked_again(workspace: Workspace, target: str, why: str) -> None:
    """An allowed agent URL whose card redirects to a host that is not allowed: the redirect
    is not followed, and the agent's error says why."""
    with serve_app(lambda base: redirecting(target.format(port=base.rsplit(":", 1)[1]))) as url:
        guard = UrlGuard(("127.0.0.1",))
        workspace.urls = guard
        view = workspace.new_agent(url, "ada@example.com").wait(WAIT)
    assert view.status == "failed" and why in view.error, view.error


class Connected:
    """What a transport reports about the connection it used: the address it reached."""

    def __init__(self, address: str) -> None:
        self.address = address

    def get_extra_info(self, name: str) -> object:
        return (self.address, 80) if name == "server_addr" else None


def test_a_name_that_connects_to_a_metadata_address_gets_no_answer_read() -> None:
    """The check before the request resolves the name; the connection may resolve it anew (DNS
    rebinding). The address really reached decides whether the answer is read."""

    def answer(request: httpx.Request) -> httpx.Response:
        reached = "169.254.169.254" if request.url.host == "rebound.test" else "127.0.0.1"
        return httpx.Response(200, text="secret", extensions={"network_stream": Connected(reached)})

    async def fetch(url: str) -> str:
        transport = GuardedTransport(httpx.MockTransport(answer), UrlGuard())
        async with httpx.AsyncClient(transport=transport) as client:
            return (await client.get(url)).text

    assert asyncio.run(fetch("http://127.0.0.1/")) == "secret"
    rebound = re.escape("connected to 169.254.169.254, a link-local address")
    with pytest.raises(UrlRefused, match=rebound):
        asyncio.run(fetch("http://rebound.test/"))
