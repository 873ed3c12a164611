"""Switchboard's Streamlit entry point: the page list, nothing else."""

import streamlit as st

from switchboard.ui.pages import all_pages
from switchboard.ui.state import require_login

st.set_page_config(page_title="Switchboard", page_icon="🎛️", layout="wide")
if require_login():
    st.navigation(all_pages()).run()
