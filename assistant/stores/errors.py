"""The one error type of the storage layer, kept apart so light modules (feedback, shared state) can
raise it without importing Chroma."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store cannot be opened or reached; the message says what to do."""
