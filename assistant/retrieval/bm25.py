"""The BM25 arm: an index over the same chunks as the vector store (bm25s, stemmed, English stop words).

The index is built from the store's content (never from the corpus files directly), saved
next to the store and loaded memory-mapped. A fingerprint of the store's ids tells a
stale index from a current one, so an index built before the last ingest is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.schema import StoredChunk
from assistant.stores.chroma import ChromaStore

_STEMMER = None


def _stemmer():
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER


def tokenize(texts: list[str], pairs: bool = False) -> list[list[str]]:
    """Lower-cased Snowball stems without English stop words; with ``pairs``, adjacent stem pairs too.

    Pairs ("custom_detain") are the published ObliQA BM25 recipe (unigrams plus word pairs): they
    reward passages that keep a question's words together, which regulatory text often does.
    """
    import bm25s

    tokens = bm25s.tokenize(
        texts, lower=True, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
    )
    if pairs:
        tokens = [t + [f"{a}_{b}" for a, b in zip(t, t[1:], strict=False)] for t in tokens]
    return tokens


def fingerprint(ids: Iterable[str]) -> str:
    h = hashlib.sha1()
    for i in sorted(ids):
        h.update(i.encode())
        h.update(b"\n")
    return h.hexdigest()


def bm25_dir(settings: Settings) -> Path:
    tag = f"{settings.chroma_host}_{settings.chroma_port}_" if settings.server_mode else ""
    return settings.data_dir / "bm25" / f"{tag}{settings.collection}"


@dataclass
class Bm25Index:
    """A BM25 index with the chunk ids and metadata it ranks (metadata is used for filters)."""

    bm25: object
    ids: list[str]
    metadatas: list[dict]
    texts: list[str]
    fp: str
    # A sample of the store's chunk vectors: lets the dense arm standardise its scores against
    # the whole corpus's score distribution for a query, not only its top candidates.
    sample: np.ndarray | None = None
    pairs: bool = False  # indexed with adjacent word pairs; queries are tokenised the same way
    # The shared upload records' version this index reflects (`HybridRetriever.refresh`).
    shared_version: int = 0

    @classmethod
    def build(
        cls, chunks: Iterable[StoredChunk], k1: float = 1.2, b: float = 0.75, with_headings: bool = False,
        pairs: bool = False,
    ) -> Bm25Index:
        """BM25 over the chunk bodies (default) or over title + heading path + body.

        Bodies alone measured better on ObliQA dev (fused Recall@10 +0.008, MAP@10 +0.011):
        a heading repeated over every passage under it blurs BM25's length normalisation
        and term weights; the dense arm still sees the headings.
        """
        import bm25s

        items = list(chunks)
        ids = [c.id for c in items]
        texts = [c.text for c in items]
        model = bm25s.BM25(k1=k1, b=b)
        if items:
            indexed = texts if with_headings else [c.passage for c in items]
            model.index(tokenize(indexed, pairs), show_progress=False)
        return cls(model, ids, [c.metadata for c in items], texts, fingerprint(ids), pairs=pairs)

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self.bm25.save(str(tmp), show_progress=False)
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for i, m, t in zip(self.ids, self.metadatas, self.texts, strict=True):
                fh.write(json.dumps({"id": i, "m": m, "t": t}, ensure_ascii=False) + "\n")
        if self.sample is not None:
            np.save(tmp / "dense_sample.npy", self.sample)
        (tmp / "fingerprint").write_text(self.fp)
        (tmp / "params.json").write_text(json.dumps({"pairs": self.pairs}))
        # Swap in one step so a reader never sees half an index.
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)

    @classmethod
    def load(cls, path: Path) -> Bm25Index:
        import bm25s

        ids, metas, texts = [], [], []
        with open(path / "chunks.jsonl", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                ids.append(rec["id"])
                metas.append(rec["m"])
                texts.append(rec["t"])
        model = bm25s.BM25.load(str(path), mmap=True, show_progress=False) if ids else bm25s.BM25()
        sample = np.load(path / "dense_sample.npy") if (path / "dense_sample.npy").exists() else None
        params = json.loads((path / "params.json").read_text()) if (path / "params.json").exists() else {}
        fp = (path / "fingerprint").read_text().strip()
        return cls(model, ids, metas, texts, fp, sample, pairs=bool(params.get("pairs", False)))

    def has_workspaces(self) -> bool:
        """Whether any chunk belongs to a workspace (an upload): then every search must filter."""
        if not hasattr(self, "_has_ws"):
            self._has_ws = any(m.get("workspace") for m in self.metadatas)
        return self._has_ws

    def doc_types(self) -> frozenset[str]:
        """The document types present in the index (computed once)."""
        if not hasattr(self, "_doc_types"):
            self._doc_types = frozenset(str(m.get("doc_type", "")) for m in self.metadatas)
        return self._doc_types

    def chunk(self, row: int) -> StoredChunk:
        return StoredChunk(self.ids[row], self.texts[row], self.metadatas[row])

    def chunk_id(self, row: int) -> str:
        return str(self.metadatas[row].get("chunk_id", self.ids[row]))

    def mask_for(self, filters) -> np.ndarray:
        """0/1 per row for a (hashable) filter, computed once: the default filter applies to
        every query, and testing 14k metadata dicts in Python costs milliseconds."""
        cache = self.__dict__.setdefault("_masks", {})
        mask = cache.get(filters)
        if mask is None:
            mask = np.fromiter((1.0 if filters.matches(m) else 0.0 for m in self.metadatas), dtype=np.float32)
            if len(cache) > 64:
                cache.clear()
            cache[filters] = mask
        return mask

    def rows_by_store_id(self) -> dict[str, int]:
        if not hasattr(self, "_sid_rows"):
            self._sid_rows = {i: r for r, i in enumerate(self.ids)}
        return self._sid_rows

    def rows_by_chunk_id(self) -> dict[str, int]:
        if not hasattr(self, "_rows"):
            self._rows = {m.get("chunk_id", i): r for r, (i, m) in enumerate(zip(self.ids, self.metadatas, strict=True))}
        return self._rows

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (row, score) pairs with score > 0; ``mask`` (0/1 per row) restricts the rows."""
        return self.search_with_stats(query, k, mask)[0]

    def search_with_stats(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[list[tuple[int, float]], float, float]:
        """Top-k hits plus the mean and standard deviation of the query's scores over all
        (unmasked) chunks, which fusion uses to standardise the BM25 arm."""
        if not self.ids or k <= 0:
            return [], 0.0, 1.0
        tokens = tokenize([query], self.pairs)
        if not tokens or not tokens[0]:
            return [], 0.0, 1.0
        scores = np.asarray(self.bm25.get_scores(tokens[0]), dtype=np.float32)
        if mask is not None:
            valid = mask > 0
            pool = scores[valid]
            scores = np.where(valid, scores, -1.0)
        else:
            pool = scores
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = [(int(r), float(scores[r])) for r in top if scores[r] > 0]
        return hits, float(pool.mean()) if pool.size else 0.0, float(pool.std()) if pool.size else 1.0


def _variant(settings: Settings) -> str:
    """The index-shaping settings, part of the fingerprint: changing one rebuilds the index."""
    return f"{int(settings.bm25_with_headings)}{'p' if settings.bm25_pairs else ''}"


def rebuild(settings: Settings, store: ChromaStore) -> Bm25Index:
    """Build the BM25 index (and the dense score sample) from everything in the store and save it."""
    idx = Bm25Index.build(store.iter_chunks(), with_headings=settings.bm25_with_headings, pairs=settings.bm25_pairs)
    idx.fp = f"{idx.fp}:{_variant(settings)}"
    idx.sample = store.sample_vectors()
    idx.save(bm25_dir(settings))
    return idx


def replace_sources(index: Bm25Index, sources: Iterable[str], chunks: Iterable[StoredChunk], settings: Settings) -> Bm25Index:
    """A new index: ``index`` without the chunks of ``sources``, plus ``chunks``, rebuilt in memory.

    How a serve process takes in uploads made through another process (their chunks come from the
    shared records, not from the store), without reading the store again. The dense score sample is
    kept; the index on disk is left alone (the next start rebuilds it from the store if it moved).
    """
    gone = set(sources)
    kept = [index.chunk(r) for r, m in enumerate(index.metadatas) if m.get("source") not in gone]
    new = Bm25Index.build([*kept, *chunks], with_headings=settings.bm25_with_headings, pairs=settings.bm25_pairs)
    new.fp = f"{new.fp}:{_variant(settings)}"
    new.sample = index.sample
    new.shared_version = index.shared_version
    return new


def load_current(settings: Settings, store: ChromaStore) -> Bm25Index:
    """The saved index if it matches the store's current ids, else a rebuilt one."""
    path = bm25_dir(settings)
    fp = fingerprint(store.ids())
    fp = f"{fp}:{_variant(settings)}"
    if (path / "fingerprint").exists() and (path / "fingerprint").read_text().strip() == fp:
        return Bm25Index.load(path)
    return rebuild(settings, store)
