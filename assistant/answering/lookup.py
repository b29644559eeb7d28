"""Questions about one instrument itself: what it is about, when it was issued or took effect, or
what one of its articles says. They are answered from the instrument, not from whatever retrieval
finds.

An instrument is named in many passages about other things, so "GACC Announcement 2020 No. 44, what
is it about?" got a passage that mentions it in passing, "海关总署2018年194号公告讲了什么" the passage
on the announcement it replaced, and "海关行政处罚实施条例第二十五条怎么规定的" the IPR Regulations (the
translation keeps the name but not the article number). The instrument is recognised by its official
number, as standing questions are (`status.instrument_keys`), or by its name: the lexicon's
instrument names, Chinese and English, matched against each document's official Chinese title. The
answer quotes the document's overview passage, or the passages of the article asked about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from assistant.answering.base import Draft
from assistant.answering.status import Instrument, instrument_keys
from assistant.language import Lang, article_text, status_text
from assistant.retrieval.types import Hit
from assistant.schema import PRIMARY_DOC_TYPES, passage_text
from assistant.text import cn_numeral, plain, split_sentences, terms


class Asked(StrEnum):
    ABOUT = "about"  # what the instrument is about
    DATES = "dates"  # when it was issued or took effect
    ARTICLE = "article"  # what one of its articles says


@dataclass(frozen=True)
class Lookup:
    """What is asked, about which instrument; ``parts``: every document that is this instrument (GACC
    Announcement 2018 No. 194 is two documents in the corpus, its import and its export rules)."""

    kind: Asked
    instrument: Instrument
    article: int | None = None
    parts: tuple[Instrument, ...] = ()


ASKS_ABOUT = re.compile(
    r"\bwhat (is|are|was|were)\b.{0,80}\babout\b|\bwhat does\b.{0,100}\b(say|provide|cover|require|set out|do|contain)\b"
    r"|\b(summar(y|ise|ize)|overview|main (content|points|rules))\b|^\s*what (is|was)\b"
    r"|讲了什么|讲的是什么|讲什么|主要内容|规定了什么|有哪些规定|是关于什么|内容是什么|说了什么|怎么规定|如何规定|规定的是什么"
    r"|是什么文件|是什么公告|是什么",
    re.I,
)
ASKS_WHEN = re.compile(
    r"\bwhen (was|did|were|is|does|do)\b.{0,80}\b(issued|published|adopted|enacted|promulgated|passed|effect|force|effective|start\w*|appl\w+)\b"
    r"|\b(effective|issue|issuance|publication|commencement) date\b|\bsince when\b|\bwhat year\b"
    r"|(哪一?年|哪天|什么时候|何时|哪个时候).{0,6}(颁布|发布|出台|公布|实施|施行|生效|开始|通过)|(颁布|发布|实施|施行|生效)(时间|日期)",
    re.I,
)
ARTICLE_NO = re.compile(r"\b(?:article|art\.?)\s*(\d+)\b|第\s*([零〇一二三四五六七八九十百两\d]+)\s*条", re.I)
# Words that only name or point at the instrument, or ask what it says: a question with nothing else is
# about the instrument as a whole ("GACC Announcement 2020 No. 44, what is it about?"); one with more
# ("what does the E-Commerce Law require of platforms?") asks about one subject in it.
GENERIC = frozenset(terms(
    "gacc general administration customs china chinese prc state council mof sta ministry finance announcement notice "
    "regulation regulations law decree order measures rules policy document instrument number no cbec cross border "
    "e-commerce ecommerce about say says cover covers provide provides require requires set out contain contains "
    "summary summarise summarize overview main content contents point points mean means issued published adopted "
    "enacted promulgated passed take took effect force effective start started apply applied date year since when "
    "article art annual still"
))
_NUMBER_TEXT = re.compile(r"[\[\(（〔]?(?:19|20)\d\d[\]\)）〕年]?\s*(?:No\.?|第)?\s*\d{1,4}\s*号?", re.I)


def normalise_title(title: str) -> str:
    """A Chinese instrument name as the comparison key: no brackets, state prefix or "海关关于…的" frame.

    "《中华人民共和国海关关于〈中华人民共和国知识产权海关保护条例〉的实施办法》" and the lexicon's
    "知识产权海关保护条例实施办法" both read "知识产权海关保护条例实施办法".
    """
    key = re.sub(r"[《》〈〉\s]", "", title).replace("中华人民共和国", "")
    if key.startswith("海关关于") and "的" in key:
        key = key[len("海关关于"):].replace("的", "", 1)
    return key


def _better(inst: Instrument) -> tuple:
    """Among documents sharing a name, the current primary instrument first (the 1995 and 2004 texts
    share their titles with the texts in force)."""
    return (inst.status != "in_force", inst.doc_type not in PRIMARY_DOC_TYPES, inst.official_ref.count(";"),
            len(inst.doc_id), inst.doc_id)


def aliases(table: dict[str, Instrument], names: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Name -> normalised Chinese title: each document's own title, and the lexicon's Chinese and
    English names (``names``: (Chinese, English) pairs) whose Chinese form is a document's title."""
    titles = {normalise_title(inst.title_zh) for inst in table.values()}
    titles = {t for t in titles if len(t) >= 3}
    out = {t: t for t in titles}
    for zh, en in names:
        key = normalise_title(zh)
        if key in titles:
            out[key] = key
            if en.strip() and not instrument_keys(en):  # numbers are matched as numbers
                out[en.strip().lower()] = key
    return out


