"""An MCP server on the official Python SDK's `MCPServer` (2026-07-28 by default), over stdio:
two resources and a tool `touch` that announces an update of one (on `subscriptions/listen`
streams). Run: python updating_mcp.py"""

from __future__ import annotations

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

server = MCPServer("updating")


@server.resource("note://one")
def one() -> str:
    """The first note."""
    return "note one"


@server.resource("note://two")
def two() -> str:
    """The second note."""
    return "note two"


@server.tool()
async def touch(uri: str, ctx: Context) -> str:
    """Announce that the resource `uri` changed."""
    await ctx.notify_resource_updated(uri)
    return f"touched {uri}"


if __name__ == "__main__":
    server.run()
