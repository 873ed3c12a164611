"""Drawing a turn: task state, artifacts and messages by part type, notices. No state here."""

from __future__ import annotations

import base64
import json
from typing import Any

import streamlit as st

from switchboard.chat.events import (
    INTERRUPTED,
    SETTLED,
    Ending,
    Level,
    StepKind,
    StepStatus,
    TaskState,
)
from switchboard.chat.turns import StepView, TurnView, text_of
from switchboard.ui.large_content import cut_text, rest_of_parts, rest_of_text, shown_parts
from switchboard.ui.remote_content import markdown, media_allowed, remote_content, safe
from switchboard.ui.step_box import STATE_ICONS, STATE_MARKS, Mark, step_box
from switchboard.ui.url_pages import render_pages

LABEL_CHARS = 80  # of a status message shown in the state's label; a longer one is drawn below
MAX_INLINE_IMAGE = 8_000_000  # bytes of an image drawn in the page; larger ones are downloads


def render_turn(
    view: TurnView,
    live: bool,
    key: str,
    steps: bool = False,
    current: bool = True,
    conversation: str | None = None,
) -> None:
    """Draw everything the counterpart did in one turn, in the current container.

    `live` leaves out widgets (downloads) that must not be drawn twice in one run; `key` makes
    widget keys unique per conversation and turn; `steps` opens the task's state history;
    `current` is false for turns a later turn has answered. Remote media the turn holds back
    is offered below it, to load from its host or for all of `conversation`."""
    with remote_content(conversation, key, live):
        _draw_turn(view, live, key, steps, current)


def _draw_turn(view: TurnView, live: bool, key: str, steps: bool, current: bool) -> None:
    if view.resumed_task:
        st.caption(safe(f"Listening again to task `{view.resumed_task}`"))
    for kind, value in view.items:  # the assistant's text and steps, in order
        if kind == "text":
            markdown(value)
        else:
            render_step(view, view.steps[value], live, f"{key}-{value}", steps)
    if view.tool:
        render_tool_call(view, live, key, steps)
    for index, attachment in enumerate(view.attached):
        with st.expander(safe(f"📎 Attached `{attachment['uri']}` from {attachment['server']}")):
            render_resource(attachment, live, f"{key}-att{index}")
    if view.state:
        render_state(view, live, steps)
        said = text_of(view.status_parts)
        if view.state not in INTERRUPTED and said.strip() != label_text(said):
            markdown(said)  # a long message (text streamed as statuses): in the bubble
    for artifact in view.artifacts.values():
        render_parts(artifact.parts, live, f"{key}-{artifact.artifact_id}")
    for index, parts in enumerate(view.messages):
        render_parts(parts, live, f"{key}-m{index}")
    if view.state in INTERRUPTED:
        question = text_of(view.status_parts) or "The agent needs more from you."
        what = "input" if view.state == TaskState.INPUT_REQUIRED else "authorization"
        if current:
            st.info(
                safe(f"**The agent needs your {what}:** {question}\n\nReply below to continue.")
            )
        else:
            st.caption(safe(f"The agent asked: {question}"))
    for index, notice in enumerate(view.notices):
        render_notice(notice, f"{key}-n{index}", live)
    if live and not (view.state or view.messages or view.notices or view.tool or view.items):
        st.caption("Waiting for the agent…")


def render_state(view: TurnView, live: bool, expanded: bool = False) -> None:
    """The task's state as a step: its label follows the state; inside, the state history."""
    text = label_text(text_of(view.status_parts))
    label, mark = str(view.state), STATE_MARKS.get(view.state, Mark.RUNNING)
    if text and view.state not in INTERRUPTED:
        label += f" — {text}"
    if not live and view.state not in SETTLED:
        # Stopped listening (or lost): the task may still run, so neither a tick nor a spinner.
        label, mark = f"{view.state} · not listening", Mark.PAUSED
    with step_box(label, mark, expanded):
        for state, message in view.history:
            markdown(
                f"{STATE_ICONS.get(state, '•')} **{state}**" + (f" — {message}" if message else "")
            )
        if view.task_id:
            st.caption(safe(f"task `{view.task_id}` · context `{view.context_id}`"))


def label_text(text: str) -> str:
    """A status message as the state's label shows it: its first line, at most LABEL_CHARS."""
    lines = text.strip().splitlines() or [""]
    if len(lines) == 1 and len(lines[0]) <= LABEL_CHARS:
        return lines[0]
    return lines[0][:LABEL_CHARS].rstrip() + "…"


