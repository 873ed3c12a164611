"""The chat page: render the conversation's log, follow the running turn live, take prompts."""

from __future__ import annotations

from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from switchboard.chat.conversation import Conversation
from switchboard.chat.events import Event, StepKind
from switchboard.chat.turns import TurnView, fold_bubbles, pending_task, turn_numbers
from switchboard.ui.conversations import render_conversation_list
from switchboard.ui.links import PageName, page
from switchboard.ui.live_turn import follow_live_turn, render_controls
from switchboard.ui.remote_content import markdown, safe
from switchboard.ui.render import render_turn
from switchboard.ui.sent_data import render_data_editor, render_person
from switchboard.ui.state import (
    attempt,
    await_connections,
    current_conversation,
    owner,
    start_conversation,
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

SHOWN_TURNS = 6  # turns a conversation opens with (a screenful and more); older ones on request
MORE_TURNS = 20  # turns each "Show earlier" adds
FOLDED = "folded-turns"  # session state: the last ended fold this session drew, and its key


def chat_page() -> None:
    """The chat with the current conversation's counterpart."""
    ws = workspace()
    conversation = current_conversation(ws)
    assisted = conversation.counterpart == ASSISTANT
    await_connections(ws, None if assisted else [conversation.counterpart])
    if assisted:
        render_assistant_header(ws)
    else:
        render_header(ws, conversation)
    # One snapshot decides everything this run draws, the input's placeholder included.
    events = conversation.events()
    shown, numbers = shown_turns(conversation.id), turn_numbers(events)
    # The newest turns only, one more while a turn runs, and one more again (the turn a
    # resumed one may continue): a rerun folds and draws what it shows, however long the
    # conversation.
    since = numbers[-shown - 2] if len(numbers) > shown + 1 else 0
    views = folded(conversation.id, events, since)
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
    # The finished turns, in one container wherever they are: while a turn runs they are
    # drawn after its first words (the browser keeps the last run's until then, the same
    # turns in the same place), so a long history does not delay them.
    earlier = st.container() if len(views) > (live is not None) else None
    history = partial(render_history, ws, conversation.id, views, shown, len(numbers), earlier)
    if live is None:
        history()
        render_sidebar(ws, conversation)
        render_controls(ws, conversation, views[-1] if views else None, running=False)
        render_data_editor(ws, conversation.id)
        return

    def rest() -> None:  # drawn after the answer's first words
        history()
        render_sidebar(ws, conversation)

    follow_live_turn(ws, conversation, live, len(events), show_steps(), rest)


def render_history(
    ws: Workspace,
    conversation_id: str,
    views: list[TurnView],
    shown: int,
    total: int,
    where: DeltaGenerator | None,
) -> None:
    """The newest `shown` finished turns of the `total`, in `where`. While a turn runs, the
    same ones as just before it began: the window moves on once it has ended."""
    if where is None:
        return
    live = views[-1] if not views[-1].ended else None
    with where:
        for view in windowed(views, shown + (live is not None), total, conversation_id):
            if view is not live:
                render_exchange(ws, view, conversation_id, current=view is views[-1])


def shown_turns(conversation_id: str) -> int:
    """How many of the newest turns this session draws of the conversation."""
    return int(st.session_state.get(f"shown-turns-{conversation_id}", SHOWN_TURNS))


def folded(conversation_id: str, events: list[Event], since: int) -> list[TurnView]:
    """The turns from `since` on as bubbles (a resumed task's turns: one), folded once per
    snapshot: a rerun with nothing new (a click, a toggle) reuses this session's last fold,
    so a 20,000-part artifact is not walked again. A live turn is folded afresh each run
    (its view goes on taking events as they come)."""
    key = (conversation_id, since, len(events))
    kept = st.session_state.get(FOLDED)
    if kept is not None and kept[0] == key:
        return kept[1]
    views = fold_bubbles(events, since)
    st.session_state[FOLDED] = (key, views) if views and views[-1].ended else None
    return views


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
