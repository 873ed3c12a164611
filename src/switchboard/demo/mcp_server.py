"""The bundled demo MCP server: a tool, resource or prompt for each feature an MCP client needs.

It serves stdio (the default), streamable HTTP at ``/mcp`` and SSE at ``/sse``, and answers both
protocol eras: handshake (``initialize``, up to 2025-11-25) and 2026-07-28 (``server/discover``).
Elicitation, sampling and roots go through ``Resolve(...)``, so they work in either era.
"""

import asyncio
import base64
import contextlib
import io
import json
import math
import os
import re
import socket
import struct
import time
import warnings
import wave
from collections.abc import Callable, Iterator
from typing import Annotated, Literal

import uvicorn
from mcp.server import MCPServer
from mcp.server.mcpserver import Context, Elicit, ElicitationResult, ListRoots, Resolve, Sample
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp.shared.message import ServerMessageMetadata
from mcp_types import (
    AudioContent,
    BlobResourceContents,
    Completion,
    CompletionArgument,
    CompletionContext,
    CreateMessageRequest,
    CreateMessageResult,
    EmbeddedResource,
    ImageContent,
    ListRootsRequest,
    ListRootsResult,
    PromptReference,
    ResourceLink,
    ResourceTemplateReference,
    SamplingMessage,
    TextContent,
    TextResourceContents,
    ToolAnnotations,
)
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from pydantic import BaseModel, Field
from starlette.applications import Starlette

from switchboard import __version__
from switchboard.demo.png import render_badge

NAME = "Switchboard Demo MCP"
NAMES = ["Ada", "Alan", "Barbara", "Grace", "Linus", "Margaret", "Tim"]
LANGUAGES = ["bash", "c", "cpp", "go", "java", "javascript", "python", "ruby", "rust", "typescript"]
INSTRUCTIONS = """\
Switchboard's demo MCP server: each tool, resource and prompt shows one MCP feature.
Tools:
- add: plain call, structured output ({"result": n}), read-only annotation.
- count: progress notifications and info log messages each step; cancel it mid-call.
- greet: elicitation, a form (name, age with a default, formal/casual); accept, decline or cancel.
- summarize: sampling, the server asks the client's LLM to summarize your text.
- list_roots: asks the client for its roots.
- add_tool: adds a tool at runtime and announces tools/list_changed.
- structured: structured content with an output schema, beside the JSON text.
- image: a PNG image with a text caption. audio: a short WAV tone.
- resource_link: links to resources. embedded_resource: embedded text and binary resources.
- fail: a tool error (is_error). crash: the server process exits mid-call.
- garbage: writes a non-JSON line to stdout (over stdio: onto the wire), then answers normally.
Resources: demo://readme (markdown), demo://config (JSON), demo://badge.png (binary PNG);
template greeting://{name} with name completion. Prompt: review(code, language) with language
completion.
"""
README = f"""\
# {NAME}

Every tool, resource and prompt here exercises one thing an MCP client must support.

| Tool | What it shows |
|---|---|
| `add` | A plain call with structured output (`{{"result": n}}`) and a read-only annotation |
| `count` | Progress notifications and info log messages, one per step; cancel it mid-call |
| `greet` | Elicitation: a form with a name, an age (default 30) and a formal/casual choice |
| `summarize` | Sampling: the server asks *your* LLM for a summary and names the model |
| `list_roots` | Roots: the server asks which directories or URIs the client exposes |
| `add_tool` | A tool added at runtime, announced with a tools list-changed notification |
| `structured` | Structured content with an output schema, beside the JSON text |
| `image`, `audio` | A PNG image and a WAV tone, each with a caption |
| `resource_link` | Links to resources the client can read |
| `embedded_resource` | A text and a binary resource embedded in the result |
| `fail` | A tool error: the result has `is_error` set |
| `crash` | The server process exits mid-call (try reconnecting) |
| `garbage` | A non-JSON line on stdout (over stdio, on the wire), then a normal answer |

Resources: `demo://readme` (this text), `demo://config` (JSON), `demo://badge.png` (a binary PNG).
The template `greeting://{{name}}` completes `name`; the prompt `review(code, language)` completes
`language`.

Elicitation, sampling and roots work in both protocol eras: as requests from the server during
the call (handshake era, up to 2025-11-25) or as `input_required` rounds (2026-07-28).
"""