def render_step(view: TurnView, step: StepView, live: bool, key: str, expanded: bool) -> None:
    """One call of the assistant's model as a step: what it asked for, the approval, what
    happened (progress, the agent's task), and what went back to the model."""
    call, end = step.step, step.step_end
    questions = view.step_questions(call["id"])
    waiting = [q for q in questions if q["id"] not in view.answers and not view.ended]
    icon = {StepKind.MCP: "🔧", StepKind.AGENT: "🛰️"}.get(call["kind"], "⚠️")
    label, mark = f"{icon} {call['label']}", Mark.DONE
    if end:
        outcome = end["status"]
        endings = {
            StepStatus.DENIED: (" — denied", Mark.FAILED),
            StepStatus.ERROR: (" — failed", Mark.FAILED),
            StepStatus.WAITING: (" — needs input", Mark.ASKS),
        }
        ending, mark = endings.get(outcome, ("", Mark.DONE))
        label += ending
    elif waiting:
        mark, label = Mark.ASKS, label + " — waiting for you"
    elif live or not view.ended:
        mark = Mark.RUNNING
    else:
        mark, label = Mark.FAILED, label + " — stopped"
    with step_box(label, mark, expanded or bool(waiting)):
        if call["kind"] == StepKind.INVALID:
            st.caption(safe(f"The model called `{call['name']}` with"))
            st.code(call.get("arguments_text") or "(nothing)", language=None)
        else:
            st.caption("Arguments")
            st.json(call.get("arguments", {}), expanded=1)
        for question in questions:
            answered = view.answers.get(question["id"])
            st.caption(safe(f"Asked you ({question['kind']}): " + (answered or "waiting…")))
        if step.progress and not step.result:
            render_progress(step.progress)
        for task_state, message in step.history:
            line = f"{STATE_ICONS.get(task_state, '•')} **{task_state}**"
            markdown(line + (f" — {message}" if message else ""))
        for artifact in step.artifacts.values():
            render_parts(artifact.parts, live, f"{key}-{artifact.artifact_id}")
        for index, parts in enumerate(step.messages):
            render_parts(parts, live, f"{key}-m{index}")
        if step.result:
            render_result(step.result, live, key)
        elif end and end["status"] in (StepStatus.ERROR, StepStatus.DENIED):
            st.warning(safe(end["content"]))
        for index, notice in enumerate(step.notices):
            render_notice(notice, f"{key}-n{index}", live)


def render_tool_call(view: TurnView, live: bool, key: str, expanded: bool) -> None:
    """An MCP tool call as a step: arguments, progress, the server's questions, the result."""
    call, result = view.tool, view.result
    label = f"🔧 {call['server']} · {call['tool']}"
    if result:
        mark = Mark.FAILED if result.get("is_error") else Mark.DONE
    elif view.open_questions:
        mark = Mark.ASKS
    elif live or not view.ended:
        mark = Mark.RUNNING
    else:
        mark = Mark.FAILED if view.end_reason in (Ending.ERROR, Ending.STOPPED) else Mark.DONE
    with step_box(label, mark, expanded or live or bool(view.open_questions)):
        st.caption("Arguments")
        st.json(call.get("arguments", {}), expanded=1)
        if view.progress and not result:
            render_progress(view.progress)
        for question in view.questions:  # an open one is its form, drawn once, below
            if answered := view.answers.get(question["id"]):
                asked = f"❓ {question['server']} asked: {question['message']}"
                st.caption(safe(f"{asked} — you answered: {answered}"))
    if result:
        render_result(result, live, key)


def render_progress(progress: dict[str, Any]) -> None:
    """A progress bar when the total is known, else the count or the server's message."""
    total = progress.get("total")
    fraction = min(1.0, progress["progress"] / total) if total else None
    text = progress.get("message") or f"{progress['progress']:g}" + (
        f" of {total:g}" if total else ""
    )
    if fraction is None:
        st.caption(safe(f"Progress: {text}"))
    else:
        st.progress(fraction, text=safe(text))


def render_result(result: dict[str, Any], live: bool, key: str) -> None:
    """A tool result: an error in red; else its parts, with structured content beside them."""
    if result.get("is_error"):
        st.error(safe(text_of(result["parts"])) or "The tool reported an error.", icon="⚠️")
        return
    structured = result.get("structured")
    if structured is None:
        render_parts(result["parts"], live, key)
        return
    text_column, data_column = st.columns(2)
    with text_column:
        render_parts(result["parts"], live, key)
    with data_column:
        st.caption("Structured content")
        st.json(structured, expanded=2)


def render_parts(parts: list[dict[str, Any]], live: bool, key: str) -> None:
    """Text as markdown (never raw HTML; `text/plain` as plain text), data as JSON, files by
    media type, MCP resource links and embedded resources by what they hold."""
    shown = shown_parts(key)
    for index, part in enumerate(parts[:shown]):
        kind = part.get("type")
        if kind == "text":
            render_text(part, live, f"{key}-{index}")
        elif kind == "data":
            st.json(part.get("data"), expanded=2)
        elif kind == "file":
            render_file(part, live, f"{key}-{index}")
        elif kind == "link":
            about = f" — {part['description']}" if part.get("description") else ""
            markdown(f"🔗 **{part.get('name') or part['uri']}** `{part['uri']}`{about}")
        elif kind == "resource":
            render_resource(part, live, f"{key}-{index}")
        if part.get("annotations"):
            render_annotations(part["annotations"])
    if len(parts) > shown:
        rest_of_parts(parts, live, key)


