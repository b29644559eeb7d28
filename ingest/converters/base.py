"""What every converter returns, and the checks they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.schema import UPLOAD_DOC_TYPE, UPLOADS_FOLDER, WORKSPACE_KEY
from ingest.metadata import FOLDER_DOC_TYPES


class LoadError(Exception):
    """A file (or a record in it) cannot be loaded; ``str(err)`` is the reason."""


class MissingDependencyError(RuntimeError):
    """A converter's parser library is not installed: the install is broken, not the document.

    Raised instead of `LoadError` so that a broken install stops the run with the package's
    name, rather than reporting every file of that format as a bad document.
    """


@dataclass
class SourceDocument:
    """One loaded document, before splitting."""

    doc_id: str
    text: str
    source: str  # path relative to the corpus root (posix): the unit of incremental indexing
    metadata: dict = field(default_factory=dict)
    structured: bool = True  # text carries Markdown headings
    record: bool = False  # a JSONL record: keeps its id, split pieces become id#n


@dataclass
class LoadResult:
    documents: list[SourceDocument]
    errors: list[str] = field(default_factory=list)  # per-record problems inside a file that loaded


def read_text(path: Path) -> str:
    """A text file's content as UTF-8; empty, binary and non-UTF-8 files raise `LoadError`."""
    data = path.read_bytes()
    if not data.strip():
        raise LoadError("empty file")
    if b"\x00" in data[:8192]:
        raise LoadError("binary content (NUL bytes) in a text file; is the extension wrong?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start+1]!r})") from None
    if not text.strip():
        raise LoadError("empty file")
    return text


def base_metadata(path: Path, root: Path) -> tuple[str, dict]:
    """(path relative to the corpus root, metadata implied by the folder the file is in)."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    meta: dict = {}
    folder = path.parent.name
    if folder in FOLDER_DOC_TYPES:
        meta["doc_type"] = FOLDER_DOC_TYPES[folder]
    parts = rel.split("/")
    if parts[0] == UPLOADS_FOLDER:  # uploads/<workspace>/file: a user's own document, never law
        meta["doc_type"] = UPLOAD_DOC_TYPE
        meta[WORKSPACE_KEY] = parts[1] if len(parts) > 2 else UPLOADS_FOLDER
    return rel, meta


def first_line_title(text: str, path: Path) -> str:
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return first if 0 < len(first) <= 120 else path.stem
