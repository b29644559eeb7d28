"""Markdown with YAML front matter: the corpus's own format."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.converters.base import LoadError, LoadResult, SourceDocument, base_metadata, read_text
from ingest.metadata import normalise_metadata


def load_markdown(path: Path, root: Path) -> LoadResult:
    import frontmatter
    import yaml

    text = read_text(path)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from None
    rel, meta = base_metadata(path, root)
    meta.update(normalise_metadata(dict(post.metadata)))
    body = post.content
    if not body.strip():
        raise LoadError("no text after the front matter")
    if "title" not in meta:
        m = re.search(r"^#\s+(.+)$", body, re.M)
        meta["title"] = m.group(1).strip() if m else path.stem
    doc_id = str(meta.pop("id", path.stem))
    return LoadResult([SourceDocument(doc_id, body, rel, meta, structured=True)])
