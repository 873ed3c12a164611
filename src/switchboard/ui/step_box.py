"""The box a step of a turn is drawn in, with one truthful mark: a spinner while it runs, one
tick when done, an error mark when it failed, a question mark while it waits for the person,
a stop sign once canceled, a pause sign once nobody listens any more."""

from __future__ import annotations

from contextlib import AbstractContextManager
from enum import StrEnum

import streamlit as st

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
    Mark.RUNNING: "spinner",  # the spinner, tick and error mark Streamlit's status box draws
    Mark.DONE: ":material/check:",
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
    """A collapsible box titled `label` with `mark` as its icon, to draw the step's details
    in. An expander, not Streamlit's status box (whose spinner, tick and error mark it shows
    alike): that one waits 50 ms each time it is made, which every finished turn of a long
    conversation would cost on every rerun, and a live turn on every redraw."""
    return st.expander(safe(label), expanded=expanded, icon=ICONS[mark])