class Guest(BaseModel):
    """The form `greet` asks the user to fill in."""

    name: str = Field(description="Your name")
    age: int = Field(30, ge=0, le=150, description="Your age in years")
    style: Literal["formal", "casual"] = Field("casual", description="How to greet you")


class Forecast(BaseModel):
    """The structured result of the `structured` tool (a made-up, deterministic forecast)."""

    city: str = Field(description="The city asked about")
    temperature_c: float = Field(description="Temperature now, in degrees Celsius")
    conditions: Literal["sunny", "cloudy", "rainy", "windy"]
    next_hours_c: list[float] = Field(description="Temperatures for the next four hours")


def build_server(*, stdout_fd: int | None = None) -> MCPServer:
    """Build the demo server; ``stdout_fd`` is where `garbage` writes (default: fd 1)."""
    server = MCPServer(NAME, instructions=INSTRUCTIONS, version=__version__, log_level="WARNING")
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    @server.tool(title="Add two numbers", annotations=read_only)
    def add(a: int, b: int) -> int:
        """Add two integers; the result also comes back as structured content."""
        return a + b

    @server.tool(
        title="Count with progress",
        annotations=read_only,
        structured_output=False,
        description="Count to `steps`, one step every `delay` seconds, reporting progress and "
        "logging each step at info level. Cancel it to stop early.",
    )
    async def count(
        ctx: Context,
        steps: Annotated[int, Field(ge=1, le=1000, description="How many steps")] = 10,
        delay: Annotated[float, Field(ge=0, le=10, description="Seconds per step")] = 0.2,
    ) -> str:
        started = time.monotonic()
        for i in range(1, steps + 1):
            await asyncio.sleep(delay)
            await ctx.report_progress(i, steps, f"step {i} of {steps}")
            await _log(ctx, f"count: step {i} of {steps}")
        return f"Counted to {steps} in {time.monotonic() - started:.1f} s."

    @server.tool(
        title="Greet me (elicitation)",
        annotations=read_only,
        structured_output=False,
        description="Ask you for your name, age and preferred style with a form (elicitation), "
        "then greet you. Declining or cancelling the form is fine too.",
    )
    def greet(answer: Annotated[ElicitationResult[Guest], Resolve(_ask_guest)]) -> str:
        if answer.action == "decline":
            return "You declined to tell me who you are. Hello anyway, stranger!"
        if answer.action == "cancel":
            return "You cancelled the form, so there is nobody to greet."
        guest = answer.data
        if guest.style == "formal":
            return f"Good day, {guest.name}. It is an honour to greet you at {guest.age}."
        return f"Hey {guest.name}! {guest.age} looks good on you."

    @server.tool(
        title="Summarize (sampling)",
        annotations=read_only,
        structured_output=False,
        description="Ask the client's LLM to summarize `text` (sampling) and show which model "
        "answered.",
    )
    def summarize(
        text: Annotated[str, Field(min_length=1, description="The text to summarize")],
        summary: Annotated[CreateMessageResult | str, Resolve(_sample_summary)],
    ) -> str:
        if isinstance(summary, str):
            return summary
        return f"{_content_text(summary.content)}\n\n(summarized by {summary.model})"

    @server.tool(title="List the client's roots", annotations=read_only, structured_output=False)
    def list_roots(roots: Annotated[ListRootsResult | str, Resolve(_ask_roots)]) -> str:
        """Ask the client for its roots (the directories or URIs it exposes) and list them."""
        if isinstance(roots, str):
            return roots
        if not roots.roots:
            return "The client has no roots."
        return "\n".join(f"- {root.name or root.uri}: {root.uri}" for root in roots.roots)

    @server.tool(
        title="Add a tool at runtime",
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False),
        structured_output=False,
        description="Add a tool called `name` to this server and announce tools/list_changed; "
        "the client should list tools again and show it.",
    )
    async def add_tool(
        ctx: Context,
        name: Annotated[
            str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The new tool's name")
        ],
    ) -> str:
        if any(tool.name == name for tool in await server.list_tools()):
            return f"There is already a tool called {name}."
        server.add_tool(
            _runtime_tool(name),
            name=name,
            title=f"Runtime tool {name}",
            description="A tool added at runtime by add_tool. It answers with a greeting.",
            annotations=read_only,
        )
        await ctx.notify_tools_changed()  # 2026-07-28: subscriptions/listen
        if ctx.protocol_version in HANDSHAKE_PROTOCOL_VERSIONS:
            await ctx.session.send_tool_list_changed()  # notifications/tools/list_changed
        return f"Added the tool {name}; the tool list has changed."

    @server.tool(title="Structured result", annotations=read_only)
    def structured(
        city: Annotated[str, Field(description="Any city name")] = "Lisbon",
    ) -> Forecast:
        """Return a made-up forecast as structured content with an output schema, plus JSON text."""
        return _forecast(city)

    @server.tool(title="Image", annotations=read_only)
    def image(
        size: Annotated[int, Field(ge=8, le=512, description="Width and height in pixels")] = 64,
    ) -> list[ImageContent | TextContent]:
        """Return a PNG badge of `size` x `size` pixels (image content) and a text caption."""
        png = base64.b64encode(render_badge(size, size)).decode()
        return [
            ImageContent(type="image", data=png, mime_type="image/png"),
            TextContent(type="text", text=f"A {size}x{size} badge drawn by the demo server."),
        ]

    @server.tool(title="Audio", annotations=read_only)
    def audio(
        frequency: Annotated[int, Field(ge=50, le=4000, description="Tone in Hz")] = 440,
    ) -> list[AudioContent | TextContent]:
        """Return a 0.2 s sine tone as WAV audio content, with a caption."""
        wav = base64.b64encode(_tone(frequency)).decode()
        return [
            AudioContent(type="audio", data=wav, mime_type="audio/wav"),
            TextContent(type="text", text=f"A 0.2 s, {frequency} Hz tone."),
        ]

    @server.tool(title="Resource links", annotations=read_only)
    def resource_link() -> list[TextContent | ResourceLink]:
        """Return links to the demo://readme and demo://badge.png resources (resource_link)."""
        return [
            TextContent(type="text", text="Two resources you can open or read:"),
            ResourceLink(
                type="resource_link",
                uri="demo://readme",
                name="readme",
                title="Demo README",
                description="What each feature of this server demonstrates",
                mime_type="text/markdown",
            ),
            ResourceLink(
                type="resource_link",
                uri="demo://badge.png",
                name="badge",
                title="Demo badge",
                mime_type="image/png",
            ),
        ]

    @server.tool(title="Embedded resources", annotations=read_only)
    def embedded_resource() -> list[TextContent | EmbeddedResource]:
        """Return demo://config embedded as text and demo://badge.png embedded as a binary blob."""
        return [
            TextContent(type="text", text="The demo config and badge, embedded in the result:"),
            EmbeddedResource(
                type="resource",
                resource=TextResourceContents(
                    uri="demo://config", mime_type="application/json", text=_config_json()
                ),
            ),
            EmbeddedResource(
                type="resource",
                resource=BlobResourceContents(
                    uri="demo://badge.png",
                    mime_type="image/png",
                    blob=base64.b64encode(render_badge(32, 32)).decode(),
                ),
            ),
        ]

    @server.tool(title="Fail", annotations=read_only, structured_output=False)
    def fail(
        message: Annotated[str, Field(description="The error text")] = "This tool always fails.",
    ) -> str:
        """Raise an error, so the result comes back with is_error set and `message` as its text."""
        raise ToolError(message)

    @server.tool(
        title="Crash the server",
        annotations=ToolAnnotations(destructive_hint=True, open_world_hint=False),
        structured_output=False,
    )
    def crash() -> str:
        """Exit the server process mid-call (exit code 3), to try reconnecting."""
        os._exit(3)

    @server.tool(title="Garbage on stdout", annotations=read_only, structured_output=False)
    def garbage() -> str:
        """Write a non-JSON line to stdout (the wire, over stdio), then answer normally."""
        os.write(1 if stdout_fd is None else stdout_fd, b"this line is not JSON-RPC {oops\n")
        return "I wrote a line of garbage to stdout; if you can read this, the client coped."

    @server.resource("demo://readme", name="readme", title="Demo README", mime_type="text/markdown")
    def readme() -> str:
        """What each tool, resource and prompt of this server demonstrates."""
        return README

    @server.resource(
        "demo://config", name="config", title="Demo config", mime_type="application/json"
    )
    def config() -> str:
        """The server's settings, as JSON."""
        return _config_json()

    @server.resource("demo://badge.png", name="badge", title="Demo badge", mime_type="image/png")
    def badge() -> bytes:
        """A 96x96 PNG badge (a binary resource)."""
        return render_badge(96, 96)

    @server.resource("greeting://{name}", name="greeting", title="Greeting", mime_type="text/plain")
    def greeting(name: str) -> str:
        """A greeting for `name`; the client can complete the name."""
        return f"Hello, {name}! This text came from the greeting://{{name}} template."

    @server.prompt(title="Code review")
    def review(
        code: Annotated[str, Field(description="The code to review")],
        language: Annotated[str, Field(description="Its language (completable)")] = "python",
    ) -> str:
        """Ask the model to review a piece of code."""
        return (
            f"Please review this {language} code. Point out bugs, risks and unclear parts, "
            f"and suggest fixes.\n\n```{language}\n{code}\n```"
        )

    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if isinstance(ref, PromptReference) and argument.name == "language":
            return _completion(LANGUAGES, argument.value)
        if isinstance(ref, ResourceTemplateReference) and argument.name == "name":
            return _completion(NAMES, argument.value)
        return None

    return server


