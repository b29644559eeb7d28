"""Questions about an instrument's standing: "Is Cai Guan Shui [2016] No. 18 still in force?".

The corpus front matter carries a status model per document (in force, superseded, partly
superseded with what still applies, expired, guidance), which the currency notes already use.
A question that names an instrument by its official number and asks whether it still applies is
answered from that model directly, citing the instrument (and its replacement), instead of from
whichever passages retrieval finds about the instrument's content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.schema import PRIMARY_DOC_TYPES

# Asking about standing, not mentioning it: "is X still in force?", "has X been replaced?", "X还有效吗"
# ("Under X, in force since 2019, what are the limits?" asks about the limits).
ASKS_STATUS = re.compile(
    r"\b(still (in force|valid|effective|applicable|apply|applies|current|good law)|no longer (valid|in force|applies|applicable)|"
    r"^\s*(is|are|was)\b.{0,80}\b(in force|valid|effective|current|repealed|superseded|replaced|expired|abolished|revoked)\b|"
    r"(has|have)\b.{0,80}\bbeen (repealed|replaced|superseded|abolished|revoked|amended))"
    r"|还有效|仍然有效|是否有效|是否仍然有效|有效吗|有没有失效|失效了|废止了|作废了|被取代了|还适用|仍适用|还在用|还能用"
    r"|还管用|还有用|还算数|过期了",
    re.I,
)
# "[2016] No. 18", "2018 No. 194", "2018年第194号", "〔2016〕18号", "2016年18号"
_YEAR_NO = re.compile(r"((?:19|20)\d\d)\s*[\]〕)）]?\s*年?\s*(?:No\.?\s*|第\s*)(\d{1,4})"
                      r"|[〔\[(（]?((?:19|20)\d\d)[〕\])）年]\s*(\d{1,4})\s*号", re.I)
# "Decree No. 395", "Order No. 265", "令第395号"
_DECREE_NO = re.compile(r"\b(?:Decree|Order)\s+No\.?\s*(\d{1,4})\b|令第\s*(\d{1,4})\s*号", re.I)


def instrument_keys(text: str) -> list[tuple[str, str]]:
    """The instrument numbers a text names, in order: ("2016", "18") or ("decree", "395")."""
    found: list[tuple[int, tuple[str, str]]] = []
    for m in _YEAR_NO.finditer(text):
        year, no = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        found.append((m.start(), (year, no)))
    for m in _DECREE_NO.finditer(text):
        found.append((m.start(), ("decree", m.group(1) or m.group(2))))
    return list(dict.fromkeys(k for _, k in sorted(found)))


def asks_about_standing(question: str) -> bool:
    """Whether the question asks if a numbered instrument still applies (cheap: no table needed)."""
    return bool(ASKS_STATUS.search(question)) and bool(instrument_keys(question))


@dataclass(frozen=True)
class Instrument:
    """One document's standing, as its front matter states it."""

    doc_id: str
    chunk_id: str  # the passage cited for it (its first)
    title: str
    title_zh: str
    official_ref: str
    doc_type: str
    status: str
    superseded_by: str
    still_applies: str
    still_applies_zh: str
    effective: str
    expired_on: str
    issued: str = ""


def instruments(chunks: Iterable[tuple[str, dict]]) -> dict[str, Instrument]:
    """Per document id its standing, from ``(chunk id, metadata)`` pairs (its overview passage cites it)."""
    out: dict[str, Instrument] = {}
    for cid, m in chunks:
        doc = str(m.get("doc_id") or "")
        # The overview passage introduces the instrument; any first passage serves when there is none.
        if not doc or not m.get("official_ref") or (doc in out and ":overview:" not in cid):
            continue
        out[doc] = Instrument(
            doc, cid, str(m.get("title", "")), str(m.get("title_zh", "")), str(m.get("official_ref", "")),
            str(m.get("doc_type", "")), str(m.get("status") or "in_force"), str(m.get("superseded_by", "")),
            str(m.get("still_applies", "")), str(m.get("still_applies_zh", "")), str(m.get("effective", "")),
            str(m.get("expired_on", "")), str(m.get("issued", "")),
        )
    return out


def asked_instrument(question: str, table: dict[str, Instrument]) -> Instrument | None:
    """The instrument whose standing ``question`` asks about, or None.

    The question must ask about standing ("still in force", "还有效吗") and name an instrument by
    number; the document chosen is one whose official reference starts with that number (the
    document is about the instrument, not one that mentions it), a primary instrument first.
    """
    asked = instrument_keys(question) if asks_about_standing(question) else []
    if not asked:
        return None
    candidates = []
    for inst in table.values():
        keys = instrument_keys(inst.official_ref)
        if keys and keys[0] in asked:
            candidates.append((asked.index(keys[0]), inst.doc_type not in PRIMARY_DOC_TYPES, len(inst.official_ref), inst.doc_id))
    if not candidates:
        return None
    return table[min(candidates)[3]]


def _zh_name(inst: Instrument) -> str:
    """The number and Chinese title ("海关总署令第114号《…》"): two versions of one instrument share
    a title, so the number tells them apart."""
    m = re.search(r"[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]", inst.official_ref)
    number = m.group(1) if m else inst.official_ref.split(" (")[0]
    return f"{number}{inst.title_zh}"


def status_sentence(inst: Instrument, replacement: Instrument | None, zh: bool) -> str:
    """The answer's first sentence: the standing, and what replaced it or still applies."""
    from assistant.language import Lang, text

    if zh:
        name, repl = _zh_name(inst), (_zh_name(replacement) if replacement else "后续文件")
        still = (inst.still_applies_zh or inst.still_applies).rstrip("。. ")
        since = f"，自{inst.effective}起施行" if inst.effective else ""
        date = inst.expired_on or "此前"
    else:
        name = inst.official_ref.split(" (")[0].split(";")[0]
        if re.search(r"amended|revised", inst.official_ref, re.I):
            name += " (as amended)"
        if inst.status == "guidance":
            name = inst.title
        repl = replacement.official_ref.split(" (")[0] if replacement else "a later instrument"
        still = inst.still_applies.rstrip(". ")
        since = f", in force since {inst.effective}" if inst.effective else ""
        date = inst.expired_on or "an earlier date"
    status = inst.status if inst.status in STANDINGS else "in_force"
    return text(f"standing_{status}", Lang.ZH if zh else Lang.EN).format(
        name=name, replacement=repl, still=still, since=since, date=date)


STANDINGS = frozenset({"superseded", "partly_superseded", "expired", "guidance", "in_force"})
