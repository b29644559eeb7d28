"""Is the index in step with the corpus? Discovery of corpus files and the corpus fingerprint.

Standard library only: `python -m ingest --if-stale` answers "nothing to do" without importing the
models, the store or LangChain.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.config import Settings
from assistant.schema import SCHEMA_VERSION
from assistant.stores.catalog import interrupted_ingest, read_state

# Curated answer cards and the bilingual lexicon live beside the corpus but are not documents:
# the answer step loads them (`assistant.answering.cards`, `assistant.lexicon`); they are never
# split and indexed as passages.
NOT_DOCUMENTS = frozenset({"cards", "lexicon"})


def discover_checked(root: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Corpus files under root, sorted, and the entries that were passed over with the reason.

    Hidden files and folders, README files, cards and the lexicon are not documents. A symbolic
    link is followed only when it resolves inside the corpus folder (a link to /etc/passwd is never
    read); dangling links and link loops are reported, never silently skipped.
    """
    out: list[Path] = []
    problems: list[tuple[str, str]] = []
    base = root.resolve()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part.startswith((".", "_")) for part in rel.parts) or rel.parts[0] in NOT_DOCUMENTS:
            continue
        if p.is_symlink():
            try:
                target = p.resolve(strict=True)
            except (OSError, RuntimeError) as exc:
                kind = "a link loop" if "loop" in str(exc).lower() or isinstance(exc, RuntimeError) else "a dangling link"
                problems.append((rel.as_posix(), f"{kind}; not read"))
                continue
            if not target.is_relative_to(base):
                problems.append((rel.as_posix(), "a link to a file outside the corpus folder; not read"))
                continue
        if p.is_file() and p.name.lower() not in {"readme.md", "readme.txt"}:
            out.append(p)
    return out, problems


def discover(root: Path) -> list[Path]:
    """The corpus files under root (see `discover_checked` for what is passed over and why)."""
    return discover_checked(root)[0]


def corpus_fingerprint(root: Path, settings: Settings) -> str:
    """Changes whenever a corpus file or a setting that shapes the index changes."""
    h = hashlib.sha1()
    for p in discover(root):
        st = p.stat()
        h.update(f"{p.relative_to(root).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    h.update(
        f"{settings.embedder}|{settings.chunk_size}|{settings.chunk_overlap}|{settings.collection}|"
        f"{settings.chroma_host}:{settings.chroma_port}|{settings.bm25_with_headings}|schema {SCHEMA_VERSION}".encode()
    )
    return h.hexdigest()


def is_current(settings: Settings, corpus: Path | None = None) -> bool:
    """True when the last ingest of this corpus succeeded and nothing changed since (no I/O beyond stat).

    The one place that decides whether the index is current: `python -m ingest --if-stale`
    (run by `make run` before serving) asks it.
    """
    if interrupted_ingest(settings) is not None:
        return False  # a run died half-way: the store may hold old and new versions side by side
    state = read_state(settings)
    root = Path(corpus or settings.corpus_dir)
    return bool(state and root.is_dir() and state.fingerprint and state.fingerprint == corpus_fingerprint(root, settings))
