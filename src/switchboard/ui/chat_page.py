"""The chat page: render the conversation's log, follow the running turn live, take prompts."""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import SETTLED, Event, Kind, StepKind
from switchboard.chat.turns import TurnView, fold_bubbles, pending_task, turn_numbers
from switchboard.ui.conversations import render_conversation_list
from switchboard.ui.links import PageName, page
from switchboard.ui.questions import render_questions
from switchboard.ui.remote_content import markdown, safe
from switchboard.ui.render import render_turn
from switchboard.ui.sent_data import render_data_editor, render_person
from switchboard.ui.state import (
    attempt,
    await_connections,
    current_conversation,
    owner,
    start_conversation,
    stop_check,
    workspace,
)
from switchboard.ui.url_pages import render_retries
from switchboard.workspace import (
    ASSISTANT,
    HOW_TO_CONFIGURE,
    NOT_CONFIGURED,
    CardInfo,
    Status,
    Workspace,
)

COALESCE = 0.03  # seconds to let more events arrive before redrawing the live bubble


SHOWN_TURNS = 6  # turns a conversation opens with (a screenful and more); older ones on request
MORE_TURNS = 20  # turns each "Show earlier" adds


def chat_page() -> None:
    """The chat with the current conversation's counterpart."""
    ws = workspace()
    conversation = current_conversation(ws)
    render_sidebar(ws, conversation)
    assisted = conversation.counterpart == ASSISTANT
    await_connections(ws, None if assisted else [conversation.counterpart])
    if assisted:
        render_assistant_header(ws)
    else:
        render_header(ws, conversation)
    # One snapshot decides everything this run draws, the input's placeholder included.
    events = conversation.events()
    shown, numbers = shown_turns(conversation.id), turn_numbers(events)
    # The newest turns only, and one more (the turn a resumed one may continue): a rerun
    # folds and draws what it shows, however long the conversation.
    since = numbers[-shown - 1] if len(numbers) > shown else 0
    views = fold_bubbles(events, since)  # a resumed task's turns: one bubble
    waiting = pending_task(views) is not None
    st.chat_input(
        "Reply to the agent…" if waiting else f"Message {conversation.counterpart}",
        key="prompt",
        on_submit=send_prompt,
        args=(ws, conversation.id),
    )
    if not views and not assisted:
        render_welcome(ws, conversation)
    live = views[-1] if views and not views[-1].ended else None
    for view in windowed(views, shown, len(numbers), conversation.id):
        if view is not live:
            render_exchange(ws, view, conversation.id, current=view is views[-1])
    if live is None:
        render_controls(ws, conversation, views[-1] if views else None, running=False)
        render_data_editor(ws, conversation.id)
        return
    follow_live_turn(ws, conversation, live, offset=len(events))


def shown_turns(conversation_id: str) -> int:
    """How many of the newest turns this session draws of the conversation."""
    return int(st.session_state.get(f"shown-turns-{conversation_id}", SHOWN_TURNS))


def windowed(views: list[TurnView], shown: int, total: int, conversation_id: str) -> list[TurnView]:
    """The `shown` newest of the conversation's `total` turns, and "Show earlier", which draws
    MORE_TURNS more each time (search, export and the store always have all of it)."""
    if total <= shown:
        return views
    st.button(
        f"⬆ Show earlier turns ({total - shown} not shown)",
        key=f"earlier-{conversation_id}",
        on_click=st.session_state.__setitem__,
        args=(f"shown-turns-{conversation_id}", shown + MORE_TURNS),
    )
    return views[-shown:]


def follow_live_turn(
    ws: Workspace, conversation: Conversation, live: TurnView, offset: int
) -> None:
    """Draw the running turn and redraw it as events arrive, until it ends; then rerun so the
    page settles. A rerun or a closed tab ends this loop via Streamlit's stop check; the turn
    itself runs on, on the background loop."""
    render_person(live)
    key, steps = f"{conversation.id}-{live.turn}", show_steps()
    with st.chat_message("assistant"):
        slot = st.empty()
    with slot.container():
        render_turn(live, live=True, key=key, steps=steps, conversation=conversation.id)
    cancel = render_controls(ws, conversation, live, running=True)
    render_data_editor(ws, conversation.id)
    if live.open_questions:
        # Draw the questions and let the run end (an answer reruns); a watcher reruns the page
        # when anything else happens meanwhile (another step, a further question).
        render_questions(ws, live)
        rerun_when_log_grows(conversation, offset)
        return

    had_task = bool(live.task_id)

    last = live.numbers[-1]

    def rerun_on(event: Event) -> bool:  # the end, or a new question that needs its form
        return event.ends(last) or (event.kind == Kind.QUESTION and event.turn == last)

    for batch in conversation.log.follow(offset, until=rerun_on, stop_check=stop_check()):
        for event in batch:
            if event.turn == last:
                live.apply_event(event)
        with slot.container():
            render_turn(live, live=True, key=key, steps=steps, conversation=conversation.id)
        if live.task_id and not had_task and cancel is not None:
            had_task = True  # the task exists now: Cancel task, drawn while it streams
            cancel_button(ws, conversation.id, cancel)
        if answer_begun(live):  # the first words are drawn the moment they come; later ones
            time.sleep(COALESCE)  # wait a little, to be drawn together
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


