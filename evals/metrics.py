"""Deterministic metrics. Each returns a value and, per item, a reason; undefined is NaN, not 0."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scored:
    value: float
    reason: str


def _rel(relevant: Sequence[str]) -> set[str]:
    return set(relevant)


def hit_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> Scored:
    rel = _rel(relevant)
    if not rel:
        return Scored(math.nan, "no relevant ids")
    top = list(ranked[:k])
    found = [r for r in top if r in rel]
    return Scored(1.0 if found else 0.0, f"first relevant at {top.index(found[0]) + 1}" if found else f"none in top {k}")


def recall_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> Scored:
    rel = _rel(relevant)
    if not rel:
        return Scored(math.nan, "no relevant ids")
    got = rel & set(ranked[:k])
    missing = sorted(rel - got)
    return Scored(len(got) / len(rel), f"{len(got)}/{len(rel)} in top {k}" + (f"; missing {missing[:3]}" if missing else ""))


def reciprocal_rank(ranked: Sequence[str], relevant: Sequence[str], k: int | None = None) -> Scored:
    rel = _rel(relevant)
    if not rel:
        return Scored(math.nan, "no relevant ids")
    for i, r in enumerate(ranked[: k or len(ranked)], 1):
        if r in rel:
            return Scored(1.0 / i, f"first relevant at {i}")
    return Scored(0.0, "no relevant retrieved")


def average_precision_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> Scored:
    """AP@k normalised by min(|relevant|, k), as ObliQA/RIRAG define MAP@10."""
    rel = _rel(relevant)
    if not rel:
        return Scored(math.nan, "no relevant ids")
    hits, total = 0, 0.0
    for i, r in enumerate(ranked[:k], 1):
        if r in rel:
            hits += 1
            total += hits / i
    return Scored(total / min(len(rel), k), f"{hits} relevant in top {k}")


def ndcg_at(ranked: Sequence[str], relevant: Sequence[str], k: int) -> Scored:
    rel = _rel(relevant)
    if not rel:
        return Scored(math.nan, "no relevant ids")
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(ranked[:k], 1) if r in rel)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(rel), k) + 1))
    return Scored(dcg / ideal, f"dcg {dcg:.3f} / ideal {ideal:.3f}")


def mean(values: Sequence[float]) -> float:
    vals = [v for v in values if not math.isnan(v)]
    return sum(vals) / len(vals) if vals else math.nan


def percentile(values: Sequence[float], p: float) -> float:
    vals = sorted(values)
    if not vals:
        return math.nan
    idx = (len(vals) - 1) * p / 100
    lo, hi = math.floor(idx), math.ceil(idx)
    return vals[lo] + (vals[hi] - vals[lo]) * (idx - lo)


def retrieval_summary(runs: dict[str, list[str]], qrels: dict[str, list[str]], k: int = 10) -> dict[str, float]:
    """Mean metrics over questions that have relevant ids."""
    keys = [q for q in qrels if qrels[q]]
    out = {
        f"hit@{k}": mean([hit_at(runs.get(q, []), qrels[q], k).value for q in keys]),
        "recall@5": mean([recall_at(runs.get(q, []), qrels[q], 5).value for q in keys]),
        f"recall@{k}": mean([recall_at(runs.get(q, []), qrels[q], k).value for q in keys]),
        f"map@{k}": mean([average_precision_at(runs.get(q, []), qrels[q], k).value for q in keys]),
        "mrr": mean([reciprocal_rank(runs.get(q, []), qrels[q], k).value for q in keys]),
        f"ndcg@{k}": mean([ndcg_at(runs.get(q, []), qrels[q], k).value for q in keys]),
        "questions": len(keys),
    }
    return out
