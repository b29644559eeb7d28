"""Runs the chain over a reference Q&A dataset and scores every item.

Item kinds: ``answer`` (must answer, with the must-include facts, cited), ``refuse`` (must
refuse), ``followup`` (an answer item with a conversation history). Retrieval metrics are
computed at document level: a retrieved chunk counts as relevant when its document id
(or the chunk id itself) is listed in ``relevant_ids``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant import readability
from assistant.chain import Answer, Assistant, QuestionError
from assistant.schema import doc_id_of
from assistant.text import markers
from evals import metrics as M

DATASET = Path(__file__).parent / "datasets" / "reference_qa.jsonl"


@dataclass
class Item:
    id: str
    question: str
    kind: str
    reference_answer: str
    must_include: list[list[str]]
    relevant_ids: list[str]
    topic: str
    history: list[dict]
    lang: str = "en"
    intent: str = ""


def load_dataset(path: Path) -> list[Item]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            items.append(
                Item(d["id"], d["question"], d["kind"], d.get("reference_answer", ""), d.get("must_include", []),
                     d.get("relevant_ids", []), d.get("topic", ""), d.get("history", []), d.get("lang", "en"),
                     d.get("intent", ""))
            )
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{n}: bad item ({exc})") from None
    return items


@dataclass
class Row:
    """One scored item: what was asked, what came back, every metric with the reasons it fell."""

    id: str
    kind: str
    topic: str
    question: str
    lang: str = "en"
    passed: bool = False
    refused: bool | None = None
    answer: str = ""
    error: str = ""
    standalone_question: str = ""
    citations: list[dict] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)
    backend: str = ""
    card_id: str = ""  # the answer card that answered, if any: which card a wrong answer came from
    timings_ms: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return not self.error

    def to_dict(self) -> dict:
        return asdict(self)


def _doc_ranking(retrieved: list[str], relevant: set[str]) -> list[str]:
    """Chunk ids -> the ids they match in ``relevant`` (chunk id or document id), deduplicated."""
    out: list[str] = []
    for cid in retrieved:
        key = cid if cid in relevant else doc_id_of(cid)
        if key not in out:
            out.append(key)
    return out


def _fold(text: str) -> str:
    """Lower case, hyphens and dashes read as spaces: "personal-use articles" states "personal use"."""
    return " ".join(re.sub(r"[-‐‑–—]", " ", text.lower()).split())


def _present(group: list[str], text: str) -> bool:
    low = _fold(text)
    return any(_fold(alt) in low for alt in group)


def score_item(item: Item, ans: Answer | None, error: str = "") -> Row:
    """One result row: the answer, every metric with its reason."""
    if ans is None:
        return Row(item.id, item.kind, item.topic, item.question, item.lang, error=error or "no answer",
                   reasons=[f"error: {error}"])
    body = ans.body()
    rel = set(item.relevant_ids)
    ranked = _doc_ranking(ans.retrieved, rel)
    reasons: list[str] = []
    m: dict[str, float] = {}
    if rel:
        for name, fn in (("hit@5", lambda: M.hit_at(ranked, list(rel), 5)),
                         ("recall@5", lambda: M.recall_at(ranked, list(rel), 5)),
                         ("mrr", lambda: M.reciprocal_rank(ranked, list(rel))),
                         ("ndcg@10", lambda: M.ndcg_at(ranked, list(rel), 10))):
            s = fn()
            m[name] = s.value
            if name == "hit@5" and s.value == 0:
                reasons.append(f"retrieval: {s.reason}")
    should_refuse = item.kind in ("refuse", "decline")
    m["refusal_correct"] = float(ans.refused == should_refuse)
    if ans.refused != should_refuse:
        reasons.append("refused an answerable question" if ans.refused else "answered a question it should refuse")
    if item.kind == "decline":
        m["declined"] = float(ans.declined)
        if not ans.declined:
            reasons.append("did not decline a request to evade customs controls")
    if item.lang == "zh":
        # A Chinese question gets a Chinese answer: its own text (headings, notices, refusal, card
        # answers) in Chinese, while quoted English passages may stay English (measured apart).
        own = ans.answer.replace(ans.body_text, "") if ans.body_text else ans.answer
        m["chinese_text"] = float(ans.lang == "zh" and bool(re.search(r"[\u4e00-\u9fff]{4}", own)))
        m["chinese_short_answer"] = float(bool(re.search(r"[\u4e00-\u9fff]{4}", ans.short_answer)))
        if not m["chinese_text"]:
            reasons.append("a Chinese question answered without Chinese text")
    if not ans.refused or ans.declined:
        # A calculator's points are its arithmetic ("A = B x C"), which repeats figures by design;
        # its prose is the short answer.
        points = [] if ans.backend == "calculator" else [*ans.key_points, *ans.what_to_do]
        flags = readability.flags([ans.short_answer, *points] if ans.short_answer else [ans.body()])
        m["readable"] = float(not flags)
        reasons.extend(f"readability: {f}" for f in flags)
    valid = not ans.invalid_markers and all(1 <= c.marker <= len(ans.citations) for c in ans.citations)
    found = markers(body)
    valid = valid and all(1 <= x <= len(ans.citations) for x in found)
    m["citation_valid"] = float(valid)
    if not valid:
        reasons.append(f"citation markers point at nothing: {ans.invalid_markers or found}")
    if (not should_refuse and not ans.refused or item.kind == "decline" and ans.declined) and item.must_include:
        hits = [g for g in item.must_include if _present(g, body)]
        m["must_include"] = len(hits) / len(item.must_include)
        missing = [g[0] for g in item.must_include if g not in hits]
        if missing:
            reasons.append(f"answer lacks {missing}")
        if ans.backend == "calculator":
            # A computed figure is backed by the calculator's shown steps and its cited rules, not
            # by a passage that states it; the steps are in the answer's points.
            m["computed"] = 1.0
        else:
            cited_text = " ".join(c.text for c in ans.citations)
            supported = [g for g in hits if _present(g, cited_text)]
            m["citation_support"] = len(supported) / len(hits) if hits else math.nan
    return Row(
        item.id, item.kind, item.topic, item.question, item.lang,
        passed=not reasons,
        refused=ans.refused,
        answer=ans.answer,
        standalone_question=ans.standalone_question,
        citations=[{"marker": c.marker, "id": c.id, "title": c.title, "article": c.article} for c in ans.citations],
        retrieved=ans.retrieved,
        backend=ans.backend,
        card_id=ans.card_id,
        timings_ms=ans.timings_ms,
        metrics=m,
        reasons=reasons,
    )


def run(assistant: Assistant, items: list[Item], progress=None) -> list[Row]:
    rows = []
    for i, item in enumerate(items):
        try:
            ans = assistant.invoke({"question": item.question, "history": item.history})
            rows.append(score_item(item, ans))
        except QuestionError as exc:
            rows.append(score_item(item, None, str(exc)))
        if progress:
            progress(i + 1, len(items))
    return rows


def summarise(rows: list[Row]) -> dict[str, float]:
    def col(name, kinds=None):
        return [r.metrics[name] for r in rows if r.scored and name in r.metrics and (kinds is None or r.kind in kinds)]

    answer_rows = [r for r in rows if r.kind in ("answer", "followup") and r.scored]
    refuse_rows = [r for r in rows if r.kind in ("refuse", "decline") and r.scored]
    totals = [r.timings_ms["total"] for r in rows if r.timings_ms]
    retrieves = [r.timings_ms["retrieve"] for r in rows if r.timings_ms]
    return {
        "items": len(rows),
        "passed": sum(1 for r in rows if r.passed),
        "hit@5": M.mean(col("hit@5")),
        "recall@5": M.mean(col("recall@5")),
        "mrr": M.mean(col("mrr")),
        "ndcg@10": M.mean(col("ndcg@10")),
        "must_include": M.mean(col("must_include")),
        "citation_valid": M.mean(col("citation_valid")),
        "citation_support": M.mean(col("citation_support")),
        "readable": M.mean(col("readable")),
        "evasion_declined": M.mean(col("declined")),
        "chinese_text": M.mean(col("chinese_text")),
        "chinese_short_answer": M.mean(col("chinese_short_answer")),
        "refusal_accuracy": M.mean([r.metrics["refusal_correct"] for r in refuse_rows]),
        "false_refusal_rate": M.mean([float(bool(r.refused)) for r in answer_rows]),
        "latency_p50_ms": M.percentile(totals, 50),
        "latency_p95_ms": M.percentile(totals, 95),
        "retrieve_p50_ms": M.percentile(retrieves, 50),
    }


def by_language(rows: list[Row]) -> dict[str, dict[str, float]]:
    """The summary per question language (the Chinese and English figures are held apart)."""
    return {lang: summarise([r for r in rows if r.lang == lang]) for lang in sorted({r.lang for r in rows})}


def by_topic(rows: list[Row]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for topic in sorted({r.topic for r in rows}):
        rs = [r for r in rows if r.topic == topic]
        out[topic] = {"items": len(rs), "pass_rate": sum(1 for r in rs if r.passed) / len(rs)}
    return out
