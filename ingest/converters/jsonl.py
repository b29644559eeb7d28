"""JSON Lines records ``{"id", "text", "metadata"}``: bulk records that keep their ids."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.schema import UPLOAD_DOC_TYPE, WORKSPACE_KEY
from ingest.converters.base import LoadError, LoadResult, SourceDocument, base_metadata, read_text
from ingest.metadata import normalise_metadata


def load_jsonl(path: Path, root: Path) -> LoadResult:
    """Records ``{"id", "text", "metadata"}``; a bad line is reported, the good ones kept."""
    raw = read_text(path)
    rel, base_meta = base_metadata(path, root)
    docs: list[SourceDocument] = []
    errors: list[str] = []
    seen: set[str] = set()
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {lineno}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(rec, dict) or not str(rec.get("id", "")).strip():
            errors.append(f"line {lineno}: record has no 'id'")
            continue
        text = rec.get("text")
        if not isinstance(text, str) or not text.strip():
            errors.append(f"line {lineno}: record {rec['id']!r} has no 'text'")
            continue
        rid = str(rec["id"])
        if rid in seen:
            errors.append(f"line {lineno}: duplicate id {rid!r}")
            continue
        seen.add(rid)
        meta = dict(base_meta)
        meta.update(normalise_metadata(rec.get("metadata") or {}))
        if base_meta.get("doc_type") == UPLOAD_DOC_TYPE:  # an upload stays an upload of its workspace
            meta.update({k: base_meta[k] for k in ("doc_type", WORKSPACE_KEY)})
        meta.setdefault("title", rid)
        docs.append(SourceDocument(rid, text, rel, meta, structured=False, record=True))
    if not docs:
        raise LoadError("no valid records" + (f" ({errors[0]})" if errors else ""))
    return LoadResult(docs, errors)
