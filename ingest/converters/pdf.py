"""PDF through pypdf: text per page; a scanned PDF without text is reported."""

from __future__ import annotations

import io
from pathlib import Path

from ingest.converters.base import LoadError, LoadResult, SourceDocument, base_metadata, first_line_title


def load_pdf(path: Path, root: Path) -> LoadResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = path.read_bytes()
    if not data:
        raise LoadError("empty file")
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info_title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoadError(f"corrupt or unreadable PDF ({exc.__class__.__name__}: {exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise LoadError("PDF has no extractable text (scanned image?)")
    rel, meta = base_metadata(path, root)
    meta["title"] = str(info_title).strip() if info_title else first_line_title(text, path)
    meta["pages"] = len(pages)
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=False)])
