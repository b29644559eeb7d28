"""Hybrid retrieval: dense search in the vector store fused with BM25 over the same chunks.

Both arms see the same filters (doc type, mode code, topic, status, date range): the store through
a ``where`` clause, BM25 through a row mask. Fusion is by z-scores (default), reciprocal rank or
weighted min-max scores, with weights and k from `Settings`. Results are `Hit`s carrying the
fused score and each arm's score and rank.

Several serve processes can share one Chroma server and one state database: before each search the
retriever asks the shared upload records whether another process indexed (or removed) an upload
since its BM25 index was built (`refresh`), and swaps those files' chunks in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.config import Settings
from assistant.retrieval.bm25 import Bm25Index, replace_sources
from assistant.retrieval.dense import dense_search
from assistant.retrieval.fusion import fuse
from assistant.retrieval.query_expansion import expand
from assistant.retrieval.rerank import Reranker, blend, make_reranker
from assistant.retrieval.types import Filters, Hit, Ranked
from assistant.schema import StoredChunk
from assistant.stores.chroma import ChromaStore
from assistant.stores.errors import StoreError

log = logging.getLogger(__name__)


class SharedDocument(Protocol):
    """One uploaded file as announced to every process (`assistant.stores.workspaces.DocumentRecord`)."""

    source: str
    chunks: tuple[StoredChunk, ...]
    version: int
    deleted: bool


@runtime_checkable
class UploadFeed(Protocol):
    """Where uploads made through any serve process are announced (`WorkspaceRecords`)."""

    def version(self) -> int: ...

    def changes(self, after: int) -> Sequence[SharedDocument]: ...


def take_in(index: Bm25Index, records: Sequence[SharedDocument], settings: Settings, version: int) -> Bm25Index:
    """``index`` with the announced files' chunks as the records say (a forgotten file's removed).

    Files the index already holds exactly (this process's own uploads) cost nothing; otherwise the
    BM25 index is rebuilt in memory once for all of them. The result reflects ``version``.
    """
    latest: dict[str, SharedDocument] = {}
    for r in sorted(records, key=lambda r: r.version):
        latest[r.source] = r
    held: dict[str, set[str]] = {}
    for sid, meta in zip(index.ids, index.metadatas, strict=True):
        if meta.get("source") in latest:
            held.setdefault(str(meta["source"]), set()).add(sid)
    stale = [r for r in latest.values()
             if held.get(r.source, set()) != (set() if r.deleted else {c.id for c in r.chunks})]
    if stale:
        index = replace_sources(index, [r.source for r in stale],
                                [c for r in stale if not r.deleted for c in r.chunks], settings)
    index.shared_version = max([version, *(r.version for r in records)])
    return index


class HybridRetriever(BaseRetriever):
    """A LangChain retriever over a Chroma store and a BM25 index of the same chunks."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    bm25_index: Bm25Index
    settings: Settings
    filters: Filters = Filters()
    k: int = 6
    # The shared upload records; None: this process's own index is all there is (tests, benchmarks).
    feed: UploadFeed | None = None
    # A cross-encoder re-ranking the fused top `rerank_depth` (`assistant.retrieval.rerank`); None: off.
    reranker: Reranker | None = None
    _refresh_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _feed_down: bool = PrivateAttr(default=False)

    def with_settings(self, settings: Settings) -> HybridRetriever:
        """The same store and index under other settings (weights, fusion, reranker): one arm per benchmark run."""
        update: dict = {"settings": settings}
        if settings.reranker != self.settings.reranker:
            update["reranker"] = make_reranker(settings)
        return self.model_copy(update=update)

    def refresh(self) -> bool:
        """Take in uploads other serve processes indexed or removed since this index was built.

        One indexed read of an integer per call (the records' version); only when it moved are the
        changed records read and their chunks swapped into the BM25 index (the dense arm already
        finds their vectors in the shared store). True when the index changed. A state database that
        cannot be reached leaves the index as it is: answers go on, and the outage is logged once.
        """
        feed = self.feed
        if feed is None:
            return False
        try:
            version = feed.version()
            if version == self.bm25_index.shared_version:
                return False
            with self._refresh_lock:  # one rebuild per change, however many sessions ask at once
                index = self.bm25_index
                if version == index.shared_version:
                    return False
                updated = take_in(index, feed.changes(index.shared_version), self.settings, version)
                self.bm25_index = updated
        except StoreError as exc:
            if not self._feed_down:
                log.warning("shared upload records unreachable; searching the index as it is: %s", exc)
            self._feed_down = True
            return False
        self._feed_down = False
        return updated is not index

    def bm25(self, query: str, n: int, filters: Filters, index: Bm25Index | None = None) -> Ranked:
        """The BM25 arm's ranking for one query under the filters."""
        index = index if index is not None else self.bm25_index
        mask = None
        if filters != Filters(include_superseded=True) or index.has_workspaces():
            mask = index.mask_for(filters)
            if not mask.any():
                return Ranked()
        hits, mu, sd = index.search_with_stats(query, n, mask)
        return Ranked([index.chunk_id(r) for r, _ in hits], [s for _, s in hits], mu, sd)

    def search_many(
        self, queries: list[str], k: int | None = None, filters: Filters | None = None, vectors=None
    ) -> list[list[Hit]]:
        """Retrieve for many queries at once (one batched embedding call, one store query)."""
        s = self.settings
        k = k or self.k
        filters = filters if filters is not None else self.filters
        n = max(s.candidates, k)
        self.refresh()
        index = self.bm25_index  # one index for the whole search, even if a refresh swaps it meanwhile
        if vectors is None:
            vectors = self.store.embeddings.embed_documents(queries) if s.dense_weight else [None] * len(queries)
        dense = (
            dense_search(self.store, index, vectors, n, filters)
            if s.dense_weight
            else [(Ranked(), {}) for _ in queries]
        )
        out = []
        for query, (d_ranked, found) in zip(queries, dense, strict=True):
            b_query = f"{query} {expand(query)}" if s.expand_queries else query
            b_ranked = self.bm25(b_query, n, filters, index) if s.bm25_weight else Ranked()
            fused = fuse([(d_ranked, s.dense_weight), (b_ranked, s.bm25_weight)], s.fusion, s.rrf_k)
            if self.reranker is None:
                out.append(self._hits(fused[:k], d_ranked, b_ranked, found, index))
            else:
                hits = self._hits(fused[: max(k, s.rerank_depth)], d_ranked, b_ranked, found, index)
                out.append(self._rerank(query, hits)[:k])
        return out

    def _rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """The top `rerank_depth` hits in the order of the blended cross-encoder and fused scores.

        The head's scores are shifted to sit above the un-reranked tail, so scores still fall with rank.
        """
        depth = self.settings.rerank_depth
        head, tail = hits[:depth], hits[depth:]
        if len(head) < 2:
            return hits
        cross = self.reranker.scores(query, [h.text for h in head])
        mixed = blend([h.score for h in head], cross, self.settings.rerank_weight)
        floor = tail[0].score if tail else 0.0
        shift = floor - min(mixed) if tail else 0.0
        head = [replace(h, score=m + shift, rerank_score=c) for h, m, c in zip(head, mixed, cross, strict=True)]
        head.sort(key=lambda h: (-h.score, h.chunk_id))
        return head + tail

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        return self.search_many([query], k, filters)[0]

    def _hits(self, fused, d_ranked: Ranked, b_ranked: Ranked, found: dict[str, StoredChunk],
              index: Bm25Index | None = None) -> list[Hit]:
        index = index if index is not None else self.bm25_index
        d_pos = {c: i for i, c in enumerate(d_ranked.ids)}
        b_pos = {c: i for i, c in enumerate(b_ranked.ids)}
        missing = [c for c, _ in fused if c not in found]
        if missing:  # BM25-only hits: read text and metadata from the BM25 index
            rows = index.rows_by_chunk_id()
            for c in missing:
                found[c] = index.chunk(rows[c])
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
