"""Signing in from the pages: a server's or an agent's "Sign in required" with the button
that opens its authorization page (and a device code's code), Sign out, and the page the
authorization server sends the person back to (`oauth_callback`), which hands the redirect
to the waiting connection and says what happened.
"""

from __future__ import annotations

import streamlit as st

from switchboard.ui.links import PageName, page
from switchboard.ui.state import owner, workspace
from switchboard.workspace import Workspace
from switchboard.workspace.views import AgentView, ServerView

DONE = "sign-in-done"  # the session's last callback message (a rerun must not redeem twice)


def sign_in_panel(ws: Workspace, view: ServerView | AgentView) -> None:
    """A server's or an agent's sign-in: the button (and a device code's code) while one
    waits, Sign out once signed in."""
    # A shared one asks only where one person uses the app (with logins, each person sees
    # and signs in to a copy of their own).
    code = view.user_code if isinstance(view, AgentView) else ""
    if view.sign_in_url:
        st.warning(
            f"**Sign in required**: {view.name} asks you to sign in. "
            + (
                f"Open its sign-in page and enter the code **{code}** there (on any device); "
                "it connects once you approve."
                if code
                else "Open its sign-in page; when you come back here, it connects."
            ),
            icon="🔐",
        )
        st.link_button("🔐 Sign in", view.sign_in_url, type="primary")
    elif view.signed_in and (view.personal or ws.access.may_change(view, owner())):
        kind = "agent" if isinstance(view, AgentView) else "mcp"
        st.button(
            "🚪 Sign out",
            key=f"{kind}-sign-out-{view.name}",
            on_click=sign_out,
            args=(ws, view, owner()),
            help="Forget the tokens kept for it; connecting asks for a new sign-in.",
        )


def sign_out(ws: Workspace, view: ServerView | AgentView, user: str) -> None:
    """Forget the kept tokens and reconnect, which asks for a new sign-in."""
    if isinstance(view, AgentView):
        ws.reconnect_agent(view.name, user, sign_out=True)
    else:
        ws.change_server(view.name, user, sign_out=True)


def oauth_callback_page() -> None:
    """Where the authorization server redirects: the code (or its refusal) goes to the
    sign-in its `state` names, once; the query is cleared so a reload redeems nothing."""
    query = {key: st.query_params[key] for key in st.query_params}
    if "state" in query:
        ws = workspace()
        done = ws.signing.complete(query, owner(), ws.access)
        st.session_state[DONE] = (done.outcome.value, done.message)
        st.query_params.clear()
    outcome, message = st.session_state.get(DONE, ("", ""))
    if outcome == "signed-in":
        st.success(message, icon="✅")
    elif outcome:
        st.error(message, icon="⚠️")
    else:
        st.info("This page finishes a sign-in: the authorization server sends you here.")
    st.page_link(page(PageName.AGENTS), label="Back to the agents", icon="🤖")
    st.page_link(page(PageName.MCP), label="Back to the MCP servers", icon="🧰")
