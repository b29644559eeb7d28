"""The ingest pipeline: discover -> load -> split -> index (incremental) -> BM25.

Incremental indexing uses LangChain's indexing API with a SQL record manager: a chunk's
key is ``{chunk_id}@{content_hash}``, so an unchanged chunk is skipped, a changed one is
written under a new key and its old key cleaned up, and the chunks of a deleted file are
removed (``cleanup="full"``).

Losing nothing: a file that fails to load keeps the chunks it had, because they are read
back from the store and fed to the indexer unchanged (so ``full`` cleanup does not see
them as gone); and a run that dies half-way never reaches cleanup, so what was indexed
before stays.

Several serve processes (one Chroma server, one ``CBEC_STATE_URL``): the record manager is shared,
this corpus's uploads are published to the workspace records (`assistant.stores.workspaces`), and
uploads held by other corpora are fed back from those records the same way as a failed file's
chunks, so one process's ingest never deletes what another indexed.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.embedders import make_embedder
from assistant.retrieval import bm25
from assistant.schema import WORKSPACE_KEY, StoredChunk
from assistant.stores import catalog, shared
from assistant.stores.chroma import ChromaStore, drop_collection, make_client, open_store, store_label
from assistant.stores.workspaces import UploadedFile, WorkspaceRecords, origin_of
from ingest.converters import LoadError, MissingDependencyError, SourceDocument, load_file
from ingest.splitter import split_document
from ingest.state import corpus_fingerprint, discover_checked


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    deleted: int = 0
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    embedded: int = 0
    embed_seconds: float = 0.0
    chunks_per_s: float = 0.0  # chunks embedded per second of the whole run
    collection: str = ""
    store: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return asdict(self)


class _TimedEmbeddings(Embeddings):
    """Counts texts embedded and time spent, to report chunks/s of real embedding work."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        self.texts = 0
        self.seconds = 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        t = time.perf_counter()
        out = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - t
        self.texts += len(texts)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def record_manager(settings: Settings):
    """The SQL record manager of the collection, in the state database (shared between processes
    when ``CBEC_STATE_URL`` is set, else ``data_dir/record_manager.sqlite``)."""
    from langchain_classic.indexes import SQLRecordManager

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = shared.state_url(settings, "records")
    configured = bool(settings.state_url)
    with shared.translated(url, configured):
        rm = SQLRecordManager(namespace=shared.namespace(settings), engine=shared.engine(url))
    shared.create_with_retry(url, rm.create_schema, configured)
    return rm


def _key(doc: Document) -> str:
    return f"{doc.metadata['chunk_id']}@{doc.metadata['content_hash']}"


def _stored_chunks_of(store: ChromaStore, source: str) -> list[Document]:
    return [Document(page_content=c.text, metadata=c.metadata) for c in store.chunks_of_source(source)]


def load_corpus(
    root: Path, settings: Settings, on_file: Callable[[Path], None] | None = None
) -> tuple[list[SourceDocument], list[Failure], list[str]]:
    """Load every file; returns documents, failures, and the sources that failed (whole files)."""
    docs: list[SourceDocument] = []
    failures: list[Failure] = []
    failed_sources: list[str] = []
    seen_ids: dict[str, str] = {}
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    paths, passed_over = discover_checked(root)
    failures.extend(Failure(rel, reason) for rel, reason in passed_over)
    for path in paths:
        rel = path.relative_to(root).as_posix()
        try:
            result = load_file(path, root, max_bytes)
        except LoadError as exc:
            failures.append(Failure(rel, str(exc)))
            failed_sources.append(rel)
        except MissingDependencyError:
            raise  # a broken install, not a bad file: stop the run and name the package
        except Exception as exc:  # a loader bug must not stop the other files
            failures.append(Failure(rel, f"unexpected {exc.__class__.__name__}: {exc}"))
            failed_sources.append(rel)
        else:
            failures.extend(Failure(rel, e) for e in result.errors)
            for d in result.documents:
                if not d.record and d.doc_id in seen_ids:
                    # Both documents are kept: the later one under an id made unique by its path.
                    new_id = f"{d.doc_id}--{re.sub(r'[^a-z0-9]+', '-', rel.lower()).strip('-')}"
                    failures.append(Failure(rel, f"duplicate document id {d.doc_id!r} (also {seen_ids[d.doc_id]}); "
                                                 f"indexed as {new_id!r}"))
                    d.doc_id = new_id
                seen_ids[d.doc_id] = rel
                docs.append(d)
        if on_file:
            on_file(path)
    return docs, failures, failed_sources


