"""Signing in from the pages: a server's "Sign in required" with the button that opens its
authorization page, Sign out, and the page the authorization server sends the person back to
(`oauth_callback`), which hands the redirect to the waiting connection and says what happened.
"""

from __future__ import annotations

import streamlit as st

from switchboard.ui.links import PageName, page
from switchboard.ui.state import owner, workspace
from switchboard.workspace import Workspace
from switchboard.workspace.views import ServerView

DONE = "sign-in-done"  # the session's last callback message (a rerun must not redeem twice)


def sign_in_panel(ws: Workspace, server: ServerView) -> None:
    """The server's sign-in: the button while one waits, Sign out once signed in."""
    if server.sign_in_url:
        if ws.access.may_change(server, owner()):
            st.warning(
                f"**Sign in required**: {server.name} asks you to sign in. Open its sign-in "
                "page; when you come back here, it connects.",
                icon="🔐",
            )
            st.link_button("🔐 Sign in", server.sign_in_url, type="primary")
        else:
            st.info(f"{server.name} waits for an admin to sign in.", icon="🔐")
    elif server.signed_in and ws.access.may_change(server, owner()):
        st.button(
            "🚪 Sign out",
            key=f"mcp-sign-out-{server.name}",
            on_click=ws.change_server,
            args=(server.name, owner()),
            kwargs={"sign_out": True},
            help="Forget the tokens kept for this server; connecting asks for a new sign-in.",
        )


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
    st.page_link(page(PageName.MCP), label="Back to the MCP servers", icon="🧰")
