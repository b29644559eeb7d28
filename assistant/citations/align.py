"""Which sentence of a passage an answer used: spans for highlighting the source.

The answer step cleans what it quotes (bullets, emphasis, line breaks, cross-references), and LLM
backends paraphrase, so sentences are located by their words in order, or else by the closest
sentence of the passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.text import ABBREV, strip_markers

_TOKEN = re.compile(r"\w+")
_SENT_END = re.compile(r"(?<=[.!?。])\s+|\n\s*\n|\n(?=[ \t]*(?:[-*+•|#]|\d+[.)]\s))")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def find_sentence(text: str, sentence: str, max_skip: int = 40) -> tuple[int, int] | None:
    """Character span of ``sentence`` in ``text``, comparing words only.

    The answer step cleans what it quotes (list bullets, Markdown emphasis, hard line breaks,
    cross-references removed; long sentences cut), so the words are matched in order with up
    to ``max_skip`` passage words skipped, and the last word may be cut short.
    """
    want = [t for t, _, _ in _tokens(strip_markers(sentence))]
    have = _tokens(text)
    if not want or not have:
        return None
    lead = min(3, len(want))
    for i in range(len(have) - lead + 1):
        if [t for t, _, _ in have[i : i + lead]] != want[:lead]:
            continue
        j, k, skipped, last = lead, i + lead, 0, i + lead - 1
        while j < len(want) and k < len(have):
            tok = have[k][0]
            if tok == want[j] or (j == len(want) - 1 and tok.startswith(want[j])):
                last, j = k, j + 1
            else:
                skipped += 1
                if skipped > max_skip:
                    break
            k += 1
        if j == len(want):
            return have[i][1], have[last][2]
    return None


def _closest_sentence(text: str, sentence: str) -> tuple[int, int] | None:
    """Span of the passage sentence sharing most words with ``sentence`` (paraphrases: LLMs, answer cards).

    A passage sentence counts when most of its own words are in the answer sentence (a card often
    states one passage sentence in other order), or when the two share most of their words.
    """
    want = {t for t, _, _ in _tokens(strip_markers(sentence))}
    if not want:
        return None
    best, best_score, start = None, 0.0, 0
    # A stop after "No." or "Art." does not end a sentence ("Cai Guan Shui [2018] No. 49").
    bounds = [m.start() for m in _SENT_END.finditer(text) if not ABBREV.search(text[: m.start()])] + [len(text)]
    for end in bounds:
        got = {t for t, _, _ in _tokens(text[start:end])}
        score = max(len(want & got) / max(1, len(want | got)), 0.8 * len(want & got) / max(1, len(got)))
        if score > best_score and text[start:end].strip():
            best, best_score = (start, end), score
        start = end
    if best is None or best_score < 0.45:
        return None
    a, b = best
    while a < b and text[a].isspace():
        a += 1
    return a, b


def used_spans(text: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    """Merged spans of the used sentences in the passage; exact word matches first, then closest sentence."""
    spans = []
    for s in sentences:
        span = find_sentence(text, s) or _closest_sentence(text, s)
        if span:
            spans.append(span)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
