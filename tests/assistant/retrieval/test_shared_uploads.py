"""Two serve processes, one store, one state database: an upload through one is found through the other.

"Process" A and B are two sets of settings with their own data folder (BM25 index, caches) and
their own copy of the corpus, sharing one Chroma store (one embedded client stands in for the
server) and one SQLite state URL. A takes an upload; B's retriever, built before it, must find the
upload in its own BM25 index at the next search, in the uploader's workspace only; B's own ingest
(whose corpus lacks the file) must not delete it; and when A removes the file, B forgets it.
"""

from __future__ import annotations

import shutil

import pytest

from assistant.config import Settings
from assistant.retrieval import Filters, build_retriever
from assistant.retrieval.hybrid import take_in
from assistant.stores.chroma import make_client, open_store
from assistant.stores.errors import StoreError
from assistant.stores.workspaces import WorkspaceRecords
from ingest.pipeline import run_ingest
from ingest.uploads import Upload, index_uploads
from tests.conftest import FIXTURES

ZORBLAX = (b"---\ntitle: Zorblax levy\n---\n# Zorblax levy\n\n"
           b"The Zorblax levy on every parcel entering the quantum desk is RMB 7 per piece.\n")
QUESTION = "What is the Zorblax levy on every parcel at the quantum desk?"
SOURCE = "uploads/alice/zorblax.md"


@pytest.fixture
def two(tmp_path):
    state = f"sqlite:///{tmp_path / 'state' / 'state.sqlite'}"
    out = []
    for name in ("a", "b"):
        corpus = tmp_path / f"corpus-{name}"
        shutil.copytree(FIXTURES / "corpus", corpus)
        out.append(Settings.from_env({}, data_dir=tmp_path / f"data-{name}", corpus_dir=corpus, embedder="hashing:128",
                                     state_url=state, min_relevance=0.05))
    a, b = out
    # B reaches the store A writes (as two processes reach one Chroma server).
    client = make_client(a)
    assert run_ingest(a, client=client).ok
    return a, b, client


def zorblax_hits(retriever, workspace: str):
    return [h for h in retriever.search(QUESTION, k=6, filters=Filters(workspace=workspace)) if h.doc_id == "zorblax"]


def test_upload_through_a_is_found_through_b_in_its_workspace_only(two):
    a, b, client = two
    in_b = build_retriever(b, client=client)  # B was serving before the upload
    assert not zorblax_hits(in_b, "alice")
    report = index_uploads([Upload("zorblax.md", ZORBLAX)], a, workspace="alice")
    assert report.indexed, report.problems
    assert not (b.corpus_dir / "uploads").exists()  # B never sees the file, only the records

    hits = zorblax_hits(in_b, "alice")
    assert hits and hits[0].bm25_rank is not None, "B's BM25 index took the upload in"
    assert "RMB 7" in hits[0].text and hits[0].metadata["workspace"] == "alice"
    assert in_b.bm25_index.shared_version == WorkspaceRecords.for_settings(b).version() > 0
    assert not zorblax_hits(in_b, "bob") and not zorblax_hits(in_b, "")
    # nothing moved since: the next search costs one read of the version, no rebuild
    index = in_b.bm25_index
    assert in_b.refresh() is False and in_b.bm25_index is index

    # B's own ingest: its corpus lacks the file, yet its cleanup must keep A's upload
    again = run_ingest(b, client=client)
    assert again.ok and again.deleted == 0 and again.added == 0, again
    assert open_store(b, in_b.store.embeddings, client=client).chunks_of_source(SOURCE)
    fresh = build_retriever(b, client=client)  # a B started later finds it too
    assert zorblax_hits(fresh, "alice") and not zorblax_hits(fresh, "bob")

    # A's user removes the file; A's next ingest forgets it, and B's index lets it go
    (a.corpus_dir / SOURCE).unlink()
    assert run_ingest(a, client=client).deleted >= 1
    assert not zorblax_hits(in_b, "alice") and not zorblax_hits(fresh, "alice")
    assert not open_store(b, in_b.store.embeddings, client=client).chunks_of_source(SOURCE)


def test_an_answer_in_b_cites_the_upload_made_through_a(two):
    from assistant.answering.extractive import ExtractiveAnswerer
    from assistant.chain import Assistant

    a, b, client = two
    assistant_b = Assistant(b, build_retriever(b, client=client), ExtractiveAnswerer())
    assert index_uploads([Upload("zorblax.md", ZORBLAX)], a, workspace="alice").indexed
    mine = assistant_b.invoke({"question": QUESTION, "filters": Filters(workspace="alice")})
    assert not mine.refused and "RMB 7" in mine.answer, mine.answer
    theirs = assistant_b.invoke({"question": QUESTION, "filters": Filters(workspace="bob")})
    assert "Zorblax" not in theirs.answer and all("zorblax" not in r for r in theirs.retrieved)


def test_an_upload_announced_before_it_is_in_the_store_is_searched_by_bm25(two):
    """B starts while A's upload is recorded but not yet embedded: B still finds it (BM25), no error."""
    a, b, client = two
    retriever = build_retriever(b, client=client)
    records = WorkspaceRecords.for_settings(a)
    from assistant.schema import StoredChunk
    from assistant.stores.workspaces import UploadedFile

    meta = {"doc_id": "zorblax", "source": SOURCE, "workspace": "alice", "chunk_id": "zorblax:overview:0",
            "title": "Zorblax levy", "doc_type": "upload", "status": "", "content_hash": "0", "body_offset": 0}
    chunk = StoredChunk("zorblax:overview:0@0", "The Zorblax levy on every parcel at the quantum desk is RMB 7.", meta)
    records.put([UploadedFile(SOURCE, "alice", "zorblax.md", "cd" * 32, (chunk,))], "elsewhere:/corpus")
    hits = zorblax_hits(retriever, "alice")
    assert hits and hits[0].dense_rank is None and hits[0].bm25_rank == 1


def test_state_database_down_leaves_the_index_as_it_is(two, caplog):
    a, b, client = two
    retriever = build_retriever(b, client=client)

    class Down:
        calls = 0

        def version(self) -> int:
            Down.calls += 1
            raise StoreError("CBEC_STATE_URL='postgresql+psycopg://cbec:***@db/cbec' cannot be used (OperationalError)")

        def changes(self, after: int):
            raise AssertionError("not reached")

    retriever.feed = Down()
    for _ in range(3):
        assert retriever.search("recordation valid for 10 years", k=3)
    assert Down.calls == 3
    assert sum("unreachable" in r.getMessage() for r in caplog.records) == 1  # said once per outage


def test_take_in_replaces_only_what_differs(two):
    a, b, client = two
    retriever = build_retriever(b, client=client)
    index = retriever.bm25_index
    same = take_in(index, [], b, 5)
    assert same is index and same.shared_version == 5
