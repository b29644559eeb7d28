"""Follow-up questions into standalone ones.

Rule-based (for the extractive backend): "it" after a question about one mode code is that
code ("what is 9810?" + "…file anything for it?" -> "…file anything for 9810?"). When the
follow-up names a term of the same kind as one in the previous question (a mode code, a kind
of right, import/export, a year, a party), that term is swapped in ("...guarantee for trademarks?" + "and for patents?" ->
"...guarantee for patents?"). Otherwise a short or pronoun-led follow-up is joined to the
previous question so retrieval keeps the context. LLM backends ask the model instead.
"""

from __future__ import annotations

import re

from assistant.schema import named_codes

CLASSES: dict[str, list[str]] = {
    "mode": ["9610", "1210", "1239", "9710", "9810"],
    "right": ["trademarks?", "patents?", "copyrights?", "olympic symbols?", "world expo symbols?"],
    "direction": ["imports?", "exports?", "importing", "exporting"],
    "year": [r"(?:19|20)\d\d"],
    # "…worth under RMB 20,000?" + "and if they are worth over RMB 200,000?": the new value replaces the old.
    "value": [r"(?:(?:over|under|above|below|more than|less than|up to|about)\s+)?(?:RMB|CNY|¥)\s?\d[\d,]*(?:\.\d+)?"
              r"(?:\s?(?:yuan|元))?"],
    "party": ["sellers?", "right holders?", "platforms?", "consumers?", "buyers?", "logistics (?:firms?|enterprises?)"],
    # "单次限额是多少" + "那一年呢？": the period asked about now replaces the previous one.
    "period_zh": ["单次", "每单", "一年", "每年", "年度", "全年"],
}
_LEAD = re.compile(
    r"^\s*(?:(?:and|but|also|so|ok(?:ay)?)\b[\s,]*)?(?:(?:what|how) about\b|what if\b)?\s*"
    r"(?:(?:for|under|in|with|on)\b)?\s*",
    re.I,
)
_IT = re.compile(r"\b(it|them)\b", re.I)  # after a question about one mode code, that code
_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|those|these|there|same)\b", re.I)
# Chinese follow-ups ("那担保要交多少？") are left as asked unless a term swaps: joined to the previous
# question, their translation into the corpus's words loses what is asked now (measured on the
# reference items). The chain joins one only when it is not understood on its own (`Assistant._standalone`).
_FOLLOWUP_START = re.compile(r"^\s*(and|but|also|what about|how about|what if|same|then)\b", re.I)
_FOLLOWUP_ZH = re.compile(r"^\s*(那么?|还有|如果|要是|假如)|呢\s*[？?]?\s*$|这个|那个|这些|它")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Lexicon words that ask ("how long", "how much", "what to do") without naming a subject: a follow-up
# made only of these has no subject of its own.
ASKING_WORDS_ZH = frozenset({"多久", "多长时间", "什么时候", "几天", "多少", "多少钱", "怎么办", "怎么", "为什么"})


def _find(cls: str, text: str) -> re.Match | None:
    # Word edges by letters and digits only: "那9810呢" names 9810 although Chinese has no spaces.
    pattern = r"(?<![A-Za-z0-9])(" + "|".join(CLASSES[cls]) + r")(?![A-Za-z0-9])"
    return re.search(pattern, text, re.I)


def is_followup(question: str) -> bool:
    words = question.split()
    return (bool(_FOLLOWUP_START.match(question)) or (len(words) <= 8 and bool(_PRONOUN.search(question)))
            or bool(_FOLLOWUP_ZH.search(question)))


def rewrite(previous_question: str | None, followup: str) -> str:
    """A standalone question for ``followup`` given the previous user question."""
    q = followup.strip()
    if not previous_question:
        return q
    prev = previous_question.strip()
    codes = named_codes(prev)
    if len(codes) == 1 and not named_codes(q) and not _CJK.search(q) and _IT.search(q):
        # "what is 9810?" + "do i need to file anything with customs for it?": "it" is the code.
        return _IT.sub(next(iter(codes)), q, count=1)
    if not is_followup(q):
        return q
    for cls in CLASSES:
        new, old = _find(cls, q), _find(cls, prev)
        if new and old and new.group(0).lower() != old.group(0).lower():
            return prev[: old.start()] + new.group(0) + prev[old.end():]
    if _CJK.search(q):
        return q  # see _FOLLOWUP_ZH's comment
    rest = _LEAD.sub("", q).rstrip("?").strip()
    return f"{prev.rstrip('?')}? {rest}?" if rest else prev
