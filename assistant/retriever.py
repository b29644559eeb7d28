"""Hybrid retrieval: dense search in Chroma fused with BM25 over the same chunks.

Both arms see the same filters (doc type, mode code, topic, status, date range): Chroma
through a ``where`` clause, BM25 through a row mask. Fusion is reciprocal-rank (default)
or weighted min-max scores, with weights and k from `Settings`.

Every returned `Document` carries in its metadata ``score`` (fused), ``dense_score``
(cosine similarity, or None when the dense arm did not find it), ``bm25_score``, and the
ranks in each arm, so callers can explain and calibrate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.lexical import LexicalIndex
from assistant.settings import Settings
from assistant.vocabulary import expand
from ingest.splitter import CODE_FLAG, TOPIC_FLAG

FILTER_KEYS = ("doc_type", "mode_code", "topic", "status", "include_superseded", "date_from", "date_to")


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to. Empty tuples mean "any"."""

    doc_types: tuple[str, ...] = ()
    mode_codes: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    include_superseded: bool = False
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""

    @classmethod
    def parse(cls, pairs: Iterable[str], include_superseded: bool = False) -> Filters:
        """From ``key=value`` strings (values may be comma-separated); unknown keys are an error."""
        acc: dict[str, list[str]] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or key not in FILTER_KEYS:
                raise ValueError(f"bad filter {pair!r}: use key=value with key one of {', '.join(FILTER_KEYS)}")
            acc.setdefault(key, []).extend(v.strip() for v in value.split(",") if v.strip())
        inc = include_superseded
        if "include_superseded" in acc:
            inc = acc["include_superseded"][-1].lower() in {"1", "true", "yes"}
        for k in ("date_from", "date_to"):
            if k in acc and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", acc[k][-1]):
                raise ValueError(f"bad filter {k}={acc[k][-1]!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
        return cls(
            doc_types=tuple(acc.get("doc_type", ())),
            mode_codes=tuple(acc.get("mode_code", ())),
            topics=tuple(acc.get("topic", ())),
            statuses=tuple(acc.get("status", ())),
            include_superseded=inc or "superseded" in acc.get("status", ()),
            date_from=acc.get("date_from", [""])[-1],
            date_to=acc.get("date_to", [""])[-1],
        )

    def _date_bounds(self) -> tuple[int, int]:
        def num(s: str, end: bool) -> int:
            parts = s.split("-")
            y = int(parts[0])
            m = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
            d = int(parts[2]) if len(parts) > 2 else (31 if end else 1)
            return y * 10000 + m * 100 + d

        return (num(self.date_from, False) if self.date_from else 0, num(self.date_to, True) if self.date_to else 0)

    def matches(self, meta: dict) -> bool:
        if self.doc_types and meta.get("doc_type") not in self.doc_types:
            return False
        if self.statuses and meta.get("status") not in self.statuses:
            return False
        if not self.include_superseded and meta.get("status") == "superseded":
            return False
        if self.mode_codes and not any(meta.get(CODE_FLAG + m) for m in self.mode_codes):
            return False
        if self.topics and not any(meta.get(TOPIC_FLAG + t) for t in self.topics):
            return False
        lo, hi = self._date_bounds()
        date = int(meta.get("date_num") or 0)
        if lo and date < lo:
            return False
        if hi and (not date or date > hi):
            return False
        return True

    def where(self) -> dict | None:
        """The same conditions as a Chroma ``where`` clause."""
        clauses: list[dict] = []
        if self.doc_types:
            clauses.append({"doc_type": {"$in": list(self.doc_types)}})
        if self.statuses:
            clauses.append({"status": {"$in": list(self.statuses)}})
        if not self.include_superseded:
            clauses.append({"status": {"$ne": "superseded"}})
        if self.mode_codes:
            ors = [{CODE_FLAG + m: True} for m in self.mode_codes]
            clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        if self.topics:
            ors = [{TOPIC_FLAG + t: True} for t in self.topics]
            clauses.append(ors[0] if len(ors) == 1 else {"$or": ors})
        lo, hi = self._date_bounds()
        if lo:
            clauses.append({"date_num": {"$gte": lo}})
        if hi:
            clauses.append({"date_num": {"$lte": hi}})
            clauses.append({"date_num": {"$gt": 0}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def describe(self) -> str:
        parts = [f"{k}={','.join(v)}" for k, v in (
            ("doc_type", self.doc_types), ("mode_code", self.mode_codes), ("topic", self.topics), ("status", self.statuses)
        ) if v]
        if self.include_superseded:
            parts.append("include_superseded")
        if self.date_from:
            parts.append(f"from {self.date_from}")
        if self.date_to:
            parts.append(f"to {self.date_to}")
        return ", ".join(parts) or "none"


@dataclass
class Ranked:
    """One arm's ranking: chunk ids best first, with their scores."""

    ids: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    # Mean and sd of the query's scores over the whole corpus, when the arm knows them;
    # otherwise fusion standardises over the candidates.
    mean: float | None = None
    std: float | None = None


def fuse(
    arms: Sequence[tuple[Ranked, float]], method: str = "rrf", rrf_k: int = 60
) -> list[tuple[str, float]]:
    """Fuse rankings.

    - ``zscore``: each arm's scores standardised over its candidates (mean 0, sd 1); a chunk
      missing from an arm gets that arm's lowest standardised score; sum of w*z.
      Best on ObliQA dev (see evals/README.md).
    - ``rrf``: sum of w/(k+rank).
    - ``weighted``: sum of w*min-max-normalised score.
    """
    if method == "zscore":
        return _zscore(arms)
    total: dict[str, float] = {}
    for ranked, weight in arms:
        if not ranked.ids or weight == 0:
            continue
        if method == "rrf":
            for rank, cid in enumerate(ranked.ids, 1):
                total[cid] = total.get(cid, 0.0) + weight / (rrf_k + rank)
        elif method == "weighted":
            hi, lo = max(ranked.scores), min(ranked.scores)
            span = (hi - lo) or 1.0
            for cid, s in zip(ranked.ids, ranked.scores, strict=True):
                total[cid] = total.get(cid, 0.0) + weight * (s - lo) / span
        else:
            raise ValueError(f"unknown fusion {method!r}: use 'rrf' or 'weighted'")
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))


def _zscore(arms: Sequence[tuple[Ranked, float]]) -> list[tuple[str, float]]:
    per_arm: list[tuple[dict[str, float], float, float]] = []
    for ranked, weight in arms:
        if not ranked.ids or weight == 0:
            continue
        v = np.asarray(ranked.scores, dtype=np.float64)
        mu = ranked.mean if ranked.mean is not None else float(v.mean())
        sd = (ranked.std if ranked.std is not None else float(v.std())) or 1.0
        zs = (v - mu) / sd
        per_arm.append((dict(zip(ranked.ids, zs.tolist(), strict=True)), float(zs.min()), weight))
    ids = {c for scores, _, _ in per_arm for c in scores}
    total = {c: sum(w * scores.get(c, floor) for scores, floor, w in per_arm) for c in ids}
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))


