"""Citations: numbered sources in, `[n]` markers out, every marker checked.

A marker must point at one of the passages given to the answer step. Out-of-range
markers are reported and their sentences dropped; sentences with no marker are flagged
(the extractive backend never produces one; an LLM might).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from assistant.retrieval.types import Hit
from assistant.text import MARKER, neutralise_markers, split_sentences


@dataclass
class Citation:
    marker: int
    id: str
    title: str
    instrument: str
    article: str
    source_url: str
    date: str
    text: str
    score: float
    doc_type: str = ""
    status: str = "in_force"
    superseded_by: str = ""
    doc_id: str = ""
    heading_path: str = ""
    title_zh: str = ""  # the instrument's official Chinese title (front matter, else the lexicon)
    official_ref: str = ""  # the official number and issuer, e.g. "State Council Decree No. 395 (国务院令第395号)"
    source_quality: str = ""  # official | professional | secondary | upload
    still_applies: str = ""  # for a partly superseded instrument
    still_applies_zh: str = ""  # the same in Chinese (front matter), for Chinese answers
    expired_on: str = ""
    used_sentences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def basis_label(self, lang: str = "en") -> str:
        """The legal basis as one line in the answer's language.

        English: "Title, Article 16 (instrument; date; in force)". Chinese, where the lexicon knows the
        instrument's Chinese name: "《…》第十六条（2003-12-02，现行有效）", without the English title.
        """
        from assistant.language import Lang, article_text, status_text

        if lang == Lang.ZH.value and self.title_zh:
            art = article_text(self.article, lang)
            bits = "，".join(x for x in (self.date, status_text(self.status, lang)) if x)
            return f"{self.title_zh}{art}（{bits}）"
        return f"{self.label()} ({status_text(self.status, 'en')})"

    def label(self) -> str:
        """"Title, Article 16 (official reference or instrument, date)" for source lists and memos."""
        art = f", {self.article}" if self.article and self.article != "Overview" else ""
        inst = self.official_ref or (self.instrument if self.instrument and self.instrument != self.title else "")
        if self.official_ref and self.official_ref.split(" (")[0].split(",")[0] in self.title:
            inst = ""  # the title already names the instrument's number
        extra = "; ".join(x for x in (inst, self.date) if x)
        return f"{self.title}{art}" + (f" ({extra})" if extra else "")


def citation_from(marker: int, hit: Hit) -> Citation:
    m = hit.metadata
    return Citation(
        marker=marker,
        id=hit.chunk_id,
        title=str(m.get("title", "")),
        instrument=str(m.get("instrument", "")),
        article=str(m.get("article", "")),
        source_url=str(m.get("source_url", "")),
        date=str(m.get("date", "")),
        text=neutralise_markers(hit.passage),
        score=float(hit.score or 0.0),
        doc_type=str(m.get("doc_type", "")),
        status=str(m.get("status", "in_force")),
        superseded_by=str(m.get("superseded_by", "")),
        doc_id=str(m.get("doc_id", "")),
        heading_path=str(m.get("heading_path", "")),
        title_zh=str(m.get("title_zh", "")),
        official_ref=str(m.get("official_ref", "")),
        source_quality=str(m.get("source_quality", "upload" if m.get("doc_type") == "upload" else "")),
        still_applies=str(m.get("still_applies", "")),
        still_applies_zh=str(m.get("still_applies_zh", "")),
        expired_on=str(m.get("expired_on", "")),
    )


def currency_note(c: Citation, titles: dict[str, str], lang: str, markers: Sequence[int] = ()) -> str:
    """The one place the status model becomes a note: superseded, partly superseded, expired; else "".

    ``titles`` names documents in the answer's language (a replaced instrument is named by its
    replacement's title); ``markers`` are all the answer's markers citing this document, so one
    note covers them (default: the citation's own).
    """
    from assistant.language import Lang, text

    zh = lang == Lang.ZH.value
    marker = "][".join(str(m) for m in markers) if markers else c.marker
    title = (c.title_zh if zh else "") or c.title
    repl = titles.get(c.superseded_by, c.superseded_by) or ("后续文件" if zh else "a later instrument")
    if c.status == "superseded":
        return text("superseded", lang).format(marker=marker, title=title, replacement=repl)
    if c.status == "partly_superseded":
        still = ((c.still_applies_zh if zh else c.still_applies) or ("见该文件" if zh else "see the instrument"))
        still = still.rstrip(" .。")
        return text("partly_superseded", lang).format(marker=marker, title=title, replacement=repl, still=still)
    if c.status == "expired":
        return text("expired", lang).format(marker=marker, title=title, date=c.expired_on or ("此前某日" if zh else "a past date"))
    return ""


@dataclass
class CitationCheck:
    text: str  # the answer with bad sentences removed
    cited: list[int]  # valid markers, in order of first use
    invalid_markers: list[int]
    uncited_sentences: list[str]
    dropped_sentences: list[str]

    @property
    def ok(self) -> bool:
        return not self.invalid_markers and not self.uncited_sentences


def check(answer: str, n_sources: int, drop_uncited: bool = False) -> CitationCheck:
    """Validate the ``[n]`` markers of an answer against ``n_sources`` numbered passages."""
    kept: list[str] = []
    cited: list[int] = []
    invalid: list[int] = []
    uncited: list[str] = []
    dropped: list[str] = []
    for para in answer.split("\n"):
        out_sents = []
        for sent in split_sentences(para):
            nums = [int(x) for x in MARKER.findall(sent)]
            bad = [n for n in nums if not 1 <= n <= n_sources]
            good = [n for n in nums if 1 <= n <= n_sources]
            invalid.extend(bad)
            if bad and not good:
                dropped.append(sent)
                continue
            if bad:
                for n in bad:
                    sent = sent.replace(f"[{n}]", "")
            if not nums:
                uncited.append(sent)
                if drop_uncited:
                    dropped.append(sent)
                    continue
            for n in good:
                if n not in cited:
                    cited.append(n)
            out_sents.append(sent)
        if out_sents:
            kept.append(" ".join(out_sents))
    return CitationCheck("\n".join(kept).strip(), cited, invalid, uncited, dropped)


def renumber(text: str, cited: list[int]) -> tuple[str, dict[int, int]]:
    """Markers renumbered 1..m in order of first use, so the citations shown are dense."""
    mapping = {old: new for new, old in enumerate(cited, 1)}
    return MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", text), mapping
