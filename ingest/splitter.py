"""Structure-aware splitting: regulations per article, other texts per heading/section.

- An article heading ("Article 14", "Art. 14", "Articles 12–13", "第十四条") starts a unit
  labelled "Article 14"; a numbered section line ("3.2 Definitions") a unit "Section 3.2";
  any other heading a unit labelled with its text. Chapters and titles only extend the
  heading path.
- A unit longer than ``chunk_size`` is split by paragraph (and a paragraph that is still
  too long by sentence/word) with the article label kept on every piece.
- Each chunk's text sent to the embedder (and BM25) is prefixed with the document title and
  heading path; ``body_offset`` in the metadata says where the passage itself starts.

Chunk id: ``{doc_id}:{label-slug}:{n}``; a JSONL record keeps its id, and a record split in
pieces gets ``{id}#{n}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.schema import content_hash
from assistant.text import cn_numeral
from ingest.converters.base import SourceDocument
from ingest.metadata import flat_metadata

# Several articles are "6–7", "6-7", "12 to 13" (a range) or "17 and 21–22", "17, 21" (a list); an
# em dash is the heading's title separator ("Article 10 — 10-year validity" is Article 10).
ARTICLE_RE = re.compile(
    r"^\s*(?:Articles?|ARTICLES?|Art\.)\s*(\d+[a-z]?(?:\s*(?:[-–]|,|and|to)\s*\d+[a-z]?)*)(?![\d.])",
)
CN_ARTICLE_RE = re.compile(r"^\s*第([零〇一二三四五六七八九十百千两\d]+)条")
SECTION_RE = re.compile(r"^\s*(?:Section\s+)?(\d+(?:\.\d+){0,4})\.?\s+(?:[—–-]\s+)?(?=[A-Z\u4e00-\u9fff])")
CHAPTER_RE = re.compile(r"^\s*(?:Chapter|CHAPTER|Part|PART)\s+[\dIVXLC]+\b|^\s*第[零〇一二三四五六七八九十百千\d]+[章节编]")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def article_label(heading: str) -> str | None:
    """The canonical article label of a heading or line, or None."""
    m = ARTICLE_RE.match(heading)
    if m:
        num = re.sub(r"\s*(?:[-–]|to)\s*", "–", m.group(1))
        num = re.sub(r"\s*(?:,|and)\s*", ", ", num)
        return ("Articles " if re.search("[–,]", num) else "Article ") + num
    m = CN_ARTICLE_RE.match(heading)
    if m:
        return f"Article {cn_numeral(m.group(1))}"
    return None


def section_label(heading: str) -> str | None:
    m = SECTION_RE.match(heading)
    return f"Section {m.group(1)}" if m else None


def slug(label: str) -> str:
    s = label.lower().replace("articles ", "art-").replace("article ", "art-").replace("section ", "sec-")
    s = re.sub(r"[^\w]+", "-", s, flags=re.UNICODE).strip("-")
    return s[:60] or "text"


@dataclass
class Unit:
    """A run of text under one heading."""

    path: list[str]
    label: str
    paragraphs: list[str] = field(default_factory=list)


def _is_plain_heading(s: str) -> tuple[int, str] | None:
    """In unstructured text, a chapter or numbered-section line acting as a heading: (level, text)."""
    if not s or len(s) > 100:
        return None
    if CHAPTER_RE.match(s):
        return (2, s)
    lab = section_label(s)
    if lab and len(s) <= 90 and not s.endswith((".", ";", ",", ":")):
        depth = lab.count(".")
        return (4 + depth, s)
    return None


def _units(doc: SourceDocument) -> list[Unit]:
    title = str(doc.metadata.get("title", doc.doc_id))
    units: list[Unit] = []
    stack: list[tuple[int, str]] = []  # (level, heading text)
    current = Unit([], "Overview")
    para: list[str] = []

    def flush_para() -> None:
        if para:
            text = "\n".join(para).strip()
            if text:
                current.paragraphs.append(text)
            para.clear()

    def open_unit(level: int, text: str) -> None:
        nonlocal current
        flush_para()
        if current.paragraphs:
            units.append(current)
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text))
        path = [h for _, h in stack]
        label = article_label(text) or section_label(text)
        if label is None:
            # Keep the article label of an enclosing article for its sub-headings.
            label = next((article_label(h) for h in reversed(path[:-1]) if article_label(h)), None)
        if label is None:
            label = "Overview" if level == 1 else text
        current = Unit(path, label)

    in_fence = False
    prev = ""  # previous non-blank line, to tell a real article start from a wrapped line
    for line in doc.text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        if not in_fence and doc.structured:
            m = HEADING_RE.match(line)
            if m:
                level, text = len(m.group(1)), m.group(2).strip()
                if level == 1 and text == title and not units and not current.paragraphs:
                    continue  # the document title itself: the root, not part of any path
                open_unit(level, text)
                prev = ""
                continue
        elif not in_fence and not doc.record and stripped:
            if not units and not current.paragraphs and not para and stripped == title:
                continue  # the title line of a plain-text document is already in every header
            # A line starting "Article 24" after a long line with no closing punctuation is
            # more likely a wrapped sentence than a new article.
            starts_block = (
                not para or len(prev) < 60 or prev.endswith((".", ":", ";", "。", "：", "；"))
            )
            label = article_label(stripped) if starts_block else None
            if label:
                open_unit(3, label)
                rest = re.sub(
                    r"^\s*(?:Articles?|ARTICLES?|Art\.)\s*[\d\w]+(?:\s*(?:[-–—]|and|to)\s*\d+\w?)?[.:]?\s*|^\s*第[^条]+条\s*",
                    "",
                    stripped,
                )
                if rest:
                    para.append(rest)
                prev = stripped
                continue
            plain = _is_plain_heading(stripped) if starts_block else None
            if plain:
                open_unit(*plain)
                prev = ""
                continue
        if not stripped:
            flush_para()
        else:
            para.append(line.rstrip())
            prev = stripped
    flush_para()
    if current.paragraphs:
        units.append(current)
    return units


def _pieces(paragraphs: list[str], size: int, overlap: int) -> list[str]:
    """Pack paragraphs into pieces of at most ~size characters; oversize paragraphs are cut."""
    cutter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=overlap, separators=["\n", ". ", "; ", ", ", " ", ""]
    )
    parts: list[str] = []
    for p in paragraphs:
        parts.extend(cutter.split_text(p) if len(p) > size else [p])
    pieces: list[str] = []
    buf: list[str] = []
    length = 0
    for p in parts:
        if buf and length + len(p) + 2 > size:
            pieces.append("\n\n".join(buf))
            tail = buf[-1]
            buf, length = ([tail], len(tail)) if len(tail) <= overlap else ([], 0)
        buf.append(p)
        length += len(p) + 2
    if buf:
        pieces.append("\n\n".join(buf))
    return pieces


def split_document(doc: SourceDocument, chunk_size: int = 1200, chunk_overlap: int = 150) -> list[Document]:
    """Split one loaded document into LangChain `Document` chunks with full citation metadata."""
    base = flat_metadata(doc.metadata)
    title = str(base.get("title", doc.doc_id))
    chunks: list[Document] = []
    counts: dict[str, int] = {}
    units = _units(doc) if not doc.record else [
        Unit([base["heading_path"]] if base.get("heading_path") else [], str(base.get("article", "")), [doc.text.strip()])
    ]
    record_pieces = sum(len(_pieces(u.paragraphs, chunk_size, chunk_overlap)) for u in units) if doc.record else 0
    for unit in units:
        for piece in _pieces(unit.paragraphs, chunk_size, chunk_overlap):
            key = slug(unit.label)
            n = counts.get(key, 0)
            counts[key] = n + 1
            if doc.record:
                chunk_id = doc.doc_id if record_pieces == 1 else f"{doc.doc_id}#{len(chunks)}"
            else:
                chunk_id = f"{doc.doc_id}:{key}:{n}"
            heading_path = " > ".join(unit.path) if not doc.record else str(base.get("heading_path", ""))
            header = title + (f"\n{heading_path}" if heading_path and heading_path != title else "")
            text = f"{header}\n\n{piece}"
            meta = dict(base)
            meta.update(
                chunk_id=chunk_id,
                doc_id=doc.doc_id,
                source=doc.source,
                article=unit.label if unit.label != "Overview" or doc.record else "Overview",
                heading_path=heading_path,
                chunk_index=len(chunks),
                body_offset=len(header) + 2,
            )
            meta["content_hash"] = content_hash(text, meta)
            chunks.append(Document(page_content=text, metadata=meta, id=chunk_id))
    return chunks