class HybridRetriever(BaseRetriever):
    """A LangChain retriever over a Chroma store and a BM25 index of the same chunks."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: object
    lexical: LexicalIndex
    settings: Settings
    filters: Filters = Filters()
    k: int = 6

    # ---- arms -------------------------------------------------------------------------
    def dense(self, vectors: list[list[float]], n: int, filters: Filters) -> list[tuple[Ranked, dict]]:
        """Dense arm for a batch of query vectors; also returns each hit's text+metadata."""
        col = self.store._collection
        count = col.count()
        if not count or not vectors:
            return [(Ranked(), {}) for _ in vectors]
        # Only ids and distances come from Chroma: text and metadata are already in memory in
        # the lexical index (same chunks), which saves most of the query time.
        # A filter that excludes only a few chunks (the default one drops superseded instruments)
        # is cheaper applied afterwards, on a few extra candidates, than as Chroma's `where`.
        rows = self.lexical.rows_by_store_id()
        where, keep = filters.where(), None
        if where is not None and len(self.lexical.ids) == count:
            mask = self.lexical.mask_for(filters)
            excluded = int(count - mask.sum())
            if excluded <= n:
                where, keep = None, mask
                n += excluded
        res = col.query(query_embeddings=vectors, n_results=min(n, count), where=where, include=["distances"])
        if keep is not None:
            kept_ids, kept_d = [], []
            for ids, dists in zip(res["ids"], res["distances"], strict=True):
                pairs = [(i, d) for i, d in zip(ids, dists, strict=True) if i not in rows or keep[rows[i]]]
                kept_ids.append([i for i, _ in pairs])
                kept_d.append([d for _, d in pairs])
            res = {"ids": kept_ids, "distances": kept_d}
        missing = sorted({i for ids in res["ids"] for i in ids if i not in rows})
        extra: dict[str, tuple[str, dict]] = {}
        if missing:  # the store moved on since the lexical index was loaded
            got = col.get(ids=missing, include=["documents", "metadatas"])
            extra = {i: (d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)}
        sample = self.lexical.sample
        stats = None
        if sample is not None and sample.shape[1] == len(vectors[0]):
            sims = np.asarray(vectors, dtype=np.float32) @ sample.T
            stats = list(zip(sims.mean(axis=1).tolist(), sims.std(axis=1).tolist(), strict=True))
        out = []
        for qi, (ids, dists) in enumerate(zip(res["ids"], res["distances"], strict=True)):
            found: dict[str, tuple[str, dict]] = {}
            cids = []
            for sid in ids:
                text, meta = (
                    (self.lexical.texts[rows[sid]], self.lexical.metadatas[rows[sid]]) if sid in rows else extra[sid]
                )
                cid = meta.get("chunk_id", sid)
                cids.append(cid)
                found[cid] = (text, meta)
            mu, sd = stats[qi] if stats else (None, None)
            out.append((Ranked(cids, [1.0 - float(x) for x in dists], mu, sd), found))
        return out

    def bm25(self, query: str, n: int, filters: Filters) -> Ranked:
        mask = None
        if filters != Filters(include_superseded=True):
            mask = self.lexical.mask_for(filters)
            if not mask.any():
                return Ranked()
        hits, mu, sd = self.lexical.search_with_stats(query, n, mask)
        return Ranked(
            [self.lexical.metadatas[r].get("chunk_id", self.lexical.ids[r]) for r, _ in hits],
            [s for _, s in hits],
            mu,
            sd,
        )

    # ---- public -----------------------------------------------------------------------
    def search_many(
        self, queries: list[str], k: int | None = None, filters: Filters | None = None, vectors=None
    ) -> list[list[Document]]:
        """Retrieve for many queries at once (one batched embedding call, one Chroma query)."""
        s = self.settings
        k = k or self.k
        filters = filters if filters is not None else self.filters
        n = max(s.candidates, k)
        if vectors is None:
            vectors = self.store.embeddings.embed_documents(queries) if s.dense_weight else [None] * len(queries)
        dense = self.dense(vectors, n, filters) if s.dense_weight else [(Ranked(), {}) for _ in queries]
        out = []
        for query, (d_ranked, found) in zip(queries, dense, strict=True):
            b_query = f"{query} {expand(query)}" if s.expand_queries else query
            b_ranked = self.bm25(b_query, n, filters) if s.bm25_weight else Ranked()
            fused = fuse([(d_ranked, s.dense_weight), (b_ranked, s.bm25_weight)], s.fusion, s.rrf_k)[:k]
            out.append(self._documents(fused, d_ranked, b_ranked, found))
        return out

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Document]:
        return self.search_many([query], k, filters)[0]

    def _documents(self, fused, d_ranked: Ranked, b_ranked: Ranked, found: dict) -> list[Document]:
        d_pos = {c: i for i, c in enumerate(d_ranked.ids)}
        b_pos = {c: i for i, c in enumerate(b_ranked.ids)}
        missing = [c for c, _ in fused if c not in found]
        if missing:  # BM25-only hits: read text and metadata from the lexical index
            rows = self.lexical.rows_by_chunk_id()
            for c in missing:
                r = rows[c]
                found[c] = (self.lexical.texts[r], self.lexical.metadatas[r])
        docs = []
        for cid, score in fused:
            text, meta = found[cid]
            meta = dict(meta)
            meta.update(
                score=score,
                dense_score=d_ranked.scores[d_pos[cid]] if cid in d_pos else None,
                dense_rank=d_pos[cid] + 1 if cid in d_pos else None,
                bm25_score=b_ranked.scores[b_pos[cid]] if cid in b_pos else None,
                bm25_rank=b_pos[cid] + 1 if cid in b_pos else None,
            )
            docs.append(Document(page_content=text, metadata=meta, id=cid))
        return docs

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return self.search(query)