def send_prompt(ws: Workspace, conversation_id: str) -> None:
    """Chat-input callback: send before the run starts, so the run draws the new turn."""
    text = st.session_state.get("prompt")
    if text:
        attempt(ws.chat.send, conversation_id, text)


def render_exchange(ws: Workspace, view: TurnView, conversation_id: str, current: bool) -> None:
    """A finished turn: the person's prompt and the counterpart's bubble, with a Retry for
    each call a server refused until the person opened its page."""
    render_person(view)
    with st.chat_message("assistant"):
        key = f"{conversation_id}-{view.turn}"
        render_turn(
            view,
            live=False,
            key=key,
            steps=show_steps(),
            current=current,
            conversation=conversation_id,
        )
        render_retries(ws, conversation_id, view, key)


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


def render_header(ws: Workspace, conversation: Conversation) -> None:
    """Who this conversation is with, and how that connection is doing."""
    agent = ws.agent(conversation.counterpart, conversation.owner)
    st.subheader(safe(conversation.counterpart))
    if agent is None:
        st.error(
            safe(
                f"{conversation.counterpart!r} is not connected. Add it again on the Agents "
                "page, or pick another counterpart in the sidebar."
            )
        )
        return
    facts = [agent.protocol or agent.status]
    if conversation.context_id():
        facts.append(f"context `{conversation.context_id()}`")
    st.caption(safe(" · ".join(facts)))
    if agent.status == Status.FAILED:
        st.error(safe(f"Cannot reach this agent: {agent.error}"), icon="⚠️")
        if ws.access.may_change(agent, conversation.owner):
            args = (agent.name, conversation.owner)
            st.button("Reconnect", key="reconnect", on_click=ws.reconnect_agent, args=args)
    elif agent.status == Status.CONNECTING:
        st.info("Connecting… your message will be sent as soon as the agent answers.")


def render_assistant_header(ws: Workspace) -> None:
    """The assistant: which model, and what it can use; how to configure one if there is none."""
    st.subheader(ASSISTANT)
    model = ws.model(owner())
    if not model.configured:
        st.info(f"{NOT_CONFIGURED} {HOW_TO_CONFIGURE}", icon="🧠")
        st.page_link(page(PageName.ASSISTANT), label="Set up the model", icon="⚙️")
        return
    offered = ws.offered(owner())
    agents = sum(t.kind == StepKind.AGENT for t in offered)
    tools = len(offered) - agents
    asks = "asks before each call" if model.approval.get("*", "ask") == "ask" else "calls freely"
    st.caption(
        f"`{model.model}` at {model.endpoint} · {tools} MCP tools · {agents} agents · {asks}"
    )


def render_welcome(ws: Workspace, conversation: Conversation) -> None:
    """An empty conversation: what the agent says it does, and its example prompts. All in
    one container, so the first element the next run draws (the turn an example starts)
    replaces all of it, instead of the buttons staying on screen for the whole live turn."""
    agent = ws.agent(conversation.counterpart, conversation.owner)
    if agent is None or agent.card is None:
        return
    with st.container():
        draw_welcome(ws, conversation, agent.card)


def draw_welcome(ws: Workspace, conversation: Conversation, card: CardInfo) -> None:
    """The agent's description and its examples as buttons that send them."""
    markdown(card.description)
    examples = [(s["name"], e) for s in card.skills for e in s["examples"]]
    if not examples:
        return
    st.caption("Try one of the agent's examples:")
    columns = st.columns(min(4, len(examples)))
    for index, (skill, example) in enumerate(examples):
        columns[index % len(columns)].button(
            safe(example),
            key=f"example-{index}",
            help=safe(skill),
            on_click=attempt,
            args=(ws.chat.send, conversation.id, example),
            width="stretch",
        )


def render_sidebar(ws: Workspace, conversation: Conversation) -> None:
    """Whom to talk to, a new conversation, and the conversations of this server."""
    with st.sidebar:
        current = conversation.counterpart
        working = [a.name for a in ws.agents(owner()) if a.status == Status.READY]
        names = [ASSISTANT, *working, *([current] if current not in (ASSISTANT, *working) else [])]
        key = f"talk-to-{conversation.id}"
        st.selectbox(
            "Talk to",
            names,
            index=names.index(current) if current in names else 0,
            key=key,
            on_change=switch_counterpart,
            args=(ws, key),
            help="The assistant (a model that uses every tool and agent), or one agent directly. "
            "Changing it starts a new conversation.",
        )
        st.button(
            "➕ New conversation",
            width="stretch",
            on_click=lambda: start_conversation(ws, current),
        )
        st.toggle("Show task steps", key="show-steps", help="Open each turn's state history.")
        render_conversation_list(ws, conversation)


def switch_counterpart(ws: Workspace, key: str) -> None:
    """Selectbox callback: a new conversation with the chosen agent."""
    start_conversation(ws, st.session_state[key])


def show_steps() -> bool:
    """The sidebar's "Show task steps" toggle."""
    return bool(st.session_state.get("show-steps"))
