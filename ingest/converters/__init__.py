"""Converters: one per file format, each turning a file into `SourceDocument`s, chosen by extension.

Every converter produces *Markdown-ish* text (headings as ``#`` lines where the format has them:
Markdown, DOCX heading styles, HTML headings via trafilatura) so a single splitter handles all
formats. Plain text and PDF carry no headings; the splitter finds article and section lines in
them instead (``structured=False``).

Bad input raises `LoadError` with a reason a person can act on; the pipeline reports it and goes
on with the other files. A parser library that is not installed raises `MissingDependencyError`
naming the package: that is a broken install, never a bad document.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.converters import docx, html, jsonl, markdown, pdf, text
from ingest.converters.base import LoadError, LoadResult, MissingDependencyError, SourceDocument

__all__ = ["CONVERTERS", "SUPPORTED", "LoadError", "LoadResult", "MissingDependencyError", "SourceDocument",
           "load_file"]

CONVERTERS: dict[str, Callable[[Path, Path], LoadResult]] = {
    ".md": markdown.load_markdown,
    ".markdown": markdown.load_markdown,
    ".txt": text.load_text,
    ".pdf": pdf.load_pdf,
    ".html": html.load_html,
    ".htm": html.load_html,
    ".docx": docx.load_docx,
    ".jsonl": jsonl.load_jsonl,
}
SUPPORTED = tuple(sorted(CONVERTERS))


def load_file(path: Path, root: Path, max_bytes: int) -> LoadResult:
    """Load one file with the converter for its extension; raises `LoadError` with the reason."""
    converter = CONVERTERS.get(path.suffix.lower())
    if converter is None:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}; supported: {', '.join(SUPPORTED)}")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB cap")
    try:
        return converter(path, root)
    except ImportError as exc:
        package = exc.name or str(exc)
        raise MissingDependencyError(
            f"the {path.suffix.lower()} converter needs the Python package {package!r}, which is not installed "
            f"({exc}); reinstall with `make install` (it installs from the lock file)"
        ) from exc
