"""The vector store: Chroma, embedded (persistent folder) or a Chroma server (host/port).

This is the only module that touches Chroma's client or its private collection object.
Everything else talks to `ChromaStore`, whose few methods are what retrieval, ingest and the
catalogue need; ingest hands ``store.vectorstore`` (a `langchain_chroma.Chroma`) to LangChain's
indexing API. The collection remembers which embedder filled it; opening it with another
embedder is refused with a clear message instead of returning nonsense neighbours.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.embedders import embedder_name
from assistant.schema import StoredChunk
from assistant.stores.errors import StoreError as StoreError  # re-exported: callers import it from here


def chroma_dir(settings: Settings) -> Path:
    return settings.data_dir / "chroma"


def store_label(settings: Settings) -> str:
    """Where the store is, for messages and state files: ``host:port`` or the data folder."""
    return f"{settings.chroma_host}:{settings.chroma_port}" if settings.server_mode else str(settings.data_dir)


def make_client(settings: Settings):
    """A Chroma client: HTTP to the configured server, else the persistent folder in data_dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.server_mode:
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=client_settings
            )
            client.heartbeat()
        except Exception as exc:  # the client raises several types for "not there"
            raise StoreError(
                f"Chroma server at {settings.chroma_host}:{settings.chroma_port} is unreachable "
                f"({exc.__class__.__name__}). Start it with `chroma run --host "
                f"{settings.chroma_host} --port {settings.chroma_port} --path DIR`, or unset "
                "CBEC_CHROMA_HOST to use the embedded store."
            ) from exc
        return client
    path = chroma_dir(settings)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=client_settings)


def drop_collection(client, name: str) -> None:
    """Delete a collection if it exists (a rebuild starts from nothing)."""
    try:
        client.delete_collection(name)
    except Exception:  # not there yet: nothing to drop
        pass


class ChromaStore:
    """One Chroma collection with the operations the product needs, and nothing of Chroma's leaking out."""

    def __init__(self, vectorstore: Chroma) -> None:
        self.vectorstore = vectorstore
        self._col = vectorstore._collection

    @property
    def embeddings(self) -> Embeddings:
        return self.vectorstore.embeddings

    def count(self) -> int:
        return self._col.count()

    def ids(self) -> list[str]:
        return self._col.get(include=[])["ids"]

    def iter_chunks(self, page: int = 2000) -> Iterator[StoredChunk]:
        """Every stored chunk with its text and metadata, in pages (the BM25 index is built from this)."""
        offset = 0
        while True:
            got = self._col.get(include=["documents", "metadatas"], limit=page, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            for i, text, meta in zip(ids, got["documents"], got["metadatas"], strict=True):
                yield StoredChunk(i, text or "", dict(meta or {}))
            offset += len(ids)

    def get(self, ids: Sequence[str]) -> list[StoredChunk]:
        if not ids:
            return []
        got = self._col.get(ids=list(ids), include=["documents", "metadatas"])
        return [StoredChunk(i, t or "", dict(m or {})) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]

    def chunks_of_source(self, source: str) -> list[StoredChunk]:
        """The stored chunks of one corpus file (kept when that file fails to load)."""
        got = self._col.get(where={"source": source}, include=["documents", "metadatas"])
        return [StoredChunk(i, t or "", dict(m or {})) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        got = self._col.get(ids=list(ids), include=["embeddings"])
        return np.asarray(got["embeddings"], dtype=np.float32)

    def sample_vectors(self, size: int = 2048, seed: int = 13) -> np.ndarray | None:
        """Up to ``size`` stored vectors chosen at random with a fixed seed (dense score statistics)."""
        ids = self.ids()
        if not ids:
            return None
        rng = np.random.default_rng(seed)
        chosen = sorted(rng.choice(len(ids), size=min(size, len(ids)), replace=False).tolist())
        return self.vectors([ids[i] for i in chosen])

    def query(
        self, vectors: list[list[float]], n: int, where: dict | None = None
    ) -> list[list[tuple[str, float]]]:
        """Nearest neighbours per query vector as (store id, cosine similarity), best first."""
        res = self._col.query(query_embeddings=vectors, n_results=n, where=where, include=["distances"])
        return [
            [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
            for ids, dists in zip(res["ids"], res["distances"], strict=True)
        ]


HNSW_EF_SEARCH = 400  # candidates the HNSW search keeps (Chroma default 100)


def open_store(settings: Settings, embeddings: Embeddings, client=None) -> ChromaStore:
    """Open (creating if needed) the collection, checking it was built with this embedder."""
    client = client or make_client(settings)
    name = embedder_name(embeddings)
    vectorstore = Chroma(
        collection_name=settings.collection,
        embedding_function=embeddings,
        client=client,
        collection_metadata={"hnsw:space": "cosine", "embedder": name},
        # A wide search beam. The HNSW graph depends on how the build was scheduled: two builds of the
        # product corpus on a busy machine returned different dense top-100s for 90 of 150 reference
        # questions with the default beam (100), so answers differed between runs and machines; with
        # 400, 0 of 150 (and retrieve p50 on the 14k ObliQA index 19 ms). Applies to new collections.
        collection_configuration={"hnsw": {"space": "cosine", "ef_search": HNSW_EF_SEARCH}},
    )
    built_with = (vectorstore._collection.metadata or {}).get("embedder")
    if built_with and built_with != name:
        raise StoreError(
            f"Collection {settings.collection!r} was built with embedder {built_with!r}, but the "
            f"configured embedder is {name!r}. Run `python -m ingest --rebuild` or choose another "
            "collection (CBEC_COLLECTION)."
        )
    return ChromaStore(vectorstore)
