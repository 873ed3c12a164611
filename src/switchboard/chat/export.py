"""Exporting a conversation (a Markdown transcript to read, a JSON document to import again)
and importing that JSON. Both hold only what the conversation's log holds: never credentials."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from switchboard.chat.conversation import IMPORT_TURN, IMPORTED, Conversation
from switchboard.chat.events import Event
from switchboard.chat.turns import StepView, TurnView, fold_turns, text_of
from switchboard.connections.updates import Kind, Level, StepKind

KINDS = tuple(Kind)
FORMAT = "switchboard.conversation"
VERSION = 1

# Data keys that folding or drawing a turn reads without a default: an import needs them.
REQUIRED_DATA = {
    Kind.ARTIFACT: ("artifact_id",),
    Kind.TOOL_CALL: ("server", "tool"),
    Kind.PROGRESS: ("progress",),
    Kind.QUESTION: ("id", "server", "message"),
    Kind.ANSWER: ("id",),
    Kind.TOOL_RESULT: ("parts",),
    Kind.ATTACHMENT: ("server", "uri"),
}


class ConversationImportError(ValueError):
    """A document is not a conversation export this version can read; `str()` says why."""


def to_markdown(conversation: Conversation) -> str:
    """A transcript for people: each turn's prompt and what the counterpart did, files as a
    line each (never their bytes), timestamps in ISO 8601 UTC."""
    events = conversation.events()
    started: dict[int, float] = {}
    for event in events:
        started.setdefault(event.turn, event.ts)
    title = " ".join(conversation.title.split()) or f"Conversation with {conversation.counterpart}"
    lines = [
        f"# {title}",
        "",
        f"With **{conversation.counterpart}** · started {_iso(conversation.created)}",
    ]
    for view in fold_turns(events):
        lines += ["", "---", "", f"### Turn {view.turn} · {_iso(started[view.turn])}", ""]
        lines += _turn(view, conversation.counterpart)
    # Blocks end with a blank line; keep one between blocks (text inside a block is untouched).
    tidy = [line for i, line in enumerate(lines) if line or i == 0 or lines[i - 1]]
    return "\n".join(tidy).rstrip() + "\n"


def to_json(conversation: Conversation) -> str:
    """The conversation as a versioned JSON document: its facts, then every event of its log
    with its timestamp. Keys come in a fixed order, so the same log exports the same text."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "id": conversation.id,
        "counterpart": conversation.counterpart,
        "title": conversation.title,
        "created": conversation.created,
        "events": [event.to_dict() for event in conversation.events()],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def marked_imported(events: list[Event]) -> list[Event]:
    """An import's events after a notice saying it is an imported copy (dated as the copy's
    first event, so the conversation keeps its place in the list)."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    data = {"level": Level.INFO, "text": f"📥 An imported copy (imported {when}).", IMPORTED: True}
    first = events[0].ts if events else datetime.now(UTC).timestamp()
    return [Event(IMPORT_TURN, Kind.NOTICE, data, first), *events]


def from_json(text: str) -> tuple[str, str, list[Event]]:
    """The counterpart, title and events of an export made by `to_json`; raises
    `ConversationImportError` naming what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConversationImportError(
            f"Not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    if not isinstance(document, dict):
        raise ConversationImportError(
            f"Not a conversation export: expected a JSON object, got {_kind(document)}."
        )
    if document.get("format") != FORMAT:
        raise ConversationImportError(
            f"Not a conversation export: format is {document.get('format')!r}, expected {FORMAT!r}."
        )
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise ConversationImportError(
            f"Unsupported export version {version!r}: this Switchboard reads version {VERSION}."
        )
    counterpart, title = document.get("counterpart"), document.get("title", "")
    if not isinstance(counterpart, str) or not counterpart:
        raise ConversationImportError("The export names no counterpart (a non-empty string).")
    if not isinstance(title, str):
        raise ConversationImportError(f"The title must be a string, got {_kind(title)}.")
    raw_events = document.get("events")
    if not isinstance(raw_events, list):
        raise ConversationImportError(f"'events' must be a list, got {_kind(raw_events)}.")
    return counterpart, title, [_event(index, raw) for index, raw in enumerate(raw_events)]


def _event(index: int, raw: Any) -> Event:
    """One event of an export, checked; errors name it by its position (from 0)."""
    where = f"Event {index}"
    if not isinstance(raw, dict):
        raise ConversationImportError(f"{where} must be an object, got {_kind(raw)}.")
    missing = [key for key in ("turn", "kind", "ts") if key not in raw]
    if missing:
        raise ConversationImportError(f"{where} is missing {', '.join(map(repr, missing))}.")
    turn, kind, ts, data = raw["turn"], raw["kind"], raw["ts"], raw.get("data", {})
    if not isinstance(turn, int) or isinstance(turn, bool):
        raise ConversationImportError(f"{where}: turn must be an integer, got {turn!r}.")
    if kind not in KINDS:
        raise ConversationImportError(
            f"{where}: unknown kind {kind!r} (known kinds: {', '.join(KINDS)})."
        )
    kind = Kind(kind)
    if not isinstance(ts, int | float) or isinstance(ts, bool) or not math.isfinite(ts):
        raise ConversationImportError(f"{where}: ts must be a number of seconds, got {ts!r}.")
    if not isinstance(data, dict):
        raise ConversationImportError(f"{where}: data must be an object, got {_kind(data)}.")
    absent = [key for key in REQUIRED_DATA.get(kind, ()) if key not in data]
    if absent:
        raise ConversationImportError(
            f"{where} ({kind}): data is missing {', '.join(map(repr, absent))}."
        )
    if kind == Kind.TASK and not all(
        isinstance(a, dict) and "artifact_id" in a for a in data.get("artifacts", [])
    ):
        raise ConversationImportError(f"{where} (task): every artifact needs an 'artifact_id'.")
    return Event(turn, kind, data, float(ts))


def _turn(view: TurnView, counterpart: str) -> list[str]:
    """The Markdown lines of one turn."""
    lines: list[str] = []
    if view.resumed_task:
        lines += [f"_Listening again to task `{view.resumed_task}`_", ""]
    if view.prompt:
        lines += [f"**You:** {view.prompt}", ""]
    for sent in view.sent_data:
        lines += ["**You sent data:**", "", *_fenced(_json(sent["data"]), "json"), ""]
    for attachment in view.attached:
        lines += [f"📎 Attached `{attachment.get('uri', '')}` from {attachment.get('server', '')}"]
        lines += ["", *_resource(attachment)]
    if view.tool:
        lines += _tool_call(view)
    for kind, value in view.items:  # the assistant's text and the calls its model made
        if kind == "text":
            lines += [f"**{counterpart}:**", "", value, ""]
        else:
            lines += _step(view, view.steps[value])
    answer: list[str] = []
    for artifact in view.artifacts.values():
        answer += _parts(artifact.parts)
    for message in view.messages:
        answer += _parts(message)
    if view.state:
        status = text_of(view.status_parts)
        answer += [f"_Task {view.state}_" + (f" — {status}" if status else ""), ""]
        answer += _parts([p for p in view.status_parts if p.get("type") != "text"])
    if answer:
        lines += [f"**{counterpart}:**", "", *answer]
    for notice in view.notices:
        lines += _notice(notice)
    return lines


def _step(view: TurnView, step: StepView) -> list[str]:
    """A call the assistant's model made: what it called, with what, your approval, and what
    went back to the model."""
    call, end = step.step, step.step_end
    icon = {StepKind.MCP: "🔧", StepKind.AGENT: "🛰️"}.get(call.get("kind", ""), "⚠️")
    lines = [f"{icon} **{call.get('label', '')}** (called by the model)", "", "Arguments:", ""]
    lines += [*_fenced(call.get("arguments_text") or "{}", "json"), ""]
    for question in view.step_questions(call.get("id", "")):
        answered = view.answers.get(question.get("id", ""), "not answered")
        lines += [f"_Asked you ({question.get('kind', '')}): {answered}_", ""]
    if end:
        lines += [
            f"Result ({end.get('status', '')}):",
            "",
            *_fenced(end.get("content", ""), ""),
            "",
        ]
    else:
        lines += ["_The call did not finish._", ""]
    return lines


def _tool_call(view: TurnView) -> list[str]:
    """An MCP tool call: arguments, progress (while unfinished), questions, the result."""
    call, result = view.tool, view.result
    lines = [f"🔧 {call.get('server', '')} · {call.get('tool', '')}", "", "Arguments:", ""]
    lines += [*_fenced(_json(call.get("arguments", {})), "json"), ""]
    if view.progress and not result:
        progress, total = view.progress.get("progress", 0), view.progress.get("total")
        amount = f"{progress:g}" + (f" of {total:g}" if total else "")
        message = view.progress.get("message")
        lines += [f"Progress: {amount}" + (f" — {message}" if message else ""), ""]
    for question in view.questions:
        lines += [f"❓ **{question.get('server', '')} asks:** {question.get('message', '')}"]
        if question.get("url"):
            lines += [f"<{question['url']}>"]
        answered = view.answers.get(question.get("id", ""))
        lines += ["", f"_You answered: {answered}_" if answered else "_Not answered_", ""]
    if result.get("is_error"):
        text = text_of(result.get("parts", [])) or "The tool reported an error."
        lines += [f"⚠️ **Error:** {text}", ""]
    elif result:
        lines += ["**Result:**", "", *_parts(result.get("parts", []))]
        if result.get("structured") is not None:
            lines += ["Structured content:", "", *_fenced(_json(result["structured"]), "json"), ""]
    return lines


def _parts(parts: list[dict[str, Any]]) -> list[str]:
    """Parts as Markdown blocks: text as is, data as fenced JSON, files and links as a line."""
    lines: list[str] = []
    for part in parts:
        kind = part.get("type")
        if kind == "text" and part.get("text"):
            lines += [part["text"], ""]
        elif kind == "data":
            lines += [*_fenced(_json(part.get("data")), "json"), ""]
        elif kind == "file":
            lines += [_file_line(part), ""]
        elif kind == "link":
            name = part.get("name") or part.get("uri", "")
            about = f" — {part['description']}" if part.get("description") else ""
            lines += [f"🔗 **{name}** `{part.get('uri', '')}`{about}", ""]
        elif kind == "resource":
            lines += [f"📄 `{part.get('uri', '')}`", "", *_resource(part)]
    return lines


def _resource(part: dict[str, Any]) -> list[str]:
    """Resource contents: bytes as a file line, JSON fenced, Markdown as is, other text as code."""
    media_type = part.get("media_type") or ""
    if "bytes" in part:
        name = part.get("uri", "").rsplit("/", 1)[-1]
        return [_file_line({**part, "filename": name}), ""]
    text = part.get("text", "")
    if not text:
        return []
    if media_type == "application/json":
        with contextlib.suppress(ValueError):
            text = _json(json.loads(text))
        return [*_fenced(text, "json"), ""]
    if media_type in ("text/markdown", ""):
        return [text, ""]
    return [*_fenced(text, ""), ""]


def _file_line(part: dict[str, Any]) -> str:
    """📎 name (media type, N bytes), or a link for a URL: never the bytes themselves."""
    media_type = part.get("media_type") or "application/octet-stream"
    if "bytes" not in part and part.get("url"):
        url = part["url"]
        name = part.get("filename") or url.rsplit("/", 1)[-1] or "file"
        return f"📎 [{name}]({url}) ({media_type})"
    name = part.get("filename") or "file"
    return f"📎 {name} ({media_type}, {_decoded_size(part.get('bytes') or '')} bytes)"


def _decoded_size(data: str) -> int:
    try:
        return len(base64.b64decode(data))
    except (binascii.Error, ValueError):
        compact = re.sub(r"\s", "", data)
        return len(compact) * 3 // 4 - len(compact) + len(compact.rstrip("="))


def _notice(notice: dict[str, Any]) -> list[str]:
    """A notice as a blockquote: its level (unless info), text and hint."""
    level = notice.get("level", Level.INFO)
    lead = {Level.ERROR: "⚠️ **Error:** ", Level.WARNING: "**Warning:** "}.get(level, "")
    body = lead + notice.get("text", "")
    if notice.get("hint"):
        body += f"\n\n{notice['hint']}"
    return [*(f"> {line}".rstrip() for line in body.splitlines()), ""]


def _fenced(text: str, language: str) -> list[str]:
    """A fenced code block whose fence is longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + language, text, fence]


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _iso(ts: float) -> str:
    """Seconds since the epoch as ISO 8601 in UTC: 2025-01-31T09:30:00Z."""
    try:
        moment = datetime.fromtimestamp(ts, UTC)
    except (OverflowError, OSError, ValueError):
        return f"{ts} s"
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null"}.get(
        type(value), type(value).__name__
    )
