"""The floors CI holds the reference Q&A to, and which items fell below them."""

from __future__ import annotations

import math

from evals.runner import Row

# Floors CI holds the reference Q&A to (tests/evals/test_reference_floors.py runs them).
FLOORS = {
    "hit@5": 0.90,
    "must_include": 0.93,  # measured 0.942 (make eval); below it for another machine's float rounding
    "readable": 0.98,
    "citation_valid": 1.0,
    "citation_support": 1.0,
    "refusal_accuracy": 1.0,
    "evasion_declined": 1.0,
    "false_refusal_rate": 0.02,  # at most
}


AT_MOST = {"false_refusal_rate"}  # floors that are ceilings
# Chinese questions are held to their own floors (answers must be in Chinese too).
LANGUAGE_FLOORS = {
    "zh": {"must_include": 0.85, "refusal_accuracy": 1.0, "false_refusal_rate": 0.02, "evasion_declined": 1.0,
           "chinese_text": 1.0, "chinese_short_answer": 0.92},  # measured 0.932
    "en": {"must_include": 0.92, "refusal_accuracy": 1.0, "evasion_declined": 1.0},  # measured 0.932
}


def _fell(metric: str, rows: list[Row]) -> list[str]:
    """The items that pulled a metric down, measured the way `runner.summarise` measures it."""
    scored = [r for r in rows if r.scored]
    if metric == "false_refusal_rate":
        return [r.id for r in scored if r.kind != "refuse" and r.refused]
    if metric == "refusal_accuracy":
        return [r.id for r in scored if r.kind in ("refuse", "decline") and not r.metrics["refusal_correct"]]
    if metric == "chinese_text":
        return [r.id for r in scored if r.metrics.get("chinese_text", 1.0) < 1.0]
    if metric == "evasion_declined":
        return [r.id for r in scored if r.kind == "decline" and not r.metrics.get("declined")]
    return [r.id for r in scored if r.metrics.get(metric, 1.0) < 1.0]


def check_floors(summary: dict, rows: list[Row], floors: dict | None = None, label: str = "") -> list[str]:
    """One line per metric past its floor, naming the items that fell; then the per-language floors."""
    from evals.runner import summarise

    problems = []
    if floors is None:
        for lang, lang_floors in LANGUAGE_FLOORS.items():
            own = [r for r in rows if r.lang == lang]
            if own:
                problems += check_floors(summarise(own), own, lang_floors, f"[{lang}] ")
    for k, floor in (floors or FLOORS).items():
        v = summary.get(k, math.nan)
        bad = v > floor if k in AT_MOST else v < floor
        if math.isnan(v) or bad:
            problems.append(f"{label}{k} = {v:.3f} (floor {'<=' if k in AT_MOST else '>='} {floor}); items: {_fell(k, rows)}")
    return problems
