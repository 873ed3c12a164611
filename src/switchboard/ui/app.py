"""Switchboard's Streamlit entry point: the page list, nothing else."""

import streamlit as st

from switchboard.ui.agents_page import agents_page
from switchboard.ui.chat_page import chat_page
from switchboard.ui.inspector_page import inspector_page

st.set_page_config(page_title="Switchboard", page_icon="🎛️", layout="wide")
st.navigation(
    [
        st.Page(chat_page, title="Chat", icon="💬", url_path="chat", default=True),
        st.Page(agents_page, title="Agents", icon="🛰️", url_path="agents"),
        st.Page(inspector_page, title="Inspector", icon="🔎", url_path="inspector"),
    ]
).run()
