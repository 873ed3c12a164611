"""What the MCP SDK logs when a server misbehaves or dies (a reader's exception, a stream
that broke, a message it could not parse, a sign-in that failed): the server's doing, not
ours, so the app log gets one line without the traceback, and that server's wire log a
warning saying what happened."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from switchboard.connections.wire import Direction, WireLog

# Whose wire log the SDK's tasks for a connection write to: set by the owner's task as it
# opens the transport, so the transport's reader and writer tasks inherit it.
WIRE: ContextVar[WireLog | None] = ContextVar("switchboard_mcp_wire", default=None)

# Everything the transports log with a traceback comes from the other end (its stream, its
# bytes, its going away); the session's records are the server's only for these messages.
TRANSPORT_LOGGERS = ("mcp.client.stdio", "mcp.client.sse", "mcp.client.streamable_http")
SESSION_FAULTS = ("Failed to validate notification",)
# A sign-in that failed (refused, expired, an authorization server down or off the spec): the
# connection's error says it to the person.
AUTH_LOGGER, AUTH_FAULTS = "mcp.client.auth.oauth2", ("OAuth flow error",)
# Messages that could not be read: the SDK also hands their exception on to the read stream,
# whose wire log records it already (`mcp_transport.UNREAD`), so it is not written twice.
UNREADABLE = (
    "Failed to parse JSONRPC message",
    "Error parsing server message",
    "Error parsing SSE",
)


def one_line(record: logging.LogRecord) -> bool:
    """A logging filter: a server fault's record keeps its message, loses the traceback, is
    at most a warning, and is put in the server's wire log."""
    if not record.exc_info or not _servers_fault(record):
        return True
    error = record.exc_info[1]
    message = record.getMessage()
    cause = f"{type(error).__name__}: {error}" if error is not None else ""
    record.msg = f"{message}: {cause}" if cause else message
    record.args, record.exc_info, record.exc_text = (), None, None
    if record.levelno > logging.WARNING:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
    wire = WIRE.get()
    if wire is not None and not message.startswith(UNREADABLE):
        where = "sign-in" if record.name == AUTH_LOGGER else "transport"
        wire.record(Direction.WARNING, f"{where}: {message}", cause)
    return True


def _servers_fault(record: logging.LogRecord) -> bool:
    if record.name in TRANSPORT_LOGGERS:
        return True
    if record.name == AUTH_LOGGER:
        return str(record.msg).startswith(AUTH_FAULTS)
    return record.name == "mcp.client.session" and str(record.msg).startswith(SESSION_FAULTS)


for _name in (*TRANSPORT_LOGGERS, "mcp.client.session", AUTH_LOGGER):
    logging.getLogger(_name).addFilter(one_line)
