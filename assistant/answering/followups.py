"""Follow-up questions into standalone ones.

Rule-based (for the extractive backend): when the follow-up names a term of the same kind
as one in the previous question (a mode code, a kind of right, import/export, a year, a
party), that term is swapped in ("...guarantee for trademarks?" + "and for patents?" ->
"...guarantee for patents?"). Otherwise a short or pronoun-led follow-up is joined to the
previous question so retrieval keeps the context. LLM backends ask the model instead.
"""

from __future__ import annotations

import re

CLASSES: dict[str, list[str]] = {
    "mode": ["9610", "1210", "1239", "9710", "9810"],
    "right": ["trademarks?", "patents?", "copyrights?", "olympic symbols?", "world expo symbols?"],
    "direction": ["imports?", "exports?", "importing", "exporting"],
    "year": [r"(?:19|20)\d\d"],
    # "…worth under RMB 20,000?" + "and if they are worth over RMB 200,000?": the new value replaces the old.
    "value": [r"(?:(?:over|under|above|below|more than|less than|up to|about)\s+)?(?:RMB|CNY|¥)\s?\d[\d,]*(?:\.\d+)?"
              r"(?:\s?(?:yuan|元))?"],
    "party": ["sellers?", "right holders?", "platforms?", "consumers?", "buyers?", "logistics (?:firms?|enterprises?)"],
}
_LEAD = re.compile(
    r"^\s*(?:(?:and|but|also|so|ok(?:ay)?)\b[\s,]*)?(?:(?:what|how) about\b|what if\b)?\s*"
    r"(?:(?:for|under|in|with|on)\b)?\s*",
    re.I,
)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|those|these|there|same)\b", re.I)
# Chinese follow-ups ("那担保要交多少？") are left as asked: joined to the previous question, their
# translation into the corpus's words loses what is asked now (measured on the reference items).
_FOLLOWUP_START = re.compile(r"^\s*(and|but|also|what about|how about|what if|same|then)\b", re.I)


def _find(cls: str, text: str) -> re.Match | None:
    # Word edges by letters and digits only: "那9810呢" names 9810 although Chinese has no spaces.
    pattern = r"(?<![A-Za-z0-9])(" + "|".join(CLASSES[cls]) + r")(?![A-Za-z0-9])"
    return re.search(pattern, text, re.I)


def is_followup(question: str) -> bool:
    words = question.split()
    return bool(_FOLLOWUP_START.match(question)) or (len(words) <= 6 and bool(_PRONOUN.search(question)))


def rewrite(previous_question: str | None, followup: str) -> str:
    """A standalone question for ``followup`` given the previous user question."""
    q = followup.strip()
    if not previous_question or not is_followup(q):
        return q
    prev = previous_question.strip()
    for cls in CLASSES:
        new, old = _find(cls, q), _find(cls, prev)
        if new and old and new.group(0).lower() != old.group(0).lower():
            return prev[: old.start()] + new.group(0) + prev[old.end():]
    rest = _LEAD.sub("", q).rstrip("?").strip()
    return f"{prev.rstrip('?')}? {rest}?" if rest else prev
