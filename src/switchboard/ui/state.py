"""What every page shares: the process-wide workspace and the current conversation."""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import gc
import ipaddress
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import streamlit as st

from switchboard.chat.conversation import Conversation, Summary
from switchboard.workspace import (
    APP_SECRET_ENVS,
    ASSISTANT,
    LOCAL_OWNER,
    ConversationBusy,
    Pending,
    Status,
    Workspace,
    load_settings,
    resolve_config_path,
)

T = TypeVar("T")
CONVERSATION_PARAM = "c"
SHARED_NOTE = "Shared with everyone (from the config file)."
YOURS = "Your sign-in to it is your own; only an admin can change or remove it."
STATUS_ICONS = {
    Status.READY: "🟢",
    Status.CONNECTING: "🟡",
    Status.RECONNECTING: "🟠",
    Status.IDLE: "⚪",
    Status.FAILED: "🔴",
    Status.CLOSED: "⚫",
    Status.DISABLED: "⏸️",
}
CONNECTED_WAIT = 30.0  # seconds the Agents and MCP pages wait for a connection they just made
CONNECT_WAIT = 5.0  # seconds a page waits for connecting agents before drawing without them


def listens_on_loopback() -> bool:
    """Whether only this machine can reach the app (Streamlit's server.address is loopback;
    empty means every interface)."""
    address = str(st.get_option("server.address") or "")
    if address in ("localhost", ""):
        return address == "localhost"
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def workspace() -> Workspace:
    """The one workspace of this server process (its loop, connections and conversations)."""
    path = resolve_config_path()
    return _workspace(str(path) if path else "")


@st.cache_resource(
    show_spinner="Starting Switchboard…",
    validate=lambda ws: ws.is_alive(),
    on_release=lambda ws: ws.close_soon(),
)
def _workspace(config_path: str) -> Workspace:
    prepared = _take_prepared(config_path)
    return prepared if prepared is not None else _open_workspace(config_path)


# The workspace opened as the server starts (`prepare_workspace`), for the first page to take.
_PREPARED: dict[str, concurrent.futures.Future[Workspace]] = {}
PREPARED_WAIT = 60.0  # seconds the first page waits for the workspace being prepared


def prepare_workspace() -> None:
    """Open the workspace before the first page asks for it (once the server runs: its
    options are read), so the first person's first page does not wait for the loop, the
    store and the connections to start."""
    path = resolve_config_path()
    key = str(path) if path else ""
    future: concurrent.futures.Future[Workspace] = concurrent.futures.Future()
    _PREPARED[key] = future
    try:
        future.set_result(_open_workspace(key))
    except Exception as error:
        future.set_exception(error)


def _take_prepared(config_path: str) -> Workspace | None:
    """The prepared workspace for this config, once (a later rebuild opens a new one)."""
    future = _PREPARED.pop(config_path, None)
    if future is None:
        return None
    try:
        return future.result(PREPARED_WAIT)
    except Exception:
        return None


def _open_workspace(config_path: str) -> Workspace:
    settings = load_settings(Path(config_path) if config_path else None, env=environment())
    if not settings.secret_key:  # SWITCHBOARD_SECRET_KEY first, else secrets.toml's secret_key
        settings = replace(settings, secret_key=streamlit_secret("secret_key"))
    # Served for a team (beyond loopback, or with logins, as behind a proxy on loopback):
    # what people enter in the UI is held to the allow list.
    # With logins, each person signs in to a shared agent or server for themselves.
    logins = login_configured()
    opened = Workspace.open(
        settings, exposed=logins or not listens_on_loopback(), each_person=logins
    )
    atexit.register(opened.close)
    # Long-lived start-up objects leave the GC's view: full collections stop stalling the loop.
    gc.collect()
    gc.freeze()
    return opened


def forget_workspace() -> Workspace:
    """Drop the cached workspace (the next page builds a new one) and hand it back to be
    closed: what a restart of the server process does."""
    cached = workspace()
    _workspace.clear()
    return cached


def attempt(action: Callable[..., object], *args: object) -> None:
    """Run a chat action from a widget callback; a conversation busy on another replica is
    said in a toast instead of a traceback."""
    try:
        action(*args)
    except ConversationBusy as busy:
        st.toast(str(busy), icon="⏳")


