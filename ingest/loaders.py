"""Loaders: one per file format, each turning a file into `SourceDocument`s.

Every loader produces *Markdown-ish* text (headings as ``#`` lines where the format has
them: Markdown, DOCX heading styles, HTML headings via trafilatura) so a single splitter
handles all formats. Plain text and PDF carry no headings; the splitter finds article and
section lines in them instead (``structured=False``).

Bad input raises `LoadError` with a reason a person can act on; the pipeline reports it
and goes on with the other files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Folder names in corpus/ imply a doc type when the file has no front matter saying so.
FOLDER_DOC_TYPES = {
    "regulations": "regulation",
    "announcements": "announcement",
    "tax": "tax_notice",
    "laws": "law",
    "cases": "case",
    "articles": "article",
    "guides": "guide",
    "statistics": "statistics",
}
LIST_FIELDS = ("topics", "mode_codes", "sources")


class LoadError(Exception):
    """A file (or a record in it) cannot be loaded; ``str(err)`` is the reason."""


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


def _read_text(path: Path) -> str:
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


def _iso(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def normalise_metadata(meta: dict) -> dict:
    """Front matter to plain values: dates as ISO strings, list fields as lists of strings."""
    out: dict = {}
    for key, value in meta.items():
        if value is None:
            continue
        if key in LIST_FIELDS:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            out[key] = [str(v) for v in value]
        elif key in {"issued", "effective", "date"}:
            out[key] = _iso(value)
        elif isinstance(value, (str, int, float, bool)):
            out[key] = value
        else:
            out[key] = json.dumps(value, default=str)
    return out


def _base(path: Path, root: Path) -> tuple[str, dict]:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    meta: dict = {}
    folder = path.parent.name
    if folder in FOLDER_DOC_TYPES:
        meta["doc_type"] = FOLDER_DOC_TYPES[folder]
    return rel, meta


def load_markdown(path: Path, root: Path) -> LoadResult:
    import frontmatter
    import yaml

    text = _read_text(path)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from None
    rel, meta = _base(path, root)
    meta.update(normalise_metadata(dict(post.metadata)))
    body = post.content
    if not body.strip():
        raise LoadError("no text after the front matter")
    if "title" not in meta:
        m = re.search(r"^#\s+(.+)$", body, re.M)
        meta["title"] = m.group(1).strip() if m else path.stem
    doc_id = str(meta.pop("id", path.stem))
    return LoadResult([SourceDocument(doc_id, body, rel, meta, structured=True)])


def load_text(path: Path, root: Path) -> LoadResult:
    text = _read_text(path)
    rel, meta = _base(path, root)
    meta["title"] = _first_line_title(text, path)
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=False)])


def _first_line_title(text: str, path: Path) -> str:
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return first if 0 < len(first) <= 120 else path.stem


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
    rel, meta = _base(path, root)
    meta["title"] = str(info_title).strip() if info_title else _first_line_title(text, path)
    meta["pages"] = len(pages)
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=False)])


def load_html(path: Path, root: Path) -> LoadResult:
    import trafilatura

    html = _read_text(path)
    text = trafilatura.extract(
        html, output_format="markdown", include_tables=True, include_comments=False, favor_recall=True
    )
    if not text or not text.strip():
        raise LoadError("no main text found in the HTML page")
    rel, meta = _base(path, root)
    info = trafilatura.extract_metadata(html)
    meta["title"] = (info.title if info and info.title else None) or path.stem
    if info and info.url:
        meta["source_url"] = info.url
    if info and info.date:
        meta["issued"] = info.date
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=True)])


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
    rel, meta = _base(path, root)
    meta["title"] = title or path.stem
    # Paragraph-styled articles ("Article 3 ...") without heading styles are found by the splitter.
    structured = any(ln.startswith("#") for ln in lines)
    return LoadResult([SourceDocument(path.stem, text, rel, meta, structured=structured)])


def load_jsonl(path: Path, root: Path) -> LoadResult:
    """Records ``{"id", "text", "metadata"}``; a bad line is reported, the good ones kept."""
    raw = _read_text(path)
    rel, base_meta = _base(path, root)
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
        meta.setdefault("title", rid)
        docs.append(SourceDocument(rid, text, rel, meta, structured=False, record=True))
    if not docs:
        raise LoadError("no valid records" + (f" ({errors[0]})" if errors else ""))
    return LoadResult(docs, errors)


LOADERS: dict[str, Callable[[Path, Path], LoadResult]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".pdf": load_pdf,
    ".html": load_html,
    ".htm": load_html,
    ".docx": load_docx,
    ".jsonl": load_jsonl,
}
SUPPORTED = tuple(sorted(LOADERS))


def load_file(path: Path, root: Path, max_bytes: int) -> LoadResult:
    """Load one file with the loader for its extension; raises `LoadError` with the reason."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}; supported: {', '.join(SUPPORTED)}")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB cap")
    return loader(path, root)
