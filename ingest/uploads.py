"""Documents uploaded through the web chat: checked, saved into the corpus, indexed, rolled back.

Pure logic with no UI: the page passes the uploaded bytes and a progress callback and renders the
`UploadReport`. A file is saved only after its converter read it; if indexing fails, the files
saved by this upload are removed again so a broken file cannot fail every later ingest, and their
workspace records are withdrawn so other serve processes drop them too. A file the same workspace
already uploaded through another process (same SHA-256 in the records) is refused as a duplicate.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.schema import UPLOADS_FOLDER
from ingest.converters import LoadError, load_file
from ingest.state import discover

if TYPE_CHECKING:
    from assistant.stores.workspaces import WorkspaceRecords

# Formats a person uploads; JSONL (bulk records) stays a command-line format.
UPLOAD_TYPES = ("pdf", "docx", "html", "htm", "md", "markdown", "txt")
UPLOAD_DIR = UPLOADS_FOLDER
WORKSPACE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the user gave it and its bytes."""

    name: str
    data: bytes


@dataclass
class UploadReport:
    """What happened to an upload: lines to show as success and as problems, and whether the index changed."""

    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    indexed: bool = False


def safe_upload_name(name: str) -> str:
    """A file name safe to write into the corpus: no folders, plain characters, lower-case extension."""
    base = Path(name).name
    stem, ext = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"
    return f"{stem[:80]}{ext}"


def corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    """SHA-256 of every file the ingest would read -> its path relative to the corpus folder."""
    if not corpus_dir.is_dir():
        return {}
    out: dict[str, str] = {}
    for p in discover(corpus_dir):
        try:
            out.setdefault(hashlib.sha256(p.read_bytes()).hexdigest(), p.relative_to(corpus_dir).as_posix())
        except OSError:
            continue
    return out


def index_uploads(
    files: Sequence[Upload],
    settings: Settings,
    *,
    embeddings: Embeddings | None = None,
    indexed_ids: Iterable[str] = (),
    lock=None,
    progress: Callable[[float, str], None] | None = None,
    workspace: str = "",
) -> UploadReport:
    """Check, save and index uploaded files into ``workspace`` (the user's own, searched only by them).

    ``indexed_ids`` are document ids already in the index (ids come from file names and must stay
    unique); ``lock`` serialises ingests of one server process; ``progress(fraction, text)`` reports.
    """
    if not WORKSPACE.fullmatch(workspace):
        raise ValueError(f"workspace {workspace!r}: expected 1-64 lower-case letters, digits or hyphens")
    from assistant.stores.errors import StoreError
    from assistant.stores.workspaces import WorkspaceRecords
    from ingest.pipeline import run_ingest

    report = UploadReport()
    say = progress or (lambda frac, text: None)
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    root = settings.corpus_dir
    target = root / UPLOAD_DIR / workspace
    try:  # uploads made through other serve processes (other corpus folders) count too
        records = WorkspaceRecords.for_settings(settings)
        elsewhere = records.known_files()
    except StoreError as exc:
        report.problems.append(f"Uploads cannot be recorded: {exc}")
        return report
    known = corpus_hashes(root)
    # The same file twice in one workspace is refused; another workspace's copy is never revealed.
    known.update({sha: src for ws, sha, src, _ in elsewhere if ws == workspace and sha and sha not in known})
    taken = {p.stem.lower() for p in discover(root)} if root.is_dir() else set()
    taken |= {i.lower() for i in indexed_ids}
    taken |= {doc_id.lower() for *_, doc_id in elsewhere if doc_id}  # document ids are global
    saved: dict[str, str] = {}  # corpus-relative path -> name as uploaded
    for i, f in enumerate(files):
        say(i / (len(files) + 1), f"Checking {f.name}")
        ext = Path(f.name).suffix.lower().lstrip(".")
        if ext not in UPLOAD_TYPES:
            report.problems.append(f"{f.name}: unsupported file type .{ext}; use {', '.join(UPLOAD_TYPES)}.")
            continue
        if len(f.data) > max_bytes:
            report.problems.append(f"{f.name}: {len(f.data) / 1e6:.1f} MB is over the {settings.max_file_mb:g} MB limit.")
            continue
        digest = hashlib.sha256(f.data).hexdigest()
        if digest in known:
            report.problems.append(f"{f.name}: already in the corpus as `{known[digest]}` (same SHA-256); not added again.")
            continue
        name = safe_upload_name(f.name)
        if Path(name).stem.lower() in taken:
            name = f"{Path(name).stem}-{digest[:8]}{Path(name).suffix}"
        path = target / name
        try:
            target.mkdir(parents=True, exist_ok=True)
            path.write_bytes(f.data)
            load_file(path, root, max_bytes)  # the converter's own check, before the index sees it
        except LoadError as exc:
            path.unlink(missing_ok=True)
            report.problems.append(f"{f.name}: cannot be read ({exc}).")
            continue
        except OSError as exc:
            path.unlink(missing_ok=True)
            report.problems.append(f"{f.name}: could not be saved ({exc.strerror or exc}).")
            continue
        known[digest] = path.relative_to(root).as_posix()
        taken.add(path.stem.lower())
        saved[path.relative_to(root).as_posix()] = f.name
    if saved:
        say(len(files) / (len(files) + 1), "Updating the index (new chunks are embedded)…")
        try:
            with lock or nullcontext():
                result = run_ingest(settings, embeddings=embeddings)
        except Exception as exc:  # any failure: roll the upload back, keep the index as it was
            for rel in saved:
                (root / rel).unlink(missing_ok=True)
            _forget(records, saved)
            report.problems.append(
                f"Indexing failed ({exc.__class__.__name__}: {str(exc)[:300]}); the uploaded files were removed. "
                "Check the store (see the corpus status) and try again."
            )
        else:
            report.indexed = True
            failed = {fl.path: fl.reason for fl in result.failed}
            _forget(records, [rel for rel in saved if rel in failed])
            for rel, original in saved.items():
                if rel in failed:
                    (root / rel).unlink(missing_ok=True)  # a file the index refuses would fail every ingest
                    report.problems.append(f"{original}: not indexed ({failed[rel]}).")
                else:
                    report.ok.append(f"{original}: indexed as `{rel}`.")
            report.ok.append(
                f"Index updated in {result.seconds:.1f} s: {result.added} chunk(s) added, "
                f"{result.updated} updated, {result.documents} documents in total."
            )
    say(1.0, "Done")
    return report


def _forget(records: WorkspaceRecords, sources: Iterable[str]) -> None:
    """Withdraw the records of files this upload removed again (best effort: the next ingest of this
    corpus forgets any upload whose file is gone)."""
    from assistant.stores.errors import StoreError

    try:
        records.forget(sources)
    except StoreError:
        pass
