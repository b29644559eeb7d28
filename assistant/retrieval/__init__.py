"""Retrieval: filters and hits (`types`), the dense and BM25 arms, fusion, query expansion, and
one `build_retriever` used by the chain and the evaluation commands alike."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.types import Filters, Hit, Ranked

__all__ = ["Filters", "Hit", "HybridRetriever", "Ranked", "build_retriever"]


def build_retriever(
    settings: Settings,
    embeddings: Embeddings | None = None,
    filters: Filters | None = None,
    client=None,
) -> HybridRetriever:
    """Open the store and its current BM25 index and wire the hybrid retriever.

    ``embeddings`` defaults to the configured embedder; ``filters`` to the settings' default
    (superseded instruments left out unless ``include_superseded``).
    """
    from assistant.embedders import make_embedder
    from assistant.retrieval import bm25
    from assistant.stores.chroma import open_store

    store = open_store(settings, embeddings or make_embedder(settings), client=client)
    return HybridRetriever(
        store=store,
        bm25_index=bm25.load_current(settings, store),
        settings=settings,
        filters=filters if filters is not None else Filters(include_superseded=settings.include_superseded),
        k=settings.top_k,
    )
