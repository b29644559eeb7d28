"""What makes an answer sentence unreadable, in one place: the composer avoids it, the evals measure it.

A sentence is flagged when it carries an internal document id (a slug), talks about documents
instead of rules, leans on a neighbour it does not have ("They…", "Second, …"), is cut off, is a
fragment of a list or is an over-long enumeration; two sentences are near-duplicates when they restate the same fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.text import split_sentences, strip_markers, terms

# Lower-case hyphenated ids of three or more parts ("seller-after-detention",
# "gacc-2018-194-cbec-retail-export"). Ordinary compounds ("cross-border", "e-commerce") have two
# parts; longer ones are built with joiners ("notice-and-takedown", "year-on-year") or count days.
SLUG = re.compile(r"(?<![\w/.-])[a-z0-9]+(?:-[a-z0-9]+){2,}(?![\w/-])")
_COMPOUND = re.compile(r"-(of|on|and|the|to|by|in|for|or|a|as|at|per)-|^\d+-(working-)?(day|month|year|digit|piece)s?$|^non-|^\d{4}-\d{2}-\d{2}$")
META = re.compile(
    r"^(this|the present|our|that) (document|checklist|guide|section|page|article|summary|note|table|glossary|file|"
    r"project|corpus|fact sheet)\b|\b(this|the) project('s)?\b|\bthis product\b|\bfact sheet\b|\bin this corpus\b|"
    r"\bis covered (in|by|under)\b|\bare covered (in|by)\b|\bdetails are in\b|\bsee (also )?(the )?(section|document|below|above)\b|"
    r"\bsection numbers are editorial\b|\bplaceholder\b|^(section|article) numbers (below|above)|^(for|on) (details|more)\b",
    re.I,
)
# Openers that point at a previous sentence for their subject.
DANGLING = re.compile(
    r"^(it|its|this|these|that|those|they|their|them|such|he|she|second(ly)?|third(ly)?|fourth|finally|also|"
    r"however|moreover|furthermore|in addition|then|there|here|both|either|neither|the latter|the former|"
    r"the same|likewise|otherwise|conversely|similarly|instead|by contrast|in contrast|in turn|as a result|"
    r"therefore|thus|hence|accordingly|consequently|nevertheless|nonetheless|even so)\b[ ,]",
    re.I,
)
MAX_WORDS = 60
_END = re.compile(r"[.!?。！？)\]”\"']$")
_NUMBER = re.compile(r"\d[\d,.]*")


def has_slug(sentence: str) -> bool:
    return any(not _COMPOUND.search(m.group(0)) for m in SLUG.finditer(sentence))


def is_meta(sentence: str) -> bool:
    return bool(META.search(sentence.strip()))


def is_dangling(sentence: str) -> bool:
    return bool(DANGLING.match(sentence.strip()))


def is_cut(sentence: str) -> bool:
    """Ends without closing punctuation (markers aside), or in the middle of a word."""
    s = strip_markers(sentence).rstrip()
    return not s or not _END.search(s)


_ANSWER_WORD = re.compile(r"^(yes|no|not|none|never|possibly|usually)\b", re.I)


def is_fragment(sentence: str) -> bool:
    """A few words with no figure, not a yes or no: a list item torn from its lead-in
    ("CBEC platform enterprises."). Chinese is not counted in words, so it is not judged here."""
    s = strip_markers(sentence).strip()
    if not s.isascii() or _NUMBER.search(s) or _ANSWER_WORD.match(s):
        return False
    return len(s.split()) <= 3


def words(sentence: str) -> int:
    return len(strip_markers(sentence).split())


_NOT_FIGURES = re.compile(r"^(9610|1210|1239|9710|9810|(19|20)\d\d)$")
# Document and article numbers name an instrument, they do not state a figure: "Cai Guan Shui
# [2018] No. 49" in two sentences does not make them one fact.
_REFERENCE = re.compile(r"\b(?:No|Nos|Article|Articles|Art|Decree|Order)\.?\s+\d+[a-z]?(?:\(\d+\))*", re.I)


def numbers(sentence: str) -> frozenset[str]:
    """The figures a sentence states ("RMB 5,000" and "5000" are the same figure).

    Mode codes, years and document or article numbers name things rather than state amounts, so
    they are left out.
    """
    found = (n.replace(",", "").rstrip(".") for n in _NUMBER.findall(_REFERENCE.sub(" ", strip_markers(sentence))))
    return frozenset(n for n in found if not _NOT_FIGURES.match(n))


def _references(sentence: str) -> frozenset[str]:
    return frozenset(" ".join(m.lower().replace(".", "").split()) for m in _REFERENCE.findall(sentence))


def near_duplicate(a: str, b: str) -> bool:
    """Two sentences restating one fact: most content words shared, or the same figures and much in common."""
    ta, tb = set(terms(strip_markers(a))), set(terms(strip_markers(b)))
    if not ta or not tb:
        return False
    jaccard = len(ta & tb) / len(ta | tb)
    containment = len(ta & tb) / min(len(ta), len(tb))
    na, nb = numbers(a), numbers(b)
    shared_figures = bool(na and nb) and len(na & nb) / min(len(na), len(nb)) >= 0.5
    # The same article restated: "Article 26 … hand the case to the police" twice in other words.
    ra, rb = _references(a), _references(b)
    same_reference = bool(ra and rb) and bool(ra & rb) and jaccard > 0.35
    return jaccard > 0.5 or containment > 0.8 or (shared_figures and jaccard > 0.2) or same_reference


def flags(sentences: Sequence[str]) -> list[str]:
    """Readability problems of an answer's sentences, each named with the sentence it concerns."""
    out: list[str] = []
    for i, s in enumerate(sentences):
        short = strip_markers(s)[:60]
        if has_slug(s):
            out.append(f"slug: {short!r}")
        if is_meta(s):
            out.append(f"meta-sentence: {short!r}")
        if is_dangling(s):
            out.append(f"dangling reference: {short!r}")
        # Length is a sentence's: a short answer may lead with its legal basis in a sentence of its own.
        longest = max((words(p) for p in split_sentences(s)), default=0)
        if longest > MAX_WORDS:
            out.append(f"over-long ({longest} words): {short!r}")
        if is_cut(s):
            out.append(f"cut sentence: {short!r}")
        if is_fragment(s):
            out.append(f"fragment: {short!r}")
        for t in sentences[:i]:
            if near_duplicate(s, t):
                out.append(f"near-duplicate: {short!r} ~ {strip_markers(t)[:60]!r}")
                break
    return out
