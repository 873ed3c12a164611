"""The Streamlit pages. The only layer that imports streamlit."""
