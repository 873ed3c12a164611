"""Switchboard's Streamlit entry point: the page list, nothing else."""

import streamlit as st

from switchboard.ui.pages import all_pages

st.set_page_config(page_title="Switchboard", page_icon="🎛️", layout="wide")
st.navigation(all_pages()).run()
