"""The text rules, each in one place: sentences, list bullets, ``[n]`` markers, terms, escaping.

Used by the answer step, the citation checks, the memo, the UI's highlighting and the evals,
so that "what is a sentence" or "what is a citation marker" cannot differ between them.
"""

from __future__ import annotations

import re

# A citation marker is [n] with a small n; "[2018]" in "Cai Guan Shui [2018] No. 49" is a
# document-number year, not a marker.
MARKER = re.compile(r"\[(\d{1,3})\]")
_MARKER_WITH_SPACE = re.compile(r"\s*\[\d{1,3}\]")

_SENT = re.compile(r"(?<=[.!?。])\s+(?=[A-Z0-9\"'(\[“‘])|\n+")
# Abbreviations after which a full stop does not end a sentence.
ABBREV = re.compile(
    r"(?:\b(?:No|Nos|Art|Arts|Para|para|e\.g|i\.e|etc|Co|Ltd|Inc|vs|cf|approx|Dec|Mr|Ms|Dr|St|Sept|Oct|Nov|Jan|Feb|Mar|Apr|Jun|Jul|Aug)|\b[A-Z])\.$"
)
# Hard-wrapped lines inside a paragraph (not list items, table rows, headings or blank lines).
_WRAP = re.compile(r"[ \t]*(?<!\n)\n(?![ \t]*(?:[-*•|#>]|\d+[.)]\s|\([a-z0-9]{1,3}\)\s|\n))[ \t]*")
# A list bullet or numbering at the start of a line: "- ", "* ", "• ", "1. ", "2) ", "(a) ".
BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|\([a-z0-9]{1,3}\))\s+")

_WORD = re.compile(r"[a-z0-9\u4e00-\u9fff]+(?:[.,][0-9]+)*")
STOP = frozenset(
    """a an the of to in on for and or is are was were be been by with as at from that this these those it its
    what which who whom how when where why do does did can could may might must shall should will would i my
    me we our you your he she they them their there here if then than so not no any all about into under over
    per up out more most some such only also other own same very just have has had get got tell explain please
    i'm im there's let know need want rather itself themselves myself ourselves yourself whether though although
    because while via""".split()
)


def unwrap(text: str) -> str:
    """Join hard-wrapped lines of a paragraph; keep list items, table rows and blank lines."""
    return _WRAP.sub(" ", text)


def split_sentences(text: str) -> list[str]:
    """Sentences and list lines; a stop after "No.", "Art.", "e.g." and the like does not split."""
    out: list[str] = []
    for part in _SENT.split(unwrap(text)):
        part = part.strip() if part else ""
        if not part:
            continue
        if out and ABBREV.search(out[-1]) and "\n" not in out[-1]:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


_CLAUSE_TAIL = re.compile(r"(?:[;,.]|[;,]? (?:and|or))\s*$")  # what joins a list item to the next


def _is_clause(item: str) -> bool:
    """A list item that continues its lead-in ("- logistics enterprises;") rather than stating a rule:
    it starts in lower case or does not end as a sentence does."""
    item = item.strip()
    return bool(item) and (item[0].islower() or item[-1] not in ".!?。)")


def fold_lists(text: str, max_words: int) -> str:
    """Lists of clauses under a lead-in ("... lists the participants:" then "- payment enterprises;")
    read as one sentence, lead-in and items together, so no item stands alone as a fragment
    ("Payment enterprises."). A list too long for one sentence is left out; lists whose items are
    sentences of their own are kept as they are.
    """
    lines = unwrap(text).split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith(":"):
            j, items = i + 1, []
            while j < len(lines) and (BULLET.match(lines[j]) or (not lines[j].strip() and not items)):
                if lines[j].strip():
                    items.append(strip_bullet(lines[j]).strip())
                j += 1
            if items and 2 * sum(map(_is_clause, items)) > len(items):
                parts = [_CLAUSE_TAIL.sub("", x) for x in items]
                folded = f"{line.rstrip()} {'; '.join(parts)}."
                out.append(folded if len(folded.split()) <= max_words else line)
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def strip_bullet(line: str) -> str:
    """A list line without its bullet or numbering."""
    return BULLET.sub("", line)


def plain(sentence: str) -> str:
    """A passage sentence as plain prose: no bullet, no Markdown emphasis or code marks, one line."""
    s = strip_bullet(sentence).replace("**", "").replace("__", "").replace("`", "")
    return " ".join(s.split())


def strip_markers(text: str) -> str:
    """Text without its ``[n]`` citation markers."""
    return _MARKER_WITH_SPACE.sub("", text).strip()


def markers(text: str) -> list[int]:
    """The ``[n]`` markers of a text, in order."""
    return [int(x) for x in MARKER.findall(text)]


def neutralise_markers(text: str) -> str:
    """Passage text in which ``[n]`` cannot be read as a citation marker ("[1]" -> "(1)")."""
    return MARKER.sub(r"(\1)", text)


_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def terms(text: str) -> list[str]:
    """Lower-cased content words with a light suffix strip, so "limits" meets "limit"."""
    out = []
    for w in _WORD.findall(text.lower()):
        if w in STOP or len(w) < 2:
            continue
        if _GROUPED.fullmatch(w):  # "5,000" and "5000" are one figure
            w = w.replace(",", "")
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            if w.endswith("ies"):
                w = w[:-3] + "y"  # penalties -> penalty
            elif w.endswith(("sses", "xes", "ches", "shes")):
                w = w[:-2]  # taxes -> tax, classes -> class
            else:
                w = w[:-1]  # fakes -> fake, cases -> case, goods -> good
        out.append(w)
    return out


def escape_markdown(text: str) -> str:
    """Keep Markdown, but stop "$" from starting a formula and "<" from opening an HTML tag."""
    return re.sub(r"(?<!\\)\$", r"\\$", text).replace("<", "&lt;")


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_numeral(text: str) -> int:
    """第十四条 -> 14; handles 一..九千九百九十九 and plain digits."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current