def render_text(part: dict[str, Any], live: bool, key: str) -> None:
    """A text part: `text/plain` as sent (its line breaks and spaces kept, no markup), any
    other as markdown; a long one up to its first SHOWN_CHARS, the whole a download."""
    text = part.get("text") or ""
    shown = cut_text(text)
    if shown and part.get("media_type") == "text/plain":
        st.text(shown)
    elif shown:
        markdown(shown)
    if shown != text:
        rest_of_text(text, shown, live, key)


def render_annotations(annotations: dict[str, Any]) -> None:
    """Whom a part is for and how much it matters, as its server annotated it."""
    shown = []
    if annotations.get("audience"):
        shown.append("for " + " and ".join(str(a) for a in annotations["audience"]))
    if annotations.get("priority") is not None:
        shown.append(f"priority {annotations['priority']}")
    if annotations.get("lastModified"):
        shown.append(f"modified {annotations['lastModified']}")
    if shown:
        st.caption(safe("🏷️ " + " · ".join(shown)))


def render_resource(part: dict[str, Any], live: bool, key: str) -> None:
    """Resource contents by media type: markdown, JSON, other text as code, bytes as a file."""
    media_type = part.get("media_type") or ""
    st.caption(safe(f"📄 `{part.get('uri', '')}` {media_type}"))
    if "bytes" in part:
        render_file({**part, "filename": part.get("uri", "").rsplit("/", 1)[-1]}, live, key)
        return
    text = part.get("text", "")
    if media_type == "application/json":
        try:
            st.json(json.loads(text), expanded=2)
        except ValueError:
            st.code(text)
    elif media_type in ("text/markdown", ""):
        markdown(text)
    else:
        st.code(text, language=None)


def render_file(part: dict[str, Any], live: bool, key: str) -> None:
    """An image, audio or video player, else a download (or a link for a URL). Whatever the
    bytes are, drawing them never fails the page: images go to the browser to decode, and
    what cannot be shown is offered as a download with a note."""
    media_type = part.get("media_type") or "application/octet-stream"
    name = part.get("filename") or "file"
    if "bytes" not in part:
        render_linked_file(part, media_type, name)
        return
    try:
        data = base64.b64decode(part["bytes"], validate=False)
    except (ValueError, TypeError):
        st.caption(safe(f"📎 {name} · {media_type}: its bytes are not valid base64, so not shown."))
        return
    try:
        if media_type.startswith("image/") and len(data) <= MAX_INLINE_IMAGE:
            # A data URL: the browser decodes it (Pillow, which st.image uses for bytes,
            # rejects images browsers show, and SVG altogether).
            encoded = base64.b64encode(data).decode("ascii")
            st.image(
                f"data:{media_type};base64,{encoded}",
                caption=safe(part.get("filename") or "") or None,
            )
            return
        if media_type.startswith("audio/"):
            st.audio(data, format=media_type)
            return
        if media_type.startswith("video/"):
            st.video(data, format=media_type)
            return
    except Exception as error:  # a player that refuses these bytes: say so, offer them
        st.caption(
            safe(f"📎 {name} · {media_type} could not be shown here ({type(error).__name__}).")
        )
    render_download(data, name, media_type, live, key)


def render_linked_file(part: dict[str, Any], media_type: str, name: str) -> None:
    """A file the counterpart sent by URL: played only once the person allows its host."""
    url = part.get("url", "")
    playable = media_type.split("/")[0] in ("image", "audio", "video")
    if not playable or not media_allowed(url):
        held = " (not loaded)" if playable else ""
        markdown(f"📎 [{name}]({url}) · {media_type}{held}")
    elif media_type.startswith("image/"):
        st.image(url, caption=safe(part.get("filename") or "") or None)
    elif media_type.startswith("audio/"):
        st.audio(url, format=media_type)
    else:
        st.video(url, format=media_type)


def render_download(data: bytes, name: str, media_type: str, live: bool, key: str) -> None:
    """The bytes as a download (while a turn is live, just what they are)."""
    if live:
        st.caption(safe(f"📎 {name} · {media_type} · {len(data)} bytes"))
    else:
        label = safe(f"📎 Download {name}")
        st.download_button(label, data, file_name=name, mime=media_type, key=key)


def render_notice(notice: dict[str, Any], key: str = "", live: bool = False) -> None:
    """An info, warning or error message with what to do about it, and the pages a server
    asks the person to open."""
    text = notice.get("text", "")
    if notice.get("hint"):
        text += f"\n\n{notice['hint']}"
    text = safe(text)
    level = notice.get("level", Level.INFO)
    if level == Level.ERROR:
        st.error(text, icon="⚠️")
    elif level == Level.WARNING:
        st.warning(text)
    else:
        st.info(text)
    if notice.get("pages"):
        render_pages(notice["pages"], key, live)
