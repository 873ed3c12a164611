"""An MCP server written with fastmcp (an implementation we did not write), over stdio, that
pages its lists by 3: 8 numbered tools and four more (`ask_name` asks with `ctx.elicit`,
`chatty` logs at four levels, `annotated` returns annotated blocks, `list_roots` lists the
client's roots), 4 resources, 4 prompts and `city_guide`, whose `city` is completed from the
`country` given. Run: python fastmcp_server.py"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from fastmcp import Context, FastMCP
from mcp.types import Annotations, TextContent

PAGE_SIZE = 3
TOOLS, RESOURCES, PROMPTS = 8, 4, 4

server = FastMCP("Paged fastmcp", list_page_size=PAGE_SIZE)


def numbered(i: int) -> tuple[Callable[..., int], Callable[[], str], Callable[[], str]]:
    """The i-th tool (adds i), resource and prompt."""

    def tool(x: int = 0) -> int:
        return x + i

    def resource() -> str:
        return f"resource {i}"

    def prompt() -> str:
        return f"prompt {i}"

    return tool, resource, prompt


for number in range(TOOLS):
    tool, resource, prompt = numbered(number)
    server.tool(tool, name=f"tool_{number}", description=f"Adds {number}.")
    if number < RESOURCES:
        server.resource(f"paged://r{number}", name=f"r{number}")(resource)
    if number < PROMPTS:
        server.prompt(name=f"p{number}")(prompt)


@server.tool
async def ask_name(ctx: Context) -> str:
    """Ask the person's name (elicitation), then greet them."""
    answer = await ctx.elicit("What is your name?", response_type=str)
    return f"Hello, {answer.data}!" if answer.action == "accept" else f"No name ({answer.action})."


@server.tool
def annotated() -> list[TextContent]:
    """Two blocks, annotated for whom they are and how much they matter."""
    for_you = Annotations(audience=["user"], priority=0.9)
    for_the_model = Annotations(audience=["assistant"], priority=0.2)
    return [
        TextContent(type="text", text="Your answer.", annotations=for_you),
        TextContent(type="text", text="Details for the model.", annotations=for_the_model),
    ]


@server.tool
async def list_roots(ctx: Context) -> str:
    """The roots the client offers, one URI per line (asked through the session: fastmcp 4
    has no helper for it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the SDK marks server-to-client requests deprecated
        listed = await ctx.session.list_roots()
    return "\n".join(str(root.uri) for root in listed.roots)


@server.tool
async def chatty(ctx: Context) -> str:
    """Log one message at each of debug, info, warning and error."""
    await ctx.debug("a debug line")
    await ctx.info("an info line")
    await ctx.warning("a warning line")
    await ctx.error("an error line")
    return "logged"


CITIES = {"France": ["Paris", "Lyon"], "Japan": ["Tokyo", "Kyoto"]}


@server.prompt
def city_guide(country: str, city: str) -> str:
    """A guide to a city; `city` is completed from the `country` already chosen."""
    return f"Tell me about {city}, {country}."


@server.completion
def complete(ref: Any, argument: Any, context: Any) -> list[str]:
    """Countries, and the cities of the country given in the context."""
    if argument.name == "country":
        return [name for name in CITIES if name.startswith(argument.value)]
    country = (context.arguments or {}).get("country", "") if context else ""
    return [city for city in CITIES.get(country, []) if city.startswith(argument.value)]


if __name__ == "__main__":
    server.run(show_banner=False)
