"""Web chat (placeholder until the web-chat issue lands): shows the index status."""

import streamlit as st

from assistant.settings import Settings
from ingest.pipeline import read_state

st.set_page_config(page_title="CBEC Compliance Assistant", page_icon="📦")
st.title("CBEC Compliance Assistant")
state = read_state(Settings.from_env())
if state:
    st.success(f"Index ready: {state['documents']} documents, {state['chunks']} chunks (last ingest {state['last_ingest']}).")
else:
    st.warning("No index yet: run `make ingest`.")
