"""The demo MCP server's resources, resource template, prompt and completions."""

import json
from typing import Annotated

from mcp.server import MCPServer
from mcp_types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)
from pydantic import Field

from switchboard import __version__
from switchboard.demo.png import render_badge

NAME = "Switchboard Demo MCP"
NAMES = ["Ada", "Alan", "Barbara", "Grace", "Linus", "Margaret", "Tim"]
LANGUAGES = ["bash", "c", "cpp", "go", "java", "javascript", "python", "ruby", "rust", "typescript"]
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


def register_resources(server: MCPServer) -> None:
    """Add the readme, config and badge resources and the greeting://{name} template."""

    @server.resource("demo://readme", name="readme", title="Demo README", mime_type="text/markdown")
    def readme() -> str:
        """What each tool, resource and prompt of this server demonstrates."""
        return README

    @server.resource(
        "demo://config", name="config", title="Demo config", mime_type="application/json"
    )
    def config() -> str:
        """The server's settings, as JSON."""
        return config_json()

    @server.resource("demo://badge.png", name="badge", title="Demo badge", mime_type="image/png")
    def badge() -> bytes:
        """A 96x96 PNG badge (a binary resource)."""
        return render_badge(96, 96)

    @server.resource("greeting://{name}", name="greeting", title="Greeting", mime_type="text/plain")
    def greeting(name: str) -> str:
        """A greeting for `name`; the client can complete the name."""
        return f"Hello, {name}! This text came from the greeting://{{name}} template."


def register_prompts(server: MCPServer) -> None:
    """Add the review prompt and the completions for its language and the template's name."""

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
        """Complete the prompt's language and the template's name; nothing else."""
        if isinstance(ref, PromptReference) and argument.name == "language":
            return _completion(LANGUAGES, argument.value)
        if isinstance(ref, ResourceTemplateReference) and argument.name == "name":
            return _completion(NAMES, argument.value)
        return None


def config_json() -> str:
    """The server's settings as indented JSON, served as demo://config and embedded by a tool."""
    settings = {
        "name": NAME,
        "version": __version__,
        "transports": {"stdio": "default", "http": "/mcp", "sse": "/sse"},
        "protocol_eras": ["2025-11-25 (handshake)", "2026-07-28"],
        "greeting_names": NAMES,
        "review_languages": LANGUAGES,
    }
    return json.dumps(settings, indent=2)


def _completion(values: list[str], prefix: str) -> Completion:
    """The values starting with `prefix`, case-insensitively."""
    matches = [v for v in values if v.lower().startswith(prefix.lower())]
    return Completion(values=matches, total=len(matches), has_more=False)
