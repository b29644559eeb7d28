"""The contract every vector store must meet (Haystack's DocumentStoreBaseTests habit).

One fixture swaps the implementation: the embedded persistent Chroma and a real `chroma run`
server on loopback. Ingest, BM25 and the dense arm only use these operations.
"""

import pytest

from assistant.embedders import HashingEmbeddings
from assistant.stores.chroma import ChromaStore, open_store
from ingest.pipeline import run_ingest
from tests.conftest import FIXTURES


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.integration)])
def store_settings(request, settings):
    if request.param == "server":
        port = request.getfixturevalue("chroma_server")
        return settings.replace(chroma_host="127.0.0.1", chroma_port=port)
    return settings


class TestStoreContract:
    @pytest.fixture
    def store(self, store_settings) -> ChromaStore:
        report = run_ingest(store_settings, corpus=FIXTURES / "corpus", embeddings=HashingEmbeddings(128))
        assert report.ok and report.chunks > 15
        self.chunks = report.chunks
        return open_store(store_settings, HashingEmbeddings(128))

    def test_count_ids_and_iteration_agree(self, store):
        chunks = list(store.iter_chunks(page=7))  # paging crosses page borders
        assert store.count() == len(chunks) == len(set(store.ids())) == self.chunks
        assert all(c.chunk_id and c.passage and c.metadata["doc_id"] for c in chunks)

    def test_get_by_id_and_by_source(self, store):
        some = store.ids()[:3]
        assert [c.id for c in store.get(some)] == some and store.get([]) == []
        source = store.get(some[:1])[0].metadata["source"]
        of_source = store.chunks_of_source(source)
        assert of_source and {c.metadata["source"] for c in of_source} == {source}

    def test_query_returns_own_vector_first_and_honours_where(self, store):
        target = next(c for c in store.iter_chunks() if c.metadata["doc_type"] == "case")
        vec = HashingEmbeddings(128).embed_documents([target.text])[0]
        best = store.query([vec], 3)[0]
        assert best[0][0] == target.id and best[0][1] == pytest.approx(1.0, abs=1e-4)
        assert [s for _, s in best] == sorted((s for _, s in best), reverse=True)
        only_laws = store.query([vec], 5, where={"doc_type": "regulation"})[0]
        assert only_laws and all(c.metadata["doc_type"] == "regulation" for c in store.get([i for i, _ in only_laws]))

    def test_vector_sample_is_deterministic(self, store):
        a, b = store.sample_vectors(size=5), store.sample_vectors(size=5)
        assert a.shape == (5, 128) and (a == b).all()
