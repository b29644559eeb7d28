"""BM25 over the same chunks as the vector store (bm25s, stemmed, English stop words).

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

from assistant.store import StoredChunk, iter_chunks
from assistant.settings import Settings

_STEMMER = None


def _stemmer():
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER


def tokenize(texts: list[str]):
    import bm25s

    return bm25s.tokenize(
        texts, lower=True, stopwords="en", stemmer=_stemmer(), show_progress=False, return_ids=False
    )


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
class LexicalIndex:
    """A BM25 index with the chunk ids and metadata it ranks (metadata is used for filters)."""

    bm25: object
    ids: list[str]
    metadatas: list[dict]
    texts: list[str]
    fp: str

    @classmethod
    def build(cls, chunks: Iterable[StoredChunk], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        import bm25s

        items = list(chunks)
        ids = [c.id for c in items]
        texts = [c.text for c in items]
        model = bm25s.BM25(k1=k1, b=b)
        if items:
            model.index(tokenize(texts), show_progress=False)
        return cls(model, ids, [c.metadata for c in items], texts, fingerprint(ids))

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self.bm25.save(str(tmp), show_progress=False)
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for i, m, t in zip(self.ids, self.metadatas, self.texts, strict=True):
                fh.write(json.dumps({"id": i, "m": m, "t": t}, ensure_ascii=False) + "\n")
        (tmp / "fingerprint").write_text(self.fp)
        # Swap in one step so a reader never sees half an index.
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        import bm25s

        ids, metas, texts = [], [], []
        with open(path / "chunks.jsonl", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                ids.append(rec["id"])
                metas.append(rec["m"])
                texts.append(rec["t"])
        model = bm25s.BM25.load(str(path), mmap=True, show_progress=False) if ids else bm25s.BM25()
        return cls(model, ids, metas, texts, (path / "fingerprint").read_text().strip())

    def rows_by_chunk_id(self) -> dict[str, int]:
        if not hasattr(self, "_rows"):
            self._rows = {m.get("chunk_id", i): r for r, (i, m) in enumerate(zip(self.ids, self.metadatas, strict=True))}
        return self._rows

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (row, score) pairs with score > 0; ``mask`` (0/1 per row) restricts the rows."""
        if not self.ids or k <= 0:
            return []
        tokens = tokenize([query])
        if not tokens or not tokens[0]:
            return []
        k = min(k, len(self.ids))
        rows, scores = self.bm25.retrieve(
            tokens, k=k, show_progress=False, weight_mask=mask, n_threads=1
        )
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]


def rebuild(settings: Settings, store) -> LexicalIndex:
    """Build the BM25 index from everything in the store and save it."""
    idx = LexicalIndex.build(iter_chunks(store))
    idx.save(bm25_dir(settings))
    return idx


def load_current(settings: Settings, store) -> LexicalIndex:
    """The saved index if it matches the store's current ids, else a rebuilt one."""
    path = bm25_dir(settings)
    ids = store._collection.get(include=[])["ids"]
    fp = fingerprint(ids)
    if (path / "fingerprint").exists() and (path / "fingerprint").read_text().strip() == fp:
        return LexicalIndex.load(path)
    return rebuild(settings, store)
