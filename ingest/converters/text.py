"""Plain text: no headings; the splitter finds article and section lines."""

from __future__ import annotations

from pathlib import Path

from ingest.converters.base import LoadResult, SourceDocument, base_metadata, first_line_title, read_text


def load_text(path: Path, root: Path) -> LoadResult:
    text = read_text(path)
    rel, meta = base_metadata(path, root)
    meta["title"] = first_line_title(text, path)
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=False)])
