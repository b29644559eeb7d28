"""The same ingest and query code against a real `chroma run` server on loopback."""

import pytest

from assistant.embedders import make_embedder
from assistant.stores.chroma import open_store
from ingest.pipeline import run_ingest
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration



def test_ingest_into_server_and_query_back(settings, chroma_server):
    s = settings.replace(chroma_host="127.0.0.1", chroma_port=chroma_server)
    first = run_ingest(s, corpus=FIXTURES / "corpus")
    assert first.ok and first.added == first.chunks > 0
    second = run_ingest(s, corpus=FIXTURES / "corpus")
    assert (second.added, second.updated) == (0, 0)
    store = open_store(s, make_embedder(s))
    assert store.count() == first.chunks
    hits = store.vectorstore.similarity_search("recordation valid for 10 years renewal", k=3)
    assert any(h.metadata["chunk_id"].startswith("demo-ipr-rules:art-10") for h in hits)
    # nothing was written to the embedded store folder
    assert not (s.data_dir / "chroma").exists()
