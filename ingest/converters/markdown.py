"""Markdown with YAML front matter: the corpus's own format."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.schema import UPLOAD_DOC_TYPE, WORKSPACE_KEY
from ingest.converters.base import LoadError, LoadResult, SourceDocument, base_metadata, read_text
from ingest.metadata import FrontMatterError, normalise_metadata, split_front_matter


def load_markdown(path: Path, root: Path) -> LoadResult:
    text = read_text(path)
    try:
        front, body = split_front_matter(text)
    except FrontMatterError as exc:
        raise LoadError(str(exc)) from None
    rel, meta = base_metadata(path, root)
    folder_says = {k: meta[k] for k in ("doc_type", WORKSPACE_KEY) if k in meta}
    meta.update(normalise_metadata(front))
    if folder_says.get("doc_type") == UPLOAD_DOC_TYPE:
        meta.update(folder_says)  # an upload cannot claim to be a regulation, nor another workspace's
    if not body.strip():
        raise LoadError("no text after the front matter")
    if "title" not in meta:
        m = re.search(r"^#\s+(.+)$", body, re.M)
        meta["title"] = m.group(1).strip() if m else path.stem
    doc_id = str(meta.pop("id", path.stem))
    return LoadResult([SourceDocument(doc_id, body, rel, meta, structured=True)])
