"""Switchboard: a Streamlit chat client for A2A agents and MCP servers.

One persistent background event loop owns every session and stream; Streamlit reruns hand it
work through `asyncio.run_coroutine_threadsafe` (see `switchboard.runtime`).
"""

__version__ = "0.1.0"