def run_ingest(
    settings: Settings,
    *,
    corpus: Path | None = None,
    rebuild: bool = False,
    embeddings: Embeddings | None = None,
    progress: bool = False,
    client=None,
) -> IngestReport:
    """Bring the store in step with the corpus folder and return what happened."""
    from langchain_core.indexing import index

    started = time.perf_counter()
    root = Path(corpus or settings.corpus_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder {root} does not exist")
    timed = _TimedEmbeddings(embeddings or make_embedder(settings))
    client = client or make_client(settings)
    rm = record_manager(settings)
    if rebuild:
        drop_collection(client, settings.collection)
        rm.delete_keys(rm.list_keys())
    store = open_store(settings, timed, client=client)
    records = WorkspaceRecords.for_settings(settings)
    origin = origin_of(root)
    catalog.begin_ingest(settings)

    docs, failures, failed_sources = load_corpus(root, settings)
    chunks: list[Document] = []
    for d in docs:
        pieces = split_document(d, settings.chunk_size, settings.chunk_overlap)
        if not pieces:  # never reported as indexed when nothing of it can be retrieved
            failures.append(Failure(d.source, f"document {d.doc_id!r} yields no passages (no text under its headings)"))
        chunks.extend(pieces)
    # Keep what a broken file had: feed its stored chunks back unchanged.
    kept: list[Document] = []
    for src in failed_sources:
        kept.extend(_stored_chunks_of(store, src))

    # This corpus's uploads are published before indexing, so an ingest elsewhere that starts before
    # ours ends finds them in the records (read at the end of its stream) and keeps them.
    publish_uploads(records, origin, root, chunks, failed_sources)
    local = {d.source for d in docs} | set(failed_sources)
    foreign: list[int] = [0]

    def uploads_held_elsewhere() -> Iterator[Document]:
        """Other corpora's uploads, fed back unchanged (same keys: skipped, not embedded again) so
        the full cleanup keeps them; read lazily, after the index run has taken its start time."""
        for rec in records.foreign(origin, exclude=local):
            for c in rec.chunks:
                foreign[0] += 1
                yield Document(page_content=c.text, metadata=dict(c.metadata))

    before = set(rm.list_keys())
    before_ids = {k.rsplit("@", 1)[0] for k in before}
    stream: Iterator[Document] = itertools.chain(chunks + kept, uploads_held_elsewhere())
    if progress:
        from tqdm import tqdm

        stream = iter(tqdm(stream, total=len(chunks) + len(kept), desc="indexing", unit="chunk"))
    with shared.translated(shared.state_url(settings, "records"), bool(settings.state_url), os_errors=False):
        result = index(
            stream,
            rm,
            store.vectorstore,
            # Large calls: the embedder sorts each call's texts by length before cutting its own small
            # batches (1,043 ObliQA chunks: 0.79x the raw encode rate at 256 per call, 0.92x at 1,024).
            batch_size=settings.index_batch,
            cleanup="full",
            source_id_key="source",
            key_encoder=_key,
        )
        after = set(rm.list_keys())
    new_keys = after - before
    updated = sum(1 for k in new_keys if k.rsplit("@", 1)[0] in before_ids)
    changed = bool(new_keys) or result["num_deleted"] or rebuild
    idx_path = bm25.bm25_dir(settings)
    if changed or not (idx_path / "fingerprint").exists():
        bm25.rebuild(settings, store)
    # Only a run where every file loaded may vouch for the corpus: a failed file must be retried.
    held = len(chunks) + len(kept) + foreign[0]
    catalog.write_state(settings, len(docs), held, corpus_fingerprint(root, settings) if not failures else "")
    catalog.end_ingest(settings)

    seconds = time.perf_counter() - started
    return IngestReport(
        documents=len(docs),
        chunks=held,
        added=len(new_keys) - updated,
        updated=updated,
        skipped=result["num_skipped"],
        deleted=result["num_deleted"] - updated,
        failed=failures,
        seconds=round(seconds, 3),
        embedded=timed.texts,
        embed_seconds=round(timed.seconds, 3),
        chunks_per_s=round(timed.texts / seconds, 1) if timed.texts else 0.0,
        collection=settings.collection,
        store=store_label(settings),
    )


def publish_uploads(
    records: WorkspaceRecords, origin: str, root: Path, chunks: list[Document], failed_sources: list[str]
) -> None:
    """Bring the workspace records of this corpus's uploads in step with its files: new or changed
    uploads are put (with their chunks, as the store will hold them), uploads whose file is gone
    are forgotten. A file that failed to load keeps its record, as it keeps its chunks."""
    by_source: dict[str, list[Document]] = {}
    for d in chunks:
        if d.metadata.get(WORKSPACE_KEY):
            by_source.setdefault(str(d.metadata["source"]), []).append(d)
    files = []
    for src, pieces in by_source.items():
        try:
            digest = hashlib.sha256((root / src).read_bytes()).hexdigest()
        except OSError:
            digest = ""
        files.append(UploadedFile(
            source=src, workspace=str(pieces[0].metadata[WORKSPACE_KEY]), file_name=Path(src).name, sha256=digest,
            chunks=tuple(StoredChunk(_key(d), d.page_content, dict(d.metadata)) for d in pieces),
        ))
    if files:
        records.put(files, origin)
    gone = set(records.own_sources(origin)) - set(by_source) - set(failed_sources)
    records.forget(gone)


@dataclass
class VerifyReport:
    """What `verify` found (and, with ``repair``, put right) between the three indexes."""

    store: int  # chunks in the vector store
    records: int  # keys in the record manager
    bm25: int  # rows in the BM25 index
    store_only: list[str]  # in the store, unknown to the record manager (a killed run's leftovers)
    records_only: list[str]  # recorded, missing from the store (would never be re-added)
    duplicate_chunk_ids: list[str]  # one chunk id served by more than one stored version
    bm25_stale: bool  # the BM25 index does not cover exactly the store's chunks
    interrupted: bool  # an ingest journal was left behind
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not (self.store_only or self.records_only or self.duplicate_chunk_ids or self.bm25_stale or self.interrupted)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        return d


def verify(settings: Settings, repair: bool = False, embeddings: Embeddings | None = None, client=None) -> VerifyReport:
    """Compare the vector store, the record manager and the BM25 index; with ``repair``, delete what
    only the store holds (older versions first), forget records the store lost, and rebuild BM25.

    A repaired index is then brought in step with the corpus by the next ingest (the forgotten
    records are re-embedded); `python -m ingest --verify --repair` runs both.
    """
    client = client or make_client(settings)
    rm = record_manager(settings)
    store = open_store(settings, embeddings or make_embedder(settings), client=client)
    stored: dict[str, dict] = {c.id: c.metadata for c in store.iter_chunks()}
    keys = set(rm.list_keys())
    by_chunk: dict[str, list[str]] = {}
    for sid, meta in stored.items():
        by_chunk.setdefault(str(meta.get("chunk_id", sid)), []).append(sid)
    dups = sorted(c for c, sids in by_chunk.items() if len(sids) > 1)
    path = bm25.bm25_dir(settings)
    try:
        idx = bm25.Bm25Index.load(path) if (path / "fingerprint").exists() else None
    except (OSError, ValueError):
        idx = None
    bm25_ids = set(idx.ids) if idx else set()
    report = VerifyReport(
        store=len(stored), records=len(keys), bm25=len(bm25_ids),
        store_only=sorted(set(stored) - keys), records_only=sorted(keys - set(stored)),
        duplicate_chunk_ids=dups, bm25_stale=bm25_ids != set(stored),
        interrupted=catalog.interrupted_ingest(settings) is not None,
    )
    if repair and not report.ok:
        doomed = set(report.store_only)
        for cid in dups:  # keep the version the record manager knows; drop the others
            sids = by_chunk[cid]
            known = [s for s in sids if s in keys]
            doomed.update(s for s in sids if s not in known[:1])
        if doomed:
            store.vectorstore.delete(ids=sorted(doomed))
        # Forget what the store no longer holds, so the next ingest embeds it again instead of
        # trusting a record (and so its cleanup cannot delete the version that was kept).
        forget = sorted((doomed & keys) | set(report.records_only))
        if forget:
            rm.delete_keys(forget)
        bm25.rebuild(settings, store)
        catalog.write_state(settings, 0, store.count(), "")  # not vouched for: the next ingest re-checks
        catalog.end_ingest(settings)
        report.repaired = True
    return report
