"""DOCX through python-docx: heading styles become Markdown headings, tables become rows."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.converters.base import LoadError, LoadResult, SourceDocument, base_metadata


def load_docx(path: Path, root: Path) -> LoadResult:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not path.stat().st_size:
        raise LoadError("empty file")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"corrupt or unreadable DOCX ({exc.__class__.__name__})") from None
    except Exception as exc:  # zipfile.BadZipFile and lxml errors
        raise LoadError(f"corrupt or unreadable DOCX ({exc.__class__.__name__}: {exc})") from None
    lines: list[str] = []
    title = (document.core_properties.title or "").strip()
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "") if para.style is not None else ""
        m = re.match(r"Heading (\d)", style)
        if style == "Title":
            title = title or text
            lines.append(f"# {text}")
        elif m:
            lines.append(f"{'#' * (int(m.group(1)) + 1)} {text}")
        else:
            lines.append(text)
        lines.append("")
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text.strip() for c in row.cells))
        lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise LoadError("DOCX has no text")
    rel, meta = base_metadata(path, root)
    meta["title"] = title or path.stem
    # Paragraph-styled articles ("Article 3 ...") without heading styles are found by the splitter.
    structured = any(ln.startswith("#") for ln in lines)
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=structured)])
