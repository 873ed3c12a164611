"""Switchboard's Streamlit entry point: the page list, nothing else."""

import streamlit as st

from switchboard.ui import links
from switchboard.ui.agents_page import agents_page
from switchboard.ui.assistant_page import assistant_page
from switchboard.ui.chat_page import chat_page
from switchboard.ui.inspector_page import inspector_page
from switchboard.ui.links import PageName
from switchboard.ui.mcp_page import mcp_page
from switchboard.ui.sign_in_page import oauth_callback_page
from switchboard.ui.state import require_login
from switchboard.ui.tasks_page import tasks_page

PAGES = {
    PageName.CHAT: st.Page(chat_page, title="Chat", icon="💬", url_path="chat", default=True),
    PageName.AGENTS: st.Page(agents_page, title="Agents", icon="🛰️", url_path="agents"),
    PageName.TASKS: st.Page(tasks_page, title="Tasks", icon="📋", url_path="tasks"),
    PageName.MCP: st.Page(mcp_page, title="MCP servers", icon="🧰", url_path="mcp"),
    PageName.ASSISTANT: st.Page(assistant_page, title="Assistant", icon="🧠", url_path="assistant"),
    PageName.INSPECTOR: st.Page(inspector_page, title="Inspector", icon="🔎", url_path="inspector"),
}
# Reached only from an authorization server's redirect, so it is not in the menu.
CALLBACK = st.Page(
    oauth_callback_page, title="Sign-in", icon="🔐", url_path="oauth_callback", visibility="hidden"
)

st.set_page_config(page_title="Switchboard", page_icon="🎛️", layout="wide")
# Streamlit's own Stop (in the header while a run lasts) would only stop redrawing a live turn,
# whose task runs on: the chat's Stop cancels the task, so the header's is hidden.
st.html("<style>[data-testid='stStatusWidget'] button { display: none; }</style>")
links.register({**PAGES, PageName.OAUTH_CALLBACK: CALLBACK})
if require_login():
    st.navigation([*PAGES.values(), CALLBACK]).run()
