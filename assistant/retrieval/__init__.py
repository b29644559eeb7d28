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
    (superseded instruments left out unless ``include_superseded``). The retriever follows the
    shared upload records (`assistant.stores.workspaces`): uploads indexed through another serve
    process are found here too. Raises `StoreError` when the store or the state database is down,
    `RerankerError` when ``CBEC_RERANKER`` names no model folder.
    """
    from assistant.embedders import make_embedder
    from assistant.retrieval import bm25
    from assistant.retrieval.hybrid import take_in
    from assistant.retrieval.rerank import make_reranker
    from assistant.stores.chroma import open_store
    from assistant.stores.workspaces import WorkspaceRecords

    reranker = make_reranker(settings)  # a wrong folder is said before the store is opened
    store = open_store(settings, embeddings or make_embedder(settings), client=client)
    feed = WorkspaceRecords.for_settings(settings)
    version = feed.version()  # read first: whatever is announced while the index loads is taken in later
    index = bm25.load_current(settings, store)
    if version:  # uploads announced but not yet in the store (being indexed elsewhere) are searched too
        index = take_in(index, feed.changes(0), settings, version)
    return HybridRetriever(
        store=store,
        bm25_index=index,
        settings=settings,
        filters=filters if filters is not None else Filters(include_superseded=settings.include_superseded),
        k=settings.top_k,
        feed=feed,
        reranker=reranker,
    )