def stop_check() -> Callable[[], None]:
    """Streamlit's own "is this run obsolete?" check (raises to end a stale run), or a no-op.

    It is private API (what st.cache_* uses for its waits), so degrade to stopping at the next
    st.* call when it is missing."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check
    except ImportError:  # pragma: no cover - older or newer Streamlit
        return lambda: None
    return get_run_yield_check() or (lambda: None)


def await_connections(ws: Workspace, names: list[str] | None = None) -> None:
    """Give connections that are still connecting a few seconds (bounded, rerun-aware) so a
    first visit shows their cards and tools instead of "connecting"."""
    if ws.connecting(names):
        with st.spinner("Connecting…"):
            ws.await_connections(names, CONNECT_WAIT, stop_check())


def wait_connected(pending: Pending[T], what: str) -> T | None:
    """Wait (bounded, rerun-aware, with a spinner) for a connection being made; None, with a
    note that its status will update, if it takes longer."""
    try:
        with st.spinner(f"Connecting to {what}…"):
            return pending.wait(CONNECTED_WAIT, stop_check())
    except TimeoutError:
        st.warning(f"{what} is still connecting; its status below will update.")
        return None


def owner() -> str:
    """Whose conversations these are: the signed-in user's when Streamlit's OIDC login is
    configured (`[auth]` in secrets.toml), else the one local user's."""
    if st.user.get("is_logged_in"):
        return str(st.user.get("email") or st.user.get("sub") or "user")
    return LOCAL_OWNER


def login_configured() -> bool:
    """Whether Streamlit's OIDC login is configured (`[auth]` in secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def require_login() -> bool:
    """With `[auth]` configured, ask for a login before anything else; True when the app may
    be drawn."""
    if login_configured() and not st.user.get("is_logged_in"):
        st.title("Switchboard")
        st.write("Log in to see your conversations.")
        st.button("Log in", type="primary", on_click=st.login)
        return False
    return True


def current_conversation(ws: Workspace) -> Conversation:
    """The conversation named in the URL, else this session's last one, else a new one: with
    the assistant when a model is configured (or there is no agent), else the first agent."""
    wanted = st.query_params.get(CONVERSATION_PARAM) or st.session_state.get("conversation")
    if wanted:
        found = ws.conversation(wanted, owner())
        if found is not None:
            open_conversation(found)
            return found
        st.toast("That conversation is not on this server any more; starting a new one.")
    return start_conversation(ws, default_counterpart(ws))


def default_counterpart(ws: Workspace) -> str:
    """Who a new conversation is with: the assistant when a model is configured (or there is
    no agent), else the first agent."""
    agents = ws.agents(owner())
    return ASSISTANT if ws.model(owner()).configured or not agents else agents[0].name


def start_conversation(ws: Workspace, counterpart: str) -> Conversation:
    """A new conversation with `counterpart`, made current."""
    conversation = ws.chat.new_conversation(counterpart, owner())
    open_conversation(conversation)
    return conversation


def open_conversation(conversation: Conversation | Summary) -> None:
    """Make `conversation` current: in the URL (so a reload finds it) and in the session."""
    st.session_state["conversation"] = conversation.id
    if st.query_params.get(CONVERSATION_PARAM) != conversation.id:
        st.query_params[CONVERSATION_PARAM] = conversation.id


def pasted_environment() -> dict[str, str]:
    """What `${VAR}` in a pasted server may use: nothing once people sign in (one person's
    paste must not read the process's variables), else the environment without the app's
    own secrets."""
    if login_configured():
        return {}
    return {k: v for k, v in environment().items() if k not in APP_SECRET_ENVS}


def environment() -> dict[str, str]:
    """Environment variables plus Streamlit's root-level secrets, for `${VAR}` in the config."""
    env = dict(os.environ)
    with contextlib.suppress(Exception):  # no secrets.toml anywhere: nothing to add
        env.update({k: str(v) for k, v in st.secrets.items() if isinstance(v, str | int | float)})
    return env


def streamlit_secret(name: str) -> str:
    """A root-level value of Streamlit's secrets ("" when absent or there are no secrets)."""
    with contextlib.suppress(Exception):  # no secrets.toml anywhere
        return str(st.secrets.get(name) or "")
    return ""


def watch_connections(ws: Workspace) -> None:
    """Rerun the page when any connection changes state (a reconnect, a failure), checking
    every two seconds without redrawing anything else."""
    drawn = ws.connection_states()

    @st.fragment(run_every=2.0)
    def watcher() -> None:
        if ws.connection_states() != drawn:
            st.rerun()

    watcher()
