"""Rendering helpers of the web chat: pure functions (no Streamlit calls), unit-tested.

Labels for codes and statuses, the settings key the cached assistant depends on, and the
passage with its used sentences marked (spans located by `assistant.citations.align`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence

from assistant.citations.align import used_spans
from assistant.config import Settings
from assistant.text import escape_markdown

MODE_LABELS = {
    "9610": "9610 · direct purchase import / general export",
    "1210": "1210 · bonded import / special-region export",
    "1239": "1239 · bonded import (non-pilot cities)",
    "9710": "9710 · B2B direct export",
    "9810": "9810 · export to overseas warehouse",
}
STATUS_LABELS = {
    "in_force": "in force", "superseded": "superseded", "partly_superseded": "partly superseded",
    "expired": "expired", "guidance": "guidance, not law",
}
_LINE_PREFIX = re.compile(r"[ \t]*(?:(?:[-*+•]|\d+[.)]|\([a-z0-9]{1,3}\))[ \t]+|#{1,6}[ \t]+|>[ \t]*)?")


def humanize(value: str) -> str:
    """'tax_notice' -> 'Tax notice'; an upload is labelled as the user's own, everywhere."""
    if value == "upload":
        return "Your upload (not law)"
    text = value.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else value


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def legal_basis_line(c, lang: str = "en") -> str:
    """One legal-basis citation as Markdown: its label in the answer's language and a source link."""
    link = f"[source]({c.source_url})" if c.source_url else "no source address recorded"
    return f"[{c.marker}] {escape_markdown(c.basis_label(lang))} · {link}"


def cache_key(settings: Settings, index_version: str = "") -> str:
    """What the cached `Assistant` depends on: every setting (the API key by hash) and the index version."""
    public = settings.public_dict()
    secret = hashlib.sha256(settings.llm_api_key.encode()).hexdigest()[:16] if settings.llm_api_key else ""
    return json.dumps([public, secret, index_version], sort_keys=True, default=str)


def _widen(text: str, a: int, b: int) -> tuple[int, int]:
    """Take in Markdown emphasis around a span and the sentence's closing punctuation."""
    for mark in ("**", "__", "*", "_", "`"):
        n = len(mark)
        if text[a - n : a] == mark:
            a -= n
        if text[b : b + n] == mark:
            b += n
    while b < len(text) and text[b] in "%.!?;:)]\"'”’。":  # "0%." ends the sentence, not "0"
        b += 1
    return a, b


def highlight_used(text: str, sentences: Sequence[str]) -> str:
    """The passage as Markdown with the used sentences wrapped in ``<mark>``, line by line.

    Marks never cross a line break, a list bullet or a table cell, so the Markdown structure
    of the passage survives (render with ``unsafe_allow_html=True``).
    """
    spans = [_widen(text, a, b) for a, b in used_spans(text, sentences)]
    out: list[str] = []
    pos = 0
    for a, b in spans:
        if a < pos:
            a = pos
        out.append(escape_markdown(text[pos:a]))
        out.append(_mark_lines(text, a, b))
        pos = b
    out.append(escape_markdown(text[pos:]))
    return "".join(out)


def _mark_lines(text: str, a: int, b: int) -> str:
    parts: list[str] = []
    pos = a
    while pos < b:
        nl = text.find("\n", pos, b)
        end = b if nl == -1 else nl
        line_start = text.rfind("\n", 0, pos) + 1
        seg_a = pos
        if seg_a == line_start or not text[line_start:seg_a].strip():
            prefix = _LINE_PREFIX.match(text, line_start)
            seg_a = max(seg_a, prefix.end() if prefix else seg_a)
        parts.append(escape_markdown(text[pos:seg_a]))
        parts.append(_mark_cells(text[seg_a:end]))
        if nl != -1:
            parts.append("\n")
            pos = nl + 1
        else:
            pos = end
    return "".join(parts)


def _mark_cells(segment: str) -> str:
    out = []
    for i, cell in enumerate(segment.split("|")):
        lead = len(cell) - len(cell.lstrip())
        core = cell.strip()
        trail = len(cell) - lead - len(core)
        piece = escape_markdown(core)
        if core:
            piece = f"<mark>{piece}</mark>"
        out.append(("|" if i else "") + cell[:lead] + piece + (cell[len(cell) - trail :] if trail else ""))
    return "".join(out)


def when(iso: str | None) -> str:
    """'2026-11-24T15:44:51+00:00' -> '2026-11-24 15:44 UTC' (unparseable values shown as they are)."""
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso or "?")
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M") + (" UTC" if t.tzinfo is not None else "")
