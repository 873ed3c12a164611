"""What counterparts send is drawn without the browser fetching anything from elsewhere: remote
images and media wait until the person allows their host (for this session) or everything in
one conversation. Every counterpart string goes through `safe` or `markdown` here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import streamlit as st

from switchboard.ui.line_breaks import kept_lines
from switchboard.ui.markdown_guard import INLINE_IMAGE, Guarded, guard, host_of

HOSTS_KEY = "remote-hosts"  # session state: hosts the person allowed
CONVERSATIONS_KEY = "remote-conversations"  # session state: conversations fully allowed
FLATTENED_NOTE = "A link in this text would run code or open a page it makes up: shown as sent."


@dataclass
class Scope:
    """One part of a page (a turn, a card, a server) and the hosts it held back."""

    conversation: str | None
    held: dict[str, None] = field(default_factory=dict)


_SCOPE: ContextVar[Scope | None] = ContextVar("remote_content_scope", default=None)


def allowed(host: str) -> bool:
    """Whether media from `host` may load where it is drawn now."""
    scope = _SCOPE.get()
    if scope and scope.conversation in st.session_state.get(CONVERSATIONS_KEY, set()):
        return True
    return host in st.session_state.get(HOSTS_KEY, set())


def safe(text: str) -> str:
    """`text` as markdown that loads nothing the person has not allowed (for labels, captions
    and messages as well as bodies)."""
    return _guarded(text).text


def markdown(text: str) -> None:
    """A counterpart's markdown, drawn safely; a note when a link in it was made inert."""
    guarded = _guarded(text)
    st.markdown(kept_lines(guarded.text))
    if guarded.flattened:
        st.caption(FLATTENED_NOTE)


def _guarded(text: str) -> Guarded:
    guarded = guard(text, allowed)
    scope = _SCOPE.get()
    if scope is not None:
        scope.held.update(dict.fromkeys(guarded.blocked))
    return guarded


def media_allowed(url: str) -> bool:
    """Whether the browser may fetch this media URL now; if not, its host is offered."""
    if INLINE_IMAGE.match(url):
        return True
    host = host_of(url)
    if host is not None and allowed(host):
        return True
    scope = _SCOPE.get()
    if scope is not None and host is not None:
        scope.held[host] = None
    return False


@contextmanager
def remote_content(conversation: str | None, key: str, live: bool = False) -> Iterator[None]:
    """Collect what the content drawn inside holds back, then offer to load it (while a turn
    is live only say so: its widgets are drawn once it ends)."""
    scope = Scope(conversation)
    token = _SCOPE.set(scope)
    try:
        yield
    finally:
        _SCOPE.reset(token)
    if scope.held:
        offer(scope, key, live)


def offer(scope: Scope, key: str, live: bool) -> None:
    """Say which hosts were held back, with a button to allow each (and the conversation)."""
    hosts = list(scope.held)
    st.caption("🛡️ Not loaded, until you allow it: media from " + ", ".join(f"`{h}`" for h in hosts))
    if live:
        return
    columns = st.columns(min(len(hosts), 3) + (scope.conversation is not None))
    for index, host in enumerate(hosts[:3]):
        columns[index].button(
            f"Load from {host}", key=f"{key}-allow-{host}", on_click=_allow, args=(HOSTS_KEY, host)
        )
    if scope.conversation is not None:
        columns[-1].button(
            "Load all in this conversation",
            key=f"{key}-allow-all",
            on_click=_allow,
            args=(CONVERSATIONS_KEY, scope.conversation),
        )


def _allow(kind: str, value: str) -> None:
    st.session_state[kind] = st.session_state.get(kind, set()) | {value}
