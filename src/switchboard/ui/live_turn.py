"""A running turn on the chat page: its bubble redrawn as events arrive, and below it Stop,
Cancel task and the data editor. A rerun sends the whole page again and the browser renders
all of it before the answer's first words; so what does not change with the answer (the
controls below it, the sidebar) is drawn just after those words, or after a short wait."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import SETTLED, Event, Kind
from switchboard.chat.turns import TurnView
from switchboard.ui.deferred import Deferred
from switchboard.ui.questions import render_questions
from switchboard.ui.render import render_turn
from switchboard.ui.sent_data import render_data_editor, render_person
from switchboard.ui.state import attempt, stop_check
from switchboard.workspace import Workspace

COALESCE = 0.03  # seconds to let more events arrive before redrawing the live bubble


class LiveControls:
    """Stop and Cancel task (once the task exists) and the data editor, in their place below
    the live bubble, drawn when `draw` is called."""

    def __init__(self, ws: Workspace, conversation: Conversation, live: TurnView) -> None:
        self._ws, self._conversation, self._live = ws, conversation, live
        self._where = st.container()
        self._cancel: DeltaGenerator | None = None
        self._with_cancel = False

    def draw(self) -> None:
        """Draw them (once; Deferred sees to that)."""
        with self._where:
            self._cancel = render_controls(self._ws, self._conversation, self._live, running=True)
            render_data_editor(self._ws, self._conversation.id)
        self._with_cancel = bool(self._live.task_id)

    def task_known(self) -> None:
        """Add Cancel task once the turn has a task, if the controls are drawn without it."""
        if self._cancel is not None and self._live.task_id and not self._with_cancel:
            self._with_cancel = True
            cancel_button(self._ws, self._conversation.id, self._cancel)


def follow_live_turn(
    ws: Workspace,
    conversation: Conversation,
    live: TurnView,
    offset: int,
    steps: bool,
    sidebar: Callable[[], None],
) -> None:
    """Draw the running turn and redraw it as events arrive, until it ends; then rerun so the
    page settles. The controls below it and the `sidebar` are drawn once the answer's first
    words are (or after a moment without any). A rerun or a closed tab ends this loop via
    Streamlit's stop check; the turn itself runs on, on the background loop."""
    render_person(live)
    key = f"{conversation.id}-{live.turn}"
    with st.chat_message("assistant"):
        slot = st.empty()
    with slot.container():
        render_turn(live, live=True, key=key, steps=steps, conversation=conversation.id)
    controls = LiveControls(ws, conversation, live)

    def draw_rest() -> None:
        controls.draw()
        sidebar()

    rest = Deferred(draw_rest)
    if live.open_questions:
        # Draw the questions and let the run end (an answer reruns); a watcher reruns the page
        # when anything else happens meanwhile (another step, a further question).
        rest.now()
        render_questions(ws, live)
        rerun_when_log_grows(conversation, offset)
        return

    last = live.numbers[-1]

    def rerun_on(event: Event) -> bool:  # the end, or a new question that needs its form
        return event.ends(last) or (event.kind == Kind.QUESTION and event.turn == last)

    stop = stop_check()

    def between_waits() -> None:
        stop()
        rest.due()

    for batch in conversation.log.follow(offset, until=rerun_on, stop_check=between_waits):
        for event in batch:
            if event.turn == last:
                live.apply_event(event)
        with slot.container():
            render_turn(live, live=True, key=key, steps=steps, conversation=conversation.id)
        controls.task_known()
        if answer_begun(live):  # the first words are drawn the moment they come; the rest
            time.sleep(COALESCE)  # of the page a moment later, not in the same render
            rest.now()
    rest.now()
    st.rerun()


def answer_begun(view: TurnView) -> bool:
    """Something the counterpart said is on screen (a message, an artifact, a status's words),
    not only the task's state."""
    return view.replied or bool(view.artifacts or view.status_parts)


def rerun_when_log_grows(conversation: Conversation, seen: int) -> None:
    """Check every second, without redrawing anything, whether the log has grown past what
    this run drew; rerun the page when it has."""

    @st.fragment(run_every=1.0)
    def watcher() -> None:
        if len(conversation.log) > seen:
            st.rerun()

    watcher()


def render_controls(
    ws: Workspace, conversation: Conversation, last: TurnView | None, running: bool
) -> DeltaGenerator | None:
    """Stop (stop listening) and Cancel task (CancelTask) while a turn runs; Resume and Cancel
    task after the person stopped listening to a task that was not finished. While a turn
    runs, the place of Cancel task (it is drawn there once the task exists)."""
    if last is None or (not last.task_id and not running):
        return None
    unfinished = last.task_id and last.state not in SETTLED
    if not running and not unfinished:
        return None
    columns = st.columns([1, 1, 4])
    if running:
        columns[0].button(
            "⏹ Stop",
            key="stop",
            help="Stop listening. The agent's task keeps running.",
            on_click=ws.chat.stop,
            args=(conversation.id,),
        )
    else:
        columns[0].button(
            "▶ Resume",
            key="resume",
            help="Listen to the task again and get everything it produced meanwhile.",
            on_click=attempt,
            args=(ws.chat.resume, conversation.id),
        )
    place = columns[1].empty()
    if last.task_id:
        cancel_button(ws, conversation.id, place)
    return place


def cancel_button(ws: Workspace, conversation_id: str, place: DeltaGenerator) -> None:
    """Cancel task, in its place."""
    place.button(
        "✖ Cancel task",
        key="cancel-task",
        help="Ask the agent to cancel the task (A2A CancelTask).",
        on_click=cancel_task,
        args=(ws, conversation_id),
    )


def cancel_task(ws: Workspace, conversation_id: str) -> None:
    """Button callback: CancelTask, waiting briefly so the outcome shows in this run."""
    try:
        ws.cancel_task(conversation_id).wait(15, stop_check())
    except TimeoutError:
        st.toast("The agent has not answered the cancel request yet.")
