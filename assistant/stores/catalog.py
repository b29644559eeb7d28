"""What the index holds, read from chunk metadata: documents, filter options, titles, index state.

The UI, the CLI and the chain ask these questions; the answers come from the chunks' metadata
(never from the corpus files), so they describe exactly what retrieval can return. The index
state file is written by ingest after a run and read here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.schema import CODE_FLAG, TOPIC_FLAG, flag_values


@dataclass(frozen=True)
class DocumentRow:
    """One indexed document, with the number of chunks it has in the index."""

    doc_id: str
    title: str
    doc_type: str
    date: str
    status: str
    source: str
    source_url: str
    chunks: int


def filter_options(metadatas: Iterable[dict]) -> dict[str, list[str]]:
    """Doc types, mode codes and topics present in the index.

    Mode codes and topics are the boolean ``code_*`` / ``topic_*`` flags ingest writes for
    Chroma's ``where`` filters, so every option offered is one the filters can match.
    """
    doc_types: set[str] = set()
    modes: set[str] = set()
    topics: set[str] = set()
    for m in metadatas:
        if m.get("doc_type"):
            doc_types.add(str(m["doc_type"]))
        modes.update(flag_values(m, CODE_FLAG))
        topics.update(flag_values(m, TOPIC_FLAG))
    return {"doc_types": sorted(doc_types), "mode_codes": sorted(modes), "topics": sorted(topics)}


def documents(metadatas: Iterable[dict]) -> list[DocumentRow]:
    """One row per indexed document (chunks grouped by ``doc_id``), sorted by type and title."""
    rows: dict[str, dict] = {}
    for m in metadatas:
        doc_id = str(m.get("doc_id") or m.get("source") or "")
        row = rows.get(doc_id)
        if row is None:
            row = rows[doc_id] = {
                "doc_id": doc_id,
                "title": str(m.get("title") or doc_id),
                "doc_type": str(m.get("doc_type") or ""),
                "date": str(m.get("date") or ""),
                "status": str(m.get("status") or ""),
                "source": str(m.get("source") or ""),
                "source_url": str(m.get("source_url") or ""),
                "chunks": 0,
            }
        row["chunks"] += 1
    return sorted((DocumentRow(**r) for r in rows.values()), key=lambda r: (r.doc_type, r.title.lower()))


def titles(metadatas: Iterable[dict], lang: str = "en") -> dict[str, str]:
    """Document id -> title (currency notes name the instrument that replaced a superseded one).

    ``lang="zh"`` gives the official Chinese title where the front matter has one (``title_zh``).
    """
    key = "title_zh" if lang == "zh" else "title"
    return {str(m.get("doc_id", "")): str(m.get(key) or m.get("title", "")) for m in metadatas}


# ---- index state ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexState:
    """What the last ingest left: the corpus fingerprint it vouches for (empty after a failed file)."""

    fingerprint: str
    documents: int
    chunks: int
    last_ingest: str
    collection: str
    embedder: str

    def to_dict(self) -> dict:
        return asdict(self)


def state_path(settings: Settings) -> Path:
    return settings.data_dir / f"ingest_state_{settings.collection}.json"


def write_state(settings: Settings, documents: int, chunks: int, fingerprint: str = "") -> IndexState:
    state = IndexState(
        fingerprint=fingerprint,
        documents=documents,
        chunks=chunks,
        last_ingest=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        collection=settings.collection,
        embedder=settings.embedder,
    )
    state_path(settings).write_text(json.dumps(state.to_dict(), indent=2))
    return state


def journal_path(settings: Settings) -> Path:
    return settings.data_dir / f"ingest_journal_{settings.collection}.json"


def begin_ingest(settings: Settings) -> None:
    """Mark an ingest as under way: if the process dies (kill -9, power), the mark stays, and the
    next start knows the store, the record manager and the BM25 index may disagree."""
    import os

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    journal_path(settings).write_text(json.dumps({
        "pid": os.getpid(), "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }))


def end_ingest(settings: Settings) -> None:
    """The ingest finished (even with failed files): the three indexes agree again."""
    journal_path(settings).unlink(missing_ok=True)


def interrupted_ingest(settings: Settings) -> dict | None:
    """The journal of an ingest that did not finish (``{"pid", "started"}``), or None.

    An ingest still running in another process also leaves a journal: its pid is alive then,
    and the caller can tell the two apart with ``pid_alive``.
    """
    p = journal_path(settings)
    try:
        raw = json.loads(p.read_text()) if p.exists() else None
    except (OSError, ValueError):
        return {"pid": 0, "started": "unknown"}
    return raw if isinstance(raw, dict) else ({"pid": 0, "started": "unknown"} if p.exists() else None)


def pid_alive(pid: int) -> bool:
    import os

    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_state(settings: Settings) -> IndexState | None:
    """The last ingest's state, or None when there is none (or it cannot be read)."""
    p = state_path(settings)
    try:
        raw = json.loads(p.read_text()) if p.exists() else None
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    fields = IndexState.__dataclass_fields__
    return IndexState(**{k: raw.get(k, "" if fields[k].type == "str" else 0) for k in fields})
