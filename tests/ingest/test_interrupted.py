"""An ingest that dies half-way is noticed at the next start and put right; `--verify` repairs
what a killed run leaves behind (chunks served twice, chunks the record manager forgot)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.embedders import HashingEmbeddings, make_embedder
from assistant.retrieval import build_retriever
from assistant.stores import catalog
from assistant.stores.chroma import open_store
from ingest.pipeline import record_manager, run_ingest, verify
from ingest.state import is_current
from tests.conftest import FIXTURES

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]


class Dies(HashingEmbeddings):
    """Embeds the first ``calls`` batches, then dies like a killed process would (mid-run)."""

    def __init__(self, dim: int, calls: int) -> None:
        super().__init__(dim)
        self.left = calls

    def embed_documents(self, texts):
        if self.left <= 0:
            raise KeyboardInterrupt("killed")
        self.left -= 1
        return super().embed_documents(texts)


def more_documents(corpus: Path, copies: int) -> None:
    """Copies of the fixture regulations under new ids, so an ingest takes several batches."""
    for i in range(copies):
        for f in list((FIXTURES / "corpus" / "regulations").glob("*.md")):
            (corpus / "regulations" / f"{f.stem}-{i}.md").write_text(
                f.read_text(encoding="utf-8").replace("id: ", f"id: c{i}-", 1), encoding="utf-8")


def chunk_versions(settings) -> dict[str, int]:
    store = open_store(settings, make_embedder(settings))
    out: dict[str, int] = {}
    for c in store.iter_chunks():
        out[c.metadata["chunk_id"]] = out.get(c.metadata["chunk_id"], 0) + 1
    return out


def change_every_document(corpus: Path) -> None:
    for f in corpus.rglob("*.md"):
        f.write_text(f.read_text(encoding="utf-8").replace(". ", ". Indeed, "), encoding="utf-8")


def test_a_run_dying_half_way_is_detected_and_the_next_run_completes_it(settings, corpus):
    more_documents(corpus, 6)
    settings = settings.replace(index_batch=32)  # several indexing calls: the run can die between them
    assert run_ingest(settings, corpus=corpus).ok
    assert is_current(settings, corpus)
    change_every_document(corpus)
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, corpus=corpus, embeddings=Dies(128, calls=1))
    # What a killed run leaves: the journal, and old and new versions of some chunks side by side.
    assert catalog.interrupted_ingest(settings) is not None
    assert not is_current(settings, corpus)
    assert max(chunk_versions(settings).values()) == 2
    # The retriever never serves one chunk id twice, even now.
    hits = build_retriever(settings).search("customs detained goods", k=20)
    assert len({h.chunk_id for h in hits}) == len(hits)
    # The next run (what `make run`'s `--if-stale` starts, since the index is not current) completes it.
    r = run_ingest(settings, corpus=corpus)
    assert r.ok and catalog.interrupted_ingest(settings) is None
    assert set(chunk_versions(settings).values()) == {1}
    assert verify(settings).ok


def test_verify_repairs_store_only_chunks_and_forgotten_records(settings, corpus):
    assert run_ingest(settings, corpus=corpus).ok
    rm = record_manager(settings)
    keys = sorted(rm.list_keys())
    # A killed run between the store's write and the record manager's: the store has a chunk the
    # record manager does not know; and a record whose chunk the store lost.
    store = open_store(settings, make_embedder(settings))
    orphan = store.get([keys[0]])[0]
    from langchain_core.documents import Document

    store.vectorstore.add_documents(
        [Document(page_content=orphan.text, metadata={**orphan.metadata})], ids=[orphan.id.split("@")[0] + "@stale"]
    )
    store.vectorstore.delete(ids=[keys[1]])
    report = verify(settings)
    assert not report.ok
    assert report.store_only == [orphan.id.split("@")[0] + "@stale"]
    assert report.records_only == [keys[1]]
    assert report.duplicate_chunk_ids == [orphan.metadata["chunk_id"]]
    assert report.bm25_stale
    fixed = verify(settings, repair=True)
    assert fixed.repaired
    after = run_ingest(settings, corpus=corpus)  # re-adds the chunk the store had lost
    assert after.ok and after.added == 1
    assert verify(settings).ok
    assert set(chunk_versions(settings).values()) == {1}


@pytest.mark.slow
def test_kill_9_during_ingest_then_verify(tmp_path, corpus):
    """A real `kill -9` of `python -m ingest` mid-run, then `python -m ingest --verify`."""
    env = {**os.environ, "CBEC_DATA_DIR": str(tmp_path / "data"), "CBEC_CORPUS_DIR": str(corpus),
           "CBEC_EMBEDDER": "hashing:128", "CBEC_INDEX_BATCH": "32"}
    more_documents(corpus, 60)  # enough text that the run takes a while
    assert subprocess.run([sys.executable, "-m", "ingest", "--quiet"], env=env, cwd=ROOT,
                          capture_output=True, timeout=600).returncode in (0, 1)
    change_every_document(corpus)
    proc = subprocess.Popen([sys.executable, "-m", "ingest", "--quiet"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = tmp_path / "data" / "ingest_journal_cbec.json"
    deadline = time.monotonic() + 120
    while not journal.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert journal.exists()
    out = subprocess.run([sys.executable, "-m", "ingest", "--verify", "--quiet"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode in (0, 1), out.stderr
    assert "verify:" in out.stdout
    again = subprocess.run([sys.executable, "-m", "ingest", "--verify", "--quiet"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert "-> consistent" in again.stdout, again.stdout
    assert not journal.exists()
