"""HTML through trafilatura: the main text as Markdown, with title, address and date."""

from __future__ import annotations

from pathlib import Path

from ingest.converters.base import LoadError, LoadResult, SourceDocument, base_metadata, read_text


def load_html(path: Path, root: Path) -> LoadResult:
    import trafilatura

    html = read_text(path)
    text = trafilatura.extract(
        html, output_format="markdown", include_tables=True, include_comments=False, favor_recall=True
    )
    if not text or not text.strip():
        raise LoadError("no main text found in the HTML page")
    rel, meta = base_metadata(path, root)
    info = trafilatura.extract_metadata(html)
    meta["title"] = (info.title if info and info.title else None) or path.stem
    if info and info.url:
        meta["source_url"] = info.url
    if info and info.date:
        meta["issued"] = info.date
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=True)])
