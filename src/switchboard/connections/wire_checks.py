"""Each received message checked against its protocol: an A2A event or task against the spec's
own required fields, a JSON-RPC envelope against JSON-RPC 2.0, an MCP result, notification or
server request against the schema of the protocol version the session agreed on."""

from __future__ import annotations

import json
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from mcp_types import JSONRPCError, JSONRPCNotification, JSONRPCRequest, JSONRPCResponse
from mcp_types import methods as mcp_methods
from pydantic import ValidationError

from switchboard.connections.wire import Direction, Role, WireEntry

SHOWN_ERRORS = 5  # findings kept of one failed validation


def required_missing(message: Message, where: str = "") -> list[str]:
    """The fields the A2A spec marks REQUIRED that `message` (and every message inside it)
    leaves empty, as dotted paths."""
    missing: list[str] = []
    for spec in message.DESCRIPTOR.fields:
        path = f"{where}.{spec.name}" if where else spec.name
        value = getattr(message, spec.name)
        if _required(spec) and _empty(message, spec, value):
            missing.append(path)
        elif spec.message_type is not None and not spec.message_type.GetOptions().map_entry:
            if _repeated(spec):
                for index, item in enumerate(value):
                    missing += required_missing(item, f"{path}[{index}]")
            elif message.HasField(spec.name):
                missing += required_missing(value, path)
    return missing


def findings(entry: WireEntry, asked: str = "", version: str = "") -> list[str] | None:
    """What is off the spec in a received entry ([] when nothing is), or None when it is not
    a received message that can be checked. `asked` is the method of the call it answers,
    `version` the MCP protocol version in use."""
    if entry.direction not in (Direction.RESPONSE, Direction.EVENT):
        return None
    asked_of = (asked, version)
    if asked_of not in entry.checked:  # an entry is checked once, however often it is drawn
        entry.checked[asked_of] = _checked(entry, asked, version)
    return entry.checked[asked_of]


def _checked(entry: WireEntry, asked: str, version: str) -> list[str] | None:
    payload = entry.payload
    if isinstance(payload, Message):
        return _a2a_findings(payload)
    if isinstance(payload, JSONRPCResponse | JSONRPCError | JSONRPCNotification | JSONRPCRequest):
        return _mcp_findings(payload, entry.role, asked, version)
    if isinstance(payload, str) and entry.role is Role.ANSWER:
        return _envelope_findings(payload)
    return None


def _a2a_findings(message: Message) -> list[str]:
    found = [f"{path} is required and missing" for path in required_missing(message)]
    if message.DESCRIPTOR.oneofs_by_name.get("payload") and not message.WhichOneof("payload"):
        found.append("the event carries none of task, message, status_update, artifact_update")
    return found


def _envelope_findings(text: str) -> list[str] | None:
    """A JSON-RPC answer over HTTP (its headers, a blank line, the body)."""
    body = text.partition("\n\n")[2].strip()
    try:
        data = json.loads(body) if body.startswith("{") else None
    except ValueError:
        return ["the body is not valid JSON"]
    if not isinstance(data, dict) or ("jsonrpc" not in data and "result" not in data):
        return None  # not JSON-RPC (a card, a REST answer)
    found = [] if data.get("jsonrpc") == "2.0" else ['"jsonrpc" must be "2.0"']
    if "id" not in data:
        found.append('"id" is missing')
    if ("result" in data) == ("error" in data):
        found.append('exactly one of "result" and "error" must be present')
    error = data.get("error")
    if isinstance(error, dict) and not (
        isinstance(error.get("code"), int) and isinstance(error.get("message"), str)
    ):
        found.append('"error" needs an integer "code" and a string "message"')
    return found


def _mcp_findings(message: Any, role: Role | None, asked: str, version: str) -> list[str] | None:
    if not version:
        return None
    try:
        if isinstance(message, JSONRPCResponse):
            if not asked:
                return None
            mcp_methods.validate_server_result(asked, version, message.result)
        elif isinstance(message, JSONRPCNotification):
            mcp_methods.parse_server_notification(message.method, version, message.params)
        elif isinstance(message, JSONRPCRequest) and role is Role.CALL:
            mcp_methods.parse_server_request(message.method, version, message.params)
    except KeyError:
        what = getattr(message, "method", None) or asked
        return [f"{what} is not part of MCP {version}"] if what else None
    except ValidationError as exc:
        return [_said(error) for error in _relevant(exc.errors())[:SHOWN_ERRORS]]
    except (ValueError, RuntimeError):  # an unknown protocol version: nothing to check against
        return None
    return []


def _relevant(errors: list[Any]) -> list[Any]:
    """The errors of a union's branch the message meant: a branch whose `type` tag does not
    match (an image block's, for a text block) says nothing about it."""
    other = [e["loc"][:-1] for e in errors if e["loc"][-1:] == ("type",) and "literal" in e["type"]]
    kept = [e for e in errors if not any(e["loc"][: len(o)] == o for o in other)]
    return kept or errors


def _said(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ())) or "the message"
    return f"{where}: {error.get('msg', 'invalid')}"


def _required(spec: FieldDescriptor) -> bool:
    behaviors = spec.GetOptions().Extensions[field_behavior_pb2.field_behavior]
    return field_behavior_pb2.REQUIRED in behaviors


def _repeated(spec: FieldDescriptor) -> bool:
    return spec.is_repeated


def _empty(message: Message, spec: FieldDescriptor, value: Any) -> bool:
    if _repeated(spec):
        return len(value) == 0
    if spec.message_type is not None:
        return not message.HasField(spec.name)
    return value in ("", 0, b"")  # an enum's 0 is its UNSPECIFIED
