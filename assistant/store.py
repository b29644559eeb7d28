"""The vector store: Chroma, embedded (persistent folder) or a Chroma server (host/port).

Both modes go through the same `langchain_chroma.Chroma` object, so ingest and retrieval
code do not know which one they talk to. The collection remembers which embedder filled
it; opening it with another embedder is refused with a clear message instead of
returning nonsense neighbours.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant.embedder import embedder_name
from assistant.settings import Settings


class StoreError(RuntimeError):
    """The store cannot be opened or reached; the message says what to do."""


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict


def chroma_dir(settings: Settings) -> Path:
    return settings.data_dir / "chroma"


def make_client(settings: Settings):
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


def open_store(settings: Settings, embeddings: Embeddings, client=None) -> Chroma:
    """Open (creating if needed) the collection, checking it was built with this embedder."""
    client = client or make_client(settings)
    name = embedder_name(embeddings)
    store = Chroma(
        collection_name=settings.collection,
        embedding_function=embeddings,
        client=client,
        collection_metadata={"hnsw:space": "cosine", "embedder": name},
    )
    built_with = (store._collection.metadata or {}).get("embedder")
    if built_with and built_with != name:
        raise StoreError(
            f"Collection {settings.collection!r} was built with embedder {built_with!r}, but the "
            f"configured embedder is {name!r}. Run `python -m ingest --rebuild` or choose another "
            "collection (CBEC_COLLECTION)."
        )
    return store


def iter_chunks(store: Chroma, page: int = 2000) -> Iterator[StoredChunk]:
    """Every stored chunk with its text and metadata, in pages (the BM25 index is built from this)."""
    offset = 0
    while True:
        got = store._collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
        ids = got["ids"]
        if not ids:
            return
        for i, text, meta in zip(ids, got["documents"], got["metadatas"], strict=True):
            yield StoredChunk(i, text or "", dict(meta or {}))
        offset += len(ids)

