"""The inspector's editor: a logged request, editable, sent again to the connection it came
from; the answer shown here and logged like any exchange."""

from __future__ import annotations

import streamlit as st

from switchboard.ui.exchange_rows import REPLAY_KEY, row_id
from switchboard.ui.remote_content import safe
from switchboard.ui.state import owner, stop_check, workspace
from switchboard.workspace import CallError, Draft, Exchange, Replayed, Source, draft_of, source_key

ANSWER_KEY = "inspect-replayed"  # session state: (row id, what the last replay got)


def replay_panel(rows: list[Exchange], sources: dict[str, Source]) -> bool:
    """The editor for the row chosen with "Edit and replay", if it is still in the log; True
    when it sent a request just now (the log has grown)."""
    chosen = st.session_state.get(REPLAY_KEY)
    row = next((r for r in rows if row_id(r) == chosen), None)
    draft = draft_of(row.first) if row is not None else None
    source = _names(sources).get(row.source) if row is not None else None
    if draft is None or source is None:
        return False
    with st.container(border=True):
        st.markdown(safe(f"**Replay** `{draft.method}` to {source[1]}"))
        edited = _edited(draft, chosen)
        send, close = st.columns([1, 5])
        sent = send.button("Send", type="primary", key=f"{chosen}-send")
        pop = st.session_state.pop
        close.button("Close", key=f"{chosen}-close", on_click=pop, args=(REPLAY_KEY,))
        if sent and edited is not None:
            _send(source, edited, chosen)
        answer = st.session_state.get(ANSWER_KEY)
        if answer and answer[0] == chosen:
            _shown(answer[1])
    return sent


def _edited(draft: Draft, key: str) -> Draft | None:
    """The draft as the person edits it; None (with a message) when it cannot be sent."""
    if not draft.http:
        method = st.text_input("Method", draft.method, key=f"{key}-method")
        body = st.text_area("Params (JSON)", draft.body, height=160, key=f"{key}-params")
        return Draft(method.strip(), body=body)
    target = st.text_input(f"{draft.method} URL", draft.target, key=f"{key}-url")
    lines = "\n".join(f"{name}: {value}" for name, value in draft.headers)
    head = st.text_area("Headers (one per line)", lines, height=110, key=f"{key}-headers")
    body = st.text_area("Body", draft.body, height=160, key=f"{key}-body")
    headers = [line.partition(":") for line in head.splitlines() if line.strip()]
    if any(not sep for _, sep, _ in headers):
        st.error("Write each header as `Name: value`.")
        return None
    pairs = tuple((name.strip(), value.strip()) for name, _, value in headers)
    return Draft(draft.method, target.strip(), pairs, body)


def _send(source: Source, draft: Draft, key: str) -> None:
    try:
        with st.spinner("Sending…"):
            answer = workspace().inspector.replay(source, owner(), draft, stop_check())
    except CallError as error:
        answer = Replayed("not sent", error.message)
    except TimeoutError:
        answer = Replayed("no answer", "No answer in time; it will show in the log if it comes.")
    st.session_state[ANSWER_KEY] = (key, answer)


def _shown(answer: Replayed) -> None:
    failed = not answer.status.startswith(("2", "ok"))
    (st.error if failed else st.success)(f"Answer: {answer.status}")
    json_like = answer.body.lstrip().startswith(("{", "["))
    st.code(answer.body or "(empty)", language="json" if json_like else None)


def _names(sources: dict[str, Source]) -> dict[str, Source]:
    """The sources by the key a row knows its connection by."""
    return {source_key(source): source for source in sources.values()}
