"""Draft consultant memos from answered questions, in Markdown and DOCX.

A memo is built from ``(question, Answer)`` turns and uses the answer's own parts, so the memo,
the chat and the CLI cannot disagree: the short answer, the key points, the legal basis (primary
sources only: laws, regulations, announcements, tax notices), what to do, the currency notes and
every source with its address. The memo says nothing the answer does not say.

Pure functions: no Streamlit, no I/O. `memo_markdown` and `memo_docx` render the same
`MemoSection` data, so the two formats cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.chain import DISCLAIMER, Answer, suggestion_sentence
from assistant.citations import Citation
from assistant.language import TEXTS, quality_text, text

Turn = tuple[str, Answer]

NONE_FOUND = "None identified in the cited sources."
NOT_LEGAL_ADVICE = (
    "Draft for review by a qualified adviser. " + DISCLAIMER + " Check each source at its address "
    "before relying on it; rules change and a cited instrument may have been amended."
)


@dataclass
class MemoSection:
    """Everything one question contributes to a memo: the answer's parts."""

    question: str
    short_answer: str
    refused: bool
    citations: list[Citation]
    key_points: list[str] = field(default_factory=list)
    legal_basis: list[Citation] = field(default_factory=list)
    what_to_do: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # currency notes (superseded sources)
    suggestions: list[str] = field(default_factory=list)
    lang: str = "en"

    def heading(self, key: str) -> str:
        """A part's heading in the answer's language ("Short answer" / "简要回答")."""
        return text(key, self.lang) if key in TEXTS else key


def section(question: str, answer: Answer) -> MemoSection:
    """The memo content for one turn."""
    short = answer.short_answer or answer.body()
    if answer.refused and answer.suggestions:
        short += " " + suggestion_sentence(answer.suggestions, answer.lang)
    return MemoSection(
        question=question or answer.question,
        short_answer=short,
        refused=answer.refused,
        citations=list(answer.citations),
        key_points=list(answer.key_points),
        legal_basis=list(answer.legal_basis),
        what_to_do=list(answer.what_to_do),
        notes=list(answer.notes),
        suggestions=list(answer.suggestions),
        lang=answer.lang,
    )


def zh_name(c: Citation, lang: str) -> str:
    """In a Chinese memo, the instrument's Chinese name and article first (the English line follows)."""
    return f"{c.basis_label(lang)} — " if lang == "zh" and c.title_zh else ""


def basis_line(c: Citation) -> str:
    """'[n] Instrument, Article 5 (2018-11-28; superseded) - Title - address' for the legal basis."""
    inst = c.official_ref or c.instrument or c.title
    art = f", {c.article}" if c.article and c.article != "Overview" else ""
    extra = [x for x in (c.date, c.doc_type.replace("_", " ") if c.doc_type else "") if x]
    if c.status in {"superseded", "partly_superseded"}:
        extra.append(c.status.replace("_", " ") + (f" by {c.superseded_by}" if c.superseded_by else ""))
    elif c.status == "expired":
        extra.append("expired" + (f" on {c.expired_on}" if c.expired_on else ""))
    if c.source_quality:
        extra.append(quality_text(c.source_quality, "en"))
    out = f"[{c.marker}] {inst}{art}"
    if extra:
        out += f" ({'; '.join(extra)})"
    if c.title and c.title != inst:
        out += f" - {c.title}"
    return out + f" - {c.source_url or 'no source address recorded'}"


def _title(turns: Sequence[Turn]) -> str:
    return "Draft compliance memo" if len(turns) != 1 else f"Draft compliance memo: {turns[0][0]}"


