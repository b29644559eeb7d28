"""Held-apart folds of a question set, and fusion weights tuned on one fold only.

Anything chosen by looking at results (a fusion weight, a fine-tuned model) is chosen on the
training fold and reported on the validation fold. The split is by a hash of the question id,
so it is the same on every machine and run, and independent of the file's order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

VALID_SHARE = 0.3


def in_validation(question_id: str, share: float = VALID_SHARE, salt: str = "") -> bool:
    """Whether a question belongs to the validation fold (stable: a hash of its id).

    A ``salt`` gives an independent split, e.g. a tuning slice carved out of the training fold.
    """
    h = int.from_bytes(hashlib.sha256((salt + str(question_id)).encode()).digest()[:8], "big")
    return (h % 10_000) < share * 10_000


def split(questions: Sequence[dict], share: float = VALID_SHARE, salt: str = "") -> tuple[list[dict], list[dict]]:
    """(training fold, validation fold) of questions carrying an ``id``."""
    train, valid = [], []
    for q in questions:
        (valid if in_validation(q["id"], share, salt) else train).append(q)
    return train, valid


# The blends tried: each fusion method with the dense arm's share of the weight.
DENSE_SHARES = (0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.8)
METHODS = ("zscore", "weighted")


def blend_overrides(method: str, dense_share: float) -> dict:
    return {"fusion": method, "dense_weight": dense_share, "bm25_weight": round(1.0 - dense_share, 4)}


def objective(metrics: dict, k: int = 10) -> float:
    """What tuning maximises: Recall@k plus MAP@k (the two figures the benchmark reports)."""
    return metrics[f"recall@{k}"] + metrics[f"map@{k}"]


def tune(evaluate, k: int = 10, log=print) -> tuple[dict, list[tuple[dict, dict]]]:
    """The blend maximising `objective` as measured by ``evaluate(overrides) -> metrics`` (which must
    run on the training fold); returns (best overrides, every (overrides, metrics) tried)."""
    tried = []
    for method in METHODS:
        for share in DENSE_SHARES:
            ov = blend_overrides(method, share)
            m = evaluate(ov)
            tried.append((ov, m))
            log(f"  tune {method:<8} dense {share:.2f}: recall@{k} {m[f'recall@{k}']:.4f}  map@{k} {m[f'map@{k}']:.4f}")
    best = max(tried, key=lambda t: objective(t[1], k))[0]
    return best, tried
