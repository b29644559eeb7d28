"""Workspace upload records: what each upload put into the index, readable by every serve process.

An upload is saved into the corpus folder of the process that received it and indexed into the
shared Chroma collection. Another process (another machine, another corpus folder) can find its
vectors in Chroma, but not the file, and its BM25 index, titles and document list were built before
the upload. So each uploaded file has a record in the state database (`assistant.stores.shared`):
workspace, document id, file name, SHA-256, the corpus that holds the file (``origin``) and its
chunks (store id, text, metadata), as the index holds them.

A per-collection version counter is bumped in the same transaction as every change, and each
record carries the version that wrote it. A reader compares one integer before each retrieval
(`HybridRetriever.refresh`) and, when it moved, reads only the records changed since and swaps their
chunks into its BM25 index. The counter row is locked by the writer until it commits, so versions
become visible in order: a reader that sees version v can read every record up to v.

The records also keep the shared index whole: an ingest feeds the chunks of other corpora's uploads
back to the indexer unchanged (they are not re-embedded), so its ``full`` cleanup does not delete
them; a file removed from the corpus it was uploaded to is forgotten there (its record marked
deleted), and then leaves every process's index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import socket
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.schema import StoredChunk
from assistant.stores import shared

_TABLES: tuple | None = None


def tables():
    """(versions, documents) tables, built on first use (nothing is imported or made at import time).

    Built as a pair and published in one assignment, so threads racing here never mix two sets.
    """
    global _TABLES
    if _TABLES is None:
        from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, UniqueConstraint

        meta = MetaData()
        versions = Table(
            "cbec_state_versions", meta,
            Column("name", String(255), primary_key=True),
            Column("version", Integer, nullable=False),
        )
        documents = Table(
            "cbec_workspace_documents", meta,
            Column("id", String(32), primary_key=True),
            Column("namespace", String(255), nullable=False),
            Column("source", String(1024), nullable=False),  # corpus-relative: uploads/<workspace>/<file>
            Column("workspace", String(64), nullable=False, index=True),
            Column("doc_id", String(512), nullable=False),
            Column("file_name", String(255), nullable=False),
            Column("sha256", String(64), nullable=False),
            Column("origin", String(1024), nullable=False),  # host:corpus folder that holds the file
            Column("fingerprint", String(40), nullable=False),  # of the chunks' store ids (content hashes)
            Column("chunks", Text, nullable=False),  # JSON: [{"id", "text", "metadata"}]
            Column("version", Integer, nullable=False, index=True),
            Column("deleted", Boolean, nullable=False, default=False),
            Column("created_at", String(40), nullable=False),
            Column("updated_at", String(40), nullable=False),
            UniqueConstraint("namespace", "source", name="uq_cbec_workspace_documents_source"),
        )
        _TABLES = (versions, documents)
    return _TABLES


def origin_of(corpus_dir: Path) -> str:
    """The corpus folder that holds a file, as other processes name it: host and absolute path."""
    return f"{socket.gethostname()}:{Path(corpus_dir).resolve()}"


def chunks_fingerprint(chunks: Iterable[StoredChunk]) -> str:
    """Changes when any chunk of a file is added, removed or changed (store ids carry content hashes)."""
    h = hashlib.sha1()
    for cid in sorted(c.id for c in chunks):
        h.update(cid.encode())
        h.update(b"\n")
    return h.hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class DocumentRecord:
    """One uploaded file as the index holds it (``deleted``: forgotten, its chunks must leave)."""

    source: str
    workspace: str
    doc_id: str
    file_name: str
    sha256: str
    origin: str
    chunks: tuple[StoredChunk, ...]
    version: int
    deleted: bool
    created_at: str
    updated_at: str

    @property
    def fingerprint(self) -> str:
        return chunks_fingerprint(self.chunks)


@dataclass(frozen=True)
class UploadedFile:
    """What an ingest publishes about one uploaded file (see `WorkspaceRecords.put`)."""

    source: str
    workspace: str
    file_name: str
    sha256: str
    chunks: tuple[StoredChunk, ...]

    @property
    def doc_id(self) -> str:
        return str(self.chunks[0].metadata.get("doc_id", "")) if self.chunks else ""


class WorkspaceRecords:
    """The upload records of one collection (``namespace``) in one state database."""

    def __init__(self, url: str, namespace: str, configured: bool = False) -> None:
        self.url = url
        self.namespace = namespace
        self.configured = configured
        versions, documents = tables()
        shared.ensure_tables(url, documents.metadata, configured)

    @classmethod
    def for_settings(cls, settings: Settings) -> WorkspaceRecords:
        return cls(shared.state_url(settings, "workspaces"), shared.namespace(settings), bool(settings.state_url))

    # ---- reading ---------------------------------------------------------------------------

    def version(self) -> int:
        """The collection's version: one indexed read, made before every retrieval."""
        from sqlalchemy import select

        versions, _ = tables()
        with self._db() as conn:
            v = conn.execute(select(versions.c.version).where(versions.c.name == self.namespace)).scalar()
        return int(v or 0)

    def changes(self, after: int) -> list[DocumentRecord]:
        """Records written after version ``after`` (deleted ones included), oldest first."""
        _, documents = tables()
        return self._select((documents.c.version > after,), order=documents.c.version)

    def live(self) -> list[DocumentRecord]:
        """Every record not forgotten."""
        _, documents = tables()
        return self._select((documents.c.deleted.is_(False),))

    def foreign(self, origin: str, exclude: Iterable[str] = ()) -> list[DocumentRecord]:
        """Live records of files held by other corpora (not ``origin``), minus sources in ``exclude``."""
        _, documents = tables()
        skip = set(exclude)
        rows = self._select((documents.c.deleted.is_(False), documents.c.origin != origin))
        return [r for r in rows if r.source not in skip]

    def own_sources(self, origin: str) -> dict[str, str]:
        """Source -> chunk fingerprint of the live records whose file this corpus holds."""
        from sqlalchemy import select

        _, d = tables()
        with self._db() as conn:
            rows = conn.execute(
                select(d.c.source, d.c.fingerprint).where(
                    d.c.namespace == self.namespace, d.c.origin == origin, d.c.deleted.is_(False)
                )
            ).all()
        return {s: f for s, f in rows}

    def known_files(self) -> list[tuple[str, str, str, str]]:
        """(workspace, sha256, source, doc_id) of every live record: upload checks need no chunk text."""
        from sqlalchemy import select

        _, d = tables()
        with self._db() as conn:
            rows = conn.execute(
                select(d.c.workspace, d.c.sha256, d.c.source, d.c.doc_id).where(
                    d.c.namespace == self.namespace, d.c.deleted.is_(False)
                )
            ).all()
        return [tuple(r) for r in rows]

    # ---- writing ---------------------------------------------------------------------------

    def put(self, uploads: Sequence[UploadedFile], origin: str) -> int | None:
        """Publish uploaded files held by ``origin``; unchanged ones are left alone.

        Returns the new version, or None when nothing changed (readers then do nothing either).
        """
        from sqlalchemy import select

        _, d = tables()
        with self._db(write=True) as conn:
            current = {
                s: (f, o, deleted)
                for s, f, o, deleted in conn.execute(
                    select(d.c.source, d.c.fingerprint, d.c.origin, d.c.deleted).where(
                        d.c.namespace == self.namespace, d.c.source.in_([u.source for u in uploads])
                    )
                ).all()
            }
            todo = [u for u in uploads if current.get(u.source) != (chunks_fingerprint(u.chunks), origin, False)]
            if not todo:
                return None
            version = self._bump(conn)
            now = _now()
            for u in todo:
                values = {
                    "workspace": u.workspace, "doc_id": u.doc_id, "file_name": u.file_name, "sha256": u.sha256,
                    "origin": origin, "fingerprint": chunks_fingerprint(u.chunks),
                    "chunks": json.dumps([{"id": c.id, "text": c.text, "metadata": c.metadata} for c in u.chunks],
                                         ensure_ascii=False),
                    "version": version, "deleted": False, "updated_at": now,
                }
                self._upsert(conn, u.source, values, now)
        return version

    def forget(self, sources: Iterable[str]) -> int | None:
        """Mark these files' records deleted (their chunks leave every index); the new version or None."""
        from sqlalchemy import update

        _, d = tables()
        sources = sorted(set(sources))
        if not sources:
            return None
        with self._db(write=True) as conn:
            live = [r for r in self._rows(conn, (d.c.source.in_(sources), d.c.deleted.is_(False)), with_chunks=False)]
            if not live:
                return None
            version = self._bump(conn)
            conn.execute(
                update(d)
                .where(d.c.namespace == self.namespace, d.c.source.in_([r["source"] for r in live]))
                .values(deleted=True, chunks="[]", fingerprint=chunks_fingerprint(()), version=version, updated_at=_now())
            )
        return version

    # ---- internals -------------------------------------------------------------------------

    @contextmanager
    def _db(self, write: bool = False) -> Iterator:
        """A connection (``write``: a transaction, committed on success), errors made `StateError`s."""
        eng = shared.engine(self.url)
        with shared.translated(self.url, self.configured), (eng.begin() if write else eng.connect()) as conn:
            yield conn

    def _bump(self, conn) -> int:
        """Next version of this collection; the row stays locked until the caller's transaction commits."""
        versions, _ = tables()
        stmt = shared.insert_for(conn.dialect.name, versions).values(name=self.namespace, version=1)
        stmt = stmt.on_conflict_do_update(index_elements=[versions.c.name],
                                          set_={"version": versions.c.version + 1})
        return int(conn.execute(stmt.returning(versions.c.version)).scalar_one())

    def _upsert(self, conn, source: str, values: dict, now: str) -> None:
        _, d = tables()
        stmt = shared.insert_for(conn.dialect.name, d).values(
            id=uuid.uuid4().hex, namespace=self.namespace, source=source, created_at=now, **values
        )
        conn.execute(stmt.on_conflict_do_update(index_elements=[d.c.namespace, d.c.source], set_=values))

    def _rows(self, conn, where: tuple, with_chunks: bool = True, order=None):
        from sqlalchemy import select

        _, d = tables()
        cols = [c for c in d.c if with_chunks or c.name != "chunks"]
        query = select(*cols).where(d.c.namespace == self.namespace, *where)
        if order is not None:
            query = query.order_by(order)
        return conn.execute(query).mappings().all()

    def _select(self, where: tuple, order=None) -> list[DocumentRecord]:
        with self._db() as conn:
            rows = self._rows(conn, where, order=order)
        return [_record(r) for r in rows]


def _record(row) -> DocumentRecord:
    chunks = tuple(StoredChunk(c["id"], c["text"], dict(c["metadata"])) for c in json.loads(row["chunks"] or "[]"))
    return DocumentRecord(
        source=row["source"], workspace=row["workspace"], doc_id=row["doc_id"], file_name=row["file_name"],
        sha256=row["sha256"], origin=row["origin"], chunks=chunks, version=int(row["version"]),
        deleted=bool(row["deleted"]), created_at=row["created_at"], updated_at=row["updated_at"],
    )