def _stamp(generated: dt.datetime | None) -> str:
    when = generated or dt.datetime.now(dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M %Z").strip()


def _md_escape(text: str) -> str:
    # "$" would start a formula in many Markdown viewers; "<" an HTML tag.
    return text.replace("$", r"\$").replace("<", "&lt;")


def memo_markdown(turns: Sequence[Turn], generated: dt.datetime | None = None) -> str:
    """The turns as a Markdown memo: per question its short answer, key points, legal basis, steps, sources."""
    sections = [section(q, a) for q, a in turns]
    backends = sorted({a.backend for _, a in turns})
    lines = [f"# {_md_escape(_title(turns))}", ""]
    lines.append(
        f"_Prepared {_stamp(generated)} by the CBEC Compliance Assistant"
        + (f" (answer backend: {', '.join(backends)})" if backends else "")
        + ". Draft - not legal advice._"
    )
    lines.append("")
    if not sections:
        lines += ["No questions answered yet.", ""]
    for i, s in enumerate(sections, 1):
        head = f"## {i}. " if len(sections) > 1 else "## "
        lines += [f"{head}{_md_escape(s.question)}", ""]
        lines += ["### Question", "", _md_escape(s.question), ""]
        lines += [f"### {s.heading('short_answer')}", "", _md_escape(s.short_answer), ""]
        if s.key_points:
            lines += [f"### {s.heading('key_points')}", ""] + [f"- {_md_escape(p)}" for p in s.key_points] + [""]
        lines += [f"### {s.heading('legal_basis')}", ""]
        lines += [f"- {_md_escape(zh_name(c, s.lang) + basis_line(c))}" for c in s.legal_basis] or [f"- {NONE_FOUND}"]
        lines += [f"- {_md_escape(n)}" for n in s.notes]
        lines.append("")
        if s.what_to_do:
            lines += [f"### {s.heading('what_to_do')}", ""] + [f"{k}. {_md_escape(x)}" for k, x in enumerate(s.what_to_do, 1)] + [""]
        lines += [f"### {s.heading('sources')}", ""]
        if s.citations:
            for c in s.citations:
                url = f" <{c.source_url}>" if c.source_url else ""
                flag = " **(superseded)**" if c.status == "superseded" else ""
                lines.append(f"{c.marker}. {_md_escape(c.label())}{flag}{url}")
        else:
            lines.append(NONE_FOUND)
        lines.append("")
    lines += ["---", "", f"**Not legal advice.** {NOT_LEGAL_ADVICE}", ""]
    return "\n".join(lines)


def memo_docx(turns: Sequence[Turn], generated: dt.datetime | None = None) -> bytes:
    """The same memo as a Word document (python-docx), returned as bytes."""
    import docx

    sections = [section(q, a) for q, a in turns]
    backends = sorted({a.backend for _, a in turns})
    doc = docx.Document()
    doc.core_properties.title = _title(turns)
    doc.core_properties.author = "CBEC Compliance Assistant (draft)"
    doc.add_heading(_title(turns), level=0)
    intro = doc.add_paragraph()
    intro.add_run(
        f"Prepared {_stamp(generated)} by the CBEC Compliance Assistant"
        + (f" (answer backend: {', '.join(backends)})" if backends else "")
        + ". Draft - not legal advice."
    ).italic = True
    if not sections:
        doc.add_paragraph("No questions answered yet.")

    def bullets(items: list[str]) -> None:
        for item in items:
            doc.add_paragraph(item, style="List Bullet")

    for i, s in enumerate(sections, 1):
        doc.add_heading((f"{i}. " if len(sections) > 1 else "") + s.question, level=1)
        doc.add_heading("Question", level=2)
        doc.add_paragraph(s.question)
        doc.add_heading(s.heading("short_answer"), level=2)
        for para in s.short_answer.split("\n\n"):
            doc.add_paragraph(para)
        if s.key_points:
            doc.add_heading(s.heading("key_points"), level=2)
            bullets(s.key_points)
        doc.add_heading(s.heading("legal_basis"), level=2)
        bullets([zh_name(c, s.lang) + basis_line(c) for c in s.legal_basis] or [NONE_FOUND])
        bullets(s.notes)
        if s.what_to_do:
            doc.add_heading(s.heading("what_to_do"), level=2)
            for x in s.what_to_do:
                doc.add_paragraph(x, style="List Number")
        doc.add_heading(s.heading("sources"), level=2)
        if s.citations:
            for c in s.citations:
                flag = " (superseded)" if c.status == "superseded" else ""
                url = f" {c.source_url}" if c.source_url else ""
                doc.add_paragraph(f"[{c.marker}] {c.label()}{flag}{url}", style="List Bullet")
        else:
            doc.add_paragraph(NONE_FOUND)
    doc.add_heading("Not legal advice", level=2)
    doc.add_paragraph(NOT_LEGAL_ADVICE)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def memo_filename(turns: Sequence[Turn], ext: str) -> str:
    """A file name like ``memo-annual-limit-for-cbec-imports.md`` (conversation memos: ``memo-conversation``)."""
    if len(turns) == 1:
        words = re.findall(r"[a-z0-9]+", turns[0][0].lower())[:8]
        stem = "memo-" + ("-".join(words) or "answer")
    else:
        stem = "memo-conversation"
    return f"{stem}.{ext.lstrip('.')}"
