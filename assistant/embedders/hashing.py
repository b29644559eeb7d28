"""A deterministic hashing-trick embedder whose output can be worked out on paper (tests, no model)."""

from __future__ import annotations

import hashlib
import math
import re

from langchain_core.embeddings import Embeddings

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
