"""Workspace upload records in the state database (SQLite here; PostgreSQL in the integration test)."""

from __future__ import annotations

import threading

from assistant.schema import StoredChunk
from assistant.stores.workspaces import UploadedFile, WorkspaceRecords, chunks_fingerprint


def upload(source: str = "uploads/alice/zorblax.md", text: str = "The Zorblax levy is RMB 7.", ws: str = "alice"):
    doc = source.rsplit("/", 1)[-1].split(".")[0]
    chunks = (
        StoredChunk(f"{doc}:overview:0@{abs(hash(text)) % 10**8:08d}", f"{doc}\n\n{text}",
                    {"doc_id": doc, "source": source, "workspace": ws, "chunk_id": f"{doc}:overview:0"}),
    )
    return UploadedFile(source=source, workspace=ws, file_name=source.rsplit("/", 1)[-1], sha256="ab" * 32, chunks=chunks)


def test_round_trip_versions_and_forgetting(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    records = WorkspaceRecords(url, "chroma/embedded/cbec")
    assert records.version() == 0 and records.changes(0) == []
    first = upload()
    assert records.put([first], "host:/corpus-a") == 1
    (rec,) = records.changes(0)
    assert (rec.source, rec.workspace, rec.doc_id, rec.file_name, rec.sha256, rec.origin, rec.version, rec.deleted) == (
        "uploads/alice/zorblax.md", "alice", "zorblax", "zorblax.md", "ab" * 32, "host:/corpus-a", 1, False)
    assert rec.chunks == first.chunks and rec.created_at and rec.fingerprint == chunks_fingerprint(first.chunks)
    # another instance (another process) reads the same; the same upload again changes nothing
    other = WorkspaceRecords(url, "chroma/embedded/cbec")
    assert other.version() == 1 and other.put([first], "host:/corpus-a") is None and other.version() == 1
    # a changed file is a new version of the same record
    changed = upload(text="The Zorblax levy is RMB 9.")
    assert other.put([changed], "host:/corpus-a") == 2
    (rec2,) = records.changes(1)
    assert rec2.chunks == changed.chunks and rec2.created_at == rec.created_at and len(records.live()) == 1
    assert records.own_sources("host:/corpus-a") == {"uploads/alice/zorblax.md": chunks_fingerprint(changed.chunks)}
    assert records.foreign("host:/corpus-a") == [] and len(records.foreign("host:/corpus-b")) == 1
    assert records.foreign("host:/corpus-b", exclude=["uploads/alice/zorblax.md"]) == []
    assert records.known_files() == [("alice", "ab" * 32, "uploads/alice/zorblax.md", "zorblax")]
    # forgotten: a deleted record at a new version, its chunks gone; forgetting again changes nothing
    assert records.forget(["uploads/alice/zorblax.md", "uploads/alice/never.md"]) == 3
    assert records.forget(["uploads/alice/zorblax.md"]) is None
    (gone,) = records.changes(2)
    assert gone.deleted and gone.chunks == () and records.live() == [] and records.version() == 3
    # another collection in the same database has its own records and version
    assert WorkspaceRecords(url, "chroma/127.0.0.1:8000/cbec").version() == 0


def test_concurrent_writers_get_distinct_versions_in_order(tmp_path):
    """Each change takes the next version, even from two processes at once: readers miss nothing."""
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    writers = [WorkspaceRecords(url, "ns"), WorkspaceRecords(url, "ns")]
    got: list[int] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for n in range(10):
                v = writers[i].put([upload(f"uploads/w{i}/doc{n}.md", f"text {i} {n}", ws=f"w{i}")], f"host:/c{i}")
                got.append(v)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(got) == list(range(1, 21))
    reader = WorkspaceRecords(url, "ns")
    assert [r.version for r in reader.changes(0)] == list(range(1, 21))
    assert {r.version for r in reader.changes(15)} == set(range(16, 21))
