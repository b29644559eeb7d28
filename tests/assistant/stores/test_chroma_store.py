import pytest

from assistant.embedders import HashingEmbeddings
from assistant.stores.chroma import StoreError, open_store


def test_store_refuses_another_embedder(settings):
    open_store(settings, HashingEmbeddings(128))
    with pytest.raises(StoreError, match="built with embedder 'hashing:128'"):
        open_store(settings, HashingEmbeddings(64))


def test_unreachable_server_is_a_clear_error(settings, monkeypatch):
    import chromadb

    def refuse(*a, **k):
        raise ConnectionError("refused")

    monkeypatch.setattr(chromadb, "HttpClient", refuse)
    with pytest.raises(StoreError, match="unreachable.*chroma run"):
        open_store(settings.replace(chroma_host="127.0.0.1", chroma_port=1), HashingEmbeddings(8))


def test_new_collections_are_searched_with_a_wide_beam(settings):
    from assistant.stores.chroma import HNSW_EF_SEARCH

    store = open_store(settings, HashingEmbeddings(16))
    hnsw = store.vectorstore._collection.configuration["hnsw"]
    assert hnsw["ef_search"] == HNSW_EF_SEARCH > 100 and hnsw["space"] == "cosine"
