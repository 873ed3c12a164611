"""The demo MCP server's tools that ask the client things: elicitation, sampling, roots, new tools.

Elicitation, sampling and roots go through ``Resolve(...)``, so they work in either protocol era.
"""

from collections.abc import Callable
from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp.server.mcpserver import Context, Elicit, ElicitationResult, ListRoots, Resolve, Sample
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ServerMessageMetadata
from mcp_types import (
    CreateMessageRequest,
    CreateMessageResult,
    ListRootsRequest,
    ListRootsResult,
    SamplingMessage,
    TextContent,
    ToolAnnotations,
)
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from pydantic import BaseModel, Field

from switchboard.demo.mcp_tools import READ_ONLY


class Guest(BaseModel):
    """The form `greet` asks the user to fill in."""

    name: str = Field(description="Your name")
    age: int = Field(30, ge=0, le=150, description="Your age in years")
    style: Literal["formal", "casual"] = Field("casual", description="How to greet you")


def register_client_tools(server: MCPServer) -> None:
    """Add `greet` (elicitation), `summarize` (sampling) and `list_roots` (roots)."""

    @server.tool(
        title="Greet me (elicitation)",
        annotations=READ_ONLY,
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
        annotations=READ_ONLY,
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

    @server.tool(title="List the client's roots", annotations=READ_ONLY, structured_output=False)
    def list_roots(roots: Annotated[ListRootsResult | str, Resolve(_ask_roots)]) -> str:
        """Ask the client for its roots (the directories or URIs it exposes) and list them."""
        if isinstance(roots, str):
            return roots
        if not roots.roots:
            return "The client has no roots."
        return "\n".join(f"- {root.name or root.uri}: {root.uri}" for root in roots.roots)


def register_add_tool(server: MCPServer) -> None:
    """Add `add_tool`, which adds a tool to this server at runtime and tells the client."""

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
            annotations=READ_ONLY,
        )
        await ctx.notify_tools_changed()  # 2026-07-28: subscriptions/listen
        if ctx.protocol_version in HANDSHAKE_PROTOCOL_VERSIONS:
            await ctx.session.send_tool_list_changed()  # notifications/tools/list_changed
        return f"Added the tool {name}; the tool list has changed."


async def _ask_guest(ctx: Context) -> Elicit[Guest]:
    """Ask the user who to greet with the `Guest` form, if the client can show forms."""
    _require(ctx, "elicitation", "greet asks who you are with a form")
    return Elicit("Who should I greet?", Guest)


async def _sample_summary(text: str, ctx: Context) -> Sample | CreateMessageResult | str:
    """Ask the client's LLM to summarize `text`, if the client supports sampling."""
    _require(ctx, "sampling", "summarize asks your LLM for the summary")
    prompt = f"Summarize this text in one or two sentences:\n\n{text}"
    request = Sample(
        [SamplingMessage(role="user", content=TextContent(type="text", text=prompt))],
        max_tokens=300,
        system_prompt="You write short, faithful summaries.",
    )
    return await _ask_client(ctx, request)


async def _ask_roots(ctx: Context) -> ListRoots | ListRootsResult | str:
    """Ask the client for its roots, if it supports roots."""
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
    """Fail the call with a readable error when the client lacks `capability`."""
    capabilities = ctx.client_capabilities
    if capabilities is None or getattr(capabilities, capability) is None:
        raise ToolError(f"This client does not support {capability}, and {why}.")


def _runtime_tool(name: str) -> Callable[[], str]:
    """The function behind a tool added by `add_tool`, answering with its own name."""

    def runtime_tool() -> str:
        return f"Hello from {name}, a tool added at runtime."

    return runtime_tool


def _content_text(content: object) -> str:
    """The text of a sampled reply, or a placeholder naming its content type."""
    if isinstance(content, TextContent):
        return content.text
    return f"[{getattr(content, 'type', 'unknown')} content]"