def _years(text: str) -> set[str]:
    return set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text))


def named(texts: Iterable[str], table: dict[str, Instrument], names: dict[str, str]) -> tuple[list[Instrument], list[str]] | None:
    """The documents of the instrument the texts name, by official number or else by its longest
    name (best first), with the words that named it. Of several documents sharing a name, those of a
    year the text names come first, else the one in force ("the 1995 customs IPR regulations" is
    Decree No. 179, not the text in force)."""
    texts = [t for t in texts if t]
    for text in texts:
        keys = instrument_keys(text)
        hits = [inst for inst in table.values() if keys and instrument_keys(inst.official_ref)[:1] == keys[:1]]
        if hits:
            return sorted(hits, key=_better), [m.group(0) for m in _NUMBER_TEXT.finditer(text)]
    best: tuple[int, str, str, str] | None = None  # (length, name, title, text)
    for text in texts:
        plain, words = normalise_title(text), " " + " ".join(terms(text)) + " "
        for name, title in names.items():
            found = (f" {' '.join(terms(name))} " in words) if name.isascii() else (name in plain)
            if found and (best is None or len(name) > best[0]):
                best = (len(name), name, title, text)
    if best is None:
        return None
    same = [inst for inst in table.values() if normalise_title(inst.title_zh) == best[2]]
    years = _years(best[3])
    dated = [inst for inst in same if years & {inst.effective[:4], inst.issued[:4]}]
    return sorted(dated or same, key=_better), [best[1]]


def articles_of(label: str) -> set[int]:
    """The article numbers an article label covers: "Articles 12–13" -> {12, 13}, "Articles 17, 21–22"
    -> {17, 21, 22}."""
    out: set[int] = set()
    for part in re.findall(r"\d+\s*[–-]\s*\d+|\d+", label):
        ends = [int(x) for x in re.split(r"\s*[–-]\s*", part)]
        out.update(range(ends[0], ends[-1] + 1) if len(ends) == 2 and ends[1] - ends[0] < 20 else ends)
    return out


def _only_names(inst: Instrument, said: list[str], english: str, names: dict[str, str]) -> bool:
    """Whether nothing else is asked: no word left once the instrument's names and numbers and the
    asking words are gone."""
    own = set(terms(" ".join([inst.title, inst.official_ref, *said])))
    own |= {t for name, title in names.items() if name.isascii() and title == normalise_title(inst.title_zh)
            for t in terms(name)}
    return not [t for t in terms(english) if t not in GENERIC and t not in own and not t.isdigit()]


