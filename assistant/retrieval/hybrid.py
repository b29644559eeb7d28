"""Hybrid retrieval: dense search in the vector store fused with BM25 over the same chunks.

Both arms see the same filters (doc type, mode code, topic, status, date range): the store through
a ``where`` clause, BM25 through a row mask. Fusion is by z-scores (default), reciprocal rank or
weighted min-max scores, with weights and k from `Settings`. Results are `Hit`s carrying the
fused score and each arm's score and rank.
"""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.config import Settings
from assistant.retrieval.bm25 import Bm25Index
from assistant.retrieval.dense import dense_search
from assistant.retrieval.fusion import fuse
from assistant.retrieval.query_expansion import expand
from assistant.retrieval.types import Filters, Hit, Ranked
from assistant.schema import StoredChunk
from assistant.stores.chroma import ChromaStore


class HybridRetriever(BaseRetriever):
    """A LangChain retriever over a Chroma store and a BM25 index of the same chunks."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    bm25_index: Bm25Index
    settings: Settings
    filters: Filters = Filters()
    k: int = 6

    def with_settings(self, settings: Settings) -> HybridRetriever:
        """The same store and index under other settings (weights, fusion): one arm per benchmark run."""
        return self.model_copy(update={"settings": settings})

    def bm25(self, query: str, n: int, filters: Filters) -> Ranked:
        """The BM25 arm's ranking for one query under the filters."""
        mask = None
        if filters != Filters(include_superseded=True) or self.bm25_index.has_workspaces():
            mask = self.bm25_index.mask_for(filters)
            if not mask.any():
                return Ranked()
        hits, mu, sd = self.bm25_index.search_with_stats(query, n, mask)
        return Ranked([self.bm25_index.chunk_id(r) for r, _ in hits], [s for _, s in hits], mu, sd)

    def search_many(
        self, queries: list[str], k: int | None = None, filters: Filters | None = None, vectors=None
    ) -> list[list[Hit]]:
        """Retrieve for many queries at once (one batched embedding call, one store query)."""
        s = self.settings
        k = k or self.k
        filters = filters if filters is not None else self.filters
        n = max(s.candidates, k)
        if vectors is None:
            vectors = self.store.embeddings.embed_documents(queries) if s.dense_weight else [None] * len(queries)
        dense = (
            dense_search(self.store, self.bm25_index, vectors, n, filters)
            if s.dense_weight
            else [(Ranked(), {}) for _ in queries]
        )
        out = []
        for query, (d_ranked, found) in zip(queries, dense, strict=True):
            b_query = f"{query} {expand(query)}" if s.expand_queries else query
            b_ranked = self.bm25(b_query, n, filters) if s.bm25_weight else Ranked()
            fused = fuse([(d_ranked, s.dense_weight), (b_ranked, s.bm25_weight)], s.fusion, s.rrf_k)[:k]
            out.append(self._hits(fused, d_ranked, b_ranked, found))
        return out

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        return self.search_many([query], k, filters)[0]

    def _hits(self, fused, d_ranked: Ranked, b_ranked: Ranked, found: dict[str, StoredChunk]) -> list[Hit]:
        d_pos = {c: i for i, c in enumerate(d_ranked.ids)}
        b_pos = {c: i for i, c in enumerate(b_ranked.ids)}
        missing = [c for c, _ in fused if c not in found]
        if missing:  # BM25-only hits: read text and metadata from the BM25 index
            rows = self.bm25_index.rows_by_chunk_id()
            for c in missing:
                found[c] = self.bm25_index.chunk(rows[c])
        hits = []
        for cid, score in fused:
            chunk = found[cid]
            hits.append(
                Hit(
                    chunk_id=cid,
                    text=chunk.text,
                    metadata=dict(chunk.metadata),
                    score=score,
                    dense_score=d_ranked.scores[d_pos[cid]] if cid in d_pos else None,
                    dense_rank=d_pos[cid] + 1 if cid in d_pos else None,
                    bm25_score=b_ranked.scores[b_pos[cid]] if cid in b_pos else None,
                    bm25_rank=b_pos[cid] + 1 if cid in b_pos else None,
                )
            )
        return hits

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [h.to_document() for h in self.search(query)]
