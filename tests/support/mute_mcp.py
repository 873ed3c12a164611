"""An MCP server over stdio that reads every request and never answers one (as a hung server
does). Run: python mute_mcp.py"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    for _line in sys.stdin:
        pass