def standing_asked(question: str, translation: str, table: dict[str, Instrument], names: dict[str, str]) -> Instrument | None:
    """The instrument a standing question names by its title ("is the 1995 customs IPR regulation
    still in force?"), when it asks about nothing else (a rule's standing goes to the rule's card)."""
    found = named([question, translation], table, names)
    if found is None or not _only_names(found[0][0], found[1], translation or question, names):
        return None
    return found[0][0]


def asked_lookup(question: str, translation: str, table: dict[str, Instrument], names: dict[str, str]) -> Lookup | None:
    """What the question asks about a named instrument, or None when it asks about something else."""
    found = named([question, translation], table, names)
    if found is None:
        return None
    docs, said = found
    inst = docs[0]
    # The other documents of the same instrument in the same standing (not a superseded version).
    parts = tuple(d for d in docs if d.status == inst.status and d.official_ref == inst.official_ref)
    m = ARTICLE_NO.search(question)
    if m:
        return Lookup(Asked.ARTICLE, inst, int(m.group(1)) if m.group(1) else cn_numeral(m.group(2)), parts)
    if not _only_names(inst, said, translation or question, names):
        return None
    if ASKS_WHEN.search(question):
        return Lookup(Asked.DATES, inst, None, parts)
    if ASKS_ABOUT.search(question):
        return Lookup(Asked.ABOUT, inst, None, parts)
    return None


_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# A date, not the year inside an instrument's number ("Announcement 2018 No. 194").
_DATE = re.compile(rf"\b\d{{1,2}} {_MONTH} (?:19|20)\d\d\b|\b{_MONTH} (?:19|20)\d\d\b|\b(?:in|from|since|until) (?:19|20)\d\d\b"
                   r"|\b(?:19|20)\d\d-\d\d-\d\d\b")
MAX_SENTENCES = {Asked.ABOUT: 4, Asked.DATES: 3, Asked.ARTICLE: 6}


def compose(found: Lookup, hits: list[Hit], zh: bool = False) -> Draft:
    """The answer from the instrument's own passages (``hits``, in order; marker n is hits[n-1]): its
    overview's opening sentences, the sentences giving its dates, or the article's sentences. A
    Chinese answer opens with the instrument's Chinese name, number and standing."""
    quoted: list[str] = []
    for n, hit in enumerate(hits, 1):
        sentences = [plain(s) for s in split_sentences(passage_text(hit.text, hit.metadata))]
        sentences = [s for s in sentences if len(s.split()) >= 4]
        if found.kind is Asked.DATES:
            sentences = [s for s in sentences if _DATE.search(s)] or sentences
        per_doc = MAX_SENTENCES[found.kind] if found.kind is Asked.ARTICLE else max(2, MAX_SENTENCES[found.kind] // len(hits))
        quoted += [_marked(s, n) for s in sentences[:per_doc]]
    quoted = quoted[: MAX_SENTENCES[found.kind] * (1 if found.kind is Asked.ARTICLE else len(hits))]
    short, points = quoted[:1], quoted[1:]
    inst = found.instrument
    if zh and quoted:
        refs = "".join(f"[{n}]" for n in range(1, len(hits) + 1))
        number = re.search(r"[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]", inst.official_ref)
        number = number.group(1) if number else inst.official_ref.split(" (")[0]
        issued = f"于{inst.issued}发布，" if inst.issued and found.kind is Asked.DATES else ""
        since = f"自{inst.effective}起施行，" if inst.effective else ""
        standing = status_text(inst.status, "zh")
        if found.kind is Asked.ARTICLE:
            lead = f"{inst.title_zh}（{number}，{since}{standing}）{article_text(f'Article {found.article}', 'zh')}的内容如下 {refs}。"
        else:
            lead = f"{inst.title_zh}即{number}，{issued}{since}{standing} {refs}。"
        short, points = [lead], quoted
    return Draft(" ".join(short + points), "instrument", short=short, points=points, steps=[],
                 intent="legal_basis", lang=Lang.ZH.value if zh else Lang.EN.value)


def _marked(sentence: str, n: int) -> str:
    sentence = " ".join(sentence.split())
    return f"{sentence[:-1]} [{n}]{sentence[-1]}" if sentence[-1:] in ".!?。" else f"{sentence} [{n}]"
