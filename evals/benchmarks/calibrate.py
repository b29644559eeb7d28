"""Where the relevance threshold belongs, per language, measured on questions that are not eval items.

In scope: the answer cards' own question variants (English and Chinese). Off topic: a fixed list of
questions about other subjects (``evals/datasets/calibration_offtopic.jsonl``). For each question the
chain's own preparation (a Chinese question is translated with the lexicon) and retrieval run, and
the best dense similarity is recorded; the threshold belongs in the gap between the two.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

OFFTOPIC = Path(__file__).resolve().parents[1] / "datasets" / "calibration_offtopic.jsonl"


def best_similarity(assistant, question: str) -> float:
    prep = assistant._prepare(question)
    vec = assistant._embed(prep.query)
    hits = assistant.retriever.search_many([prep.query], k=assistant.settings.top_k, vectors=[vec])[0]
    return max((h.dense_score or 0.0) for h in hits) if hits else 0.0


def measure(assistant) -> dict[str, dict[str, float]]:
    cards = [c for c in (assistant.cards.cards if assistant.cards else []) if not c.declines]
    offtopic = [json.loads(x) for x in OFFTOPIC.read_text(encoding="utf-8").splitlines() if x.strip()]
    out = {}
    for lang, inscope in (("en", [q for c in cards for q in c.questions]), ("zh", [q for c in cards for q in c.questions_zh])):
        ins = np.asarray([best_similarity(assistant, q) for q in inscope])
        off = np.asarray([best_similarity(assistant, o["question"]) for o in offtopic if o["lang"] == lang])
        out[lang] = {
            "in_scope": len(ins), "off_topic": len(off),
            "in_p5": float(np.percentile(ins, 5)), "in_p10": float(np.percentile(ins, 10)), "in_min": float(ins.min()),
            "off_max": float(off.max()), "off_p90": float(np.percentile(off, 90)),
        }
    return out
