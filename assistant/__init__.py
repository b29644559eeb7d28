"""Compliance assistant for cross-border e-commerce with China Customs.

Flow: corpus/ -> ingest/ (load, split per article, index) -> assistant/ (store, retrieve,
answer, cite) -> streamlit_app.py and evals/. Importing this package does no I/O.
"""
