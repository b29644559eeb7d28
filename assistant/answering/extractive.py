"""The extractive answer backend (the default): no LLM, no network. Picks the passages' sentences that best
  match the question, removes near-duplicates, and ends each with its ``[n]`` marker.
  Deterministic and fast; every sentence is a passage sentence, so every claim is backed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from assistant.answering.base import NO_ANSWER, Draft
from assistant.retrieval.query_expansion import expand
from assistant.retrieval.types import Hit
from assistant.text import plain, split_sentences, terms

QUANTITY_Q = re.compile(r"\b(how (much|many|long|soon)|limit|amount|rate|fine|deadline|days?|within|percent|value|fee|cost|when)\b", re.I)
NUMBER = re.compile(r"\d")
# Sentences about the document itself ("This document sets out ...") say nothing a seller can use.
META = re.compile(
    r"^(this|the present|our) (document|checklist|guide|section|page|article|summary|note|table|glossary|file)\b"
    r"|^(section|article) numbers (below|above)|^see (also )?[a-z0-9-]+$|^(for|on) (details|more)\b",
    re.I,
)


_SEE = re.compile(r"\s*\((?:see|cf\.)\s+[a-z0-9]+(?:-[a-z0-9]+)+[^)]*\)|;?\s*see [a-z0-9]+(?:-[a-z0-9]+){2,}(?:, [A-Z][^.;]*)?", re.I)


def _clean(sentence: str) -> str:
    """Strip list bullets, Markdown emphasis and internal cross-references to document ids."""
    return _SEE.sub("", plain(sentence)).strip()


class ExtractiveAnswerer:
    """Grounded extractive composer (see module docstring)."""

    name = "extractive"

    def __init__(self, max_sentences: int = 4, min_chars: int = 25, max_chars: int = 500) -> None:
        self.max_sentences = max_sentences
        self.min_chars = min_chars
        self.max_chars = max_chars

    def select(self, question: str, passages: list[Hit]) -> list[tuple[int, int, str, float]]:
        """(passage index, position, sentence, score) of the chosen sentences, in answer order."""
        q_terms = set(terms(question))
        # Corpus words for the user's everyday words count too, at a lower weight.
        extra = set(terms(expand(question))) - q_terms
        cands: list[tuple[int, int, str, list[str]]] = []
        for pi, d in enumerate(passages):
            for si, raw in enumerate(split_sentences(d.passage)):
                s = _clean(raw)
                if (
                    len(s) < self.min_chars
                    or s.startswith(("|", "#", "---"))
                    or s.endswith(":")
                    or not (s[0].isupper() or s[0].isdigit() or s[0] in "\"'“(")
                    or META.search(s)
                ):
                    continue  # fragments, tables and lead-ins do not stand alone
                cands.append((pi, si, s[: self.max_chars], terms(s)))
        if not cands or not q_terms:
            return []
        n = len(cands)
        df: dict[str, int] = {}
        for *_, ts in cands:
            for t in set(ts):
                df[t] = df.get(t, 0) + 1
        idf = {t: math.log(1 + n / (1 + df.get(t, 0))) + 0.5 for t in q_terms}
        idf.update({t: 0.6 * (math.log(1 + n / (1 + df.get(t, 0))) + 0.5) for t in extra})
        q_terms = q_terms | extra
        wants_number = bool(QUANTITY_Q.search(question))
        scored = []
        for pi, si, s, ts in cands:
            tset = set(ts)
            overlap = q_terms & tset
            if not overlap:
                continue
            score = sum(idf[t] for t in overlap) / math.sqrt(max(len(tset), 4))
            score *= 1.0 + 1.0 / (1 + pi)  # better-ranked passages first
            score *= 1.0 + 0.1 / (1 + si)  # lead sentences state the rule
            if wants_number and NUMBER.search(s):
                score *= 1.3
            scored.append((score, pi, si, s, tset))
        scored.sort(key=lambda x: (-x[0], x[1], x[2]))
        if not scored:
            return []
        best = scored[0][0]
        chosen: list[tuple[float, int, int, str, set]] = []
        for cand in scored:
            if len(chosen) >= self.max_sentences or cand[0] < 0.35 * best:
                break
            if any(len(cand[4] & c[4]) / max(1, len(cand[4] | c[4])) > 0.6 for c in chosen):
                continue  # near-duplicate of a sentence already chosen
            chosen.append(cand)
        # Group by passage in order of each passage's best sentence; keep reading order inside.
        order: list[int] = []
        for c in chosen:
            if c[1] not in order:
                order.append(c[1])
        chosen.sort(key=lambda c: (order.index(c[1]), c[2]))
        return [(c[1], c[2], c[3], c[0]) for c in chosen]

    def answer(self, question: str, passages: list[Hit]) -> Draft:
        picked = self.select(question, passages)
        if not picked:
            return Draft(NO_ANSWER, self.name)
        parts = []
        for pi, _, s, _ in picked:
            body = re.sub(r"\s+", " ", s).rstrip().rstrip(";,:—–-").rstrip()
            end = body[-1] if body[-1] in ".!?。" else "."
            body = body[:-1] if body[-1] in ".!?。" else body
            parts.append(f"{body} [{pi + 1}]{end}")
        return Draft(" ".join(parts), self.name)

    def stream(self, question: str, passages: list[Hit]) -> Iterator[str]:
        text = self.answer(question, passages).text
        for i, sent in enumerate(re.split(r"(?<=\]\.)\s", text)):
            yield ("" if i == 0 else " ") + sent
