"""The dense arm: nearest neighbours in the vector store, with score statistics for fusion."""

from __future__ import annotations

import numpy as np

from assistant.retrieval.bm25 import Bm25Index
from assistant.retrieval.types import Filters, Ranked
from assistant.schema import StoredChunk
from assistant.stores.chroma import ChromaStore


def dense_search(
    store: ChromaStore, index: Bm25Index, vectors: list[list[float]], n: int, filters: Filters
) -> list[tuple[Ranked, dict[str, StoredChunk]]]:
    """Dense rankings for a batch of query vectors, and each hit's chunk by chunk id.

    Only ids and similarities come from the store: text and metadata are already in memory in
    the BM25 index (same chunks), which saves most of the query time. A filter that excludes only
    a few chunks (the default one drops superseded instruments) is cheaper applied afterwards, on a
    few extra candidates, than as the store's ``where``.
    """
    count = store.count()
    if not count or not vectors:
        return [(Ranked(), {}) for _ in vectors]
    rows = index.rows_by_store_id()
    where, keep = filters.where(), None
    if where is not None and len(index.ids) == count:
        mask = index.mask_for(filters)
        excluded = int(count - mask.sum())
        if excluded <= n:
            where, keep = None, mask
            n += excluded
    results = store.query(vectors, min(n, count), where)
    if keep is not None:
        results = [[(i, s) for i, s in res if i not in rows or keep[rows[i]]] for res in results]
    missing = sorted({i for res in results for i, _ in res if i not in rows})
    # The store moved on since the BM25 index was loaded: read those chunks from the store.
    extra = {c.id: c for c in store.get(missing)} if missing else {}
    stats = None
    if index.sample is not None and index.sample.shape[1] == len(vectors[0]):
        # einsum, not `@`: a BLAS matmul here wakes OpenBLAS's worker threads, which then spin
        # against torch's on 2 cores and made the next query embedding ~10x slower (10k index:
        # retrieve p50 116 ms vs 16 ms). einsum's own loop takes 0.2 ms for 2,048 sample rows.
        sims = np.einsum("qd,nd->qn", np.asarray(vectors, dtype=np.float32), index.sample)
        stats = list(zip(sims.mean(axis=1).tolist(), sims.std(axis=1).tolist(), strict=True))
    out = []
    for qi, res in enumerate(results):
        found: dict[str, StoredChunk] = {}
        cids, scores = [], []
        for sid, sim in res:
            chunk = index.chunk(rows[sid]) if sid in rows else extra[sid]
            cids.append(chunk.chunk_id)
            scores.append(sim)
            found[chunk.chunk_id] = chunk
        mu, sd = stats[qi] if stats else (None, None)
        out.append((Ranked(cids, scores, mu, sd), found))
    return out