def http_app(host: str = "127.0.0.1") -> Starlette:
    """A fresh server's streamable HTTP app (endpoint ``/mcp``; loopback Host headers only)."""
    return build_server().streamable_http_app(host=host)


def sse_app(host: str = "127.0.0.1") -> Starlette:
    """A fresh server's SSE app (stream at ``/sse``, posts to ``/messages/``)."""
    return build_server().sse_app(host=host)


def main(transport: str = "stdio", port: int = 0, host: str = "127.0.0.1") -> None:
    """Serve until interrupted (``switchboard demo-mcp``): stdio, or http/sse on host:port."""
    if transport == "stdio":
        # The SDK points fd 1 at stderr while it serves; keep a copy of the wire for `garbage`.
        build_server(stdout_fd=os.dup(1)).run()
        return
    if transport not in ("http", "sse"):
        raise ValueError(f"unknown transport {transport!r}: use stdio, http or sse")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # events are not held back
    app, path = (http_app(host), "/mcp") if transport == "http" else (sse_app(host), "/sse")
    print(f"Demo MCP server on {_base_url(sock)}{path}", flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


async def _ask_guest(ctx: Context) -> Elicit[Guest]:
    _require(ctx, "elicitation", "greet asks who you are with a form")
    return Elicit("Who should I greet?", Guest)


async def _sample_summary(text: str, ctx: Context) -> Sample | CreateMessageResult | str:
    _require(ctx, "sampling", "summarize asks your LLM for the summary")
    prompt = f"Summarize this text in one or two sentences:\n\n{text}"
    request = Sample(
        [SamplingMessage(role="user", content=TextContent(type="text", text=prompt))],
        max_tokens=300,
        system_prompt="You write short, faithful summaries.",
    )
    return await _ask_client(ctx, request)


async def _ask_roots(ctx: Context) -> ListRoots | ListRootsResult | str:
    _require(ctx, "roots", "list_roots asks for them")
    return await _ask_client(ctx, ListRoots())


async def _ask_client(
    ctx: Context, marker: Sample | ListRoots
) -> Sample | ListRoots | CreateMessageResult | ListRootsResult | str:
    """Hand the marker to the SDK on 2026-07-28; before that, ask here so a refusal reads as text.

    On 2026-07-28 the question rides an ``input_required`` result and a refusal stays in the
    client (its callback's error is raised there), so the server cannot word it.
    """
    if ctx.protocol_version not in HANDSHAKE_PROTOCOL_VERSIONS:
        return marker
    request: CreateMessageRequest | ListRootsRequest = ListRootsRequest()
    result_type: type[CreateMessageResult | ListRootsResult] = ListRootsResult
    if isinstance(marker, Sample):
        request, result_type = CreateMessageRequest(params=marker.params), CreateMessageResult
    try:
        return await ctx.session.send_request(
            request, result_type, metadata=ServerMessageMetadata(related_request_id=ctx.request_id)
        )
    except MCPError as exc:
        return f"The client refused {request.method} ({exc.error.code}): {exc.error.message}"


_Capability = Literal["elicitation", "sampling", "roots"]


def _require(ctx: Context, capability: _Capability, why: str) -> None:
    capabilities = ctx.client_capabilities
    if capabilities is None or getattr(capabilities, capability) is None:
        raise ToolError(f"This client does not support {capability}, and {why}.")


async def _log(ctx: Context, message: str) -> None:
    """Send an info log message for this request (logging is deprecated in 2026-07-28)."""
    with _deprecated_on_purpose():
        sending = ctx.session.send_log_message(
            "info", message, logger="demo", related_request_id=ctx.request_id
        )
    await sending


@contextlib.contextmanager
def _deprecated_on_purpose() -> Iterator[None]:
    """Silence MCPDeprecationWarning for calls made from this module, inside the block only."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", category=MCPDeprecationWarning, module=re.escape(__name__) + r"\Z"
        )
        yield


def _runtime_tool(name: str) -> Callable[[], str]:
    def runtime_tool() -> str:
        return f"Hello from {name}, a tool added at runtime."

    return runtime_tool


def _forecast(city: str) -> Forecast:
    seed = sum(city.encode())
    now = 8 + seed % 22 + (seed % 10) / 10
    conditions = ("sunny", "cloudy", "rainy", "windy")[seed % 4]
    return Forecast(
        city=city,
        temperature_c=now,
        conditions=conditions,
        next_hours_c=[round(now + math.sin(seed + h) * 2, 1) for h in range(1, 5)],
    )


def _tone(frequency: int, seconds: float = 0.2, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV sine tone with 10 ms fades, so it does not click."""
    n, fade = int(rate * seconds), rate // 100
    samples = (
        int(12000 * min(1, i / fade, (n - i) / fade) * math.sin(2 * math.pi * frequency * i / rate))
        for i in range(n)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()


def _config_json() -> str:
    settings = {
        "name": NAME,
        "version": __version__,
        "transports": {"stdio": "default", "http": "/mcp", "sse": "/sse"},
        "protocol_eras": ["2025-11-25 (handshake)", "2026-07-28"],
        "greeting_names": NAMES,
        "review_languages": LANGUAGES,
    }
    return json.dumps(settings, indent=2)


def _content_text(content: object) -> str:
    if isinstance(content, TextContent):
        return content.text
    return f"[{getattr(content, 'type', 'unknown')} content]"


def _completion(values: list[str], prefix: str) -> Completion:
    matches = [v for v in values if v.lower().startswith(prefix.lower())]
    return Completion(values=matches, total=len(matches), has_more=False)


def _base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
