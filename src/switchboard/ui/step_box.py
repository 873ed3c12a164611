"""The box a step of a turn is drawn in, with one truthful mark: a spinner while it runs, one
tick when done, an error mark when it failed, a question mark while it waits for the person,
a stop sign once canceled, a pause sign once nobody listens any more."""

from __future__ import annotations

from contextlib import AbstractContextManager
from enum import StrEnum
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from switchboard.chat.events import TaskState
from switchboard.ui.remote_content import safe


class Mark(StrEnum):
    """How a step stands, as its box shows it."""

    RUNNING = "running"
    DONE = "complete"
    FAILED = "error"
    ASKS = "asks"  # waits for the person's input
    SIGN_IN = "sign-in"  # waits for the person's authorization
    CANCELED = "canceled"
    PAUSED = "paused"  # no longer listened to: it may still run


ICONS = {
    Mark.DONE: ":material/check:",  # the tick and error mark Streamlit's status box draws
    Mark.FAILED: ":material/error:",
    Mark.ASKS: "❓",
    Mark.SIGN_IN: "🔐",
    Mark.CANCELED: "🛑",
    Mark.PAUSED: "⏸️",
}

STATE_MARKS = {
    TaskState.SUBMITTED: Mark.RUNNING,
    TaskState.WORKING: Mark.RUNNING,
    TaskState.UNKNOWN: Mark.RUNNING,
    TaskState.INPUT_REQUIRED: Mark.ASKS,
    TaskState.AUTH_REQUIRED: Mark.SIGN_IN,
    TaskState.COMPLETED: Mark.DONE,
    TaskState.FAILED: Mark.FAILED,
    TaskState.REJECTED: Mark.FAILED,
    TaskState.CANCELED: Mark.CANCELED,
}
# The marks of a task's state history, one line per state.
STATE_ICONS = {
    TaskState.SUBMITTED: "📨",
    TaskState.WORKING: "⏳",
    TaskState.INPUT_REQUIRED: "❓",
    TaskState.AUTH_REQUIRED: "🔐",
    TaskState.COMPLETED: "✅",
    TaskState.FAILED: "❌",
    TaskState.CANCELED: "🛑",
    TaskState.REJECTED: "⛔",
    TaskState.UNKNOWN: "❔",
}


def step_box(label: str, mark: Mark, expanded: bool = False) -> AbstractContextManager[object]:
    """A collapsible box titled `label` with `mark`, to draw the step's details in: a status
    box with its spinner while the step runs; else an expander with the mark as its icon
    (Streamlit's status box waits 50 ms each time one is made: every finished turn of a long
    conversation would cost that on every rerun)."""
    if mark is Mark.RUNNING:
        return HeldStatus(st.status(safe(label), state=mark.value, expanded=expanded))
    return st.expander(safe(label), expanded=expanded, icon=ICONS[mark])


class HeldStatus:
    """A status box entered as a plain container: leaving Streamlit's own `with` marks a
    running box complete (a tick on a step still running) after a 50 ms sleep."""

    def __init__(self, box: DeltaGenerator) -> None:
        self.box = box

    def __enter__(self) -> DeltaGenerator:
        return DeltaGenerator.__enter__(self.box)

    def __exit__(self, *exc: object) -> Literal[False]:
        return DeltaGenerator.__exit__(self.box, *exc)  # type: ignore[arg-type]
